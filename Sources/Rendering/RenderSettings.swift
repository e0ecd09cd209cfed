import Scenes

/// What to render: the scene's film settings, overridable from the CLI.
public struct RenderSettings: Sendable {
    public enum Strategy: String, Sendable, CaseIterable {
        /// NEE + BSDF sampling combined with the power heuristic (default).
        case mis
        /// BSDF sampling only (unbiasedness checks).
        case bsdf
        /// Next-event estimation only (unbiasedness checks).
        case nee
    }
    public struct AOVs: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let albedo = AOVs(rawValue: 1)
        public static let normal = AOVs(rawValue: 2)
        public static let depth = AOVs(rawValue: 4)
    }

    public var width: Int
    public var height: Int
    public var samplesPerPixel: Int
    public var maxDepth: Int
    public var seed: UInt32
    public var aovs: AOVs = []
    public var strategy: Strategy = .mis
    /// Russian roulette starts at this surface interaction (0-based).
    public var rouletteDepth: Int = 3
    /// Upper bound on samples per pixel in one GPU submission; the renderer
    /// adapts below it to keep each submission short (progress, watchdogs).
    public var maxSamplesPerDispatch: Int = 64
    /// Wavefront integrator: the most paths in flight at once. Larger frames
    /// are traced in bands of whole 8-pixel rows, so the path state (≈ 220
    /// bytes a path) stays bounded whatever the frame size.
    public var maxWavefrontPaths: Int = 1 << 20
    /// Wavefront integrator: submit each stage on its own and time it
    /// (`RenderStats.stageSeconds`). Same image; the extra submissions cost
    /// a little, so use it to see where time goes, not to time frames.
    public var profileStages = false

    /// How much of a pixel's footprint each sample's ray cone covers, for
    /// the latent level of detail: 1/√spp, never below 1/8 (pbrt's rule for
    /// ray differentials). A pixel's jittered samples filter the image
    /// themselves, so with many of them each needs only its share of the
    /// pixel; at 1 spp the cone spans the whole pixel. With the whole pixel
    /// at every spp a twin converged to its coarser, smoother latent levels
    /// however many samples a frame took (car paint's flakes, docs/BENCHMARKS.md
    /// "Ray cones narrowed by the sample count").
    public var coneSpreadScale: Float { max(0.125, 1 / Float(max(samplesPerPixel, 1)).squareRoot()) }

    public init(film: Film) {
        width = film.width; height = film.height; samplesPerPixel = film.samplesPerPixel
        maxDepth = film.maxDepth; seed = film.seed
    }
}
