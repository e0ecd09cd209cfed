/// The GGX reflection lobes: conductor, dielectric (reflection only) and
/// generalized Schlick. They share f·cos θo = F(wi·h)·D(h)·G2(wi, wo)/(4 cos θi)
/// and visible-normal sampling; only the Fresnel term differs:
/// - conductor: exact complex-IOR Fresnel per RGB channel (η = color, k = color2;
///   artistic reflectivity + edge tint are converted with Gulbrandsen 2014 by
///   the input program before they reach the lobe);
/// - dielectric: tint · unpolarised dielectric Fresnel (IOR 1 → ior);
/// - generalized Schlick: F0 + (F90 − F0)(1 − wi·h)^exponent.
/// Anisotropy: alpha = (αx, αy) along the lobe frame's (rotated) tangent.
enum MicrofacetLobe {
    @inline(__always) static func fresnel(_ p: LobeParams, _ c: Float) -> Vec3 {
        switch p.kind {
        case .conductor: return Fresnel.conductor(c, p.color, p.color2)
        case .dielectric: return p.color * Fresnel.dielectric(c, p.ior)
        default: return Fresnel.schlick(c, p.color, p.color2, p.exponent)
        }
    }

    /// Albedo estimate (weight excluded):
    /// - dielectric: tint · E_diel(cos θi, √α, ior), exact Fresnel table;
    /// - generalized Schlick: F0·(E − S_p) + F90·S_p with E the white GGX albedo and
    ///   S_p = ∫ D G (1 − wi·h)^p, both tabulated (exact up to interpolation);
    /// - conductor: Σ_j F(c_j)·H_j, the exact Fresnel integrated through its
    ///   piecewise-linear interpolant on 10 nodes (tabulated hat moments H_j). The
    ///   Schlick-like estimate it replaces fell far below the truth for metals
    ///   with a bright edge (0.263 vs 0.426), and a conductor top layer over white
    ///   Lambert then reflected 1.07; the interpolant of the convex Fresnel curve
    ///   errs, if at all, on the high side, which only darkens the base a little.
    /// Anisotropic lobes look the tables up at √(αx αy).
    @inline(__always) static func albedo(_ p: LobeParams, _ cosI: Float, _ t: AlbedoTables) -> Vec3 {
        let r = (p.alpha.x * p.alpha.y).squareRoot().squareRoot()
        switch p.kind {
        case .dielectric:
            return p.color * t.dielectric.lookup(cosI, r, (p.ior - 1) * 0.5).x
        case .generalizedSchlick:
            let e = t.ggx.lookup(cosI, r, (p.exponent - 1) / 9)
            return p.color * (e.x - e.y) + p.color2 * e.y
        default:
            var a = Vec3()
            for j in 0..<t.ggx.nz {
                let h = t.ggx.lookupSlice(cosI, r, j).z
                a += h * Fresnel.conductor(AlbedoTables.fresnelNode(j, t.ggx.nz), p.color, p.color2)
            }
            return a
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
