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
public enum FrameInputs: String, Codable, CaseIterable, Sendable {
    /// wi, wo (the paper): 6 features per frame.
    case incidentOutgoing = "wi-wo"
    /// wi, wo and h = normalize(wi + wo): 9 features per frame.
    case withHalfVector = "wi-wo-h"

    public var directionsPerFrame: Int { self == .incidentOutgoing ? 2 : 3 }
    /// Features per learned frame: each direction as (·t, ·b, ·n).
    public var featuresPerFrame: Int { 3 * directionsPerFrame }
    /// Features of both frames: 12 or 18.
    public var featureCount: Int { 2 * featuresPerFrame }
    public var includesHalfVector: Bool { self == .withHalfVector }

    /// Parses the CLI spelling (`wi-wo`, `wi-wo-h`).
    public init(name: String) throws {
        guard let v = FrameInputs(rawValue: name.lowercased()) else {
            throw NeuralMaterialError.invalidArchitecture(
                detail: "frame inputs '\(name)' must be one of \(FrameInputs.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = v
    }
}
