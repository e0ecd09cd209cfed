import Foundation
import XCTest
@testable import Baking
import Materials
import NeuralMaterial

/// `--copies N`: several decoders trained on the same rows, pruned to the
/// best by held-out loss (`CopyPruningSchedule`).
final class CopyPruningTests: XCTestCase {
    /// 40 steps of 128 rows: encoder phase 0..<12, pruning before steps 10, 20 and 30.
    static func settings(copies: Int?) -> BakeSettings {
        var s = BakeTestSupport.tinySettings(samples: 128 * 40, validation: 256)
        s.copies = copies
        return s
    }

    func testScheduleHalvesAndRanksDeterministically() {
        XCTAssertEqual(CopyPruningSchedule.steps(totalSteps: 40), [10, 20, 30])
        XCTAssertEqual([1, 2, 3, 4, 5, 8, 64].map(CopyPruningSchedule.survivors(of:)), [1, 1, 2, 2, 3, 4, 32])
        XCTAssertEqual(CopyPruningSchedule.ranked(candidates: [0, 2, 3, 5], losses: [0.3, 0.1, .nan, 0.1]), [2, 5, 0, 3])
    }

    /// Four copies: every pruning decision keeps the copies with the lowest
    /// held-out loss; the losses of the last decision are recomputed here from
    /// the baker's state at that step; pruned copies never change again, live
    /// ones keep training; the bake writes the kept copy.
    func testPruningKeepsTheBestCopyAndStopsTrainingThePrunedOnes() throws {
        let material = try BakeTestSupport.conductor()
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("copies.nmat").path
        let settings = Self.settings(copies: 4)
        let baker = try Baker(material: material, materialPath: BakeTestSupport.conductorPath, settings: settings)
        XCTAssertEqual(baker.copies.count, 4)
        XCTAssertNotEqual(baker.copies[0].values, baker.copies[1].values, "copies must start from different weights")
        var history: [Int: [DecoderParameters]] = [0: baker.copies]   // weights after each step
        let record: (BakeProgress) -> Void = { p in if p.phase == "encoder" || p.phase == "latents" { history[p.step] = baker.copies } }

        // Stop right before the second pruning point (latent phase) and rank the two live copies here.
        let stop = try baker.run(output: out, checkpoint: out + ".ckpt", checkpointInterval: 1e9, shouldStop: { baker.step >= 20 }, progress: record)
        guard case .interrupted = stop else { return XCTFail("expected an interruption at step 20") }
        XCTAssertEqual(baker.liveCopies.count, 2, "4 copies → 2 at step 10")
        let rows = CopySelectionRows(material: material, settings: baker.settings)
        let C = baker.architecture.latentChannels
        var latents = [Float](repeating: 0, count: rows.count * C)
        latents.withUnsafeMutableBufferPointer { lp in
            for r in 0..<rows.count { Baker.fetch(baker.latents, level: Int(rows.level[r]), uv: rows.uv[r], into: lp.baseAddress! + r * C) }
        }
        let expectedLosses = try baker.liveCopies.map { try rows.logL1(parameters: baker.copies[$0], latents: latents, workers: 2) }
        let expectedBest = baker.liveCopies[expectedLosses.firstIndex(of: expectedLosses.min()!)!]

        let done = try baker.run(output: out, checkpoint: out + ".ckpt", checkpointInterval: 1e9, progress: record)
        guard case let .completed(summary) = done else { return XCTFail("bake did not complete") }
        XCTAssertEqual(summary.copyPruning.map(\.step), [10, 20], "4 → 2 at step 10, 2 → 1 at step 20, nothing left to prune after")
        XCTAssertEqual(summary.copyPruning.map(\.kept.count), [2, 1])
        for r in summary.copyPruning {
            let worstKept = r.kept.map { r.losses[r.candidates.firstIndex(of: $0)!] }.max()!
            let bestPruned = r.candidates.filter { !r.kept.contains($0) }.map { r.losses[r.candidates.firstIndex(of: $0)!] }.min()!
            XCTAssertLessThanOrEqual(worstKept, bestPruned, "step \(r.step): a pruned copy had a lower held-out loss than a kept one: \(r)")
        }
        let last = summary.copyPruning[1]
        XCTAssertEqual(last.losses, expectedLosses, "the baker's losses at step 20 differ from the ones recomputed from its state")
        XCTAssertEqual(last.kept, [expectedBest])
        XCTAssertEqual(summary.keptCopy, expectedBest)
        XCTAssertEqual(baker.liveCopies, [expectedBest])
        XCTAssertEqual(baker.parameters.values, baker.copies[expectedBest].values)

        // Pruned before step p: weights after p steps are final; before that they trained.
        for r in summary.copyPruning {
            for k in r.candidates where !r.kept.contains(k) {
                XCTAssertEqual(history[r.step]![k].values, baker.copies[k].values, "copy \(k), pruned at step \(r.step), changed afterwards")
                XCTAssertNotEqual(history[r.step - 1]![k].values, history[r.step]![k].values, "copy \(k) did not train before it was pruned")
            }
        }
        XCTAssertNotEqual(history[39]![expectedBest].values, baker.copies[expectedBest].values, "the kept copy trains to the end")
        // The file holds the kept copy (fp16).
        let file = try NeuralMaterialFile.load(path: out)
        let written = file.parameters.values
        let kept = baker.copies[expectedBest].values
        XCTAssertEqual(written.count, kept.count)
        let maxDiff = zip(written, kept).map { abs($0 - $1) / max(1, abs($1)) }.max()!
        XCTAssertLessThan(maxDiff, 1e-3, "the .nmat does not hold the kept copy")
        for k in 0..<4 where k != expectedBest {
            XCTAssertGreaterThan(zip(written, baker.copies[k].values).map { abs($0 - $1) }.max()!, 1e-2, "the .nmat looks like copy \(k)")
        }
    }

