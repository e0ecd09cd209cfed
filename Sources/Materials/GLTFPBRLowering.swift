/// The glTF 2.0 PBR reflection model (MaterialX's `gltf_pbr` node graph) as
/// Lacquer lobes — the one lowering shared by MaterialX `<gltf_pbr>` and glTF
/// 2.0 files, so both formats mean the same thing by the same parameters
/// (α = roughness²):
///
///     diffuse   = oren_nayar(base_color, roughness 0)
///     dielBase  = layer(dielectric(weight specular, tint specular_color, ior, α), diffuse)
///     metal     = generalized_schlick(F0 = base_color, F90 = 1, α)
///     substrate = mix(fg = metal, bg = dielBase, mix = metallic)
///     coated    = layer(dielectric(weight clearcoat, ior 1.5, α(clearcoat_roughness),
///                                  normal clearcoat_normal), substrate)
///     result    = layer(sheen(weight 1, sheen_color, sheen_roughness), coated)
///
/// Anisotropy (KHR_materials_anisotropy, MaterialX `anisotropy_strength` /
/// `anisotropy_rotation`): the specular and metal lobes get
/// α_t = mix(α, 1, strength²) along the tangent turned by `rotation` radians
/// counter-clockwise towards the bitangent, α_b = α.
///
/// Iridescence (KHR_materials_iridescence, MaterialX `iridescence*`): a thin
/// film (`ThinFilm`) on the specular and metal lobes' Fresnel.
///
/// Lobes whose weight is a literal constant that switches them off (metallic
/// 0 or 1, specular 0, clearcoat 0, sheen colour black) are left out, and a
/// literal normal is the geometric normal: textured inputs keep every lobe.
struct GLTFPBRInputs {
    var baseColor: InputRef
    var metallic: InputRef
    var roughness: InputRef
    var normal: InputRef
    var specular: InputRef
    var specularColor: InputRef
    var ior: InputRef
    var clearcoat: InputRef
    var clearcoatRoughness: InputRef
    var clearcoatNormal: InputRef
    var sheenColor: InputRef
    var sheenRoughness: InputRef
    /// nil: isotropic.
    var anisotropyStrength: InputRef?
    /// Radians, counter-clockwise from the tangent; nil = 0.
    var anisotropyRotation: InputRef?
    /// Thin film (weight, thickness nm, IOR) from `MaterialBuilder.film`; nil: none.
    var film: InputRef? = nil
}

extension MaterialBuilder {
    /// The value of a register that is a literal constant (not computed), else nil.
    func literal(_ ref: InputRef) -> SIMD4<Float>? {
        guard ref.index >= 0, Int(ref.index) < ops.count, case .constant(let v) = ops[Int(ref.index)] else { return nil }
        return v
    }

    func isLiteral(_ ref: InputRef, _ value: Float) -> Bool {
        literal(ref).map { $0.x == value && $0.y == value && $0.z == value } ?? false
    }

    /// The `gltf_pbr` graph over the given inputs; lobe names start with `name`.
    mutating func gltfPBR(_ i: GLTFPBRInputs, name: String) -> BsdfRef? {
        let zero = constant(Float(0)), one = constant(Float(1))
        let normal = literal(i.normal) == nil ? i.normal : nil
        var alpha = roughnessAnisotropy(i.roughness, zero)
        var rotation: InputRef?
        if let strength = i.anisotropyStrength, !isLiteral(strength, 0) {
            let a = extract(alpha, channel: 0)
            let alongTangent = math(.mix, one, a, math(.multiply, strength, strength))
            alpha = combine([alongTangent, a])
            if let r = i.anisotropyRotation, !isLiteral(r, 0) {
                rotation = math(.multiply, r, constant(Float(180) / Float.pi))
            }
        }
        var substrate: BsdfRef?
        if !isLiteral(i.metallic, 1) {
            let diffuse = lobe(.orenNayar, name: name + ".base", weight: one, color: i.baseColor, rough: zero, normal: normal)
            if isLiteral(i.specular, 0) {
                substrate = diffuse
            } else {
                let dielectric = lobe(.dielectric, name: name + ".specular", weight: i.specular, color: i.specularColor,
                                      alpha: alpha, ior: i.ior, rotation: rotation, normal: normal, film: i.film)
                substrate = layer(top: dielectric, base: diffuse)
            }
        }
        if !isLiteral(i.metallic, 0) {
            let metal = lobe(.generalizedSchlick, name: name + ".metal", weight: one, color: i.baseColor,
                             color2: constant(SIMD3<Float>(1, 1, 1)), alpha: alpha, exponent: constant(Float(5)),
                             rotation: rotation, normal: normal, film: i.film)
            substrate = substrate.map { mix(fg: metal, bg: $0, weight: i.metallic) } ?? metal
        }
        guard var result = substrate else { return nil }
        if !isLiteral(i.clearcoat, 0) {
            let coatNormal = literal(i.clearcoatNormal) == nil ? i.clearcoatNormal : nil
            let coat = lobe(.dielectric, name: name + ".clearcoat", weight: i.clearcoat, color: constant(SIMD3<Float>(1, 1, 1)),
                            alpha: roughnessAnisotropy(i.clearcoatRoughness, zero), ior: constant(Float(1.5)), normal: coatNormal)
            result = layer(top: coat, base: result)
        }
        if !isLiteral(i.sheenColor, 0) {
            let sheen = lobe(.sheen, name: name + ".sheen", weight: one, color: i.sheenColor, rough: i.sheenRoughness, normal: normal)
            result = layer(top: sheen, base: result)
        }
        return result
    }
}
