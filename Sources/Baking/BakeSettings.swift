import Foundation
import Materials
import NeuralMaterial

/// The three bake presets (docs/BAKING.md has the measured cost of each).
public enum BakePreset: String, Codable, CaseIterable, Sendable {
    /// 512×512 latents and a sixth of standard's samples, a few minutes on 2 cores: previews and the demo.
    case quick
    /// 512×512 latents, the default.
    case standard
    /// 1024×1024 latents and a larger sample budget.
    case high
}

/// Every knob of a bake. Stored (JSON, sorted keys) in the checkpoint, so a
/// resumed bake continues with exactly the settings it started with, and in
/// the `.nmat` metadata (`training`), so a file says how it was made.
///
/// Nothing timing-dependent lives here except `seconds`, and that one is
/// resolved into `totalSteps` once (see `Baker`) and stored as such.
public struct BakeSettings: Codable, Equatable, Sendable {
    public var preset: BakePreset
    /// Latent width = height at the finest level.
    public var resolution: Int
    /// Number of latent mip levels (1 … full chain).
    public var levels: Int
    /// BRDF decoder shape, "2x16" / "2x32" / "3x64" (set it with `selectDecoder`,
    /// which brings the shape's training recipe along).
    public var decoder: String
    /// The directions the BRDF decoder sees per learned frame (`FrameInputs`).
    /// nil = the paper's wi, wo: optional so the settings JSON of bakes made
    /// before the option (checkpoints, `.nmat` metadata) keeps its bytes.
    public var frameInputs: FrameInputs?
    /// The frame inputs trained (the paper's wi, wo unless `frameInputs` says otherwise).
    public var frameInputsInUse: FrameInputs { frameInputs ?? .incidentOutgoing }
    /// The BRDF decoder's hidden-layer nonlinearity (`HiddenActivation`);
    /// nil = ReLU, optional for the same reason as `frameInputs`.
    public var activation: HiddenActivation?
    /// The hidden-layer activation trained (ReLU unless `activation` says otherwise).
    public var activationInUse: HiddenActivation { activation ?? .relu }
    /// Training samples (BRDF rows) in total; `totalSteps = ⌈samples / batch⌉`.
    public var samples: Int
    /// Wall-clock budget; when set, `samples` is re-derived from the measured
    /// throughput after a few steps (not deterministic across runs).
    public var seconds: Double?
    public var seed: UInt64
    /// Rows per optimisation step (BRDF and sampler use the same rows).
    public var batch: Int
    /// Worker threads. The gradient reduction order depends on it, so the same
    /// thread count is part of "same settings → same bytes".
    public var threads: Int

    // Schedule.
    /// Share of the steps in the encoder phase (then latents + decoders).
    public var encoderFraction: Double = 0.3
    /// Share of the steps with the early cone smoothing of the targets.
    public var smoothingFraction: Double = 0.1
    /// Initial half-angle of the smoothing cone in degrees (→ 0 linearly).
    public var smoothingDegrees: Double = 10
    public var learningRate: Double = 1e-3
    public var finalLearningRate: Double = 1e-4
    /// Latent learning rate = this × the decoder learning rate (sparse Adam:
    /// each texel is updated only when a sample touches it).
    public var latentLearningRateScale: Double = 10

