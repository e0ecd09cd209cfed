import Foundation
import Imaging
import Rendering
import Scenes
import XCTest

/// Every way of rendering runs the same per-vertex arithmetic
/// (Shaders/include/path_vertex.glsl) and consumes the same random numbers,
/// so on one device and seed they trace the same paths (same ray count) and
/// give the same image: bit for bit between the megakernel's variants (the
/// ray-tracing pipeline and ray queries, `--tracing`; divergent and
/// coherent shading, `--coherent`, where the device offers subgroup ballots
/// in compute), and to the last bits between the megakernel and the
/// wavefront integrator (`--integrator`), whose separately compiled shading
/// kernels may fuse multiply-adds differently — on a scene mixing analytic,
/// layered and neural materials on triangles and spheres, beauty and AOVs.
/// One test renders them all, so each megakernel pays lavapipe's first-use
/// compile once.
final class IntegratorAgreementTests: XCTestCase {
    func testEveryWayOfRenderingGivesTheSameImageOnMixedMaterials() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-agreement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = try LightTransportTests.writeTestEnvironment()
        defer { try? FileManager.default.removeItem(atPath: env) }
        let scene = try RenderTestSupport.mixedMaterialScene(in: dir, envPath: env)
        let logger = RenderTestSupport.logger
        let device = try RenderDevice(validation: true, logger: logger)
        let sink = ValidationSinkBox(device)
        guard device.device.supportsRayQuery else {
            print("note: \(device.deviceName) has no VK_KHR_ray_query: RayQueryTracingTests checks the refusal")
            return
        }
        let materials = try SceneMaterials(scene: scene, mode: .auto, logger: logger)
        XCTAssertEqual(materials.kinds, [.analytic, .layered, .neural])
        func render(_ tracing: TracingMethod, coherent: Bool = false, integrator: Integrator = .megakernel) throws -> RenderOutput {
            let tracer = try PathTracer(renderDevice: device, sceneCode: materials.code, coherentShading: coherent,
                                        tracing: tracing, integrator: integrator)
            var settings = RenderSettings(film: scene.film)
            settings.aovs = [.albedo, .normal, .depth]
            return try tracer.render(scene: scene, settings: settings, materials: materials)
        }
        func assertSame(_ a: RenderOutput, _ b: RenderOutput, _ what: String) throws {
            RenderTestSupport.assertSamePixels(a.image.pixels, b.image.pixels, "beauty: \(what)")
            RenderTestSupport.assertSamePixels(try XCTUnwrap(a.albedo).pixels, try XCTUnwrap(b.albedo).pixels, "albedo: \(what)")
            RenderTestSupport.assertSamePixels(try XCTUnwrap(a.normal).pixels, try XCTUnwrap(b.normal).pixels, "normal: \(what)")
            XCTAssertEqual(a.depth, b.depth, "depth: \(what)")
            XCTAssertEqual(a.stats.rays, b.stats.rays, "ray count (same paths): \(what)")
        }
        let pipeline = try render(.pipeline)
        XCTAssertGreaterThan(RenderTestSupport.meanLuminanceLike(pipeline.image), 0.05, "scene must be lit")
        let query = try render(.query)
        try assertSame(query, pipeline, "query vs pipeline")
        let wavefront = try render(.query, integrator: .wavefront)
        let what = "wavefront vs megakernel"
        RenderTestSupport.assertClosePixels(wavefront.image.pixels, query.image.pixels, relative: 1e-5, "beauty: \(what)")
        RenderTestSupport.assertClosePixels(try XCTUnwrap(wavefront.albedo).pixels, try XCTUnwrap(query.albedo).pixels, relative: 1e-5, "albedo: \(what)")
        RenderTestSupport.assertClosePixels(try XCTUnwrap(wavefront.normal).pixels, try XCTUnwrap(query.normal).pixels, relative: 1e-5, "normal: \(what)")
        XCTAssertEqual(wavefront.depth, query.depth, "depth: \(what)")
        XCTAssertEqual(wavefront.stats.rays, query.stats.rays, "ray count (same paths): \(what)")
        if device.device.subgroupBallotInCompute {
            let coherent = try render(.query, coherent: true)
            try assertSame(coherent, query, "coherent vs divergent shading (query)")
        } else {
            print("note: \(device.deviceName) has no subgroup ballots in compute: coherent query shading not checked")
        }
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
    }
}
