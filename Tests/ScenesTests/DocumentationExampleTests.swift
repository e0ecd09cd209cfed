import Foundation
import XCTest
@testable import Scenes

/// The example in docs/SCENE_FORMAT.md must stay a valid scene.
final class DocumentationExampleTests: XCTestCase {
    func testSceneFormatExampleLoads() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/SCENE_FORMAT.md").standardizedFileURL.path
        guard let text = try? String(contentsOfFile: docs, encoding: .utf8) else { throw XCTSkip("docs/SCENE_FORMAT.md not found") }
        guard let start = text.range(of: "```json\n"), let end = text.range(of: "```", range: start.upperBound..<text.endIndex) else {
            return XCTFail("no ```json example block in SCENE_FORMAT.md")
        }
        let json = String(text[start.upperBound..<end.lowerBound])
        let dir = try TempDir()
        try dir.write("Environments/studio.exr", "placeholder")
        try dir.write("Meshes/cube.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
        let scene = try SceneLoader.parse(data: Data(json.utf8), file: "example.json", baseDirectory: dir.path + "/Scenes")
        XCTAssertEqual(scene.objects.map(\.name), ["ball", "probe", "crate", "cube", "floor"])
        XCTAssertEqual(scene.materials.count, 4)
        XCTAssertEqual(scene.film.width, 1024)
    }
}
