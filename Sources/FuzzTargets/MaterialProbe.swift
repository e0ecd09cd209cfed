import Materials

/// Evaluates a material that a parser accepted at a few fixed directions, so
/// values the parser let through (a NaN roughness, a zero-size texture) reach
/// the BSDF code under the fuzzer as well.
enum MaterialProbe {
    static func exercise(_ material: Material) {
        let wi = SIMD3<Float>(0.3, -0.2, 0.93), wo = SIMD3<Float>(-0.5, 0.1, 0.86)
        for uv in [SIMD2<Float>(0.5, 0.5), SIMD2<Float>(-3.25, 7.5)] {
            _ = material.evalAndPdf(wi: wi, wo: wo, uv: uv)
            _ = material.sample(wi: wi, uv: uv, u: SIMD3(0.25, 0.5, 0.75))
        }
    }
}
