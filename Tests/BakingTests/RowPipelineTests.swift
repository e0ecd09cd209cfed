import Foundation
import XCTest
@testable import Baking
import Materials

final class RowPipelineTests: XCTestCase {
    /// Every field of rows [0, count) as bit patterns.
    static func bits(_ b: TrainingBatch, count: Int) -> [UInt32] {
        var out: [UInt32] = []
        for r in 0..<count {
            out += [b.uv[r].x, b.uv[r].y, b.wi[r].x, b.wi[r].y, b.wi[r].z, b.wo[r].x, b.wo[r].y, b.wo[r].z,
                    b.target[3 * r], b.target[3 * r + 1], b.target[3 * r + 2], b.weight[r], b.referencePdf[r], b.density[r]]
                .map(\.bitPattern)
            out.append(UInt32(bitPattern: b.level[r]))
        }
        return out
    }

    /// The pipeline's rows of every step are the bits the generator draws
    /// for that step in place — through the smoothing steps (cone > 0) and
    /// after, from step 0 and from a later first step (a resumed bake), and
    /// past the plan's end (drawn by the caller alone, also after the end
    /// moved while rows were drawn ahead), after a pause, and with several
    /// background threads.
    func testPipelinedRowsAreTheGeneratorsRows() throws {
        let material = try MaterialLoader.loadMaterial(
            path: BakeTestSupport.repositoryRoot.appendingPathComponent("Assets/Materials/car_paint.json").path)
        var settings = BakeSettings.preset(.quick, seed: 3, threads: 2)
        settings.resolution = 16
        settings.levels = 5
        let gen = TrainingDataGenerator(material: material, settings: settings)
        let rows = 3 * TrainingDataGenerator.chunkRows + 100   // a partial last chunk
        let smoothing = 4, degrees = settings.smoothingDegrees
        let cone: @Sendable (Int, Int) -> Float = { Baker.coneRadians(step: $0, smoothingSteps: $1, degrees: degrees) }
        let direct = TrainingBatch(capacity: rows)
        func expected(_ step: Int) -> [UInt32] {
            gen.fill(batch: direct, rows: rows, seed: settings.seed, step: step, purpose: 1,
                     coneRadians: cone(step, smoothing), tapsAtCoarse: settings.footprintTaps, workers: 1)
            return Self.bits(direct, count: rows)
        }
        for (first, end, drawers) in [(0, 12, 1), (5, 9, 1), (0, 12, 3)] {
            let pipeline = RowPipeline(generator: gen, batchRows: rows, seed: settings.seed, tapsAtCoarse: settings.footprintTaps,
                                       firstStep: first, endStep: end, smoothingSteps: smoothing, drawers: drawers, cone: cone)
            defer { pipeline.stop() }
            for step in first..<12 {
                if step == 6 { pipeline.plan(endStep: end + 1, smoothingSteps: smoothing) }
                if step == 7 {   // `--seconds` times a batch with the background thread paused
                    pipeline.whilePaused { _ = expected(step + 1) }
                }
                XCTAssertEqual(Self.bits(pipeline.rows(for: step), count: rows), expected(step),
                               "first step \(first), \(drawers) drawers, step \(step)")
            }
        }
    }

    /// A bake that draws its rows ahead writes the bytes of one that draws
    /// them in place (two threads, batches of several chunks, through the
    /// encoder phase's switch), and resumes from a checkpoint to them.
    func testBakeDrawingAheadWritesTheSameBytes() throws {
        let materialFile = BakeTestSupport.repositoryRoot.appendingPathComponent("Assets/Materials/car_paint.json").path
        let material = try MaterialLoader.loadMaterial(path: materialFile)
        let dir = try BakeTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let settings = BakeTestSupport.tinySettings(samples: 768 * 24, batch: 768, validation: 256)
        func bake(_ settings: BakeSettings, ahead: Bool, to path: String, stopAfter: Int? = nil) throws -> BakeOutcome {
            let baker = try Baker(material: material, materialPath: materialFile, settings: settings)
            baker.drawsRowsAhead = ahead
            return try baker.run(output: path, checkpoint: path + ".ckpt", checkpointInterval: 1e9,
                                 shouldStop: { stopAfter.map { baker.step >= $0 } ?? false })
        }
        let inPlace = dir.appendingPathComponent("in-place.nmat").path
        let ahead = dir.appendingPathComponent("ahead.nmat").path
        _ = try bake(settings, ahead: false, to: inPlace)
        _ = try bake(settings, ahead: true, to: ahead)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: inPlace))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: ahead)), bytes, "drawing rows ahead must not change the bake")

        // Three threads: two background drawers.
        var three = settings
        three.threads = 3
        let threeInPlace = dir.appendingPathComponent("three-in-place.nmat").path
        let threeAhead = dir.appendingPathComponent("three-ahead.nmat").path
        _ = try bake(three, ahead: false, to: threeInPlace)
        _ = try bake(three, ahead: true, to: threeAhead)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: threeAhead)), try Data(contentsOf: URL(fileURLWithPath: threeInPlace)),
                       "two background drawers must not change the bake")

        let resumedOut = dir.appendingPathComponent("resumed.nmat").path
        guard case .interrupted = try bake(settings, ahead: true, to: resumedOut, stopAfter: 9) else { return XCTFail("expected an interruption") }
        let resumed = try Baker(resume: resumedOut + ".ckpt", material: material, materialPath: materialFile)
        guard case .completed = try resumed.run(output: resumedOut, checkpoint: resumedOut + ".ckpt") else { return XCTFail("resume did not complete") }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: resumedOut)), bytes, "a resumed bake drawing ahead is not bit-exact")
    }
}
