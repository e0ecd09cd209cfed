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

    /// The concrete method for `device`. Measured (docs/BENCHMARKS.md,
    /// "Ray queries vs the ray-tracing pipeline"): on lavapipe (CPU device)
    /// MEASUREMENT_PENDING. GPUs keep the pipeline until measured on one.
    public func resolved(for device: VulkanDevice) throws -> TracingMethod {
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
    static let fastestOnCPUDevices: TracingMethod = .pipeline
}
