/// The scene format's built-in material types (`diffuse`, `conductor`,
/// `coated_diffuse`) as layered graphs: one material model, so they share
/// the lobes, Fresnel, roughness mapping, α floor, CPU reference and
/// generated GPU code of every other material. Their constants are
/// parameters, not structure: all diffuse materials of a scene run one
/// shading kernel, all conductors another.
public enum BuiltInMaterials {
    /// Lambertian reflection of `albedo`.
    public static func diffuse(albedo: SIMD3<Float>, name: String = "diffuse") -> Material {
        var builder = MaterialBuilder()
        let color = builder.parameter(albedo)
        let root = builder.lobe(.lambert, name: "diffuse", color: color)
        return builder.build(root: root, name: name, contentHash: contentHash("diffuse", [albedo.x, albedo.y, albedo.z]))
    }

    /// A rough GGX conductor of complex IOR η + i·k per RGB channel. The
    /// perceptual `roughness` and `anisotropy` (both in [0, 1]) map to GGX α
    /// as every other microfacet lobe does (OpenPBR's mapping, α ≥ 1e-4).
    public static func conductor(eta: SIMD3<Float>, k: SIMD3<Float>, roughness: Float, anisotropy: Float = 0,
                                 name: String = "conductor") -> Material {
        var builder = MaterialBuilder()
        let etaRegister = builder.parameter(eta), kRegister = builder.parameter(k)
        let roughnessRegister = builder.parameter(roughness), anisotropyRegister = builder.parameter(anisotropy)
        let alpha = builder.roughnessAnisotropy(roughnessRegister, anisotropyRegister)
        let root = builder.lobe(.conductor, name: "conductor", color: etaRegister, color2: kRegister, alpha: alpha)
        let values = [eta.x, eta.y, eta.z, k.x, k.y, k.z, roughness, anisotropy]
        return builder.build(root: root, name: name, contentHash: contentHash("conductor", values))
    }

    /// A rough GGX dielectric coat of IOR `coatIOR` over a Lambertian base,
    /// layered like every other coat (albedo scaling with the coat's
    /// directional albedo, so energy is conserved at every angle).
    public static func coatedDiffuse(albedo: SIMD3<Float>, coatIOR: Float, roughness: Float,
                                     name: String = "coated_diffuse") -> Material {
        var builder = MaterialBuilder()
        let roughnessRegister = builder.parameter(roughness), isotropic = builder.parameter(0)
        let alpha = builder.roughnessAnisotropy(roughnessRegister, isotropic)
        let iorRegister = builder.parameter(coatIOR), color = builder.parameter(albedo)
        let coat = builder.lobe(.dielectric, name: "coat", alpha: alpha, ior: iorRegister)
        let base = builder.lobe(.lambert, name: "base", color: color)
        let root = builder.layer(top: coat, base: base, ior: coatIOR)
        return builder.build(root: root, name: name,
                             contentHash: contentHash("coated_diffuse", [albedo.x, albedo.y, albedo.z, coatIOR, roughness]))
    }

    /// The complex IOR (η, k) of Gulbrandsen's artist-friendly conductor
    /// parameters: `reflectivity` is the colour at normal incidence,
    /// `edgeTint` the colour towards grazing angles (both in [0, 1]). The
    /// same conversion the `conductor_bsdf` node's reflectivity/edge_color use.
    public static func conductorIOR(reflectivity: SIMD3<Float>, edgeTint: SIMD3<Float>) -> (eta: SIMD3<Float>, k: SIMD3<Float>) {
        let nk = Fresnel.gulbrandsen(reflectivity: reflectivity, edge: edgeTint)
        return (nk.n, nk.k)
    }

    /// The reflectance of a conductor at normal incidence (its "colour").
    public static func normalReflectance(eta: SIMD3<Float>, k: SIMD3<Float>) -> SIMD3<Float> {
        Fresnel.conductor(1, eta, k)
    }

    /// A stable hash of the type and its values: equal built-in materials
    /// share data on the GPU, and a baked twin of one can be checked against it.
    static func contentHash(_ type: String, _ values: [Float]) -> UInt64 {
        var hash = FNV1a64()
        hash.add("lacquer built-in material " + type)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { hash.add($0) } }
        return hash.value
    }
}

extension MaterialBuilder {
    /// A constant register of its own, never shared with an equal constant:
    /// a built-in graph keeps one structure whatever its values (two equal
    /// parameters merged into one register would change the code).
    mutating func parameter(_ v: SIMD3<Float>) -> InputRef { push(.constant(SIMD4<Float>(v.x, v.y, v.z, 0))) }
    mutating func parameter(_ x: Float) -> InputRef { push(.constant(SIMD4<Float>(repeating: x))) }
}
