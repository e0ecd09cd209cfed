import Foundation
import Materials
import Imaging
import Rendering
import Scenes
import XCTest

/// Every material of the MaterialX example corpus that loads (the exact set
/// is asserted by MaterialsTests' MaterialXCorpusTests) renders on the GPU:
/// one sphere per material in a grid, under a white sky, through the
/// wavefront (one shading kernel per distinct material code). Each sphere's
/// pixels must be finite and lit, in the beauty pass and the albedo AOV —
/// the CPU albedo check alone would not catch generated GLSL that compiles
/// but shades black or NaN.
final class MaterialXCorpusRenderTests: XCTestCase {
    static var corpusExamples: String {
        RenderTestSupport.repositoryRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/corpus/materialx/resources/Materials/Examples").path
    }

    /// `DOC#NAME` of every corpus material that loads, in a stable order.
    func loadableCorpusMaterials() throws -> [String] {
        let root = Self.corpusExamples
        guard FileManager.default.fileExists(atPath: root) else {
            XCTFail("the MaterialX corpus is missing: expected it at \(root) (../shared/corpus/materialx beside the checkout)")
            return []
        }
        let docs = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".mtlx") }.sorted()
        var sources: [String] = []
        for doc in docs {
            let path = root + "/" + doc
            guard let names = try? MaterialLoader.materialNames(path: path) else { continue }
            for name in names where (try? MaterialLoader.loadMaterial(MaterialReference(path: path, name: name), warn: { _ in })) != nil {
                sources.append(path + "#" + name)
            }
        }
        return sources
    }

    /// The wavefront render of `scene` (layered references) with the albedo
    /// and depth AOVs, validation layer on and silent.
    func render(_ scene: Scene) throws -> RenderOutput {
        let logger = RenderTestSupport.logger
        var output: RenderOutput?
        let sink: ValidationSinkBox
        do {
            let device = try RenderDevice(validation: true, logger: logger)
            sink = ValidationSinkBox(device)
            guard device.device.supportsRayQuery else { throw XCTSkip("\(device.deviceName) has no VK_KHR_ray_query (the wavefront needs it)") }
            let materials = try SceneMaterials(scene: scene, mode: .reference, logger: logger)
            let tracer = try PathTracer(renderDevice: device, sceneCode: materials.code, tracing: .query, integrator: .wavefront)
            var settings = RenderSettings(film: scene.film)
            settings.aovs = [.albedo, .depth]
            output = try tracer.render(scene: scene, settings: settings, materials: materials)
        }
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
        return try XCTUnwrap(output)
    }

    func testEveryLoadableCorpusMaterialRendersFiniteAndLit() throws {
        let sources = try loadableCorpusMaterials()
        guard !sources.isEmpty else { return }
        XCTAssertGreaterThanOrEqual(sources.count, 40, "most of the corpus loads (MaterialXCorpusTests has the exact set)")

        // A grid of unit-diameter spheres in the z = 0 plane, seen head-on.
        let columns = 8, rows = (sources.count + columns - 1) / columns
        let spacing: Float = 1.1, radius: Float = 0.45, distance: Float = 12
        let halfExtent = spacing * Float(max(columns, rows)) / 2
        let fovY = 2 * atan(halfExtent / distance) * 180 / .pi
        let side = 16 * max(columns, rows)
        func centre(_ i: Int) -> Float3 {
            Float3(spacing * (Float(i % columns) - Float(columns - 1) / 2),
                   spacing * (Float(rows - 1) / 2 - Float(i / columns)), 0)
        }
        var materials: [NamedMaterial] = []
        var objects: [SceneObject] = []
        for (i, source) in sources.enumerated() {
            materials.append(NamedMaterial(name: "m\(i)", layered: LayeredBinding(source: source)))
            objects.append(SceneObject(name: "s\(i)", shape: .sphere(center: centre(i), radius: radius), materialIndex: i))
        }
        let scene = Scene(
            camera: Camera(position: Float3(0, 0, distance), target: Float3(0, 0, 0), up: Float3(0, 1, 0), fovY: fovY, focusDistance: 0),
            film: Film(width: side, height: side, samplesPerPixel: 4, maxDepth: 3, seed: 1),
            environment: .constant(Float3(1, 1, 1)),
            materials: materials, objects: objects)
        let output = try render(scene)
        let albedo = try XCTUnwrap(output.albedo)
        let depth = try XCTUnwrap(output.depth)
        XCTAssertTrue(output.image.pixels.allSatisfy { $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }, "every pixel finite")

        // The pixel under each sphere's centre (the camera looks down −z, so
        // the centres lie in one plane facing it, they project linearly), and its 3×3 block.
        let pixelsPerUnit = Float(side) / (2 * halfExtent)
        for (i, source) in sources.enumerated() {
            let c = centre(i)
            let px = Int((Float(side) / 2 + c.x * pixelsPerUnit).rounded(.down))
            let py = Int((Float(side) / 2 - c.y * pixelsPerUnit).rounded(.down))
            // The ray through the centre's pixel passes (nearly) through the
            // centre, so it meets the sphere one radius before it.
            let toCentre = (c.x * c.x + c.y * c.y + distance * distance).squareRoot()
            XCTAssertEqual(depth[py * side + px], toCentre - radius, accuracy: 0.1,
                           "\(source): the centre pixel sees its own sphere")
            var beauty = SIMD3<Float>(repeating: 0), base = SIMD3<Float>(repeating: 0)
            for dy in -1...1 {
                for dx in -1...1 {
                    let p = (py + dy) * side + px + dx
                    let b = output.image.pixels[p], a = albedo.pixels[p]
                    beauty += SIMD3(b.x, b.y, b.z) / 9
                    base += SIMD3(a.x, a.y, a.z) / 9
                }
            }
            let name = source.split(separator: "/").suffix(2).joined(separator: "/")
            XCTAssertTrue(beauty.max().isFinite && base.max().isFinite, "\(name): finite")
            XCTAssertGreaterThan(beauty.max(), 0.01, "\(name) renders black under a white sky")
            XCTAssertGreaterThan(base.max(), 0.005, "\(name): albedo AOV is black")
            XCTAssertLessThanOrEqual(base.max(), 1.05, "\(name): albedo AOV above 1")
        }
    }
}
