/// One training step's differentiable work for both decoders, split over
/// cores.
///
/// **Decision:** the batch is cut into fixed-size chunks (`chunkRows`, not
/// one shard per worker). Each chunk runs forward and backward on its own
/// and writes its own gradient buffer; the chunk gradients are then summed
/// in chunk order. Two reasons: the result does not depend on how many
/// workers ran (bit-exact resume survives a different `--threads`), and a
/// chunk's activations (≈ 0.3 MB at 512 rows) stay in the core's L2 cache
/// through forward and backward, where whole-shard buffers (MBs) streamed
/// from memory. Workers take chunks w, w + workers, … (static, balanced).
///
/// The caller (the baker) owns sample generation, the latent scatter and Adam:
/// `brdfStep` returns dL/dlatent per row so the caller can scatter it into
/// the pyramid texels it fetched from.
public final class DecoderTrainer: @unchecked Sendable {
    public let architecture: NeuralArchitecture
    public let maxBatch: Int
    public let workers: Int
    /// Rows per chunk, the unit of work and of gradient summation.
    public let chunkRows: Int
    /// Instruction set of the matrix kernels.
    public let isa: TrainingISA
    private let brdfPasses: [BRDFTrainingPass]
    private let samplerPasses: [SamplerTrainingPass]
    /// One gradient buffer per chunk (flat `DecoderParameters` layout).
    private let chunkGradients: [UnsafeMutablePointer<Float>]
    private let dOutPtr: UnsafeMutablePointer<Float>
    private let dPdfPtr: UnsafeMutablePointer<Float>
    private let lossPtr: UnsafeMutablePointer<Float>
    private let parameterCount: Int

    /// Default chunk: small enough for L2, large enough that per-chunk
    /// overhead (weight transposes, gradient buffers) stays negligible.
    public static let defaultChunkRows = 512

    public init(architecture: NeuralArchitecture, maxBatch: Int, workers: Int? = nil,
                chunkRows: Int = DecoderTrainer.defaultChunkRows, isa: TrainingISA = .active) {
        self.architecture = architecture
        self.maxBatch = maxBatch
        self.isa = isa
        let rowsPerChunk = max(1, min(chunkRows, maxBatch))
        self.chunkRows = rowsPerChunk
        let chunks = max(1, (maxBatch + rowsPerChunk - 1) / rowsPerChunk)
        let w = max(1, min(workers ?? ProcessInfoCompat.activeProcessorCount, chunks))
        self.workers = w
        brdfPasses = (0..<w).map { _ in BRDFTrainingPass(architecture: architecture, maxRows: rowsPerChunk, isa: isa) }
        samplerPasses = (0..<w).map { _ in SamplerTrainingPass(architecture: architecture, maxRows: rowsPerChunk, isa: isa) }
        let n = DecoderParameters(architecture: architecture).count
        parameterCount = n
        chunkGradients = (0..<chunks).map { _ in
            let g = UnsafeMutablePointer<Float>.allocate(capacity: n)
            g.initialize(repeating: 0, count: n)
            return g
        }
        dOutPtr = .allocate(capacity: maxBatch * 3)
        dPdfPtr = .allocate(capacity: maxBatch)
        lossPtr = .allocate(capacity: chunks)
        lossPtr.initialize(repeating: 0, count: chunks)
    }

    deinit {
        chunkGradients.forEach { $0.deallocate() }
        dOutPtr.deallocate(); dPdfPtr.deallocate(); lossPtr.deallocate()
    }

    /// Runs `body(worker, chunk, rows)` for every chunk of a `rows`-row batch.
    private func forEachChunk(rows: Int, _ body: (Int, Int, Range<Int>) -> Void) -> Int {
        let chunks = (rows + chunkRows - 1) / chunkRows
        let stride = workers, per = chunkRows
        parallelFor(workers: min(workers, max(1, chunks))) { w in
            var c = w
            while c < chunks {
                body(w, c, (c * per)..<min(rows, (c + 1) * per))
                c += stride
            }
        }
        return chunks
    }

    /// gradients[range] += Σ_chunk chunkGradient[range], chunks in order;
    /// parameters are split over the workers (each sum keeps its order).
    private func reduce(into gradients: UnsafeMutablePointer<Float>, range: Range<Int>, chunks: Int) {
        let box = UncheckedSendableBox(value: (out: gradients, parts: chunkGradients))
        let parts = range.count >= 4096 ? workers : 1
        let per = (range.count + parts - 1) / parts
        parallelFor(workers: parts) { w in
            let lo = range.lowerBound + w * per, hi = min(range.upperBound, lo + per)
            guard lo < hi else { return }
            for c in 0..<chunks {
                let g = box.value.parts[c]
                for i in lo..<hi { box.value.out[i] += g[i] }
            }
        }
    }

