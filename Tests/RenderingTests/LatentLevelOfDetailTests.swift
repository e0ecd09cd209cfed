import Foundation
import NeuralMaterial
import Rendering
import Scenes
import XCTest

/// The latent level of detail follows the ray cone's width (the footprint's
/// minor axis), not width / |cos θ|: a grazing view of a plane whose cone is
/// everywhere far below a latent texel must read only level 0. The check:
/// two twins with the same decoder and the same level 0, one with different
/// coarse levels, render the same image bit for bit. Under the major-axis
/// rule the rows near the horizon (cos θ down to 0.05) pick levels 1–2 and
/// the images differ.
final class LatentLevelOfDetailTests: XCTestCase {
    static let fine: [Float] = [0.4, -0.3, 0.2, 0.1, -0.2, 0.3, -0.1, 0.25]
    static let coarse: [Float] = [-0.5, 0.4, -0.4, 0.5, 0.3, -0.5, 0.45, -0.35]

    /// A sheen twin whose 64² level 0 holds `fine` everywhere and every
    /// coarser level `coarseLevels`.
    static func writeTwin(_ path: String, coarseLevels: [Float]) throws -> String {
        var latents = LatentPyramid<Float>(width: 64, height: 64, channels: 8)
        for l in latents.levels.indices {
            let v = l == 0 ? fine : coarseLevels
            latents.levels[l].values = (0..<latents.levels[l].texelCount).flatMap { _ in v }
        }
        try RenderTestSupport.writeSheenTwin(latents: latents, to: path)
        return path
    }

