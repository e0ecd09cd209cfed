import Foundation
import Imaging
import Materials
import NeuralMaterial
import Rendering
import Scenes
import XCTest

/// `--tracing query` (pathtrace.comp, ray queries in a compute kernel) runs
/// the integrator of `--tracing pipeline` (pathtrace.rgen) with the same hit
/// geometry functions: furnace energy is conserved, and on a scene mixing
/// analytic, layered and neural materials on triangles and spheres the two
/// give the same image and AOVs for the same seed; material-coherent shading
/// in the compute kernel (valid on lavapipe: subgroups in compute) does too.
final class RayQueryTracingTests: XCTestCase {
    func testRayQueryFurnaceConvergesToOneEverywhere() throws {
        let scene = try SceneLoader.load(path: RenderTestSupport.asset("Assets/Scenes/furnace.json"))
        let device = try RenderDevice(validation: true, logger: RenderTestSupport.logger)
        let sink = ValidationSinkBox(device)
        guard device.device.supportsRayQuery else {
            XCTAssertThrowsError(try PathTracer(renderDevice: device, tracing: .query)) { error in
                XCTAssertTrue("\(error)".contains("VK_KHR_ray_query"), "\(error)")
            }
            print("note: \(device.deviceName) has no VK_KHR_ray_query: checked the refusal, not the images")
            return
        }
        let tracer = try PathTracer(renderDevice: device, tracing: .query)
        XCTAssertEqual(tracer.tracing, .query)
        var settings = RenderSettings(film: scene.film)
        settings.width = 36; settings.height = 28   // not multiples of the 8×8 workgroup: edge tiles
        settings.samplesPerPixel = 128
        settings.aovs = [.depth]
        let output = try tracer.render(scene: scene, settings: settings)
        var sum = 0.0, worst = 0.0
        for p in output.image.pixels {
            for c in [p.x, p.y, p.z] {
                XCTAssert(c.isFinite)
                sum += Double(c)
                worst = max(worst, abs(Double(c) - 1))
            }
        }
        XCTAssertEqual(sum / Double(output.image.pixels.count * 3), 1, accuracy: 0.005, "furnace mean")
        XCTAssertLessThan(worst, 0.25, "every pixel must be near 1 at 128 spp")
        let depth = try XCTUnwrap(output.depth)
        XCTAssertEqual(depth[(28 / 2) * 36 + 36 / 2], 3, accuracy: 0.03, "centre pixel sees the sphere at distance 3")
        XCTAssertEqual(depth[0], 0, "corner pixel misses the sphere")
        XCTAssertEqual(depth[36 * 28 - 1], 0, "last pixel (edge tile) is written and misses the sphere")
        XCTAssertGreaterThan(output.stats.rays, UInt64(36 * 28 * 128))
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
    }

    func testRayQueryMatchesPipelineOnMixedMaterials() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-rayquery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = try LightTransportTests.writeTestEnvironment()
        defer { try? FileManager.default.removeItem(atPath: env) }
        let conductor = RenderTestSupport.asset("Assets/Materials/conductor.json")
        let sheen = RenderTestSupport.asset("Assets/Materials/sheen.json")
        // A neural twin of `sheen` with seeded random weights (the images are
        // compared between tracings, not against the reference).
        let sheenMaterial = try MaterialLoader.loadMaterial(path: sheen)
        let nmat = dir.appendingPathComponent("sheen.nmat").path
        var parameters = DecoderParameters.initialised(architecture: .brdf2x32, seed: 3)
        var rng = PCG32(seed: 4)
        for i in parameters.values.indices { parameters.values[i] += 0.1 * (rng.nextFloat() * 2 - 1) }
        let latents = LatentPyramid<Float>.random(width: 16, height: 16, channels: 8, levelCount: nil, seed: 5, std: 0.5)
        try NeuralMaterialFile(parameters: parameters, latents: latents,
                               metadata: NeuralMaterialMetadata(sourceMaterialName: "sheen", sourceContentHash: "fnv1a64:" + sheenMaterial.contentHashHex, seed: 0))
            .write(to: nmat)

