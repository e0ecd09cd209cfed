import Foundation
import Imaging
import Rendering
import Scenes
import XCTest

/// The renderer hands the hit position to solid textures: path_vertex.glsl
/// (shared by both integrators) sets `lqShadingPosition` before a material's
/// setup. A floor seen from above emits red where x ≤ 0 and blue where x > 0
/// (a MaterialX `<position>` driving `ifgreater`); with a black environment
/// and one bounce a pixel is exactly its hit's emission. Were the position
/// missing (0) the whole floor would be red; were it the uv (in [0, 1]), blue.
/// One material, the megakernel: one pipeline.
final class SolidTextureRenderTests: XCTestCase {
    static let document = """
    <?xml version="1.0"?>
    <materialx version="1.39">
      <position name="pos" type="vector3" />
      <separate3 name="xyz" type="multioutput"><input name="in" type="vector3" nodename="pos" /></separate3>
      <ifgreater name="e" type="color3">
        <input name="value1" type="float" nodename="xyz" output="outx" /><input name="value2" type="float" value="0" />
        <input name="in1" type="color3" value="0, 0, 2" /><input name="in2" type="color3" value="2, 0, 0" />
      </ifgreater>
      <UsdPreviewSurface name="s" type="surfaceshader">
        <input name="diffuseColor" type="color3" value="0, 0, 0" /><input name="emissiveColor" type="color3" nodename="e" />
      </UsdPreviewSurface>
      <surfacematerial name="Halves" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
    </materialx>
    """

    func testTheFloorEmitsByItsPositionNotItsUV() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("solid-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("halves.mtlx").path
        try Data(Self.document.utf8).write(to: URL(fileURLWithPath: path))
        let scene = Scene(
            camera: Camera(position: Float3(0, 2, 0), target: .zero, up: Float3(0, 0, -1), fovY: 60, focusDistance: 0),
            film: Film(width: 16, height: 16, samplesPerPixel: 1, maxDepth: 1, seed: 5),
            environment: .constant(.zero),
            materials: [NamedMaterial(name: "halves", layered: LayeredBinding(source: path))],
            objects: [SceneObject(name: "floor", shape: .mesh(ProceduralShapes.plane(width: 100, depth: 100)), materialIndex: 0)])
        let logger = RenderTestSupport.logger
        let sink: ValidationSinkBox
        var red = 0, blue = 0
        do {
            let device = try RenderDevice(validation: true, logger: logger)
            sink = ValidationSinkBox(device)
            let materials = try SceneMaterials(scene: scene, mode: .reference, logger: logger)
            let tracer = try PathTracer(renderDevice: device, sceneCode: materials.code, tracing: .pipeline, integrator: .megakernel)
            let output = try tracer.render(scene: scene, settings: RenderSettings(film: scene.film), materials: materials)
            for p in output.image.pixels {
                let c = SIMD3(p.x, p.y, p.z)
                if c == SIMD3(2, 0, 0) { red += 1 } else if c == SIMD3(0, 0, 2) { blue += 1 } else {
                    XCTFail("pixel \(c) is neither the red nor the blue emission")
                }
            }
        }
        // Half the frame on each side of x = 0 (the middle columns may go either way).
        XCTAssertGreaterThanOrEqual(red, 16 * 7, "red \(red), blue \(blue)")
        XCTAssertGreaterThanOrEqual(blue, 16 * 7, "red \(red), blue \(blue)")
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
    }
}
