import XCTest
@testable import Materials

/// Single lobes built directly: χ², reciprocity, pdf/weight consistency, furnace.
final class LobeStatisticsTests: XCTestCase {
    static func lobes() -> [(String, Material)] {
        var out: [(String, Material)] = []
        func make(_ name: String, _ f: (inout MaterialBuilder) -> BsdfRef) {
            var b = MaterialBuilder()
            let root = f(&b)
            out.append((name, b.build(root: root, name: name)))
        }
        make("lambert") { b in b.lobe(.lambert, color: b.constant(V3(0.7, 0.5, 0.3))) }
        make("oren_nayar") { b in b.lobe(.orenNayar, color: b.constant(V3(0.9, 0.8, 0.7)), rough: b.constant(Float(0.8))) }
        make("conductor_aniso") { b in
            let a = b.roughnessAnisotropy(b.constant(Float(0.45)), b.constant(Float(0.7)))
            return b.lobe(.conductor, color: b.constant(V3(0.2, 0.9, 1.1)), color2: b.constant(V3(3.9, 2.4, 2.2)), alpha: a,
                          rotation: b.constant(Float(40)))
        }
        make("dielectric") { b in
            b.lobe(.dielectric, color: b.constant(V3(1, 1, 1)), alpha: b.roughnessAnisotropy(b.constant(Float(0.3)), b.constant(Float(0))),
                   ior: b.constant(Float(1.6)))
        }
        make("schlick") { b in
            b.lobe(.generalizedSchlick, color: b.constant(V3(0.5, 0.4, 0.3)), color2: b.constant(V3(1, 1, 1)),
                   alpha: b.roughnessAnisotropy(b.constant(Float(0.5)), b.constant(Float(0.3))), exponent: b.constant(Float(4)))
        }
        make("sheen") { b in b.lobe(.sheen, color: b.constant(V3(1, 1, 1)), rough: b.constant(Float(0.3))) }
        make("tilted_normal_conductor") { b in
            b.lobe(.conductor, alpha: b.roughnessAnisotropy(b.constant(Float(0.5)), b.constant(Float(0))),
                   normal: b.constant(V3(0.3, -0.2, 0.93)))
        }
        return out
    }

    static let angles: [Float] = [0, 30, 60, 85]

    func testChi2EveryLobe() {
        let lobes = Self.lobes()
        let configs = lobes.count * Self.angles.count
        let alpha = Stats.sidak(0.01, tests: configs)
        let failures = Collected()
        parallelFor(configs) { k in
            let (name, m) = lobes[k / Self.angles.count]
            let theta = Self.angles[k % Self.angles.count]
            let wi = direction(thetaDegrees: theta, phiDegrees: 17)
            let r = Chi2.test(m, wi: wi, uv: V2(0.3, 0.6), samples: 20_000, seed: UInt64(k + 1), significance: alpha)
            if !r.passed { failures.add("\(name) θi=\(theta): \(r.message)") }
        }
        XCTAssertEqual(failures.items, [], "χ² failures")
    }

    func testReciprocity() {
        var rng = PCG32(seed: 99)
        // Analytic lobes in the geometric frame (a tilted shading normal is not reciprocal by design).
        for (name, m) in Self.lobes() where name != "tilted_normal_conductor" {
            for _ in 0..<200 {
                let a = Sampling.uniformHemisphere(V2(rng.nextFloat(), rng.nextFloat()))
                let b = Sampling.uniformHemisphere(V2(rng.nextFloat(), rng.nextFloat()))
                guard a.z > 0.01, b.z > 0.01 else { continue }
                let fab = m.eval(wi: a, wo: b, uv: V2(0.5, 0.5)) / b.z
                let fba = m.eval(wi: b, wo: a, uv: V2(0.5, 0.5)) / a.z
                let scale = max(fab.max(), fba.max(), 1e-6)
                XCTAssertLessThan((fab - fba).abs().max() / scale, 2e-3, "\(name): f(\(a), \(b)) = \(fab) vs \(fba)")
            }
        }
    }

    func testWeightEqualsEvalOverPdf() {
        var rng = PCG32(seed: 7)
        for (name, m) in Self.lobes() {
            for theta in Self.angles {
                let wi = direction(thetaDegrees: theta, phiDegrees: 50)
                for _ in 0..<100 {
                    let s = m.sample(wi: wi, uv: V2(0.1, 0.2), u: V3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat()))
                    if s.pdf == 0 { XCTAssertEqual(s.weight, V3()); continue }
                    let (f, p) = m.evalAndPdf(wi: wi, wo: s.wo, uv: V2(0.1, 0.2))
                    XCTAssertEqual(p, s.pdf, accuracy: 1e-3 * p, name)
                    XCTAssertLessThan((s.weight - f / p).abs().max(), 1e-3 * max(1, s.weight.max()), name)
                }
            }
        }
    }

    func testLobeFurnace() {
        for (name, m) in Self.lobes() {
            for theta: Float in [0, 45, 80, 89] {
                let r = furnace(m, wi: direction(thetaDegrees: theta, phiDegrees: 10), uv: V2(0.5, 0.5), samples: 4_096, seed: 3)
                for c in 0..<3 {
                    XCTAssertLessThanOrEqual(r.sampled[c], 1 + 3 * r.sampledSigma[c] + 0.01, "\(name) θ=\(theta)")
                    let tol = 3 * (r.sampledSigma[c] * r.sampledSigma[c] + r.uniformSigma[c] * r.uniformSigma[c]).squareRoot() + 0.01
                    XCTAssertEqual(r.sampled[c], r.uniform[c], accuracy: tol, "\(name) θ=\(theta)")
                }
            }
        }
    }

    /// The tabulated albedo (used by layering) agrees with the Monte-Carlo albedo.
    func testAlbedoEstimateMatchesMonteCarlo() {
        for (name, m) in Self.lobes() where name != "conductor_aniso" && name != "tilted_normal_conductor" {
            for theta: Float in [0, 45, 75] {
                let wi = direction(thetaDegrees: theta)
                let r = furnace(m, wi: wi, uv: V2(0.5, 0.5), samples: 10_000, seed: 5)
                let a = m.albedo(wi: wi, uv: V2(0.5, 0.5))
                for c in 0..<3 {
                    XCTAssertEqual(a[c], r.sampled[c], accuracy: 3 * r.sampledSigma[c] + 0.01 + 0.02 * a[c], "\(name) θ=\(theta)")
                }
            }
        }
    }

    /// EON with ρ = 1 and energy compensation reflects (almost) everything.
    func testOrenNayarEnergyCompensation() {
        var b = MaterialBuilder()
        let root = b.lobe(.orenNayar, color: b.constant(V3(1, 1, 1)), rough: b.constant(Float(1)))
        let m = b.build(root: root, name: "eon")
        for theta: Float in [0, 40, 70, 85] {
            let r = furnace(m, wi: direction(thetaDegrees: theta), uv: V2(), samples: 10_000, seed: 1)
            XCTAssertEqual(r.sampled.x, 1, accuracy: 0.02, "θ=\(theta)")
        }
    }
}
