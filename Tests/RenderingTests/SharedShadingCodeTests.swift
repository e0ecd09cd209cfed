import Foundation
import Materials
import Rendering
import Scenes
import ShaderInterface
import XCTest

/// Materials whose graphs differ only in constants share one generated code
/// (one shading unit, one compiled kernel) and still shade with their own
/// constants, read from the parameter buffer.
final class SharedShadingCodeTests: XCTestCase {
    static let body = """
    void kernelMain(uint row, LQMaterial m) {
        vec3 wi = vec3(kernelInput(row, 0), kernelInput(row, 1), kernelInput(row, 2));
        vec3 wo = vec3(kernelInput(row, 3), kernelInput(row, 4), kernelInput(row, 5));
        ShadeContext c;
        sceneBeginShade(c, m, vec2(0.5), wi, 0.0, 0.5);
        vec4 fp = sceneEvalPdf(c, wi, wo);
        vec3 a = sceneAlbedo(c, wi);
        float o[7] = float[7](fp.x, fp.y, fp.z, fp.w, a.x, a.y, a.z);
        for (uint k = 0u; k < 7u; ++k) kernelOutput(row, k, o[k]);
    }
    """

    /// Two coated colours with the same graph: a rough dielectric coat over Lambert.
    func writeMaterials(in dir: URL) throws -> [String] {
        let colours = [("red", "[0.8, 0.1, 0.1]", 1.4, 0.2), ("green", "[0.1, 0.7, 0.2]", 1.7, 0.5)]
        return try colours.map { name, colour, ior, roughness in
            let text = """
            {"lacquer_material": 1, "name": "\(name)", "bsdf": {"node": "layer",
              "top": {"node": "dielectric_bsdf", "ior": \(ior), "roughness": \(roughness)},
              "base": {"node": "lambert_bsdf", "color": \(colour)}}}
            """
            let path = dir.appendingPathComponent("\(name).json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    func testMaterialsDifferingInConstantsShareOneKernelAndKeepTheirColours() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-shared-code-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = try writeMaterials(in: dir)
        let scene = Scene(camera: Camera(position: Float3(0, 0, 3), target: .zero, up: Float3(0, 1, 0), fovY: 40, focusDistance: 0),
                          film: Film(), environment: .constant(.one),
                          materials: paths.map { NamedMaterial(name: $0, layered: LayeredBinding(source: $0)) }, objects: [])
        let prepared = try SceneMaterials(scene: scene, mode: .reference, logger: RenderTestSupport.logger)
        XCTAssertEqual(prepared.code.layered.count, 1, "one generated code for both")
        XCTAssertEqual(prepared.records[0].codeIndex, prepared.records[1].codeIndex)
        XCTAssertNotEqual(prepared.records[0].parameterBase, prepared.records[1].parameterBase)
        XCTAssertEqual(Set(prepared.shadingUnits).count, 1, "one shading unit, so one compiled kernel")
        XCTAssertFalse(prepared.code.glsl.contains("0.800000012"), "the colour is a parameter, not code")

        let device = try RenderDevice(validation: true, logger: RenderTestSupport.logger)
        let sink = ValidationSinkBox(device)
        let kernel = try GPUKernel(renderDevice: device, sceneCode: prepared.code, body: Self.body)
        let wi = SIMD3<Float>(0.3, -0.2, 0.93), wo = SIMD3<Float>(-0.5, 0.1, 0.86)
        let directions = [wi, wo].map { $0 / (($0 * $0).sum()).squareRoot() }
        let row = [directions[0].x, directions[0].y, directions[0].z, directions[1].x, directions[1].y, directions[1].z]
        for (index, path) in paths.enumerated() {
            let out = try kernel.run(rows: row, inputStride: 6, outputStride: 7, materials: prepared.records, materialIndex: index)
            let cpu = try MaterialLoader.loadMaterial(path: path)
            let (f, pdf) = cpu.evalAndPdf(wi: directions[0], wo: directions[1], uv: SIMD2(0.5, 0.5))
            let albedo = cpu.albedo(wi: directions[0], uv: SIMD2(0.5, 0.5))
            let expected = [f.x, f.y, f.z, pdf, albedo.x, albedo.y, albedo.z]
            for k in 0..<7 {
                XCTAssertEqual(out[k], expected[k], accuracy: 1e-4 + 1e-3 * abs(expected[k]), "\(path) output \(k)")
            }
        }
        XCTAssertEqual(sink.messages(), [])
    }
}
