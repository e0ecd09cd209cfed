import Materials

extension AnalyticMaterial {
    /// The material as a built-in graph of Materials: one material model for
    /// the scene's built-in types and its layered files (one Fresnel, one
    /// roughness mapping, one CPU reference, one kind of generated GPU code).
    public func graph(name: String) -> Material {
        switch self {
        case .diffuse(let albedo):
            return BuiltInMaterials.diffuse(albedo: albedo.simd, name: name)
        case let .conductor(eta, k, roughness, anisotropy):
            return BuiltInMaterials.conductor(eta: eta.simd, k: k.simd, roughness: roughness, anisotropy: anisotropy, name: name)
        case let .coatedDiffuse(albedo, coatIOR, roughness):
            return BuiltInMaterials.coatedDiffuse(albedo: albedo.simd, coatIOR: coatIOR, roughness: roughness, name: name)
        }
    }
}
