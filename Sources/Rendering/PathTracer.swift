import CVulkan
import Foundation
import Imaging
import Logging
import Scenes
import ShaderInterface
import VulkanSupport

/// The result of a headless render: the beauty image, requested AOVs and
/// where the time went.
public struct RenderOutput {
    public var image: Image
    public var albedo: Image?
    public var normal: Image?
    public var depth: [Float]?
    public var stats: RenderStats
}

public struct RenderStats: Sendable {
    public var device: String
    public var bvhSeconds: Double
    public var shaderSeconds: Double
    public var renderSeconds: Double
    public var firstDispatchSeconds: Double
    public var rays: UInt64
    public var samplesPerPixel: Int
    /// Wall seconds per wavefront stage when `RenderSettings.profileStages` was set.
    public var stageSeconds: [WavefrontStage: Double]?
    public var raysPerSecond: Double { renderSeconds > 0 ? Double(rays) / renderSeconds : 0 }
}

/// The path tracer's kernels: a megakernel — a ray-tracing pipeline
/// (raygen, two misses, a triangle and a sphere hit group) or a compute
/// pipeline that traces with ray queries (`TracingMethod`) — or the
/// wavefront integrator's stages (`Integrator`). Create once per device and
/// render any number of scenes with it.
public final class PathTracer {
    /// The compiled kernel, one of the two ways of tracing.
    enum Kernel {
        case pipeline(RayTracingPipeline)
        case query(ComputePipeline)
        case wavefront(WavefrontKernels)
    }

    public let renderDevice: RenderDevice
    let kernel: Kernel
    /// The concrete way rays are traced (never `.auto`).
    public let tracing: TracingMethod
    /// The concrete integrator (never `.auto`).
    public let integrator: Integrator
    public let shaderSeconds: Double

    public let sceneCode: SceneShaderCode

    /// `sceneCode`: the generated material code of the scenes this tracer
    /// will render (SceneMaterials.code: every material has code, built-in types included).
    /// Whether the integrator shades material-coherently (see Shaders/include/pathtrace_body.glsl).
    public let coherentShading: Bool

    public init(renderDevice: RenderDevice, sceneCode: SceneShaderCode = SceneShaderCode(), coherentShading: Bool = false,
                tracing: TracingMethod = .pipeline, integrator: Integrator = .megakernel) throws {
        self.renderDevice = renderDevice
        self.sceneCode = sceneCode
        self.coherentShading = coherentShading
        let device = renderDevice.device
        let integrator = integrator.resolved(for: device, tracing: tracing, coherentShading: coherentShading,
                                             analyticOnly: sceneCode.analyticOnly)
        self.integrator = integrator
        let resolvedTracing = try tracing.resolved(for: device, integrator: integrator)
        self.tracing = resolvedTracing
        if integrator == .wavefront && coherentShading {
            throw RenderError("--coherent is a mode of the megakernel; the wavefront integrator already shades one material per dispatch (drop --coherent or use --integrator megakernel)")
        }
        if coherentShading && resolvedTracing == .pipeline && !device.subgroupBallotInRayGeneration {
            throw RenderError("coherent shading needs subgroup ballot operations in ray-generation shaders, which \(renderDevice.deviceName) does not offer; render without --coherent"
                              + (device.supportsRayQuery && device.subgroupBallotInCompute ? " or with --tracing query" : ""))
        }
        if coherentShading && resolvedTracing == .query && !device.subgroupBallotInCompute {
            throw RenderError("coherent shading needs subgroup ballot operations in compute shaders, which \(renderDevice.deviceName) does not offer; render without --coherent")
        }
        let start = Date()
        let lib = renderDevice.shaders
        let compile = { (name: String) in try renderDevice.compiler.compile(lib.url(name)) }
        let generatedBase = renderDevice.compiler.cacheDirectory?.appendingPathComponent("generated")
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-generated")
        if integrator == .wavefront {
            kernel = .wavefront(try WavefrontKernels(renderDevice: renderDevice, sceneCode: sceneCode, generatedBase: generatedBase))
            shaderSeconds = Date().timeIntervalSince(start)
            return
        }
        // The megakernels inline every material of the scene.
        let sceneInclude = try sceneCode.writeIncludeDirectory(under: generatedBase)
        let defines = coherentShading ? ["LQ_COHERENT_SHADING": "1"] : [:]
        if resolvedTracing == .query {
            let descriptors = try TraceDescriptorSet(device: device, stages: VK_SHADER_STAGE_COMPUTE_BIT.rawValue,
                                                     pushConstantSize: MemoryLayout<LQPushConstants>.size,
                                                     sampledImageCount: sceneCode.latentImageCount)
            let spirv = try renderDevice.compiler.compile(lib.url("pathtrace.comp"), defines: defines, extraIncludeDirectories: [sceneInclude])
            kernel = .query(try ComputePipeline(device: device, spirv: spirv, descriptors: descriptors))
            shaderSeconds = Date().timeIntervalSince(start)
            return
        }
        kernel = .pipeline(try RayTracingPipeline(
            device: device,
            raygen: try renderDevice.compiler.compile(lib.url("pathtrace.rgen"), defines: defines, extraIncludeDirectories: [sceneInclude]),
            misses: [try compile("primary.rmiss"), try compile("shadow.rmiss")],
            hitGroups: [
                .init(closestHit: try compile("triangle.rchit")),                                   // LQ_GEOMETRY_TRIANGLES
                .init(closestHit: try compile("sphere.rchit"), intersection: try compile("sphere.rint")), // LQ_GEOMETRY_SPHERE
            ],
            pushConstantSize: MemoryLayout<LQPushConstants>.size,
            maxRecursionDepth: 1,
            sampledImageCount: sceneCode.latentImageCount))
        shaderSeconds = Date().timeIntervalSince(start)
    }

