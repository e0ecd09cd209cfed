/// A lobe instruction: which registers feed which parameter (−1 = default).
struct LobeInstr: Sendable {
    var kind: LobeKind
    var weight: Int32 = -1
    var color: Int32 = -1
    var color2: Int32 = -1
    /// Register holding (αx, αy) for microfacet lobes.
    var alpha: Int32 = -1
    /// σ (Oren–Nayar) or r (sheen).
    var rough: Int32 = -1
    var ior: Int32 = -1
    var exponent: Int32 = -1
    /// Tangent rotation in degrees (counter-clockwise about the normal).
    var rotation: Int32 = -1
    /// Tangent-space normal (−1 = geometric normal).
    var normal: Int32 = -1
    /// Thin film (weight, thickness nm, IOR) on a microfacet lobe's Fresnel (−1 = none).
    var film: Int32 = -1
    var energyCompensation = true
    /// The node's name in the source file (for raw parameters and messages).
    var name: String = ""
}

/// BSDF operator nodes, stored children-first; the root is the last node.
enum BsdfOp: Sendable {
    case lobe(Int32)
    /// f = f_top + f_base ⊙ (1 − A_top(wi)) ⊙ (1 − A_top(wo)) ⊙ T(wi, wo) / (1 − r ⊙ ρ)
    /// (inter-reflection between top and base; see `Material`)
    case layer(top: Int32, base: Int32, tint: Int32, thickness: Int32, ior: Float)
    /// MaterialX mix: fg·t + bg·(1 − t)
    case mix(fg: Int32, bg: Int32, weight: Int32)
    case add(Int32, Int32)
    case multiply(Int32, color: Int32)
}

/// The lobe state at one shading point: resolved parameters, frame, wi in the
/// lobe frame, its albedo estimate at wi and its selection weight.
struct LobeState {
    var p = LobeParams()
    var frame = ShadingFrame.identity
    var wi = Vec3(0, 0, 1)
    var ei = Vec3()
    var selection: Float = 0
    var cosRot: Float = 1
    var sinRot: Float = 0
    /// False where a mix above the lobe gives it weight exactly 0 at this
    /// shading point (`Material.markLiveNodes`): it is then neither prepared
    /// nor evaluated, and reads as 0.
    var live = true
}

/// Per-node scratch: albedo estimate at wi / wo, value at wo, and the
/// top-down throughput multiplier used for lobe selection.
struct NodeScratch {
    var ai = Vec3()
    var ao = Vec3()
    var f = Vec3()
    var m = Vec3()
    var pdf: Float = 0
    /// Layer nodes, set by `prepare` for the sampling weights and every eval:
    /// the coat transmittance T(wi, wi) and ρ(wi) = A_base(wi)·T(wi, wi).
    var transmittanceI = Vec3()
    var rhoI = Vec3()
    /// Whether the node reaches the result at this shading point
    /// (`Material.markLiveNodes`; set and read only while the lobes are prepared).
    var live = true
}

#if canImport(Glibc)
import Glibc
#endif
