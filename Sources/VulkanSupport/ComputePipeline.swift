import CVulkan

/// A compute pipeline whose only inputs are push constants (buffer device
/// addresses and counts): used by the GPU-vs-CPU test kernels and by
/// compute passes of the renderer. No descriptor sets.
public final class ComputePipeline {
    public let device: VulkanDevice
    public let handle: VkPipeline
    public let layout: VkPipelineLayout
    public let pushConstantSize: Int

    public init(device: VulkanDevice, spirv: [UInt32], pushConstantSize: Int) throws {
        self.device = device
        self.pushConstantSize = pushConstantSize
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

        let module: VkShaderModule
        do { module = try makeShaderModule(dev, spirv) } catch {
            vkDestroyPipelineLayout(dev, layout, nil)
            throw error
        }
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
            vkDestroyPipelineLayout(dev, layout, nil)
            throw VulkanError.call("vkCreateComputePipelines", result)
        }
        handle = pipeline
    }

    deinit {
        vkDestroyPipeline(device.handle, handle, nil)
        vkDestroyPipelineLayout(device.handle, layout, nil)
    }

    /// Records a dispatch of `groups` workgroups with `pushConstants`.
    public func recordDispatch<P>(_ cmd: VkCommandBuffer, groups: (Int, Int, Int), pushConstants: P) {
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, handle)
        var constants = pushConstants
        vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0, UInt32(pushConstantSize), &constants)
        vkCmdDispatch(cmd, UInt32(groups.0), UInt32(groups.1), UInt32(groups.2))
    }
}
