import Foundation
import Materials
import Rendering
import Scenes
import ShaderInterface
import XCTest

/// Solid textures on the GPU: a material whose colour and roughness are
/// fractal3d / noise3d of the MaterialX `<position>` reads the shading position
/// from the per-invocation global `lqShadingPosition` (set per row here, as
/// path_vertex.glsl sets it from the hit), and agrees with the CPU reference
/// given the same position. One material, one compiled kernel.
final class SolidTextureKernelTests: XCTestCase {
    static let body = """
    void kernelMain(uint row, LQMaterial m) {
        vec3 wi = vec3(kernelInput(row, 0), kernelInput(row, 1), kernelInput(row, 2));
        vec3 wo = vec3(kernelInput(row, 3), kernelInput(row, 4), kernelInput(row, 5));
        lqShadingPosition = vec3(kernelInput(row, 6), kernelInput(row, 7), kernelInput(row, 8));
        ShadeContext c;
        sceneBeginShade(c, m, vec2(kernelInput(row, 9), kernelInput(row, 10)), wi, 0.0, 0.5);
        vec4 fp = sceneEvalPdf(c, wi, wo);
        vec3 a = sceneAlbedo(c, wi);
        float o[7] = float[7](fp.x, fp.y, fp.z, fp.w, a.x, a.y, a.z);
        for (uint k = 0u; k < 7u; ++k) kernelOutput(row, k, o[k]);
    }
    """

    /// A rough coat over a diffuse: the diffuse colour is a color3 fractal3d
    /// of 2.5 × the position (three noise channels), the coat roughness a
    /// float noise3d of the position, and both mix in the marble's
    /// dotproduct stripes — every new instruction, varying per row.
    static let document = """
    <?xml version="1.0"?>
    <materialx version="1.39">
      <nodegraph name="NG">
        <input name="octaves" type="integer" value="3" />
        <position name="pos" type="vector3" />
        <multiply name="p" type="vector3"><input name="in1" type="vector3" nodename="pos" /><input name="in2" type="float" value="2.5" /></multiply>
        <fractal3d name="f" type="color3">
          <input name="octaves" type="integer" interfacename="octaves" /><input name="amplitude" type="vector3" value="0.3, 0.25, 0.2" />
          <input name="position" type="vector3" nodename="p" />
        </fractal3d>
        <dotproduct name="d" type="float"><input name="in1" type="vector3" nodename="pos" /><input name="in2" type="vector3" value="1, 1, 1" /></dotproduct>
        <sin name="stripes" type="float"><input name="in" type="float" nodename="d" /></sin>
        <multiply name="s" type="float"><input name="in1" type="float" nodename="stripes" /><input name="in2" type="float" value="0.1" /></multiply>
        <add name="f2" type="color3"><input name="in1" type="color3" nodename="f" /><input name="in2" type="float" nodename="s" /></add>
        <add name="colour" type="color3"><input name="in1" type="color3" nodename="f2" /><input name="in2" type="float" value="0.45" /></add>
        <noise3d name="n" type="float"><input name="amplitude" type="float" value="0.2" /><input name="pivot" type="float" value="0.35" /></noise3d>
        <output name="colour_out" type="color3" nodename="colour" />
        <output name="rough_out" type="float" nodename="n" />
      </nodegraph>
      <oren_nayar_diffuse_bsdf name="base" type="BSDF"><input name="color" type="color3" nodegraph="NG" output="colour_out" /></oren_nayar_diffuse_bsdf>
      <roughness_anisotropy name="ra" type="vector2"><input name="roughness" type="float" nodegraph="NG" output="rough_out" /></roughness_anisotropy>
      <dielectric_bsdf name="coat" type="BSDF"><input name="ior" type="float" value="1.5" /><input name="roughness" type="vector2" nodename="ra" /></dielectric_bsdf>
      <layer name="l" type="BSDF"><input name="top" type="BSDF" nodename="coat" /><input name="base" type="BSDF" nodename="base" /></layer>
      <surface name="s" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="l" /></surface>
      <surfacematerial name="Solid" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
    </materialx>
    """

