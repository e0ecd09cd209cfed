import Foundation
import Materials
import NeuralMaterial

/// Encoder inputs: a fixed "probe" feature vector per texel and level.
///
/// `Material` exposes no raw per-texel parameters (no `rawParameters(uv)`),
/// so the encoder sees what the reference *does* at a fixed set of
/// direction pairs instead of what it is made of: log(1 + f·cos) at
/// `pairs` (mirror pairs at 0°/30°/60° along x, y and the diagonal — these
/// see normal-map tilts, anisotropy and Fresnel — plus retro and
/// off-specular pairs), log(1 + A(wi)) of the reference's directional
/// albedo at normal and 60° incidence, and the normalised level index.
/// That is 3·10 + 3·2 + 1 = 37 inputs.
///
/// Prefiltering: level 0 averages 4 stratified taps inside each texel (2×2
/// at the quarter points); level l averages the 2×2 children of level l−1 in
/// *linear* space (a box pyramid — exact prefiltering of the probe values,
/// which are linear in the BRDF), and log(1 + ·) is applied per level.
public enum ProbeFeatures {
    static func dir(_ thetaDeg: Float, _ phiDeg: Float) -> SIMD3<Float> {
        let t = thetaDeg * .pi / 180, p = phiDeg * .pi / 180
        return SIMD3(sinf(t) * cosf(p), sinf(t) * sinf(p), cosf(t))
    }

    static let pairs: [(SIMD3<Float>, SIMD3<Float>)] = [
        (dir(0, 0), dir(0, 0)),
        (dir(30, 0), dir(30, 180)), (dir(30, 90), dir(30, 270)),
        (dir(60, 0), dir(60, 180)), (dir(60, 90), dir(60, 270)), (dir(60, 45), dir(60, 225)),
        (dir(45, 0), dir(45, 0)),
        (dir(70, 0), dir(10, 180)),
        (dir(20, 0), dir(40, 180)), (dir(20, 90), dir(40, 270)),
    ]
    static let albedoDirections: [SIMD3<Float>] = [dir(0, 0), dir(60, 0)]

    public static var linearCount: Int { 3 * (pairs.count + albedoDirections.count) }
    /// Encoder input width.
    public static var count: Int { linearCount + 1 }

    /// Linear probe values at one uv (the material's inputs run once for all twelve).
    static func probe(_ m: Material, uv: SIMD2<Float>, scratch: MaterialScratch, into out: UnsafeMutablePointer<Float>) {
        m.bind(uv: uv, scratch: scratch)
        var k = 0
        for (wi, wo) in pairs {
            let f = m.evalAndPdfAtBoundPoint(wi: wi, wo: wo, scratch: scratch).value
            out[k] = f.x; out[k + 1] = f.y; out[k + 2] = f.z; k += 3
        }
        for wi in albedoDirections {
            let a = m.albedoAtBoundPoint(wi: wi, scratch: scratch)
            out[k] = a.x; out[k + 1] = a.y; out[k + 2] = a.z; k += 3
        }
        for i in 0..<linearCount where !out[i].isFinite || out[i] < 0 { out[i] = 0 }
    }

    /// The encoder-input pyramid (channels = `count`), same level shapes as the latents.
    public static func pyramid(material: Material, resolution: Int, levels: Int, workers: Int) -> LatentPyramid<Float> {
        let L = linearCount, K = count
        var lin = LatentPyramid<Float>(width: resolution, height: resolution, channels: L, levelCount: levels)
        let w0 = resolution
        lin.levels[0].values.withUnsafeMutableBufferPointer { buf in
            let base = SendableBox(buf.baseAddress!)
            parallelChunks(w0, workers: workers) { row in
                let scratch = MaterialScratch(for: material)
                var tmp = [Float](repeating: 0, count: L)
                tmp.withUnsafeMutableBufferPointer { t in
                    for col in 0..<w0 {
                        let dst = base.value + (row * w0 + col) * L
                        for i in 0..<L { dst[i] = 0 }
                        for sy in 0..<2 {
                            for sx in 0..<2 {
                                let uv = SIMD2<Float>((Float(col) + 0.25 + 0.5 * Float(sx)) / Float(w0),
                                                      (Float(row) + 0.25 + 0.5 * Float(sy)) / Float(w0))
                                probe(material, uv: uv, scratch: scratch, into: t.baseAddress!)
                                for i in 0..<L { dst[i] += 0.25 * t[i] }
                            }
                        }
                    }
                }
            }
        }
        for l in 1..<max(1, levels) {
            let src = lin.levels[l - 1], w = lin.levels[l].width, h = lin.levels[l].height
            var dst = lin.levels[l].values
            for y in 0..<h {
                for x in 0..<w {
                    let xs = [min(2 * x, src.width - 1), min(2 * x + 1, src.width - 1)]
                    let ys = [min(2 * y, src.height - 1), min(2 * y + 1, src.height - 1)]
                    for i in 0..<L {
                        var s: Float = 0
                        for yy in ys { for xx in xs { s += src.values[(yy * src.width + xx) * L + i] } }
                        dst[(y * w + x) * L + i] = 0.25 * s
                    }
                }
            }
            lin.levels[l].values = dst
        }
        let denom = Float(max(1, levels - 1))
        return LatentPyramid(levels: lin.levels.enumerated().map { (l, lv) in
            var v = [Float](repeating: 0, count: lv.texelCount * K)
            for t in 0..<lv.texelCount {
                for i in 0..<L { v[t * K + i] = logf(1 + lv.values[t * L + i]) }
                v[t * K + L] = Float(l) / denom
            }
            return LatentLevel(width: lv.width, height: lv.height, channels: K, values: v)
        })
    }
}

