/// One training step's differentiable work for both decoders, split over
/// cores: the batch is cut into `workers` contiguous shards, each shard runs
/// its own `BRDFTrainingPass` / `SamplerTrainingPass` with its own gradient
/// buffer, and the shard gradients are summed at the end (a fixed order, so
/// the result is deterministic for a given worker count).
///
/// The caller (the baker) owns sample generation, the latent scatter and Adam:
/// `brdfStep` returns dL/dlatent per row so the caller can scatter it into
/// the pyramid texels it fetched from.
public final class DecoderTrainer: @unchecked Sendable {
    public let architecture: NeuralArchitecture
    public let maxBatch: Int
    public let workers: Int
    private let brdfPasses: [BRDFTrainingPass]
    private let samplerPasses: [SamplerTrainingPass]
    private let gradPtrs: [UnsafeMutablePointer<Float>]
    private let dOutPtr: UnsafeMutablePointer<Float>
    private let dPdfPtr: UnsafeMutablePointer<Float>
    private let lossPtr: UnsafeMutablePointer<Float>
    private let parameterCount: Int

    public init(architecture: NeuralArchitecture, maxBatch: Int, workers: Int? = nil) {
        self.architecture = architecture
        self.maxBatch = maxBatch
        let w = max(1, min(workers ?? ProcessInfoCompat.activeProcessorCount, maxBatch))
        self.workers = w
        let shardRows = (maxBatch + w - 1) / w
        brdfPasses = (0..<w).map { _ in BRDFTrainingPass(architecture: architecture, maxRows: shardRows) }
        samplerPasses = (0..<w).map { _ in SamplerTrainingPass(architecture: architecture, maxRows: shardRows) }
        let n = DecoderParameters(architecture: architecture).count
        parameterCount = n
        gradPtrs = (0..<w).map { _ in
            let g = UnsafeMutablePointer<Float>.allocate(capacity: n)
            g.initialize(repeating: 0, count: n)
            return g
        }
        dOutPtr = .allocate(capacity: maxBatch * 3)
        dPdfPtr = .allocate(capacity: maxBatch)
        lossPtr = .allocate(capacity: w)
        lossPtr.initialize(repeating: 0, count: w)
    }

    deinit {
        gradPtrs.forEach { $0.deallocate() }
        dOutPtr.deallocate(); dPdfPtr.deallocate(); lossPtr.deallocate()
    }

    private func shard(_ w: Int, rows: Int) -> Range<Int> {
        let per = (rows + workers - 1) / workers
        let lo = min(rows, w * per)
        return lo..<min(rows, lo + per)
    }

    private func reduce(into gradients: UnsafeMutablePointer<Float>, range: Range<Int>) {
        for w in 0..<workers {
            let g = gradPtrs[w]
            for i in range { gradients[i] += g[i] }
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
        p.values.withUnsafeBufferPointer { vp in
            let v = vp.baseAddress!
            let box = UncheckedSendableBox(value: (dOut: dOutPtr, losses: lossPtr, grads: gradPtrs))
            parallelFor(workers: workers) { w in
                let r = shard(w, rows: rows)
                let g = box.value.grads[w]
                for i in p.brdfRange { g[i] = 0 }
                guard !r.isEmpty else { box.value.losses[w] = 0; return }
                let pass = brdfPasses[w]
                let n = r.count, s = r.lowerBound
                pass.forward(parameters: p, values: v, latents: latents + s * C, wi: wi + s, wo: wo + s, rows: n)
                let d = box.value.dOut + 3 * s
                box.value.losses[w] = LogL1Loss.forwardBackward(prediction: UnsafePointer(pass.output), target: target + 3 * s, count: 3 * n,
                                                                gradient: d, scale: Float(3 * n) / total)
                if let prediction { (prediction + 3 * s).update(from: pass.output, count: 3 * n) }
                pass.backward(parameters: p, values: v, dOutput: d, gradients: g, dLatents: dLatents.map { $0 + s * C })
            }
        }
        reduce(into: gradients, range: p.brdfRange)
        return (0..<workers).reduce(Float(0)) { $0 + lossPtr[$1] }
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
        p.values.withUnsafeBufferPointer { vp in
            let v = vp.baseAddress!
            let box = UncheckedSendableBox(value: (dPdf: dPdfPtr, losses: lossPtr, grads: gradPtrs))
            parallelFor(workers: workers) { w in
                let r = shard(w, rows: rows)
                let g = box.value.grads[w]
                for i in p.samplerRange { g[i] = 0 }
                guard !r.isEmpty else { box.value.losses[w] = 0; return }
                let pass = samplerPasses[w]
                let n = r.count, s = r.lowerBound
                pass.forward(parameters: p, values: v, latents: latents + s * C, wi: wi + s, wo: wo + s, rows: n)
                let d = box.value.dPdf + s
                box.value.losses[w] = SamplerKLLoss.forwardBackward(pdf: UnsafePointer(pass.pdf), weights: weights + s, count: n, dPdf: d, weightSum: wsum)
                if let pdfOut { (pdfOut + s).update(from: pass.pdf, count: n) }
                pass.backward(parameters: p, values: v, dPdf: d, gradients: g)
            }
        }
        reduce(into: gradients, range: p.samplerRange)
        return (0..<workers).reduce(Float(0)) { $0 + lossPtr[$1] }
    }
}
