import Foundation
import XCTest
@testable import NeuralMaterial

/// Upper regularised incomplete gamma Q(a, x) (series for x < a+1, continued
/// fraction otherwise) — for χ² p-values: p = Q(dof/2, χ²/2).
func gammaQ(_ a: Double, _ x: Double) -> Double {
    if x <= 0 { return 1 }
    let gln = Foundation.lgamma(a) as Double
    if x < a + 1 {
        var sum = 1 / a, del = sum, ap = a
        for _ in 0..<10_000 {
            ap += 1; del *= x / ap; sum += del
            if abs(del) < abs(sum) * 1e-15 { break }
        }
        return max(0, 1 - sum * exp(-x + a * log(x) - gln))
    }
    var b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d
    for i in 1..<10_000 {
        let an = -Double(i) * (Double(i) - a)
        b += 2
        d = an * d + b; if abs(d) < 1e-300 { d = 1e-300 }
        c = b + an / c; if abs(c) < 1e-300 { c = 1e-300 }
        d = 1 / d
        let del = d * c
        h *= del
        if abs(del - 1) < 1e-15 { break }
    }
    return exp(-x + a * log(x) - gln) * h
}

struct ChiSquareResult {
    var statistic: Double
    var dof: Int
    var pValue: Double
    var expectedTotal: Double
}

/// The pbrt/Mitsuba goodness-of-fit test for a direction sampler: bins in
/// (cos θ, φ), the expected count of each bin is the pdf integrated over it
/// (k×k midpoint sub-samples in (cos θ, φ), which is uniform in solid angle),
/// bins with expected < 5 are pooled, Pearson χ² with dof = bins − 1.
func chiSquareTest(samples n: Int, thetaBins: Int = 20, phiBins: Int = 40, subSamples k: Int = 10, seed: UInt64,
                   sample: (inout PCG32) -> SIMD3<Double>?, pdf: (SIMD3<Double>) -> Double) -> ChiSquareResult {
    var observed = [Double](repeating: 0, count: thetaBins * phiBins)
    var rng = PCG32(seed: seed)
    func bin(_ w: SIMD3<Double>) -> Int {
        let c = min(max(w.z, -1), 1)
        var phi = atan2(w.y, w.x); if phi < 0 { phi += 2 * Double.pi }
        let ti = min(thetaBins - 1, Int((c + 1) / 2 * Double(thetaBins)))
        let pi = min(phiBins - 1, Int(phi / (2 * Double.pi) * Double(phiBins)))
        return ti * phiBins + pi
    }
    for _ in 0..<n {
        guard let w = sample(&rng) else { continue }
        observed[bin(w)] += 1
    }
    var expected = [Double](repeating: 0, count: thetaBins * phiBins)
    let dc = 2 / Double(thetaBins), dphi = 2 * Double.pi / Double(phiBins)
    for ti in 0..<thetaBins {
        for pj in 0..<phiBins {
            var s = 0.0
            for a in 0..<k {
                let c = -1 + (Double(ti) + (Double(a) + 0.5) / Double(k)) * dc
                let st = (max(0, 1 - c * c)).squareRoot()
                for b in 0..<k {
                    let phi = (Double(pj) + (Double(b) + 0.5) / Double(k)) * dphi
                    s += pdf(SIMD3(st * cos(phi), st * sin(phi), c))
                }
            }
            expected[ti * phiBins + pj] = s / Double(k * k) * dc * dphi * Double(n)
        }
    }
    let total = expected.reduce(0, +) / Double(n)
    var chi2 = 0.0, bins = 0, pooledO = 0.0, pooledE = 0.0
    for i in expected.indices {
        if expected[i] < 5 {
            pooledO += observed[i]; pooledE += expected[i]
        } else {
            chi2 += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i]
            bins += 1
        }
    }
    if pooledE > 0 {
        // A pooled bin with negligible expectation but many observations is itself a failure signal.
        chi2 += (pooledO - pooledE) * (pooledO - pooledE) / max(pooledE, 1e-3)
        bins += 1
    }
    let dof = max(1, bins - 1)
    return ChiSquareResult(statistic: chi2, dof: dof, pValue: gammaQ(Double(dof) / 2, chi2 / 2), expectedTotal: total)
}

func uniformSphere(_ u1: Double, _ u2: Double) -> SIMD3<Double> {
    let z = 1 - 2 * u1, r = (max(0, 1 - z * z)).squareRoot(), phi = 2 * Double.pi * u2
    return SIMD3(r * cos(phi), r * sin(phi), z)
}

func randomUnit(_ rng: inout PCG32) -> SIMD3<Float> {
    let d = uniformSphere(rng.nextDouble(), rng.nextDouble())
    return SIMD3(Float(d.x), Float(d.y), Float(d.z))
}

func randomUpper(_ rng: inout PCG32) -> SIMD3<Float> {
    var d = randomUnit(&rng); d.z = abs(d.z) + 0.05
    return d / (d * d).sum().squareRoot()
}

/// Asserts |a − b| ≤ atol + rtol·max(|a|, |b|).
func assertClose<T: BinaryFloatingPoint>(_ a: T, _ b: T, rtol: T, atol: T, _ what: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
    let ok = abs(a - b) <= atol + rtol * max(abs(a), abs(b))
    XCTAssertTrue(ok, "\(what()): analytic \(a) vs numeric \(b)", file: file, line: line)
}