    // Data.
    /// Share of each batch (whole 256-row chunks) the sampler trains on: the
    /// sampler step costs as much as the BRDF step, and its loss converges
    /// with fewer rows.
    public var samplerShare: Double = 0.5
    /// Share of rows whose wo is importance-sampled from the reference.
    public var importanceShare: Double = 0.25
    /// P(level l) ∝ levelBias^l (bias towards fine levels).
    public var levelBias: Double = 0.5
    /// Jittered Gaussian uv taps per target at levels ≥ 1 (and during smoothing).
    public var footprintTaps: Int = 4
    /// Taps at levels ≥ 1 for the rows that measure a twin (held-out,
    /// calibration, copy selection): at least 8, so a coarse target's own
    /// noise stays small next to the error measured.
    public var measurementTaps: Int { max(8, footprintTaps) }
    /// Draw a target's footprint taps stratified (`FootprintPattern`: one
    /// angular sector and one radial band of the Gaussian per tap under a
    /// shared random rotation) instead of independently. Every tap is still
    /// Gaussian, so the average stays unbiased, with less noise for the same
    /// evaluations. nil = independent taps (bakes made before the option, so
    /// their checkpoints resume unchanged).
    public var stratifiedFootprint: Bool?
    /// Steps each generated row trains (`RowEcho`, data echoing): a step
    /// draws batch/echo fresh rows from the reference and reuses the rest
    /// from earlier steps. nil = 1, every row fresh (bakes made before the
    /// option, so their checkpoints resume unchanged).
    public var echo: Int?
    /// Steps each row trains (`echo`, 1 unless it says more).
    public var echoFactor: Int { echo ?? 1 }
    /// Share of the steps, from the first, that echo (`echo` > 1); nil = all.
    /// The early steps are the dear ones (cone smoothing draws at least four
    /// evaluations per row, the encoder phase runs a network more per row)
    /// and the latent phase after them refines every texel on fresh rows.
    public var echoFraction: Double?
    /// Steps that train on echoed rows (`RowEcho`): the first `echoFraction` of them.
    public var echoSteps: Int {
        echoFactor > 1 ? min(totalSteps, Int(((echoFraction ?? 1) * Double(totalSteps)).rounded())) : 0
    }
    /// Angular prefilter of the reference: every microfacet α is raised to at
    /// least this before targets are made (`Material.withMinimumAlpha`). A
    /// smooth conductor's lobe (α down to 1e-4) is far narrower than the
    /// decoder resolves; trained on it, the twin comes out black or a wide,
    /// too-bright lobe (docs/BAKING.md "Smooth lobes"). nil = no floor (the
    /// settings of bakes made before the option, so their checkpoints resume
    /// unchanged); new bakes get `defaultMinimumAlpha`.
    public var minimumAlpha: Double?
    /// Measured on the corpus's smooth metals (docs/BENCHMARKS.md "Held-out
    /// metrics and the poor-bake verdict"); roughness √α ≈ 0.2, below every
    /// bundled material's.
    public static let defaultMinimumAlpha = 0.04
    /// Scale the finished twin's output per channel so its integrated
    /// reflectance matches the reference's (`EnergyCalibration`). nil = off
    /// (bakes made before the option); new bakes: true.
    public var energyCalibration: Bool?
    /// Calibration rows per latent level (`EnergyCalibration`). nil = 2048
    /// (settings written before the option). On car paint, the glintiest
    /// bundled material, 2048 rows per level scattered the coarse levels'
    /// factors by ±5–15 % between seeds, 8192 by ±1–4 % (docs/BAKING.md);
    /// rows are cheap next to training (2048 × 10 levels: 0.3 s of a release
    /// build on 2 cores), so quick takes 8192 and standard and high 32768.
    public var calibrationRowsPerLevel: Int?
    public var calibrationRows: Int { calibrationRowsPerLevel ?? 2048 }
    /// Encoder hidden widths (ReLU); output = latent channels.
    public var encoderHidden: [Int] = [64, 64]

    // Multi-copy training (`CopyPruningSchedule`).
    /// Decoder copies trained side by side and pruned to the best; nil = 1.
    /// Optional so a single-copy bake's settings JSON (checkpoint, `.nmat`
    /// metadata) stays byte-identical to bakes made before the option.
    public var copies: Int?
    /// Decoder copies trained (1 unless `copies` says more).
    public var copyCount: Int { copies ?? 1 }

    /// How a 2×16 decoder is trained unless told otherwise: the 2026
    /// follow-up's recipe (PAPER.md "Since the paper") plus the log-stretched
    /// half angle among its inputs. Each part measured better for the 2×16
    /// on the bundled materials (docs/BENCHMARKS.md "Multi-copy training":
    /// lacquered wood's FLIP 0.0443 with four ReLU copies on wi, wo → 0.0368
    /// with the follow-up's h-d inputs → 0.0285 with h-d-l, under its 2×32's
    /// 0.0312), while a plain 2×16 depends on its seed. `selectDecoder`
    /// applies it; the CLI's options then override each part.
    public static let compactDecoderRecipe = (activation: HiddenActivation.smoothReLU, frameInputs: FrameInputs.halfDifferenceLogAngle, copies: 4)

