/// The mapping from the scene file's perceptual `roughness` (and
/// `anisotropy`) to GGX α, in one place so documentation, loader and tests agree.
///
/// - α = roughness², the usual perceptual remapping (Burley 2012), clamped to
///   at least 1e-3 so a "perfect mirror" stays a valid, very sharp microfacet lobe.
/// - Anisotropy a ∈ [0, 1] uses Burley's aspect ratio: aspect = √(1 − 0.9·a),
///   αx = α / aspect (along the tangent), αy = α · aspect (along the
///   bitangent). This keeps √(αx·αy) = α, so changing anisotropy stretches the
///   highlight along the tangent without changing its overall size much.
public enum GGXRoughness {
    public static let minimumAlpha: Float = 1e-3

    public static func alpha(roughness: Float) -> Float {
        max(roughness * roughness, minimumAlpha)
    }

    public static func alphas(roughness: Float, anisotropy: Float) -> (x: Float, y: Float) {
        let a = roughness * roughness
        let aspect = (1 - 0.9 * min(max(anisotropy, 0), 1)).squareRoot()
        return (max(a / aspect, minimumAlpha), max(a * aspect, minimumAlpha))
    }
}
