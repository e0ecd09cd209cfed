import Foundation
import Materials
import NeuralMaterial

/// Rows drawn like training rows (no smoothing, 8 footprint taps at coarse
/// levels) from a fixed seed and RNG purpose, with the twin's BRDF for each
/// row as the renderer sees it (fp16 weights, fp16 latents, the file's
/// per-level output scales). The held-out
/// metrics and the energy calibration both measure on such rows — each with
/// its own purpose, so the calibration never sees the rows that judge it.
struct HeldOutRows {
    let count: Int
    /// The (prefiltered) reference the rows were drawn from.
    let reference: Material
    let uv: [SIMD2<Float>]
    let level: [Int32]
    let wi: [SIMD3<Float>]
    let wo: [SIMD3<Float>]
    /// Fetched latents, `latentChannels` per row.
    let latents: [Float]
    let latentChannels: Int
    /// The fp16 model, ready for further queries (the sampler's pdf).
    let decoders: NeuralDecoders
    /// Reference f·|cos θo| (rows × RGB), the twin's values, and the density each row was drawn with.
    let targets: [Float]
    let predictions: [SIMD3<Float>]
    let densities: [Float]
    let errors: HeldOutErrors

    /// - Parameter levelScales: the twin's per-level output factors (`NeuralMaterialFile.levelScales`).
    init(material: Material, parameters: DecoderParameters, latents pyramid: LatentPyramid<Float>, levelScales: [SIMD3<Float>]? = nil,
         settings: BakeSettings, seed: UInt64, purpose: UInt64) throws {
        let n = settings.validationSamples
        let batch = TrainingBatch(capacity: n)
        let gen = TrainingDataGenerator(material: material, settings: settings)
        gen.fill(batch: batch, rows: n, seed: seed, step: 0, purpose: purpose, coneRadians: 0,
                 tapsAtCoarse: settings.measurementTaps, workers: settings.threads)
        let half = pyramid.toHalf().map(to: Float.self)
        let decoders = NeuralDecoders(parameters: parameters)
        decoders.maxWorkers = settings.threads
        let C = half.channels
        var lat = [Float](repeating: 0, count: n * C)
        lat.withUnsafeMutableBufferPointer { lp in
            for r in 0..<n { half.fetch(level: Int(batch.level[r]), uv: batch.uv[r], into: lp.baseAddress! + r * C) }
        }
        count = n
        reference = gen.material
        uv = Array(UnsafeBufferPointer(start: batch.uv, count: n))
        level = Array(UnsafeBufferPointer(start: batch.level, count: n))
        wi = Array(UnsafeBufferPointer(start: batch.wi, count: n))
        wo = Array(UnsafeBufferPointer(start: batch.wo, count: n))
        latents = lat
        latentChannels = C
        self.decoders = decoders
        var values = try decoders.evalBRDF(latents: lat, wi: wi, wo: wo)
        if let levelScales {
            for r in 0..<n { values[r] *= levelScales[min(Int(level[r]), levelScales.count - 1)] }
        }
        predictions = values
        targets = Array(UnsafeBufferPointer(start: batch.target, count: 3 * n))
        densities = Array(UnsafeBufferPointer(start: batch.density, count: n))
        errors = HeldOutErrors(targets: targets, predictions: predictions, densities: densities, viewCosines: wi.map(\.z))
    }
}
