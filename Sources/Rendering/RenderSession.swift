import CVulkan
import Foundation
import Imaging
import Logging
import Scenes
import ShaderInterface
import VulkanSupport

/// One scene on the GPU plus its accumulation buffers: the unit both the
/// headless renderer (accumulate N samples, read back once) and the viewer
/// (accumulate a few samples per frame, reset on camera change) drive.
/// Memory is one frame's buffers, whatever the sample count.
public final class RenderSession {
    public let tracer: PathTracer
    public let scene: Scene
    public private(set) var settings: RenderSettings
    public let gpuScene: GPUScene
    var device: VulkanDevice { tracer.renderDevice.device }
    private var accum: GPUBuffer
    private var rayCounts: GPUBuffer
    private var albedo: GPUBuffer?
    private var normal: GPUBuffer?
    private var depth: GPUBuffer?
    private var frameBuffer: GPUBuffer
    private var frame = LQFrame()
    /// Wavefront integrator only: its buffers for this frame size and the
    /// shading kernel of each scene material.
    private var wavefront: WavefrontState?
    private let shadingKernels: [ComputePipeline]?
    /// Wall seconds per stage since the session began, when `settings.profileStages`.
    public private(set) var stageSeconds: [WavefrontStage: Double]?
    /// Samples per pixel accumulated since the last reset.
    public private(set) var samplesAccumulated = 0
    public private(set) var camera: Camera

    /// `materials` must have been prepared for `tracer` (same generated code);
    /// nil prepares them here with `MaterialMode.auto`.
    public init(tracer: PathTracer, scene: Scene, settings: RenderSettings, materials: SceneMaterials? = nil) throws {
        guard settings.width > 0, settings.height > 0, settings.samplesPerPixel > 0 else {
            throw RenderError("width, height and spp must be at least 1 (got \(settings.width)×\(settings.height), \(settings.samplesPerPixel) spp)")
        }
        guard settings.width <= Film.maximumSide, settings.height <= Film.maximumSide else {
            throw RenderError("frame \(settings.width)×\(settings.height) is too large; the limit is \(Film.maximumSide) per side")
        }
        if settings.profileStages && tracer.integrator != .wavefront {
            throw RenderError("stage times are measured for the wavefront integrator only; render with --integrator wavefront")
        }
        self.tracer = tracer
        self.scene = scene
        self.settings = settings
        self.camera = scene.camera
        let device = tracer.renderDevice.device
        let prepared = try materials ?? SceneMaterials(scene: scene, mode: .auto, logger: tracer.renderDevice.logger)
        guard prepared.code == tracer.sceneCode else {
            throw RenderError("the path tracer was built for other materials; create it with PathTracer(renderDevice:sceneCode: materials.code)")
        }
        gpuScene = try GPUScene(scene: scene, device: device, materials: prepared, logger: tracer.renderDevice.logger)
        shadingKernels = try tracer.wavefrontShadingKernels(for: prepared.records)
        // Placeholders; allocate() sizes them.
        accum = try GPUBuffer(device: device, size: 16)
        rayCounts = accum
        frameBuffer = accum
        try allocate()
    }

    private func allocate() throws {
        let pixelCount = settings.width * settings.height
        accum = try GPUBuffer(device: device, size: pixelCount * 16, location: .deviceLocal)
        rayCounts = try GPUBuffer(device: device, size: pixelCount * 4, location: .deviceLocal)
        albedo = settings.aovs.contains(.albedo) ? try GPUBuffer(device: device, size: pixelCount * 16, location: .deviceLocal) : nil
        normal = settings.aovs.contains(.normal) ? try GPUBuffer(device: device, size: pixelCount * 16, location: .deviceLocal) : nil
        depth = settings.aovs.contains(.depth) ? try GPUBuffer(device: device, size: pixelCount * 4, location: .deviceLocal) : nil
        frame = LQFrame()
        gpuScene.fill(&frame)
        frame.accumulation = accum.deviceAddress
        frame.rayCounts = rayCounts.deviceAddress
        frame.aovAlbedo = albedo?.deviceAddress ?? 0
        frame.aovNormal = normal?.deviceAddress ?? 0
        frame.aovDepth = depth?.deviceAddress ?? 0
        frameBuffer = try GPUBuffer(device: device, size: MemoryLayout<LQFrame>.stride)
        wavefront = nil
        if let shadingKernels {   // one per scene material
            wavefront = try WavefrontState(device: device, width: settings.width, height: settings.height,
                                           materialCount: shadingKernels.count, maxPaths: settings.maxWavefrontPaths)
        }
        try reset(camera: camera)
    }

    /// Changes the output size (the viewer's window or reduced resolution while moving).
    public func resize(width: Int, height: Int) throws {
        guard width != settings.width || height != settings.height else { return }
        guard width > 0, height > 0 else { throw RenderError("cannot render a \(width)×\(height) frame") }
        settings.width = width
        settings.height = height
        try allocate()
    }

