import Foundation
import Logging
import Materials
import Rendering
import Scenes
import ShaderInterface
import XCTest

/// The generated GLSL of every bundled layered material (and the MaterialX
/// node fixtures) against the CPU reference (Materials): eval, pdf, sample and emission
/// on random (wi, wo, uv, u) batches, through the scene dispatch the path tracer uses.
final class LayeredMaterialKernelTests: XCTestCase {
    static let body = """
    void kernelMain(uint row, LQMaterial m) {
        vec3 wi = vec3(kernelInput(row, 0), kernelInput(row, 1), kernelInput(row, 2));
        ShadeContext c;
        sceneBeginShade(c, m, vec2(kernelInput(row, 6), kernelInput(row, 7)), wi, 0.0, 0.5);
        vec3 wo = vec3(kernelInput(row, 3), kernelInput(row, 4), kernelInput(row, 5));
        vec3 u = vec3(kernelInput(row, 8), kernelInput(row, 9), kernelInput(row, 10));
        vec4 fp = sceneEvalPdf(c, wi, wo);
        vec3 f = fp.xyz;
        float p = fp.w;
        BsdfSample s = sceneSample(c, wi, u);
        vec3 e = sceneEmission(c);
        float o[14] = float[14](f.x, f.y, f.z, p, s.wo.x, s.wo.y, s.wo.z, s.pdf, s.weight.x, s.weight.y, s.weight.z, e.x, e.y, e.z);
        for (uint k = 0u; k < 14u; ++k) kernelOutput(row, k, o[k]);
    }
    """

