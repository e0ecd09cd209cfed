import Foundation
import XCTest
@testable import Baking
import NeuralMaterial

/// A coarse target averages the reference over Gaussian footprint taps. The
/// stratified pattern must keep every tap Gaussian (so the average stays
/// unbiased) and vary less than independent taps; the independent pattern
/// must draw exactly what the generator drew before the option existed.
final class FootprintPatternTests: XCTestCase {
    let sigma: Float = 0.01
    let centre = SIMD2<Float>(0.5, 0.5)

    func offsets(taps: Int, stratified: Bool, count: Int, seed: UInt64) -> [[SIMD2<Float>]] {
        var rng = PCG32(seed: seed)
        return (0..<count).map { _ in
            let pattern = TrainingDataGenerator.FootprintPattern(taps: taps, stratified: stratified, rng: &rng)
            return (0..<taps).map { pattern.tap($0, centre, sigma: sigma, rng: &rng) - centre }
        }
    }

    /// Tap k of every stratified pattern, over many patterns, has the 2-D
    /// Gaussian's mean, variance, radial quantiles and half-planes.
    func testEveryStratifiedTapIsGaussian() {
        let n = 40_000
        let rows = offsets(taps: 4, stratified: true, count: n, seed: 3)
        let s2 = Double(sigma * sigma)
        for k in 0..<4 {
            var mean = SIMD2<Double>(), square = SIMD2<Double>()
            var insideMedian = 0, insideQuartile = 0, right = 0, above = 0
            for row in rows {
                let o = SIMD2<Double>(Double(row[k].x), Double(row[k].y))
                mean += o; square += o * o
                let r2 = (o * o).sum()
                if r2 <= 2 * s2 * log(2) { insideMedian += 1 }     // P(r ≤ r) = 1 − exp(−r²/2σ²)
                if r2 <= 2 * s2 * log(4.0 / 3) { insideQuartile += 1 }
                if o.x > 0 { right += 1 }
                if o.y > 0 { above += 1 }
            }
            mean /= Double(n); square /= Double(n)
            let what = "tap \(k)"
            XCTAssertEqual(mean.x, 0, accuracy: 4 * Double(sigma) / Double(n).squareRoot(), what)
            XCTAssertEqual(mean.y, 0, accuracy: 4 * Double(sigma) / Double(n).squareRoot(), what)
            XCTAssertEqual(square.x / s2, 1, accuracy: 0.04, what)
            XCTAssertEqual(square.y / s2, 1, accuracy: 0.04, what)
            XCTAssertEqual(Double(insideMedian) / Double(n), 0.5, accuracy: 0.01, what)
            XCTAssertEqual(Double(insideQuartile) / Double(n), 0.25, accuracy: 0.01, what)
            XCTAssertEqual(Double(right) / Double(n), 0.5, accuracy: 0.01, what)
            XCTAssertEqual(Double(above) / Double(n), 0.5, accuracy: 0.01, what)
        }
    }

    /// The average of four taps of a footprint with a sharp edge (a flake's
    /// border, a texture's step) has the same mean both ways and clearly
    /// less variance when the taps are stratified.
    func testStratifiedTapsAverageWithLessNoise() {
        func average(_ row: [SIMD2<Float>]) -> Double {
            row.reduce(0.0) { acc, o in
                let edge: Double = o.x > 0.3 * sigma ? 1 : 0
                let bump = exp(-Double((o * o).sum() / (sigma * sigma)))
                return acc + edge + bump
            } / Double(row.count)
        }
        func stats(_ stratified: Bool) -> (mean: Double, variance: Double) {
            let values = offsets(taps: 4, stratified: stratified, count: 40_000, seed: 8).map(average)
            let mean = values.reduce(0, +) / Double(values.count)
            return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1))
        }
        let independent = stats(false), stratified = stats(true)
        XCTAssertEqual(stratified.mean, independent.mean, accuracy: 0.01, "unbiased both ways")
        XCTAssertLessThan(stratified.variance, 0.7 * independent.variance,
                          "stratified \(stratified.variance) vs independent \(independent.variance)")
    }

    /// Without stratification the pattern draws nothing of its own and each
    /// tap is the generator's independent Box–Muller tap, bit for bit: bakes
    /// whose settings predate the option keep their rows.
    func testIndependentPatternIsTheOriginalTap() {
        var a = PCG32(seed: 21), b = PCG32(seed: 21)
        for _ in 0..<1000 {
            let uv = SIMD2<Float>(a.nextFloat(), a.nextFloat())
            _ = (b.nextFloat(), b.nextFloat())
            let pattern = TrainingDataGenerator.FootprintPattern(taps: 4, stratified: false, rng: &a)
            for k in 0..<4 {
                let tap = pattern.tap(k, uv, sigma: 0.03, rng: &a)
                XCTAssertEqual(tap, TrainingDataGenerator.footprintTap(uv, sigma: 0.03, rng: &b))
            }
        }
        XCTAssertEqual(a.nextFloat(), b.nextFloat(), "same random stream afterwards")
    }
}
