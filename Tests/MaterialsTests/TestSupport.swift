import Foundation
import Dispatch
import XCTest
@testable import Materials

typealias V3 = SIMD3<Float>
typealias V2 = SIMD2<Float>

enum TestPaths {
    static var repoRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }
    static var materials: String { repoRoot + "/Assets/Materials" }
    static func material(_ name: String) -> String { materials + "/" + name }
    static var bundled: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: materials)) ?? [])
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".mtlx") }.sorted()
    }
}

/// A fresh temporary directory per test, removed afterwards.
final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "materials-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    @discardableResult func write(_ name: String, _ text: String) throws -> String {
        let full = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        return full
    }
}

func assertMaterialError<T>(_ fragments: String..., file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected a MaterialError containing \(fragments)", file: file, line: line)
    } catch let error as MaterialError {
        for f in fragments {
            XCTAssertTrue(error.description.contains(f), "\"\(error)\" does not contain \"\(f)\"", file: file, line: line)
        }
        XCTAssertFalse(error.description.contains("\n"), "one line: \(error)", file: file, line: line)
    } catch {
        XCTFail("unexpected error type \(type(of: error)): \(error)", file: file, line: line)
    }
}

func direction(thetaDegrees: Float, phiDegrees: Float = 0) -> V3 {
    let t = thetaDegrees * .pi / 180, p = phiDegrees * .pi / 180
    return V3(sin(t) * cos(p), sin(t) * sin(p), cos(t))
}

// MARK: statistics

enum Stats {
    /// Regularised upper incomplete gamma Q(a, x) (series / continued fraction).
    static func gammaQ(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        let lg = logGamma(a)
        if x < a + 1 {
            var sum = 1 / a, term = 1 / a, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(-x + a * log(x) - lg))
        }
        var b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < 1e-300 { d = 1e-300 }
            c = b + an / c
            if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-15 { break }
        }
        return exp(-x + a * log(x) - lg) * h
    }

    /// log Γ(a) for a > 0 (Lanczos, g = 7, n = 9).
    static func logGamma(_ z: Double) -> Double {
        let c: [Double] = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                           -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                           1.5056327351493116e-7]
        if z < 0.5 { return log(Double.pi / sin(Double.pi * z)) - logGamma(1 - z) }
        let x = z - 1
        var a = c[0]
        let t = x + 7.5
        for i in 1..<9 { a += c[i] / (x + Double(i)) }
        return 0.5 * log(2 * Double.pi) + (x + 0.5) * log(t) - t + log(a)
    }

    /// Šidák-corrected per-test significance for a family of `tests` at `alpha`.
    static func sidak(_ alpha: Double, tests: Int) -> Double { 1 - pow(1 - alpha, 1 / Double(max(tests, 1))) }
}

struct Chi2Result {
    var chi2: Double
    var dof: Int
    var pValue: Double
    var message: String
    var passed: Bool
}

/// χ² goodness of fit of a sampler against a pdf (pbrt/Mitsuba method): bins in
/// (cos θ, φ) over the upper hemisphere (equal solid angle), pdf integrated per
/// bin by adaptive quadrature (dω = d cos θ dφ), bins with expected < 5 pooled,
/// Pearson χ² and its p-value compared with `significance`.
enum Chi2 {
    static let cosBins = 10
    static let phiBins = 20

    static func integrate(_ pdf: (V3) -> Float, _ c0: Double, _ c1: Double, _ p0: Double, _ p1: Double) -> Double {
        func grid(_ c0: Double, _ c1: Double, _ p0: Double, _ p1: Double) -> Double {
            var s = 0.0
            let n = 2
            for i in 0..<n {
                let c = c0 + (c1 - c0) * (Double(i) + 0.5) / Double(n)
                let st = (max(0, 1 - c * c)).squareRoot()
                for j in 0..<n {
                    let p = p0 + (p1 - p0) * (Double(j) + 0.5) / Double(n)
                    s += Double(pdf(V3(Float(st * cos(p)), Float(st * sin(p)), Float(c))))
                }
            }
            return s * (c1 - c0) * (p1 - p0) / Double(n * n)
        }
        func rec(_ c0: Double, _ c1: Double, _ p0: Double, _ p1: Double, _ coarse: Double, _ depth: Int) -> Double {
            let cm = 0.5 * (c0 + c1), pm = 0.5 * (p0 + p1)
            let a = grid(c0, cm, p0, pm), b = grid(cm, c1, p0, pm), c = grid(c0, cm, pm, p1), d = grid(cm, c1, pm, p1)
            let fine = a + b + c + d
            if depth >= 6 || abs(fine - coarse) <= max(1e-2 * abs(fine), 1e-6) { return fine }
            return rec(c0, cm, p0, pm, a, depth + 1) + rec(cm, c1, p0, pm, b, depth + 1)
                + rec(c0, cm, pm, p1, c, depth + 1) + rec(cm, c1, pm, p1, d, depth + 1)
        }
        return rec(c0, c1, p0, p1, grid(c0, c1, p0, p1), 0)
    }

    static func bin(_ wo: V3) -> Int? {
        guard wo.z > 0 else { return nil }
        let ci = min(Int(Double(wo.z) * Double(cosBins)), cosBins - 1)
        var phi = atan2(Double(wo.y), Double(wo.x))
        if phi < 0 { phi += 2 * .pi }
        let pj = min(Int(phi / (2 * .pi) * Double(phiBins)), phiBins - 1)
        return ci * phiBins + pj
    }