    /// The decoder a bake trains unless told otherwise: the 2×16 with its
    /// recipe, since with it every bundled material's twin is within 10 % of
    /// its 2×32's FLIP at a third of the multiply–adds per hit
    /// (docs/BENCHMARKS.md "Multi-copy training").
    public static let defaultDecoder = "2x16"

    /// Sets the decoder shape as `lacquer bake --decoder NAME` does: a 2×16
    /// comes with `compactDecoderRecipe`, a larger one with the paper's
    /// training (ReLU on wi, wo, one copy).
    public mutating func selectDecoder(_ name: String) {
        decoder = name.lowercased()
        guard decoder == "2x16" else {
            activation = nil; frameInputs = nil; copies = nil
            return
        }
        let recipe = Self.compactDecoderRecipe
        activation = recipe.activation
        frameInputs = recipe.frameInputs
        copies = recipe.copies
    }

    /// The architecture `lacquer bake --decoder NAME` bakes when no other
    /// option is given: what `lacquer bench shading` times for that size.
    public static func bakedArchitecture(decoder name: String) throws -> NeuralArchitecture {
        var s = BakeSettings()
        s.selectDecoder(name)
        return try s.architecture
    }

    // Held-out validation.
    public var validationSamples: Int = 16_384
    public var validationSeed: UInt64 = 0x76616c69_64617465

    public init(preset: BakePreset = .standard, seed: UInt64 = 1, threads: Int? = nil) {
        self.preset = preset
        self.seed = seed
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        decoder = Self.defaultDecoder
        // Quick and standard: the same rows in more, smaller steps. Car
        // paint's flakes are limited by optimisation steps (standard FLIP
        // 0.086 at batch 4096, 0.075 at 2048, 0.065 at 1024, 0.064 at 512;
        // quick 0.149 → 0.102 from 4096 to 1024), the wood's held-out error
        // fell by a third, and the wall time is set by the reference rows,
        // not the step count (docs/BENCHMARKS.md). High: not measured.
        batch = 1024
        seconds = nil
        switch preset {
        case .quick:
            // 512² like standard: at 64² a car-paint flake (1/160 of the uv)
            // was 0.4 texels and the quick twin lost the flakes; at 512² the
            // same samples keep them for ≈ 10 % more time (docs/BENCHMARKS.md).
            resolution = 512
            samples = 40_000_000
            calibrationRowsPerLevel = 8192
        case .standard:
            resolution = 512
            samples = 240_000_000
            calibrationRowsPerLevel = 32768
        case .high:
            resolution = 1024
            samples = 800_000_000
            batch = 4096
            calibrationRowsPerLevel = 32768
        }
        levels = LatentPyramid<Float>.fullLevelCount(width: resolution, height: resolution)
        minimumAlpha = Self.defaultMinimumAlpha
        energyCalibration = true
        selectDecoder(Self.defaultDecoder)
    }

    /// The material as the baker samples and judges it: `minimumAlpha` applied.
    public func prefiltered(_ material: Material) -> Material {
        guard let minimumAlpha, minimumAlpha > 0 else { return material }
        return material.withMinimumAlpha(Float(minimumAlpha))
    }

    public static func preset(_ p: BakePreset, seed: UInt64 = 1, threads: Int? = nil) -> BakeSettings {
        BakeSettings(preset: p, seed: seed, threads: threads)
    }

    public var architecture: NeuralArchitecture {
        get throws {
            var a = try NeuralArchitecture(decoder: decoder)
            a.frameInputs = frameInputsInUse
            a.brdfActivation = activationInUse
            return a
        }
    }

    public var totalSteps: Int { max(1, (samples + batch - 1) / batch) }
    public var encoderSteps: Int { min(totalSteps, Int((encoderFraction * Double(totalSteps)).rounded())) }
    public var smoothingSteps: Int { min(totalSteps, Int((smoothingFraction * Double(totalSteps)).rounded())) }