        let scene = Scene(
            camera: Camera(position: Float3(0, 1.0, 4), target: Float3(0, 0.4, 0), up: Float3(0, 1, 0), fovY: 40, focusDistance: 0),
            film: Film(width: 30, height: 20, samplesPerPixel: 8, maxDepth: 4, seed: 5),
            environment: .map(path: env, rotation: 10, intensity: 1),
            materials: [
                NamedMaterial(name: "floor", material: .diffuse(albedo: Float3(0.5, 0.45, 0.4))),
                NamedMaterial(name: "layered", layered: LayeredBinding(source: conductor)),
                NamedMaterial(name: "neural", layered: LayeredBinding(source: sheen, neural: nmat)),
            ],
            objects: [
                SceneObject(name: "floor", shape: .mesh(ProceduralShapes.plane(width: 8, depth: 8)), materialIndex: 0),
                SceneObject(name: "s0", shape: .sphere(center: Float3(-0.9, 0.35, 0), radius: 0.35), materialIndex: 1),
                SceneObject(name: "s1", shape: .sphere(center: Float3(-0.2, 0.35, 0.2), radius: 0.3), materialIndex: 2),
                SceneObject(name: "s2", shape: .sphere(center: Float3(0.5, 0.35, 0), radius: 0.35), materialIndex: 1),
                SceneObject(name: "s3", shape: .sphere(center: Float3(1.1, 0.3, 0.3), radius: 0.3), materialIndex: 2),
            ])
        let logger = RenderTestSupport.logger
        let device = try RenderDevice(validation: true, logger: logger)
        let sink = ValidationSinkBox(device)
        guard device.device.supportsRayQuery else {
            print("note: \(device.deviceName) has no VK_KHR_ray_query: the furnace test checks the refusal")
            return
        }
        let materials = try SceneMaterials(scene: scene, mode: .auto, logger: logger)
        XCTAssertEqual(materials.kinds, ["analytic", "reference", "neural"])
        func render(_ tracing: TracingMethod, coherent: Bool = false) throws -> RenderOutput {
            let tracer = try PathTracer(renderDevice: device, sceneCode: materials.code, coherentShading: coherent, tracing: tracing)
            var settings = RenderSettings(film: scene.film)
            settings.aovs = [.albedo, .normal, .depth]
            return try tracer.render(scene: scene, settings: settings, materials: materials)
        }
        let pipeline = try render(.pipeline)
        let query = try render(.query)
        XCTAssertGreaterThan(RenderTestSupport.meanLuminanceLike(pipeline.image), 0.05, "scene must be lit")
        // Same arithmetic on the same device: the same bits.
        XCTAssertEqual(query.image.pixels, pipeline.image.pixels, "beauty: query vs pipeline")
        XCTAssertEqual(try XCTUnwrap(query.albedo).pixels, try XCTUnwrap(pipeline.albedo).pixels, "albedo: query vs pipeline")
        XCTAssertEqual(try XCTUnwrap(query.normal).pixels, try XCTUnwrap(pipeline.normal).pixels, "normal: query vs pipeline")
        XCTAssertEqual(query.depth, pipeline.depth, "depth: query vs pipeline")
        XCTAssertEqual(query.stats.rays, pipeline.stats.rays, "same paths, same ray count")

        if device.device.subgroupBallotInCompute {
            let coherent = try render(.query, coherent: true)
            XCTAssertEqual(coherent.image.pixels, query.image.pixels, "beauty: coherent vs divergent shading (query)")
            XCTAssertEqual(try XCTUnwrap(coherent.albedo).pixels, try XCTUnwrap(query.albedo).pixels, "albedo: coherent vs divergent (query)")
        } else {
            print("note: \(device.deviceName) has no subgroup ballots in compute: coherent query shading not checked")
        }
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
    }
}
