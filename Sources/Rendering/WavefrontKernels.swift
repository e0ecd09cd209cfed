import CVulkan
import Foundation
import ShaderInterface
import VulkanSupport

/// The compiled kernels of the wavefront integrator: the fixed stages
/// (camera, extend, control, scatter, shadow, accumulate) and one shading
/// kernel per shading unit, compiled when a scene first needs it and kept
/// for later scenes with the same code. They share one descriptor set
/// (TLAS, latent images) and one push-constant block (LQWavefrontPush).
final class WavefrontKernels {
    let descriptors: TraceDescriptorSet
    let camera: ComputePipeline
    let extend: ComputePipeline
    let control: ComputePipeline
    let scatter: ComputePipeline
    let shadow: ComputePipeline
    let accumulate: ComputePipeline
    private let renderDevice: RenderDevice
    private let sceneCode: SceneShaderCode
    private let generatedBase: URL
    private var shading: [ShadingUnit: ComputePipeline] = [:]

    init(renderDevice: RenderDevice, sceneCode: SceneShaderCode, generatedBase: URL) throws {
        self.renderDevice = renderDevice
        self.sceneCode = sceneCode
        self.generatedBase = generatedBase
        let device = renderDevice.device
        let descriptors = try TraceDescriptorSet(device: device, stages: VK_SHADER_STAGE_COMPUTE_BIT.rawValue,
                                                 pushConstantSize: MemoryLayout<LQWavefrontPush>.size,
                                                 sampledImageCount: sceneCode.latentImageCount)
        self.descriptors = descriptors
        let stage = { (name: String) throws -> ComputePipeline in
            let spirv = try renderDevice.compiler.compile(renderDevice.shaders.url("wavefront_\(name).comp"))
            return try ComputePipeline(device: device, spirv: spirv, descriptors: descriptors)
        }
        camera = try stage("camera")
        extend = try stage("extend")
        control = try stage("control")
        scatter = try stage("scatter")
        shadow = try stage("shadow")
        accumulate = try stage("accumulate")
    }

    /// The shading kernel of `unit`, compiled on first use.
    func shadingKernel(for unit: ShadingUnit) throws -> ComputePipeline {
        if let kernel = shading[unit] { return kernel }
        let include = try sceneCode.writeIncludeDirectory(under: generatedBase, unit: unit)
        let spirv = try renderDevice.compiler.compile(renderDevice.shaders.url("wavefront_shade.comp"),
                                                      extraIncludeDirectories: [include])
        let kernel = try ComputePipeline(device: renderDevice.device, spirv: spirv, descriptors: descriptors)
        shading[unit] = kernel
        return kernel
    }

    /// Calls `body` with each stage of `count` samples per pixel, from sample
    /// `firstSample`, of the frame at `frame`, in order, and the function that
    /// records it (ending with a barrier): per sample and band of rows, camera
    /// rays, then per depth extend → sort by material → shade per material →
    /// shadow rays, then accumulation. `shadingKernels[m]` shades material m.
    /// One schedule for both callers: `record` puts every stage in one
    /// command buffer, a profiled session submits each on its own.
    func forEachStage(state: WavefrontState, frame: UInt64, maxDepth: Int, firstSample: Int, count: Int,
                      shadingKernels: [ComputePipeline],
                      _ body: (WavefrontStage, (VkCommandBuffer) -> Void) throws -> Void) rethrows {
        for sample in firstSample..<(firstSample + count) {
            for band in state.bands {
                var push = Self.push(beginning: sample, of: band, frame: frame)
                let first = push
                try body(.camera) { self.beginSample($0, band: band, push: first) }
                for depth in 0...maxDepth {
                    push.depth = UInt32(depth)
                    let atDepth = push
                    try body(.extend(depth: depth)) { self.extend($0, state: state, push: atDepth) }
                    if depth == maxDepth { break }
                    try body(.sort(depth: depth)) { self.sortByMaterial($0, state: state, push: atDepth) }
                    try body(.shade(depth: depth)) { self.shade($0, state: state, push: atDepth, shadingKernels: shadingKernels) }
                    try body(.shadow(depth: depth)) { self.traceShadows($0, state: state, push: atDepth) }
                }
                let last = push
                try body(.accumulate) { cmd in
                    let group = Int(LQ_WAVEFRONT_GROUP)
                    self.accumulate.recordDispatch(cmd, groups: ((band.pathCount + group - 1) / group, 1, 1), pushConstants: last)
                    Self.barrier(cmd)
                }
            }
        }
    }