    /// Checks ranges; every message is one line naming the option.
    public func validate() throws {
        func bad(_ s: String) -> BakeError { .invalidSettings(s) }
        do { _ = try architecture } catch { throw bad("--decoder \(decoder): use 2x16, 2x32 or 3x64 (LAYERSxWIDTH)") }
        guard (1...8192).contains(resolution) else { throw bad("--resolution \(resolution): must be in 1...8192") }
        let full = LatentPyramid<Float>.fullLevelCount(width: resolution, height: resolution)
        guard (1...full).contains(levels) else { throw bad("--levels \(levels): must be in 1...\(full) for resolution \(resolution)") }
        guard samples >= 1 else { throw bad("--samples \(samples): must be at least 1") }
        if let seconds { guard seconds > 0, seconds.isFinite else { throw bad("--seconds \(seconds): must be positive") } }
        guard (16...65_536).contains(batch) else { throw bad("--batch \(batch): must be in 16...65536") }
        if let copies, !(1...CopyPruningSchedule.maximumCopies).contains(copies) {
            throw bad("--copies \(copies): must be in 1...\(CopyPruningSchedule.maximumCopies)")
        }
        if let echo {
            guard (1...RowEcho.maximumFactor).contains(echo) else { throw bad("--echo \(echo): must be in 1...\(RowEcho.maximumFactor)") }
            let unit = echo * TrainingDataGenerator.chunkRows
            guard echo == 1 || batch % unit == 0 else {
                throw bad("--echo \(echo) needs a --batch that is a multiple of \(unit) (\(echo) × \(TrainingDataGenerator.chunkRows)-row chunks); --batch is \(batch)")
            }
        }
        guard (1...256).contains(threads) else { throw bad("--threads \(threads): must be in 1...256") }
        guard (0...1).contains(encoderFraction), (0...1).contains(smoothingFraction), (0...1).contains(importanceShare),
              (0...1).contains(echoFraction ?? 1), samplerShare > 0, samplerShare <= 1 else {
            throw bad("encoder/smoothing/importance/echo fractions must be in 0...1")
        }
        if let minimumAlpha { guard minimumAlpha.isFinite, (0...1).contains(minimumAlpha) else { throw bad("minimumAlpha \(minimumAlpha): must be in 0...1") } }
        guard levelBias > 0, footprintTaps >= 1, validationSamples >= 16, calibrationRows >= 16 else { throw bad("levelBias > 0, footprintTaps ≥ 1, validationSamples ≥ 16, calibrationRowsPerLevel ≥ 16 required") }
        guard learningRate > 0, finalLearningRate > 0, latentLearningRateScale > 0 else { throw bad("learning rates must be positive") }
    }

    /// Stable JSON (sorted keys) for checkpoints and `.nmat` metadata.
    public func jsonString() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        guard let d = try? enc.encode(self) else { return "{}" }
        return String(decoding: d, as: UTF8.self)
    }

    public static func fromJSON(_ s: String) throws -> BakeSettings {
        do { return try JSONDecoder().decode(BakeSettings.self, from: Data(s.utf8)) } catch {
            throw BakeError.badCheckpoint(file: "", detail: "settings JSON does not decode: \(error)")
        }
    }
}

/// Bake failures: one line each, naming the file or option and what to do.
public enum BakeError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidSettings(String)
    case badCheckpoint(file: String, detail: String)
    case checkpointMismatch(file: String, detail: String)
    case io(file: String, detail: String)
    case diverged(step: Int)

    public var description: String {
        switch self {
        case let .invalidSettings(s): return s
        case let .badCheckpoint(file, detail): return "\(file): not a usable bake checkpoint (\(detail))"
        case let .checkpointMismatch(file, detail): return "\(file): \(detail)"
        case let .io(file, detail): return "\(file): \(detail)"
        case let .diverged(step): return "training diverged (non-finite loss) at step \(step); try a smaller --batch or another --seed"
        }
    }
}
