import Foundation
import XCTest
@testable import Baking
import Materials
import NeuralMaterial

final class RowEchoTests: XCTestCase {
    /// Writes F_j's identity into every row: uv = (j, row), level = j.
    static func mark(_ rows: TrainingBatch, _ j: Int, count: Int) {
        for r in 0..<count {
            rows.uv[r] = SIMD2(Float(j), Float(r))
            rows.level[r] = Int32(truncatingIfNeeded: j)
            rows.target[3 * r] = Float(j)
        }
    }

    /// Step s trains on F_s, F_{s−D}, …, F_{s−(E−1)D} in that order; every
    /// F_j (j ≥ 0) is drawn once for the whole run, and a ring started at
    /// any step (a resumed bake) assembles the same batches, drawing again
    /// only what it lacks.
    func testBatchesHoldTheEchoedRowsAndAResumedRingAgrees() {
        for (factor, delay) in [(2, 3), (3, 2), (4, 1)] {
            let batch = 4 * factor
            let echo = RowEcho(factor: factor, batch: batch, delay: delay)
            var drawn: [Int: Int] = [:]
            var batches: [[SIMD2<Float>]] = []
            let b = TrainingBatch(capacity: batch)
            for s in 0..<30 {
                echo.assemble(into: b, step: s) { rows, j in
                    drawn[j, default: 0] += 1
                    Self.mark(rows, j, count: echo.freshRows)
                }
                var expected: [SIMD2<Float>] = []
                for part in 0..<factor {
                    for r in 0..<echo.freshRows { expected.append(SIMD2(Float(s - part * delay), Float(r))) }
                }
                let got = (0..<batch).map { b.uv[$0] }
                XCTAssertEqual(got, expected, "E=\(factor) D=\(delay) step \(s)")
                XCTAssertEqual((0..<batch).map { Int(b.level[$0]) }, expected.map { Int($0.x) })
                batches.append(got)
            }
            XCTAssertTrue(drawn.values.allSatisfy { $0 == 1 }, "E=\(factor) D=\(delay): an F_j was drawn twice: \(drawn.filter { $0.value > 1 })")
            XCTAssertEqual(drawn.count, 30 + (factor - 1) * delay, "every step draws one fresh part; the first (E−1)·D steps more")

            for start in [1, delay, 7, 17] {
                let resumed = RowEcho(factor: factor, batch: batch, delay: delay)
                var draws = 0
                for s in start..<30 {
                    resumed.assemble(into: b, step: s) { rows, j in
                        draws += 1
                        Self.mark(rows, j, count: resumed.freshRows)
                    }
                    XCTAssertEqual((0..<batch).map { b.uv[$0] }, batches[s], "E=\(factor) D=\(delay) resumed at \(start), step \(s)")
                }
                XCTAssertEqual(draws, (30 - start) + (factor - 1) * delay, "a resumed ring draws each missing F_j once")
            }
        }
    }

    func testEchoNeedsWholeChunksPerFreshPart() {
        var s = BakeSettings.preset(.standard, threads: 2)
        s.echo = 2
        XCTAssertNoThrow(try s.validate())
        s.batch = 768
        XCTAssertThrowsError(try s.validate()) { e in
            XCTAssertTrue("\(e)".contains("--echo 2") && "\(e)".contains("512"), "\(e)")
        }
        s.batch = 1024
        s.echo = 0
        XCTAssertThrowsError(try s.validate()) { XCTAssertTrue("\($0)".contains("--echo 0"), "\($0)") }
    }

    /// A bake with echoed rows is reproducible and resumes bit-exactly from
    /// before, at and after the first echo (the resumed ring starts empty
    /// and draws the rows it lacks again) and, with `echoFraction`, after
    /// the echo has ended; it trains on other rows than the same bake
    /// without echo.
    func testEchoedBakeResumesBitExactly() throws {
        try checkEchoedBake(echoFraction: nil, stops: [3, 5, 11])
        try checkEchoedBake(echoFraction: 0.6, stops: [7, 12])
    }

    func checkEchoedBake(echoFraction: Double?, stops: [Int]) throws {
        let material = try BakeTestSupport.conductor()
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var settings = BakeTestSupport.tinySettings(samples: 512 * 16, batch: 512, validation: 256)
        settings.echo = 2
        settings.echoFraction = echoFraction
        XCTAssertEqual(settings.echoSteps, echoFraction == nil ? 16 : 10)
        let delay = 5
        func bake(_ s: BakeSettings, to path: String, stopAfter: Int? = nil) throws -> BakeOutcome {
            let baker = try Baker(material: material, materialPath: BakeTestSupport.conductorPath, settings: s)
            baker.echoDelay = delay
            return try baker.run(output: path, checkpoint: path + ".ckpt", checkpointInterval: 1e9,
                                 shouldStop: { stopAfter.map { baker.step >= $0 } ?? false })
        }
        let a = dir.appendingPathComponent("a.nmat").path
        _ = try bake(settings, to: a)
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a))
        let b = dir.appendingPathComponent("b.nmat").path
        _ = try bake(settings, to: b)
        XCTAssertEqual(bytesA, try Data(contentsOf: URL(fileURLWithPath: b)), "same settings, same bytes")

        var fresh = settings
        fresh.echo = nil
        let c = dir.appendingPathComponent("c.nmat").path
        _ = try bake(fresh, to: c)
        let paramsA = try NeuralMaterialFile.load(path: a).parameters.values
        XCTAssertNotEqual(paramsA, try NeuralMaterialFile.load(path: c).parameters.values, "echo must change the rows a bake trains on")

        for stop in stops {
            let out = dir.appendingPathComponent("r\(stop).nmat").path
            guard case .interrupted = try bake(settings, to: out, stopAfter: stop) else { return XCTFail("expected an interruption at \(stop)") }
            let resumed = try Baker(resume: out + ".ckpt", material: material, materialPath: BakeTestSupport.conductorPath)
            resumed.echoDelay = delay
            guard case .completed = try resumed.run(output: out, checkpoint: out + ".ckpt") else { return XCTFail("resume did not complete") }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), bytesA, "resume at step \(stop) is not bit-exact")
        }
    }
}
