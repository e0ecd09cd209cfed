import Foundation
import XCTest
@testable import Baking
import NeuralMaterial

/// The latent optimiser's parallel step against the plain serial definition:
/// gradients scattered row by row to the four bilinear taps, then one Adam
/// update per touched texel with that texel's own step count.
final class SparseLatentAdamTests: XCTestCase {
    struct Rows {
        var level: [Int32], uv: [SIMD2<Float>], d: [Float]
    }

    func rows(_ count: Int, levels: Int, channels: Int, seed: UInt64) -> Rows {
        var rng = PCG32(seed: seed)
        var r = Rows(level: [], uv: [], d: [])
        for _ in 0..<count {
            r.level.append(Int32(min(levels - 1, Int(rng.nextFloat() * Float(levels)))))
            // Some uv outside [0, 1) and on texel edges: wrap addressing and zero weights.
            r.uv.append(SIMD2((rng.nextFloat() * 3 - 1).rounded(.down) / 8 + rng.nextFloat(), rng.nextFloat() < 0.2 ? 0.5 : rng.nextFloat()))
            for _ in 0..<channels { r.d.append(rng.nextGaussian()) }
        }
        return r
    }

    /// The serial definition, written out plainly.
    func reference(_ p: inout LatentPyramid<Float>, m: inout [[Float]], v: inout [[Float]], t: inout [[Float]],
                   rows r: Rows, learningRate: Float) {
        let C = p.channels
        var g = p.levels.map { [Float](repeating: 0, count: $0.values.count) }
        var touched: [Set<Int>] = p.levels.map { _ in [] }
        for i in r.level.indices {
            let l = Int(r.level[i])
            let taps = p.taps(level: l, uv: r.uv[i])
            for k in 0..<4 {
                touched[l].insert(taps.offsets[k] / C)
                for c in 0..<C { g[l][taps.offsets[k] + c] += taps.weights[k] * r.d[i * C + c] }
            }
        }
        let (b1, b2, eps) = (SparseLatentAdam.beta1, SparseLatentAdam.beta2, SparseLatentAdam.epsilon)
        for l in p.levels.indices {
            for texel in touched[l] {
                t[l][texel] += 1
                let n = Double(t[l][texel])
                let c1 = Float(1 - pow(Double(b1), n)), c2 = Float(1 - pow(Double(b2), n))
                let stepSize = learningRate / c1, invSqrtC2 = 1 / c2.squareRoot()
                for c in 0..<C {
                    let i = texel * C + c
                    let gi = g[l][i]
                    m[l][i] = b1 * m[l][i] + (1 - b1) * gi
                    v[l][i] = b2 * v[l][i] + (1 - b2) * gi * gi
                    p.levels[l].values[i] -= stepSize * m[l][i] / (v[l][i].squareRoot() * invSqrtC2 + eps)
                }
            }
        }
    }

    /// Any worker count gives the serial definition bit for bit, over steps
    /// that revisit texels (moments and per-texel counts carried over).
    func testParallelStepEqualsSerialDefinitionBitForBit() {
        // 3 channels: the scalar path; 8 (the shipped latent width): the vector one.
        for C in [3, 8] { checkParallelStepEqualsSerialDefinition(channels: C) }
    }

    func checkParallelStepEqualsSerialDefinition(channels C: Int) {
        let start = LatentPyramid<Float>.random(width: 8, height: 4, channels: C, seed: 11)
        var expected = start
        var em = start.levels.map { [Float](repeating: 0, count: $0.values.count) }, ev = em
        var et = start.levels.map { [Float](repeating: 0, count: $0.texelCount) }
        for workers in [1, 2, 3, 7] {
            var p = start
            var adam = SparseLatentAdam(shape: p)
            for s in 0..<3 {
                let r = rows(500, levels: p.levelCount, channels: C, seed: UInt64(40 + s))
                r.level.withUnsafeBufferPointer { lv in
                    r.uv.withUnsafeBufferPointer { uv in
                        r.d.withUnsafeBufferPointer { d in
                            adam.step(&p, rows: r.level.count, level: lv.baseAddress!, uv: uv.baseAddress!, dLatents: d.baseAddress!,
                                      learningRate: 0.01, workers: workers)
                        }
                    }
                }
                if workers == 1 { reference(&expected, m: &em, v: &ev, t: &et, rows: r, learningRate: 0.01) }
            }
            XCTAssertEqual(p, expected, "latents after 3 steps on \(workers) worker(s), \(C) channels")
            XCTAssertEqual(adam.m, em, "first moments, \(workers) worker(s)")
            XCTAssertEqual(adam.v, ev, "second moments, \(workers) worker(s)")
            XCTAssertEqual(adam.t, et, "per-texel counts, \(workers) worker(s)")
        }
        XCTAssertNotEqual(expected, start, "the steps must move the latents")
        XCTAssertTrue(et.allSatisfy { $0.contains { $0 >= 2 } }, "every level must have texels updated more than once")
    }
}
