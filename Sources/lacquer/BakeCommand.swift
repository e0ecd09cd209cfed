import ArgumentParser
import Baking
import Foundation
import Materials
import NeuralMaterial
import Synchronization

/// Set by the SIGINT handler, polled by the baker at every step boundary.
let bakeInterruptRequested = Atomic<Bool>(false)

/// `lacquer bake MATERIAL -o OUT.nmat`: distil a layered material into a
/// neural material (docs/BAKING.md).
struct BakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bake",
        abstract: "Distil a layered material into a neural material (.nmat): latent pyramid + MLP decoders.",
        discussion: """
        Presets: quick (512², 40 M samples: a few minutes on 2 cores), standard (512², 240 M, the default), high (1024², 800 M).
        Overrides: --resolution --levels --decoder --frame-inputs --samples or --seconds --seed --batch --threads.
        --copies N trains N decoders from different seeds on the same rows, keeps the
        better half by held-out loss at 25, 50 and 75 % of the steps, writes the best.
        A checkpoint (OUT.nmat.ckpt) is written every --checkpoint-every seconds and on Ctrl-C;
        continue with --resume CHECKPOINT. OUT.nmat appears only when the bake completes.
        A poor bake (a black or washed-out twin: held-out metrics past the limits
        in docs/BAKING.md) still writes OUT.nmat but exits with status 3 and one
        line saying what to try, unless --allow-poor.
        """)

    @Argument(help: "Material file (.json, .mtlx, .gltf or .glb), FILE#NAME for one material of a file with several. Optional with --resume (the checkpoint records it).") var material: String?
    @Option(name: .shortAndLong, help: "Output .nmat path (written only when the bake completes); with --all, a directory.") var output: String
    @Flag(help: "Bake every material of the file, one after the other, to OUTPUT/NAME.nmat.") var all = false
    @Option(help: "quick, standard (default) or high.") var preset: String?
    @Option(parsing: .unconditional, help: "Latent resolution (width = height) of the finest level.") var resolution: Int?
    @Option(parsing: .unconditional, help: "Number of latent mip levels (default: the full chain).") var levels: Int?
    @Option(help: "BRDF decoder: 2x16 (default), 2x32 or 3x64. 2x16 trains with the 2026 follow-up's recipe unless told otherwise: --activation smelu --frame-inputs h-d-l --copies 4; 2x32 and 3x64 with the paper's (relu, wi-wo, one copy).") var decoder: String?
    @Option(name: .customLong("frame-inputs"), help: "Directions the BRDF decoder sees per learned frame: wi-wo (the paper), wi-wo-h (adds the half vector), h-d (half and difference vectors, the z of wi and wo: the follow-up paper's 2×16) or h-d-l (h-d and the log-stretched half angle, for sharp coats).") var frameInputs: String?
    @Option(name: .customLong("activation"), help: "The BRDF decoder's hidden-layer nonlinearity: relu (the paper) or smelu (a smooth, leaky ReLU, as the 2026 follow-up trains its 2x16).") var activation: String?
    @Option(parsing: .unconditional, help: "Wall-clock training budget in seconds (derives --samples from the measured speed; not bit-reproducible).") var seconds: Double?
    @Option(parsing: .unconditional, help: "Total training samples (rows); deterministic budget.") var samples: Int?
    @Option(parsing: .unconditional, help: "Random seed (default 1).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Rows per optimisation step (default: 1024 for the quick and standard presets, 4096 for high).") var batch: Int?
    @Option(parsing: .unconditional, help: "Steps each generated training row trains (data echoing: a step draws batch/N fresh rows from the material; 1 = every row fresh). Needs a --batch that is a multiple of N×256.") var echo: Int?
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores). Part of the reproducibility key.") var threads: Int?
    @Option(parsing: .unconditional, help: "Decoder copies trained side by side, pruned to the best by held-out loss (1...\(CopyPruningSchedule.maximumCopies), default 1).") var copies: Int?
    @Option(help: "Checkpoint path (default OUT.nmat.ckpt).") var checkpoint: String?
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: "Seconds between checkpoints (default 60).") var checkpointEvery: Double = 60
    @Option(help: "Continue the bake stored in this checkpoint (settings come from the checkpoint).") var resume: String?
    @Option(name: .customLong("settings"), help: ArgumentHelp("Advanced: a BakeSettings JSON file (as stored in a .nmat's 'training' metadata) used instead of the preset; the other options still override it.", visibility: .hidden)) var settingsFile: String?
    @Flag(name: .customLong("allow-poor"), help: "Accept a poor bake (held-out metrics past the quality limits) with a warning and exit 0 instead of status 3.") var allowPoor = false
    @Flag(help: "Print a JSON summary on stdout at the end.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    static let decoderChoices = ["2x16", "2x32", "3x64"]

    func fail(_ message: String) -> Never { CommandSupport.fail(message) }

    func makeSettings() -> BakeSettings {
        let p: BakePreset
        if let preset {
            guard let v = BakePreset(rawValue: preset.lowercased()) else { fail("--preset \(preset): unknown preset; use quick, standard or high") }
            p = v
        } else {
            p = .standard
        }
        var s = BakeSettings.preset(p, seed: seed ?? 1, threads: threads)
        if let settingsFile {
            do { s = try BakeSettings.fromJSON(String(contentsOfFile: settingsFile, encoding: .utf8)) } catch {
                fail("--settings \(settingsFile): not a BakeSettings JSON file (\(error))")
            }
            if let seed { s.seed = seed }
            if let threads { s.threads = threads }
        }
        if let resolution {
            s.resolution = resolution
            if resolution >= 1 { s.levels = LatentPyramid<Float>.fullLevelCount(width: resolution, height: resolution) }
        }
        if let levels { s.levels = levels }
        if let decoder {
            // The help promises exactly these three shapes (the renderer's shader variants).
            guard BakeCommand.decoderChoices.contains(decoder.lowercased()) else {
                fail("--decoder \(decoder): use one of \(BakeCommand.decoderChoices.joined(separator: ", "))")
            }
            // A 2×16 comes with the follow-up's recipe; the options below override each part.
            s.selectDecoder(decoder)
        }
        if let frameInputs {
            do { s.frameInputs = try FrameInputs(name: frameInputs) } catch { fail("--frame-inputs \(frameInputs): use wi-wo, wi-wo-h, h-d or h-d-l") }
        }
        if let activation {
            do {
                let a = try HiddenActivation(name: activation)
                s.activation = a == .relu ? nil : a
            } catch { fail("--activation \(activation): use relu or smelu") }
        }
        if let seconds, !(seconds.isFinite && seconds > 0) { fail("--seconds \(seconds): must be a positive finite number") }
        if let batch { s.batch = batch }
        if let samples { s.samples = samples }
        if let seconds { s.seconds = seconds }
        if let copies { s.copies = copies == 1 ? nil : copies }
        if let echo { s.echo = echo == 1 ? nil : echo }
        do { try s.validate() } catch { fail("\(error)") }
        return s
    }

    /// The start line's words after the decoder shape: its activation and
    /// frame inputs where they are not the paper's, and its copies.
    static func decoderDetail(_ s: BakeSettings) -> String {
        var parts: [String] = []
        if s.activationInUse != .relu { parts.append(s.activationInUse.rawValue) }
        if s.frameInputsInUse != .incidentOutgoing { parts.append(s.frameInputsInUse.rawValue) }
        return (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))") + (s.copyCount > 1 ? " × \(s.copyCount) copies" : "")
    }

    static func shellQuote(_ s: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:+,@%")
        if !s.isEmpty, s.unicodeScalars.allSatisfy({ safe.contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Fails with one line unless a file can be created in the directory of `path`.
    func checkWritable(_ path: String, what: String) {
        if let problem = CommandSupport.outputPathProblem(path, option: what) { fail(problem) }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let probe = URL(fileURLWithPath: dir).appendingPathComponent(".lacquer-write-test-\(getpid())").path
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            fail("\(path): directory \(dir) is not writable; choose another \(what)")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    /// Exit status of a bake that completed, wrote its .nmat, and missed the quality limits.
    static let poorBakeStatus: Int32 = 3

    func run() throws {
        if all { return try runAll() }
        if let poor = try bakeOne() { Self.endWithPoorBakes([poor], allowed: allowPoor) }
    }

    /// Prints one line per poor bake (a warning with `--allow-poor`, an error
    /// otherwise) and, without `--allow-poor`, exits with `poorBakeStatus`.
    static func endWithPoorBakes(_ lines: [String], allowed: Bool) {
        guard !lines.isEmpty else { return }
        for line in lines { FileHandle.standardError.write(Data("\(allowed ? "warning" : "error"): \(line)\n".utf8)) }
        if !allowed { Foundation.exit(poorBakeStatus) }
    }

    /// Bakes one material; returns the poor-bake line when the twin missed the
    /// quality limits (the .nmat is written either way), nil when it met them.
    func bakeOne() throws -> String? {
        guard output.lowercased().hasSuffix(".nmat") else { fail("-o \(output): the output must be a .nmat file") }
        guard checkpointEvery > 0, checkpointEvery.isFinite else { fail("--checkpoint-every \(checkpointEvery): must be a positive finite number") }
        let ckptPath = checkpoint ?? resume ?? (output + ".ckpt")
        checkWritable(output, what: "-o")
        checkWritable(ckptPath, what: "--checkpoint")

        let baker: Baker
        let materialPath: String
        if let resume {
            let given = [("--preset", preset != nil), ("--settings", settingsFile != nil), ("--resolution", resolution != nil), ("--levels", levels != nil),
                         ("--decoder", decoder != nil), ("--seconds", seconds != nil), ("--samples", samples != nil),
                         ("--seed", seed != nil), ("--batch", batch != nil), ("--threads", threads != nil),
                         ("--copies", copies != nil), ("--frame-inputs", frameInputs != nil), ("--activation", activation != nil),
                         ("--echo", echo != nil)].filter(\.1).map(\.0)
            if !given.isEmpty {
                fail("--resume takes every training setting from the checkpoint; remove \(given.joined(separator: ", "))")
            }
            guard FileManager.default.fileExists(atPath: resume) else { fail("\(resume): checkpoint does not exist") }
            do { materialPath = try material ?? Baker.checkpointMaterialPath(resume) } catch { fail("\(error)") }
            let m: Material
            do { m = try MaterialLoader.loadMaterial(path: materialPath) } catch { fail("\(error)") }
            do { baker = try Baker(resume: resume, material: m, materialPath: materialPath) } catch { fail("\(error)") }
        } else {
            guard let material else { fail("missing MATERIAL argument (a .json, .mtlx, .gltf or .glb file), or pass --resume CHECKPOINT") }
            materialPath = material
            let settings = makeSettings()
            let m: Material
            do { m = try MaterialLoader.loadMaterial(path: material) } catch { fail("\(error)") }
            do { baker = try Baker(material: m, materialPath: materialPath, settings: settings) } catch { fail("\(error)") }
        }

        // Ctrl-C: finish the current step, write a checkpoint, exit 130. A second Ctrl-C kills.
        _ = bakeInterruptRequested.load(ordering: .relaxed)
        signal(SIGINT) { _ in
            bakeInterruptRequested.store(true, ordering: .relaxed)
            signal(SIGINT, SIG_DFL)
        }

        let s = baker.settings
        // The twin learns the BSDF only: a neural material has no emission input.
        if baker.material.isEmissive {
            FileHandle.standardError.write(Data("warning: \(baker.material.name): emission is not baked; the neural twin emits no light (render the layered material to keep it)\n".utf8))
        }
        // The twin's latents cover one uv square: the bake reads set 1 as set 0.
        if baker.material.readsSecondUVSet {
            FileHandle.standardError.write(Data("warning: \(baker.material.name): reads texture-coordinate set 1 (a texture or a texcoord value), which the bake replaces by set 0; the neural twin differs where the mesh's two sets differ (render the layered material to keep it)\n".utf8))
        }
        // A uv-parameterised twin cannot hold a solid texture: it learns the UV-plane slice.
        if baker.material.readsPosition {
            FileHandle.standardError.write(Data("warning: \(baker.material.name): reads the shading position (a solid texture); it is baked on the UV plane with position = (u, v, 0), so the twin's pattern follows uv, not the object\n".utf8))
        }
        if !quiet {
            let what = baker.step > 0 ? "resuming at step \(baker.step) of" : "baking"
            FileHandle.standardError.write(Data("\(what) \(baker.material.name): \(s.preset.rawValue) preset, \(s.resolution)² latents × \(s.levels) levels, decoder \(s.decoder)\(Self.decoderDetail(s)), \(baker.totalSteps) steps × \(s.batch) rows, \(s.threads) threads, seed \(s.seed)\n".utf8))
        }
        let printer = BakeProgressPrinter(enabled: !quiet)
        let outcome: BakeOutcome
        do {
            outcome = try baker.run(output: output, checkpoint: ckptPath, checkpointInterval: checkpointEvery,
                                    shouldStop: { bakeInterruptRequested.load(ordering: .relaxed) },
                                    progress: { printer.update($0) })
        } catch { printer.finish(); fail("\(error)") }
        printer.finish()
        switch outcome {
        case let .interrupted(checkpoint, step, total):
            let q = Self.shellQuote
            let cmd = "lacquer bake \(q(materialPath)) -o \(q(output)) --resume \(q(checkpoint))"
            FileHandle.standardError.write(Data("interrupted at step \(step)/\(total); checkpoint written to \(checkpoint)\nresume with: \(cmd)\n".utf8))
            if json {
                let obj: [String: Any] = ["interrupted": true, "checkpoint": checkpoint, "step": step, "total_steps": total, "resume_command": cmd]
                if let d = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]) { print(String(decoding: d, as: UTF8.self)) }
            }
            Foundation.exit(130)
        case let .completed(summary):
            let m = summary.metrics
            let verdict = BakeVerdict(metrics: m)
            if json {
                var metrics: [String: Any] = ["log_l1": m.logL1, "relative_l1": m.relativeL1, "relative_mse": m.relativeMSE,
                                              "sampler_kl": m.samplerKL, "constant_baseline_log_l1": m.constantBaselineLogL1,
                                              "energy_ratio": m.energyRatio, "energy_ratio_rgb": m.energyRatioRGB,
                                              "validation_samples": m.validationSamples]
                if let f = m.energyCalibrationFactors { metrics["energy_calibration_factors"] = f }
                if let f = m.energyCalibrationLevelScales { metrics["energy_calibration_level_scales"] = f }
                if let r = m.imageEnergyRatioRGB { metrics["image_energy_ratio_rgb"] = r }
                let obj: [String: Any] = [
                    "output": summary.output, "material": materialPath, "material_name": baker.material.name,
                    "preset": s.preset.rawValue, "resolution": s.resolution, "levels": s.levels, "decoder": s.decoder,
                    "activation": s.activationInUse.rawValue, "frame_inputs": s.frameInputsInUse.rawValue,
                    "seed": s.seed, "threads": s.threads, "batch": s.batch,
                    "steps": summary.steps, "samples": summary.samples, "seconds": summary.seconds,
                    "samples_per_second": summary.samplesPerSecond, "metrics": metrics, "copies": s.copyCount, "kept_copy": summary.keptCopy,
                    "copy_pruning": summary.copyPruning.map { ["step": $0.step, "candidates": $0.candidates, "losses": $0.losses, "kept": $0.kept] as [String: Any] },
                    "phase_seconds": Dictionary(uniqueKeysWithValues: summary.phaseSeconds.named.map { ($0.name, $0.seconds) }),
                    "poor": verdict.isPoor, "poor_metrics": verdict.failures.map { $0.metric.lowercased().replacingOccurrences(of: " ", with: "_") },
                ]
                let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
                print(String(decoding: d, as: UTF8.self))
            } else {
                print("wrote \(summary.output): \(summary.steps) steps, \(summary.samples) samples in \(CommandSupport.formatSeconds(summary.seconds)) (\(CommandSupport.formatRate(summary.samplesPerSecond))samples/s)")
                print("time: " + summary.phaseSeconds.named.filter { $0.seconds >= 0.05 }
                    .map { "\($0.name.replacingOccurrences(of: "_", with: " ")) \(CommandSupport.formatSeconds($0.seconds))" }.joined(separator: ", "))
                print(String(format: "held-out (%d pairs): log-L1 %.4f (constant baseline %.4f), relative L1 %.4f, relative MSE %.4f, sampler KL %.3f nats",
                             m.validationSamples, m.logL1, m.constantBaselineLogL1, m.relativeL1, m.relativeMSE, m.samplerKL))
                if let last = summary.copyPruning.last, let i = last.candidates.firstIndex(of: summary.keptCopy) {
                    let pruned = summary.copyPruning.map { "\($0.candidates.count)→\($0.kept.count) at step \($0.step)" }.joined(separator: ", ")
                    print(String(format: "copies: %d, pruned %@; kept copy %d (selection log-L1 %.4f, worst candidate %.4f)", s.copyCount, pruned,
                                 summary.keptCopy, last.losses[i], last.losses.max() ?? 0))
                }
                print(String(format: "held-out energy ratio (twin / reference reflectance, every view alike) %.3f (R %.3f, G %.3f, B %.3f)",
                             m.energyRatio, m.energyRatioRGB[0], m.energyRatioRGB[1], m.energyRatioRGB[2]))
                if let r = m.imageEnergyRatioRGB {
                    print(String(format: "held-out image energy ratio (views weighted as a render sees them; calibrated and judged) R %.3f, G %.3f, B %.3f", r[0], r[1], r[2]))
                }
            }
            guard verdict.isPoor else { return nil }
            return verdict.message(material: baker.material.name, output: summary.output, settings: s, allowed: allowPoor)
        }
    }
}

/// Bake progress: an updating line on a terminal, a plain line every 10 s otherwise.
final class BakeProgressPrinter {
    let enabled: Bool
    let terminal = CommandSupport.stderrIsTerminal
    var last = Date.distantPast
    var lastPhase = ""
    var drewLine = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: BakeProgress) {
        guard enabled else { return }
        let now = Date()
        let phaseChanged = p.phase != lastPhase
        let interval: Double = terminal ? 0.25 : 10
        guard phaseChanged || now.timeIntervalSince(last) >= interval || p.step == p.totalSteps else { return }
        last = now
        lastPhase = p.phase
        let fraction = p.totalSteps > 0 ? Double(p.step) / Double(p.totalSteps) : 1
        let stats = String(format: "loss %.4f  kl %.3f  %@samples/s  ETA %@", p.loss, p.samplerLoss,
                           CommandSupport.formatRate(p.samplesPerSecond), CommandSupport.formatSeconds(p.eta))
        if terminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = String(format: "\r\u{1B}[2Kbake [%@] %3d%% %@ %d/%d  %@", bar, Int(fraction * 100), p.phase, p.step, p.totalSteps, stats)
            FileHandle.standardError.write(Data(line.utf8))
            drewLine = true
        } else {
            FileHandle.standardError.write(Data("bake: \(p.phase) step \(p.step)/\(p.totalSteps) (\(Int(fraction * 100))%), \(stats)\n".utf8))
        }
    }

    func finish() {
        if enabled, terminal, drewLine { FileHandle.standardError.write(Data("\n".utf8)); drewLine = false }
    }
}
