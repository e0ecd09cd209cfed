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

    /// Records `count` samples per pixel, from sample `firstSample`, of the
    /// frame at `frame` into `cmd`: per sample and band of rows, camera rays,
    /// then per depth extend → bin → scatter → shade per material → shadow
    /// rays, then accumulation. `shadingKernels[m]` shades material m.
    func record(_ cmd: VkCommandBuffer, state: WavefrontState, frame: UInt64, maxDepth: Int,
                firstSample: Int, count: Int, shadingKernels: [ComputePipeline]) {
        for sample in firstSample..<(firstSample + count) {
            for band in state.bands {
                var push = beginSample(cmd, state: state, band: band, frame: frame, sample: sample)
                for depth in 0...maxDepth {
                    push.depth = UInt32(depth)
                    extend(cmd, state: state, push: push)
                    if depth == maxDepth { break }
                    sortByMaterial(cmd, state: state, push: push)
                    shade(cmd, state: state, push: push, shadingKernels: shadingKernels)
                }
                let group = Int(LQ_WAVEFRONT_GROUP)
                accumulate.recordDispatch(cmd, groups: ((band.pathCount + group - 1) / group, 1, 1), pushConstants: push)
                Self.barrier(cmd)
            }
        }
    }

    /// Records the camera rays of `sample` and its first extend with the
    /// counting sort of the hits by material, and stops there: the state
    /// `WavefrontState.binning` reads, to check the sort against the CPU.
    func recordFirstBinning(_ cmd: VkCommandBuffer, state: WavefrontState, frame: UInt64, sample: Int) {
        let push = beginSample(cmd, state: state, band: state.bands[0], frame: frame, sample: sample)
        extend(cmd, state: state, push: push)
        sortByMaterial(cmd, state: state, push: push)
    }

    private func beginSample(_ cmd: VkCommandBuffer, state: WavefrontState, band: WavefrontState.Band,
                             frame: UInt64, sample: Int) -> LQWavefrontPush {
        let push = LQWavefrontPush(frame: frame, wavefront: band.description.deviceAddress,
                                   sampleIndex: UInt32(sample), depth: 0, material: 0, mode: LQ_WAVEFRONT_BEGIN_SAMPLE)
        camera.recordDispatch(cmd, groups: (band.tileCount, 1, 1), pushConstants: push)
        control.recordDispatch(cmd, groups: (1, 1, 1), pushConstants: push)
        Self.barrier(cmd)
        return push
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

    /// One shading dispatch per material (sized by its bin), then the shadow rays they queued.
    private func shade(_ cmd: VkCommandBuffer, state: WavefrontState, push: LQWavefrontPush, shadingKernels: [ComputePipeline]) {
        var push = push
        let binArguments = MemoryLayout<LQWavefrontBin>.offset(of: \.groups)!
        for (material, kernel) in shadingKernels.enumerated() {
            push.material = UInt32(material)
            kernel.recordDispatchIndirect(cmd, arguments: state.bins,
                                          offset: material * MemoryLayout<LQWavefrontBin>.stride + binArguments, pushConstants: push)
        }
        Self.barrier(cmd)
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
