import Foundation
import Materials
import NeuralMaterial

/// The last step of a bake: scales the twin's RGB output, per latent level,
/// so that its image under uniform light is as bright as the reference's
/// (docs/BAKING.md "Energy calibration").
///
/// **Why:** the log-L1 loss is blind to energy. Where the decoder cannot
/// resolve a lobe (a smooth conductor or coat), it trades the lobe's width
/// against its height freely, and the importance-sampled rows, which sit on
/// the peak, pull the fit towards the peak's height over the whole width it
/// can resolve: the twin came out 2–4× too bright (measured, BENCHMARKS.md).
/// Where targets vary more than the decoder resolves — a glinty material at
/// the coarse levels, whose targets average a few jittered taps — the fit
/// sits at their median, below their mean: car paint's twin was 4 % too
/// bright at level 0 and 30 % too dark at level 4 after one factor for all.
///
/// **What is measured:** per level, the twin's and the reference's
/// ∫∫ f·cos θo·cos θi dωi dωo (`HeldOutErrors.imageEnergyRatioRGB`): the
/// brightness of a convex object's image, where a surface seen at θi covers
/// a screen area ∝ cos θi. Weighting every view direction alike (the held-out
/// energy ratio) let grazing views, where a twin tends to be too bright,
/// offset head-on ones: lacquered wood rendered 7 % too dark with a uniform
/// ratio of 1.00. Rows of their own (another RNG purpose than the held-out
/// rows, which then measure the result independently), the same number at
/// every level (`BakeSettings.calibrationRows`), with the model as the
/// renderer sees it. Levels 1 and up are smoothed over their neighbours
/// ((1, 2, 1) / 4 in log space: the drift with the level is smooth, the
/// row noise is not); level 0, which close-ups read, is taken as measured.
///
/// **Where the factors go:** level 0's factor is folded into the last
/// layer's bias (the decoder ends in exp(z − offset), so a factor s is
/// exactly log s added to the bias: the lobe's shape is kept, and every
/// reader of the decoders gets level 0 right); the other levels' factors,
/// relative to level 0's, become the file's `levelScales`, which the
/// renderer multiplies in after it picks a level.
enum EnergyCalibration {
    /// RNG purpose of the calibration rows (training rows use 1, held-out rows 2).
    static let rowPurpose: UInt64 = 3
    /// Factors are clamped to [1/limit, limit]: a black twin (a lobe not
    /// learned at all) is not turned into a flat grey one; the verdict flags it.
    static let limit: Float = 8

    struct Result {
        /// Twin → reference factor per level (level 0 first), before splitting.
        var factors: [SIMD3<Float>]
        /// The parameters with level 0's factor in the last bias.
        var parameters: DecoderParameters
        /// factors[l] / factors[0]: the file's `levelScales`.
        var levelScales: [SIMD3<Float>]
    }

    /// `calibrationRows` rows at every level alike, with the twin as the renderer sees it.
    static func levelRows(material: Material, parameters: DecoderParameters, latents: LatentPyramid<Float>,
                          levelScales: [SIMD3<Float>]? = nil, settings: BakeSettings, seed: UInt64, purpose: UInt64) throws -> HeldOutRows {
        var rowSettings = settings
        rowSettings.levelBias = 1
        rowSettings.validationSamples = settings.calibrationRows * settings.levels
        return try HeldOutRows(material: material, parameters: parameters, latents: latents, levelScales: levelScales,
                               settings: rowSettings, seed: seed, purpose: purpose)
    }

    static func calibrate(material: Material, parameters: DecoderParameters, latents: LatentPyramid<Float>,
                          settings: BakeSettings) throws -> Result {
        let rows = try levelRows(material: material, parameters: parameters, latents: latents, settings: settings,
                                 seed: settings.validationSeed, purpose: rowPurpose)
        let measured = (0..<settings.levels).map { level in
            factor(rows: rows, where: { $0 == level })
        }
        let factors = smoothed(measured)
        let levelScales = factors.map { $0 / factors[0] }
        return Result(factors: factors, parameters: scaled(parameters, by: factors[0]), levelScales: levelScales)
    }

    /// 1 / the image energy ratio of the rows at the selected levels, per channel
    /// (1 where a channel gives no scale), clamped.
    static func factor(rows: HeldOutRows, where selected: (Int) -> Bool) -> SIMD3<Float> {
        var t: [Float] = [], y: [SIMD3<Float>] = [], d: [Float] = [], c: [Float] = []
        for r in 0..<rows.count where selected(Int(rows.level[r])) {
            t += rows.targets[(3 * r)..<(3 * r + 3)]
            y.append(rows.predictions[r]); d.append(rows.densities[r]); c.append(rows.wi[r].z)
        }
        let ratios = HeldOutErrors(targets: t, predictions: y, densities: d, viewCosines: c).imageEnergyRatioRGB ?? [1, 1, 1]
        var s = SIMD3<Float>(1, 1, 1)
        for ch in 0..<3 {
            let ratio = Float(ratios[ch])
            s[ch] = ratio > 0 && ratio.isFinite ? min(max(1 / ratio, 1 / limit), limit) : 1
        }
        return s
    }

    /// Level 0 as measured; each level l ≥ 1 the weighted geometric mean of
    /// levels l − 1, l, l + 1 (weights 1, 2, 1; the top level lacks l + 1).
    static func smoothed(_ f: [SIMD3<Float>]) -> [SIMD3<Float>] {
        f.indices.map { l in
            guard l > 0 else { return f[0] }
            var logSum = SIMD3<Float>(), weight: Float = 0
            for (k, w) in [(l - 1, Float(1)), (l, 2), (l + 1, 1)] where k < f.count {
                logSum += w * SIMD3(logf(f[k].x), logf(f[k].y), logf(f[k].z)); weight += w
            }
            let m = logSum / weight
            return SIMD3(expf(m.x), expf(m.y), expf(m.z))
        }
    }

    /// `parameters` with its BRDF output multiplied by `factors` per channel.
    static func scaled(_ parameters: DecoderParameters, by factors: SIMD3<Float>) -> DecoderParameters {
        var p = parameters
        let bias = p.brdfBiasOffsets[p.brdfBiasOffsets.count - 1]
        for ch in 0..<3 { p.values[bias + ch] += logf(factors[ch]) }
        return p
    }
}
