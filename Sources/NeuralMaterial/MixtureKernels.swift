import CTrainingKernels

/// `SamplerWarps` and `MixtureDistribution.pdfGradient` for a training
/// chunk, in C (`Sources/CTrainingKernels/MixtureKernels.c`): 16 rows per
/// vector for the training ISA instead of a chain of scalar divisions per
/// row. Equal to the Swift definitions within float tolerance (the softmax's
/// exp differs by ≤ 2 ulp) and bit-identical across paths (`MixtureKernelsTests`).
public enum MixtureKernels {
    /// pdf[r] and ∂pdf/∂parameters [r × 9] for raw outputs z [r × 9] and wi, wo in the learned frame.
    public static func forward(z: UnsafePointer<Float>, wiLocal: UnsafePointer<Float>, wiStride: Int,
                               woLocal: UnsafePointer<Float>, woStride: Int, rows: Int,
                               pdf: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>, isa: TrainingISA = .active) {
        isa.kernel(lq_mixture_forward_portable, lq_mixture_forward_avx2_fma, lq_mixture_forward_avx512)(z, wiLocal, wiStride, woLocal, woStride, rows, pdf, gradient)
    }

    /// dRaw [r × 9] = (dPdf[r] · gradient [r × 9]) through the warps' backward.
    public static func backward(z: UnsafePointer<Float>, gradient: UnsafePointer<Float>, dPdf: UnsafePointer<Float>, rows: Int,
                                dRaw: UnsafeMutablePointer<Float>, isa: TrainingISA = .active) {
        isa.kernel(lq_mixture_backward_portable, lq_mixture_backward_avx2_fma, lq_mixture_backward_avx512)(z, gradient, dPdf, rows, dRaw)
    }
}
