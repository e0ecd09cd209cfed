import CTrainingKernels

/// `FrameLayer` for a chunk of rows, in C (`Sources/CTrainingKernels/FrameLayer.c`):
/// vectorised across rows for the training ISA and bit-identical to the
/// per-row definitions in `FrameLayer` on every path (`FrameLayerBatchTests`). The
/// training passes spent a sixth of a step in the per-row Swift loops.
public enum FrameLayerBatch {
    @inline(__always) static func floats(_ p: UnsafePointer<SIMD3<Float>>) -> UnsafePointer<Float> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
    }

    /// out[r × outStride ..< +12, 18 or 16] = `FrameLayer.features` of row r.
    public static func features(raw: UnsafePointer<Float>, wi: UnsafePointer<SIMD3<Float>>, wo: UnsafePointer<SIMD3<Float>>,
                                inputs: FrameInputs = .incidentOutgoing,
                                rows: Int, into out: UnsafeMutablePointer<Float>, outStride: Int, isa: TrainingISA = .active) {
        let a = floats(wi), b = floats(wo), mode = inputs.kernelMode
        isa.kernel(lq_frame_features_portable, lq_frame_features_avx2_fma, lq_frame_features_avx512)(raw, a, b, mode, rows, out, outStride)
    }

    /// dRaw[r × 12 ..< +12] = `FrameLayer.backward` of dFeatures[r × dStride ..< +12, 18 or 16].
    public static func backward(raw: UnsafePointer<Float>, wi: UnsafePointer<SIMD3<Float>>, wo: UnsafePointer<SIMD3<Float>>,
                                inputs: FrameInputs = .incidentOutgoing,
                                dFeatures: UnsafePointer<Float>, dStride: Int, rows: Int, dRaw: UnsafeMutablePointer<Float>,
                                isa: TrainingISA = .active) {
        let a = floats(wi), b = floats(wo), mode = inputs.kernelMode
        isa.kernel(lq_frame_backward_portable, lq_frame_backward_avx2_fma, lq_frame_backward_avx512)(raw, a, b, mode, dFeatures, dStride, rows, dRaw)
    }

    /// wiOut[r × wiStride ..< +3] and woOut[r × woStride ..< +3] = wi[r] and wo[r]
    /// in frame `index` of row r (`FrameLayer.frame(raw:index:).toLocal`), one frame built per row.
    public static func toLocal(raw: UnsafePointer<Float>, index: Int, wi: UnsafePointer<SIMD3<Float>>, wo: UnsafePointer<SIMD3<Float>>,
                               rows: Int, wiInto wiOut: UnsafeMutablePointer<Float>, wiStride: Int,
                               woInto woOut: UnsafeMutablePointer<Float>, woStride: Int, isa: TrainingISA = .active) {
        let a = floats(wi), b = floats(wo)
        isa.kernel(lq_frame_local_portable, lq_frame_local_avx2_fma, lq_frame_local_avx512)(raw, index, a, b, rows, wiOut, wiStride, woOut, woStride)
    }
}
