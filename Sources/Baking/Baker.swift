import Foundation
import Materials
import NeuralMaterial

/// What the baker reports while it runs (the CLI throttles and prints it).
public struct BakeProgress: Sendable {
    /// "features", "encoder", "latents", "validation".
    public var phase: String
    public var step: Int
    public var totalSteps: Int
    /// Exponential moving average of the BRDF log-L1 training loss.
    public var loss: Double
    /// Exponential moving average of the sampler KL (cross-entropy) loss.
    public var samplerLoss: Double
    /// Training rows per second in this session.
    public var samplesPerSecond: Double
    /// Seconds spent in this session.
    public var elapsed: Double
    public var eta: Double
}

/// Held-out metrics of the final model as the renderer sees it (fp16 weights
/// and latents), stored in the `.nmat` metadata (`metrics`).
public struct BakeMetrics: Codable, Equatable, Sendable {
    /// mean |log(f̂ + ε) − log(f + ε)| over rows × RGB, ε = LogL1Loss.offset (the training loss).
    public var logL1: Double
    /// Σ|f̂ − f| / Σ f over rows × RGB.
    public var relativeL1: Double
    /// mean (f̂ − f)² / (f² + 0.01) over rows × RGB.
    public var relativeMSE: Double
    /// KL(p_ref ‖ q) = E_{wo∼p_ref}[log p_ref(wo) − log q(wo)] between the
    /// reference's own sampling pdf and the neural sampler (nats).
    public var samplerKL: Double
    /// log-L1 of the best constant per channel (the median target): a
    /// trivial baseline to compare `logL1` with.
    public var constantBaselineLogL1: Double
    /// Twin's / reference's integrated cosine-weighted reflectance, luminance
    /// (`HeldOutErrors.energyRatio`): 0 = a black twin, 1 = as bright as the reference.
    public var energyRatio: Double
    /// The same per RGB channel.
    public var energyRatioRGB: [Double]
    /// Per RGB channel, the ratio with each row also weighted by cos θi: the
    /// brightness of the twin's image against the reference's under uniform
    /// light (`HeldOutErrors.imageEnergyRatioRGB`), what the calibration
    /// matches. nil in metrics written before it.
    public var imageEnergyRatioRGB: [Double]? = nil
    public var validationSamples: Int
    public var validationSeed: UInt64
    /// The per-channel factors `EnergyCalibration` applied to the twin's
    /// output before these metrics were measured, at level 0 (folded into
    /// the decoder; nil: not calibrated).
    public var energyCalibrationFactors: [Double]? = nil
    /// The `.nmat`'s per-level output scales (relative to level 0, level 0
    /// first; nil: none).
    public var energyCalibrationLevelScales: [[Double]]? = nil
}

public struct BakeSummary: Sendable {
    public var output: String
    public var metrics: BakeMetrics
    public var steps: Int
    public var samples: Int
    /// Wall time of the whole bake (all sessions, features and validation included).
    public var seconds: Double
    /// Training rows per second in this session.
    public var samplesPerSecond: Double
    public var settings: BakeSettings
    /// Multi-copy bakes: every pruning decision, the final choice last (empty for one copy).
    public var copyPruning: [CopyPruningRecord]
    /// The copy written (0 for a single-copy bake).
    public var keptCopy: Int
    /// This session's wall time by phase.
    public var phaseSeconds: BakePhaseTimes
}

public enum BakeOutcome: Sendable {
    case completed(BakeSummary)
    /// Stopped at a step boundary; the checkpoint holds everything to resume.
    case interrupted(checkpoint: String, step: Int, totalSteps: Int)
}

/// The distillation loop (docs/BAKING.md):
///
/// 1. probe-feature pyramid (encoder inputs, prefiltered per level);
/// 2. **encoder phase** (`encoderSteps`): latent(row) = encoder(bilinear
///    features at the row's uv and level), trained jointly with the decoders;
/// 3. bake the encoder over every texel and level into the latent pyramid and
///    drop it;
/// 4. **latent phase**: fine-tune latents (sparse per-texel Adam) + decoders;
/// 5. held-out validation, `.nmat` written atomically, checkpoint removed.
///
/// Each step: rows from the reference (`TrainingDataGenerator`), BRDF
/// log-L1 step and sampler KL step (`DecoderTrainer`, latents detached for
/// the sampler), Adam β = (0.9, 0.999), ε = 1e-7, cosine 1e-3 → 1e-4.
///
/// With `settings.copies` > 1 every live decoder copy takes that step on the
/// same rows, the shared latents follow the mean of their latent gradients,
/// and the worse half is pruned at 25/50/75 % of the steps
/// (`CopyPruningSchedule`, docs/BAKING.md "Multi-copy training").
///
/// Determinism: a step's data depends only on (seed, step, chunk); every
/// reduction runs over a fixed shard partition in a fixed order; so the same
/// settings (thread count included) give the same bytes, and a resumed bake
/// continues bit-for-bit.
public final class Baker {
    public private(set) var settings: BakeSettings
    public let material: Material
    public let materialPath: String
    public let architecture: NeuralArchitecture

