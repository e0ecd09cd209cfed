import Foundation

/// Where one session of a bake spent its wall time, phase by phase, so that
/// a slow bake can be taken apart without a profiler (`lacquer bake --json`,
/// "phase_seconds"): the step rate alone misses the probe features, the
/// encoder's bake, pruning, calibration and validation, and does not say
/// how much of a step is drawing rows from the reference material.
public struct BakePhaseTimes: Sendable, Equatable {
    /// The encoder's probe-feature pyramid (the material sampled at every texel of every level).
    public var features = 0.0
    /// Training steps while the encoder learns (early smoothing included).
    public var encoderSteps = 0.0
    /// Evaluating the encoder over every texel into the latent pyramid.
    public var encoderBake = 0.0
    /// Training steps of the latent phase.
    public var latentSteps = 0.0
    /// Of all steps: getting the batches' rows from the reference material —
    /// drawing them, or where a second thread draws them ahead
    /// (`RowPipeline`), waiting for them (drawing some meanwhile).
    public var rowGeneration = 0.0
    /// Ranking decoder copies on held-out rows (`--copies`).
    public var copyPruning = 0.0
    /// Energy calibration of the finished twin.
    public var calibration = 0.0
    /// Held-out metrics.
    public var validation = 0.0
    /// Writing the `.nmat`.
    public var writing = 0.0

    public init() {}

    /// All training steps, both phases (row generation included).
    public var steps: Double { encoderSteps + latentSteps }

    /// Seconds since `start`, added to the phase at `phase`.
    mutating func add(_ phase: WritableKeyPath<BakePhaseTimes, Double>, since start: Date) {
        self[keyPath: phase] += Date().timeIntervalSince(start)
    }

    /// snake_case names for JSON, in the order a bake runs.
    public var named: [(name: String, seconds: Double)] {
        [("features", features), ("encoder_steps", encoderSteps), ("encoder_bake", encoderBake), ("latent_steps", latentSteps),
         ("row_generation", rowGeneration), ("copy_pruning", copyPruning), ("calibration", calibration),
         ("validation", validation), ("writing", writing)]
    }
}
