import XCTest
@testable import NeuralMaterial

/// `FrameLayer.differenceVector` is Rusinkiewicz's difference vector away
/// from the pole and stays finite, with a bounded gradient, at it.
final class DifferenceVectorTests: XCTestCase {
    /// wi built from (θ_h, φ_h, θ_d, φ_d) comes back as d = (sin θ_d cos φ_d, sin θ_d sin φ_d, cos θ_d).
    func testEqualsRusinkiewiczsDifferenceVectorAwayFromThePole() {
        var rng = PCG32(seed: 3)
        for _ in 0..<500 {
            let thetaH = 0.1 + 1.4 * Double(rng.nextFloat()), phiH = 2 * Double.pi * Double(rng.nextFloat())
            let thetaD = 1.5 * Double(rng.nextFloat()), phiD = 2 * Double.pi * Double(rng.nextFloat())
            let d = SIMD3(sin(thetaD) * cos(phiD), sin(thetaD) * sin(phiD), cos(thetaD))
            // wi = R_z(φ_h) R_y(θ_h) d; h = R_z(φ_h) R_y(θ_h) (0, 0, 1).
            func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
                let y = SIMD3(v.x * cos(thetaH) + v.z * sin(thetaH), v.y, -v.x * sin(thetaH) + v.z * cos(thetaH))
                return SIMD3(y.x * cos(phiH) - y.y * sin(phiH), y.x * sin(phiH) + y.y * cos(phiH), y.z)
            }
            let got = FrameLayer.differenceVector(rotate(d), half: rotate(SIMD3(0, 0, 1)))
            // The pole softening shortens d's azimuthal part by at most 0.5 % at θ_h = 0.1.
            for k in 0..<3 { XCTAssertEqual(got[k], d[k], accuracy: 6e-3, "θh \(thetaH) θd \(thetaD) component \(k)") }
        }
    }

    /// At the pole (h = n) the vector and its gradient are finite; d.z = wi·h everywhere.
    func testFiniteAtThePole() {
        let h = SIMD3<Float>(0, 0, 1)
        for w in [SIMD3<Float>(0.6, 0, 0.8), SIMD3<Float>(0, -0.6, 0.8), SIMD3<Float>(0, 0, 1)] {
            let d = FrameLayer.differenceVector(w, half: h)
            XCTAssertEqual(d, SIMD3(0, 0, w.z))
            let back = FrameLayer.differenceVectorBackward(w, half: h, SIMD3(1, 1, 1))
            for k in 0..<3 {
                XCTAssertTrue(back.dw[k].isFinite && back.dh[k].isFinite)
                XCTAssertLessThanOrEqual(abs(back.dh[k]), 2 / FrameLayer.differencePoleSoftening.squareRoot())
            }
        }
    }
}