    static func bundledMaterialPaths() throws -> [String] {
        let dir = RenderTestSupport.repositoryRoot.appendingPathComponent("Assets/Materials")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".mtlx") }
            .sorted()
            .map { dir.appendingPathComponent($0).path }
    }

    func testGeneratedGLSLMatchesTheCPUReference() throws {
        let bundled = try Self.bundledMaterialPaths()
        XCTAssertGreaterThanOrEqual(bundled.count, 7)
        // MaterialX stdlib nodes and the glTF / USD preview shaders ride in the same dispatch.
        let fixtures = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-mtlx-nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: fixtures, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: fixtures) }
        let paths = bundled + (try MaterialXNodeFixtures.write(to: fixtures))
        // A scene that binds every bundled material, prepared in reference mode.
        let scene = Scene(camera: Camera(position: Float3(0, 0, 3), target: .zero, up: Float3(0, 1, 0), fovY: 40, focusDistance: 0),
                          film: Film(), environment: .constant(.one),
                          materials: paths.map { NamedMaterial(name: URL(fileURLWithPath: $0).lastPathComponent, layered: LayeredBinding(source: $0)) },
                          objects: [])
        let prepared = try SceneMaterials(scene: scene, mode: .reference, logger: RenderTestSupport.logger)
        let device = try RenderDevice(validation: true, logger: RenderTestSupport.logger)
        let sink = ValidationSinkBox(device)
        let kernel = try GPUKernel(renderDevice: device, sceneCode: prepared.code, body: Self.body)

        var rng = SplitMix(seed: 5)
        func hemisphere() -> SIMD3<Float> {
            let z = max(rng.float(), 0.02), phi = 2 * Float.pi * rng.float()
            let r = (1 - z * z).squareRoot()
            return SIMD3(r * cos(phi), r * sin(phi), z)
        }
        var report: [String] = []
        for (index, path) in paths.enumerated() {
            let material = try MaterialLoader.loadMaterial(path: path)
            let n = 1500
            var rows: [Float] = []
            var cases: [(wi: SIMD3<Float>, wo: SIMD3<Float>, uv: SIMD2<Float>, u: SIMD3<Float>)] = []
            for _ in 0..<n {
                let c = (hemisphere(), hemisphere(), SIMD2(rng.float(), rng.float()), SIMD3(rng.float(), rng.float(), rng.float()))
                cases.append(c)
                rows += [c.0.x, c.0.y, c.0.z, c.1.x, c.1.y, c.1.z, c.2.x, c.2.y, c.3.x, c.3.y, c.3.z]
            }
            // Hostile rows last (Materials' enteringDirection, lqEnteringDirection):
            // non-finite or degenerate directions and u outside [0, 1] give 0 and a
            // failed sample on both sides, and a grazing wi stays finite.
            let good = SIMD3<Float>(0.3, -0.2, 0.93)
            let hostile: [SIMD3<Float>] = [SIMD3(.infinity, 0, 1), SIMD3(0, 0, .infinity), SIMD3(.nan, 0, 1), SIMD3(0, 0, 0),
                                           SIMD3(0, 0, 1e-35), SIMD3(-.infinity, 0, 1)]
            var hostileCases: [(wi: SIMD3<Float>, wo: SIMD3<Float>, uv: SIMD2<Float>, u: SIMD3<Float>)] = []
            for h in hostile { hostileCases += [(h, good, SIMD2(0.5, 0.5), SIMD3(0.3, 0.6, 0.5)), (good, h, SIMD2(0.5, 0.5), SIMD3(0.3, 0.6, 0.5))] }
            hostileCases += [(good, good, SIMD2(0.5, 0.5), SIMD3(.nan, 0.5, 0.5)), (good, good, SIMD2(0.5, 0.5), SIMD3(0.5, 1.5, 0.5)),
                             (SIMD3(1, 0, 1e-30), good, SIMD2(0.5, 0.5), SIMD3(0.3, 0.6, 0.5))]
            for c in hostileCases { rows += [c.wi.x, c.wi.y, c.wi.z, c.wo.x, c.wo.y, c.wo.z, c.uv.x, c.uv.y, c.u.x, c.u.y, c.u.z] }
            let out = try kernel.run(rows: rows, inputStride: 11, outputStride: 14, materials: prepared.records, materialIndex: index)
            for (k, c) in hostileCases.enumerated() {
                let o = Array(out[((n + k) * 14)..<((n + k) * 14 + 14)])
                let (f, p) = material.evalAndPdf(wi: c.wi, wo: c.wo, uv: c.uv)
                let s = material.sample(wi: c.wi, uv: c.uv, u: c.u)
                let cpu = [f.x, f.y, f.z, p, s.pdf, s.weight.x, s.weight.y, s.weight.z]
                let gpu = [o[0], o[1], o[2], o[3], o[7], o[8], o[9], o[10]]
                let agree = zip(cpu, gpu).allSatisfy { a, b in b.isFinite && Swift.abs(a - b) <= 5e-3 * Swift.abs(a) + 1e-4 }
                XCTAssertTrue(agree, "\(material.name) hostile row wi \(c.wi) wo \(c.wo) u \(c.u): GPU \(gpu) vs CPU \(cpu)")
            }
            var mismatches = 0
            var firstMismatch: String?
            for (r, c) in cases.enumerated() {
                let o = Array(out[(r * 14)..<(r * 14 + 14)])
                let f = material.eval(wi: c.wi, wo: c.wo, uv: c.uv)
                let p = material.pdf(wi: c.wi, wo: c.wo, uv: c.uv)
                let s = material.sample(wi: c.wi, uv: c.uv, u: c.u)
                func close(_ a: Float, _ b: Float, _ rel: Float = 2e-3, _ abs: Float = 1e-4) -> Bool {
                    a.isFinite && Swift.abs(a - b) <= rel * Swift.abs(b) + abs
                }
                let e = material.emission(uv: c.uv)
                var ok = (0..<3).allSatisfy { close(o[$0], f[$0]) && close(o[11 + $0], e[$0]) } && close(o[3], p)
                if s.pdf > 0 || o[7] > 0 {
                    ok = ok && (0..<3).allSatisfy { close(o[4 + $0], s.wo[$0], 0, 2e-3) } && close(o[7], s.pdf, 5e-3)
                        && (0..<3).allSatisfy { close(o[8 + $0], s.weight[$0], 5e-3, 1e-3) }
                }
                if !ok {
                    mismatches += 1
                    if firstMismatch == nil {
                        firstMismatch = "row \(r) wi \(c.wi) wo \(c.wo) uv \(c.uv): GPU f \(o[0..<3]) pdf \(o[3]) s \(o[4..<11]) e \(o[11..<14]) vs CPU f \(f) pdf \(p) s \(s) e \(e)"
                    }
                }
            }
            report.append("\(material.name): \(mismatches)/\(n) mismatches")
            // Procedural textures with cell boundaries (flakes, voronoi) may
            // land in a neighbouring cell after float rounding: allow 1%.
            XCTAssertLessThanOrEqual(mismatches, n / 100, "\(material.name): \(firstMismatch ?? "")")
        }
        print("layered GPU vs CPU: " + report.joined(separator: "; "))
        XCTAssertEqual(sink.messages(), [])
    }
}
