import Foundation

/// `--seconds`: the total step count that fills a wall-clock budget.
///
/// The step count is fixed once, a few steps into the bake, and those first
/// steps are cone-smoothing steps: every row then takes at least four
/// evaluations of the reference, against one at level 0 afterwards, so a
/// smoothing step costs up to twice (a uniform material's: four times) a
/// later one. Extrapolating their cost alone left half of a demo's budget
/// unused; the later steps' cost is measured separately (one batch of rows
/// generated without smoothing) and the smoothing share of the steps
/// (`smoothingFraction` of the total) is solved for. That first estimate
/// rests on a handful of steps and scattered by ±25 % between runs (the
/// quick car paint's `--seconds 150`: 124 s and 186 s), so the count is
/// solved again at `refinementPoints` steps into the latent phase from its
/// measured wall time, and training stops outright when the last phase is
/// due.
enum SecondsBudget {
    /// Share of the budget kept back beyond the estimated last phase.
    static let margin = 0.02
    /// Kept back for the last phase in a resumed session, which has not measured it.
    static let resumedReserve = 0.05
    /// Latent-phase steps after which the step count is solved again from
    /// their mean wall time (the first latent steps are slower than the
    /// rest, so a single early solve stopped 13 % short).
    static let refinementPoints: Set<Int> = [30, 300, 1000, 3000]

    /// The total step count when every remaining step costs `stepCost`
    /// seconds (the latent phase, timed): at least the steps done.
    static func refinedTotal(step: Int, secondsLeft: Double, stepCost: Double) -> Int {
        guard stepCost > 0, secondsLeft > 0, secondsLeft.isFinite else { return step }
        return step + Int(min(secondsLeft / stepCost, 1e9))
    }

    /// Reference evaluations per row drawn with P(level l) ∝ `levelBias`^l
    /// over `levels` levels: one at level 0 (and at every level of a
    /// uniform material), `taps` at the others.
    static func evaluationsPerRow(levels: Int, levelBias: Double, taps: Int, uniform: Bool) -> Double {
        guard !uniform, levels > 1 else { return 1 }
        let weights: [Double] = (0..<levels).map { pow(levelBias, Double($0)) }
        let total = weights.reduce(0, +)
        let coarse = total - weights[0]
        return (weights[0] + coarse * Double(taps)) / total
    }

    /// Seconds the bake's last phase (energy calibration, then validation)
    /// will take, from the measured seconds to generate one batch of later
    /// training rows: both phases are row generation from the reference,
    /// with 8 taps at coarse levels, the calibration's rows spread over
    /// every level alike, and validation one reference sample per row more
    /// (the sampler KL). Measured on the quick car paint: ≈ 10 s of a 150 s
    /// budget, which the old flat 5 % reserve did not cover.
    static func finalPhaseSeconds(batchFillSeconds: Double, settings s: BakeSettings, uniform: Bool) -> Double {
        let batchEvaluations = Double(s.batch) * evaluationsPerRow(levels: s.levels, levelBias: s.levelBias, taps: s.footprintTaps, uniform: uniform)
        let coarseTaps = s.measurementTaps
        let validation = Double(s.validationSamples) * (evaluationsPerRow(levels: s.levels, levelBias: s.levelBias, taps: coarseTaps, uniform: uniform) + 1)
        let calibration = s.energyCalibration == true
            ? Double(s.calibrationRows * s.levels) * evaluationsPerRow(levels: s.levels, levelBias: 1, taps: coarseTaps, uniform: uniform) : 0
        return batchFillSeconds * (validation + calibration) / max(batchEvaluations, 1)
    }

    /// - Parameters:
    ///   - step: steps done so far.
    ///   - secondsLeft: wall-clock seconds left for training steps.
    ///   - smoothingStepCost: measured seconds per smoothing step.
    ///   - laterStepCost: estimated seconds per step after smoothing.
    ///   - smoothingFraction: share of all steps that smooth.
    /// - Returns: the total step count (≥ `step`).
    static func totalSteps(step: Int, secondsLeft: Double, smoothingStepCost p: Double, laterStepCost q: Double,
                           smoothingFraction f: Double) -> Int {
        let left = max(0, secondsLeft)
        let p = max(p, 1e-6), q = max(q, 1e-6)
        // If smoothing is already over at that total, every remaining step is a later one.
        let allLater = Double(step) + left / q
        if f * allLater <= Double(step) { return max(step, Int(allLater)) }
        // Otherwise (f·T − step) smoothing steps at p and (1 − f)·T later steps at q fill the budget.
        let total = (left + Double(step) * p) / (f * p + (1 - f) * q)
        return max(step, Int(total))
    }
}
