import Foundation
import ShaderInterface
import VulkanSupport

/// The wavefront integrator's buffers for one frame size: path state, hit
/// records and shadow rays as structures of arrays (one path per pixel),
/// the queues, the material bins and the counters whose dispatch sizes the
/// kernels write for each other (LQWavefront in ShaderInterface.h).
final class WavefrontState {
    let pathCount: Int
    let tileCount: Int
    let counters: GPUBuffer
    let bins: GPUBuffer
    /// The LQWavefront record the kernels read through their push constants.
    let description: GPUBuffer
    /// The addresses and sizes in `description`.
    private let record: LQWavefront
    /// Every array `record` points at, kept alive with it.
    private let arrays: [GPUBuffer]
    private let materialCount: Int

    init(device: VulkanDevice, width: Int, height: Int, materialCount: Int) throws {
        let pathCount = width * height
        self.pathCount = pathCount
        let tilesX = (width + 7) / 8
        tileCount = tilesX * ((height + 7) / 8)
        let queueCapacity = tileCount * Int(LQ_WAVEFRONT_GROUP)
        var arrays: [GPUBuffer] = []
        self.materialCount = materialCount
        let array = { (bytesPerItem: Int, items: Int?) throws -> UInt64 in
            let buffer = try GPUBuffer(device: device, size: (items ?? pathCount) * bytesPerItem, location: .deviceLocal)
            arrays.append(buffer)
            return buffer.deviceAddress
        }
        var w = LQWavefront()
        w.rayOrigin = try array(16, nil)
        w.rayDirection = try array(16, nil)
        w.throughput = try array(16, nil)
        w.radiance = try array(16, nil)
        w.rngAndRays = try array(8, nil)
        w.hitPosition = try array(16, nil)
        w.hitShadingNormal = try array(16, nil)
        w.hitGeometricNormal = try array(16, nil)
        w.hitTangent = try array(16, nil)
        w.hitUV = try array(8, nil)
        w.hitBin = try array(8, nil)
        w.shadowOrigin = try array(16, nil)
        w.shadowDirection = try array(16, nil)
        w.shadowContribution = try array(16, nil)
        w.queues = (try array(4, queueCapacity), try array(4, queueCapacity))
        w.shadowQueue = try array(4, nil)
        w.sortedHits = try array(4, nil)
        counters = try GPUBuffer(device: device, size: MemoryLayout<LQWavefrontCounters>.stride,
                                 usage: GPUBuffer.indirectUsage, location: .deviceLocal)
        bins = try GPUBuffer(device: device, size: max(materialCount, 1) * MemoryLayout<LQWavefrontBin>.stride,
                             usage: GPUBuffer.indirectUsage, location: .deviceLocal)
        w.counters = counters.deviceAddress
        w.bins = bins.deviceAddress
        w.pathCount = UInt32(pathCount)
        w.queueCapacity = UInt32(queueCapacity)
        w.materialCount = UInt32(materialCount)
        w.tilesX = UInt32(tilesX)
        description = try GPUBuffer(device: device, contents: [w])
        record = w
        self.arrays = arrays
    }

    /// The counting sort's result as the kernels left it: per path its
    /// (material, slot) or (LQ_WAVEFRONT_NO_PATH, 0) when it hit nothing, per
    /// material its bin, and the paths grouped by material.
    struct Binning {
        var hitBins: [SIMD2<UInt32>]
        var bins: [LQWavefrontBin]
        var sortedHits: [UInt32]
    }

    /// Reads the sort's buffers back (after `WavefrontKernels.recordFirstBinning`).
    func binning(device: VulkanDevice) throws -> Binning {
        func read<T>(_ address: UInt64, _ type: T.Type, count: Int) throws -> [T] {
            guard let buffer = (arrays + [bins]).first(where: { $0.deviceAddress == address }) else {
                throw RenderError("no wavefront buffer at address \(address)")
            }
            let staging = try GPUBuffer(device: device, size: buffer.size, location: .hostVisible)
            try device.submitAndWait { cmd in buffer.recordCopy(cmd, to: staging) }
            return try staging.read(as: type, count: count)
        }
        return Binning(hitBins: try read(record.hitBin, SIMD2<UInt32>.self, count: pathCount),
                       bins: try read(record.bins, LQWavefrontBin.self, count: materialCount),
                       sortedHits: try read(record.sortedHits, UInt32.self, count: pathCount))
    }
}