    public private(set) var step: Int = 0
    private var calibrated = false
    /// Steps between two uses of an echoed row (`RowEcho`); not a setting,
    /// tests shorten it to reach the echo in a few steps.
    var echoDelay = RowEcho.defaultDelay
    /// Whether a bake with two or more threads draws rows ahead (`RowPipeline`);
    /// not a setting (the bytes are the same either way), tests turn it off to compare.
    var drawsRowsAhead = true
    /// `--seconds`: the last phase's estimated cost, once measured in this session.
    private var finalPhaseReserve: Double?
    /// `--seconds`: where this session's latent phase began (step, elapsed seconds).
    private var latentPhaseClock: (step: Int, seconds: Double)?
    private var previousElapsed: Double = 0
    private var lossEMA: Double = 0
    private var samplerLossEMA: Double = 0

    /// Decoder copies (`settings.copyCount`, `CopyPruningSchedule`); a
    /// pruned copy keeps the weights it had when it was dropped.
    public private(set) var copies: [DecoderParameters]
    /// Adam state per copy; nil once the copy is pruned (its moments freed).
    private var copyAdams: [AdamOptimizer?]
    /// Copies still trained, ascending; exactly one once the bake completed.
    public private(set) var liveCopies: [Int]
    /// Pruning decisions so far (the final choice appended at completion).
    public private(set) var copyPruning: [CopyPruningRecord] = []
    /// Index into `CopyPruningSchedule.steps` of the next pruning point.
    private var nextPruningPoint = 0
    /// The decoder that is (or will be) written: the first live copy; after
    /// completion the best one.
    public var parameters: DecoderParameters { copies[liveCopies[0]] }
    private var encoder: EncoderNetwork?
    private var encoderAdam: AdamOptimizer?
    private var features: LatentPyramid<Float>?
    public private(set) var latents: LatentPyramid<Float>
    private var latentAdam: SparseLatentAdam?

    public static let checkpointFormat = "lacquer-bake-checkpoint"
    public static let checkpointVersion = 1

    /// A new bake.
    public init(material: Material, materialPath: String, settings: BakeSettings) throws {
        try settings.validate()
        var settings = settings
        if settings.copies == 1 { settings.copies = nil }   // one copy is the plain bake, byte for byte
        self.material = material
        self.materialPath = materialPath
        self.settings = settings
        let architecture = try settings.architecture
        self.architecture = architecture
        calibrated = settings.seconds == nil
        copies = (0..<settings.copyCount).map {
            DecoderParameters.initialised(architecture: architecture, seed: CopyPruningSchedule.decoderSeed(bakeSeed: settings.seed, copy: $0))
        }
        copyAdams = copies.map { AdamOptimizer(parameterCount: $0.count) }
        liveCopies = Array(0..<settings.copyCount)
        let enc = EncoderNetwork(inputs: ProbeFeatures.count, hidden: settings.encoderHidden, outputs: architecture.latentChannels,
                                 seed: SeedMixer.splitmix(settings.seed ^ 0xe2c0de))
        encoder = enc
        encoderAdam = AdamOptimizer(parameterCount: enc.count)
        latents = LatentPyramid<Float>(width: settings.resolution, height: settings.resolution,
                                       channels: architecture.latentChannels, levelCount: settings.levels)
    }

    public var totalSteps: Int { settings.totalSteps }
    public var inEncoderPhase: Bool { encoder != nil }

    // MARK: - Checkpoints

