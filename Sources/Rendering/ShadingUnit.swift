import ShaderInterface

/// The material code one wavefront shading kernel runs: one layered graph
/// structure's generated functions (the scene's built-in materials
/// included) or one neural decoder architecture (SceneShaderCode indexes
/// both). Materials that share a unit share its compiled pipeline; each is
/// still shaded by its own dispatch, so a neural material's weights are
/// uniform within it.
public enum ShadingUnit: Hashable, Sendable {
    case layered(Int)
    case neural(Int)

    /// The unit a GPU material record runs.
    init(record: LQMaterial) {
        if record.kind == UInt32(LQ_MATERIAL_NEURAL) {
            self = .neural(Int(record.codeIndex))
        } else {
            self = .layered(Int(record.codeIndex))
        }
    }
}