    /// Renders `scene` with `settings` headless. `progress(samplesDone, total)`
    /// is called after each submission.
    public func render(scene: Scene, settings: RenderSettings, materials: SceneMaterials? = nil,
                       progress: ((Int, Int) -> Void)? = nil) throws -> RenderOutput {
        let session = try RenderSession(tracer: self, scene: scene, settings: settings, materials: materials)
        // Adaptive batching: one sample per pixel first (it pays for the
        // driver's JIT), then as many as fit in ~0.5 s per submission. The
        // result does not depend on batching (see pathtrace.rgen).
        let renderStart = Date()
        var batch = 1
        var firstDispatch = 0.0
        while session.samplesAccumulated < settings.samplesPerPixel {
            let count = min(batch, settings.samplesPerPixel - session.samplesAccumulated)
            let t0 = Date()
            try session.accumulate(samples: count)
            let elapsed = Date().timeIntervalSince(t0)
            if session.samplesAccumulated == count { firstDispatch = elapsed }
            progress?(session.samplesAccumulated, settings.samplesPerPixel)
            if session.samplesAccumulated > count || elapsed < 0.25 {
                let perSample = elapsed / Double(count)
                batch = max(1, min(settings.maxSamplesPerDispatch, Int(0.5 / max(perSample, 1e-6))))
            }
        }
        let renderSeconds = Date().timeIntervalSince(renderStart)
        let stats = RenderStats(device: renderDevice.deviceName, bvhSeconds: session.gpuScene.buildSeconds,
                                shaderSeconds: shaderSeconds, renderSeconds: renderSeconds,
                                firstDispatchSeconds: firstDispatch, rays: try session.rayCount(),
                                samplesPerPixel: settings.samplesPerPixel, stageSeconds: session.stageSeconds)
        return RenderOutput(image: try session.image(), albedo: try session.albedoImage(), normal: try session.normalImage(),
                            depth: try session.depthValues(), stats: stats)
    }

    /// Workgroup size of pathtrace.comp (local_size_x × local_size_y).
    static let queryTile = 8

    /// The pipeline stage the kernel's shaders run in (for barriers).
    var shaderStage: VkPipelineStageFlags {
        switch kernel {
        case .pipeline: return VK_PIPELINE_STAGE_RAY_TRACING_SHADER_BIT_KHR.rawValue
        case .query, .wavefront: return VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue
        }
    }