    /// Everything needed to continue bit-for-bit: settings, step, phase,
    /// decoder + Adam state, encoder + Adam state (encoder phase) or latents
    /// + per-texel Adam state (latent phase). The data generator needs no
    /// state beyond the step (see `SeedMixer`).
    public func checkpointData() -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ v: T) -> String { (try? enc.encode(v)).map { String(decoding: $0, as: UTF8.self) } ?? "{}" }
        var md: [String: String] = [
            "format": Self.checkpointFormat,
            "format_version": String(Self.checkpointVersion),
            "settings": settings.jsonString(),
            "material_path": materialPath,
            "material_name": material.name,
            "material_hash": material.contentHashHex,
            "step": String(step),
            "phase": encoder != nil ? "encoder" : "latents",
            "calibrated": calibrated ? "1" : "0",
            "elapsed_seconds": String(previousElapsed + sessionElapsed()),
            "loss_ema": String(lossEMA),
            "sampler_loss_ema": String(samplerLossEMA),
        ]
        var tensors: [SafeTensor] = []
        if settings.copyCount == 1, let adam = copyAdams[0] {   // the single-copy layout of version 1
            md["decoder_adam"] = json(adam)
            tensors.append(SafeTensor(name: "decoder", shape: [copies[0].count], float32: copies[0].values))
        } else {
            md["live_copies"] = liveCopies.map(String.init).joined(separator: ",")
            md["next_pruning_point"] = String(nextPruningPoint)
            md["copy_pruning"] = json(copyPruning)
            for (k, copy) in copies.enumerated() {
                tensors.append(SafeTensor(name: "decoder.copy.\(k)", shape: [copy.count], float32: copy.values))
                if let adam = copyAdams[k] { md["decoder_adam.copy.\(k)"] = json(adam) }
            }
        }
        if let encoder, let encoderAdam {
            md["encoder_adam"] = json(encoderAdam)
            tensors.append(SafeTensor(name: "encoder", shape: [encoder.count], float32: encoder.values))
        } else if let latentAdam {
            for (l, lv) in latents.levels.enumerated() {
                let shape = [lv.height, lv.width, lv.channels]
                tensors.append(SafeTensor(name: "latents.\(l)", shape: shape, float32: lv.values))
                tensors.append(SafeTensor(name: "adam_m.\(l)", shape: shape, float32: latentAdam.m[l]))
                tensors.append(SafeTensor(name: "adam_v.\(l)", shape: shape, float32: latentAdam.v[l]))
                tensors.append(SafeTensor(name: "adam_t.\(l)", shape: [lv.height, lv.width], float32: latentAdam.t[l]))
            }
        }
        return SafeTensorsFile(tensors: tensors, metadata: md).serialized()
    }

    public func writeCheckpoint(to path: String) throws {
        do { try NeuralMaterialFile.atomicWrite(checkpointData(), to: path) } catch {
            throw BakeError.io(file: path, detail: "cannot write checkpoint: \(error)")
        }
    }

    /// Material path stored in a checkpoint (so `--resume` can omit it).
    public static func checkpointMaterialPath(_ path: String) throws -> String {
        let st = try readCheckpointFile(path)
        guard let p = st.metadata["material_path"] else { throw BakeError.badCheckpoint(file: path, detail: "metadata 'material_path' missing") }
        return p
    }

    static func readCheckpointFile(_ path: String) throws -> SafeTensorsFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw BakeError.io(file: path, detail: "cannot read checkpoint: \((error as NSError).localizedDescription)")
        }
        let st: SafeTensorsFile
        do { st = try SafeTensorsFile.parse(data, file: path) } catch {
            throw BakeError.badCheckpoint(file: path, detail: "\(error)")
        }
        guard st.metadata["format"] == checkpointFormat else {
            throw BakeError.badCheckpoint(file: path, detail: "metadata 'format' is not \(checkpointFormat); pass the .ckpt file written by `lacquer bake`")
        }
        guard st.metadata["format_version"] == String(checkpointVersion) else {
            throw BakeError.badCheckpoint(file: path, detail: "checkpoint version \(st.metadata["format_version"] ?? "?") is not \(checkpointVersion)")
        }
        return st
    }

    /// Restores a bake from a checkpoint. The material must be the one the
    /// checkpoint was made from (content hash).
    public init(resume path: String, material: Material, materialPath: String) throws {
        let st = try Self.readCheckpointFile(path)
        let md = st.metadata
        func field(_ k: String) throws -> String {
            guard let v = md[k] else { throw BakeError.badCheckpoint(file: path, detail: "metadata '\(k)' missing") }
            return v
        }
        func floats(_ name: String, _ count: Int) throws -> [Float] {
            guard let t = st.tensor(named: name), t.dtype == .f32, t.elementCount == count else {
                throw BakeError.badCheckpoint(file: path, detail: "tensor '\(name)' missing or of the wrong size")
            }
            return t.floats()
        }
        var s: BakeSettings
        do { s = try BakeSettings.fromJSON(try field("settings")) } catch { throw BakeError.badCheckpoint(file: path, detail: "settings do not decode") }
        try s.validate()
        guard try field("material_hash") == material.contentHashHex else {
            throw BakeError.checkpointMismatch(file: path, detail: "was made from material '\(md["material_name"] ?? "?")' (hash \(md["material_hash"] ?? "?")) but \(materialPath) has hash \(material.contentHashHex); resume with the same material file")
        }
        self.material = material
        self.materialPath = materialPath
        settings = s
        let arch = try s.architecture
        architecture = arch
        guard let st0 = Int(try field("step")), st0 >= 0, st0 <= s.totalSteps else { throw BakeError.badCheckpoint(file: path, detail: "bad 'step'") }
        step = st0
        calibrated = try field("calibrated") == "1"
        previousElapsed = Double(md["elapsed_seconds"] ?? "0") ?? 0
        lossEMA = Double(md["loss_ema"] ?? "0") ?? 0
        samplerLossEMA = Double(md["sampler_loss_ema"] ?? "0") ?? 0
        let dec = JSONDecoder()
        func decoderCopy(tensor: String, adamKey: String?) throws -> (DecoderParameters, AdamOptimizer?) {
            var p = DecoderParameters(architecture: arch)
            p.values = try floats(tensor, p.count)
            guard let adamKey else { return (p, nil) }
            let adam: AdamOptimizer
            do { adam = try dec.decode(AdamOptimizer.self, from: Data(try field(adamKey).utf8)) } catch {
                throw BakeError.badCheckpoint(file: path, detail: "decoder Adam state '\(adamKey)' does not decode")
            }
            guard adam.parameterCount == p.count else { throw BakeError.badCheckpoint(file: path, detail: "decoder Adam state has the wrong size") }
            return (p, adam)
        }
        if s.copyCount == 1 {
            let (p, adam) = try decoderCopy(tensor: "decoder", adamKey: "decoder_adam")
            copies = [p]; copyAdams = [adam]; liveCopies = [0]
        } else {
            let live = try field("live_copies").split(separator: ",").compactMap { Int($0) }
            guard !live.isEmpty, live == live.sorted(), Set(live).count == live.count, live.allSatisfy({ (0..<s.copyCount).contains($0) }) else {
                throw BakeError.badCheckpoint(file: path, detail: "bad 'live_copies'")
            }
            guard let next = Int(try field("next_pruning_point")), (0...CopyPruningSchedule.fractions.count).contains(next) else {
                throw BakeError.badCheckpoint(file: path, detail: "bad 'next_pruning_point'")
            }
            var ps: [DecoderParameters] = [], adams: [AdamOptimizer?] = []
            for k in 0..<s.copyCount {
                let (p, adam) = try decoderCopy(tensor: "decoder.copy.\(k)", adamKey: live.contains(k) ? "decoder_adam.copy.\(k)" : nil)
                ps.append(p); adams.append(adam)
            }
            copies = ps; copyAdams = adams; liveCopies = live; nextPruningPoint = next
            do { copyPruning = try dec.decode([CopyPruningRecord].self, from: Data(try field("copy_pruning").utf8)) } catch {
                throw BakeError.badCheckpoint(file: path, detail: "'copy_pruning' does not decode")
            }
        }
        latents = LatentPyramid<Float>(width: s.resolution, height: s.resolution, channels: architecture.latentChannels, levelCount: s.levels)
        let phase = try field("phase")
        if phase == "encoder" {
            var enc = EncoderNetwork(inputs: ProbeFeatures.count, hidden: s.encoderHidden, outputs: architecture.latentChannels, seed: 0)
            enc.values = try floats("encoder", enc.count)
            encoder = enc
            do { encoderAdam = try dec.decode(AdamOptimizer.self, from: Data(try field("encoder_adam").utf8)) } catch {
                throw BakeError.badCheckpoint(file: path, detail: "encoder Adam state does not decode")
            }
        } else if phase == "latents" {
            var adam = SparseLatentAdam(shape: latents)
            for l in 0..<latents.levelCount {
                let n = latents.levels[l].values.count
                latents.levels[l].values = try floats("latents.\(l)", n)
                adam.m[l] = try floats("adam_m.\(l)", n)
                adam.v[l] = try floats("adam_v.\(l)", n)
                adam.t[l] = try floats("adam_t.\(l)", latents.levels[l].texelCount)
            }
            latentAdam = adam
        } else {
            throw BakeError.badCheckpoint(file: path, detail: "unknown phase '\(phase)'")
        }
    }

    // MARK: - Training

    private var sessionStart = Date()
    private func sessionElapsed() -> Double { Date().timeIntervalSince(sessionStart) }

    /// Smoothing cone half-angle (radians) at a step: 10° → 0 linearly over the smoothing steps.
    func coneRadians(step: Int) -> Float {
        Self.coneRadians(step: step, smoothingSteps: settings.smoothingSteps, degrees: settings.smoothingDegrees)
    }

    /// The cone at `step` of a plan with `n` smoothing steps starting at `degrees`.
    static func coneRadians(step: Int, smoothingSteps n: Int, degrees: Double) -> Float {
        guard n > 0, step < n else { return 0 }
        return Float(degrees * (1 - Double(step) / Double(n)) * Double.pi / 180)
    }

    /// Runs (or continues) the bake.
    ///
    /// - Parameters:
    ///   - output: the `.nmat` path, written only when complete (temp + rename).
    ///   - checkpoint: checkpoint path (written every `checkpointInterval` s and on interruption).
    ///   - shouldStop: polled at every step boundary (e.g. a SIGINT flag).
    public func run(output: String, checkpoint: String, checkpointInterval: Double = 60,
                    shouldStop: () -> Bool = { false }, progress: (BakeProgress) -> Void = { _ in }) throws -> BakeOutcome {
        sessionStart = Date()
        let threads = settings.threads
        let B = settings.batch
        let C = architecture.latentChannels
        let K = ProbeFeatures.count
        let batch = TrainingBatch(capacity: B)
        let gen = TrainingDataGenerator(material: material, settings: settings)
        let rowEcho = settings.echoFactor > 1 ? RowEcho(factor: settings.echoFactor, batch: B, delay: echoDelay) : nil
        // With a second core the next steps' rows are drawn while a step trains (`RowPipeline`,
        // on threads − 1 background threads); echoed rows are assembled in step order, so an
        // echoing bake draws them in place.
        let drawsAhead = drawsRowsAhead && threads > 1 && rowEcho == nil
        // Then the step trains on one thread, which draws rows whenever it waits for them: on
        // 2 cores a second training thread gained 5 % of a batch-1024 step and cost the row
        // drawing a core; at batch 4096 it was no faster (19.0 s of steps against 16.5–20.8 s
        // over five rounds without it: this machine's noise). With more
        // threads a batch of more than two trainer chunks keeps every thread for its training
        // regions (not measured). The bits do not depend on how many threads train.
        let trainerChunks = (B + DecoderTrainer.defaultChunkRows - 1) / DecoderTrainer.defaultChunkRows
        let trainingWorkers = drawsAhead && (threads == 2 || trainerChunks <= 2) ? 1 : threads
        let trainer = DecoderTrainer(architecture: architecture, maxBatch: B, workers: trainingWorkers)
        let latentRows = UnsafeMutablePointer<Float>.allocate(capacity: B * C); defer { latentRows.deallocate() }
        let dLatents = UnsafeMutablePointer<Float>.allocate(capacity: B * C); defer { dLatents.deallocate() }
        let featureRows = UnsafeMutablePointer<Float>.allocate(capacity: B * K); defer { featureRows.deallocate() }
        var grads = [Float](repeating: 0, count: parameters.count)
        let encoderTrainer = encoder.map { EncoderTrainer(net: $0, maxBatch: B, shards: threads, workers: trainingWorkers) }
        // Multi-copy: each copy's dL/dlatent lands here, their mean in `dLatents`.
        let copyDLatents = UnsafeMutablePointer<Float>.allocate(capacity: settings.copyCount > 1 ? B * C : 0)
        defer { copyDLatents.deallocate() }
        var selectionRows: CopySelectionRows?
        func pruneDueCopies() throws {
            let points = CopyPruningSchedule.steps(totalSteps: totalSteps)
            while nextPruningPoint < points.count, step >= points[nextPruningPoint] {
                if liveCopies.count > 1 {
                    let start = Date()
                    let rows = selectionRows ?? CopySelectionRows(material: material, settings: settings)
                    selectionRows = rows
                    try prune(keeping: CopyPruningSchedule.survivors(of: liveCopies.count), rows: rows, at: step, encoderTrainer: encoderTrainer)
                    times.add(\.copyPruning, since: start)
                }
                nextPruningPoint += 1
            }
        }
        var encoderGrads = [Float](repeating: 0, count: encoder?.count ?? 0)
        var lastCheckpoint = Date()
        var trainedRows = 0
        var times = BakePhaseTimes()

        func report(_ phase: String) {
            let rate = times.steps > 0 ? Double(trainedRows) / times.steps : 0
            let remaining = Double(max(0, totalSteps - step) * B)
            progress(BakeProgress(phase: phase, step: step, totalSteps: totalSteps, loss: lossEMA, samplerLoss: samplerLossEMA,
                                  samplesPerSecond: rate, elapsed: sessionElapsed(), eta: rate > 0 ? remaining / rate : 0))
        }

        if encoder != nil, features == nil {
            report("features")
            let start = Date()
            features = ProbeFeatures.pyramid(material: material, resolution: settings.resolution, levels: settings.levels, workers: threads)
            times.add(\.features, since: start)
        }
        let chunkRows = TrainingDataGenerator.chunkRows
        let chunks = TrainingDataGenerator.chunkCount(rows: B)
        let calibrationStep = step + 6
        // The sampler trains on the first whole chunks covering `samplerShare` of the batch
        // (every chunk holds both proposal strategies in the fixed ratio, so the
        // deterministic-mixture density stays exact).
        let samplerRows = min(B, max(1, Int((settings.samplerShare * Double(chunks)).rounded(.up))) * chunkRows)
        let smoothingDegrees = settings.smoothingDegrees
        let pipeline = drawsAhead
            ? RowPipeline(generator: gen, batchRows: B, seed: settings.seed, tapsAtCoarse: settings.footprintTaps, firstStep: step,
                          endStep: totalSteps, smoothingSteps: settings.smoothingSteps, drawers: threads - 1,
                          cone: { Self.coneRadians(step: $0, smoothingSteps: $1, degrees: smoothingDegrees) })
            : nil
        defer { pipeline?.stop() }

        while step < totalSteps {
            if shouldStop() {
                try writeCheckpoint(to: checkpoint)
                return .interrupted(checkpoint: checkpoint, step: step, totalSteps: totalSteps)
            }
            // Phase switch: bake the encoder into the pyramid and drop it.
            if let enc = encoder, step >= settings.encoderSteps, let f = features {
                report("baking encoder")
                let start = Date()
                latents = EncoderTrainer.bake(net: enc, features: f, workers: threads)
                times.add(\.encoderBake, since: start)
                encoder = nil; encoderAdam = nil; features = nil
                latentAdam = SparseLatentAdam(shape: latents)
            }
            try pruneDueCopies()
            let t0 = Date()
            let cone = coneRadians(step: step)
            let taps = settings.footprintTaps
            let seed = settings.seed
            let s = step
            let rows: TrainingBatch
            if let echo = rowEcho, step < settings.echoSteps {
                echo.assemble(into: batch, step: s) { rows, j in
                    gen.fill(batch: rows, rows: echo.freshRows, seed: seed, step: j, purpose: 1,
                             coneRadians: coneRadians(step: max(j, 0)), tapsAtCoarse: taps, workers: threads)
                }
                rows = batch
            } else if let pipeline {
                pipeline.plan(endStep: totalSteps, smoothingSteps: settings.smoothingSteps)
                rows = pipeline.rows(for: s)
            } else {
                gen.fill(batch: batch, rows: B, seed: seed, step: s, purpose: 1, coneRadians: cone, tapsAtCoarse: taps, workers: threads)
                rows = batch
            }
            times.add(\.rowGeneration, since: t0)
            // Latents per row.
            if let enc = encoder, let f = features, let et = encoderTrainer {
                let fb = SendableBox(featureRows)
                parallelChunks(chunks, workers: trainingWorkers) { c in
                    let lo = c * chunkRows
                    for r in lo..<min(B, lo + chunkRows) {
                        Self.fetch(f, level: Int(rows.level[r]), uv: rows.uv[r], into: fb.value + r * K)
                    }
                }
                et.forward(net: enc, features: featureRows, rows: B, latents: latentRows)
            } else {
                let lat = latents
                let lb = SendableBox(latentRows)
                parallelChunks(chunks, workers: trainingWorkers) { c in
                    let lo = c * chunkRows
                    for r in lo..<min(B, lo + chunkRows) {
                        Self.fetch(lat, level: Int(rows.level[r]), uv: rows.uv[r], into: lb.value + r * C)
                    }
                }
            }
            // Decoders: every live copy on the same rows (pruned copies cost nothing).
            let schedule = CosineSchedule(initial: settings.learningRate, final: settings.finalLearningRate, totalSteps: totalSteps)
            let lr = schedule.learningRate(step: step)
            let live = liveCopies
            let alone = live.count == 1
            var lossBSum = 0.0, lossSSum = 0.0
            if !alone { dLatents.update(repeating: 0, count: B * C) }
            for k in live {
                for i in grads.indices { grads[i] = 0 }
                // `copies[k]` is read inside, so no copy of its weights outlives the Adam update below.
                let (lossB, lossS) = grads.withUnsafeMutableBufferPointer { g -> (Float, Float) in
                    let lb = trainer.brdfStep(parameters: copies[k], latents: latentRows, wi: rows.wi, wo: rows.wo, target: rows.target,
                                              rows: B, gradients: g.baseAddress!, dLatents: alone ? dLatents : copyDLatents)
                    let ls = trainer.samplerStep(parameters: copies[k], latents: latentRows, wi: rows.wi, wo: rows.wo, weights: rows.weight,
                                                 rows: samplerRows, gradients: g.baseAddress!)
                    return (lb, ls)
                }
                guard lossB.isFinite, lossS.isFinite, grads.allSatisfy({ $0.isFinite }) else { throw BakeError.diverged(step: step) }
                if !alone { for i in 0..<(B * C) { dLatents[i] += copyDLatents[i] } }
                lossBSum += Double(lossB); lossSSum += Double(lossS)
                copyAdams[k]!.update(parameters: &copies[k].values, gradients: grads, learningRate: lr)
            }
            if !alone {   // the shared latents follow the mean loss of the live copies
                let scale = 1 / Float(live.count)
                for i in 0..<(B * C) { dLatents[i] *= scale }
            }
            if var enc = encoder, let et = encoderTrainer, var ea = encoderAdam {
                encoderGrads.withUnsafeMutableBufferPointer { et.backward(net: enc, dLatents: dLatents, rows: B, gradients: $0.baseAddress!) }
                encoder = nil; encoderAdam = nil   // unique references: no copy-on-write of the arrays
                ea.update(parameters: &enc.values, gradients: encoderGrads, learningRate: lr)
                encoder = enc; encoderAdam = ea
            } else if var adam = latentAdam {
                latentAdam = nil   // keep the arrays uniquely referenced while mutating
                adam.step(&latents, rows: B, level: rows.level, uv: rows.uv, dLatents: dLatents,
                          learningRate: lr * settings.latentLearningRateScale, workers: trainingWorkers)
                latentAdam = adam
            }
            let a = step == 0 ? 1.0 : 0.02
            lossEMA += a * (lossBSum / Double(live.count) - lossEMA)
            samplerLossEMA += a * (lossSSum / Double(live.count) - samplerLossEMA)
            step += 1
            trainedRows += B
            times.add(encoder != nil ? \.encoderSteps : \.latentSteps, since: t0)

            // --seconds: fix the step budget once from the measured rates.
            if !calibrated, step >= calibrationStep, let budget = settings.seconds {
                let measuredSteps = Double(max(1, trainedRows / B))
                let perStep = times.steps / measuredSteps
                // A later step's cost: this step's work with its rows generated without smoothing
                // (into `batch`, which the next step overwrites; its own random stream).
                func probe() -> Double {
                    let probeStart = Date()
                    gen.fill(batch: batch, rows: B, seed: seed, step: s, purpose: 7, coneRadians: 0, tapsAtCoarse: taps, workers: threads)
                    return Date().timeIntervalSince(probeStart)
                }
                let laterFill = pipeline?.whilePaused(probe) ?? probe()
                // Echoed steps draw only 1/echo of their rows (the timed steps, before the
                // first echo is due, drew all of theirs): the later steps' mean share.
                let echoed = min(1, max(0, ((settings.echoFraction ?? 1) - settings.smoothingFraction) / max(1 - settings.smoothingFraction, 1e-9)))
                let drawnShare = settings.echoFactor > 1 ? 1 - echoed + echoed / Double(settings.echoFactor) : 1
                // Before calibrating, every step of this session was timed: its row time is all of
                // `rowGeneration` (drawn, or with the pipeline waited for), the rest trained.
                let training = max(perStep - times.rowGeneration / measuredSteps, 0)
                // In turn; or overlapped (`RowPipeline`): the rows' work on every thread and the
                // training's on one, shared by all, and never less than the training thread's.
                let laterStep = pipeline == nil ? max(training + laterFill * drawnShare, 0.1 * perStep)
                    : max(training, laterFill * drawnShare + training / Double(threads), 0.1 * perStep)
                let finalPhase = SecondsBudget.finalPhaseSeconds(batchFillSeconds: laterFill, settings: settings, uniform: gen.uniform)
                finalPhaseReserve = finalPhase + SecondsBudget.margin * budget
                let left = budget - (previousElapsed + sessionElapsed()) - finalPhaseReserve!
                let total = SecondsBudget.totalSteps(step: step, secondsLeft: left, smoothingStepCost: perStep,
                                                     laterStepCost: laterStep, smoothingFraction: settings.smoothingFraction)
                settings.samples = total * B
                calibrated = true
            }
            if calibrated, let budget = settings.seconds {
                let elapsed = previousElapsed + sessionElapsed()
                let reserve = finalPhaseReserve ?? SecondsBudget.resumedReserve * budget
                if encoder == nil, latentPhaseClock == nil { latentPhaseClock = (step, elapsed) }
                if let clock = latentPhaseClock, SecondsBudget.refinementPoints.contains(step - clock.step) {
                    // The first estimate extrapolates from six smoothing steps and one
                    // timed batch; the latent phase's own steps are the better measure.
                    let stepCost = (elapsed - clock.seconds) / Double(step - clock.step)
                    settings.samples = SecondsBudget.refinedTotal(step: step, secondsLeft: budget - elapsed - reserve, stepCost: stepCost) * B
                }
                // Whatever the estimates said, training ends when the budget's last phase is due.
                if elapsed + reserve >= budget, step < totalSteps { settings.samples = step * B }
            }
            report(encoder != nil ? "encoder" : "latents")
            if Date().timeIntervalSince(lastCheckpoint) >= checkpointInterval, step < totalSteps {
                try writeCheckpoint(to: checkpoint)
                lastCheckpoint = Date()
            }
        }
        if let enc = encoder, let f = features {   // encoderFraction = 1
            let start = Date()
            latents = EncoderTrainer.bake(net: enc, features: f, workers: threads)
            times.add(\.encoderBake, since: start)
            encoder = nil; encoderAdam = nil; features = nil
        }
        try pruneDueCopies()
        if liveCopies.count > 1 {   // the final choice among the survivors
            let start = Date()
            let rows = selectionRows ?? CopySelectionRows(material: material, settings: settings)
            try prune(keeping: 1, rows: rows, at: step, encoderTrainer: nil)
            times.add(\.copyPruning, since: start)
        }
        var calibration: EnergyCalibration.Result?
        if settings.energyCalibration == true {
            let start = Date()
            defer { times.add(\.calibration, since: start) }
            let c = try EnergyCalibration.calibrate(material: material, parameters: parameters, latents: latents, settings: settings)
            copies[liveCopies[0]] = c.parameters
            calibration = c
        }
        let levelScales = calibration?.levelScales
        report("validation")
        let validationStart = Date()
        var metrics = try Self.validate(material: material, parameters: parameters, latents: latents, levelScales: levelScales, settings: settings)
        times.add(\.validation, since: validationStart)
        func doubles(_ v: SIMD3<Float>) -> [Double] { [Double(v.x), Double(v.y), Double(v.z)] }
        metrics.energyCalibrationFactors = calibration.map { doubles($0.factors[0]) }
        metrics.energyCalibrationLevelScales = levelScales?.map(doubles)
        let file = neuralMaterialFile(metrics: metrics, levelScales: levelScales)
        let writeStart = Date()
        do { try file.write(to: output) } catch { throw BakeError.io(file: output, detail: "\(error)") }
        times.add(\.writing, since: writeStart)
        try? FileManager.default.removeItem(atPath: checkpoint)
        let rate = times.steps > 0 ? Double(trainedRows) / times.steps : 0
        return .completed(BakeSummary(output: output, metrics: metrics, steps: step, samples: step * B,
                                      seconds: previousElapsed + sessionElapsed(), samplesPerSecond: rate, settings: settings,
                                      copyPruning: copyPruning, keptCopy: liveCopies[0], phaseSeconds: times))
    }

    /// Ranks the live copies by held-out log-L1 on `rows` and keeps the best
    /// `count` (`CopyPruningSchedule.ranked`); the others stop training and
    /// lose their Adam state. The rows' latents come from the encoder while
    /// it exists, else from the pyramid.
    private func prune(keeping count: Int, rows: CopySelectionRows, at step: Int, encoderTrainer: EncoderTrainer?) throws {
        let C = architecture.latentChannels
        var lat = [Float](repeating: 0, count: rows.count * C)
        if let enc = encoder, let f = features, let et = encoderTrainer {
            let K = ProbeFeatures.count
            var feat = [Float](repeating: 0, count: et.maxBatch * K)
            var lo = 0
            while lo < rows.count {   // the trainer's buffers hold one batch at a time
                let n = min(et.maxBatch, rows.count - lo)
                feat.withUnsafeMutableBufferPointer { fp in
                    for r in 0..<n { Self.fetch(f, level: Int(rows.level[lo + r]), uv: rows.uv[lo + r], into: fp.baseAddress! + r * K) }
                }
                feat.withUnsafeBufferPointer { fp in
                    lat.withUnsafeMutableBufferPointer { lp in et.forward(net: enc, features: fp.baseAddress!, rows: n, latents: lp.baseAddress! + lo * C) }
                }
                lo += n
            }
        } else {
            lat.withUnsafeMutableBufferPointer { lp in
                for r in 0..<rows.count { Self.fetch(latents, level: Int(rows.level[r]), uv: rows.uv[r], into: lp.baseAddress! + r * C) }
            }
        }
        let candidates = liveCopies
        let losses = try candidates.map { try rows.logL1(parameters: copies[$0], latents: lat, workers: settings.threads) }
        let kept = CopyPruningSchedule.ranked(candidates: candidates, losses: losses).prefix(count).sorted()
        for k in candidates where !kept.contains(k) { copyAdams[k] = nil }
        liveCopies = kept
        copyPruning.append(CopyPruningRecord(step: step, candidates: candidates, losses: losses, kept: kept))
    }

    /// The `.nmat` contents (fp16 tensors). Metadata holds no timing, so
    /// equal settings give equal bytes.
    public func neuralMaterialFile(metrics: BakeMetrics, levelScales: [SIMD3<Float>]? = nil) -> NeuralMaterialFile {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let m = (try? enc.encode(metrics)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let md = NeuralMaterialMetadata(sourceMaterialName: material.name, sourceContentHash: "fnv1a64:" + material.contentHashHex,
                                        trainingSettingsJSON: settings.jsonString(), seed: settings.seed, finalMetricsJSON: m)
        return NeuralMaterialFile(parameters: parameters, latents: latents, metadata: md, levelScales: levelScales)
    }

    /// Bilinear fetch, specialised for the float32 master pyramid (the
    /// generic `LatentPyramid.fetch` goes through witness tables per value
    /// across the module boundary). Same taps, same weights.
    @inline(__always)
    static func fetch(_ p: LatentPyramid<Float>, level: Int, uv: SIMD2<Float>, into out: UnsafeMutablePointer<Float>) {
        let t = p.taps(level: level, uv: uv)
        let C = p.channels
        p.levels[level].values.withUnsafeBufferPointer { v in
            let a = v.baseAddress! + t.offsets[0], b = v.baseAddress! + t.offsets[1]
            let c = v.baseAddress! + t.offsets[2], d = v.baseAddress! + t.offsets[3]
            let w0 = t.weights[0], w1 = t.weights[1], w2 = t.weights[2], w3 = t.weights[3]
            for ch in 0..<C { out[ch] = w0 * a[ch] + w1 * b[ch] + w2 * c[ch] + w3 * d[ch] }
        }
    }

    // MARK: - Validation

    /// Held-out metrics with a fixed seed: rows drawn like training rows (no
    /// smoothing, 8 footprint taps at coarse levels), evaluated with fp16
    /// weights and fp16 latents.
    public static func validate(material: Material, parameters: DecoderParameters, latents: LatentPyramid<Float>,
                                levelScales: [SIMD3<Float>]? = nil, settings: BakeSettings) throws -> BakeMetrics {
        let vseed = settings.validationSeed
        let rows = try HeldOutRows(material: material, parameters: parameters, latents: latents, levelScales: levelScales, settings: settings,
                                   seed: vseed, purpose: 2)
        let n = rows.count, C = rows.latentChannels, errors = rows.errors
        let wi = rows.wi, lat = rows.latents, decoders = rows.decoders
        // Sampler KL against the (prefiltered) reference's own sampling distribution.
        let reference = rows.reference
        var rng = PCG32(seed: vseed, stream: 77)
        var klWi: [SIMD3<Float>] = [], klWo: [SIMD3<Float>] = [], klLat: [Float] = [], klRef: [Float] = []
        for r in 0..<n {
            let smp = reference.sample(wi: wi[r], uv: rows.uv[r], u: SIMD3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat()))
            guard smp.pdf > 0, smp.pdf.isFinite, smp.wo.z > 0 else { continue }
            klWi.append(wi[r]); klWo.append(smp.wo); klRef.append(smp.pdf)
            klLat.append(contentsOf: lat[(r * C)..<((r + 1) * C)])
        }
        var kl = 0.0
        if !klWi.isEmpty {
            let q = try decoders.pdf(latents: klLat, wi: klWi, wo: klWo)
            for j in q.indices { kl += log(Double(klRef[j])) - log(max(Double(q[j]), 1e-12)) }
            kl /= Double(q.count)
        }
        return BakeMetrics(logL1: errors.logL1, relativeL1: errors.relativeL1, relativeMSE: errors.relativeMSE, samplerKL: kl,
                           constantBaselineLogL1: errors.constantBaselineLogL1, energyRatio: errors.energyRatio,
                           energyRatioRGB: errors.energyRatioRGB, imageEnergyRatioRGB: errors.imageEnergyRatioRGB,
                           validationSamples: n, validationSeed: vseed)
    }
}
