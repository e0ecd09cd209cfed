/// "Charlie" microfibre sheen (Conty Estevez & Kulla 2017, "Production
/// Friendly Microfacet Sheen BRDF"):
///
///     D(h) = (2 + 1/r) · sin(θh)^(1/r) / (2π)
///     Λ(μ) = exp(L(μ)) for μ < 1/2, exp(2 L(1/2) − L(1 − μ)) otherwise, and
///            Λ(μ0)·μ0/μ below μ0 = `tailCos` (a Smith-like tail, see there),
///     L(x) = a/(1 + b x^c) + d x + e, coefficients blended between the paper's
///            r = 0 and r = 1 fits with t = (1 − r)²,
///     f·cos θo = color · D(h) / (4 (μi + μiΛ(μi) + μiΛ(μo)))  (= D·G/(4μi))
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

    /// Below this cosine Λ follows Λ(μ0)·μ0/μ instead of the fit: the fit stays
    /// finite at μ = 0, so D·G/(4μi) grew like 1/μi without bound as wi grazed
    /// (5.7e9 at μ = 1e-20). The Smith-like tail makes μΛ(μ) constant there,
    /// which keeps f·cos θo bounded down to the smallest positive float.
    static let tailCos: Float = 0.002

    /// The Conty–Kulla fit of Λ(μ), for μ ≥ `tailCos`.
    @inline(__always) static func lambdaFit(_ muIn: Float, _ r: Float) -> Float {
        let mu = clamp01(muIn)
        return mu < 0.5 ? expf(L(mu, r)) : expf(2 * L(0.5, r) - L(1 - mu, r))
    }

    /// μ·Λ(μ): finite for every μ ≥ 0.
    @inline(__always) static func muLambda(_ mu: Float, _ r: Float) -> Float {
        let m = max(mu, tailCos)
        return lambdaFit(m, r) * m
    }

    /// Λ(μ) (+∞ at μ = 0).
    @inline(__always) static func lambda(_ mu: Float, _ r: Float) -> Float {
        mu >= tailCos ? lambdaFit(mu, r) : (mu > 0 ? muLambda(mu, r) / mu : Float.infinity)
    }

    /// f·cos θo for color = 1 (wi.z, wo.z > 0): D/(4(μi + μiΛi + μiΛo)), the
    /// usual D·G/(4μi) with μi folded into the masking term.
    @inline(__always) static func evalWhite(_ rIn: Float, _ wi: Vec3, _ wo: Vec3) -> Float {
        let r = clampR(rIn)
        let h = normalize3(wi + wo)
        let sin2 = max(1 - h.z * h.z, 0)
        let invR = 1 / r
        let d = (2 + invR) * powf(sin2, 0.5 * invR) / (2 * Float.pi)
        return d / (4 * (wi.z + muLambda(wi.z, r) + wi.z * lambda(wo.z, r)))
    }
}

#if canImport(Glibc)
import Glibc
#endif
