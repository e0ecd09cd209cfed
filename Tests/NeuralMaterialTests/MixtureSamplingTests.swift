import XCTest
@testable import NeuralMaterial

/// Statistical tests of the analytic sampling distribution (DESIGN.md "How
/// we test" 1): χ² goodness of fit of `sample` against `pdf`, with a
/// Bonferroni correction over the parameter sets, a deliberately broken pdf
/// that must fail, and normalisation over the sphere.
final class MixtureSamplingTests: XCTestCase {
    typealias P = MixtureParameters<Double>

    static let cases: [(String, P, SIMD3<Double>)] = [
        ("isotropic rough, centred", P(alphaX: 0.5, alphaY: 0.5, rho: 0, specularMean: .zero, diffuseMean: .zero, specularWeight: 0.7, diffuseWeight: 0.3),
         SIMD3(0.3, 0.1, 0.9)),
        ("strongly anisotropic", P(alphaX: 0.08, alphaY: 0.6, rho: 0, specularMean: .zero, diffuseMean: SIMD2(0.3, -0.2), specularWeight: 0.8, diffuseWeight: 0.2),
         SIMD3(-0.4, 0.2, 0.8)),
        ("correlated + offset", P(alphaX: 0.3, alphaY: 0.15, rho: 0.85, specularMean: SIMD2(0.4, -0.3), diffuseMean: SIMD2(-0.6, 0.1), specularWeight: 0.5, diffuseWeight: 0.5),
         SIMD3(0.1, -0.5, 0.7)),
        ("negative correlation, grazing wi", P(alphaX: 0.25, alphaY: 0.4, rho: -0.7, specularMean: SIMD2(-0.5, 0.6), diffuseMean: SIMD2(1.0, 0.5), specularWeight: 0.9, diffuseWeight: 0.1),
         SIMD3(0.95, 0.1, 0.12)),
        ("diffuse dominated, tilted", P(alphaX: 1.0, alphaY: 0.2, rho: 0.3, specularMean: SIMD2(1.5, 0), diffuseMean: SIMD2(0.8, -0.8), specularWeight: 0.2, diffuseWeight: 0.8),
         SIMD3(0, 0.6, 0.6)),
    ]

    private func run(_ p: P, wi: SIMD3<Double>, seed: UInt64, subSamples: Int = 24, pdf override: ((SIMD3<Double>) -> Double)? = nil) -> ChiSquareResult {
        let dist = MixtureDistribution(p)
        let w = wi / (wi * wi).sum().squareRoot()
        return chiSquareTest(samples: 200_000, subSamples: subSamples, seed: seed,
                             sample: { rng in dist.sample(wi: w, u: SIMD3(rng.nextDouble(), rng.nextDouble(), rng.nextDouble())).wo },
                             pdf: override ?? { dist.pdf(wi: w, wo: $0) })
    }

    func testSampleMatchesPdfChiSquare() {
        let alpha = 0.01 / Double(Self.cases.count)
        for (i, (name, p, wi)) in Self.cases.enumerated() {
            let r = run(p, wi: wi, seed: UInt64(100 + i))
            XCTAssertGreaterThan(r.pValue, alpha, "\(name): χ²=\(r.statistic) dof=\(r.dof) p=\(r.pValue)")
            XCTAssertEqual(r.expectedTotal, 1, accuracy: 0.01, "\(name): pdf integrates to \(r.expectedTotal) over the bins")
        }
    }

    /// Proves the test has teeth: a pdf missing the reflection Jacobian's
    /// factor (1/(4|wi·h|) → 1/(2|wi·h|)·½h_z … i.e. D(h)/(4|wi·h|) without
    /// h_z), or with a swapped anisotropy, must fail.
    func testChiSquareDetectsInjectedBugs() {
        let (_, p, wiRaw) = Self.cases[2]
        let wi = wiRaw / (wiRaw * wiRaw).sum().squareRoot()
        let dist = MixtureDistribution(p)
        let noHz: (SIMD3<Double>) -> Double = { wo in
            guard let h = MixtureDistribution<Double>.halfVector(wi, wo) else { return 0 }
            let ggx = dist.ggxD(h) / (4 * abs(dot3(wi, h)))        // bug: h_z dropped
            return p.specularWeight * ggx + p.diffuseWeight * dist.cosinePdf(wo: wo)
        }
        let r1 = run(p, wi: wi, seed: 7, pdf: noHz)
        XCTAssertLessThan(r1.pValue, 1e-6, "missing h_z must fail: p=\(r1.pValue)")

        var swapped = p; swapped.alphaX = p.alphaY; swapped.alphaY = p.alphaX
        let wrong = MixtureDistribution(swapped)
        let r2 = run(p, wi: wi, seed: 8, pdf: { wrong.pdf(wi: wi, wo: $0) })
        XCTAssertLessThan(r2.pValue, 1e-6, "swapped αx/αy must fail: p=\(r2.pValue)")

        var flipped = p; flipped.rho = -p.rho
        let wrongRho = MixtureDistribution(flipped)
        let r3 = run(p, wi: wi, seed: 9, pdf: { wrongRho.pdf(wi: wi, wo: $0) })
        XCTAssertLessThan(r3.pValue, 1e-6, "flipped correlation must fail: p=\(r3.pValue)")
    }

