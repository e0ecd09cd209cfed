import Foundation
import Materials
import Rendering
import Scenes
import ShaderInterface
import XCTest

/// Materials whose graphs differ only in constants share one generated code
/// (one shading unit, one compiled kernel) and still shade with their own
/// constants, read from the parameter buffer: material files, and the scene
/// format's built-in types (built-in Materials graphs), against the CPU reference.
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

    /// The scene format's built-in types: two of each but the coat, with different values.
    static let builtIns = [
        NamedMaterial(name: "grey", material: .diffuse(albedo: Float3(0.5, 0.5, 0.5))),
        NamedMaterial(name: "orange", material: .diffuse(albedo: Float3(0.9, 0.4, 0.05))),
        NamedMaterial(name: "gold", material: .conductor(eta: Float3(0.18, 0.42, 1.37), k: Float3(3.42, 2.35, 1.77), roughness: 0.3, anisotropy: 0.6)),
        NamedMaterial(name: "mirror", material: .conductor(eta: Float3(1.3, 1.0, 0.6), k: Float3(7.5, 6.4, 5.3), roughness: 0, anisotropy: 0)),
        NamedMaterial(name: "plastic", material: .coatedDiffuse(albedo: Float3(0.1, 0.2, 0.7), coatIOR: 1.5, roughness: 0.2)),
    ]

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
                          materials: paths.map { NamedMaterial(name: $0, layered: LayeredBinding(source: $0)) } + Self.builtIns, objects: [])
        let prepared = try SceneMaterials(scene: scene, mode: .reference, logger: RenderTestSupport.logger)
        let units = prepared.shadingUnits
        XCTAssertEqual(units[0], units[1], "one generated code for both files, so one compiled kernel")
        XCTAssertNotEqual(prepared.records[0].parameterBase, prepared.records[1].parameterBase)
        XCTAssertEqual(units[2], units[3], "every diffuse material shares one kernel")
        XCTAssertEqual(units[4], units[5], "every conductor shares one kernel")
        XCTAssertEqual(Set([units[2], units[4], units[6]]).count, 3, "diffuse, conductor and coated diffuse differ in structure")
        XCTAssertEqual(prepared.code.layered.count, Set(units).count, "one code per unit")
        XCTAssertFalse(prepared.code.glsl.contains("0.800000012"), "the colour is a parameter, not code")

        let device = try RenderDevice(validation: true, logger: RenderTestSupport.logger)
        let sink = ValidationSinkBox(device)
        let kernel = try GPUKernel(renderDevice: device, sceneCode: prepared.code, body: Self.body)
        let wi = SIMD3<Float>(0.3, -0.2, 0.93), wo = SIMD3<Float>(-0.5, 0.1, 0.86)
        let directions = [wi, wo].map { $0 / (($0 * $0).sum()).squareRoot() }
        let row = [directions[0].x, directions[0].y, directions[0].z, directions[1].x, directions[1].y, directions[1].z]
        let graphs = try paths.map { try MaterialLoader.loadMaterial(path: $0) }
            + Self.builtIns.compactMap { named in named.material.map { $0.graph(name: named.name) } }
        for (index, cpu) in graphs.enumerated() {
            let path = scene.materials[index].name
            let out = try kernel.run(rows: row, inputStride: 6, outputStride: 7, materials: prepared.records, materialIndex: index)
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
