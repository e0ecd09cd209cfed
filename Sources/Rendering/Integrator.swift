/// How the path tracer schedules its work (`--integrator`). Both run the
/// same per-vertex code (Shaders/include/path_vertex.glsl) and estimator.
public enum Integrator: String, Sendable, CaseIterable {
    /// One kernel traces and shades whole paths, each lane shading whatever
    /// material it hit (Shaders/include/pathtrace_body.glsl).
    case megakernel
    /// Stages per path depth: extend (ray queries), sort the hits by
    /// material, one shading dispatch per material, shadow rays
    /// (Shaders/wavefront_*.comp). A material's code and weights are uniform
    /// in its dispatch. Needs VK_KHR_ray_query.
    case wavefront
}
