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
    /// - conductor: the Schlick form with F0 = F(1) and F90 = 1, exponent 5 (an
    ///   estimate: used for lobe selection and when a conductor is a top layer).
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
            let e = t.ggx.lookup(cosI, r, 4.0 / 9.0)
            let f0 = Fresnel.conductor(1, p.color, p.color2)
            return f0 * (e.x - e.y) + Vec3(repeating: e.y)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
