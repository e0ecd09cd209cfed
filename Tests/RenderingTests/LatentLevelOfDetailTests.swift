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
    func testGrazingHitsReadTheFinestLevelWhenTheConeIsNarrow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-lod-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = try LightTransportTests.writeTestEnvironment()
        defer { try? FileManager.default.removeItem(atPath: env) }

        // 64² latents over a 40 m plane: 0.625 m texels. The cone is at most
        // ≈ 0.3 m wide where the camera's rays meet the plane (≤ 20 m away).
        let fine: [Float] = [0.4, -0.3, 0.2, 0.1, -0.2, 0.3, -0.1, 0.25]
        let coarse: [Float] = [-0.5, 0.4, -0.4, 0.5, 0.3, -0.5, 0.45, -0.35]
        func writeTwin(_ name: String, coarseLevels: [Float]) throws -> String {
            var latents = LatentPyramid<Float>(width: 64, height: 64, channels: 8)
            for l in latents.levels.indices {
                let v = l == 0 ? fine : coarseLevels
                latents.levels[l].values = (0..<latents.levels[l].texelCount).flatMap { _ in v }
            }
            let path = dir.appendingPathComponent(name).path
            try RenderTestSupport.writeSheenTwin(latents: latents, to: path)
            return path
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
    }
}
