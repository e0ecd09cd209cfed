import Foundation

/// Forward (with saved activations) and backward of the BRDF decoder for one
/// shard of a batch: latent → frame layer → features ⊕ latent → MLP (ReLU or
/// smooth ReLU, `NeuralArchitecture.brdfActivation`) →
/// exp(x − offset).
///
/// Layout: every activation is a row-major [rows × width] float32 buffer
/// allocated once for `maxRows`; weights are read from the flat
/// `DecoderParameters.values`, gradients are *accumulated* into a flat buffer
/// of the same layout, and dL/dlatent is returned per row so that the caller
/// can scatter it into the pyramid texels (`LatentPyramid.scatterGradient`).
public final class BRDFTrainingPass: @unchecked Sendable {
    public let architecture: NeuralArchitecture
    public let maxRows: Int
    /// Instruction set of the matrix kernels (results are deterministic per ISA).
    public let isa: TrainingISA
    public private(set) var rows = 0

    private let layers: [DenseLayerShape]
    private var wT: [[Float]]
    private var frameWT: [Float]
    /// Saved activations: raw frame outputs, the 20-wide input, post-activation hidden layers, output.
    private let raw: UnsafeMutablePointer<Float>
    private let x0: UnsafeMutablePointer<Float>
    private var hidden: [UnsafeMutablePointer<Float>]
    /// The decoded f·|cos θo| of the last forward pass, [rows × 3].
    public let output: UnsafeMutablePointer<Float>
    private let gA: UnsafeMutablePointer<Float>
    private let gB: UnsafeMutablePointer<Float>
    private let dRaw: UnsafeMutablePointer<Float>
    private var latents: UnsafePointer<Float>?
    private var wi: UnsafePointer<SIMD3<Float>>?
    private var wo: UnsafePointer<SIMD3<Float>>?

    public init(architecture: NeuralArchitecture, maxRows: Int, isa: TrainingISA = .active) {
        self.architecture = architecture
        self.maxRows = maxRows
        self.isa = isa
        layers = architecture.brdfLayers
        wT = layers.map { [Float](repeating: 0, count: $0.weightCount) }
        frameWT = [Float](repeating: 0, count: architecture.frameLayer.weightCount)
        let widest = max(architecture.brdfInputs, architecture.brdfHidden.max() ?? 0)
        raw = .allocate(capacity: maxRows * 12)
        x0 = .allocate(capacity: maxRows * architecture.brdfInputs)
        hidden = architecture.brdfHidden.map { UnsafeMutablePointer<Float>.allocate(capacity: maxRows * $0) }
        output = .allocate(capacity: maxRows * 3)
        gA = .allocate(capacity: maxRows * widest)
        gB = .allocate(capacity: maxRows * widest)
        dRaw = .allocate(capacity: maxRows * 12)
    }

    deinit {
        raw.deallocate(); x0.deallocate(); hidden.forEach { $0.deallocate() }
        output.deallocate(); gA.deallocate(); gB.deallocate(); dRaw.deallocate()
    }

    private func refreshTransposes(_ v: UnsafePointer<Float>, _ p: DecoderParameters) {
        frameWT.withUnsafeMutableBufferPointer {
            MatrixKernels.transpose(v + p.frameWeightOffset, rows: 12, cols: architecture.latentChannels, into: $0.baseAddress!)
        }
        for (i, l) in layers.enumerated() {
            wT[i].withUnsafeMutableBufferPointer { MatrixKernels.transpose(v + p.brdfWeightOffsets[i], rows: l.outputs, cols: l.inputs, into: $0.baseAddress!) }
        }
    }

    /// Forward pass; the pointers must stay valid until `backward` returns.
    public func forward(parameters p: DecoderParameters, values v: UnsafePointer<Float>,
                        latents: UnsafePointer<Float>, wi: UnsafePointer<SIMD3<Float>>, wo: UnsafePointer<SIMD3<Float>>, rows: Int) {
        precondition(rows <= maxRows, "BRDFTrainingPass: \(rows) rows > maxRows \(maxRows)")
        self.rows = rows
        self.latents = latents; self.wi = wi; self.wo = wo
        refreshTransposes(v, p)
        let C = architecture.latentChannels, inW = architecture.brdfInputs
        frameWT.withUnsafeBufferPointer {
            MatrixKernels.linearForward(x: latents, rows: rows, inputs: C, wT: $0.baseAddress!, bias: nil, outputs: 12, y: raw, relu: false, isa: isa)
        }
        let F = architecture.frameFeatures
        FrameLayerBatch.features(raw: raw, wi: wi, wo: wo, inputs: architecture.frameInputs, rows: rows, into: x0, outStride: inW, isa: isa)
        for r in 0..<rows {
            (x0 + r * inW + F).update(from: latents + r * C, count: C)
        }
        var x = UnsafePointer(x0)
        for (i, l) in layers.enumerated() {
            let last = i == layers.count - 1
            let y = last ? output : hidden[i]
            wT[i].withUnsafeBufferPointer {
                MatrixKernels.linearForward(x: x, rows: rows, inputs: l.inputs, wT: $0.baseAddress!, bias: v + p.brdfBiasOffsets[i], outputs: l.outputs, y: y,
                                            activation: last ? nil : architecture.brdfActivation, isa: isa)
            }
            x = UnsafePointer(y)
        }
        MatrixKernels.expOffset(output, count: rows * 3, offset: architecture.outputOffset, isa: isa)
    }

