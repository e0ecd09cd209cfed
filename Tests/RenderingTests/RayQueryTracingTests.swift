import Foundation
import Imaging
import Rendering
import Scenes
import XCTest

/// `--tracing query` (pathtrace.comp, ray queries in a compute kernel) runs
/// the integrator of `--tracing pipeline` (pathtrace.rgen) with the same hit
/// geometry functions: furnace energy is conserved, edge tiles are written,
/// and a device without ray queries gets a clear refusal. Agreement with the
/// pipeline on mixed materials: IntegratorAgreementTests.
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
}
