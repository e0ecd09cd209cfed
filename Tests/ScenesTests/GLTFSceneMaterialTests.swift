import Foundation
import XCTest
@testable import Scenes

/// A glTF mesh without a `material` renders with the file's own materials:
/// one object per material, bound to `FILE#NAME` layered materials.
final class GLTFSceneMaterialTests: XCTestCase {
    static let assimpModels = "/usr/share/assimp/models/glTF2"

    func assimpModel(_ relative: String) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: Self.assimpModels, isDirectory: &isDir), isDir.boolValue else {
            throw XCTSkip("\(Self.assimpModels) is missing: install the Debian package assimp-testmodels (Tools/setup does)")
        }
        return Self.assimpModels + "/" + relative
    }

    func scene(_ dir: TempDir, objects: String, materials: String = "{}") throws -> String {
        try dir.write("scene.json", """
        {"camera": {"position": [0, 0, 3], "target": [0, 0, 0]}, "materials": \(materials), "objects": \(objects)}
        """)
    }

    func testGLTFMeshWithoutMaterialUsesTheFilesMaterials() throws {
        let box = try assimpModel("BoxTextured-glTF/BoxTextured.gltf")
        let coat = try assimpModel("ClearCoat-glTF/ClearCoatTest.gltf")
        let dir = try TempDir()
        let path = try scene(dir, objects: """
            [{"name": "box", "shape": "mesh", "path": "\(box)"},
             {"name": "again", "shape": "mesh", "path": "\(box)", "transform": {"translate": [2, 0, 0]}},
             {"name": "coat", "shape": "mesh", "path": "\(coat)"}]
            """)
        let loaded = try SceneLoader.load(path: path)
        let boxObjects = loaded.objects.filter { $0.name == "box" || $0.name == "again" }
        XCTAssertEqual(boxObjects.count, 2)
        XCTAssertEqual(boxObjects[0].materialIndex, boxObjects[1].materialIndex, "one scene material per FILE#NAME")
        let boxMaterial = loaded.materials[boxObjects[0].materialIndex]
        XCTAssertEqual(boxMaterial.name, "BoxTextured.gltf#Texture")
        XCTAssertEqual(boxMaterial.source, .layered(LayeredBinding(source: box + "#Texture")))
        // ClearCoatTest: 19 materials, one object per material, names NAME/MATERIAL.
        let coatObjects = loaded.objects.filter { $0.name.hasPrefix("coat/") }
        XCTAssertEqual(coatObjects.count, 19)
        XCTAssertTrue(coatObjects.contains { $0.name == "coat/Simple_Coated" })
        XCTAssertEqual(Set(coatObjects.map(\.materialIndex)).count, 19)
        XCTAssertEqual(loaded.materials.count, 20)
        let whole = try GLTFLoader.load(path: coat)
        let split = coatObjects.reduce(0) { total, o in
            guard case .mesh(let m) = o.shape else { return total }
            return total + m.triangleCount
        }
        XCTAssertEqual(split, whole.triangleCount, "splitting by material keeps every triangle")
    }

    func testExplicitMaterialStillOverridesTheFilesMaterials() throws {
        let box = try assimpModel("BoxTextured-glTF-Binary/BoxTextured.glb")
        let dir = try TempDir()
        let path = try scene(dir, objects: #"[{"shape": "mesh", "path": "\#(box)", "material": "grey"}]"#,
                             materials: #"{"grey": {"type": "diffuse", "albedo": [0.5, 0.5, 0.5]}}"#)
        let loaded = try SceneLoader.load(path: path)
        XCTAssertEqual(loaded.objects.count, 1)
        XCTAssertEqual(loaded.materials.map(\.name), ["grey"])
    }

    /// A declared layered material of the same `FILE#NAME` (with its neural twin) is used.
    func testDeclaredBindingOfTheSameSourceIsReused() throws {
        let box = try assimpModel("BoxTextured-glTF/BoxTextured.gltf")
        let dir = try TempDir()
        let path = try scene(dir, objects: #"[{"name": "box", "shape": "mesh", "path": "\#(box)"}]"#,
                             materials: #"{"logo": {"type": "layered", "source": "\#(box)#Texture", "neural": "logo.nmat"}}"#)
        let loaded = try SceneLoader.load(path: path)
        XCTAssertEqual(loaded.materials.map(\.name), ["logo"])
        XCTAssertEqual(loaded.objects.map(\.materialIndex), [0])
        guard case .layered(let binding) = loaded.materials[0].source else { return XCTFail("expected a layered binding") }
        XCTAssertEqual(binding.neural.map { URL(fileURLWithPath: $0).lastPathComponent }, "logo.nmat")
    }

    func testOtherMeshesStillNeedAMaterial() throws {
        let dir = try TempDir()
        try dir.write("tri.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
        let path = try scene(dir, objects: #"[{"shape": "mesh", "path": "tri.obj"}]"#)
        assertSceneError(.missingField, "material") { try SceneLoader.load(path: path) }
    }
}
