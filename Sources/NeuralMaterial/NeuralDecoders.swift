import Dispatch

/// Result of `NeuralDecoders.sample`.
public struct NeuralSample: Equatable, Sendable {
    /// Sampled direction in the shading frame.
    public var wo: SIMD3<Float>
    /// Mixture pdf per solid angle.
    public var pdf: Float
    /// Decoded f·|cos θo| for (wi, wo) — the renderer's throughput is value/pdf.
    public var value: SIMD3<Float>
}

/// CPU inference of the BRDF and sampling decoders.
///
/// Two paths with one set of weights:
///  - **scalar reference** (`…Scalar`): one shading point, plain loops in
///    exactly the order of the GLSL "divergent" path. This is the oracle the
///    GPU decoders are compared against and the path the batched code is
///    tested against.
///  - **batched** (`evalBRDF`, `samplerParameters`, `pdf`, `sample` on arrays):
///    rows are cut into chunks of `chunkRows` (256), each chunk is a sequence
///    of small GEMMs (`MatrixKernels`) over per-worker scratch, and chunks are
///    spread over cores with `DispatchQueue.concurrentPerform`. Scratch is
///    allocated once per worker per call, never per sample.
///
/// By default the weights are rounded through fp16 first (`halfPrecisionWeights`),
/// matching what a `.nmat` stores and what the GPU evaluates.
public final class NeuralDecoders: @unchecked Sendable {
    public let architecture: NeuralArchitecture
    /// The (possibly fp16-rounded) parameters used by both paths.
    public let parameters: DecoderParameters
    public var chunkRows = 256
    /// Upper bound on worker threads (defaults to the active processor count).
    public var maxWorkers: Int

    /// Pre-transposed weights ([in×out]) for the batched kernels.
    private let frameWT: [Float]
    private let brdfWT: [[Float]]
    private let samplerWT: [[Float]]

    public init(parameters: DecoderParameters, halfPrecisionWeights: Bool = true, maxWorkers: Int? = nil) {
        let p = halfPrecisionWeights ? parameters.roundedToHalf() : parameters
        self.parameters = p
        architecture = p.architecture
        self.maxWorkers = max(1, maxWorkers ?? ProcessInfoCompat.activeProcessorCount)
        func transposed(_ offset: Int, _ l: DenseLayerShape) -> [Float] {
            var t = [Float](repeating: 0, count: l.weightCount)
            p.values.withUnsafeBufferPointer { v in
                t.withUnsafeMutableBufferPointer { MatrixKernels.transpose(v.baseAddress! + offset, rows: l.outputs, cols: l.inputs, into: $0.baseAddress!) }
            }
            return t
        }
        frameWT = transposed(p.frameWeightOffset, architecture.frameLayer)
        brdfWT = architecture.brdfLayers.enumerated().map { transposed(p.brdfWeightOffsets[$0.offset], $0.element) }
        samplerWT = architecture.samplerLayers.enumerated().map { transposed(p.samplerWeightOffsets[$0.offset], $0.element) }
    }

    // MARK: - Scalar reference path

    /// y = W·x + b for one row (W row-major [out×in] at `w` in the flat array).
    private func denseScalar(weightOffset w: Int, biasOffset b: Int?, _ l: DenseLayerShape, _ x: [Float], activation: HiddenActivation?) -> [Float] {
        let v = parameters.values
        var y = [Float](repeating: 0, count: l.outputs)
        for o in 0..<l.outputs {
            var s: Float = b.map { v[$0 + o] } ?? 0
            for i in 0..<l.inputs { s += v[w + o * l.inputs + i] * x[i] }
            y[o] = activation.map { $0(s) } ?? s
        }
        return y
    }

    private func frameRawScalar(latent: [Float]) -> [Float] {
        denseScalar(weightOffset: parameters.frameWeightOffset, biasOffset: nil, architecture.frameLayer, latent, activation: nil)
    }

