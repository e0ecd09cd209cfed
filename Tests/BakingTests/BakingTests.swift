import Foundation
import XCTest
@testable import Baking
import Materials
import NeuralMaterial

/// Bake-level tests. Budgets are tiny because the test build is unoptimised
/// (debug Swift runs this numeric code ~100× slower than release).
enum BakeTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var conductorPath: String { repositoryRoot.appendingPathComponent("Assets/Materials/conductor.json").path }

    static func conductor() throws -> Material { try MaterialLoader.loadMaterial(path: conductorPath) }

    /// A tiny deterministic configuration (4² latents, 3 levels, 2×16 decoder).
    static func tinySettings(samples: Int, batch: Int = 128, validation: Int = 1024) -> BakeSettings {
        var s = BakeSettings.preset(.quick, seed: 7, threads: 2)
        s.resolution = 4
        s.levels = 3
        // The paper's plain 2×16 (one ReLU copy on wi, wo): the cheapest bake,
        // what these tests were written against; the recipe has its own tests.
        s.selectDecoder("2x16")
        s.activation = nil; s.frameInputs = nil; s.copies = nil
        s.batch = batch
        s.samples = samples
        s.validationSamples = validation
        return s
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-bake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("lacquer")
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// Starts the built `lacquer`; stdout to a pipe, stderr to a file (neither can block the child).
    static func start(_ args: [String]) throws -> (Process, Pipe, URL) {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.currentDirectoryURL = repositoryRoot
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-bake-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: errURL)
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        return (p, out, errURL)
    }

    static func finish(_ started: (Process, Pipe, URL)) -> Result {
        let (p, out, errURL) = started
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let e = (try? Data(contentsOf: errURL)) ?? Data()
        try? FileManager.default.removeItem(at: errURL)
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func run(_ args: [String]) throws -> Result { finish(try start(args)) }

    static func bake(_ settings: BakeSettings, material: Material, to path: String,
                     stopAfter: Int? = nil, checkpoint: String? = nil) throws -> BakeOutcome {
        let baker = try Baker(material: material, materialPath: conductorPath, settings: settings)
        return try baker.run(output: path, checkpoint: checkpoint ?? path + ".ckpt", checkpointInterval: 1e9,
                             shouldStop: { stopAfter.map { baker.step >= $0 } ?? false })
    }
}

final class DirectionSamplingTests: XCTestCase {
    /// The quadrature acceptance A (used in the KL proposal density) agrees
    /// with a Monte Carlo count, and the sampled pairs are mirror pairs
    /// about h whose density matches the closed form's Jacobian.
    func testHalfDifferenceAcceptanceAndPairs() {
        var rng = PCG32(seed: 3)
        var accepted = 0
        let n = 200_000
        for _ in 0..<n {
            let p = HalfDifferenceSampling.pair(SIMD4(rng.nextFloat(), rng.nextFloat(), rng.nextFloat(), rng.nextFloat()))
            XCTAssertEqual((p.wi * p.wi).sum(), 1, accuracy: 1e-4)
            XCTAssertEqual((p.wo * p.wo).sum(), 1, accuracy: 1e-4)
            if p.wi.z > 0, p.wo.z > 0 { accepted += 1 }
        }
        let mc = Double(accepted) / Double(n)
        XCTAssertEqual(HalfDifferenceSampling.upperHemisphereAcceptance, mc, accuracy: 0.005)
        // Density check: ∫∫ p_hd dωi dωo over a region R = P(pair ∈ R). R = {wi.z > 0.5, wo.z > 0.5},
        // integrated by uniform hemisphere sampling of both directions (bounded integrand there).
        var sum = 0.0, hits = 0
        let m = 400_000
        for _ in 0..<m {
            func hemi() -> SIMD3<Float> {
                let z = 1 - rng.nextFloat(), phi = 2 * Float.pi * rng.nextFloat(), s = (1 - z * z).squareRoot()
                return SIMD3(s * cosf(phi), s * sinf(phi), z)
            }
            let a = hemi(), b = hemi()
            if a.z > 0.5, b.z > 0.5, (a + b).z > 0.999 * simd_length(a + b) ? false : true {
                sum += Double(HalfDifferenceSampling.density(wi: a, wo: b)) * 4 * Double.pi * Double.pi
            }
            let p = HalfDifferenceSampling.pair(SIMD4(rng.nextFloat(), rng.nextFloat(), rng.nextFloat(), rng.nextFloat()))
            let h = p.wi + p.wo
            if p.wi.z > 0.5, p.wo.z > 0.5, h.z > 0.999 * simd_length(h) ? false : true { hits += 1 }
        }
        let integral = sum / Double(m), probability = Double(hits) / Double(m)
        XCTAssertEqual(integral, probability, accuracy: 0.06 * probability, "closed-form density does not match the sampler")
    }
}

