import XCTest
import Foundation
@testable import Scenes
final class ZZDebugTests: XCTestCase {
    func testDebug() {
        let root = "/usr/share/assimp/models/glTF2"
        let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
        for f in files where f.hasSuffix(".gltf") || f.hasSuffix(".glb") {
            do { let m = try GLTFLoader.load(path: root + "/" + f); print("DBG OK", f, m.positions.count, m.triangleCount) }
            catch { print("DBG ERR", error) }
        }
    }
}
