import VulkanSupport

/// How the path tracer traces its rays (`--tracing`). Both run the same
/// integrator (Shaders/include/pathtrace_body.glsl) and give the same image.
public enum TracingMethod: String, Sendable, CaseIterable {
    /// A ray-tracing pipeline: raygen + hit groups, vkCmdTraceRaysKHR.
    case pipeline
    /// A compute kernel with VK_KHR_ray_query, vkCmdDispatch. Needs the
    /// extension; offers compute-stage features (subgroup ballots on lavapipe).
    case query
    /// The one measured faster on this class of device (see `resolved(for:)`).
    case auto

    /// The concrete method for `device`. `auto`: ray queries on CPU devices
    /// (lavapipe), the pipeline elsewhere. Measured on lavapipe, 2 cores,
    /// side by side (docs/BENCHMARKS.md, "Ray queries vs the ray-tracing
    /// pipeline", 2026-11-30): gallery trace-only frame 4.7 s (query) vs
    /// 7.5 s (pipeline), studio 256², 4 spp 231–233 vs 100–143 krays/s —
    /// 1.6–2.3× for queries, whose traversal state stays in registers where
    /// the pipeline keeps payloads in per-lane scratch (PLATFORM.md). Same
    /// image bit for bit. GPUs keep the pipeline until measured on one.
    /// The wavefront integrator traces from compute kernels: ray queries only.
    public func resolved(for device: VulkanDevice, integrator: Integrator = .megakernel) throws -> TracingMethod {
        if integrator == .wavefront {
            guard self != .pipeline else {
                throw RenderError("the wavefront integrator traces with ray queries; use --tracing query or auto, or --integrator megakernel")
            }
            guard device.supportsRayQuery else {
                throw RenderError("the wavefront integrator needs VK_KHR_ray_query, which \(device.name) does not offer; use --integrator megakernel")
            }
            return .query
        }
        switch self {
        case .pipeline: return .pipeline
        case .query:
            guard device.supportsRayQuery else {
                throw RenderError("--tracing query needs VK_KHR_ray_query, which \(device.name) does not offer; use --tracing pipeline or auto")
            }
            return .query
        case .auto:
            return device.physical.isCPU && device.supportsRayQuery ? Self.fastestOnCPUDevices : .pipeline
        }
    }

    /// The faster method on CPU devices (lavapipe), as measured.
    static let fastestOnCPUDevices: TracingMethod = .query
}