@inline(__always) private func simd_length(_ v: SIMD3<Float>) -> Float { (v * v).sum().squareRoot() }

final class BakeQualityTests: XCTestCase {
    /// A rough anisotropic GGX conductor (Assets/Materials/conductor.json)
    /// baked with a tiny budget (60k samples, 2×16, 4² latents, batch 128).
    ///
    /// Threshold: the held-out log-L1 must be at most 1/3 of the best
    /// constant-BRDF predictor's (per-channel median of the same held-out
    /// targets, which minimises L1 among constants). A constant cannot
    /// represent the lobe shape at all; being 3× better means the decoder
    /// learned the lobe, Fresnel tint and cosine falloff. Measured: 0.090
    /// vs 0.44 (4.9×) with these settings.
    func testTinyBakeOfRoughConductorBeatsConstantBaseline() throws {
        let material = try BakeTestSupport.conductor()
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("conductor.nmat").path
        var settings = BakeTestSupport.tinySettings(samples: 60_000, validation: 4096)
        // 470 steps instead of the paper's 300k: start 10× higher (1e-2 → 1e-3), as one
        // would for any budget this small; the presets keep the paper's 1e-3 → 1e-4.
        settings.learningRate = 1e-2
        settings.finalLearningRate = 1e-3
        let outcome = try BakeTestSupport.bake(settings, material: material, to: out)
        guard case let .completed(summary) = outcome else { return XCTFail("bake did not complete") }
        let m = summary.metrics
        print("tiny conductor bake: log-L1 \(m.logL1), constant baseline \(m.constantBaselineLogL1), relative L1 \(m.relativeL1), sampler KL \(m.samplerKL)")
        XCTAssertLessThan(m.logL1, m.constantBaselineLogL1 / 3)
        XCTAssertTrue(m.samplerKL.isFinite)
        XCTAssertLessThan(m.samplerKL, 1.0, "the neural sampler should be close to the reference's own sampling pdf")
        // The file is a valid .nmat carrying the metrics.
        let file = try NeuralMaterialFile.load(path: out)
        XCTAssertEqual(file.metadata.sourceMaterialName, "conductor")
        XCTAssertTrue(file.metadata.finalMetricsJSON.contains("logL1"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".ckpt"), "the checkpoint is removed after a completed bake")

        // The phase times account for the bake: both training phases and validation
        // ran, row generation is part of the steps, and the phases add up to
        // (nearly all of) the wall time without exceeding it.
        let t = summary.phaseSeconds
        XCTAssertGreaterThan(t.features, 0)
        XCTAssertGreaterThan(t.encoderSteps, 0)
        XCTAssertGreaterThan(t.latentSteps, 0)
        XCTAssertGreaterThan(t.validation, 0)
        XCTAssertGreaterThan(t.rowGeneration, 0)
        XCTAssertLessThanOrEqual(t.rowGeneration, t.encoderSteps + t.latentSteps)
        let phases = t.named.filter { $0.name != "row_generation" }.map(\.seconds).reduce(0, +)
        XCTAssertLessThanOrEqual(phases, summary.seconds + 1e-3)
        XCTAssertGreaterThan(phases, 0.7 * summary.seconds, "phases \(t.named), bake \(summary.seconds) s")
    }
}

