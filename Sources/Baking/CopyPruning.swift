import Foundation
import Materials
import NeuralMaterial

/// Multi-copy training (PAPER.md, "Since the paper"): a compact decoder's
/// quality depends strongly on its initial weights, so `--copies N` trains N
/// decoders from different seeds on the same rows, and at 25 %, 50 % and
/// 75 % of the steps keeps the better half by held-out loss (never fewer
/// than one). At the end the best survivor is the one written.
///
/// **Decision — the latent texture is shared.** The copies differ in their
/// decoder weights (BRDF, sampler, frames) and Adam state only; the latent
/// pyramid (or the encoder that precedes it) is trained on the mean of the
/// live copies' latent gradients. Per-copy latents would multiply the
/// memory (the standard pyramid and its Adam moments are ~35 MB) and the
/// encoder and latent scatter work — the bulk of a step besides the decoder
/// — by N, where the seed variance the follow-up tames is the decoder's.
/// After the last pruning point only the survivors drive the latents.
public enum CopyPruningSchedule {
    /// Shares of the total steps at which the worse half of the live copies is dropped.
    public static let fractions: [Double] = [0.25, 0.5, 0.75]
    /// `--copies` accepts 1 … this (each copy costs a decoder step until pruned).
    public static let maximumCopies = 64

    /// The steps at which pruning happens, ascending (before that step's training).
    public static func steps(totalSteps: Int) -> [Int] {
        fractions.map { Int(($0 * Double(totalSteps)).rounded()) }
    }

    /// How many of `live` copies survive a pruning point: the better half, rounded up.
    public static func survivors(of live: Int) -> Int { max(1, (live + 1) / 2) }

    /// Candidates ordered best first: lower loss, then lower copy index (a
    /// NaN loss counts as the worst), so ties are decided deterministically.
    static func ranked(candidates: [Int], losses: [Double]) -> [Int] {
        zip(candidates, losses).sorted { a, b in
            let la = a.1.isNaN ? .infinity : a.1, lb = b.1.isNaN ? .infinity : b.1
            return la != lb ? la < lb : a.0 < b.0
        }.map(\.0)
    }

    /// Seed of copy `index`'s initial decoder weights; copy 0 has the
    /// single-copy bake's seed, so `--copies 1` is today's bake exactly.
    static func decoderSeed(bakeSeed: UInt64, copy index: Int) -> UInt64 {
        let base = SeedMixer.splitmix(bakeSeed ^ 0xdec0de)
        return index == 0 ? base : SeedMixer.splitmix(base &+ UInt64(index))
    }
}

/// One pruning decision, kept in the checkpoint and reported by the bake.
public struct CopyPruningRecord: Codable, Equatable, Sendable {
    /// The step before which it happened (`totalSteps` for the final choice).
    public var step: Int
    /// Copy indices evaluated, ascending.
    public var candidates: [Int]
    /// Held-out log-L1 of each candidate (same order).
    public var losses: [Double]
    /// Copies kept, ascending.
    public var kept: [Int]
}

/// The held-out rows copies are ranked on: drawn like the validation rows
/// (no smoothing, ≥ 8 footprint taps) but from their own seed, so the
/// metrics the bake reports are not measured on the rows that chose the copy.
final class CopySelectionRows {
    let count: Int
    let uv: [SIMD2<Float>]
    let level: [Int32]
    let wi: [SIMD3<Float>]
    let wo: [SIMD3<Float>]
    let target: [Float]
    let density: [Float]

    static let seedSalt: UInt64 = 0x636f_7069_6573   // "copies"

    init(material: Material, settings: BakeSettings) {
        let n = settings.validationSamples
        let batch = TrainingBatch(capacity: n)
        let gen = TrainingDataGenerator(material: material, settings: settings)
        gen.fill(batch: batch, rows: n, seed: settings.validationSeed ^ Self.seedSalt, step: 0, purpose: 3, coneRadians: 0,
                 tapsAtCoarse: settings.measurementTaps, workers: settings.threads)
        count = n
        uv = Array(UnsafeBufferPointer(start: batch.uv, count: n))
        level = Array(UnsafeBufferPointer(start: batch.level, count: n))
        wi = Array(UnsafeBufferPointer(start: batch.wi, count: n))
        wo = Array(UnsafeBufferPointer(start: batch.wo, count: n))
        target = Array(UnsafeBufferPointer(start: batch.target, count: 3 * n))
        density = Array(UnsafeBufferPointer(start: batch.density, count: n))
    }

    /// Held-out log-L1 (the training loss) of one decoder on these rows,
    /// given the rows' latents [count × C], with the renderer's fp16 weights.
    func logL1(parameters: DecoderParameters, latents: [Float], workers: Int) throws -> Double {
        let decoders = NeuralDecoders(parameters: parameters)
        decoders.maxWorkers = workers
        let prediction = try decoders.evalBRDF(latents: latents, wi: wi, wo: wo)
        return HeldOutErrors(targets: target, predictions: prediction, densities: density).logL1
    }
}
