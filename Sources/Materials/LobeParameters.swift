/// The lobe types of a layered material graph.
public enum LobeKind: Int32, Sendable, CaseIterable {
    case lambert = 0
    case orenNayar = 1
    case conductor = 2
    case dielectric = 3
    case generalizedSchlick = 4
    case sheen = 5

    /// The node name in Lacquer JSON and MaterialX pbrlib.
    public var nodeName: String {
        switch self {
        case .lambert: return "lambert_bsdf"
        case .orenNayar: return "oren_nayar_diffuse_bsdf"
        case .conductor: return "conductor_bsdf"
        case .dielectric: return "dielectric_bsdf"
        case .generalizedSchlick: return "generalized_schlick_bsdf"
        case .sheen: return "sheen_bsdf"
        }
    }
}

/// A lobe's parameters resolved at one shading point (after the input
/// program ran). Which fields a lobe reads:
/// - lambert: weight, color
/// - orenNayar: weight, color, rough (σ in [0,1]), energyCompensation
/// - conductor: weight, color = η (RGB), color2 = k (RGB), alpha
/// - dielectric: weight, color = tint, ior, alpha
/// - generalizedSchlick: weight, color = F0, color2 = F90, exponent, alpha
/// - sheen: weight, color, rough (Conty–Kulla r in [0,1])
/// The microfacet lobes also read film = (weight, thickness nm, IOR) of an
/// optional thin film on their Fresnel (`ThinFilm`; weight 0 = none).
struct LobeParams: Sendable {
    var kind: LobeKind = .lambert
    var weight: Float = 1
    var color = Vec3(1, 1, 1)
    var color2 = Vec3(1, 1, 1)
    var alpha = Vec2(0.1, 0.1)
    var rough: Float = 0
    var ior: Float = 1.5
    var exponent: Float = 5
    var energyCompensation = true
    var film = Vec3(0, 0, 1.5)
}

/// Dispatch over the lobe kinds on local directions (the lobe's own frame,
/// z = its normal). Every function follows DESIGN.md: eval = f·|cos θo|,
/// pdf per solid angle of wo, both directions above the lobe's horizon.
enum Lobe {
    /// Parameters clamped into the ranges the tables and formulas support.
    /// Mirrored by the clamps in layered_common.glsl.
    @inline(__always) static func sanitize(_ p: inout LobeParams) {
        p.weight = max(p.weight, 0)
        p.color = simd_maxv(p.color, 0)
        p.color2 = simd_maxv(p.color2, 0)
        p.alpha = Vec2(min(max(p.alpha.x, 1e-4), 1), min(max(p.alpha.y, 1e-4), 1))
        p.rough = clamp01(p.rough)
        p.ior = min(max(p.ior, 1), 3)
        p.exponent = min(max(p.exponent, 1), 10)
        p.film = Vec3(clamp01(p.film.x), min(max(p.film.y, 0), ThinFilm.maximumThickness), min(max(p.film.z, 1), 3))
    }

    @inline(__always) static func eval(_ p: LobeParams, _ wi: Vec3, _ wo: Vec3, _ t: AlbedoTables) -> Vec3 {
        if wi.z <= 0 || wo.z <= 0 { return Vec3() }
        switch p.kind {
        case .lambert: return p.weight * p.color * (wo.z / Float.pi)
        case .orenNayar: return p.weight * OrenNayarLobe.eval(p.color, p.rough, p.energyCompensation, wi, wo, t)
        case .conductor, .dielectric, .generalizedSchlick:
            let h = normalize3(wi + wo)
            let spec = GGX.D(h, p.alpha) * GGX.G2OverFourCosI(wi, wo, p.alpha)
            return p.weight * spec * MicrofacetLobe.fresnel(p, dot3(wi, h))
        case .sheen: return p.weight * p.color * (SheenLobe.evalWhite(p.rough, wi, wo) / t.sheen.lookup(wi.z, p.rough, 0).z)
        }
    }

    @inline(__always) static func pdf(_ p: LobeParams, _ wi: Vec3, _ wo: Vec3) -> Float {
        if wi.z <= 0 || wo.z <= 0 { return 0 }
        switch p.kind {
        case .lambert, .orenNayar, .sheen: return wo.z / Float.pi
        case .conductor, .dielectric, .generalizedSchlick: return GGX.reflectionPdf(wi, wo, p.alpha)
        }
    }

    /// A direction drawn from the lobe's sampling density (may lie below the
    /// horizon for microfacet lobes: the caller treats that as a failed sample).
    @inline(__always) static func sample(_ p: LobeParams, _ wi: Vec3, _ u: Vec2) -> Vec3 {
        switch p.kind {
        case .lambert, .orenNayar, .sheen: return Sampling.cosineHemisphere(u)
        case .conductor, .dielectric, .generalizedSchlick:
            let h = GGX.sampleVisibleNormal(wi, p.alpha, u)
            return reflect3(wi, about: h)
        }
    }

    /// Directional albedo estimate E(wi) in RGB, weight included: exact up to
    /// table interpolation (and never below the truth by more than the tables'
    /// Monte-Carlo error) except for anisotropic lobes (see AlbedoTables).
    /// `conductorFresnel`: a conductor's Fresnel at the estimate's nodes when
    /// computed for this shading point, else nil; `folded`: the lobe's table
    /// with its surface-wide Fresnel or ior folded in (`Material.foldedAlbedo`).
    @inline(__always) static func albedo(_ p: LobeParams, _ cosI: Float, _ t: AlbedoTables,
                                         conductorFresnel: UnsafePointer<Vec3>? = nil,
                                         folded: UnsafePointer<Vec3>? = nil) -> Vec3 {
        if cosI <= 0 { return Vec3() }
        switch p.kind {
        case .lambert: return p.weight * p.color
        case .orenNayar: return p.weight * OrenNayarLobe.albedo(p.color, p.rough, p.energyCompensation, cosI, t)
        case .conductor, .dielectric, .generalizedSchlick:
            return p.weight * MicrofacetLobe.albedo(p, cosI, t, conductorFresnel: conductorFresnel, folded: folded)
        case .sheen: return p.weight * p.color * t.sheen.lookup(cosI, p.rough, 0).x
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
