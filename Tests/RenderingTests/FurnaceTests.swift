import Foundation
import Imaging
import Rendering
import Scenes
import XCTest

/// White furnace: a Lambertian sphere of albedo exactly 1 inside a constant
/// environment of radiance 1 must render 1 everywhere (energy is neither
/// created nor lost). Also checks AOVs and determinism on the same scene.
final class FurnaceTests: XCTestCase {
    func testFurnaceConvergesToOneEverywhere() throws {
        let scene = try SceneLoader.load(path: RenderTestSupport.asset("Assets/Scenes/furnace.json"))
        let output = try RenderTestSupport.renderValidated(scene) { s in
            s.width = 48; s.height = 48; s.samplesPerPixel = 128
            s.aovs = [.albedo, .normal, .depth]
        }
        let image = output.image
        var sum = 0.0, sumSquares = 0.0, worst = 0.0
        for p in image.pixels {
            for c in [p.x, p.y, p.z] {
                XCTAssert(c.isFinite)
                let v = Double(c)
                sum += v; sumSquares += v * v
                worst = max(worst, abs(v - 1))
            }
        }
        let n = Double(image.pixels.count * 3)
        let mean = sum / n
        XCTAssertEqual(mean, 1, accuracy: 0.005, "furnace mean")
        XCTAssertLessThan(worst, 0.25, "every pixel must be near 1 at 128 spp")

        // AOVs: the centre pixel sees the sphere head-on at distance 3.
        let centre = (image.height / 2) * image.width + image.width / 2
        let depth = try XCTUnwrap(output.depth)
        XCTAssertEqual(depth[centre], 3, accuracy: 0.02)
        let normal = try XCTUnwrap(output.normal).pixels[centre]
        XCTAssertGreaterThan(normal.z, 0.98)
        let albedo = try XCTUnwrap(output.albedo).pixels[centre]
        XCTAssertEqual(albedo.x, 1, accuracy: 1e-4)
        // A corner pixel misses the sphere: depth 0 by convention.
        XCTAssertEqual(depth[0], 0)
        XCTAssertGreaterThan(output.stats.rays, UInt64(48 * 48 * 128))
    }

    func testSameSeedSameImageDifferentSeedDifferentNoise() throws {
        let scene = try SceneLoader.load(path: RenderTestSupport.asset("Assets/Scenes/furnace.json"))
        let a = try RenderTestSupport.renderValidated(scene) { s in s.width = 24; s.height = 24; s.samplesPerPixel = 4; s.seed = 7 }
        let b = try RenderTestSupport.renderValidated(scene) { s in s.width = 24; s.height = 24; s.samplesPerPixel = 4; s.seed = 7 }
        let c = try RenderTestSupport.renderValidated(scene) { s in s.width = 24; s.height = 24; s.samplesPerPixel = 4; s.seed = 8 }
        XCTAssertEqual(a.image.pixels, b.image.pixels)
        XCTAssertNotEqual(a.image.pixels, c.image.pixels)
    }
}