    /// Points the kernel's set 0 at the scene's TLAS and latent images.
    func bind(scene: GPUScene) throws {
        let descriptors: TraceDescriptorSet
        switch kernel {
        case .pipeline(let pipeline): descriptors = pipeline.descriptors
        case .query(let pipeline):
            guard let set = pipeline.descriptors else { throw RenderError("ray-query kernel built without its descriptor set") }
            descriptors = set
        case .wavefront(let kernels): descriptors = kernels.descriptors
        }
        descriptors.bind(tlas: scene.tlas)
        try descriptors.bind(images: scene.latentImages)
    }

    /// The wavefront shading kernel of each material record (compiled on
    /// first use); nil for a megakernel, which shades every material itself.
    func wavefrontShadingKernels(for records: [LQMaterial]) throws -> [ComputePipeline]? {
        guard case .wavefront(let kernels) = kernel else { return nil }
        return try records.map { try kernels.shadingKernel(for: ShadingUnit(record: $0)) }
    }

    /// Records `sampleCount` samples per pixel of the wavefront integrator
    /// (`state` sized for the frame) from `firstSample`.
    func recordWavefront(_ cmd: VkCommandBuffer, state: WavefrontState, shadingKernels: [ComputePipeline], frame: UInt64,
                         maxDepth: Int, firstSample: Int, sampleCount: Int) {
        guard case .wavefront(let kernels) = kernel else { return }
        kernels.record(cmd, state: state, frame: frame, maxDepth: maxDepth, firstSample: firstSample, count: sampleCount,
                       shadingKernels: shadingKernels)
    }

    /// The wavefront integrator's stages of `sampleCount` samples, one by one
    /// (`WavefrontKernels.forEachStage`); nothing for a megakernel.
    func forEachWavefrontStage(state: WavefrontState, shadingKernels: [ComputePipeline], frame: UInt64, maxDepth: Int,
                               firstSample: Int, sampleCount: Int,
                               _ body: (WavefrontStage, (VkCommandBuffer) -> Void) throws -> Void) rethrows {
        guard case .wavefront(let kernels) = kernel else { return }
        try kernels.forEachStage(state: state, frame: frame, maxDepth: maxDepth, firstSample: firstSample, count: sampleCount,
                                 shadingKernels: shadingKernels, body)
    }

    /// Records one megakernel launch over a width × height frame.
    func recordLaunch(_ cmd: VkCommandBuffer, width: Int, height: Int, pushConstants: LQPushConstants) {
        switch kernel {
        case .pipeline(let pipeline):
            pipeline.recordTrace(cmd, width: width, height: height, pushConstants: pushConstants)
        case .query(let pipeline):
            let tile = Self.queryTile
            pipeline.recordDispatch(cmd, groups: ((width + tile - 1) / tile, (height + tile - 1) / tile, 1), pushConstants: pushConstants)
        case .wavefront:
            preconditionFailure("the wavefront integrator records its stages with recordWavefront")
        }
    }

    /// `coneSpreadScale`: `RenderSettings.coneSpreadScale`.
    static func fillCamera(_ frame: inout LQFrame, camera: Camera, width: Int, height: Int, coneSpreadScale: Float) {
        let position = camera.position.simd
        var forward = camera.target.simd - position
        let length = (forward * forward).sum().squareRoot()
        forward = length > 0 ? forward / length : SIMD3(0, 0, -1)
        func normalize(_ v: SIMD3<Float>) -> SIMD3<Float> { let l = (v * v).sum().squareRoot(); return l > 0 ? v / l : v }
        func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
            SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
        }
        var right = normalize(cross(forward, camera.up.simd))
        if (right * right).sum() < 0.5 { right = normalize(cross(forward, SIMD3(0, 0, 1))) } // up parallel to view
        let up = cross(right, forward)
        func f3(_ v: SIMD3<Float>) -> LQFloat3 { LQFloat3(x: v.x, y: v.y, z: v.z) }
        frame.cameraPosition = f3(position)
        frame.cameraForward = f3(forward)
        frame.cameraRight = f3(right)
        frame.cameraUp = f3(up)
        let tanHalf = tan(camera.fovY * .pi / 360)
        frame.tanHalfFovY = tanHalf
        frame.aspect = Float(width) / Float(height)
        frame.lensRadius = camera.apertureRadius
        frame.focusDistance = camera.focusDistance > 0 ? camera.focusDistance : max(length, 1e-3)
        frame.pixelSpreadAngle = atan(2 * tanHalf / Float(height)) * coneSpreadScale
    }
}
