/// The GGX reflection lobes: conductor, dielectric (reflection only) and
/// generalized Schlick. They share f·cos θo = F(wi·h)·D(h)·G2(wi, wo)/(4 cos θi)
/// and visible-normal sampling; only the Fresnel term differs:
/// - conductor: exact complex-IOR Fresnel per RGB channel (η = color, k = color2;
///   artistic reflectivity + edge tint are converted with Gulbrandsen 2014 by
///   the input program before they reach the lobe);
/// - dielectric: tint · unpolarised dielectric Fresnel (IOR 1 → ior);
/// - generalized Schlick: F0 + (F90 − F0)(1 − wi·h)^exponent.
/// Anisotropy: alpha = (αx, αy) along the lobe frame's (rotated) tangent.
///
/// Thin film (`ThinFilm`, film weight w > 0 and thickness > 0): F = (1 − w)·F_bare
/// + w·tint·F_film, with the film on the lobe's substrate: the conductor's η + ik,
/// the dielectric's IOR (times its tint), and for generalized Schlick the
/// dielectric of the same F0, η = (1 + √F0)/(1 − √F0) (F90 and the exponent do
/// not reach the filmed part).
enum MicrofacetLobe {
    @inline(__always) static func hasFilm(_ p: LobeParams) -> Bool { p.film.x > 0 && p.film.y > 0 }

    /// The substrate under a film: (η, k, tint).
    @inline(__always) static func filmSubstrate(_ p: LobeParams) -> (Vec3, Vec3, Vec3) {
        switch p.kind {
        case .conductor: return (p.color, p.color2, Vec3(1, 1, 1))
        case .dielectric: return (Vec3(repeating: p.ior), Vec3(), p.color)
        default:
            let s = Vec3(min(p.color.x, 0.99).squareRoot(), min(p.color.y, 0.99).squareRoot(), min(p.color.z, 0.99).squareRoot())
            return ((Vec3(1, 1, 1) + s) / (Vec3(1, 1, 1) - s), Vec3(), Vec3(1, 1, 1))
        }
    }

    @inline(__always) static func fresnel(_ p: LobeParams, _ c: Float) -> Vec3 {
        let bare = bareFresnel(p, c)
        if !hasFilm(p) { return bare }
        let (eta, k, tint) = filmSubstrate(p)
        return bare * (1 - p.film.x) + tint * ThinFilm.rgb(c, p.film.y, p.film.z, eta, k) * p.film.x
    }

    @inline(__always) static func bareFresnel(_ p: LobeParams, _ c: Float) -> Vec3 {
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
    /// With a film: (1 − w)·(the bare albedo) + w·tint·Σ_j F_film(c_j)·H_j, the
    /// filmed Fresnel through the same hat moments as the conductor's; it is a
    /// convex combination of reflectances ≤ 1, so the estimate stays ≤ 1.
    @inline(__always) static func albedo(_ p: LobeParams, _ cosI: Float, _ t: AlbedoTables,
                                         conductorFresnel: UnsafePointer<Vec3>? = nil,
                                         folded: UnsafePointer<Vec3>? = nil) -> Vec3 {
        let bare = bareAlbedo(p, cosI, t, conductorFresnel: conductorFresnel, folded: folded)
        if !hasFilm(p) { return bare }
        let r = (p.alpha.x * p.alpha.y).squareRoot().squareRoot()
        let (eta, k, tint) = filmSubstrate(p)
        var a = Vec3()
        for j in 0..<t.ggx.nz {
            let h = t.ggx.lookupSlice(cosI, r, j).z
            a += h * ThinFilm.rgb(AlbedoTables.fresnelNode(j, t.ggx.nz), p.film.y, p.film.z, eta, k)
        }
        return bare * (1 - p.film.x) + tint * a * p.film.x
    }

    /// The dielectric albedo table's third coordinate for an ior in [1, 3].
    @inline(__always) static func dielectricTableZ(_ ior: Float) -> Float { (ior - 1) * 0.5 }

    /// `conductorFresnel`: the conductor's Fresnel at the nodes, precomputed
    /// (the same values this computes without it). `folded`: the lobe's
    /// table with what does not vary over the surface folded in — a
    /// conductor's Fresnel nodes (`AlbedoTable.contracted`), a dielectric's
    /// ior (`AlbedoTable.sliced`, the value in every channel).
    @inline(__always) static func bareAlbedo(_ p: LobeParams, _ cosI: Float, _ t: AlbedoTables,
                                             conductorFresnel: UnsafePointer<Vec3>? = nil,
                                             folded: UnsafePointer<Vec3>? = nil) -> Vec3 {
        let r = (p.alpha.x * p.alpha.y).squareRoot().squareRoot()
        switch p.kind {
        case .dielectric:
            if let g = folded { return p.color * t.dielectric.bilinear(cosI, r, g) }
            return p.color * t.dielectric.lookup(cosI, r, dielectricTableZ(p.ior)).x
        case .generalizedSchlick:
            let e = t.ggx.lookup(cosI, r, (p.exponent - 1) / 9)
            return p.color * (e.x - e.y) + p.color2 * e.y
        default:
            if let g = folded { return t.ggx.bilinear(cosI, r, g) }
            let nz = t.ggx.nz
            let (ix, fx) = t.ggx.node(cosI, t.ggx.nx)
            let (iy, fy) = t.ggx.node(r, t.ggx.ny)
            var a = Vec3()
            for j in 0..<nz {
                let h = t.ggx.slice(j, ix, fx, iy, fy).z
                a += h * (conductorFresnel?[j] ?? Fresnel.conductor(AlbedoTables.fresnelNode(j, nz), p.color, p.color2))
            }
            return a
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
