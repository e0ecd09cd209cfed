import NeuralMaterial

/// Runs the decoders of an `.nmat` that decoding accepted once, so tensor
/// shapes the validation let through are exercised by the fuzzer too.
enum NeuralMaterialProbe {
    static func exercise(_ file: NeuralMaterialFile) {
        _ = file.summary(file: "fuzz.nmat")
        let decoders = file.decoders()
        let latent = [Float](repeating: 0.1, count: file.architecture.latentChannels)
        let wi = SIMD3<Float>(0.3, -0.2, 0.93), wo = SIMD3<Float>(-0.5, 0.1, 0.86)
        _ = decoders.evalBRDFScalar(latent: latent, wi: wi, wo: wo)
        _ = decoders.sampleScalar(latent: latent, wi: wi, u: SIMD3(0.25, 0.5, 0.75))
    }
}
