import Foundation
import XCTest
@testable import Baking
import Materials
import NeuralMaterial

/// `EnergyCalibration`: per latent level, the twin's image under uniform
/// light is made as bright as the reference's.
final class EnergyCalibrationTests: XCTestCase {
    /// Per-level image energy ratios of a twin on rows of their own.
    private func levelRatios(_ material: Material, _ parameters: DecoderParameters, _ latents: LatentPyramid<Float>,
                             levelScales: [SIMD3<Float>]?, settings: BakeSettings, seed: UInt64) throws -> [Float] {
        let rows = try EnergyCalibration.levelRows(material: material, parameters: parameters, latents: latents, levelScales: levelScales,
                                                   settings: settings, seed: seed, purpose: 9)
        return (0..<settings.levels).map { level in 1 / EnergyCalibration.factor(rows: rows, where: { $0 == level }).y }
    }

    /// A twin whose brightness drifts with the level (different constant
    /// latents per level) comes out within 10 % of the reference at every
    /// level after calibration, measured on other rows; level 0's factor is
    /// in the decoder itself (scale 1 there).
    func testEveryLevelIsCalibratedOnItsOwn() throws {
        let material = try BakeTestSupport.conductor()
        var settings = BakeTestSupport.tinySettings(samples: 0)
        settings.resolution = 8
        settings.levels = 4
        settings.calibrationRowsPerLevel = 4096
        var parameters = DecoderParameters.initialised(architecture: NeuralArchitecture.brdf2x16, seed: 3)
        var rng = PCG32(seed: 4)   // weights far from the initial ones, so the latents matter
        for i in parameters.values.indices { parameters.values[i] += 0.25 * (rng.nextFloat() * 2 - 1) }
        var latents = LatentPyramid<Float>(width: settings.resolution, height: settings.resolution, channels: 8, levelCount: settings.levels)
        // The twin drifts with the level, smoothly (as the footprint averages
        // do; the calibration smooths levels ≥ 1 over their neighbours).
        for l in 0..<settings.levels {
            latents.levels[l].values = latents.levels[l].values.map { _ in 1.2 * Float(l) }
        }
        let before = try levelRatios(material, parameters, latents, levelScales: nil, settings: settings, seed: 21)
        XCTAssertGreaterThan(before.max()! / before.min()!, 1.3, "the levels must differ for this test to mean anything: \(before)")

        let c = try EnergyCalibration.calibrate(material: material, parameters: parameters, latents: latents, settings: settings)
        XCTAssertEqual(c.levelScales[0], SIMD3(1, 1, 1))
        let after = try levelRatios(material, c.parameters, latents, levelScales: c.levelScales, settings: settings, seed: 22)
        print("image energy ratio per level: before \(before), after \(after)")
        for (l, r) in after.enumerated() { XCTAssertEqual(r, 1, accuracy: 0.1, "level \(l): \(after)") }
        // One factor for every level (the calibration before 2026-12-01) cannot do this.
        let oneFactor = EnergyCalibration.scaled(parameters, by: c.factors[0])
        let single = try levelRatios(material, oneFactor, latents, levelScales: nil, settings: settings, seed: 22)
        XCTAssertGreaterThan(single.map { abs($0 - 1) }.max()!, 0.2, "\(single)")
    }

    /// Image weighting: a twin exact head-on and twice too bright at grazing
    /// views is 2× too bright by the uniform ratio's weighting of grazing
    /// rows, less so as an image sees it.
    func testImageRatioWeightsViewsByTheirScreenArea() {
        var targets: [Float] = [], predictions: [SIMD3<Float>] = [], densities: [Float] = [], cosines: [Float] = []
        for i in 0..<100 {
            let c = (Float(i) + 0.5) / 100
            targets += [1, 1, 1]
            predictions.append(SIMD3(repeating: c < 0.5 ? 2 : 1))
            densities.append(1); cosines.append(c)
        }
        let e = HeldOutErrors(targets: targets, predictions: predictions, densities: densities, viewCosines: cosines)
        XCTAssertEqual(e.energyRatio, 1.5, accuracy: 1e-9)
        XCTAssertEqual(e.imageEnergyRatioRGB![1], 1.25, accuracy: 1e-9)   // ∫₀^½ 2c dc + ∫½^1 c dc over ∫₀^1 c dc
        XCTAssertNil(HeldOutErrors(targets: targets, predictions: predictions, densities: densities).imageEnergyRatioRGB)
    }

    /// Smoothing keeps level 0 and a trend that is linear in log space, and
    /// halves alternating noise.
    func testSmoothingKeepsLevelZeroAndTrends() {
        let trend = (0..<6).map { SIMD3<Float>(repeating: expf(0.1 * Float($0))) }
        let s = EnergyCalibration.smoothed(trend)
        XCTAssertEqual(s[0], trend[0])
        for l in 1..<5 { XCTAssertEqual(s[l].x, trend[l].x, accuracy: 1e-5) }
        let noisy = (0..<6).map { SIMD3<Float>(repeating: $0 == 0 ? 3 : ($0 % 2 == 0 ? 1.2 : 1 / 1.2)) }
        let t = EnergyCalibration.smoothed(noisy)
        XCTAssertEqual(t[0].x, 3)
        for l in 2..<5 { XCTAssertEqual(logf(t[l].x), 0, accuracy: 1e-5) }
    }
}
