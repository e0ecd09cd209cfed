import XCTest
@testable import Materials

/// The χ² test must reject deliberately wrong pdfs (it has teeth).
final class Chi2TeethTests: XCTestCase {
    func conductor() -> Material {
        var b = MaterialBuilder()
        let r = b.lobe(.conductor, alpha: b.roughnessAnisotropy(b.constant(Float(0.5)), b.constant(Float(0))))
        return b.build(root: r, name: "c")
    }

    func testCorrectPdfPasses() {
        let m = conductor()
        let wi = direction(thetaDegrees: 40)
        let r = Chi2.test(m, wi: wi, uv: V2(), samples: 20_000, seed: 11, significance: 0.01)
        XCTAssertTrue(r.passed, r.message)
    }

    func testScaledPdfFails() {
        let m = conductor()
        let wi = direction(thetaDegrees: 40)
        let r = Chi2.test(samples: 20_000, seed: 11, significance: 0.01, sample: { u in
            let s = m.sample(wi: wi, uv: V2(), u: u)
            return s.pdf > 0 ? s.wo : nil
        }, pdf: { wo in 1.1 * m.pdf(wi: wi, wo: wo, uv: V2()) })
        XCTAssertFalse(r.passed, "a pdf scaled by 1.1 must fail: \(r.message)")
    }

    func testMissingJacobianFails() {
        // The half-vector density used as if it were the density of wo (the
        // reflection Jacobian 1/(4 wo·h) forgotten), renormalised so only the
        // shape is wrong.
        let m = conductor()
        let wi = direction(thetaDegrees: 40)
        let alpha = V2(0.25, 0.25)
        func bad(_ wo: V3) -> Float {
            guard wo.z > 0 else { return 0 }
            let h = normalize3(wi + wo)
            return GGX.G1(wi, alpha) * GGX.D(h, alpha) * max(dot3(wi, h), 0) / wi.z
        }
        let norm = Chi2.integrate(bad, 0, 1, 0, 2 * .pi)
        let r = Chi2.test(samples: 20_000, seed: 11, significance: 0.01, sample: { u in
            let s = m.sample(wi: wi, uv: V2(), u: u)
            return s.pdf > 0 ? s.wo : nil
        }, pdf: { wo in bad(wo) / Float(norm) })
        XCTAssertFalse(r.passed, "a wrong Jacobian must fail: \(r.message)")
    }

    func testStatisticsHelpers() {
        // Q(k/2, x/2) is the χ² survival function: median of χ²(2) is 2 ln 2.
        XCTAssertEqual(Stats.gammaQ(1, log(2.0)), 0.5, accuracy: 1e-9)
        XCTAssertEqual(Stats.gammaQ(5, 5), 0.4404932850652124, accuracy: 1e-9)
        XCTAssertEqual(Stats.sidak(0.01, tests: 1), 0.01, accuracy: 1e-12)
    }
}
