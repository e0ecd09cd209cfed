/// Which directions the BRDF decoder sees in each learned frame
/// (`FrameLayer.features`), stored in the architecture of every `.nmat`.
///
/// The paper feeds wi and wo. A specular lobe — a clear coat's highlight, a
/// flake's glint — is a narrow function of the half vector h = normalize(wi + wo),
/// which a 2×32 ReLU network has to rebuild from wi and wo with its first
/// layer. Handing it h as well cut car paint's held-out relative L1 by a
/// third, but not its rendered FLIP (docs/BAKING.md "Half-vector inputs"),
/// so it is an option, not the default. h is derived from wi and wo in the
/// shading frame: it adds no parameter and its gradient reaches the learned
/// frames like theirs.
///
/// The follow-up paper's compact 2×16 decoder (PAPER.md "Since the paper")
/// sees, per frame, h, the difference vector d (wi in the frame that carries
/// h to the pole, Rusinkiewicz's parametrisation: an isotropic lobe is a
/// function of h·n, d·n and d's azimuth alone) and the z of wi and wo, for
/// Fresnel and masking: `halfDifference`, 8 features per frame, fewer than
/// `withHalfVector`'s 9.
///
/// `halfDifferenceLogAngle` adds the log-stretched half angle
/// (`FrameLayer.logHalfAngle`) to each frame's block. A clear coat's peak
/// lives where h.z is within 0.001 of 1 (GGX α = 0.04) — a sliver of the inputs' range
/// that a 16-wide layer cannot resolve with the weights Adam reaches, so it
/// builds the peak from h.x and h.y as a faceted cap, lower and wider than
/// the reference's (measured: the 2×16 twins of lacquered wood and ceramic
/// glaze reach 0.65 and 0.40 of the coat's peak head-on). The log of
/// sin²θ_h spreads every roughness's peak over a unit range of one input.
public enum FrameInputs: String, Codable, CaseIterable, Sendable {
    /// wi, wo (the paper): 6 features per frame.
    case incidentOutgoing = "wi-wo"
    /// wi, wo and h = normalize(wi + wo): 9 features per frame.
    case withHalfVector = "wi-wo-h"
    /// h, d, wi.z, wo.z (`FrameLayer.differenceVector`): 8 features per frame.
    case halfDifference = "h-d"
    /// h, d, wi.z, wo.z and `FrameLayer.logHalfAngle`: 9 features per frame.
    case halfDifferenceLogAngle = "h-d-l"

    /// Features per learned frame.
    public var featuresPerFrame: Int {
        switch self {
        case .incidentOutgoing: return 6
        case .withHalfVector: return 9
        case .halfDifference: return 8
        case .halfDifferenceLogAngle: return 9
        }
    }
    /// Features of both frames: 12, 18, 16 or 18.
    public var featureCount: Int { 2 * featuresPerFrame }
    /// Whether the decoder needs h = normalize(wi + wo).
    public var usesHalfVector: Bool { self != .incidentOutgoing }
    /// The mode number of the C kernels (`lq_frame_features_*`): 0, 1, 2, 3.
    public var kernelMode: Int {
        switch self {
        case .incidentOutgoing: return 0
        case .withHalfVector: return 1
        case .halfDifference: return 2
        case .halfDifferenceLogAngle: return 3
        }
    }

    /// Parses the CLI spelling (`wi-wo`, `wi-wo-h`, `h-d`, `h-d-l`).
    public init(name: String) throws {
        guard let v = FrameInputs(rawValue: name.lowercased()) else {
            throw NeuralMaterialError.invalidArchitecture(
                detail: "frame inputs '\(name)' must be one of \(FrameInputs.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = v
    }
}
