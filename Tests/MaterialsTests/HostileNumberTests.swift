import XCTest
@testable import Materials

/// Numbers checked where they enter: non-finite or degenerate directions give a
/// defined result per row (eval 0, failed sample), never a trap or a substitute
/// direction; GGX and sheen stay finite down to the smallest positive cos θ.
final class HostileNumberTests: XCTestCase {
    static let hostile: [V3] = [
        V3(.infinity, 0, 1), V3(-.infinity, 0, 1), V3(0, 0, .infinity), V3(0, .infinity, .infinity),
        V3(.nan, 0, 1), V3(0, .nan, 1), V3(0, 0, .nan), V3(0, 0, 0), V3(1e-31, 0, 1e-31), V3(0, 0, 1e-35),
    ]

    /// Every bundled material, through the batch entry points `lacquer bsdf` uses.
    func testBatchRowsWithHostileDirectionsAreZeroOrFailed() throws {
        let good = direction(thetaDegrees: 30, phiDegrees: 20)
        for file in TestPaths.bundled {
            let m = try MaterialLoader.loadMaterial(path: TestPaths.material(file))
            var evalRows: [Float] = []
            var sampleRows: [Float] = []
            for h in Self.hostile {
                evalRows += [h.x, h.y, h.z, good.x, good.y, good.z]
                evalRows += [good.x, good.y, good.z, h.x, h.y, h.z]
                sampleRows += [h.x, h.y, h.z, 0.3, 0.6, 0.2]
            }
            for u in [V3(.nan, 0.5, 0.5), V3(0.5, .infinity, 0.5), V3(0.5, 0.5, -1), V3(2, 0.5, 0.5)] {
                sampleRows += [good.x, good.y, good.z, u.x, u.y, u.z]
            }
            let evalCount = evalRows.count / 6, sampleCount = sampleRows.count / 6
            var evalOut = [Float](repeating: -1, count: evalCount * 4)
            var sampleOut = [Float](repeating: -1, count: sampleCount * 7)
            evalRows.withUnsafeBufferPointer { i in evalOut.withUnsafeMutableBufferPointer { o in
                m.evalBatch(i, stride: 6, output: o, uvFromRows: false) } }
            sampleRows.withUnsafeBufferPointer { i in sampleOut.withUnsafeMutableBufferPointer { o in
                m.sampleBatch(i, stride: 6, output: o, uvFromRows: false) } }
            XCTAssertEqual(evalOut, [Float](repeating: 0, count: evalOut.count), "\(file): eval rows")
            for r in 0..<sampleCount {
                XCTAssertEqual(sampleOut[r * 7 + 3], 0, "\(file): sample row \(r) pdf")
                XCTAssertEqual(Array(sampleOut[(r * 7 + 4)..<(r * 7 + 7)]), [0, 0, 0], "\(file): sample row \(r) weight")
            }
            XCTAssertEqual(m.albedo(wi: V3(0, 0, .infinity), uv: V2(0.5, 0.5)), V3(), file)
        }
    }

    /// A NaN component is no direction (it used to become +z); a short but
    /// valid direction is normalised (it used to snap to +z below ~1e-19).
    func testNoSubstituteDirections() throws {
        let m = try MaterialLoader.loadMaterial(path: TestPaths.material("conductor.json"))
        let wi = direction(thetaDegrees: 60, phiDegrees: 10), wo = direction(thetaDegrees: 50, phiDegrees: 170)
        XCTAssertEqual(m.eval(wi: V3(.nan, 0.2, 0.9), wo: wo, uv: V2(0.5, 0.5)), V3())
        let reference = m.eval(wi: wi, wo: wo, uv: V2(0.5, 0.5))
        XCTAssertGreaterThan(reference.max(), 0)
        for scale: Float in [1e-25, 1e-20, 1e20, 1e35] {
            let f = m.eval(wi: wi * scale, wo: wo * scale, uv: V2(0.5, 0.5))
            XCTAssertLessThan((f - reference).abs().max(), 1e-5 * reference.max(), "scale \(scale)")
        }
    }

    static func lobe(_ kind: LobeKind, rough: Float) -> Material {
        var b = MaterialBuilder()
        let root: BsdfRef
        switch kind {
        case .sheen: root = b.lobe(.sheen, color: b.constant(V3(1, 1, 1)), rough: b.constant(rough))
        default:
            root = b.lobe(kind, color: b.constant(V3(0.2, 0.9, 1.1)), color2: b.constant(V3(3.9, 2.4, 2.2)),
                          alpha: b.roughnessAnisotropy(b.constant(rough), b.constant(Float(0))))
        }
        return b.build(root: root, name: "\(kind)")
    }

    /// GGX masking and sheen at cos θ = 1e-20, 1e-38 and the smallest positive
    /// float, for wi and for wo: finite, non-negative and bounded (f·cos θo
    /// has a finite limit as either direction grazes; the largest legitimate
    /// value is the α = 1e-4 mirror peak, about 8e10).
    func testGrazingDirectionsStayFiniteAndBounded() {
        let cosines: [Float] = [1e-10, 1e-20, 1e-30, 1e-38, Float.leastNormalMagnitude, 1e-42, Float.leastNonzeroMagnitude]
        let cases: [(String, Material)] = [
            ("conductor 0.3", Self.lobe(.conductor, rough: 0.3)), ("conductor 0.01", Self.lobe(.conductor, rough: 0.01)),
            ("dielectric 0.5", Self.lobe(.dielectric, rough: 0.5)), ("sheen 0.05", Self.lobe(.sheen, rough: 0.05)),
            ("sheen 0.5", Self.lobe(.sheen, rough: 0.5)),
        ]
        for (name, m) in cases {
            for z in cosines {
                let grazing = V3(1, 0, z)
                for other in [direction(thetaDegrees: 10), direction(thetaDegrees: 80, phiDegrees: 180),
                              direction(thetaDegrees: 89.9, phiDegrees: 90), V3(-1, 0, z)] {
                    for (wi, wo) in [(grazing, other), (other, grazing)] {
                        let (f, pdf) = m.evalAndPdf(wi: wi, wo: wo, uv: V2(0.5, 0.5))
                        for v in [f.x, f.y, f.z, pdf] {
                            XCTAssertTrue(v.isFinite && v >= 0 && v < 1e12, "\(name): wi \(wi) wo \(wo): f \(f) pdf \(pdf)")
                        }
                    }
                }
                let s = m.sample(wi: grazing, uv: V2(0.5, 0.5), u: V3(0.3, 0.7, 0.5))
                XCTAssertTrue(s.pdf.isFinite && s.weight.max().isFinite && s.weight.min() >= 0, "\(name): sample at z \(z): \(s)")
            }
        }
        // Raw masking terms: finite and the analytic limits.
        let alpha = V2(0.3, 0.3)
        for z in cosines {
            let w = V3(1, 0, z)
            let g = GGX.G2OverFourCosI(w, direction(thetaDegrees: 20), alpha)
            XCTAssertTrue(g.isFinite && g > 0, "G2/(4 cos) at z \(z): \(g)")
            XCTAssertEqual(g, 1 / (2 * alpha.x), accuracy: 1e-3, "limit 1/(2a) at z \(z)")
            XCTAssertTrue(GGX.G1OverFourCosI(w, alpha).isFinite)
            XCTAssertTrue(SheenLobe.evalWhite(0.05, w, direction(thetaDegrees: 20)).isFinite)
        }
    }
}
