/// Float constants written into generated GLSL (activations, the difference
/// vector's pole softening): one spelling, so the shader reads back exactly
/// the value the CPU trainer used.
public enum GLSLLiteral {
    /// A float literal GLSL reads back to the same value (`description` is
    /// the shortest round-trip spelling; GLSL needs a point or an exponent).
    public static func float(_ v: Float) -> String {
        let s = v.description
        return s.contains(".") || s.contains("e") ? s : s + ".0"
    }
}
