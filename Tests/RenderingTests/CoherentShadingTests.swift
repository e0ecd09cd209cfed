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
        let conductor = RenderTestSupport.asset("Assets/Materials/conductor.json")
        let sheen = RenderTestSupport.asset("Assets/Materials/sheen.json")
        let scene = Scene(
            camera: Camera(position: Float3(0, 1.0, 4), target: Float3(0, 0.4, 0), up: Float3(0, 1, 0), fovY: 40, focusDistance: 0),
            film: Film(width: 32, height: 24, samplesPerPixel: 8, maxDepth: 4, seed: 5),
            environment: .map(path: env, rotation: 10, intensity: 1),
            materials: [
                NamedMaterial(name: "floor", material: .diffuse(albedo: Float3(0.5, 0.45, 0.4))),
                NamedMaterial(name: "a", layered: LayeredBinding(source: conductor)),
                NamedMaterial(name: "b", layered: LayeredBinding(source: sheen)),
            ],
            objects: [
                SceneObject(name: "floor", shape: .mesh(ProceduralShapes.plane(width: 8, depth: 8)), materialIndex: 0),
                // Small, interleaved spheres so subgroups see several materials.
                SceneObject(name: "s0", shape: .sphere(center: Float3(-0.9, 0.35, 0), radius: 0.35), materialIndex: 1),
                SceneObject(name: "s1", shape: .sphere(center: Float3(-0.2, 0.35, 0.2), radius: 0.3), materialIndex: 2),
                SceneObject(name: "s2", shape: .sphere(center: Float3(0.5, 0.35, 0), radius: 0.35), materialIndex: 1),
                SceneObject(name: "s3", shape: .sphere(center: Float3(1.1, 0.3, 0.3), radius: 0.3), materialIndex: 2),
            ])
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
