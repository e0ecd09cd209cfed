/// Energy-preserving Oren–Nayar ("EON", Portsmouth, Kutz & Hill 2025) built on
/// Fujii's qualitative Oren–Nayar (FON):
///
///     f_ss = ρ/π · A · (1 + σ·s/t),  A = 1/(1 + (1/2 − 2/(3π))·σ),
///     s = wi·wo − cos θi cos θo,  s/t = s / max(cos θi, cos θo) if s > 0, else s,
///
/// plus, when energy compensation is on, the multiple-scattering term
///
///     f_ms = ρ_ms/π · (1 − E(θi))(1 − E(θo)) / (1 − Ē),
///     ρ_ms = ρ²·Ē / (1 − ρ(1 − Ē)),
///
/// where E(θ) is FON's directional albedo for ρ = 1 and Ē its cosine-weighted
/// average. f_ss is divided by the per-σ constant N(σ) = max(1, max_μ E_raw(μ, σ))
/// (FON alone exceeds an albedo of 1 at grazing incidence for large σ); E is
/// the albedo of the normalised f_ss. E, Ē and N come from the Monte-Carlo table `AlbedoTables.fon` (the
/// published fits are not used), so for ρ = 1 the lobe's albedo is 1 up to the
/// table's interpolation error. σ = 0 is Lambert.
enum OrenNayarLobe {
    static let c1: Float = 0.5 - 2 / (3 * Float.pi)

    /// f_ss·cos θo for ρ = 1.
    @inline(__always) static func singleWhite(_ sigma: Float, _ wi: Vec3, _ wo: Vec3) -> Float {
        let a = 1 / (1 + c1 * sigma)
        let s = dot3(wi, wo) - wi.z * wo.z
        let st = s > 0 ? s / max(wi.z, wo.z) : s
        return a * (1 + sigma * st) * (wo.z / Float.pi)
    }

    @inline(__always) static func eval(_ rho: Vec3, _ sigma: Float, _ comp: Bool, _ wi: Vec3, _ wo: Vec3,
                                       _ t: AlbedoTables) -> Vec3 {
        let ti = t.fon.lookup(wi.z, sigma, 0)
        var f = rho * (singleWhite(sigma, wi, wo) / ti.z)
        if comp {
            let eo = t.fon.lookup(wo.z, sigma, 0).x
            let eAvg = ti.y
            if 1 - eAvg > 1e-4 {
                let rhoMs = rho * rho * eAvg / (Vec3(repeating: 1) - rho * (1 - eAvg))
                let k = max(1 - ti.x, 0) * max(1 - eo, 0) / (1 - eAvg) * (wo.z / Float.pi)
                f += rhoMs * k
            }
        }
        return f
    }

    @inline(__always) static func albedo(_ rho: Vec3, _ sigma: Float, _ comp: Bool, _ cosI: Float, _ t: AlbedoTables) -> Vec3 {
        let ti = t.fon.lookup(cosI, sigma, 0)
        var e = rho * ti.x
        if comp && 1 - ti.y > 1e-4 {
            let rhoMs = rho * rho * ti.y / (Vec3(repeating: 1) - rho * (1 - ti.y))
            e += rhoMs * max(1 - ti.x, 0)
        }
        return e
    }
}

#if canImport(Glibc)
import Glibc
#endif
