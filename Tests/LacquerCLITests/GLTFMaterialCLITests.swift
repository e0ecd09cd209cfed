import Foundation
import XCTest

/// glTF files as material files: `lacquer materials`, `FILE#NAME`, `bake --all`.
final class GLTFMaterialCLITests: XCTestCase {
    static let assimpModels = "/usr/share/assimp/models/glTF2"

    func assimpModel(_ relative: String) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: Self.assimpModels, isDirectory: &isDir), isDir.boolValue else {
            throw XCTSkip("\(Self.assimpModels) is missing: install the Debian package assimp-testmodels (Tools/setup does)")
        }
        return Self.assimpModels + "/" + relative
    }

    func testMaterialsListsAGLTFFilesMaterials() throws {
        let coat = try assimpModel("ClearCoat-glTF/ClearCoatTest.gltf")
        let r = try CLI.run(["materials", coat])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(names.count, 19)
        XCTAssertEqual(names.prefix(3), ["Simple_Base", "Simple_Coated", "Simple_Coating"])
    }

    func testBakeAllAndSelectionOfAGLB() throws {
        let glb = try assimpModel("BoxTextured-glTF-Binary/BoxTextured.glb")
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A starved bake: its twin may be poor, which is not what this test is about.
        let tiny = ["--preset", "quick", "--resolution", "4", "--samples", "2048", "--quiet", "--allow-poor"]
        let all = try CLI.run(["bake", glb, "--all", "-o", dir.path] + tiny)
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".nmat") }, ["Texture.nmat"])
        let unknown = try CLI.run(["bake", glb + "#Chrome", "-o", dir.appendingPathComponent("c.nmat").path] + tiny)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("Chrome") && unknown.stderr.contains("Texture"), unknown.stderr)
    }
}