    /// Each sample's cone covers its share of the pixel (1/√spp, at least
    /// 1/8: `RenderSettings.coneSpreadScale`). A 0.4 m plane seen from 3 m
    /// (6 mm texels, a 4.4 cm pixel cone: level ≈ 2.8 at 1 spp) reads
    /// coarse levels at 1 spp — twins that differ there render differently
    /// — and only level 0 at 64 spp (cone ÷ 8: level < 0), where they render
    /// the same image bit for bit. With the whole pixel's cone at every spp
    /// the 64-spp images differ.
    func testManySamplesPerPixelNarrowTheConeToTheFinestLevel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-lod-spp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let uniform = try Self.writeTwin(dir.appendingPathComponent("uniform.nmat").path, coarseLevels: Self.fine)
        let mipped = try Self.writeTwin(dir.appendingPathComponent("mipped.nmat").path, coarseLevels: Self.coarse)
        func render(_ nmat: String, spp: Int) throws -> [SIMD4<Float>] {
            let scene = Scene(
                camera: Camera(position: Float3(0, 3, 0), target: .zero, up: Float3(0, 0, -1), fovY: 20, focusDistance: 0),
                film: Film(width: 32, height: 24, samplesPerPixel: spp, maxDepth: 2, seed: 3),
                environment: .constant(.one),
                materials: RenderTestSupport.mixedMaterials(neuralTwin: nmat),
                objects: [SceneObject(name: "plane", shape: .mesh(ProceduralShapes.plane(width: 0.4, depth: 0.4)), materialIndex: 2)])
            return try RenderTestSupport.renderValidated(scene).image.pixels
        }
        let oneSample = zip(try render(uniform, spp: 1), try render(mipped, spp: 1)).filter { $0 != $1 }.count
        XCTAssertGreaterThan(oneSample, 40, "at 1 spp most of the plane's ≈ 100 pixels read coarse levels")
        RenderTestSupport.assertSamePixels(try render(mipped, spp: 64), try render(uniform, spp: 64), "64 spp: level 0 only")
    }

    func testGrazingHitsReadTheFinestLevelWhenTheConeIsNarrow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-lod-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = try LightTransportTests.writeTestEnvironment()
        defer { try? FileManager.default.removeItem(atPath: env) }

        // 64² latents over a 40 m plane: 0.625 m texels. The cone is at most
        // ≈ 0.3 m wide where the camera's rays meet the plane (≤ 20 m away).
        let fine = Self.fine, coarse = Self.coarse
        func writeTwin(_ name: String, coarseLevels: [Float]) throws -> String {
            try Self.writeTwin(dir.appendingPathComponent(name).path, coarseLevels: coarseLevels)
        }
        func scene(_ nmat: String) -> Scene {
            Scene(
                // 0.25 m above the plane, looking 6° down with a 20° field of
                // view: the rows meet the plane at 16° down to grazing.
                camera: Camera(position: Float3(0, 0.25, 0), target: Float3(0, 0.25 - 3 * tanf(6 * .pi / 180), -3), up: Float3(0, 1, 0),
                               fovY: 20, focusDistance: 0),
                film: Film(width: 32, height: 24, samplesPerPixel: 4, maxDepth: 3, seed: 5),
                environment: .map(path: env, rotation: 10, intensity: 1),
                materials: RenderTestSupport.mixedMaterials(neuralTwin: nmat),
                objects: [SceneObject(name: "plane", shape: .mesh(ProceduralShapes.plane(width: 40, depth: 40)), materialIndex: 2)])
        }
        let uniform = try RenderTestSupport.renderValidated(scene(try writeTwin("uniform.nmat", coarseLevels: fine))).image.pixels
        let mipped = try RenderTestSupport.renderValidated(scene(try writeTwin("mipped.nmat", coarseLevels: coarse))).image.pixels
        XCTAssert(uniform.allSatisfy { $0.x.isFinite && $0.y.isFinite && $0.z.isFinite })
        // The two twins do shade differently: the coarse latents change the decoded BRDF.
        let decoded = NeuralDecoders(parameters: RenderTestSupport.sheenTwinParameters())
        func unit(_ v: SIMD3<Float>) -> SIMD3<Float> { v / (v * v).sum().squareRoot() }
        let wi = unit(SIMD3(0.3, 0.1, 0.9)), wo = unit(SIMD3(-0.2, 0.4, 0.8))
        XCTAssertNotEqual(decoded.evalBRDFScalar(latent: fine, wi: wi, wo: wo), decoded.evalBRDFScalar(latent: coarse, wi: wi, wo: wo))
        RenderTestSupport.assertSamePixels(mipped, uniform, "grazing plane, level 0 shared, coarse levels differ")

        // Level scales (NeuralMaterialFile.levelScales) multiply the twin at
        // the level read, and only there: this view reads level 0 only, so
        // scales at the coarse levels change nothing, and a scale of ½ at
        // level 0 halves every pixel of the plane exactly (one bounce off
        // the plane into the sky: every path's throughput is f·(…), and ½ is
        // exact in binary; the sky pixels keep their value, and pixels on the
        // plane's far edge mix the two).
        func scaledTwin(_ name: String, _ scales: [Float]) throws -> String {
            let path = try writeTwin(name, coarseLevels: fine)
            var file = try NeuralMaterialFile.load(path: path)
            file.levelScales = scales.map { SIMD3(repeating: $0) }
            try file.write(to: path)
            return path
        }
        let levels = LatentPyramid<Float>(width: 64, height: 64, channels: 8).levelCount
        let coarseScaled = try RenderTestSupport.renderValidated(
            scene(try scaledTwin("coarse-scaled.nmat", [1] + Array(repeating: 0.25, count: levels - 1)))).image.pixels
        RenderTestSupport.assertSamePixels(coarseScaled, uniform, "scales at unread levels")
        let halved = try RenderTestSupport.renderValidated(
            scene(try scaledTwin("halved.nmat", [0.5] + Array(repeating: 1, count: levels - 1)))).image.pixels
        var planePixels = 0, skyPixels = 0, mixed = 0
        for (a, b) in zip(halved, uniform) {
            let rgbA = SIMD3(a.x, a.y, a.z), rgbB = SIMD3(b.x, b.y, b.z)
            if rgbA == 0.5 * rgbB, rgbB != .zero { planePixels += 1 } else if rgbA == rgbB { skyPixels += 1 } else { mixed += 1 }
        }
        XCTAssertGreaterThan(planePixels, halved.count / 2, "plane pixels halved")
        XCTAssertGreaterThan(skyPixels, 0)
        XCTAssertLessThanOrEqual(mixed, 2 * 32, "only the far edge's pixels mix plane and sky")
    }
}
