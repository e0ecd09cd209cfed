import Foundation
import Materials

/// Held-out limits a twin must meet to count as usable. The bake still
/// writes a twin that misses them (it may be good enough for a preview), but
/// `lacquer bake` then exits non-zero unless `--allow-poor`, so a black twin
/// cannot pass unnoticed. Calibration on the bundled materials:
/// docs/BAKING.md "Poor bakes".
public struct BakeQualityLimits: Equatable, Sendable {
    /// Below this energy ratio the twin renders visibly too dark.
    public var minimumEnergyRatio: Double
    /// Above this energy ratio the twin renders visibly too bright (washed out).
    public var maximumEnergyRatio: Double
    /// Above this relative L1 the twin's lobes are mostly in the wrong place,
    /// whatever its brightness.
    public var maximumRelativeL1: Double

    public init(minimumEnergyRatio: Double, maximumEnergyRatio: Double, maximumRelativeL1: Double) {
        self.minimumEnergyRatio = minimumEnergyRatio
        self.maximumEnergyRatio = maximumEnergyRatio
        self.maximumRelativeL1 = maximumRelativeL1
    }

    /// The limits `lacquer bake` applies.
    public static let standard = BakeQualityLimits(minimumEnergyRatio: 0.7, maximumEnergyRatio: 1.4, maximumRelativeL1: 0.85)
}

/// Whether a bake's held-out metrics meet `BakeQualityLimits`, and if not,
/// the one line that says which metric failed and what to try.
public struct BakeVerdict: Equatable, Sendable {
    public struct Failure: Equatable, Sendable {
        /// The metric's name as printed (and as in the JSON summary).
        public var metric: String
        public var value: Double
        public var limit: Double
        /// True when the value is below a lower limit.
        public var below: Bool
        /// What a user sees in a render.
        public var symptom: String
    }

    /// Worst first (by how far past its limit, as a factor).
    public let failures: [Failure]
    public var isPoor: Bool { !failures.isEmpty }
    /// The twin's log-L1 is no better than the best constant's: it learned
    /// nothing. With at least the quick preset's budget that is what a
    /// near-mirror lobe gives (the twin settles on the off-peak median, black),
    /// and the message then says to raise the roughness.
    public let learnedNothing: Bool

    public init(metrics m: BakeMetrics, limits: BakeQualityLimits = .standard) {
        learnedNothing = !(m.logL1 < 0.95 * m.constantBaselineLogL1)
        var f: [Failure] = []
        // `!(x >= limit)` so that a NaN metric fails too.
        let energy = m.judgedEnergyRatio
        if !(energy >= limits.minimumEnergyRatio) {
            f.append(Failure(metric: "energy ratio", value: energy, limit: limits.minimumEnergyRatio, below: true,
                             symptom: "the twin renders too dark"))
        } else if !(energy <= limits.maximumEnergyRatio) {
            f.append(Failure(metric: "energy ratio", value: energy, limit: limits.maximumEnergyRatio, below: false,
                             symptom: "the twin renders too bright"))
        }
        if !(m.relativeL1 <= limits.maximumRelativeL1) {
            f.append(Failure(metric: "relative L1", value: m.relativeL1, limit: limits.maximumRelativeL1, below: false,
                             symptom: "the twin's highlights are misplaced or missing"))
        }
        func excess(_ x: Failure) -> Double {
            let r = x.below ? x.limit / max(x.value, 1e-12) : x.value / x.limit
            return r.isNaN ? .infinity : r
        }
        failures = f.sorted { excess($0) > excess($1) }
    }

    /// The roughness below which a lobe did not bake (docs/BAKING.md "Poor bakes").
    static let nearMirror = "roughness below about 0.05"

    /// What to try, from the settings the bake used: a longer preset first,
    /// then a finer latent pyramid.
    public static func advice(for s: BakeSettings) -> String {
        var tries: [String] = []
        let standard = BakeSettings.preset(.standard), high = BakeSettings.preset(.high)
        if s.samples < standard.samples {
            tries.append("a longer bake (--preset standard)")
        } else if s.samples < high.samples {
            tries.append("a longer bake (--preset high)")
        } else {
            tries.append("more --samples")
        }
        if s.resolution < standard.resolution {
            tries.append("a higher --resolution (\(standard.resolution))")
        } else {
            tries.append("another --seed")
        }
        return tries.joined(separator: " or ")
    }

    /// One line: the material, the failing metrics with their limits, what to try.
    /// `allowed`: `--allow-poor` was given (the line is then a warning).
    public func message(material: String, output: String, settings: BakeSettings, allowed: Bool) -> String {
        let what = failures.map { f in
            String(format: "held-out %@ %.3f %@ %.2f (%@)", f.metric, f.value, f.below ? "<" : ">", f.limit, f.symptom)
        }.joined(separator: ", ")
        // Below the quick preset's budget, learning nothing is just starvation.
        let blameLobe = learnedNothing && settings.samples >= BakeSettings.preset(.quick).samples
        let nothing = blameLobe ? "the twin learned no more than a constant, as with a near-mirror lobe (\(Self.nearMirror)), which the decoder does not learn: raise the material's roughness; or " : ""
        let tail = allowed ? "kept because of --allow-poor" : "\(nothing)try \(Self.advice(for: settings)), or pass --allow-poor to accept it"
        return "poor bake of \(material): \(what); \(output) was written; \(tail)"
    }
}

extension BakeMetrics {
    /// The brightness the verdict judges: the image energy ratio (luminance)
    /// when the metrics have it, else the uniform one. The calibration
    /// matches the image ratio, and the uniform one drifts with a twin's
    /// view dependence (the quick car paint: image 0.98, uniform 1.29), which
    /// a render does not show as such.
    public var judgedEnergyRatio: Double {
        guard let r = imageEnergyRatioRGB, r.count == 3 else { return energyRatio }
        return luminance(r[0], r[1], r[2])
    }
}
