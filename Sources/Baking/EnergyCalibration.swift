import Foundation
import Materials
import NeuralMaterial

/// The last step of a bake: scales the twin's RGB output so that its
/// integrated reflectance matches the reference's (docs/BAKING.md "Smooth lobes").
///
/// **Why:** the log-L1 loss is blind to energy. Where the decoder cannot
/// resolve a lobe (a smooth conductor or coat), it trades the lobe's width
/// against its height freely, and the importance-sampled rows, which sit on
/// the peak, pull the fit towards the peak's height over the whole width it
/// can resolve: the twin comes out 2–4× too bright (measured, BENCHMARKS.md).
/// The decoder ends in exp(z − offset), so a per-channel factor s is exactly
/// log s added to the last layer's bias: the lobe's shape is kept, its
/// brightness under uniform light becomes the reference's.
///
/// The energies are the held-out estimator (`HeldOutErrors.energyRatioRGB`)
/// on rows of their own (another seed than the held-out rows, which then
/// measure the result independently), with the model as the renderer sees it.
enum EnergyCalibration {
    /// RNG purpose of the calibration rows (training rows use 1, held-out rows 2).
    static let rowPurpose: UInt64 = 3
    /// The factor is clamped to [1/limit, limit]: a black twin (a lobe not
    /// learned at all) is not turned into a flat grey one; the verdict flags it.
    static let limit: Float = 8

    /// Per-channel factors twin → reference (1 where a channel gives no scale).
    static func factors(material: Material, parameters: DecoderParameters, latents: LatentPyramid<Float>,
                        settings: BakeSettings) throws -> SIMD3<Float> {
        let rows = try HeldOutRows(material: material, parameters: parameters, latents: latents, settings: settings,
                                   seed: settings.validationSeed, purpose: rowPurpose)
        let errors = rows.errors
        var s = SIMD3<Float>(1, 1, 1)
        for ch in 0..<3 {
            let ratio = Float(errors.energyRatioRGB[ch])
            s[ch] = ratio > 0 && ratio.isFinite ? min(max(1 / ratio, 1 / limit), limit) : 1
        }
        return s
    }

    /// `parameters` with its BRDF output multiplied by `factors` per channel.
    static func scaled(_ parameters: DecoderParameters, by factors: SIMD3<Float>) -> DecoderParameters {
        var p = parameters
        let bias = p.brdfBiasOffsets[p.brdfBiasOffsets.count - 1]
        for ch in 0..<3 { p.values[bias + ch] += logf(factors[ch]) }
        return p
    }
}
