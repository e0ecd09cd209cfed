import Foundation
import XCTest
@testable import Scenes

/// Scene materials that name a layered graph file and its baked neural twin.
final class LayeredBindingTests: XCTestCase {
    func scene(materials: String, dir: TempDir) throws -> String {
        try dir.write("scene.json", """
        {"camera": {"position": [0, 0, 3], "target": [0, 0, 0]},
         "materials": \(materials),
         "objects": [{"shape": "sphere", "radius": 1, "material": "paint"}]}
        """)
    }

    func testLayeredBindingResolvesPathsRelativeToTheScene() throws {
        let dir = try TempDir()
        try dir.write("materials/paint.json", "{}")
        let path = try scene(materials: #"{"paint": {"type": "layered", "source": "materials/paint.json", "neural": "baked/paint.nmat"}}"#, dir: dir)
        let loaded = try SceneLoader.load(path: path)
        guard case .layered(let binding) = loaded.materials[0].source else { return XCTFail("expected a layered binding") }
        XCTAssertTrue(binding.source.hasSuffix("/materials/paint.json"))
        XCTAssertTrue(binding.source.hasPrefix("/"))
        XCTAssertEqual(binding.neural.map { URL(fileURLWithPath: $0).lastPathComponent }, "paint.nmat")
        XCTAssertTrue(binding.neural?.contains("/baked/") ?? false)
        XCTAssertNil(loaded.materials[0].material)
    }

    func testMissingSourceAndWrongExtensionsAreErrors() throws {
        let dir = try TempDir()
        let missing = try scene(materials: #"{"paint": {"type": "layered", "source": "nope.json"}}"#, dir: dir)
        assertSceneError(.missingFile, "materials.paint.source", "nope.json") { try SceneLoader.load(path: missing) }
        try dir.write("paint.txt", "x")
        let wrong = try scene(materials: #"{"paint": {"type": "layered", "source": "paint.txt"}}"#, dir: dir)
        assertSceneError(.unsupported, ".json, .mtlx, .gltf or .glb") { try SceneLoader.load(path: wrong) }
        try dir.write("paint.mtlx", "<materialx/>")
        let badNeural = try scene(materials: #"{"paint": {"type": "layered", "source": "paint.mtlx", "neural": "paint.bin"}}"#, dir: dir)
        assertSceneError(.invalidValue, ".nmat") { try SceneLoader.load(path: badNeural) }
        let typo = try scene(materials: #"{"paint": {"type": "layered", "source": "paint.mtlx", "nerual": "x.nmat"}}"#, dir: dir)
        assertSceneError(.unknownKey, "nerual") { try SceneLoader.load(path: typo) }
    }

    func testFileHashNameSelectsOneMaterialOfAFile() throws {
        let dir = try TempDir()
        try dir.write("materials/set.mtlx", "<materialx/>")
        let path = try scene(materials: #"{"paint": {"type": "layered", "source": "materials/set.mtlx#Pawn_White"}}"#, dir: dir)
        let loaded = try SceneLoader.load(path: path)
        guard case .layered(let binding) = loaded.materials[0].source else { return XCTFail("expected a layered binding") }
        XCTAssertTrue(binding.source.hasPrefix("/"))
        XCTAssertTrue(binding.source.hasSuffix("/materials/set.mtlx#Pawn_White"), binding.source)
        let missing = try scene(materials: #"{"paint": {"type": "layered", "source": "materials/other.mtlx#Pawn_White"}}"#, dir: dir)
        assertSceneError(.missingFile, "materials.paint.source", "other.mtlx") { try SceneLoader.load(path: missing) }
        let empty = try scene(materials: #"{"paint": {"type": "layered", "source": "materials/set.mtlx#"}}"#, dir: dir)
        assertSceneError(.invalidValue, "FILE#NAME") { try SceneLoader.load(path: empty) }
    }
}