    /// f(wi, wo)·|cos θo| (RGB) for one latent; wi, wo in the shading frame.
    public func evalBRDFScalar(latent: [Float], wi: SIMD3<Float>, wo: SIMD3<Float>) -> SIMD3<Float> {
        precondition(latent.count == architecture.latentChannels)
        let raw = frameRawScalar(latent: latent)
        var x = [Float](repeating: 0, count: architecture.frameFeatures)
        raw.withUnsafeBufferPointer { r in
            x.withUnsafeMutableBufferPointer {
                FrameLayer.features(raw: r.baseAddress!, wi: wi, wo: wo, inputs: architecture.frameInputs, into: $0.baseAddress!)
            }
        }
        x += latent
        let layers = architecture.brdfLayers
        for (i, l) in layers.enumerated() {
            x = denseScalar(weightOffset: parameters.brdfWeightOffsets[i], biasOffset: parameters.brdfBiasOffsets[i], l, x,
                            activation: i < layers.count - 1 ? architecture.brdfActivation : nil)
        }
        let off = architecture.outputOffset
        return SIMD3(expf(x[0] - off), expf(x[1] - off), expf(x[2] - off))
    }

    /// Learned frame 1 and the decoded mixture for one latent and wi (shading frame).
    public func samplerScalar(latent: [Float], wi: SIMD3<Float>) -> NeuralSampler<Float> {
        precondition(latent.count == architecture.latentChannels)
        let frame = FrameLayer.frame(raw: frameRawScalar(latent: latent), index: 0)
        let wl = frame.toLocal(wi)
        var x = latent + [wl.x, wl.y, wl.z]
        let layers = architecture.samplerLayers
        for (i, l) in layers.enumerated() {
            x = denseScalar(weightOffset: parameters.samplerWeightOffsets[i], biasOffset: parameters.samplerBiasOffsets[i], l, x,
                            activation: i < layers.count - 1 ? .relu : nil)
        }
        return NeuralSampler(frame: frame, distribution: MixtureDistribution(SamplerWarps.forward(x)))
    }

    public func pdfScalar(latent: [Float], wi: SIMD3<Float>, wo: SIMD3<Float>) -> Float {
        samplerScalar(latent: latent, wi: wi).pdf(wi: wi, wo: wo)
    }

    public func sampleScalar(latent: [Float], wi: SIMD3<Float>, u: SIMD3<Float>) -> NeuralSample {
        let s = samplerScalar(latent: latent, wi: wi).sample(wi: wi, u: u)
        return NeuralSample(wo: s.wo, pdf: s.pdf, value: evalBRDFScalar(latent: latent, wi: wi, wo: s.wo))
    }

    // MARK: - Batched path

    /// Per-worker scratch for one chunk.
    private struct Scratch {
        var raw: UnsafeMutablePointer<Float>
        var a: UnsafeMutablePointer<Float>
        var b: UnsafeMutablePointer<Float>
        let storage: UnsafeMutablePointer<Float>
        init(rows: Int, width: Int) {
            storage = .allocate(capacity: rows * (12 + 2 * width))
            raw = storage
            a = storage + rows * 12
            b = a + rows * width
        }
        func free() { storage.deallocate() }
    }

    private var scratchWidth: Int {
        max(architecture.brdfInputs, architecture.samplerInputs, architecture.brdfHidden.max() ?? 0, architecture.samplerHidden.max() ?? 0, 12)
    }

    /// Runs `body(worker, chunkStart, chunkRows, scratch)` over all chunks on up to `maxWorkers` threads.
    private func forEachChunk(rows: Int, _ body: (Int, Int, Scratch) -> Void) {
        let chunk = max(1, chunkRows)
        let chunks = (rows + chunk - 1) / chunk
        guard chunks > 0 else { return }
        let workers = min(maxWorkers, chunks)
        let width = scratchWidth
        parallelFor(workers: workers) { w in
            let s = Scratch(rows: chunk, width: width)
            var c = w
            while c < chunks {
                body(c * chunk, min(chunk, rows - c * chunk), s)
                c += workers
            }
            s.free()
        }
    }

