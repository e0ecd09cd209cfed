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
        let materials = try SceneMaterials(scene: scene, mode: .auto, logger: RenderTestSupport.logger)
        let tracer = try PathTracer(renderDevice: device, sceneCode: materials.code, tracing: .query)
        XCTAssertEqual(tracer.tracing, .query)
        var settings = RenderSettings(film: scene.film)
        settings.width = 36; settings.height = 28   // not multiples of the 8×8 workgroup: edge tiles
        settings.samplesPerPixel = 128
        settings.aovs = [.depth]
        let output = try tracer.render(scene: scene, settings: settings, materials: materials)
        try RenderTestSupport.assertWhiteFurnace(output, width: 36, height: 28, spp: 128)
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
    }
}
