import XCTest
@testable import NeuralMaterial

/// The sampler head's C kernels (`MixtureKernels`) against the Swift
/// definitions (`SamplerWarps`, `MixtureDistribution.pdfGradient`): pdf,
/// parameter gradient and the raw-output gradient within float tolerance on
/// every path, every path bit-identical to the portable one. Rows cover the
/// branches: correlation clamped (|ρ| > 0.999), the cosine lobe facing away
/// from wo, wo = −wi (no half vector), the half vector below the horizon,
/// and a tail after the 16-row blocks.
final class MixtureKernelsTests: XCTestCase {
    func testForwardAndBackwardMatchTheDefinitionsOnEveryPath() {
        var rng = PCG32(seed: 31, stream: 2)
        let rows = 53
        var z = (0..<(rows * 9)).map { _ in 1.5 * rng.nextGaussian() }
        func direction(_ upper: Bool) -> SIMD3<Float> {
            let v = SIMD3<Float>(rng.nextGaussian(), rng.nextGaussian(), upper ? abs(rng.nextGaussian()) + 0.05 : rng.nextGaussian())
            return v / (v * v).sum().squareRoot()
        }
        var wi = (0..<rows).map { _ in direction(true) }
        var wo = (0..<rows).map { _ in direction(false) }
        z[3 * 9 + 2] = 900                        // ρ ≈ 1: clamped, no ρ gradient
        z[4 * 9 + 5] = 40; z[4 * 9 + 6] = 40      // cosine axis far from wo
        wo[5] = -wi[5]                            // no half vector
        wi[6] = SIMD3(0.6, 0, 0.8); wo[6] = SIMD3(-0.6, 0, -0.8) + SIMD3(0.01, 0, -0.5)  // h below the horizon
        wo[6] /= (wo[6] * wo[6]).sum().squareRoot()
        let dPdf = (0..<rows).map { _ in rng.nextGaussian() }
        let flatWi = wi.flatMap { [$0.x, $0.y, $0.z] }, flatWo = wo.flatMap { [$0.x, $0.y, $0.z] }

        var expectedPdf = [Float](), expectedGradient = [Float](), expectedRaw = [Float]()
        for r in 0..<rows {
            let raw = Array(z[(9 * r)..<(9 * r + 9)])
            let res = MixtureDistribution(SamplerWarps.forward(raw)).pdfGradient(wi: wi[r], wo: wo[r])
            expectedPdf.append(res.pdf)
            expectedGradient += res.gradient.array
            var g = res.gradient
            let s = dPdf[r]
            g.alphaX *= s; g.alphaY *= s; g.rho *= s
            g.specularMean *= s; g.diffuseMean *= s
            g.specularWeight *= s; g.diffuseWeight *= s
            expectedRaw += SamplerWarps.backward(raw, g)
        }
        XCTAssertEqual(expectedGradient[3 * 9 + 2], 0, "a clamped correlation has no gradient")

        var portable: [Float]?
        for isa in TrainingISA.available {
            var pdf = [Float](repeating: .nan, count: rows), gradient = [Float](repeating: .nan, count: rows * 9)
            var dRaw = [Float](repeating: .nan, count: rows * 9)
            MixtureKernels.forward(z: z, wiLocal: flatWi, wiStride: 3, woLocal: flatWo, woStride: 3, rows: rows,
                                   pdf: &pdf, gradient: &gradient, isa: isa)
            MixtureKernels.backward(z: z, gradient: gradient, dPdf: dPdf, rows: rows, dRaw: &dRaw, isa: isa)
            func assertClose(_ got: [Float], _ want: [Float], _ what: String) {
                for i in want.indices {
                    XCTAssertEqual(got[i], want[i], accuracy: 2e-5 * (abs(want[i]) + 1e-3), "\(isa) \(what) \(i) (row \(i / max(1, want.count / rows)))")
                }
            }
            assertClose(pdf, expectedPdf, "pdf")
            assertClose(gradient, expectedGradient, "parameter gradient")
            assertClose(dRaw, expectedRaw, "raw gradient")
            let all = pdf + gradient + dRaw
            if let portable { XCTAssertEqual(all.map(\.bitPattern), portable.map(\.bitPattern), "\(isa) differs from portable") } else { portable = all }
        }
    }
}