final class BakeDeterminismTests: XCTestCase {
    /// Same seed and settings → identical bytes; a bake stopped (at a step
    /// boundary, checkpoint written) and resumed → identical bytes too, both
    /// with the stop inside the encoder phase and inside the latent phase.
    func testSameSeedSameBytesAndResumeIsBitExact() throws {
        let material = try BakeTestSupport.conductor()
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let settings = BakeTestSupport.tinySettings(samples: 128 * 40, validation: 256)
        XCTAssertEqual(settings.encoderSteps, 12)
        let a = dir.appendingPathComponent("a.nmat").path, b = dir.appendingPathComponent("b.nmat").path
        _ = try BakeTestSupport.bake(settings, material: material, to: a)
        _ = try BakeTestSupport.bake(settings, material: material, to: b)
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a))
        XCTAssertEqual(bytesA, try Data(contentsOf: URL(fileURLWithPath: b)), "same seed, same settings must give the same .nmat")

        var other = settings
        other.seed = 8
        let c = dir.appendingPathComponent("c.nmat").path
        _ = try BakeTestSupport.bake(other, material: material, to: c)
        XCTAssertNotEqual(bytesA, try Data(contentsOf: URL(fileURLWithPath: c)), "another seed should give another bake")

        for stop in [5, 12, 25] {   // encoder phase, exactly at the switch, latent phase
            let out = dir.appendingPathComponent("r\(stop).nmat").path
            let ckpt = out + ".ckpt"
            let first = try BakeTestSupport.bake(settings, material: material, to: out, stopAfter: stop, checkpoint: ckpt)
            guard case let .interrupted(path, step, total) = first else { return XCTFail("expected an interruption at \(stop)") }
            XCTAssertEqual(path, ckpt); XCTAssertEqual(step, stop); XCTAssertEqual(total, 40)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no .nmat before the bake completes")
            let resumed = try Baker(resume: ckpt, material: material, materialPath: BakeTestSupport.conductorPath)
            XCTAssertEqual(resumed.step, stop)
            let second = try resumed.run(output: out, checkpoint: ckpt)
            guard case .completed = second else { return XCTFail("resume did not complete") }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), bytesA, "resume at step \(stop) is not bit-exact")
        }
    }

    func testCheckpointRejectsAnotherMaterialAndGarbage() throws {
        let material = try BakeTestSupport.conductor()
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.nmat").path
        _ = try BakeTestSupport.bake(BakeTestSupport.tinySettings(samples: 128 * 10, validation: 64), material: material, to: out, stopAfter: 2)
        let lambert = try MaterialLoader.loadMaterial(path: BakeTestSupport.repositoryRoot.appendingPathComponent("Assets/Materials/lambert.json").path)
        XCTAssertThrowsError(try Baker(resume: out + ".ckpt", material: lambert, materialPath: "lambert.json")) { e in
            XCTAssertTrue("\(e)".contains("same material"), "\(e)")
        }
        let garbage = dir.appendingPathComponent("garbage.ckpt").path
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: garbage))
        XCTAssertThrowsError(try Baker(resume: garbage, material: material, materialPath: "c")) { e in
            XCTAssertFalse("\(e)".contains("\n"))
        }
    }
}