/// The per-texel encoder MLP: probe features (K) → hidden (ReLU) → latent (C).
///
/// Flat parameters like `DecoderParameters`: `layer i` weight [out×in] then
/// bias, in order. Training passes are per shard (fixed partition), the shard
/// gradients are summed in shard order.
public struct EncoderNetwork: Sendable, Equatable {
    public let inputs: Int
    public let hidden: [Int]
    public let outputs: Int
    public var values: [Float]
    public let layers: [DenseLayerShape]
    public let weightOffsets: [Int]
    public let biasOffsets: [Int]

    public init(inputs: Int, hidden: [Int], outputs: Int, seed: UInt64) {
        self.inputs = inputs; self.hidden = hidden; self.outputs = outputs
        let widths = [inputs] + hidden + [outputs]
        var ls: [DenseLayerShape] = [], wo: [Int] = [], bo: [Int] = []
        var off = 0
        for i in 0..<(widths.count - 1) {
            let l = DenseLayerShape(inputs: widths[i], outputs: widths[i + 1], hasBias: true)
            ls.append(l); wo.append(off); off += l.weightCount; bo.append(off); off += l.outputs
        }
        layers = ls; weightOffsets = wo; biasOffsets = bo
        var v = [Float](repeating: 0, count: off)
        var rng = PCG32(seed: seed, stream: 0x656e_636f_6465)
        for (i, l) in ls.enumerated() {
            let he = (2 / Float(l.inputs)).squareRoot()
            let std = i == ls.count - 1 ? 0.5 * he : he
            for k in 0..<l.weightCount { v[wo[i] + k] = std * rng.nextGaussian() }
        }
        values = v
    }

    public var count: Int { values.count }
    var widest: Int { max(inputs, outputs, hidden.max() ?? 0) }
}

/// Forward with saved activations and backward for one shard.
final class EncoderPass: @unchecked Sendable {
    let net: EncoderNetwork
    let maxRows: Int
    private var rows = 0
    private var wT: [[Float]]
    private let acts: [UnsafeMutablePointer<Float>]   // post-activation of every layer (last = output)
    private let gA: UnsafeMutablePointer<Float>
    private let gB: UnsafeMutablePointer<Float>
    private var input: UnsafePointer<Float>?

    init(net: EncoderNetwork, maxRows: Int) {
        self.net = net
        self.maxRows = maxRows
        wT = net.layers.map { [Float](repeating: 0, count: $0.weightCount) }
        acts = net.layers.map { UnsafeMutablePointer<Float>.allocate(capacity: maxRows * $0.outputs) }
        gA = .allocate(capacity: maxRows * net.widest)
        gB = .allocate(capacity: maxRows * net.widest)
    }

    deinit { acts.forEach { $0.deallocate() }; gA.deallocate(); gB.deallocate() }

    var output: UnsafeMutablePointer<Float> { acts[acts.count - 1] }

    /// Runs the MLP on `rows` inputs [rows × K]; the result is `output` [rows × C].
    func forward(values v: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int) {
        precondition(rows <= maxRows)
        self.rows = rows
        input = x
        for (i, l) in net.layers.enumerated() {
            wT[i].withUnsafeMutableBufferPointer { MatrixKernels.transpose(v + net.weightOffsets[i], rows: l.outputs, cols: l.inputs, into: $0.baseAddress!) }
        }
        var cur = x
        for (i, l) in net.layers.enumerated() {
            wT[i].withUnsafeBufferPointer {
                MatrixKernels.linearForward(x: cur, rows: rows, inputs: l.inputs, wT: $0.baseAddress!, bias: v + net.biasOffsets[i],
                                            outputs: l.outputs, y: acts[i], relu: i < net.layers.count - 1)
            }
            cur = UnsafePointer(acts[i])
        }
    }