    /// Backward pass from dL/doutput [rows × 3]. Accumulates parameter
    /// gradients into `gradients` (flat, `DecoderParameters` layout) and, if
    /// given, writes dL/dlatent [rows × C].
    public func backward(parameters p: DecoderParameters, values v: UnsafePointer<Float>, dOutput: UnsafePointer<Float>,
                         gradients: UnsafeMutablePointer<Float>, dLatents: UnsafeMutablePointer<Float>?) {
        guard let latents, let wi, let wo else { return }
        let C = architecture.latentChannels, inW = architecture.brdfInputs, F = architecture.frameFeatures
        // exp: dz = dy · y
        var dCur = gA, dNext = gB
        for i in 0..<(rows * 3) { dCur[i] = dOutput[i] * output[i] }
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let l = layers[i]
            let xIn: UnsafePointer<Float> = i == 0 ? UnsafePointer(x0) : UnsafePointer(hidden[i - 1])
            MatrixKernels.linearBackwardWeights(dY: dCur, x: xIn, rows: rows, inputs: l.inputs, outputs: l.outputs,
                                                dW: gradients + p.brdfWeightOffsets[i], dB: gradients + p.brdfBiasOffsets[i], isa: isa)
            MatrixKernels.linearBackwardInput(dY: dCur, rows: rows, outputs: l.outputs, w: v + p.brdfWeightOffsets[i], inputs: l.inputs, dX: dNext, isa: isa)
            if i > 0 { MatrixKernels.activationBackward(architecture.brdfActivation, y: hidden[i - 1], dY: dNext, count: rows * l.inputs, isa: isa) }
            swap(&dCur, &dNext)
        }
        // dCur = dL/dx0 [rows × inW]: frame features then latent.
        FrameLayerBatch.backward(raw: raw, wi: wi, wo: wo, inputs: architecture.frameInputs, dFeatures: dCur, dStride: inW, rows: rows,
                                 dRaw: dRaw, isa: isa)
        // frame layer (no bias): dWf += dRawᵀ·latents, dLatent = dRaw·Wf + direct part.
        MatrixKernels.linearBackwardWeights(dY: dRaw, x: latents, rows: rows, inputs: C, outputs: 12, dW: gradients + p.frameWeightOffset, dB: nil, isa: isa)
        if let dLatents {
            MatrixKernels.linearBackwardInput(dY: dRaw, rows: rows, outputs: 12, w: v + p.frameWeightOffset, inputs: C, dX: dLatents, isa: isa)
            for r in 0..<rows {
                for c in 0..<C { dLatents[r * C + c] += dCur[r * inW + F + c] }
            }
        }
    }
}

/// Forward and backward of the sampling decoder for one shard, ending in the
/// mixture pdf of given directions (the KL loss needs q(wo) and ∂q/∂θ).
///
/// Latents and the learned frame are inputs, **detached**: no gradient flows
/// into the pyramid or the frame layer (PAPER.md: "latents detached"; the
/// frame belongs to the BRDF decoder, see `NeuralSampler`).
public final class SamplerTrainingPass: @unchecked Sendable {
    public let architecture: NeuralArchitecture
    public let maxRows: Int
    /// Instruction set of the matrix kernels (results are deterministic per ISA).
    public let isa: TrainingISA
    public private(set) var rows = 0

    private let layers: [DenseLayerShape]
    private var wT: [[Float]]
    private var frameWT: [Float]
    private let raw: UnsafeMutablePointer<Float>
    private let x0: UnsafeMutablePointer<Float>
    private var hidden: [UnsafeMutablePointer<Float>]
    private let z: UnsafeMutablePointer<Float>
    /// wo in the learned frame 1, [rows × 3] (wi's is in the input rows).
    private let woLocal: UnsafeMutablePointer<Float>
    /// Mixture pdf of the given wo per row, after `forward`.
    public let pdf: UnsafeMutablePointer<Float>
    /// ∂pdf/∂(warped mixture parameters) per row, [rows × 9] (`MixtureParameters.array` order).
    private let mixtureGradient: UnsafeMutablePointer<Float>
    private let gA: UnsafeMutablePointer<Float>
    private let gB: UnsafeMutablePointer<Float>

