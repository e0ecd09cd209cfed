import Foundation
import Rendering
import ShaderInterface
import XCTest

/// The analytic BSDFs of the path tracer, run on the GPU through the test
/// kernel: sampled pdfs and weights agree with pdf() and eval()/pdf(), the
/// pdf integrates to 1 over the hemisphere, and no lobe creates energy.
final class AnalyticBSDFKernelTests: XCTestCase {
    /// Mode 0: sample(wi, u) -> (wo, pdf, weight, pdf(wi, wo), eval(wi, wo)).
    /// Mode 1: pdf(wi, wo) and eval(wi, wo) for a given wo.
    static let body = """
    void kernelMain(uint row, LQMaterial m) {
        vec3 wi = normalize(vec3(kernelInput(row, 0), kernelInput(row, 1), kernelInput(row, 2)));
        if (kernelInput(row, 6) < 0.5) {
            BsdfSample s = bsdfSample(m, wi, vec3(kernelInput(row, 3), kernelInput(row, 4), kernelInput(row, 5)));
            vec3 e = bsdfEval(m, wi, s.wo);
            float p = bsdfPdf(m, wi, s.wo);
            float out_[11] = float[11](s.wo.x, s.wo.y, s.wo.z, s.pdf, s.weight.x, s.weight.y, s.weight.z, p, e.x, e.y, e.z);
            for (uint k = 0u; k < 11u; ++k) kernelOutput(row, k, out_[k]);
        } else {
            vec3 wo = vec3(kernelInput(row, 3), kernelInput(row, 4), kernelInput(row, 5));
            vec3 e = bsdfEval(m, wi, wo);
            float out_[11] = float[11](0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, bsdfPdf(m, wi, wo), e.x, e.y, e.z);
            for (uint k = 0u; k < 11u; ++k) kernelOutput(row, k, out_[k]);
        }
    }
    """

    static func materials() -> [(String, LQMaterial)] {
        func f3(_ x: Float, _ y: Float, _ z: Float) -> LQFloat3 { LQFloat3(x: x, y: y, z: z) }
        var diffuse = LQMaterial(); diffuse.kind = UInt32(LQ_MATERIAL_DIFFUSE); diffuse.albedo = f3(1, 1, 1)
        var metal = LQMaterial(); metal.kind = UInt32(LQ_MATERIAL_CONDUCTOR)
        metal.eta = f3(0.2, 0.9, 1.1); metal.k = f3(3.9, 2.4, 2.2); metal.alphaX = 0.35; metal.alphaY = 0.1
        var glossy = metal; glossy.alphaX = 0.05; glossy.alphaY = 0.05
        var coated = LQMaterial(); coated.kind = UInt32(LQ_MATERIAL_COATED_DIFFUSE)
        coated.albedo = f3(1, 1, 1); coated.coatIOR = 1.5; coated.alphaX = 0.2; coated.alphaY = 0.2
        return [("diffuse", diffuse), ("anisotropic metal", metal), ("glossy metal", glossy), ("coated", coated)]
    }

    func testSamplingIsConsistentNormalisedAndEnergyConserving() throws {
        let device = try RenderDevice(validation: true, logger: RenderTestSupport.logger)
        let sink = ValidationSinkBox(device)
        let kernel = try GPUKernel(renderDevice: device, body: Self.body)
        let mats = Self.materials()
        var rng = SplitMix(seed: 42)
        for (index, (name, _)) in mats.enumerated() {
            for thetaDegrees: Float in [0, 30, 60, 85] {
                let theta = thetaDegrees * .pi / 180
                let wi = SIMD3<Float>(sin(theta), 0, cos(theta))
                // Sampled rows.
                let n = 20000
                var rows: [Float] = []
                for _ in 0..<n { rows += [wi.x, wi.y, wi.z, rng.float(), rng.float(), rng.float(), 0] }
                let out = try kernel.run(rows: rows, inputStride: 7, outputStride: 11, materials: mats.map(\.1), materialIndex: index)
                var albedo = SIMD3<Double>(0, 0, 0)
                var successes = 0
                for r in 0..<n {
                    let o = Array(out[(r * 11)..<(r * 11 + 11)])
                    let pdf = o[3]
                    guard pdf > 0 else { continue }
                    successes += 1
                    XCTAssertEqual(o[7], pdf, accuracy: 2e-3 * pdf + 1e-5, "\(name) θ=\(thetaDegrees): sampled pdf vs pdf()")
                    for c in 0..<3 {
                        let expected = o[8 + c] / pdf
                        XCTAssertEqual(o[4 + c], expected, accuracy: 2e-3 * max(1, expected), "\(name): weight vs eval/pdf")
                    }
                    albedo += SIMD3(Double(o[4]), Double(o[5]), Double(o[6]))
                }
                albedo /= Double(n)
                XCTAssertLessThanOrEqual(albedo.max(), 1.01, "\(name) θ=\(thetaDegrees): albedo \(albedo) > 1")
                if name == "diffuse" { XCTAssertEqual(albedo.x, 1, accuracy: 1e-6, "white Lambertian reflects everything") }

                // ∫ pdf dω over the sphere by uniform sampling, and the same
                // albedo estimated without the BSDF's own sampling.
                var pdfRows: [Float] = []
                let m = 40000
                for _ in 0..<m {
                    let z = 1 - 2 * rng.float(), phi = 2 * Float.pi * rng.float()
                    let r = (max(0, 1 - z * z)).squareRoot()
                    pdfRows += [wi.x, wi.y, wi.z, r * cos(phi), r * sin(phi), z, 1]
                }
                let pdfOut = try kernel.run(rows: pdfRows, inputStride: 7, outputStride: 11, materials: mats.map(\.1), materialIndex: index)
                // ∫pdf over valid directions = the fraction of samples that
                // succeed (VNDF sampling can leave the hemisphere).
                let integral = meanAndError((0..<m).map { Double(pdfOut[$0 * 11 + 7]) * 4 * .pi })
                let uniformAlbedo = meanAndError((0..<m).map { Double(pdfOut[$0 * 11 + 8]) * 4 * .pi })
                let successRate = Double(successes) / Double(n)
                XCTAssertEqual(integral.mean, successRate, accuracy: 5 * integral.error + 0.01, "\(name) θ=\(thetaDegrees): ∫pdf")
                XCTAssertEqual(uniformAlbedo.mean, albedo.x, accuracy: 5 * uniformAlbedo.error + 0.01,
                               "\(name) θ=\(thetaDegrees): albedo by uniform vs BSDF sampling")
            }
        }
        XCTAssertEqual(sink.messages(), [])
    }
}

/// Mean and its standard error.
func meanAndError(_ values: [Double]) -> (mean: Double, error: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)
    return (mean, (variance / n).squareRoot())
}

/// A tiny seeded generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