    func testSolidTexturesReadTheShadingPositionLikeTheCPUReference() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-solid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("solid.mtlx").path
        try Data(Self.document.utf8).write(to: URL(fileURLWithPath: path))
        let cpu = try MaterialLoader.loadMaterial(path: path)
        XCTAssertTrue(cpu.readsPosition)
        let scene = Scene(camera: Camera(position: Float3(0, 0, 3), target: .zero, up: Float3(0, 1, 0), fovY: 40, focusDistance: 0),
                          film: Film(), environment: .constant(.one),
                          materials: [NamedMaterial(name: path, layered: LayeredBinding(source: path))], objects: [])
        let prepared = try SceneMaterials(scene: scene, mode: .reference, logger: RenderTestSupport.logger)
        XCTAssertTrue(prepared.code.glsl.contains("lqShadingPosition"))

        var rng = SplitMix(seed: 11)
        func hemisphere() -> SIMD3<Float> {
            let z = max(rng.float(), 0.05), phi = 2 * Float.pi * rng.float()
            let r = (1 - z * z).squareRoot()
            return SIMD3(r * cos(phi), r * sin(phi), z)
        }
        var cases: [(wi: SIMD3<Float>, wo: SIMD3<Float>, position: SIMD3<Float>, uv: SIMD2<Float>)] = []
        for _ in 0..<400 {
            let p = SIMD3(rng.float(), rng.float(), rng.float()) * 8 - SIMD3(repeating: 4)
            cases.append((hemisphere(), hemisphere(), p, SIMD2(rng.float(), rng.float())))
        }
        // Non-finite positions read as 0, huge ones clamp on the lattice: the same on both sides.
        // (The huge one keeps x + y + z small: GPU sin of a huge argument is imprecise.)
        for p in [SIMD3<Float>(.nan, 1, 2), SIMD3(0, .infinity, 1), SIMD3(1e9, -1e9, 0.5)] {
            cases.append((SIMD3(0.3, -0.2, 0.93), SIMD3(-0.5, 0.1, 0.86), p, SIMD2(0.5, 0.5)))
        }
        let rows = cases.flatMap { c -> [Float] in
            let wi = c.wi / ((c.wi * c.wi).sum()).squareRoot(), wo = c.wo / ((c.wo * c.wo).sum()).squareRoot()
            return [wi.x, wi.y, wi.z, wo.x, wo.y, wo.z, c.position.x, c.position.y, c.position.z, c.uv.x, c.uv.y]
        }

        let device = try RenderDevice(validation: true, logger: RenderTestSupport.logger)
        let sink = ValidationSinkBox(device)
        let kernel = try GPUKernel(renderDevice: device, sceneCode: prepared.code, body: Self.body)
        let out = try kernel.run(rows: rows, inputStride: 11, outputStride: 7, materials: prepared.records, materialIndex: 0)
        for (i, c) in cases.enumerated() {
            let wi = SIMD3(rows[11 * i], rows[11 * i + 1], rows[11 * i + 2]), wo = SIMD3(rows[11 * i + 3], rows[11 * i + 4], rows[11 * i + 5])
            let (f, pdf) = cpu.evalAndPdf(wi: wi, wo: wo, uv: c.uv, position: c.position)
            let albedo = cpu.albedo(wi: wi, uv: c.uv, position: c.position)
            let expected = [f.x, f.y, f.z, pdf, albedo.x, albedo.y, albedo.z]
            for k in 0..<7 {
                XCTAssertEqual(out[7 * i + k], expected[k], accuracy: 1e-4 + 1e-3 * abs(expected[k]), "row \(i) (position \(c.position)) output \(k)")
            }
        }
        XCTAssertEqual(sink.messages(), [])
    }
}