    /// Batched inference stays on the portable kernels: it is the CPU oracle
    /// that GPU and scalar-path tests compare against with tolerances tuned
    /// to its rounding (a sampled direction on a sharp lobe moves with the
    /// last bit), and it is not on the baking hot path.
    static let inferenceISA = TrainingISA.portable

    /// Raw frame outputs for a chunk: raw[r×12] = latents[r×C]·Wfᵀ.
    @inline(__always)
    private func frameRaw(latents: UnsafePointer<Float>, rows: Int, into raw: UnsafeMutablePointer<Float>) {
        frameWT.withUnsafeBufferPointer { w in
            MatrixKernels.linearForward(x: latents, rows: rows, inputs: architecture.latentChannels, wT: w.baseAddress!, bias: nil, outputs: 12, y: raw, relu: false,
                                        isa: Self.inferenceISA)
        }
    }

    /// Runs an MLP over a chunk; returns the pointer holding the final (linear) outputs.
    @inline(__always)
    private func mlp(_ layers: [DenseLayerShape], _ wT: [[Float]], _ biasOffsets: [Int], activation: HiddenActivation, input: UnsafeMutablePointer<Float>,
                     other: UnsafeMutablePointer<Float>, rows: Int) -> UnsafeMutablePointer<Float> {
        var x = input, y = other
        parameters.values.withUnsafeBufferPointer { v in
            for (i, l) in layers.enumerated() {
                wT[i].withUnsafeBufferPointer { w in
                    MatrixKernels.linearForward(x: x, rows: rows, inputs: l.inputs, wT: w.baseAddress!, bias: v.baseAddress! + biasOffsets[i],
                                                outputs: l.outputs, y: y, activation: i < layers.count - 1 ? activation : nil, isa: Self.inferenceISA)
                }
                swap(&x, &y)
            }
        }
        return x
    }

    private func checkBatch(latents: Int, rows: Int, others: [Int]) throws {
        guard latents == rows * architecture.latentChannels, others.allSatisfy({ $0 == rows }) else {
            throw NeuralMaterialError.invalidArgument(detail: "batch has \(latents) latent values and direction counts \(others); expected \(rows)×\(architecture.latentChannels) latents and \(rows) of each direction")
        }
    }

    /// Batched f·|cos θo| into `output` (count = wi.count). `latents` is [rows×C].
    public func evalBRDF(latents: UnsafeBufferPointer<Float>, wi: UnsafeBufferPointer<SIMD3<Float>>, wo: UnsafeBufferPointer<SIMD3<Float>>,
                         output: UnsafeMutableBufferPointer<SIMD3<Float>>) throws {
        let rows = wi.count
        try checkBatch(latents: latents.count, rows: rows, others: [wo.count, output.count])
        guard rows > 0 else { return }
        let C = architecture.latentChannels, inW = architecture.brdfInputs, F = architecture.frameFeatures
        let off = architecture.outputOffset
        let lat = latents.baseAddress!, wiP = wi.baseAddress!, woP = wo.baseAddress!, outP = output.baseAddress!
        forEachChunk(rows: rows) { start, n, s in
            frameRaw(latents: lat + start * C, rows: n, into: s.raw)
            for r in 0..<n {
                let row = s.a + r * inW
                FrameLayer.features(raw: s.raw + r * 12, wi: wiP[start + r], wo: woP[start + r], inputs: architecture.frameInputs, into: row)
                let l = lat + (start + r) * C
                for c in 0..<C { row[F + c] = l[c] }
            }
            let y = mlp(architecture.brdfLayers, brdfWT, parameters.brdfBiasOffsets, activation: architecture.brdfActivation, input: s.a, other: s.b, rows: n)
            for r in 0..<n {
                outP[start + r] = SIMD3(expf(y[3 * r] - off), expf(y[3 * r + 1] - off), expf(y[3 * r + 2] - off))
            }
        }
    }

