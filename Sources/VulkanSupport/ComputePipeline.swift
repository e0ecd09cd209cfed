import CVulkan

/// A compute pipeline. Without descriptors its only inputs are push
/// constants (buffer device addresses and counts): the GPU-vs-CPU test
/// kernels and compute passes of the renderer. With a TraceDescriptorSet it
/// also sees the path tracer's set 0 (TLAS, latent images): the ray-query
/// path tracer.
public final class ComputePipeline {
    public let device: VulkanDevice
    public let handle: VkPipeline
    public let layout: VkPipelineLayout
    public let pushConstantSize: Int
    /// The bound set 0, if the pipeline was made with one (it owns the layout then).
    public let descriptors: TraceDescriptorSet?

    public init(device: VulkanDevice, spirv: [UInt32], pushConstantSize: Int) throws {
        self.device = device
        self.pushConstantSize = pushConstantSize
        descriptors = nil
        let dev = device.handle
        var range = VkPushConstantRange(stageFlags: VK_SHADER_STAGE_COMPUTE_BIT.rawValue, offset: 0, size: UInt32(pushConstantSize))
        var layoutInfo = VkPipelineLayoutCreateInfo()
        layoutInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
        layoutInfo.pushConstantRangeCount = 1
        var layoutOut: VkPipelineLayout?
        try withUnsafePointer(to: &range) { pointer in
            layoutInfo.pPushConstantRanges = pointer
            try check(vkCreatePipelineLayout(dev, &layoutInfo, nil, &layoutOut), "vkCreatePipelineLayout")
        }
        guard let layout = layoutOut else { throw VulkanError("no pipeline layout") }
        self.layout = layout
        do { handle = try Self.makePipeline(device: device, spirv: spirv, layout: layout) } catch {
            vkDestroyPipelineLayout(dev, layout, nil)
            throw error
        }
    }

    /// A compute pipeline with `descriptors`' layout (its stages must include compute).
    public init(device: VulkanDevice, spirv: [UInt32], descriptors: TraceDescriptorSet) throws {
        guard descriptors.stages & VK_SHADER_STAGE_COMPUTE_BIT.rawValue != 0 else {
            throw VulkanError("descriptor set was made without the compute stage")
        }
        self.device = device
        self.pushConstantSize = descriptors.pushConstantSize
        self.descriptors = descriptors
        layout = descriptors.layout
        handle = try Self.makePipeline(device: device, spirv: spirv, layout: layout)
    }

    private static func makePipeline(device: VulkanDevice, spirv: [UInt32], layout: VkPipelineLayout) throws -> VkPipeline {
        let dev = device.handle
        let module = try makeShaderModule(dev, spirv)
        defer { vkDestroyShaderModule(dev, module, nil) }
        var pipelineOut: VkPipeline?
        let result: VkResult = "main".withCString { entry in
            var stage = VkPipelineShaderStageCreateInfo()
            stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
            stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
            stage.module = module
            stage.pName = entry
            var info = VkComputePipelineCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
            info.stage = stage
            info.layout = layout
            return vkCreateComputePipelines(dev, nil, 1, &info, nil, &pipelineOut)
        }
        guard result == VK_SUCCESS, let pipeline = pipelineOut else {
            throw VulkanError.call("vkCreateComputePipelines", result)
        }
        return pipeline
    }

    deinit {
        vkDestroyPipeline(device.handle, handle, nil)
        if descriptors == nil { vkDestroyPipelineLayout(device.handle, layout, nil) }
    }

    /// Records a dispatch of `groups` workgroups with `pushConstants` (and set 0, if any).
    public func recordDispatch<P>(_ cmd: VkCommandBuffer, groups: (Int, Int, Int), pushConstants: P) {
        recordBind(cmd, pushConstants: pushConstants)
        vkCmdDispatch(cmd, UInt32(groups.0), UInt32(groups.1), UInt32(groups.2))
    }

    /// Records a dispatch whose workgroup counts a previous kernel wrote: a
    /// VkDispatchIndirectCommand at `offset` in `arguments` (a buffer made
    /// with `indirectUsage`).
    public func recordDispatchIndirect<P>(_ cmd: VkCommandBuffer, arguments: GPUBuffer, offset: Int, pushConstants: P) {
        recordBind(cmd, pushConstants: pushConstants)
        vkCmdDispatchIndirect(cmd, arguments.handle, VkDeviceSize(offset))
    }

    private func recordBind<P>(_ cmd: VkCommandBuffer, pushConstants: P) {
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, handle)
        if let descriptors {
            descriptors.recordBind(cmd, bindPoint: VK_PIPELINE_BIND_POINT_COMPUTE, pushConstants: pushConstants)
        } else {
            var constants = pushConstants
            vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0, UInt32(pushConstantSize), &constants)
        }
    }
}
