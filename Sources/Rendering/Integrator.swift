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

    /// The concrete integrator for `device`. `auto`: on CPU devices
    /// (lavapipe) that offer ray queries, the wavefront — unless every
    /// material of the scene is a built-in analytic type (`analyticOnly`) —
    /// and the megakernel elsewhere. Measured on lavapipe, 2 cores
    /// (docs/BENCHMARKS.md, "Wavefront vs megakernel"): the wavefront
    /// compiles a scene of layered or neural materials in seconds where the
    /// megakernel takes minutes (the gallery: 34 s vs 18 min on first use; a
    /// 19-material glTF file: 4.7 min vs not done after 25 min), and shades
    /// them faster; on scenes of analytic materials alone the megakernel
    /// compiles in seconds too and renders faster (the Mitsuba peer scene
    /// 2.2×, the studio 1.3×), since its paths stay in registers instead of
    /// going through memory between stages. GPUs keep the megakernel until
    /// measured on one. `auto` also keeps the megakernel when the other
    /// options ask for one of its modes (`--tracing pipeline`, `--coherent`).
    public func resolved(for device: VulkanDevice, tracing: TracingMethod = .auto, coherentShading: Bool = false,
                         analyticOnly: Bool = false) -> Integrator {
        switch self {
        case .megakernel, .wavefront: return self
        case .auto:
            if tracing == .pipeline || coherentShading || analyticOnly { return .megakernel }
            return device.physical.isCPU && device.supportsRayQuery ? .wavefront : .megakernel
        }
    }
}
