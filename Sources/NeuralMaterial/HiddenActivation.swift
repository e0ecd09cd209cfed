import CTrainingKernels

/// The nonlinearity between the BRDF decoder's hidden layers, stored in the
/// architecture of every `.nmat` (the sampling decoder keeps ReLU).
///
/// The paper uses ReLU. Its 2026 follow-up (PAPER.md "Since the paper")
/// trains its 2×16 decoder with a smooth ReLU: in a 16-wide layer every unit
/// that ReLU's flat half switches off, and every kink of the loss surface,
/// matters more than at 32, and the result depends more on the seed.
/// `smoothReLU` is the leaky form: slope `leak` left of −`halfWidth`, the
/// identity right of `halfWidth`, and between them the quadratic that joins
/// the two with a continuous slope. Both numbers live once, in the C header
/// (`LQ_SMOOTH_RELU_*`), and the training kernels (SmoothReLU.c), this scalar
/// definition and the generated GLSL all read them.
public enum HiddenActivation: String, Codable, CaseIterable, Sendable {
    case relu = "relu"
    case smoothReLU = "smelu"

    public static let halfWidth: Float = LQ_SMOOTH_RELU_HALF_WIDTH
    public static let leak: Float = LQ_SMOOTH_RELU_LEAK
    /// The middle piece q(z) = (a·z + b)·z + c: q(±halfWidth) meets both lines with their slopes.
    static let quadraticA: Float = (1 - leak) / (4 * halfWidth)
    static let quadraticB: Float = (1 + leak) / 2
    static let quadraticC: Float = halfWidth * (1 - leak) / 4

    /// Parses the CLI spelling (`relu`, `smelu`).
    public init(name: String) throws {
        guard let v = HiddenActivation(rawValue: name.lowercased()) else {
            throw NeuralMaterialError.invalidArchitecture(
                detail: "activation '\(name)' must be one of \(HiddenActivation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = v
    }

    /// The activation of one pre-activation value. Separate multiplies and
    /// adds in SmoothReLU.c's order, so the CPU decoder and the training
    /// kernels round alike.
    @inline(__always)
    public func callAsFunction(_ z: Float) -> Float {
        switch self {
        case .relu:
            return max(z, 0)
        case .smoothReLU:
            if z >= Self.halfWidth { return z }
            if z <= -Self.halfWidth { return Self.leak * z }
            let t = Self.quadraticA * z + Self.quadraticB
            return t * z + Self.quadraticC
        }
    }

    /// The activation as a GLSL expression of the float expression `z` (a plain variable name).
    public func glsl(_ z: String) -> String {
        switch self {
        case .relu:
            return "max(\(z), 0.0)"
        case .smoothReLU:
            let w = GLSLLiteral.float(Self.halfWidth)
            return "(\(z) >= \(w) ? \(z) : (\(z) <= -\(w) ? \(GLSLLiteral.float(Self.leak)) * \(z)"
                + " : (\(GLSLLiteral.float(Self.quadraticA)) * \(z) + \(GLSLLiteral.float(Self.quadraticB))) * \(z) + \(GLSLLiteral.float(Self.quadraticC))))"
        }
    }
}