    /// Same seed → same bytes with copies; stopped in the encoder phase,
    /// exactly at a pruning point (before it runs) and in the latent phase,
    /// then resumed from the checkpoint → the same bytes again.
    func testMultiCopyBakeIsDeterministicAndResumesBitExact() throws {
        let material = try BakeTestSupport.conductor()
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let settings = Self.settings(copies: 4)
        let a = dir.appendingPathComponent("a.nmat").path, b = dir.appendingPathComponent("b.nmat").path
        _ = try BakeTestSupport.bake(settings, material: material, to: a)
        _ = try BakeTestSupport.bake(settings, material: material, to: b)
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a))
        XCTAssertEqual(bytesA, try Data(contentsOf: URL(fileURLWithPath: b)), "same seed, same copies must give the same .nmat")
        for stop in [5, 10, 25] {
            let out = dir.appendingPathComponent("r\(stop).nmat").path
            let ckpt = out + ".ckpt"
            let first = try BakeTestSupport.bake(settings, material: material, to: out, stopAfter: stop, checkpoint: ckpt)
            guard case .interrupted = first else { return XCTFail("expected an interruption at \(stop)") }
            let resumed = try Baker(resume: ckpt, material: material, materialPath: BakeTestSupport.conductorPath)
            XCTAssertEqual(resumed.step, stop)
            XCTAssertEqual(resumed.settings.copies, 4)
            guard case .completed = try resumed.run(output: out, checkpoint: ckpt) else { return XCTFail("resume did not complete") }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), bytesA, "multi-copy resume at step \(stop) is not bit-exact")
        }
    }

    /// A multi-copy checkpoint whose pruning state is damaged is refused with one line.
    func testDamagedMultiCopyCheckpointIsRefused() throws {
        let material = try BakeTestSupport.conductor()
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.nmat").path
        _ = try BakeTestSupport.bake(Self.settings(copies: 4), material: material, to: out, stopAfter: 2)
        let good = try SafeTensorsFile.parse(try Data(contentsOf: URL(fileURLWithPath: out + ".ckpt")), file: out + ".ckpt")
        XCTAssertEqual(good.metadata["live_copies"], "0,1,2,3")
        for (key, value) in [("live_copies", "0,7"), ("live_copies", ""), ("next_pruning_point", "9"), ("decoder_adam.copy.1", "{")] {
            var bad = good
            bad.metadata[key] = value
            let path = dir.appendingPathComponent("bad.ckpt").path
            try bad.serialized().write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try Baker(resume: path, material: material, materialPath: BakeTestSupport.conductorPath)) { e in
                XCTAssertTrue("\(e)".contains(key) && !"\(e)".contains("\n"), "\(key)=\(value): \(e)")
            }
        }
    }

    /// `copies = 1` is the plain bake: the same bytes, and no trace of the
    /// option in the stored settings (so files match bakes made before it).
    func testOneCopyIsThePlainBakeByteForByte() throws {
        let material = try BakeTestSupport.conductor()
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("plain.nmat").path, one = dir.appendingPathComponent("one.nmat").path
        _ = try BakeTestSupport.bake(Self.settings(copies: nil), material: material, to: plain)
        _ = try BakeTestSupport.bake(Self.settings(copies: 1), material: material, to: one)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: plain)), try Data(contentsOf: URL(fileURLWithPath: one)))
        XCTAssertFalse(try NeuralMaterialFile.load(path: one).metadata.trainingSettingsJSON.contains("copies"))
    }

    func testCopiesOutOfRangeIsAOneLineError() {
        for n in [0, -1, CopyPruningSchedule.maximumCopies + 1] {
            XCTAssertThrowsError(try Self.settings(copies: n).validate()) { e in
                XCTAssertTrue("\(e)".hasPrefix("--copies \(n): must be in 1...\(CopyPruningSchedule.maximumCopies)"), "\(e)")
                XCTAssertFalse("\(e)".contains("\n"))
            }
        }
        XCTAssertNoThrow(try Self.settings(copies: CopyPruningSchedule.maximumCopies).validate())
    }

    /// The CLI: `--copies 1` equals no option; bad values and `--copies`
    /// with `--resume` are refused with one line.
    func testCommandLineCopiesOption() throws {
        let exe = BakeTestSupport.executable
        guard FileManager.default.isExecutableFile(atPath: exe.path) else { throw XCTSkip("lacquer binary not built at \(exe.path)") }
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let settingsPath = dir.appendingPathComponent("settings.json").path
        try BakeTestSupport.tinySettings(samples: 128 * 20, validation: 256).jsonString().write(toFile: settingsPath, atomically: true, encoding: .utf8)
        let plain = dir.appendingPathComponent("plain.nmat").path, one = dir.appendingPathComponent("one.nmat").path
        let common = ["--settings", settingsPath, "--quiet", "--allow-poor"]
        let r1 = try BakeTestSupport.run(["bake", BakeTestSupport.conductorPath, "-o", plain] + common)
        XCTAssertEqual(r1.status, 0, r1.stderr)
        let r2 = try BakeTestSupport.run(["bake", BakeTestSupport.conductorPath, "-o", one, "--copies", "1"] + common)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: plain)), try Data(contentsOf: URL(fileURLWithPath: one)))
        let r3 = try BakeTestSupport.run(["bake", BakeTestSupport.conductorPath, "-o", one, "--copies", "2", "--json"] + common)
        XCTAssertEqual(r3.status, 0, r3.stderr)
        XCTAssertTrue(r3.stdout.contains("\"copies\":2") && r3.stdout.contains("\"kept_copy\""), r3.stdout)

        let cases: [([String], String)] = [
            (["bake", BakeTestSupport.conductorPath, "-o", plain, "--copies", "0"], "--copies 0: must be in 1...64"),
            (["bake", BakeTestSupport.conductorPath, "-o", plain, "--copies", "65"], "--copies 65"),
            (["bake", "-o", plain, "--resume", plain + ".ckpt", "--copies", "2"], "remove --copies"),
        ]
        for (args, needle) in cases {
            let r = try BakeTestSupport.run(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("error: ") && r.stderr.contains(needle), "\(args): \(r.stderr)")
        }
    }
}
