import CTrainingKernels
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

    /// How far ahead the two passes prefetch (rows while scattering, texels
    /// while updating): at 512² × 8 channels every array of a level is
    /// megabytes and nearly every texel a cache miss — the profile's hottest
    /// instructions in this type were its loads. Hints only: same bits.
    private static let prefetchRows = 8
    private static let prefetchTexels = 8

    /// Texel blocks dealt round robin: neighbouring rows' taps spread over the
    /// workers while each worker's texels stay in cache-line-sized runs.
    /// Which worker owns a texel does not change a bit of the result (every
    /// texel is summed by one worker in row order), only who does the work.
    private struct Ownership {
        let workers: Int
        /// log2(channels) when the channel count is a power of two: element
        /// offset → texel without a division per tap.
        let channelShift: Int?
        let channels: Int

        init(workers: Int, channels: Int) {
            self.workers = workers
            self.channels = channels
            channelShift = channels.nonzeroBitCount == 1 ? channels.trailingZeroBitCount : nil
        }

        @inline(__always) func texel(_ offset: Int) -> Int {
            if let channelShift { return offset >> channelShift }
            return offset / channels
        }

        @inline(__always) func owner(_ texel: Int) -> Int {
            let block = texel >> 4
            return workers & (workers - 1) == 0 ? block & (workers - 1) : block % workers
        }
    }

    /// Scatters the rows' latent gradients (weight_k · dLatent to the four
    /// texels of each row's bilinear fetch) and updates every touched texel.
    ///
    /// One parallel pass over all levels: each worker walks the rows once,
    /// adds the taps it owns and then updates its touched texels (a pass per
    /// level cost ten more barriers per step for a few dozen rows each).
    mutating func step(_ pyramid: inout LatentPyramid<Float>, rows: Int, level: UnsafePointer<Int32>, uv: UnsafePointer<SIMD2<Float>>,
                       dLatents: UnsafePointer<Float>, learningRate: Double, workers: Int) {
        guard rows > 0 else { return }
        let C = pyramid.channels
        let W = max(1, min(workers, 64))
        let lr = Float(learningRate)
        let offsets = UnsafeMutablePointer<SIMD4<Int>>.allocate(capacity: rows)
        let weights = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: rows)
        // Each worker's list of the texels it touched (at most 4 per row), with their levels.
        let lists = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * rows * W)
        let listLevels = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * rows * W)
        defer { offsets.deallocate(); weights.deallocate(); lists.deallocate(); listLevels.deallocate() }
        let tapsChunk = 1024
        let shared = (offsets: SendableBox(offsets), weights: SendableBox(weights),
                      lists: SendableBox(lists), listLevels: SendableBox(listLevels))
        let p = pyramid
        parallelChunks((rows + tapsChunk - 1) / tapsChunk, workers: W) { c in
            for r in (c * tapsChunk)..<min(rows, (c + 1) * tapsChunk) {
                let tp = p.taps(level: Int(level[r]), uv: uv[r])
                shared.offsets.value[r] = tp.offsets
                shared.weights.value[r] = tp.weights
            }
        }
        let own = Ownership(workers: W, channels: C)
        Self.biasCorrections.withUnsafeBufferPointer { table in
        let corrections = SendableBox(table.baseAddress!)
        pyramid.levels.withUnsafeMutableBufferPointer { lv in
        withLevelPointers(lv, \.values) { pp in
        withLevelPointers(&m) { mp in
        withLevelPointers(&v) { vp in
        withLevelPointers(&t) { tp in
        withLevelPointers(&grad) { gp in
        withLevelPointers(&touched) { hp in
            let ptr = SendableBox((p: pp, m: mp, v: vp, t: tp, g: gp, h: hp))
            parallelChunks(W, workers: W) { w in
                let (pp, mm, vv, tt, gg, hh) = ptr.value
                let list = shared.lists.value + w * 4 * rows, listLevel = shared.listLevels.value + w * 4 * rows
                var n = 0
                for r in 0..<rows {
                    if r + Self.prefetchRows < rows {
                        let ahead = r + Self.prefetchRows, la = Int(level[ahead]), oa = shared.offsets.value[ahead]
                        for k in 0..<4 {
                            let texel = own.texel(oa[k])
                            guard own.owner(texel) == w else { continue }
                            lq_prefetch_write(gg[la] + oa[k])
                            lq_prefetch_read(hh[la] + texel)
                        }
                    }
                    let l = Int(level[r])
                    let g = gg[l], h = hh[l]
                    let o = shared.offsets.value[r], wt = shared.weights.value[r]
                    let d = dLatents + r * C
                    for k in 0..<4 {
                        let texel = own.texel(o[k])
                        guard own.owner(texel) == w else { continue }
                        if !h[texel] { h[texel] = true; list[n] = Int32(texel); listLevel[n] = Int32(l); n += 1 }
                        Self.accumulate(g + o[k], wt[k], d, C)
                    }
                }
                for j in 0..<n {
                    if j + Self.prefetchTexels < n {
                        let la = Int(listLevel[j + Self.prefetchTexels]), ta = Int(list[j + Self.prefetchTexels]), ea = ta * C
                        lq_prefetch_write(tt[la] + ta)
                        lq_prefetch_write(pp[la] + ea)
                        lq_prefetch_write(mm[la] + ea)
                        lq_prefetch_write(vv[la] + ea)
                    }
                    let l = Int(listLevel[j]), texel = Int(list[j])
                    let count = tt[l][texel] + 1
                    tt[l][texel] = count
                    let bc = Self.biasCorrection(count, corrections.value)
                    let e = texel * C
                    Self.update(pp[l] + e, mm[l] + e, vv[l] + e, gg[l] + e, C, stepSize: lr / bc.x, invSqrtC2: 1 / bc.y.squareRoot())
                    hh[l][texel] = false
                }
            }
        }}}}}}}
        }
    }

    /// g[c] += w · d[c]; eight channels (the shipped latent width) as one vector.
    @inline(__always) private static func accumulate(_ g: UnsafeMutablePointer<Float>, _ w: Float, _ d: UnsafePointer<Float>, _ C: Int) {
        if C == 8 {
            let gv = UnsafeRawPointer(g).loadUnaligned(as: SIMD8<Float>.self)
            let dv = UnsafeRawPointer(d).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(g).storeBytes(of: gv + w * dv, as: SIMD8<Float>.self)
            return
        }
        for c in 0..<C { g[c] += w * d[c] }
    }

    /// One texel's Adam update, its gradient cleared; the same operations per
    /// channel in the vector and the scalar form (no fused multiply-adds), so
    /// both give the same bits.
    @inline(__always) private static func update(_ p: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                                                 _ v: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ C: Int,
                                                 stepSize: Float, invSqrtC2: Float) {
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        if C == 8 {
            typealias V = SIMD8<Float>
            let gi = UnsafeRawPointer(g).loadUnaligned(as: V.self)
            let mi = b1 * UnsafeRawPointer(m).loadUnaligned(as: V.self) + (1 - b1) * gi
            let vi = b2 * UnsafeRawPointer(v).loadUnaligned(as: V.self) + (1 - b2) * gi * gi
            UnsafeMutableRawPointer(m).storeBytes(of: mi, as: V.self)
            UnsafeMutableRawPointer(v).storeBytes(of: vi, as: V.self)
            let pi = UnsafeRawPointer(p).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(p).storeBytes(of: pi - stepSize * mi / (vi.squareRoot() * invSqrtC2 + eps), as: V.self)
            UnsafeMutableRawPointer(g).storeBytes(of: V(repeating: 0), as: V.self)
            return
        }
        for c in 0..<C {
            let gi = g[c]
            let mi = b1 * m[c] + (1 - b1) * gi
            let vi = b2 * v[c] + (1 - b2) * gi * gi
            m[c] = mi; v[c] = vi
            p[c] -= stepSize * mi / (vi.squareRoot() * invSqrtC2 + eps)
            g[c] = 0
        }
    }
}

/// Calls `body` with the base address of every inner array, all valid at
/// once: nested `withUnsafeMutableBufferPointer` calls reached through the
/// outer array's storage (one element each, so no two accesses overlap).
private func withLevelPointers<Element, R>(_ arrays: inout [[Element]], _ body: ([UnsafeMutablePointer<Element>]) -> R) -> R {
    arrays.withUnsafeMutableBufferPointer { outer in withLevelPointers(outer, \.self, body) }
}

/// The same for the arrays at `path` inside each element of `outer`.
private func withLevelPointers<Level, Element, R>(_ outer: UnsafeMutableBufferPointer<Level>, _ path: WritableKeyPath<Level, [Element]>,
                                                  _ body: ([UnsafeMutablePointer<Element>]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<Element>] = []
    pointers.reserveCapacity(outer.count)
    func nest(_ i: Int) -> R {
        if i == outer.count { return body(pointers) }
        return outer[i][keyPath: path].withUnsafeMutableBufferPointer { b in
            pointers.append(b.baseAddress!)
            return nest(i + 1)
        }
    }
    return nest(0)
}
