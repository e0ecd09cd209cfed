import Foundation
import XCTest
@testable import Baking
import Materials
import NeuralMaterial

/// The training-row generator's shortcuts give the rows their definitions
/// ask for: sampling and evaluating in one pass is the two calls it replaces,
/// a uniform material's footprint average is one evaluation, and the stored
/// densities stay normalised when rows are drawn at a footprint tap.
final class TrainingDataTests: XCTestCase {
    static var ceramicGlazePath: String {
        BakeTestSupport.repositoryRoot.appendingPathComponent("Assets/Materials/ceramic_glaze.mtlx").path
    }

    func rows(_ material: Material, count: Int, resolution: Int = 16, taps: Int = 8, seed: UInt64 = 5) -> TrainingBatch {
        var settings = BakeSettings.preset(.quick, seed: seed, threads: 1)
        settings.resolution = resolution
        settings.levels = LatentPyramid<Float>.fullLevelCount(width: resolution, height: resolution)
        let gen = TrainingDataGenerator(material: material, settings: settings)
        let batch = TrainingBatch(capacity: count)
        gen.fill(batch: batch, rows: count, seed: seed, step: 0, purpose: 1, coneRadians: 0, tapsAtCoarse: taps, workers: 1)
        return batch
    }

    /// `sampleAndEvaluate` = `sample`, then `evalAndPdf` at its wo, bit for bit
    /// (a layered material with a varying bump and colour), and fails where `sample` fails.
    func testSampleAndEvaluateIsSampleThenEvalAndPdf() throws {
        let material = try MaterialLoader.loadMaterial(path: Self.ceramicGlazePath)
        var rng = PCG32(seed: 9)
        var failures = 0
        for i in 0..<2000 {
            let z = i % 97 == 0 ? 0 : rng.nextFloat()   // a few grazing (invalid) wi
            let s = max(0, 1 - z * z).squareRoot(), phi = 2 * Float.pi * rng.nextFloat()
            let wi = SIMD3<Float>(s * cosf(phi), s * sinf(phi), z)
            let uv = SIMD2<Float>(rng.nextFloat(), rng.nextFloat())
            let u = SIMD3<Float>(rng.nextFloat(), rng.nextFloat(), rng.nextFloat())
            let sample = material.sample(wi: wi, uv: uv, u: u)
            guard let combined = material.sampleAndEvaluate(wi: wi, uv: uv, u: u) else {
                XCTAssertEqual(sample.pdf, 0, "sampleAndEvaluate failed where sample did not (row \(i))")
                failures += 1
                continue
            }
            let separate = material.evalAndPdf(wi: wi, wo: sample.wo, uv: uv)
            XCTAssertEqual(combined.wo, sample.wo, "row \(i)")
            XCTAssertEqual(combined.value, separate.value, "row \(i)")
            XCTAssertEqual(combined.pdf, separate.pdf, "row \(i)")
        }
        XCTAssertGreaterThan(failures, 0, "grazing wi must fail")
        XCTAssertLessThan(failures, 200)
    }

    /// A uniform material's targets are single evaluations at the row's own
    /// (uv, wi, wo) at every level; a varying one's coarse targets are not.
    func testUniformMaterialNeedsOneEvaluationPerRow() throws {
        let conductor = try BakeTestSupport.conductor()
        XCTAssertTrue(conductor.isUniform)
        let n = 1024
        let rowsU = rows(conductor, count: n)
        var coarse = 0
        for r in 0..<n {
            let f = conductor.evalAndPdf(wi: rowsU.wi[r], wo: rowsU.wo[r], uv: rowsU.uv[r]).value
            let t = SIMD3(rowsU.target[3 * r], rowsU.target[3 * r + 1], rowsU.target[3 * r + 2])
            XCTAssertEqual(t, simd_max3(f, .zero), "row \(r), level \(rowsU.level[r])")
            if rowsU.level[r] > 0 { coarse += 1 }
        }
        XCTAssertGreaterThan(coarse, n / 4, "the check must cover coarse levels")

        let glaze = try MaterialLoader.loadMaterial(path: Self.ceramicGlazePath)
        XCTAssertFalse(glaze.isUniform)
        let rowsV = rows(glaze, count: n)
        var filtered = 0, coarseV = 0
        for r in 0..<n where rowsV.level[r] > 0 {
            coarseV += 1
            let f = glaze.evalAndPdf(wi: rowsV.wi[r], wo: rowsV.wo[r], uv: rowsV.uv[r]).value
            if SIMD3(rowsV.target[3 * r], rowsV.target[3 * r + 1], rowsV.target[3 * r + 2]) != f { filtered += 1 }
        }
        XCTAssertGreaterThan(filtered, coarseV * 9 / 10, "a varying material's coarse targets average several taps")
    }

