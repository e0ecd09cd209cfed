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
/// `step` runs on all workers yet gives the single-threaded result bit for
/// bit: every texel belongs to one worker (blocks of 16 texels dealt round
/// robin), each worker walks all rows in row order and adds only the taps it
/// owns, so every texel's gradient sum has the same order whatever the
/// thread count; texels are then updated independently of each other.
struct SparseLatentAdam {
    static let beta1: Float = 0.9
    static let beta2: Float = 0.999
    static let epsilon: Float = 1e-7
    var m: [[Float]]
    var v: [[Float]]
    /// Per-texel update counts (as Float: exact below 2^24).
    var t: [[Float]]
    private var grad: [[Float]]
    private var touched: [[Bool]]

    init(shape pyramid: LatentPyramid<Float>) {
        m = pyramid.levels.map { [Float](repeating: 0, count: $0.values.count) }
        v = m
        t = pyramid.levels.map { [Float](repeating: 0, count: $0.texelCount) }
        grad = m
        touched = pyramid.levels.map { [Bool](repeating: false, count: $0.texelCount) }
    }

    /// Bias corrections (1 − β₁ⁿ, 1 − β₂ⁿ) for a texel's n-th update, as the
    /// update has always computed them (in Double, rounded to Float); a table
    /// because `pow` twice per touched texel cost more than the update itself.
    private static let biasCorrections: [SIMD2<Float>] = (0..<biasTableSize).map { exactBiasCorrection(Float($0)) }
    private static let biasTableSize = 1 << 16

    private static func exactBiasCorrection(_ n: Float) -> SIMD2<Float> {
        SIMD2(Float(1 - pow(Double(beta1), Double(n))), Float(1 - pow(Double(beta2), Double(n))))
    }

    @inline(__always) private static func biasCorrection(_ n: Float, _ table: UnsafePointer<SIMD2<Float>>) -> SIMD2<Float> {
        let i = Int(n)
        return i < biasTableSize ? table[i] : exactBiasCorrection(n)
    }

    /// Texel blocks dealt round robin: neighbouring rows' taps spread over the
    /// workers while each worker's texels stay in cache-line-sized runs.
    @inline(__always) private static func owner(_ texel: Int, workers: Int) -> Int { (texel >> 4) % workers }

    /// Scatters the rows' latent gradients (weight_k · dLatent to the four
    /// texels of each row's bilinear fetch) and updates every touched texel.
    mutating func step(_ pyramid: inout LatentPyramid<Float>, rows: Int, level: UnsafePointer<Int32>, uv: UnsafePointer<SIMD2<Float>>,
                       dLatents: UnsafePointer<Float>, learningRate: Double, workers: Int) {
        guard rows > 0 else { return }
        let C = pyramid.channels
        let W = max(1, min(workers, 64))
        let lr = Float(learningRate)
        let (b1, b2, eps) = (Self.beta1, Self.beta2, Self.epsilon)
        let offsets = UnsafeMutablePointer<SIMD4<Int>>.allocate(capacity: rows)
        let weights = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: rows)
        // Each worker's list of the texels it touched (at most 4 per row).
        let lists = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * rows * W)
        defer { offsets.deallocate(); weights.deallocate(); lists.deallocate() }
        let tapsChunk = 1024
        let shared = (offsets: SendableBox(offsets), weights: SendableBox(weights), lists: SendableBox(lists))
        let p = pyramid
        parallelChunks((rows + tapsChunk - 1) / tapsChunk, workers: W) { c in
            for r in (c * tapsChunk)..<min(rows, (c + 1) * tapsChunk) {
                let tp = p.taps(level: Int(level[r]), uv: uv[r])
                shared.offsets.value[r] = tp.offsets
                shared.weights.value[r] = tp.weights
            }
        }
        Self.biasCorrections.withUnsafeBufferPointer { table in
        let corrections = SendableBox(table.baseAddress!)
        for l in 0..<pyramid.levelCount {
            pyramid.levels[l].values.withUnsafeMutableBufferPointer { pv in
            m[l].withUnsafeMutableBufferPointer { mv in
            v[l].withUnsafeMutableBufferPointer { vv in
            t[l].withUnsafeMutableBufferPointer { tv in
            grad[l].withUnsafeMutableBufferPointer { gv in
            touched[l].withUnsafeMutableBufferPointer { hv in
                let ptr = (p: SendableBox(pv.baseAddress!), m: SendableBox(mv.baseAddress!), v: SendableBox(vv.baseAddress!),
                           t: SendableBox(tv.baseAddress!), g: SendableBox(gv.baseAddress!), h: SendableBox(hv.baseAddress!))
                let l32 = Int32(l)
                parallelChunks(W, workers: W) { w in
                    let list = shared.lists.value + w * 4 * rows
                    var n = 0
                    let g = ptr.g.value, h = ptr.h.value
                    for r in 0..<rows where level[r] == l32 {
                        let o = shared.offsets.value[r], wt = shared.weights.value[r]
                        let d = dLatents + r * C
                        for k in 0..<4 {
                            let texel = o[k] / C
                            guard Self.owner(texel, workers: W) == w else { continue }
                            if !h[texel] { h[texel] = true; list[n] = Int32(texel); n += 1 }
                            let gk = g + o[k], wk = wt[k]
                            for c in 0..<C { gk[c] += wk * d[c] }
                        }
                    }
                    let pp = ptr.p.value, mm = ptr.m.value, vv = ptr.v.value, tt = ptr.t.value
                    for j in 0..<n {
                        let texel = Int(list[j])
                        let count = tt[texel] + 1
                        tt[texel] = count
                        let bc = Self.biasCorrection(count, corrections.value)
                        let stepSize = lr / bc.x, invSqrtC2 = 1 / bc.y.squareRoot()
                        for c in 0..<C {
                            let i = texel * C + c
                            let gi = g[i]
                            let mi = b1 * mm[i] + (1 - b1) * gi
                            let vi = b2 * vv[i] + (1 - b2) * gi * gi
                            mm[i] = mi; vv[i] = vi
                            pp[i] -= stepSize * mi / (vi.squareRoot() * invSqrtC2 + eps)
                            g[i] = 0
                        }
                        h[texel] = false
                    }
                }
            }}}}}}
        }
        }
    }
}