    /// Accumulates parameter gradients from dL/doutput [rows × C].
    func backward(values v: UnsafePointer<Float>, dOutput: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        guard let input else { return }
        let last = net.layers.count - 1
        var dCur = gA, dNext = gB
        dCur.update(from: dOutput, count: rows * net.outputs)
        for i in stride(from: last, through: 0, by: -1) {
            let l = net.layers[i]
            let xIn: UnsafePointer<Float> = i == 0 ? input : UnsafePointer(acts[i - 1])
            MatrixKernels.linearBackwardWeights(dY: dCur, x: xIn, rows: rows, inputs: l.inputs, outputs: l.outputs,
                                                dW: g + net.weightOffsets[i], dB: g + net.biasOffsets[i])
            if i > 0 {
                MatrixKernels.linearBackwardInput(dY: dCur, rows: rows, outputs: l.outputs, w: v + net.weightOffsets[i], inputs: l.inputs, dX: dNext)
                MatrixKernels.reluBackward(y: acts[i - 1], dY: dNext, count: rows * l.inputs)
                swap(&dCur, &dNext)
            }
        }
    }
}

/// Sharded encoder training: shard s = rows [s·⌈B/S⌉, …), one pass and one
/// gradient buffer per shard, gradients summed in shard order. The shards,
/// not the threads that run them, fix the result's bits.
final class EncoderTrainer: @unchecked Sendable {
    let shards: Int
    /// Threads that run the shards (≤ shards).
    let workers: Int
    let maxBatch: Int
    private var passes: [EncoderPass]
    private let grads: [UnsafeMutablePointer<Float>]
    let count: Int

    init(net: EncoderNetwork, maxBatch: Int, shards: Int, workers: Int? = nil) {
        self.shards = max(1, shards)
        self.workers = max(1, min(workers ?? shards, self.shards))
        self.maxBatch = maxBatch
        let per = (maxBatch + self.shards - 1) / self.shards
        passes = (0..<self.shards).map { _ in EncoderPass(net: net, maxRows: per) }
        count = net.count
        grads = (0..<self.shards).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: net.count)
            p.initialize(repeating: 0, count: net.count)
            return p
        }
    }

    deinit { grads.forEach { $0.deallocate() } }

    private func range(_ s: Int, rows: Int) -> Range<Int> {
        let per = (rows + shards - 1) / shards
        let lo = min(rows, s * per)
        return lo..<min(rows, lo + per)
    }

    /// latents[rows × C] = encoder(features[rows × K]).
    func forward(net: EncoderNetwork, features: UnsafePointer<Float>, rows: Int, latents: UnsafeMutablePointer<Float>) {
        let K = net.inputs, C = net.outputs
        net.values.withUnsafeBufferPointer { vb in
            let v = SendableBox(vb.baseAddress!)
            parallelChunks(shards, workers: workers) { s in
                let r = range(s, rows: rows)
                guard !r.isEmpty else { return }
                passes[s].forward(values: v.value, x: features + r.lowerBound * K, rows: r.count)
                (latents + r.lowerBound * C).update(from: passes[s].output, count: r.count * C)
            }
        }
    }

    /// gradients = Σ_shards dL/dθ (fixed order), after `forward` with the same rows.
    func backward(net: EncoderNetwork, dLatents: UnsafePointer<Float>, rows: Int, gradients: UnsafeMutablePointer<Float>) {
        let C = net.outputs
        net.values.withUnsafeBufferPointer { vb in
            let v = SendableBox(vb.baseAddress!)
            parallelChunks(shards, workers: workers) { s in
                let g = grads[s]
                for i in 0..<count { g[i] = 0 }
                let r = range(s, rows: rows)
                guard !r.isEmpty else { return }
                passes[s].backward(values: v.value, dOutput: dLatents + r.lowerBound * C, gradients: g)
            }
        }
        for i in 0..<count { gradients[i] = 0 }
        for s in 0..<shards {
            let g = grads[s]
            for i in 0..<count { gradients[i] += g[i] }
        }
    }

    /// Runs the encoder over every texel of every level of `features`.
    static func bake(net: EncoderNetwork, features: LatentPyramid<Float>, workers: Int) -> LatentPyramid<Float> {
        let C = net.outputs, K = net.inputs
        let chunk = 1024
        var out = LatentPyramid<Float>(levels: features.levels.map { LatentLevel(width: $0.width, height: $0.height, channels: C) })
        let passes = (0..<max(1, workers)).map { _ in EncoderPass(net: net, maxRows: chunk) }
        for l in 0..<features.levelCount {
            let n = features.levels[l].texelCount
            let chunks = (n + chunk - 1) / chunk
            features.levels[l].values.withUnsafeBufferPointer { fb in
                out.levels[l].values.withUnsafeMutableBufferPointer { ob in
                    net.values.withUnsafeBufferPointer { vb in
                        let ptrs = SendableBox((fb.baseAddress!, ob.baseAddress!, vb.baseAddress!))
                        let w = max(1, workers)
                        // Worker t handles chunks t, t+w, … with its own pass (outputs only depend on the texel).
                        parallelChunks(w, workers: w) { t in
                            var c = t
                            while c < chunks {
                                let lo = c * chunk, rows = min(chunk, n - lo)
                                passes[t].forward(values: ptrs.value.2, x: ptrs.value.0 + lo * K, rows: rows)
                                (ptrs.value.1 + lo * C).update(from: passes[t].output, count: rows * C)
                                c += w
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
