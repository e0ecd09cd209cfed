import Foundation
import Imaging
import Logging
import Materials
import NeuralMaterial
import Rendering
import Scenes
import XCTest

/// Helpers shared by the GPU tests: a validated device per test, the
/// repository's assets, and statistics over rendered images.
enum RenderTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func asset(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

    static var logger: Logger {
        var l = Logger(label: "lacquer-tests")
        l.logLevel = .warning
        return l
    }

    /// Renders with a fresh validated device, tears it down and asserts the
    /// validation layer said nothing — including leak reports at teardown.
    static func renderValidated(_ scene: Scene, integrator: Integrator = .megakernel,
                                _ adjust: (inout RenderSettings) -> Void = { _ in },
                                file: StaticString = #filePath, line: UInt = #line) throws -> RenderOutput {
        var output: RenderOutput?
        let sink: ValidationSinkBox
        do {
            let device = try RenderDevice(validation: true, logger: logger)
            XCTAssertTrue(device.validationEnabled, "validation layer must be on for GPU tests", file: file, line: line)
            sink = ValidationSinkBox(device)
            let materials = try SceneMaterials(scene: scene, mode: .auto, logger: logger)
            let tracer = try PathTracer(renderDevice: device, sceneCode: materials.code,
                                        tracing: integrator == .wavefront ? .query : .pipeline, integrator: integrator)
            var settings = RenderSettings(film: scene.film)
            adjust(&settings)
            output = try tracer.render(scene: scene, settings: settings, materials: materials)
        }
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages", file: file, line: line)
        guard let output else { throw RenderError("no output") }
        return output
    }

    /// The decoder of the sheen material's test twin: seeded 2×32 weights,
    /// perturbed so that the latents change what it decodes.
    static func sheenTwinParameters() -> DecoderParameters {
        var parameters = DecoderParameters.initialised(architecture: .brdf2x32, seed: 3)
        var rng = PCG32(seed: 4)
        for i in parameters.values.indices { parameters.values[i] += 0.1 * (rng.nextFloat() * 2 - 1) }
        return parameters
    }

    /// Writes a neural twin of Assets/Materials/sheen.json with
    /// `sheenTwinParameters()` and the given latents to `path`.
    static func writeSheenTwin(latents: LatentPyramid<Float>, to path: String) throws {
        let sheenMaterial = try MaterialLoader.loadMaterial(path: asset("Assets/Materials/sheen.json"))
        try NeuralMaterialFile(parameters: sheenTwinParameters(), latents: latents,
                               metadata: NeuralMaterialMetadata(sourceMaterialName: "sheen", sourceContentHash: "fnv1a64:" + sheenMaterial.contentHashHex, seed: 0))
            .write(to: path)
    }

    /// One material of each kind: an analytic floor (0), a layered conductor
    /// (1) and the sheen material with the neural twin at `nmat` (2).
    static func mixedMaterials(neuralTwin nmat: String) -> [NamedMaterial] {
        [
            NamedMaterial(name: "floor", material: .diffuse(albedo: Float3(0.5, 0.45, 0.4))),
            NamedMaterial(name: "layered", layered: LayeredBinding(source: asset("Assets/Materials/conductor.json"))),
            NamedMaterial(name: "neural", layered: LayeredBinding(source: asset("Assets/Materials/sheen.json"), neural: nmat)),
        ]
    }

    /// A small scene with every material kind on triangles and spheres: an
    /// analytic floor, a layered conductor and a neural twin of the sheen
    /// material with seeded random weights (its .nmat is written into
    /// `directory`), under an importance-sampled environment map at `envPath`.
    static func mixedMaterialScene(in directory: URL, envPath: String) throws -> Scene {
        let nmat = directory.appendingPathComponent("sheen.nmat").path
        try writeSheenTwin(latents: LatentPyramid<Float>.random(width: 16, height: 16, channels: 8, levelCount: nil, seed: 5, std: 0.5),
                           to: nmat)
        return Scene(
            camera: Camera(position: Float3(0, 1.0, 4), target: Float3(0, 0.4, 0), up: Float3(0, 1, 0), fovY: 40, focusDistance: 0),
            film: Film(width: 30, height: 20, samplesPerPixel: 8, maxDepth: 4, seed: 5),
            environment: .map(path: envPath, rotation: 10, intensity: 1),
            materials: mixedMaterials(neuralTwin: nmat),
            objects: [
                SceneObject(name: "floor", shape: .mesh(ProceduralShapes.plane(width: 8, depth: 8)), materialIndex: 0),
                SceneObject(name: "s0", shape: .sphere(center: Float3(-0.9, 0.35, 0), radius: 0.35), materialIndex: 1),
                SceneObject(name: "s1", shape: .sphere(center: Float3(-0.2, 0.35, 0.2), radius: 0.3), materialIndex: 2),
                SceneObject(name: "s2", shape: .sphere(center: Float3(0.5, 0.35, 0), radius: 0.35), materialIndex: 1),
                SceneObject(name: "s3", shape: .sphere(center: Float3(1.1, 0.3, 0.3), radius: 0.3), materialIndex: 2),
            ])
    }

    /// The white furnace (Assets/Scenes/furnace.json) rendered at
    /// width × height (edge tiles when not multiples of 8), `spp` samples with
    /// the depth AOV: every pixel near 1, the mean 1 to 0.5 %, the sphere at
    /// distance 3 in the centre, corners (the last pixel: the last edge tile)
    /// written and missing it, at least one ray per sample.
    static func assertWhiteFurnace(_ output: RenderOutput, width: Int, height: Int, spp: Int,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        var sum = 0.0, worst = 0.0
        for p in output.image.pixels {
            for c in [p.x, p.y, p.z] {
                XCTAssert(c.isFinite, file: file, line: line)
                sum += Double(c)
                worst = max(worst, abs(Double(c) - 1))
            }
        }
        XCTAssertEqual(sum / Double(output.image.pixels.count * 3), 1, accuracy: 0.005, "furnace mean", file: file, line: line)
        XCTAssertLessThan(worst, 0.25, "every pixel must be near 1 at \(spp) spp", file: file, line: line)
        let depth = try XCTUnwrap(output.depth, file: file, line: line)
        XCTAssertEqual(depth[(height / 2) * width + width / 2], 3, accuracy: 0.03, "centre pixel sees the sphere at distance 3", file: file, line: line)
        XCTAssertEqual(depth[0], 0, "corner pixel misses the sphere", file: file, line: line)
        XCTAssertEqual(depth[width * height - 1], 0, "last pixel (edge tile) is written and misses the sphere", file: file, line: line)
        XCTAssertGreaterThan(output.stats.rays, UInt64(width * height * spp), file: file, line: line)
    }

    /// Asserts two images are equal bit for bit; on failure says how many
    /// pixels differ and the first one (not thousands of values).
    static func assertSamePixels(_ a: [SIMD4<Float>], _ b: [SIMD4<Float>], _ what: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        guard a.count == b.count else {
            XCTFail("\(what): \(a.count) vs \(b.count) pixels", file: file, line: line)
            return
        }
        let differing = a.indices.filter { a[$0] != b[$0] }
        if let first = differing.first {
            XCTFail("\(what): \(differing.count) of \(a.count) pixels differ, first at \(first): \(a[first]) vs \(b[first])",
                    file: file, line: line)
        }
    }

    /// Asserts two images agree to `relative` per channel (plus a tiny
    /// absolute floor): the same paths computed by differently compiled
    /// kernels may differ in the last bits (fused multiply-adds).
    static func assertClosePixels(_ a: [SIMD4<Float>], _ b: [SIMD4<Float>], relative: Float, _ what: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        guard a.count == b.count else {
            XCTFail("\(what): \(a.count) vs \(b.count) pixels", file: file, line: line)
            return
        }
        let differing = a.indices.filter { i in
            (0..<4).contains { c in !(abs(a[i][c] - b[i][c]) <= relative * max(abs(a[i][c]), abs(b[i][c])) + 1e-7) }
        }
        if let first = differing.first {
            XCTFail("\(what): \(differing.count) of \(a.count) pixels differ by more than \(relative) relative, first at \(first): \(a[first]) vs \(b[first])",
                    file: file, line: line)
        }
    }

    /// Mean of the RGB channels of every pixel.
    static func meanLuminanceLike(_ image: Image) -> Double {
        image.pixels.reduce(0.0) { $0 + Double($1.x + $1.y + $1.z) / 3 } / Double(image.pixels.count)
    }
}

/// Holds the validation sink beyond the device's lifetime so leak reports
/// emitted during teardown are still seen.
final class ValidationSinkBox {
    private let read: () -> [String]
    init(_ device: RenderDevice) {
        let sink = device.instance.validation
        read = { sink.messages }
    }
    func messages() -> [String] { read() }
}

/// A small deterministic generator for the GPU-vs-CPU test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
