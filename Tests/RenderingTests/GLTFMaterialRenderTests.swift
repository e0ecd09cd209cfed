import Foundation
import Imaging
import Rendering
import Scenes
import XCTest

/// A glTF model renders with its own materials: the albedo AOV of Debian's
/// textured box shows the texture, not one constant colour. Small on
/// purpose (one generated layered material, 32×32, 2 spp, one bounce).
final class GLTFMaterialRenderTests: XCTestCase {
    func testBoxTexturedAlbedoShowsItsTexture() throws {
        let box = "/usr/share/assimp/models/glTF2/BoxTextured-glTF/BoxTextured.gltf"
        guard FileManager.default.fileExists(atPath: box) else {
            throw XCTSkip("\(box) is missing: install the Debian package assimp-testmodels (Tools/setup does)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gltf-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenePath = dir.appendingPathComponent("box.json").path
        try Data("""
        {"camera": {"position": [0.3, 0.2, 1.6], "target": [0, 0, 0], "fov": 40},
         "film": {"width": 32, "height": 32, "spp": 2, "max_depth": 1},
         "objects": [{"name": "box", "shape": "mesh", "path": "\(box)"}]}
        """.utf8).write(to: URL(fileURLWithPath: scenePath))
        let scene = try SceneLoader.load(path: scenePath)
        XCTAssertEqual(scene.materials.map(\.name), ["BoxTextured.gltf#Texture"])
        let logger = RenderTestSupport.logger
        let output: RenderOutput
        let sink: ValidationSinkBox
        do {
            let device = try RenderDevice(validation: true, logger: logger)
            sink = ValidationSinkBox(device)
            let prepared = try SceneMaterials(scene: scene, mode: .reference, logger: logger)
            XCTAssertEqual(prepared.kinds, [.layered])
            let tracer = try PathTracer(renderDevice: device, sceneCode: prepared.code)
            var settings = RenderSettings(film: scene.film)
            settings.aovs = [.albedo, .depth]
            output = try tracer.render(scene: scene, settings: settings, materials: prepared)
        }
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages")
        let albedo = try XCTUnwrap(output.albedo)
        let depth = try XCTUnwrap(output.depth)
        var onBox: [Float] = []
        for (i, p) in albedo.pixels.enumerated() where depth[i] > 0 {
            XCTAssert(p.x.isFinite && p.y.isFinite && p.z.isFinite)
            onBox.append((p.x + p.y + p.z) / 3)
        }
        XCTAssertGreaterThan(onBox.count, 32 * 32 / 2, "the box fills most of the frame")
        let spread = (onBox.max() ?? 0) - (onBox.min() ?? 0)
        XCTAssertGreaterThan(spread, 0.2, "the albedo AOV varies with the logo texture")
        XCTAssertGreaterThan(onBox.reduce(0, +) / Float(onBox.count), 0.05, "the box is not black")
    }
}
