import Foundation
import XCTest
@testable import Materials

/// Where a mix gives a subtree weight exactly 0 (car paint's flake lobe
/// between the flakes), the subtree is neither prepared nor evaluated. The
/// results must be the bits of the dense evaluation (every lobe evaluated and
/// multiplied by its weight), for the value, the pdf, the sampled direction
/// and the albedo, and the skipping must actually happen.
final class DeadLobeTests: XCTestCase {
    func testSkippedSubtreesGiveTheDenseEvaluationsBits() throws {
        let gated = try MaterialLoader.loadMaterial(path: TestPaths.material("car_paint.json"))
        let dense = gated.denselyEvaluated()
        XCTAssertTrue(gated.gatesDeadNodes)
        XCTAssertFalse(dense.gatesDeadNodes)
        let flake = try XCTUnwrap(gated.lobeKinds.firstIndex(of: .conductor))
        let scratch = MaterialScratch(for: gated)
        var rng = PCG32(seed: 11)
        var deadPoints = 0
        let n = 4000
        for _ in 0..<n {
            let uv = SIMD2<Float>(rng.nextFloat(), rng.nextFloat())
            let wi = direction(thetaDegrees: 89 * rng.nextFloat(), phiDegrees: 360 * rng.nextFloat())
            let wo = direction(thetaDegrees: 89 * rng.nextFloat(), phiDegrees: 360 * rng.nextFloat())
            let u = SIMD3<Float>(rng.nextFloat(), rng.nextFloat(), rng.nextFloat())
            let a = gated.evalAndPdf(wi: wi, wo: wo, uv: uv, scratch: scratch)
            if !scratch.lobes[flake].live { deadPoints += 1 }
            let b = dense.evalAndPdf(wi: wi, wo: wo, uv: uv)
            XCTAssertEqual(bits(a.value), bits(b.value), "value at uv \(uv)")
            XCTAssertEqual(a.pdf.bitPattern, b.pdf.bitPattern, "pdf at uv \(uv)")
            let sa = gated.sample(wi: wi, uv: uv, u: u), sb = dense.sample(wi: wi, uv: uv, u: u)
            XCTAssertEqual(bits(sa.wo), bits(sb.wo), "sampled wo at uv \(uv)")
            XCTAssertEqual(bits(sa.weight), bits(sb.weight))
            XCTAssertEqual(sa.pdf.bitPattern, sb.pdf.bitPattern)
            XCTAssertEqual(bits(gated.albedo(wi: wi, uv: uv)), bits(dense.albedo(wi: wi, uv: uv)), "albedo at uv \(uv)")
        }
        // The flakes cover part of the surface: both cases must occur.
        XCTAssertGreaterThan(deadPoints, n / 5, "the flake lobe should be skipped between the flakes")
        XCTAssertLessThan(deadPoints, n * 9 / 10, "the flake lobe should be evaluated on the flakes")
    }

    func bits(_ v: SIMD3<Float>) -> [UInt32] { [v.x.bitPattern, v.y.bitPattern, v.z.bitPattern] }
}
