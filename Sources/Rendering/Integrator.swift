import VulkanSupport

/// How the path tracer schedules its work (`--integrator`). Both run the
/// same per-vertex code (Shaders/include/path_vertex.glsl) and estimator and
/// give the same image for the same seed.
public enum Integrator: String, Sendable, CaseIterable {
    /// One kernel traces and shades whole paths, each lane shading whatever
    /// material it hit (Shaders/include/pathtrace_body.glsl).
    case megakernel
    /// Stages per path depth: extend (ray queries), sort the hits by
    /// material, one shading dispatch per material, shadow rays
    /// (Shaders/wavefront_*.comp). A material's code and weights are uniform
    /// in its dispatch. Needs VK_KHR_ray_query.
    case wavefront
    /// The one measured better on this class of device (see `resolved(for:)`).
    case auto

    /// The concrete integrator for `device`. `auto`: the wavefront on CPU
    /// devices (lavapipe) that offer ray queries, the megakernel elsewhere.
    /// Measured on lavapipe, 2 cores (docs/BENCHMARKS.md, "Wavefront vs
    /// megakernel", 2026-11-30): the wavefront compiles a scene's pipelines
    /// in seconds where the megakernel takes minutes (the gallery: 34 s vs
    /// 18 min on first use; a 19-material glTF file: 4.7 min vs not done
    /// after 25 min), and its frames are faster wherever layered or neural
    /// materials are shaded (since the megakernel's scattered tiles,
    /// 2026-12-01, the megakernel is faster on scenes of analytic materials
    /// only: ask for it there). GPUs keep the megakernel until measured on one.
    /// `auto` also keeps the megakernel when the other options ask for one
    /// of its modes (`--tracing pipeline`, `--coherent`).
    public func resolved(for device: VulkanDevice, tracing: TracingMethod = .auto, coherentShading: Bool = false) -> Integrator {
        switch self {
        case .megakernel, .wavefront: return self
        case .auto:
            if tracing == .pipeline || coherentShading { return .megakernel }
            return device.physical.isCPU && device.supportsRayQuery ? .wavefront : .megakernel
        }
    }
}
