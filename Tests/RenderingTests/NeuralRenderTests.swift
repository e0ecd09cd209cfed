import Baking
import Foundation
import Imaging
import Materials
import Rendering
import Scenes
import XCTest

/// A neural material baked in the test (tiny budget) in the path tracer:
/// it renders close to its layered reference in the same scene, and its
/// sampler is unbiased against its own pdf (BSDF sampling only, NEE only and
/// MIS agree within noise).
final class NeuralRenderTests: XCTestCase {
    func testNeuralConductorRendersCloseToItsReferenceAndSamplesUnbiased() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-neural-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let materialPath = RenderTestSupport.asset("Assets/Materials/conductor.json")
        let material = try MaterialLoader.loadMaterial(path: materialPath)

        // Tiny bake: 8² latents, 2×32 decoder (the paper's real-time size).
        var settings = BakeSettings.preset(.quick, seed: 3, threads: 2)
        settings.resolution = 8
        settings.levels = 4
        settings.selectDecoder("2x32")
        settings.batch = 256
        settings.samples = 120_000
        settings.validationSamples = 2048
        settings.learningRate = 1e-2      // a few hundred steps: start higher, as BakingTests justifies
        settings.finalLearningRate = 1e-3
        let nmat = dir.appendingPathComponent("conductor.nmat").path
        let baker = try Baker(material: material, materialPath: materialPath, settings: settings)
        guard case .completed(let summary) = try baker.run(output: nmat, checkpoint: nmat + ".ckpt", checkpointInterval: 1e9) else {
            return XCTFail("bake did not complete")
        }
        print("neural render test bake: log-L1 \(summary.metrics.logL1) (constant baseline \(summary.metrics.constantBaselineLogL1))")

        let env = try LightTransportTests.writeTestEnvironment()
        defer { try? FileManager.default.removeItem(atPath: env) }
        let scene = Scene(
            camera: Camera(position: Float3(0, 0.3, 3.2), target: Float3(0, 0, 0), up: Float3(0, 1, 0), fovY: 35, focusDistance: 0),
            film: Film(width: 24, height: 24, samplesPerPixel: 768, maxDepth: 4, seed: 9),
            environment: .map(path: env, rotation: 40, intensity: 1),
            materials: [NamedMaterial(name: "gold", layered: LayeredBinding(source: materialPath, neural: nmat))],
            objects: [SceneObject(name: "ball", shape: .sphere(center: .zero, radius: 1), materialIndex: 0)])

        let logger = RenderTestSupport.logger
        let device = try RenderDevice(validation: true, logger: logger)
        let sink = ValidationSinkBox(device)
        func render(_ mode: MaterialMode, _ strategy: RenderSettings.Strategy, seed: UInt32) throws -> Image {
            let prepared = try SceneMaterials(scene: scene, mode: mode, logger: logger)
            XCTAssertEqual(prepared.kinds, [mode == .neural ? .neural : .layered])
            let tracer = try PathTracer(renderDevice: device, sceneCode: prepared.code)
            var s = RenderSettings(film: scene.film)
            s.strategy = strategy
            s.seed = seed
            return try tracer.render(scene: scene, settings: s, materials: prepared).image
        }
        let reference = try render(.reference, .mis, seed: 1)
        let neural = try render(.neural, .mis, seed: 2)
        let neuralBSDF = try render(.neural, .bsdf, seed: 3)
        let neuralNEE = try render(.neural, .nee, seed: 4)

        for image in [neural, neuralBSDF, neuralNEE] {
            XCTAssertTrue(image.pixels.allSatisfy { $0.x.isFinite && $0.y.isFinite && $0.z.isFinite && $0.x >= 0 }, "neural weights must be finite")
        }
        // Unbiased sampling: the three strategies estimate the same image.
        // (Measured noise of a strategy's image mean at 192 spp was ~4%; at
        // 768 spp it is ~2%, so 6% is a 3σ bound.)
        let mMis = RenderTestSupport.meanLuminanceLike(neural)
        print("image means: neural MIS \(mMis), BSDF-only \(RenderTestSupport.meanLuminanceLike(neuralBSDF)), NEE-only \(RenderTestSupport.meanLuminanceLike(neuralNEE)), reference \(RenderTestSupport.meanLuminanceLike(reference))")
        XCTAssertGreaterThan(mMis, 0.05)
        XCTAssertEqual(RenderTestSupport.meanLuminanceLike(neuralBSDF) / mMis, 1, accuracy: 0.06, "neural BSDF sampling vs MIS")
        XCTAssertEqual(RenderTestSupport.meanLuminanceLike(neuralNEE) / mMis, 1, accuracy: 0.06, "neural NEE vs MIS")

        // Close to the reference: the tiny bake's held-out log-L1 is ~0.1
        // (≈10% per-sample error), so the image mean must agree within 15%
        // and the relative MSE of the whole image stay small.
        let mRef = RenderTestSupport.meanLuminanceLike(reference)
        XCTAssertEqual(mMis / mRef, 1, accuracy: 0.15, "neural vs reference image mean")
        let metrics = try compareImages(neural, reference)
        print("neural vs reference (tiny bake): relative MSE \(metrics.relativeMSE), SMAPE \(metrics.smape), PSNR \(metrics.psnr)")
        XCTAssertLessThan(metrics.relativeMSE, 0.1)
        XCTAssertEqual(sink.messages(), [])
    }
}
