/// `--seconds`: the total step count that fills a wall-clock budget.
///
/// The step count is fixed once, a few steps into the bake, and those first
/// steps are cone-smoothing steps: every row then takes at least four
/// evaluations of the reference, against one at level 0 afterwards, so a
/// smoothing step costs up to twice (a uniform material's: four times) a
/// later one. Extrapolating their cost alone left half of a demo's budget
/// unused; the later steps' cost is measured separately (one batch of rows
/// generated without smoothing) and the smoothing share of the steps
/// (`smoothingFraction` of the total) is solved for.
enum SecondsBudget {
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