    /// Records every stage of `forEachStage` into `cmd`.
    func record(_ cmd: VkCommandBuffer, state: WavefrontState, frame: UInt64, maxDepth: Int,
                firstSample: Int, count: Int, shadingKernels: [ComputePipeline]) {
        forEachStage(state: state, frame: frame, maxDepth: maxDepth, firstSample: firstSample, count: count,
                     shadingKernels: shadingKernels) { _, recordStage in recordStage(cmd) }
    }

    /// Records the camera rays of `sample` and its first extend with the
    /// counting sort of the hits by material, and stops there: the state
    /// `WavefrontState.binning` reads, to check the sort against the CPU.
    func recordFirstBinning(_ cmd: VkCommandBuffer, state: WavefrontState, frame: UInt64, sample: Int) {
        let push = Self.push(beginning: sample, of: state.bands[0], frame: frame)
        beginSample(cmd, band: state.bands[0], push: push)
        extend(cmd, state: state, push: push)
        sortByMaterial(cmd, state: state, push: push)
    }

    /// The push constants of `sample`'s first stage in `band`.
    private static func push(beginning sample: Int, of band: WavefrontState.Band, frame: UInt64) -> LQWavefrontPush {
        LQWavefrontPush(frame: frame, wavefront: band.description.deviceAddress,
                        sampleIndex: UInt32(sample), depth: 0, material: 0, mode: LQ_WAVEFRONT_BEGIN_SAMPLE)
    }

    private func beginSample(_ cmd: VkCommandBuffer, band: WavefrontState.Band, push: LQWavefrontPush) {
        camera.recordDispatch(cmd, groups: (band.tileCount, 1, 1), pushConstants: push)
        control.recordDispatch(cmd, groups: (1, 1, 1), pushConstants: push)
        Self.barrier(cmd)
    }

    private func extend(_ cmd: VkCommandBuffer, state: WavefrontState, push: LQWavefrontPush) {
        extend.recordDispatchIndirect(cmd, arguments: state.counters, offset: Self.extendArguments, pushConstants: push)
        Self.barrier(cmd)
    }

    /// Counting sort of the extend's hits by material: prefix sums, then scatter.
    private func sortByMaterial(_ cmd: VkCommandBuffer, state: WavefrontState, push: LQWavefrontPush) {
        var push = push
        push.mode = LQ_WAVEFRONT_AFTER_EXTEND
        control.recordDispatch(cmd, groups: (1, 1, 1), pushConstants: push)
        Self.barrier(cmd)
        scatter.recordDispatchIndirect(cmd, arguments: state.counters, offset: Self.extendArguments, pushConstants: push)
        Self.barrier(cmd)
    }

    /// One shading dispatch per material, sized by its bin.
    private func shade(_ cmd: VkCommandBuffer, state: WavefrontState, push: LQWavefrontPush, shadingKernels: [ComputePipeline]) {
        var push = push
        let binArguments = MemoryLayout<LQWavefrontBin>.offset(of: \.groups)!
        for (material, kernel) in shadingKernels.enumerated() {
            push.material = UInt32(material)
            kernel.recordDispatchIndirect(cmd, arguments: state.bins,
                                          offset: material * MemoryLayout<LQWavefrontBin>.stride + binArguments, pushConstants: push)
        }
        Self.barrier(cmd)
    }

    /// The shadow rays the shading dispatches queued.
    private func traceShadows(_ cmd: VkCommandBuffer, state: WavefrontState, push: LQWavefrontPush) {
        var push = push
        push.mode = LQ_WAVEFRONT_AFTER_SHADE
        control.recordDispatch(cmd, groups: (1, 1, 1), pushConstants: push)
        Self.barrier(cmd)
        shadow.recordDispatchIndirect(cmd, arguments: state.counters, offset: Self.shadowArguments, pushConstants: push)
        Self.barrier(cmd)
    }

    private static let extendArguments = MemoryLayout<LQWavefrontCounters>.offset(of: \.extendGroups)!
    private static let shadowArguments = MemoryLayout<LQWavefrontCounters>.offset(of: \.shadowGroups)!

    /// Every stage reads what the previous one wrote, including the
    /// workgroup counts of indirect dispatches.
    private static func barrier(_ cmd: VkCommandBuffer) {
        VulkanDevice.memoryBarrier(cmd, from: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue, VK_ACCESS_SHADER_WRITE_BIT.rawValue,
                                   to: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT.rawValue
                                   | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue,
                                   VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue
                                   | VK_ACCESS_INDIRECT_COMMAND_READ_BIT.rawValue | VK_ACCESS_TRANSFER_READ_BIT.rawValue)
    }
}