    public func evalBRDF(latents: [Float], wi: [SIMD3<Float>], wo: [SIMD3<Float>]) throws -> [SIMD3<Float>] {
        var out = [SIMD3<Float>](repeating: .zero, count: wi.count)
        try latents.withUnsafeBufferPointer { l in
            try wi.withUnsafeBufferPointer { a in
                try wo.withUnsafeBufferPointer { b in
                    try out.withUnsafeMutableBufferPointer { try evalBRDF(latents: l, wi: a, wo: b, output: $0) }
                }
            }
        }
        return out
    }

    /// Batched sampler decode: learned frame 1 + mixture per row.
    public func samplers(latents: UnsafeBufferPointer<Float>, wi: UnsafeBufferPointer<SIMD3<Float>>,
                         output: UnsafeMutableBufferPointer<NeuralSampler<Float>>) throws {
        let rows = wi.count
        try checkBatch(latents: latents.count, rows: rows, others: [output.count])
        guard rows > 0 else { return }
        let C = architecture.latentChannels, inW = architecture.samplerInputs
        let lat = latents.baseAddress!, wiP = wi.baseAddress!, outP = output.baseAddress!
        forEachChunk(rows: rows) { start, n, s in
            frameRaw(latents: lat + start * C, rows: n, into: s.raw)
            for r in 0..<n {
                let row = s.a + r * inW
                let l = lat + (start + r) * C
                for c in 0..<C { row[c] = l[c] }
                let wl = FrameLayer.frame(raw: s.raw + r * 12, index: 0).toLocal(wiP[start + r])
                row[C] = wl.x; row[C + 1] = wl.y; row[C + 2] = wl.z
            }
            let y = mlp(architecture.samplerLayers, samplerWT, parameters.samplerBiasOffsets, activation: .relu, input: s.a, other: s.b, rows: n)
            for r in 0..<n {
                let frame = FrameLayer.frame(raw: s.raw + r * 12, index: 0)
                (outP + start + r).initialize(to: NeuralSampler(frame: frame, distribution: MixtureDistribution(SamplerWarps.forward(UnsafePointer(y + 9 * r)))))
            }
        }
    }

    public func samplers(latents: [Float], wi: [SIMD3<Float>]) throws -> [NeuralSampler<Float>] {
        try latents.withUnsafeBufferPointer { l in
            try wi.withUnsafeBufferPointer { a in
                try [NeuralSampler<Float>](unsafeUninitializedCapacity: wi.count) { buf, count in
                    try samplers(latents: l, wi: a, output: buf)
                    count = wi.count
                }
            }
        }
    }

    /// Batched mixture parameters (warped) per row, in the sampling frame.
    public func samplerParameters(latents: [Float], wi: [SIMD3<Float>]) throws -> [MixtureParameters<Float>] {
        try samplers(latents: latents, wi: wi).map(\.distribution.parameters)
    }

    /// Batched pdf(wo | wi) per solid angle.
    public func pdf(latents: [Float], wi: [SIMD3<Float>], wo: [SIMD3<Float>]) throws -> [Float] {
        guard wo.count == wi.count else {
            throw NeuralMaterialError.invalidArgument(detail: "pdf: \(wi.count) wi but \(wo.count) wo")
        }
        let s = try samplers(latents: latents, wi: wi)
        return (0..<wi.count).map { s[$0].pdf(wi: wi[$0], wo: wo[$0]) }
    }

    /// Batched sampling: wo, mixture pdf and decoded f·|cos θo| per row.
    public func sample(latents: [Float], wi: [SIMD3<Float>], u: [SIMD3<Float>]) throws -> [NeuralSample] {
        guard u.count == wi.count else {
            throw NeuralMaterialError.invalidArgument(detail: "sample: \(wi.count) wi but \(u.count) uniforms")
        }
        let s = try samplers(latents: latents, wi: wi)
        let picked = (0..<wi.count).map { s[$0].sample(wi: wi[$0], u: u[$0]) }
        let wo = picked.map(\.wo)
        let f = try evalBRDF(latents: latents, wi: wi, wo: wo)
        return (0..<wi.count).map { NeuralSample(wo: picked[$0].wo, pdf: picked[$0].pdf, value: f[$0]) }
    }
}

import Foundation
enum ProcessInfoCompat {
    static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}
