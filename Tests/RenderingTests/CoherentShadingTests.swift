import Foundation
import Imaging
import Rendering
import Scenes
import XCTest

/// `--coherent` reorganises who runs which material's code (a subgroup
/// waterfall) but not the arithmetic: with the same seed its image and
/// albedo AOV must match the divergent path's, for a scene whose subgroups
/// mix two neural materials, layered references and an analytic floor.
/// Devices without subgroup ballots in ray-generation shaders (lavapipe)
/// must refuse the option with a clear error instead.
final class CoherentShadingTests: XCTestCase {
    func testCoherentShadingMatchesDivergentShadingOrIsRefused() throws {
        let env = try LightTransportTests.writeTestEnvironment()
        defer { try? FileManager.default.removeItem(atPath: env) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-coherent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Small, interleaved spheres so subgroups see several materials.
        let scene = try RenderTestSupport.mixedMaterialScene(in: dir, envPath: env)
        let logger = RenderTestSupport.logger
        let device = try RenderDevice(validation: true, logger: logger)
        let sink = ValidationSinkBox(device)
        guard device.device.subgroupBallotInRayGeneration else {
            XCTAssertThrowsError(try PathTracer(renderDevice: device, sceneCode: SceneShaderCode(), coherentShading: true)) { error in
                XCTAssertTrue("\(error)".contains("subgroup ballot operations in ray-generation shaders"), "\(error)")
            }
            XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
            // What this device can check ends here (swift test --parallel
            // would report an XCTSkip as a pass anyway): say so in the log.
            print("note: \(device.deviceName) has no subgroup ballots in ray generation: checked the refusal, not coherent images")
            return
        }
        let variants: [(String, SceneMaterials)] = [
            ("reference", try SceneMaterials(scene: scene, mode: .reference, logger: logger)),
            ("neural", try SceneMaterials.synthetic(scene: scene, architecture: .brdf2x32, latentResolution: 32, logger: logger)),
        ]
        for (name, materials) in variants {
            var outputs: [RenderOutput] = []
            for coherent in [false, true] {
                let tracer = try PathTracer(renderDevice: device, sceneCode: materials.code, coherentShading: coherent)
                var settings = RenderSettings(film: scene.film)
                settings.aovs = [.albedo]
                outputs.append(try tracer.render(scene: scene, settings: settings, materials: materials))
            }
            let divergent = outputs[0], coherent = outputs[1]
            XCTAssertGreaterThan(RenderTestSupport.meanLuminanceLike(divergent.image), 0.05, "\(name): scene must be lit")
            func assertClose(_ a: Image?, _ b: Image?, _ what: String) throws {
                let a = try XCTUnwrap(a, "\(name) \(what) missing"), b = try XCTUnwrap(b, "\(name) \(what) missing")
                var worst: Float = 0
                for (p, q) in zip(a.pixels, b.pixels) {
                    for c in 0..<3 {
                        let d = abs(p[c] - q[c]), m = max(abs(p[c]), abs(q[c]))
                        worst = max(worst, d / max(m, 1e-2))
                    }
                }
                XCTAssertLessThan(worst, 1e-3, "\(name) \(what): coherent vs divergent, worst relative difference")
            }
            try assertClose(divergent.image, coherent.image, "image")
            try assertClose(divergent.albedo, coherent.albedo, "albedo")
        }
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
    }
}