    /// Monte Carlo ∫ pdf dω over the whole sphere with uniform directions.
    func testPdfIntegratesToOneOverSphere() {
        var rng = PCG32(seed: 21)
        for (name, p, wiRaw) in Self.cases {
            let wi = wiRaw / (wiRaw * wiRaw).sum().squareRoot()
            let dist = MixtureDistribution(p)
            let n = 400_000
            var s = 0.0, s2 = 0.0
            for _ in 0..<n {
                let v = 4 * Double.pi * dist.pdf(wi: wi, wo: uniformSphere(rng.nextDouble(), rng.nextDouble()))
                s += v; s2 += v * v
            }
            let mean = s / Double(n), se = ((s2 / Double(n) - mean * mean) / Double(n)).squareRoot()
            XCTAssertEqual(mean, 1, accuracy: max(0.02, 4 * se), "\(name): ∫pdf = \(mean) ± \(se)")
        }
    }

    /// The float32 path (what the renderer runs) agrees with float64 and its
    /// returned pdf is the pdf of the returned direction.
    func testFloatPathAgreesAndSampleReturnsOwnPdf() {
        var rng = PCG32(seed: 22)
        for (_, p, wiRaw) in Self.cases {
            let pf = MixtureParameters<Float>(alphaX: Float(p.alphaX), alphaY: Float(p.alphaY), rho: Float(p.rho),
                                              specularMean: SIMD2(Float(p.specularMean.x), Float(p.specularMean.y)),
                                              diffuseMean: SIMD2(Float(p.diffuseMean.x), Float(p.diffuseMean.y)),
                                              specularWeight: Float(p.specularWeight), diffuseWeight: Float(p.diffuseWeight))
            let wi = wiRaw / (wiRaw * wiRaw).sum().squareRoot()
            let wif = cast3(wi, to: Float.self)
            for _ in 0..<200 {
                let u = SIMD3(rng.nextDouble(), rng.nextDouble(), rng.nextDouble())
                let sd = MixtureDistribution(p).sample(wi: wi, u: u)
                let sf = MixtureDistribution(pf).sample(wi: wif, u: cast3(u, to: Float.self))
                XCTAssertEqual(sd.pdf, MixtureDistribution(p).pdf(wi: wi, wo: sd.wo), accuracy: 1e-9 * max(1, sd.pdf))
                XCTAssertEqual(Double(sf.pdf), sd.pdf, accuracy: 2e-3 * max(1, sd.pdf))
                XCTAssertEqual(Double(dot3(sf.wo, sf.wo)), 1, accuracy: 1e-4)
            }
        }
    }

    /// Degenerate inputs stay finite: tiny α, saturated ρ, huge means, wi = −wo.
    func testExtremeParametersStayFinite() {
        let p = MixtureParameters<Float>(alphaX: 1e-4, alphaY: 1e-4, rho: 1, specularMean: SIMD2(1e4, -1e4), diffuseMean: SIMD2(1e4, 0),
                                         specularWeight: 0.5, diffuseWeight: 0.5)
        let dist = MixtureDistribution(p)
        var rng = PCG32(seed: 3)
        for _ in 0..<2000 {
            let wi = randomUnit(&rng)
            let s = dist.sample(wi: wi, u: SIMD3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat()))
            XCTAssertTrue(s.pdf.isFinite && s.pdf >= 0)
            XCTAssertTrue(s.wo.x.isFinite && s.wo.y.isFinite && s.wo.z.isFinite)
            XCTAssertTrue(dist.pdf(wi: wi, wo: -wi).isFinite)
            let g = dist.pdfGradient(wi: wi, wo: randomUnit(&rng))
            XCTAssertTrue(g.gradient.array.allSatisfy(\.isFinite) && g.pdf.isFinite)
        }
    }
}