    /// Σ 1/density estimates ∫∫ dωi dωo over the two upper hemispheres, (2π)²,
    /// for a material that varies over uv, whose sampled rows are drawn (and
    /// whose pdf is taken) at a footprint tap rather than at uv.
    func testDensitiesOfFootprintRowsIntegrateTheHemispherePair() throws {
        let glaze = try MaterialLoader.loadMaterial(path: Self.ceramicGlazePath)
        let n = 16_384
        let batch = rows(glaze, count: n, resolution: 4)
        var sum = 0.0
        for r in 0..<n {
            XCTAssertTrue(batch.density[r] > 0 && batch.density[r].isFinite, "row \(r)")
            sum += 1 / Double(batch.density[r])
        }
        XCTAssertEqual(sum / Double(n), 4 * Double.pi * Double.pi, accuracy: 0.05 * 4 * Double.pi * Double.pi)
    }
}

/// `--seconds`: the step count that fills the budget when smoothing steps
/// cost more than the later ones.
final class SecondsBudgetTests: XCTestCase {
    func testStepsFillTheBudgetAcrossTheSmoothingShare() {
        // 6 steps done at 2 s (smoothing), later steps 1 s, 10 % smoothing, 100 s left.
        let t = SecondsBudget.totalSteps(step: 6, secondsLeft: 100, smoothingStepCost: 2, laterStepCost: 1, smoothingFraction: 0.1)
        let smoothing = Int((0.1 * Double(t)).rounded())
        let seconds = Double(smoothing - 6) * 2 + Double(t - smoothing) * 1
        XCTAssertEqual(seconds, 100, accuracy: 2, "\(t) steps")
        // Extrapolating the smoothing steps' cost would have used only about half.
        XCTAssertGreaterThan(t, 6 + 100 / 2 + 30)
        // Equal costs: the plain extrapolation.
        XCTAssertEqual(SecondsBudget.totalSteps(step: 6, secondsLeft: 100, smoothingStepCost: 1, laterStepCost: 1, smoothingFraction: 0.1), 106)
        // Smoothing over at that total (or none): every remaining step at the later cost.
        XCTAssertEqual(SecondsBudget.totalSteps(step: 50, secondsLeft: 10, smoothingStepCost: 5, laterStepCost: 1, smoothingFraction: 0.1), 60)
        XCTAssertEqual(SecondsBudget.totalSteps(step: 6, secondsLeft: 30, smoothingStepCost: 5, laterStepCost: 1, smoothingFraction: 0), 36)
        // No time left, or a non-finite measurement: never fewer steps than done.
        XCTAssertEqual(SecondsBudget.totalSteps(step: 6, secondsLeft: -5, smoothingStepCost: 2, laterStepCost: 1, smoothingFraction: 0.1), 6)
    }

    /// The second solve: the remaining seconds at the timed latent-phase cost.
    func testRefinedTotalFillsWhatIsLeft() {
        XCTAssertEqual(SecondsBudget.refinedTotal(step: 100, secondsLeft: 50, stepCost: 0.5), 200)
        XCTAssertEqual(SecondsBudget.refinedTotal(step: 100, secondsLeft: -3, stepCost: 0.5), 100, "over budget: stop now")
        XCTAssertEqual(SecondsBudget.refinedTotal(step: 100, secondsLeft: 50, stepCost: 0), 100)
        XCTAssertEqual(SecondsBudget.refinedTotal(step: 100, secondsLeft: .nan, stepCost: 0.5), 100)
    }

    /// The last phase's cost in units of a measured training batch: rows ×
    /// reference evaluations per row, the coarse levels at 8 taps.
    func testFinalPhaseCountsTheReferenceEvaluationsOfItsRows() {
        XCTAssertEqual(SecondsBudget.evaluationsPerRow(levels: 2, levelBias: 1, taps: 8, uniform: false), 4.5)
        XCTAssertEqual(SecondsBudget.evaluationsPerRow(levels: 3, levelBias: 0.5, taps: 4, uniform: false), (1 + 0.75 * 4) / 1.75, accuracy: 1e-12)
        XCTAssertEqual(SecondsBudget.evaluationsPerRow(levels: 10, levelBias: 0.5, taps: 8, uniform: true), 1)
        var s = BakeSettings.preset(.quick)
        s.levels = 2; s.levelBias = 1; s.footprintTaps = 4; s.batch = 1000
        s.validationSamples = 2000; s.calibrationRowsPerLevel = 500
        // batch: 1000 × 2.5 = 2500 evaluations in 1 s; validation 2000 × (4.5 + 1); calibration 1000 × 4.5.
        XCTAssertEqual(SecondsBudget.finalPhaseSeconds(batchFillSeconds: 1, settings: s, uniform: false), (11_000 + 4500) / 2500, accuracy: 1e-9)
        s.energyCalibration = false
        XCTAssertEqual(SecondsBudget.finalPhaseSeconds(batchFillSeconds: 1, settings: s, uniform: false), 11_000 / 2500, accuracy: 1e-9)
        // A uniform material: one evaluation per row everywhere.
        XCTAssertEqual(SecondsBudget.finalPhaseSeconds(batchFillSeconds: 1, settings: s, uniform: true), 4000 / 1000, accuracy: 1e-9)
    }
}
