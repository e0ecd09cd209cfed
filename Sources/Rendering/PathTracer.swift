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
    public var raysPerSecond: Double { renderSeconds > 0 ? Double(rays) / renderSeconds : 0 }
}

/// The ray-tracing pipeline of the path tracer (one pipeline: raygen,
/// two misses, a triangle and a sphere hit group). Create once per device
/// and render any number of scenes with it.
public final class PathTracer {
    public let renderDevice: RenderDevice
    let pipeline: RayTracingPipeline
    public let shaderSeconds: Double

    public init(renderDevice: RenderDevice) throws {
        self.renderDevice = renderDevice
        let start = Date()
        let lib = renderDevice.shaders
        let compile = { (name: String) in try renderDevice.compiler.compile(lib.url(name)) }
        pipeline = try RayTracingPipeline(
            device: renderDevice.device,
            raygen: try compile("pathtrace.rgen"),
            misses: [try compile("primary.rmiss"), try compile("shadow.rmiss")],
            hitGroups: [
                .init(closestHit: try compile("triangle.rchit")),                                   // LQ_GEOMETRY_TRIANGLES
                .init(closestHit: try compile("sphere.rchit"), intersection: try compile("sphere.rint")), // LQ_GEOMETRY_SPHERE
            ],
            pushConstantSize: MemoryLayout<LQPushConstants>.size,
            maxRecursionDepth: 1)
        shaderSeconds = Date().timeIntervalSince(start)
    }

    /// Renders `scene` with `settings`. `progress(samplesDone, total)` is
    /// called after each submission; return false from `shouldStop` to keep going.
    public func render(scene: Scene, settings: RenderSettings,
                       progress: ((Int, Int) -> Void)? = nil) throws -> RenderOutput {
        guard settings.width > 0, settings.height > 0, settings.samplesPerPixel > 0 else {
            throw RenderError("width, height and spp must be at least 1 (got \(settings.width)×\(settings.height), \(settings.samplesPerPixel) spp)")
        }
        guard settings.width <= 16384, settings.height <= 16384 else {
            throw RenderError("frame \(settings.width)×\(settings.height) is too large; the limit is 16384 per side")
        }
        let device = renderDevice.device
        let gpuScene = try GPUScene(scene: scene, device: device, logger: renderDevice.logger)
        pipeline.bind(tlas: gpuScene.tlas)

        let pixelCount = settings.width * settings.height
        let accum = try GPUBuffer(device: device, size: pixelCount * 16, location: .deviceLocal)
        let rayCounts = try GPUBuffer(device: device, size: pixelCount * 4, location: .deviceLocal)
        let albedo = settings.aovs.contains(.albedo) ? try GPUBuffer(device: device, size: pixelCount * 16, location: .deviceLocal) : nil
        let normal = settings.aovs.contains(.normal) ? try GPUBuffer(device: device, size: pixelCount * 16, location: .deviceLocal) : nil
        let depth = settings.aovs.contains(.depth) ? try GPUBuffer(device: device, size: pixelCount * 4, location: .deviceLocal) : nil

        var frame = LQFrame()
        gpuScene.fill(&frame)
        frame.accumulation = accum.deviceAddress
        frame.rayCounts = rayCounts.deviceAddress
        frame.aovAlbedo = albedo?.deviceAddress ?? 0
        frame.aovNormal = normal?.deviceAddress ?? 0
        frame.aovDepth = depth?.deviceAddress ?? 0
        Self.fillCamera(&frame, camera: scene.camera, width: settings.width, height: settings.height)
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
        let frameBuffer = try GPUBuffer(device: device, contents: [frame])

        try device.submitAndWait { cmd in
            for buffer in [accum, rayCounts, albedo, normal, depth].compactMap({ $0 }) { buffer.recordZero(cmd) }
            VulkanDevice.memoryBarrier(cmd, from: VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue, VK_ACCESS_TRANSFER_WRITE_BIT.rawValue,
                                       to: VK_PIPELINE_STAGE_RAY_TRACING_SHADER_BIT_KHR.rawValue,
                                       VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue)
        }

        // Adaptive batching: start with one sample per pixel per submission
        // and grow while a submission stays under ~0.5 s.
        let renderStart = Date()
        var done = 0
        var batch = 1
        var firstDispatch = 0.0
        while done < settings.samplesPerPixel {
            let count = min(batch, settings.samplesPerPixel - done)
            let t0 = Date()
            try device.submitAndWait { cmd in
                pipeline.recordTrace(cmd, width: settings.width, height: settings.height,
                                     pushConstants: LQPushConstants(frame: frameBuffer.deviceAddress,
                                                                    firstSample: UInt32(done), sampleCount: UInt32(count)))
                VulkanDevice.memoryBarrier(cmd, from: VK_PIPELINE_STAGE_RAY_TRACING_SHADER_BIT_KHR.rawValue, VK_ACCESS_SHADER_WRITE_BIT.rawValue,
                                           to: VK_PIPELINE_STAGE_RAY_TRACING_SHADER_BIT_KHR.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue,
                                           VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_READ_BIT.rawValue)
            }
            let elapsed = Date().timeIntervalSince(t0)
            if done == 0 { firstDispatch = elapsed }
            done += count
            progress?(done, settings.samplesPerPixel)
            if done > count || batch > 1 || elapsed < 0.25 {
                // Not the first (JIT-compiling) dispatch: adapt to the measured speed.
                let perSample = elapsed / Double(count)
                batch = max(1, min(settings.maxSamplesPerDispatch, Int(0.5 / max(perSample, 1e-6))))
            }
        }
        let renderSeconds = Date().timeIntervalSince(renderStart)

        // Read back through one host-visible staging buffer.
        func readBack<T>(_ buffer: GPUBuffer, _ type: T.Type, _ count: Int) throws -> [T] {
            let staging = try GPUBuffer(device: device, size: buffer.size, location: .hostVisible)
            try device.submitAndWait { cmd in buffer.recordCopy(cmd, to: staging) }
            return try staging.read(as: type, count: count)
        }
        let sums = try readBack(accum, SIMD4<Float>.self, pixelCount)
        let spp = Float(settings.samplesPerPixel)
        let image = try Image(width: settings.width, height: settings.height,
                          pixels: sums.map { SIMD4($0.x / spp, $0.y / spp, $0.z / spp, 1) })
        let rays = try readBack(rayCounts, UInt32.self, pixelCount).reduce(UInt64(0)) { $0 + UInt64($1) }
        func aovImage(_ buffer: GPUBuffer?) throws -> Image? {
            guard let buffer else { return nil }
            let values = try readBack(buffer, SIMD4<Float>.self, pixelCount)
            return try Image(width: settings.width, height: settings.height,
                         pixels: values.map { SIMD4($0.x / spp, $0.y / spp, $0.z / spp, 1) })
        }
        let depthValues = try depth.map { try readBack($0, Float.self, pixelCount).map { $0 / spp } }

        let stats = RenderStats(device: device.name, bvhSeconds: gpuScene.buildSeconds, shaderSeconds: shaderSeconds,
                                renderSeconds: renderSeconds, firstDispatchSeconds: firstDispatch, rays: rays,
                                samplesPerPixel: settings.samplesPerPixel)
        return RenderOutput(image: image, albedo: try aovImage(albedo), normal: try aovImage(normal),
                            depth: depthValues, stats: stats)
    }

    static func fillCamera(_ frame: inout LQFrame, camera: Camera, width: Int, height: Int) {
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
        frame.pixelSpreadAngle = atan(2 * tanHalf / Float(height))
    }
}
