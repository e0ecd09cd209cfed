import Foundation
import Materials
import NeuralMaterial
import Rendering
import Scenes
import XCTest

/// How a scene's layered bindings resolve to neural or reference code: a
/// missing, stale or unreadable `.nmat` never renders silently wrong pixels.
final class SceneMaterialsTests: XCTestCase {
    let materialPath = RenderTestSupport.asset("Assets/Materials/conductor.json")

    func scene(neural: String?) -> Scene {
        Scene(camera: Camera(position: Float3(0, 0, 3), target: .zero, up: Float3(0, 1, 0), fovY: 40, focusDistance: 0),
              film: Film(), environment: .constant(.one),
              materials: [NamedMaterial(name: "gold", layered: LayeredBinding(source: materialPath, neural: neural)),
                          NamedMaterial(name: "floor", material: .diffuse(albedo: Float3(0.5, 0.5, 0.5)))],
              objects: [])
    }

    func writeNmat(hash: String, to path: String) throws {
        let architecture = NeuralArchitecture.brdf2x16
        let file = NeuralMaterialFile(parameters: DecoderParameters.initialised(architecture: architecture, seed: 1),
                                      latents: LatentPyramid<Float>.random(width: 4, height: 4, seed: 2),
                                      metadata: NeuralMaterialMetadata(sourceMaterialName: "conductor", sourceContentHash: hash, seed: 1))
        try file.write(to: path)
    }

    func testCurrentNmatIsUsedAndStaleOrMissingFallsBackOrFails() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-scenematerials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let material = try MaterialLoader.loadMaterial(path: materialPath)
        let logger = RenderTestSupport.logger

        let current = dir.appendingPathComponent("current.nmat").path
        try writeNmat(hash: "fnv1a64:" + material.contentHashHex, to: current)
        let auto = try SceneMaterials(scene: scene(neural: current), mode: .auto, logger: logger)
        XCTAssertEqual(auto.kinds, [.neural, .analytic])
        XCTAssertEqual(auto.code.neural, [.brdf2x16])
        XCTAssertEqual(auto.code.latentImageCount, 2)
        let reference = try SceneMaterials(scene: scene(neural: current), mode: .reference, logger: logger)
        XCTAssertEqual(reference.kinds, [.layered, .analytic])
        XCTAssertEqual(reference.code.layered.count, 2, "the conductor file and the built-in diffuse floor")
        XCTAssertFalse(auto.code.analyticOnly)
        XCTAssertFalse(reference.code.analyticOnly, "a layered file is not analytic")
        var floorOnly = scene(neural: nil)
        floorOnly.materials.removeFirst()
        XCTAssertTrue(try SceneMaterials(scene: floorOnly, mode: .auto, logger: logger).code.analyticOnly)

        let stale = dir.appendingPathComponent("stale.nmat").path
        try writeNmat(hash: "fnv1a64:0000000000000000", to: stale)
        XCTAssertEqual(try SceneMaterials(scene: scene(neural: stale), mode: .auto, logger: logger).kinds, [.layered, .analytic])
        XCTAssertThrowsError(try SceneMaterials(scene: scene(neural: stale), mode: .neural, logger: logger)) { error in
            XCTAssertTrue("\(error)".contains("stale"), "\(error)")
            XCTAssertTrue("\(error)".contains("lacquer bake"), "\(error)")
        }

        let missing = dir.appendingPathComponent("missing.nmat").path
        XCTAssertEqual(try SceneMaterials(scene: scene(neural: missing), mode: .auto, logger: logger).kinds, [.layered, .analytic])
        XCTAssertThrowsError(try SceneMaterials(scene: scene(neural: missing), mode: .neural, logger: logger)) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
        XCTAssertThrowsError(try SceneMaterials(scene: scene(neural: nil), mode: .neural, logger: logger))

        let garbage = dir.appendingPathComponent("garbage.nmat").path
        try Data("not a safetensors file".utf8).write(to: URL(fileURLWithPath: garbage))
        XCTAssertEqual(try SceneMaterials(scene: scene(neural: garbage), mode: .auto, logger: logger).kinds, [.layered, .analytic])
        XCTAssertThrowsError(try SceneMaterials(scene: scene(neural: garbage), mode: .neural, logger: logger)) { error in
            XCTAssertTrue("\(error)".contains("garbage.nmat"), "\(error)")
        }
    }

    /// The resolver decides each binding without a device: a built-in type
    /// is its Materials graph, a file with a current twin is that twin and
    /// the graph it was baked from, and the assembly follows the decision.
    func testResolverDecidesWithoutADevice() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-resolver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let material = try MaterialLoader.loadMaterial(path: materialPath)
        let current = dir.appendingPathComponent("current.nmat").path
        try writeNmat(hash: "fnv1a64:" + material.contentHashHex, to: current)
        let resolved = try MaterialResolver.resolve(scene: scene(neural: current), mode: .auto, logger: RenderTestSupport.logger)
        XCTAssertEqual(resolved.map(\.kind), [.neural, .analytic])
        guard case .neural(let file, let source) = resolved[0] else { return XCTFail("expected the neural twin") }
        XCTAssertEqual(file.architecture, .brdf2x16)
        XCTAssertEqual(source.contentHash, material.contentHash)
        guard case .analytic(let floor) = resolved[1] else { return XCTFail("expected the built-in type's graph") }
        XCTAssertEqual(floor.name, "floor")
        XCTAssertEqual(floor.lobeKinds, [.lambert])
        let assembled = SceneMaterials(resolved: resolved)
        XCTAssertEqual(assembled.kinds, [.neural, .analytic])
        XCTAssertEqual(assembled.shadingUnits, [.neural(0), .layered(0)])
        XCTAssertEqual(assembled.neural.map(\.materialIndex), [0])
    }
}