    /// BRDF forward + log-L1 loss against `target` + backward.
    ///
    /// - Parameters:
    ///   - latents: [rows × C] fetched latents.
    ///   - target: [rows × 3] reference f·|cos θo|.
    ///   - gradients: flat gradient buffer (`DecoderParameters` layout); the
    ///     BRDF part (`brdfRange`) is *accumulated*.
    ///   - dLatents: optional [rows × C] output, dL/dlatent.
    ///   - prediction: optional [rows × 3] output, the decoded values.
    /// - Returns: mean log-L1 loss over the batch.
    @discardableResult
    public func brdfStep(parameters p: DecoderParameters, latents: UnsafePointer<Float>,
                         wi: UnsafePointer<SIMD3<Float>>, wo: UnsafePointer<SIMD3<Float>>, target: UnsafePointer<Float>, rows: Int,
                         gradients: UnsafeMutablePointer<Float>, dLatents: UnsafeMutablePointer<Float>?,
                         prediction: UnsafeMutablePointer<Float>? = nil) -> Float {
        precondition(rows <= maxBatch, "DecoderTrainer: batch \(rows) > maxBatch \(maxBatch)")
        let C = architecture.latentChannels
        let total = Float(rows * 3)
        let chunks = p.values.withUnsafeBufferPointer { vp -> Int in
            let box = UncheckedSendableBox(value: (v: vp.baseAddress!, dOut: dOutPtr, losses: lossPtr, grads: chunkGradients,
                                                   latents: latents, wi: wi, wo: wo, target: target, dLatents: dLatents, prediction: prediction))
            return forEachChunk(rows: rows) { [brdfPasses] w, c, r in
                let b = box.value
                let g = b.grads[c]
                for i in p.brdfRange { g[i] = 0 }
                let pass = brdfPasses[w]
                let n = r.count, s = r.lowerBound
                pass.forward(parameters: p, values: b.v, latents: b.latents + s * C, wi: b.wi + s, wo: b.wo + s, rows: n)
                let d = b.dOut + 3 * s
                b.losses[c] = LogL1Loss.trainingChunk(prediction: UnsafePointer(pass.output), target: b.target + 3 * s, count: 3 * n,
                                                      gradient: d, scale: Float(3 * n) / total, isa: isa)
                if let prediction = b.prediction { (prediction + 3 * s).update(from: pass.output, count: 3 * n) }
                pass.backward(parameters: p, values: b.v, dOutput: d, gradients: g, dLatents: b.dLatents.map { $0 + s * C })
            }
        }
        reduce(into: gradients, range: p.brdfRange, chunks: chunks)
        return (0..<chunks).reduce(Float(0)) { $0 + lossPtr[$1] }
    }

    /// Sampler forward + KL loss (self-normalised importance weights, see
    /// `SamplerKLLoss`) + backward. `weights` are f̂(wo)/r(wo), detached.
    /// Accumulates into the sampler part (`samplerRange`) of `gradients`;
    /// writes the pdfs to `pdfOut` if given.
    @discardableResult
    public func samplerStep(parameters p: DecoderParameters, latents: UnsafePointer<Float>,
                            wi: UnsafePointer<SIMD3<Float>>, wo: UnsafePointer<SIMD3<Float>>, weights: UnsafePointer<Float>, rows: Int,
                            gradients: UnsafeMutablePointer<Float>, pdfOut: UnsafeMutablePointer<Float>? = nil) -> Float {
        precondition(rows <= maxBatch, "DecoderTrainer: batch \(rows) > maxBatch \(maxBatch)")
        let C = architecture.latentChannels
        var wsum: Float = 0
        for j in 0..<rows { wsum += max(weights[j], 0) }
        let weightSum = wsum
        let chunks = p.values.withUnsafeBufferPointer { vp -> Int in
            let box = UncheckedSendableBox(value: (v: vp.baseAddress!, dPdf: dPdfPtr, losses: lossPtr, grads: chunkGradients,
                                                   latents: latents, wi: wi, wo: wo, weights: weights, pdfOut: pdfOut))
            return forEachChunk(rows: rows) { [samplerPasses] w, c, r in
                let b = box.value
                let g = b.grads[c]
                for i in p.samplerRange { g[i] = 0 }
                let pass = samplerPasses[w]
                let n = r.count, s = r.lowerBound
                pass.forward(parameters: p, values: b.v, latents: b.latents + s * C, wi: b.wi + s, wo: b.wo + s, rows: n)
                let d = b.dPdf + s
                b.losses[c] = SamplerKLLoss.forwardBackward(pdf: UnsafePointer(pass.pdf), weights: b.weights + s, count: n, dPdf: d, weightSum: weightSum)
                if let pdfOut = b.pdfOut { (pdfOut + s).update(from: pass.pdf, count: n) }
                pass.backward(parameters: p, values: b.v, dPdf: d, gradients: g)
            }
        }
        reduce(into: gradients, range: p.samplerRange, chunks: chunks)
        return (0..<chunks).reduce(Float(0)) { $0 + lossPtr[$1] }
    }
}
