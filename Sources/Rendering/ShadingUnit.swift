import ShaderInterface

/// The material code one wavefront shading kernel runs: the analytic BSDFs,
/// one layered material's generated functions, or one neural decoder
/// architecture (SceneShaderCode indexes the last two). Materials that share
/// a unit share its compiled pipeline; each is still shaded by its own
/// dispatch, so a neural material's weights are uniform within it.
public enum ShadingUnit: Hashable, Sendable {
    case analytic
    case layered(Int)
    case neural(Int)

    /// The unit a GPU material record runs.
    init(record: LQMaterial) {
        if record.kind == UInt32(LQ_MATERIAL_LAYERED) {
            self = .layered(Int(record.codeIndex))
        } else if record.kind == UInt32(LQ_MATERIAL_NEURAL) {
            self = .neural(Int(record.codeIndex))
        } else {
            self = .analytic
        }
    }
}
