import Foundation
import Materials
import NeuralMaterial

/// The row-wise part of the held-out metrics: the twin's predictions against
/// the reference's targets on the same rows (the sampler KL is measured
/// separately). Kept apart from the baker so a black or a perfect twin can be
/// measured without training one.
public struct HeldOutErrors: Equatable, Sendable {
    /// mean |log(f̂ + ε) − log(f + ε)| over rows × RGB, ε = LogL1Loss.offset.
    public var logL1: Double
    /// Σ|f̂ − f| / Σ f over rows × RGB.
    public var relativeL1: Double
    /// mean (f̂ − f)² / (f² + 0.01) over rows × RGB.
    public var relativeMSE: Double
    /// log-L1 of the per-channel median target (the best constant).
    public var constantBaselineLogL1: Double
    /// Twin's / reference's integrated reflectance per channel (see `energyRatio`).
    public var energyRatioRGB: [Double]
    /// Twin's / reference's ∫∫ f·cos θo dωi dωo (averaged over uv and levels),
    /// in luminance: each row weighted by 1 / the density it was drawn with,
    /// so the sums estimate integrals, not row averages. 1 = as bright as the
    /// reference, 0 = black, > 1 brighter (1 when the reference is black). The log-L1 loss hides a black twin
    /// of a smooth conductor (most rows have targets far below ε), relative L1
    /// says "wrong" without saying which way; this says "too dark".
    public var energyRatio: Double
    /// `energyRatioRGB` with each row also weighted by cos θi (wi·n, wi the
    /// viewing direction): the brightness ratio of a convex object's image
    /// under uniform light, where a surface seen at θi covers a screen area
    /// ∝ cos θi. The uniform ratio weights grazing views as much as head-on
    /// ones, and a twin is often too bright at grazing and too dark head-on
    /// (measured, docs/BAKING.md "Energy calibration"). nil without the rows'
    /// view directions.
    public var imageEnergyRatioRGB: [Double]?

    /// - Parameters:
    ///   - targets: reference f·|cos θo|, rows × RGB.
    ///   - predictions: the twin's values for the same rows.
    ///   - densities: the density each row was drawn with (per dωi dωo);
    ///     rows with a density ≤ 0 or not finite are left out of the energy sums.
    ///   - viewCosines: wi·n per row, for `imageEnergyRatioRGB` (optional).
    public init(targets: [Float], predictions: [SIMD3<Float>], densities: [Float], viewCosines: [Float]? = nil) {
        let n = predictions.count
        precondition(targets.count == 3 * n && densities.count == n, "held-out rows: \(targets.count) target values, \(n) predictions, \(densities.count) densities")
        precondition(viewCosines.map { $0.count == n } ?? true, "held-out rows: \(viewCosines?.count ?? 0) view cosines for \(n) rows")
        var logSum = 0.0, absSum = 0.0, tSum = 0.0, relSq = 0.0
        var twinEnergy = SIMD3<Double>(), referenceEnergy = SIMD3<Double>()
        var twinImage = SIMD3<Double>(), referenceImage = SIMD3<Double>()
        var channels: [[Float]] = [[], [], []]
        for r in 0..<n {
            let d = Double(densities[r])
            let weight = d > 0 && d.isFinite ? 1 / d : 0
            let imageWeight = weight * Double(max(viewCosines?[r] ?? 0, 0))
            for ch in 0..<3 {
                let t = Double(targets[3 * r + ch]), y = Double(predictions[r][ch])
                logSum += abs(log(max(y, 0) + LogL1Loss.offset) - log(max(t, 0) + LogL1Loss.offset))
                absSum += abs(y - t); tSum += abs(t)
                relSq += (y - t) * (y - t) / (t * t + 0.01)
                twinEnergy[ch] += max(y, 0) * weight
                referenceEnergy[ch] += max(t, 0) * weight
                twinImage[ch] += max(y, 0) * imageWeight
                referenceImage[ch] += max(t, 0) * imageWeight
                channels[ch].append(Float(t))
            }
        }
        var baseline = 0.0
        for ch in 0..<3 where !channels[ch].isEmpty {
            let sorted = channels[ch].sorted()
            let med = Double(sorted[sorted.count / 2])
            for t in channels[ch] { baseline += abs(log(med + LogL1Loss.offset) - log(Double(t) + LogL1Loss.offset)) }
        }
        // A reference that reflects nothing on these rows gives no scale: 1 (and
        // stays finite, which the JSON metadata needs).
        func ratio(_ twin: Double, _ reference: Double) -> Double { reference > 0 ? twin / reference : 1 }
        let count = Double(max(1, 3 * n))
        logL1 = logSum / count
        relativeL1 = tSum > 0 ? absSum / tSum : 0
        relativeMSE = relSq / count
        constantBaselineLogL1 = baseline / count
        energyRatioRGB = (0..<3).map { ratio(twinEnergy[$0], referenceEnergy[$0]) }
        energyRatio = ratio(luminance(twinEnergy.x, twinEnergy.y, twinEnergy.z), luminance(referenceEnergy.x, referenceEnergy.y, referenceEnergy.z))
        imageEnergyRatioRGB = viewCosines == nil ? nil : (0..<3).map { ratio(twinImage[$0], referenceImage[$0]) }
    }
}
