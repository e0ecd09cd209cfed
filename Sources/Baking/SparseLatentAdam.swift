import Foundation
import NeuralMaterial

/// Adam over the latent pyramid with **sparse, per-texel** updates.
///
/// A step only touches the texels its samples fetched (4 per row). Those get
/// an Adam update with their *own* step count t_texel (bias correction
/// 1 − β^t_texel); untouched texels keep their moments unchanged (no decay),
/// which is PyTorch's "SparseAdam" behaviour except for the per-texel t.
/// Reason: a 512² level sees each texel only every few dozen steps, and a
/// dense update would decay its moments towards zero in between and then
/// take full-size steps from stale momentum.
///
/// The gradient is scattered row by row in row order (single thread: ≤ 4·B
/// texel adds per step, negligible) so the sums are order-deterministic.
struct SparseLatentAdam {
    let beta1: Float = 0.9
    let beta2: Float = 0.999
    let epsilon: Float = 1e-7
    var m: [[Float]]
    var v: [[Float]]
    /// Per-texel update counts (as Float: exact below 2^24).
    var t: [[Float]]
    private var grad: [[Float]]
    private var touched: [[Bool]]
    private var list: [(Int32, Int32)] = []

    init(shape pyramid: LatentPyramid<Float>) {
        m = pyramid.levels.map { [Float](repeating: 0, count: $0.values.count) }
        v = m
        t = pyramid.levels.map { [Float](repeating: 0, count: $0.texelCount) }
        grad = m
        touched = pyramid.levels.map { [Bool](repeating: false, count: $0.texelCount) }
        list.reserveCapacity(1 << 16)
    }

    /// Adds weight_k · dLatent to the four texels of the bilinear fetch.
    mutating func scatter(_ pyramid: LatentPyramid<Float>, level: Int, uv: SIMD2<Float>, dLatent: UnsafePointer<Float>) {
        let taps = pyramid.taps(level: level, uv: uv)
        let C = pyramid.channels
        grad[level].withUnsafeMutableBufferPointer { g in
            for k in 0..<4 {
                let o = taps.offsets[k], w = taps.weights[k]
                let texel = o / C
                if !touched[level][texel] {
                    touched[level][texel] = true
                    list.append((Int32(level), Int32(texel)))
                }
                for c in 0..<C { g[o + c] += w * dLatent[c] }
            }
        }
    }

    /// Updates every touched texel, then clears the gradient.
    mutating func update(_ pyramid: inout LatentPyramid<Float>, learningRate: Double) {
        let C = pyramid.channels
        let lr = Float(learningRate)
        for (l32, t32) in list {
            let l = Int(l32), texel = Int(t32)
            let n = t[l][texel] + 1
            t[l][texel] = n
            let c1 = Float(1 - pow(Double(beta1), Double(n)))
            let c2 = Float(1 - pow(Double(beta2), Double(n)))
            let stepSize = lr / c1, invSqrtC2 = 1 / c2.squareRoot()
            pyramid.levels[l].values.withUnsafeMutableBufferPointer { p in
                m[l].withUnsafeMutableBufferPointer { mm in
                    v[l].withUnsafeMutableBufferPointer { vv in
                        grad[l].withUnsafeMutableBufferPointer { g in
                            for c in 0..<C {
                                let i = texel * C + c
                                let gi = g[i]
                                let mi = beta1 * mm[i] + (1 - beta1) * gi
                                let vi = beta2 * vv[i] + (1 - beta2) * gi * gi
                                mm[i] = mi; vv[i] = vi
                                p[i] -= stepSize * mi / (vi.squareRoot() * invSqrtC2 + epsilon)
                                g[i] = 0
                            }
                        }
                    }
                }
            }
            touched[l][texel] = false
        }
        list.removeAll(keepingCapacity: true)
    }
}