    /// `sample(u)` returns wo or nil (failed); `pdf(wo)` the density.
    static func test(samples n: Int, seed: UInt64, significance: Double,
                     sample: (V3) -> V3?, pdf: @escaping (V3) -> Float) -> Chi2Result {
        var observed = [Double](repeating: 0, count: cosBins * phiBins)
        var rng = PCG32(seed: seed)
        for _ in 0..<n {
            let u = V3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat())
            if let wo = sample(u), let b = bin(wo) { observed[b] += 1 }
        }
        var expected = [Double](repeating: 0, count: cosBins * phiBins)
        for i in 0..<cosBins {
            for j in 0..<phiBins {
                let c0 = Double(i) / Double(cosBins), c1 = Double(i + 1) / Double(cosBins)
                let p0 = 2 * .pi * Double(j) / Double(phiBins), p1 = 2 * .pi * Double(j + 1) / Double(phiBins)
                expected[i * phiBins + j] = integrate(pdf, c0, c1, p0, p1) * Double(n)
            }
        }
        return evaluate(observed, expected, n, significance)
    }

    static func evaluate(_ observed: [Double], _ expected: [Double], _ n: Int, _ significance: Double) -> Chi2Result {
        let total = expected.reduce(0, +)
        if total > Double(n) * 1.01 + 10 {
            return Chi2Result(chi2: .infinity, dof: 0, pValue: 0, message: "pdf integrates to \(total / Double(n)) > 1", passed: false)
        }
        let order = expected.indices.sorted { expected[$0] < expected[$1] }
        var chi2 = 0.0, dof = -1
        var pooledE = 0.0, pooledO = 0.0
        for k in order {
            if expected[k] == 0 {
                // The quadrature can miss a sliver of support (tilted lobe frames):
                // such samples join the pool of small bins instead of failing outright.
                if observed[k] > 5 {
                    return Chi2Result(chi2: .infinity, dof: 0, pValue: 0,
                                      message: "\(Int(observed[k])) samples in bin \(k) of zero pdf", passed: false)
                }
                pooledO += observed[k]
                continue
            }
            if expected[k] < 5 || pooledE > 0 && pooledE < 5 {
                pooledE += expected[k]
                pooledO += observed[k]
                if pooledE >= 5 {
                    chi2 += (pooledO - pooledE) * (pooledO - pooledE) / pooledE
                    dof += 1
                    pooledE = 0; pooledO = 0
                }
                continue
            }
            chi2 += (observed[k] - expected[k]) * (observed[k] - expected[k]) / expected[k]
            dof += 1
        }
        if pooledE > 0 {
            chi2 += (pooledO - pooledE) * (pooledO - pooledE) / pooledE
            dof += 1
        }
        guard dof > 0 else {
            return Chi2Result(chi2: chi2, dof: dof, pValue: 1, message: "too few bins", passed: true)
        }
        let p = Stats.gammaQ(Double(dof) / 2, chi2 / 2)
        return Chi2Result(chi2: chi2, dof: dof, pValue: p,
                          message: String(format: "chi2 = %.1f, dof = %d, p = %.3g (threshold %.3g)", chi2, dof, p, significance),
                          passed: p >= significance)
    }

    /// χ² of a material's `sample` against its `pdf` at wi, uv.
    static func test(_ m: Material, wi: V3, uv: V2, samples: Int = 20_000, seed: UInt64, significance: Double) -> Chi2Result {
        test(samples: samples, seed: seed, significance: significance, sample: { u in
            let s = m.sample(wi: wi, uv: uv, u: u)
            return s.pdf > 0 ? s.wo : nil
        }, pdf: { wo in m.pdf(wi: wi, wo: wo, uv: uv) })
    }
}

/// Directional albedo by the sample weights and by uniform (stratified) integration.
struct FurnaceResult {
    var sampled: V3
    var sampledSigma: V3
    var uniform: V3
    var uniformSigma: V3
}

func furnace(_ m: Material, wi: V3, uv: V2, samples: Int, seed: UInt64) -> FurnaceResult {
    var rng = PCG32(seed: seed)
    var s = SIMD3<Double>(), s2 = SIMD3<Double>(), u = SIMD3<Double>(), u2 = SIMD3<Double>()
    let side = Int(Double(samples).squareRoot())
    let n = side * side
    for k in 0..<n {
        let smp = m.sample(wi: wi, uv: uv, u: V3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat()))
        let w = SIMD3<Double>(Double(smp.weight.x), Double(smp.weight.y), Double(smp.weight.z))
        s += w; s2 += w * w
        let a = (Float(k % side) + rng.nextFloat()) / Float(side), b = (Float(k / side) + rng.nextFloat()) / Float(side)
        let wo = Sampling.uniformHemisphere(V2(a, b))
        let f = m.eval(wi: wi, wo: wo, uv: uv) * (2 * .pi)
        let fd = SIMD3<Double>(Double(f.x), Double(f.y), Double(f.z))
        u += fd; u2 += fd * fd
    }
    let nd = Double(n)
    func sigma(_ sum: SIMD3<Double>, _ sq: SIMD3<Double>) -> V3 {
        let mean = sum / nd
        let v = (sq / nd - mean * mean) / nd
        return V3(Float(max(v.x, 0).squareRoot()), Float(max(v.y, 0).squareRoot()), Float(max(v.z, 0).squareRoot()))
    }
    return FurnaceResult(sampled: V3(Float(s.x / nd), Float(s.y / nd), Float(s.z / nd)), sampledSigma: sigma(s, s2),
                         uniform: V3(Float(u.x / nd), Float(u.y / nd), Float(u.z / nd)), uniformSigma: sigma(u, u2))
}

/// Runs `body` over indices in parallel (tests use both cores).
func parallelFor(_ n: Int, _ body: @Sendable (Int) -> Void) {
    DispatchQueue.concurrentPerform(iterations: n, execute: body)
}

final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
}
