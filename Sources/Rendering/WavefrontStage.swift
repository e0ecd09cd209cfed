/// One step of the wavefront integrator's schedule (`WavefrontKernels.forEachStage`),
/// the unit `--stage-times` reports: where a wavefront frame's time goes.
public enum WavefrontStage: Hashable, Sendable, CustomStringConvertible {
    /// Camera rays of a sample (and the queues' reset).
    case camera
    /// Closest hits of the paths alive at `depth`, their hit records and material bins.
    case extend(depth: Int)
    /// Prefix sums of the bins and the scatter into per-material ranges.
    case sort(depth: Int)
    /// Every material's shading dispatch: next-event estimation, BSDF sampling, roulette.
    case shade(depth: Int)
    /// The shadow rays the shading queued.
    case shadow(depth: Int)
    /// Adding the sample's radiance to the frame.
    case accumulate

    /// A stage without its depth, in schedule order.
    public enum Kind: String, CaseIterable, Sendable {
        case camera, extend, sort, shade, shadow, accumulate
    }

    /// The stage without its depth (`.extend` for every depth).
    public var kind: Kind {
        switch self {
        case .camera: return .camera
        case .extend: return .extend
        case .sort: return .sort
        case .shade: return .shade
        case .shadow: return .shadow
        case .accumulate: return .accumulate
        }
    }

    public var depth: Int? {
        switch self {
        case .camera, .accumulate: return nil
        case .extend(let d), .sort(let d), .shade(let d), .shadow(let d): return d
        }
    }

    public var description: String { depth.map { "\(kind.rawValue) \($0)" } ?? kind.rawValue }
}