    /// Clears the accumulation and (optionally) moves the camera.
    public func reset(camera newCamera: Camera? = nil, environmentRotation: Float? = nil, environmentIntensity: Float? = nil) throws {
        if let newCamera { camera = newCamera }
        PathTracer.fillCamera(&frame, camera: camera, width: settings.width, height: settings.height,
                              coneSpreadScale: settings.coneSpreadScale)
        if let rotation = environmentRotation {
            let radians = rotation * .pi / 180
            frame.envRotationCos = cos(radians)
            frame.envRotationSin = sin(radians)
        }
        if let environmentIntensity { frame.envIntensity = environmentIntensity }
        frame.width = UInt32(settings.width)
        frame.height = UInt32(settings.height)
        frame.maxDepth = UInt32(max(1, settings.maxDepth))
        frame.seed = settings.seed
        frame.rouletteDepth = UInt32(settings.rouletteDepth)
        var flags = settings.aovs.rawValue
        switch settings.strategy {
        case .mis: break
        case .bsdf: flags |= LQ_FLAG_BSDF_SAMPLING_ONLY
        case .nee: flags |= LQ_FLAG_NEE_ONLY
        }
        frame.flags = flags
        try frameBuffer.write([frame])
        let buffers = [accum, rayCounts, albedo, normal, depth].compactMap { $0 }
        try device.submitAndWait { cmd in
            for buffer in buffers { buffer.recordZero(cmd) }
            VulkanDevice.memoryBarrier(cmd, from: VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue, VK_ACCESS_TRANSFER_WRITE_BIT.rawValue,
                                       to: tracer.shaderStage,
                                       VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue)
        }
        samplesAccumulated = 0
    }

    /// Traces `count` more samples per pixel in one submission and waits.
    public func accumulate(samples count: Int) throws {
        guard count > 0 else { return }
        try tracer.bind(scene: gpuScene)
        let pushConstants = LQPushConstants(frame: frameBuffer.deviceAddress, firstSample: UInt32(samplesAccumulated),
                                            sampleCount: UInt32(count))
        if settings.profileStages, let wavefront, let shadingKernels {
            var seconds = stageSeconds ?? [:]
            try tracer.forEachWavefrontStage(state: wavefront, shadingKernels: shadingKernels, frame: frameBuffer.deviceAddress,
                                             maxDepth: Int(frame.maxDepth), firstSample: samplesAccumulated, sampleCount: count) { stage, record in
                let start = Date()
                try device.submitAndWait { cmd in record(cmd) }
                seconds[stage, default: 0] += Date().timeIntervalSince(start)
            }
            stageSeconds = seconds
            try device.submitAndWait { cmd in recordEndOfAccumulation(cmd) }
            samplesAccumulated += count
            return
        }
        try device.submitAndWait { cmd in
            if let wavefront, let shadingKernels {
                tracer.recordWavefront(cmd, state: wavefront, shadingKernels: shadingKernels, frame: frameBuffer.deviceAddress,
                                       maxDepth: Int(frame.maxDepth), firstSample: samplesAccumulated, sampleCount: count)
            } else {
                tracer.recordLaunch(cmd, width: settings.width, height: settings.height, pushConstants: pushConstants)
            }
            recordEndOfAccumulation(cmd)
        }
        samplesAccumulated += count
    }

    /// Makes the accumulated samples visible to the next kernels and to read-back copies.
    private func recordEndOfAccumulation(_ cmd: VkCommandBuffer) {
        VulkanDevice.memoryBarrier(cmd, from: tracer.shaderStage, VK_ACCESS_SHADER_WRITE_BIT.rawValue,
                                   to: tracer.shaderStage | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue,
                                   VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_READ_BIT.rawValue)
    }

    /// Wavefront integrator: traces the camera rays of the next sample,
    /// sorts their hits by material and returns the sort's buffers, without
    /// shading or accumulating anything (for checking the sort on the CPU).
    func wavefrontFirstBinning() throws -> WavefrontState.Binning {
        guard let wavefront, case .wavefront(let kernels) = tracer.kernel else {
            throw RenderError("the session's path tracer is not the wavefront integrator")
        }
        try tracer.bind(scene: gpuScene)
        try device.submitAndWait { cmd in
            kernels.recordFirstBinning(cmd, state: wavefront, frame: frameBuffer.deviceAddress, sample: samplesAccumulated)
        }
        return try wavefront.binning()
    }

    private func readBack<T>(_ buffer: GPUBuffer, _ type: T.Type) throws -> [T] {
        try buffer.readBack(as: type, count: settings.width * settings.height)
    }

    private func averaged(_ buffer: GPUBuffer) throws -> Image {
        let scale = 1 / Float(max(samplesAccumulated, 1))
        let sums = try readBack(buffer, SIMD4<Float>.self)
        return try Image(width: settings.width, height: settings.height,
                         pixels: sums.map { SIMD4($0.x * scale, $0.y * scale, $0.z * scale, 1) })
    }

    /// The mean radiance so far (alpha 1).
    public func image() throws -> Image { try averaged(accum) }
    public func albedoImage() throws -> Image? { try albedo.map(averaged) }
    public func normalImage() throws -> Image? { try normal.map(averaged) }
    public func depthValues() throws -> [Float]? {
        let scale = 1 / Float(max(samplesAccumulated, 1))
        return try depth.map { try readBack($0, Float.self).map { $0 * scale } }
    }
    public func rayCount() throws -> UInt64 {
        try readBack(rayCounts, UInt32.self).reduce(UInt64(0)) { $0 + UInt64($1) }
    }
}