final class BakeCommandTests: XCTestCase {
    func settingsFile(_ dir: URL, samples: Int) throws -> String {
        let path = dir.appendingPathComponent("settings.json").path
        try BakeTestSupport.tinySettings(samples: samples, validation: 256).jsonString().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// SIGINT end to end with the built binary: exit 130, a valid checkpoint,
    /// no .nmat, the exact resume command; `--resume` then completes and its
    /// .nmat is byte-identical to an uninterrupted bake with the same settings.
    func testSIGINTLeavesCheckpointAndResumeMatchesUninterrupted() throws {
        let exe = BakeTestSupport.executable
        guard FileManager.default.isExecutableFile(atPath: exe.path) else { throw XCTSkip("lacquer binary not built at \(exe.path)") }
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Enough steps that the bake outlasts its first checkpoint (1 s) plus the
        // wait below on a fast machine: 250 once sufficed, then bakes got faster.
        let steps = 1000
        let settings = try settingsFile(dir, samples: 128 * steps)
        let out = dir.appendingPathComponent("gold.nmat").path
        let ckpt = out + ".ckpt"
        let started = try BakeTestSupport.start(["bake", BakeTestSupport.conductorPath, "-o", out, "--settings", settings, "--checkpoint-every", "1"])
        // Wait until training is under way (the periodic checkpoint exists), then interrupt.
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: ckpt), started.0.isRunning, Date() < deadline { usleep(100_000) }
        usleep(500_000)
        XCTAssertTrue(started.0.isRunning, "the bake finished before it could be interrupted; raise the budget")
        kill(started.0.processIdentifier, SIGINT)
        let r = BakeTestSupport.finish(started)
        XCTAssertEqual(r.status, 130, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no partial .nmat after SIGINT")
        XCTAssertTrue(FileManager.default.fileExists(atPath: ckpt))
        let expectedCommand = "resume with: lacquer bake \(BakeTestSupport.conductorPath) -o \(out) --resume \(ckpt)"
        XCTAssertTrue(r.stderr.contains(expectedCommand), r.stderr)
        let restored = try Baker(resume: ckpt, material: try BakeTestSupport.conductor(), materialPath: BakeTestSupport.conductorPath)
        XCTAssertGreaterThan(restored.step, 0)
        XCTAssertLessThan(restored.step, steps)
        let tmpLeft = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(tmpLeft, [], "temporary files left behind")

        // Tiny steps give a poor twin (the verdict says so); this test is about resuming, so it accepts it.
        let resumed = try BakeTestSupport.run(["bake", "-o", out, "--resume", ckpt, "--json", "--quiet", "--allow-poor"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("\"log_l1\""), resumed.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ckpt), "checkpoint removed after completion")

        let straight = dir.appendingPathComponent("straight.nmat").path
        let u = try BakeTestSupport.run(["bake", BakeTestSupport.conductorPath, "-o", straight, "--settings", settings, "--quiet", "--allow-poor"])
        XCTAssertEqual(u.status, 0, u.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), try Data(contentsOf: URL(fileURLWithPath: straight)),
                       "interrupted + resumed bake differs from the uninterrupted one")

        let info = try BakeTestSupport.run(["info", out])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("conductor") && info.stdout.contains("2x16"), info.stdout)
    }

    func testBadInputsGiveOneLineErrors() throws {
        let exe = BakeTestSupport.executable
        guard FileManager.default.isExecutableFile(atPath: exe.path) else { throw XCTSkip("lacquer binary not built at \(exe.path)") }
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.nmat").path
        let cases: [([String], String)] = [
            (["bake", dir.appendingPathComponent("missing.json").path, "-o", out], "does not exist"),
            (["bake", BakeTestSupport.conductorPath, "-o", out, "--preset", "ultra"], "--preset ultra"),
            (["bake", BakeTestSupport.conductorPath, "-o", out, "--decoder", "9y9"], "--decoder"),
            (["bake", BakeTestSupport.conductorPath, "-o", dir.appendingPathComponent("no/such/dir/x.nmat").path], "does not exist"),
            (["bake", BakeTestSupport.conductorPath, "-o", "/proc/x.nmat"], "not writable"),
            (["bake", BakeTestSupport.conductorPath, "-o", dir.appendingPathComponent("x.exr").path], ".nmat"),
            (["bake", "-o", out, "--resume", dir.appendingPathComponent("none.ckpt").path], "does not exist"),
            (["info", dir.appendingPathComponent("none.nmat").path], "none.nmat"),
        ]
        for (args, needle) in cases {
            let r = try BakeTestSupport.run(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("error: ") && r.stderr.contains(needle), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
    }
}
