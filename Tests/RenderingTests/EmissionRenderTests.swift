import Foundation
import Imaging
import Rendering
import Scenes
import XCTest

/// Emissive surfaces: a path that hits one collects its emission. One small
/// scene, black environment, 1 spp, one layered material (one pipeline): an
/// emissive black ceiling (y = 2) over an analytic diffuse floor (albedo 0.5),
/// seen from between them, by both integrators. A camera ray on the ceiling returns exactly its
/// emission (nothing else: the ceiling reflects nothing and the sky is black);
/// a camera ray on the floor returns either 0.5 × emission (its cosine-sampled
/// bounce hit the ceiling: weight = albedo up to rounding) or 0 (it escaped).
final class EmissionRenderTests: XCTestCase {
    func testEmitterSeenDirectlyAndLightingItsNeighbour() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("emission-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let emitter = dir.appendingPathComponent("emitter.json").path
        try Data("""
        {"lacquer_material": 1, "name": "emitter", "emission": [2, 1, 0.5],
         "bsdf": {"node": "lambert_bsdf", "color": [0, 0, 0]}}
        """.utf8).write(to: URL(fileURLWithPath: emitter))
        var ceiling = ProceduralShapes.plane(width: 10_000, depth: 10_000)
        ceiling.positions = ceiling.positions.map { Float3($0.x, $0.y + 2, $0.z) }
        let scene = Scene(
            camera: Camera(position: Float3(0, 1, 0), target: Float3(0, 1, -1), up: Float3(0, 1, 0), fovY: 90, focusDistance: 0),
            film: Film(width: 16, height: 16, samplesPerPixel: 1, maxDepth: 2, seed: 3),
            environment: .constant(.zero),
            materials: [
                NamedMaterial(name: "floor", material: .diffuse(albedo: Float3(0.5, 0.5, 0.5))),
                NamedMaterial(name: "emitter", layered: LayeredBinding(source: emitter)),
            ],
            objects: [
                SceneObject(name: "floor", shape: .mesh(ProceduralShapes.plane(width: 10_000, depth: 10_000)), materialIndex: 0),
                SceneObject(name: "ceiling", shape: .mesh(ceiling), materialIndex: 1),
            ])
        // Both integrators run the same per-vertex code (path_vertex.glsl).
        let logger = RenderTestSupport.logger
        let sink: ValidationSinkBox
        do {
            let device = try RenderDevice(validation: true, logger: logger)
            sink = ValidationSinkBox(device)
            let materials = try SceneMaterials(scene: scene, mode: .reference, logger: logger)
            var integrators: [(Integrator, TracingMethod)] = [(.megakernel, .pipeline)]
            if device.device.supportsRayQuery { integrators.append((.wavefront, .query)) }
            for (integrator, tracing) in integrators {
                let tracer = try PathTracer(renderDevice: device, sceneCode: materials.code, tracing: tracing, integrator: integrator)
                let output = try tracer.render(scene: scene, settings: RenderSettings(film: scene.film), materials: materials)
                check(output.image.pixels, "\(integrator)")
            }
        }
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
    }

    func check(_ pixels: [SIMD4<Float>], _ what: String) {
        let e = SIMD3<Float>(2, 1, 0.5)
        func near(_ c: SIMD3<Float>, _ t: SIMD3<Float>) -> Bool { (0..<3).allSatisfy { abs(c[$0] - t[$0]) <= 1e-5 * t[$0] } }
        var direct = 0, lit = 0, dark = 0
        for p in pixels {
            let c = SIMD3(p.x, p.y, p.z)
            XCTAssert(c.x.isFinite && c.y.isFinite && c.z.isFinite, "\(what): \(c)")
            if c == e { direct += 1 } else if near(c, 0.5 * e) { lit += 1 } else if c == .zero { dark += 1 } else {
                XCTFail("\(what): pixel \(c) is neither the emission \(e), half of it (floor lit by it) nor 0")
            }
        }
        // The upper half of the frame is ceiling (a ray jittered to the horizon may miss it), the lower half floor.
        XCTAssertGreaterThanOrEqual(direct, 16 * 8 - 4, "\(what): ceiling pixels are exactly the emission")
        XCTAssertLessThanOrEqual(direct, 16 * 8, what)
        XCTAssertGreaterThan(lit, 16 * 8 / 2, "\(what): the floor is lit by the emitter (\(lit) lit, \(dark) dark)")
    }
}
