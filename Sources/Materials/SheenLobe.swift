/// "Charlie" microfibre sheen (Conty Estevez & Kulla 2017, "Production
/// Friendly Microfacet Sheen BRDF"):
///
///     D(h) = (2 + 1/r) · sin(θh)^(1/r) / (2π)
///     Λ(μ) = exp(L(μ)) for μ < 1/2, exp(2 L(1/2) − L(1 − μ)) otherwise,
///     L(x) = a/(1 + b x^c) + d x + e, coefficients blended between the paper's
///            r = 0 and r = 1 fits with t = (1 − r)²,
///     f·cos θo = color · D(h) / ((1 + Λ(μi) + Λ(μo)) · 4 μi)
///
/// divided by the per-r constant N(r) = max(1, max_μ E_raw(μ, r)) from the
/// table (the raw model exceeds an albedo of 1 at grazing incidence for low r).
/// r is clamped to [0.05, 1]. Sampled with a cosine-weighted hemisphere. Its
/// directional albedo (for the layering and lobe selection) is the Monte-Carlo
/// table `AlbedoTables.sheen`.
enum SheenLobe {
    @inline(__always) static func clampR(_ r: Float) -> Float { min(max(r, 0.05), 1) }

    @inline(__always) static func L(_ x: Float, _ r: Float) -> Float {
        let t = (1 - r) * (1 - r)
        let a = t * 25.3245 + (1 - t) * 21.5473
        let b = t * 3.32435 + (1 - t) * 3.82987
        let c = t * 0.16801 + (1 - t) * 0.19823
        let d = t * -1.27393 + (1 - t) * -1.97760
        let e = t * -4.85967 + (1 - t) * -4.32054
        return a / (1 + b * powf(x, c)) + d * x + e
    }

    @inline(__always) static func lambda(_ muIn: Float, _ r: Float) -> Float {
        let mu = clamp01(muIn)
        return mu < 0.5 ? expf(L(mu, r)) : expf(2 * L(0.5, r) - L(1 - mu, r))
    }

    /// f·cos θo for color = 1.
    @inline(__always) static func evalWhite(_ rIn: Float, _ wi: Vec3, _ wo: Vec3) -> Float {
        let r = clampR(rIn)
        let h = normalize3(wi + wo)
        let sin2 = max(1 - h.z * h.z, 0)
        let invR = 1 / r
        let d = (2 + invR) * powf(sin2, 0.5 * invR) / (2 * Float.pi)
        let g = 1 / (1 + lambda(wi.z, r) + lambda(wo.z, r))
        return d * g / (4 * wi.z)
    }
}

#if canImport(Glibc)
import Glibc
#endif
