import Foundation
import ShaderInterface
import VulkanSupport

/// The wavefront integrator's buffers for one frame size: path state, hit
/// records and shadow rays as structures of arrays (one path per pixel of a
/// band of rows), the queues, the material bins and the counters whose
/// dispatch sizes the kernels write for each other (LQWavefront in
/// ShaderInterface.h). A frame with more pixels than `maxPaths` is traced
/// band by band (whole 8-pixel rows), so memory stays bounded.
final class WavefrontState {
    /// One band of rows: its LQWavefront record (same arrays, its own rows).
    struct Band {
        let description: GPUBuffer
        let record: LQWavefront
        var pathCount: Int { Int(record.pathCount) }
        /// 8×8 tiles of the band (workgroups of the camera kernel).
        var tileCount: Int { Int(record.queueCapacity) / Int(LQ_WAVEFRONT_GROUP) }
    }

    let bands: [Band]
    let counters: GPUBuffer
    let bins: GPUBuffer
    /// Every array the records point at, kept alive with them.
    private let arrays: [GPUBuffer]
    /// The arrays `binning` reads back.
    private let hitBins: GPUBuffer
    private let sortedHits: GPUBuffer
    private let materialCount: Int

    init(device: VulkanDevice, width: Int, height: Int, materialCount: Int, maxPaths: Int) throws {
        let tilesX = (width + 7) / 8
        let bandRows = max(8, maxPaths / max(width, 1) / 8 * 8)
        let pathsPerBand = min(bandRows, height) * width
        let queueCapacity = tilesX * ((min(bandRows, height) + 7) / 8) * Int(LQ_WAVEFRONT_GROUP)
        var arrays: [GPUBuffer] = []
        self.materialCount = materialCount
        let buffer = { (bytesPerItem: Int, items: Int?) throws -> GPUBuffer in
            let buffer = try GPUBuffer(device: device, size: (items ?? pathsPerBand) * bytesPerItem, location: .deviceLocal)
            arrays.append(buffer)
            return buffer
        }
        let array = { (bytesPerItem: Int, items: Int?) throws -> UInt64 in try buffer(bytesPerItem, items).deviceAddress }
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
        w.hitUV = try array(16, nil)  // both texture-coordinate sets
        hitBins = try buffer(8, nil)
        w.hitBin = hitBins.deviceAddress
        w.shadowOrigin = try array(16, nil)
        w.shadowDirection = try array(16, nil)
        w.shadowContribution = try array(16, nil)
        w.queues = (try array(4, queueCapacity), try array(4, queueCapacity))
        w.shadowQueue = try array(4, nil)
        sortedHits = try buffer(4, nil)
        w.sortedHits = sortedHits.deviceAddress
        counters = try GPUBuffer(device: device, size: MemoryLayout<LQWavefrontCounters>.stride,
                                 usage: GPUBuffer.indirectUsage, location: .deviceLocal)
        bins = try GPUBuffer(device: device, size: max(materialCount, 1) * MemoryLayout<LQWavefrontBin>.stride,
                             usage: GPUBuffer.indirectUsage, location: .deviceLocal)
        w.counters = counters.deviceAddress
        w.bins = bins.deviceAddress
        w.materialCount = UInt32(materialCount)
        w.tilesX = UInt32(tilesX)
        var bands: [Band] = []
        for firstRow in stride(from: 0, to: height, by: bandRows) {
            let rows = min(bandRows, height - firstRow)
            var band = w
            band.firstRow = UInt32(firstRow)
            band.firstPixel = UInt32(firstRow * width)
            band.pathCount = UInt32(rows * width)
            band.queueCapacity = UInt32(tilesX * ((rows + 7) / 8) * Int(LQ_WAVEFRONT_GROUP))
            bands.append(Band(description: try GPUBuffer(device: device, contents: [band]), record: band))
        }
        self.bands = bands
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

    /// Reads the sort's buffers back (after `WavefrontKernels.recordFirstBinning`
    /// of the first band).
    func binning() throws -> Binning {
        let pathCount = bands[0].pathCount
        return Binning(hitBins: try hitBins.readBack(as: SIMD2<UInt32>.self, count: pathCount),
                       bins: try bins.readBack(as: LQWavefrontBin.self, count: materialCount),
                       sortedHits: try sortedHits.readBack(as: UInt32.self, count: pathCount))
    }
}
