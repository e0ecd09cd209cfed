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
///
/// Memory layout, for the texels a step touches at random: a texel's two
/// moments share one 64-byte-aligned record (m then v), its update count and
/// gradient slot another array, and the gradients themselves go to a small
/// per-worker buffer in touch order — three cache lines per touched texel
/// where separate m, v, t, gradient and flag arrays cost six.
struct SparseLatentAdam {
    static let beta1: Float = 0.9
    static let beta2: Float = 0.999
    static let epsilon: Float = 1e-7
    /// Per level: each texel's record of C first moments, then C second moments.
    private var moments: [AlignedFloats]
    /// Per level and texel: its update count and, during a step, its gradient slot.
    private var texels: [[TexelState]]
    private let channels: Int

    /// A texel's update count (as Float: exact below 2^24) and its slot in its
    /// worker's gradient buffer while a step runs (−1 = not touched yet).
    struct TexelState {
        var count: Float = 0
        var slot: Int32 = -1
    }

    init(shape pyramid: LatentPyramid<Float>) {
        channels = pyramid.channels
        moments = pyramid.levels.map { AlignedFloats(count: 2 * $0.values.count) }
        texels = pyramid.levels.map { [TexelState](repeating: TexelState(), count: $0.texelCount) }
    }

    /// First moments per level, texel-major like the pyramid (checkpoints, tests).
    var m: [[Float]] { moments.map { $0.deinterleaved(half: 0, channels: channels) } }
    /// Second moments per level, texel-major like the pyramid.
    var v: [[Float]] { moments.map { $0.deinterleaved(half: 1, channels: channels) } }
    /// Per-texel update counts per level.
    var t: [[Float]] { texels.map { $0.map(\.count) } }

    /// Puts back one level's state as `m`, `v` and `t` returned it (a resumed bake).
    mutating func restore(level l: Int, m: [Float], v: [Float], t: [Float]) {
        let fresh = AlignedFloats(count: 2 * m.count)
        fresh.interleave(m, half: 0, channels: channels)
        fresh.interleave(v, half: 1, channels: channels)
        moments[l] = fresh
        texels[l] = t.map { TexelState(count: $0, slot: -1) }
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
        precondition(C == channels, "latent channels changed under the optimiser")
        let W = max(1, min(workers, 64))
        let lr = Float(learningRate)
        let (b1, b2, eps) = (Self.beta1, Self.beta2, Self.epsilon)
        let offsets = UnsafeMutablePointer<SIMD4<Int>>.allocate(capacity: rows)
        let weights = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: rows)
        // Each worker's touched texels (at most 4 per row) and their gradients, in touch order.
        let lists = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * rows * W)
        let gradients = UnsafeMutablePointer<Float>.allocate(capacity: 4 * rows * W * C)
        defer { offsets.deallocate(); weights.deallocate(); lists.deallocate(); gradients.deallocate() }
        let tapsChunk = 1024
        let shared = (offsets: SendableBox(offsets), weights: SendableBox(weights), lists: SendableBox(lists),
                      gradients: SendableBox(gradients))
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
            let mv = moments[l].pointer
            pyramid.levels[l].values.withUnsafeMutableBufferPointer { pv in
            texels[l].withUnsafeMutableBufferPointer { tv in
                let ptr = (p: SendableBox(pv.baseAddress!), mv: SendableBox(mv), t: SendableBox(tv.baseAddress!))
                let l32 = Int32(l)
                parallelChunks(W, workers: W) { w in
                    let list = shared.lists.value + w * 4 * rows
                    let g = shared.gradients.value + w * 4 * rows * C
                    let ts = ptr.t.value
                    var n = 0
                    for r in 0..<rows where level[r] == l32 {
                        let o = shared.offsets.value[r], wt = shared.weights.value[r]
                        let d = dLatents + r * C
                        for k in 0..<4 {
                            let texel = o[k] / C
                            guard Self.owner(texel, workers: W) == w else { continue }
                            var slot = Int(ts[texel].slot)
                            if slot < 0 {
                                slot = n; ts[texel].slot = Int32(n); list[n] = Int32(texel); n += 1
                                for c in 0..<C { g[slot * C + c] = 0 }
                            }
                            let gk = g + slot * C, wk = wt[k]
                            for c in 0..<C { gk[c] += wk * d[c] }
                        }
                    }
                    let pp = ptr.p.value, moment = ptr.mv.value
                    for j in 0..<n {
                        let texel = Int(list[j])
                        let count = ts[texel].count + 1
                        ts[texel] = TexelState(count: count, slot: -1)
                        let bc = Self.biasCorrection(count, corrections.value)
                        let stepSize = lr / bc.x, invSqrtC2 = 1 / bc.y.squareRoot()
                        let gj = g + j * C, mm = moment + texel * 2 * C, vv = mm + C, pt = pp + texel * C
                        for c in 0..<C {
                            let gi = gj[c]
                            let mi = b1 * mm[c] + (1 - b1) * gi
                            let vi = b2 * vv[c] + (1 - b2) * gi * gi
                            mm[c] = mi; vv[c] = vi
                            pt[c] -= stepSize * mi / (vi.squareRoot() * invSqrtC2 + eps)
                        }
                    }
                }
            }}
        }
        }
    }
}

/// Zero-initialised floats at a 64-byte-aligned address (a cache line), so a
/// 16-float record never straddles two lines. A class: the optimiser's
/// state is mutated in place and never shared between two bakes.
final class AlignedFloats: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    /// Half `half` (0 or 1) of every 2·channels record, as one array.
    func deinterleaved(half: Int, channels: Int) -> [Float] {
        let texels = count / (2 * channels)
        var out = [Float](repeating: 0, count: texels * channels)
        for texel in 0..<texels {
            for c in 0..<channels { out[texel * channels + c] = pointer[texel * 2 * channels + half * channels + c] }
        }
        return out
    }

    /// Writes `values` (texel-major) into half `half` of every record.
    func interleave(_ values: [Float], half: Int, channels: Int) {
        precondition(values.count * 2 == count, "moment array of the wrong size")
        for texel in 0..<(values.count / channels) {
            for c in 0..<channels { pointer[texel * 2 * channels + half * channels + c] = values[texel * channels + c] }
        }
    }
}
