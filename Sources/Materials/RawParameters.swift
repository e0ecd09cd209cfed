/// Per-texel raw material parameters: the encoder input of the neural model
/// (PAPER.md). For every lobe, in the order of `lobeNames`, 18 floats:
///
///     normal(3)  tangent(3)  albedo(3)  roughness(2)  weight(3)  extra(3)  scalar(1)
///
/// - normal, tangent: the lobe's shading frame (tangent-space normal, rotated tangent)
/// - albedo: the lobe colour (lambert/oren-nayar/sheen colour, dielectric tint,
///   Schlick F0, conductor F(0°) computed from η, k)
/// - roughness: (αx, αy) for microfacet lobes, (σ, σ) / (r, r) otherwise
/// - weight: the lobe's RGB throughput at normal incidence: lobe weight × mix
///   weights × multiply colours × layer factors (1 − A_top)²·T/(1 − A_top·ρ_base) at wi = wo = n
/// - extra: Schlick F90, conductor k, otherwise 0
/// - scalar: dielectric IOR, Schlick exponent, otherwise 0
extension Material {
    public static let rawParametersPerLobe = 18
    public var rawParameterCount: Int { lobes.count * Material.rawParametersPerLobe }

    public func rawParameters(uv: SIMD2<Float>) -> [Float] {
        var out = [Float](repeating: 0, count: rawParameterCount)
        withScratch { regs, ls, ns in
            _ = prepare(SIMD3<Float>(0, 0, 1), regs, ls, ns, ShadingPoint(uv: uv))
            for l in 0..<lobes.count {
                let s = ls[l]
                let node = Int(lobeNode[l])
                let w = ns[node].m * s.p.weight
                var albedo = s.p.color
                var rough = SIMD2<Float>(s.p.rough, s.p.rough)
                var extra = SIMD3<Float>()
                var scalar: Float = 0
                switch s.p.kind {
                case .conductor:
                    albedo = Fresnel.conductor(1, s.p.color, s.p.color2)
                    extra = s.p.color2
                    rough = s.p.alpha
                case .dielectric:
                    rough = s.p.alpha
                    scalar = s.p.ior
                case .generalizedSchlick:
                    rough = s.p.alpha
                    extra = s.p.color2
                    scalar = s.p.exponent
                case .lambert:
                    rough = SIMD2(0, 0)
                default: break
                }
                let values: [Float] = [s.frame.n.x, s.frame.n.y, s.frame.n.z, s.frame.t.x, s.frame.t.y, s.frame.t.z,
                                       albedo.x, albedo.y, albedo.z, rough.x, rough.y, w.x, w.y, w.z,
                                       extra.x, extra.y, extra.z, scalar]
                for (k, v) in values.enumerated() { out[l * Material.rawParametersPerLobe + k] = v }
            }
        }
        return out
    }
}