    public init(architecture: NeuralArchitecture, maxRows: Int, isa: TrainingISA = .active) {
        self.architecture = architecture
        self.maxRows = maxRows
        self.isa = isa
        layers = architecture.samplerLayers
        wT = layers.map { [Float](repeating: 0, count: $0.weightCount) }
        frameWT = [Float](repeating: 0, count: architecture.frameLayer.weightCount)
        let widest = max(architecture.samplerInputs, architecture.samplerHidden.max() ?? 0, 9)
        raw = .allocate(capacity: maxRows * 12)
        x0 = .allocate(capacity: maxRows * architecture.samplerInputs)
        hidden = architecture.samplerHidden.map { UnsafeMutablePointer<Float>.allocate(capacity: maxRows * $0) }
        z = .allocate(capacity: maxRows * 9)
        woLocal = .allocate(capacity: maxRows * 3)
        pdf = .allocate(capacity: maxRows)
        mixtureGradient = .allocate(capacity: maxRows * 9)
        gA = .allocate(capacity: maxRows * widest)
        gB = .allocate(capacity: maxRows * widest)
    }

    deinit {
        raw.deallocate(); x0.deallocate(); hidden.forEach { $0.deallocate() }
        z.deallocate(); woLocal.deallocate(); mixtureGradient.deallocate(); pdf.deallocate(); gA.deallocate(); gB.deallocate()
    }

    /// Forward: latents, wi, wo (shading frame) → pdf[rows]; saves ∂pdf/∂(warped parameters).
    public func forward(parameters p: DecoderParameters, values v: UnsafePointer<Float>,
                        latents: UnsafePointer<Float>, wi: UnsafePointer<SIMD3<Float>>, wo: UnsafePointer<SIMD3<Float>>, rows: Int) {
        precondition(rows <= maxRows, "SamplerTrainingPass: \(rows) rows > maxRows \(maxRows)")
        self.rows = rows
        let C = architecture.latentChannels, inW = architecture.samplerInputs
        frameWT.withUnsafeMutableBufferPointer { MatrixKernels.transpose(v + p.frameWeightOffset, rows: 12, cols: C, into: $0.baseAddress!) }
        for (i, l) in layers.enumerated() {
            wT[i].withUnsafeMutableBufferPointer { MatrixKernels.transpose(v + p.samplerWeightOffsets[i], rows: l.outputs, cols: l.inputs, into: $0.baseAddress!) }
        }
        frameWT.withUnsafeBufferPointer {
            MatrixKernels.linearForward(x: latents, rows: rows, inputs: C, wT: $0.baseAddress!, bias: nil, outputs: 12, y: raw, relu: false, isa: isa)
        }
        for r in 0..<rows {
            (x0 + r * inW).update(from: latents + r * C, count: C)
        }
        FrameLayerBatch.toLocal(raw: raw, index: 0, wi: wi, wo: wo, rows: rows, wiInto: x0 + C, wiStride: inW,
                                woInto: woLocal, woStride: 3, isa: isa)
        var x = UnsafePointer(x0)
        for (i, l) in layers.enumerated() {
            let last = i == layers.count - 1
            let y = last ? z : hidden[i]
            wT[i].withUnsafeBufferPointer {
                MatrixKernels.linearForward(x: x, rows: rows, inputs: l.inputs, wT: $0.baseAddress!, bias: v + p.samplerBiasOffsets[i], outputs: l.outputs, y: y, relu: !last, isa: isa)
            }
            x = UnsafePointer(y)
        }
        MixtureKernels.forward(z: z, wiLocal: x0 + C, wiStride: inW, woLocal: woLocal, woStride: 3, rows: rows,
                               pdf: pdf, gradient: mixtureGradient, isa: isa)
    }

    /// Backward from dL/dpdf [rows]; accumulates sampler parameter gradients.
    public func backward(parameters p: DecoderParameters, values v: UnsafePointer<Float>, dPdf: UnsafePointer<Float>,
                         gradients: UnsafeMutablePointer<Float>) {
        var dCur = gA, dNext = gB
        MixtureKernels.backward(z: z, gradient: mixtureGradient, dPdf: dPdf, rows: rows, dRaw: dCur, isa: isa)
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let l = layers[i]
            let xIn: UnsafePointer<Float> = i == 0 ? UnsafePointer(x0) : UnsafePointer(hidden[i - 1])
            MatrixKernels.linearBackwardWeights(dY: dCur, x: xIn, rows: rows, inputs: l.inputs, outputs: l.outputs,
                                                dW: gradients + p.samplerWeightOffsets[i], dB: gradients + p.samplerBiasOffsets[i], isa: isa)
            if i > 0 {
                MatrixKernels.linearBackwardInput(dY: dCur, rows: rows, outputs: l.outputs, w: v + p.samplerWeightOffsets[i], inputs: l.inputs, dX: dNext, isa: isa)
                MatrixKernels.reluBackward(y: hidden[i - 1], dY: dNext, count: rows * l.inputs, isa: isa)
                swap(&dCur, &dNext)
            }
        }
    }
}
