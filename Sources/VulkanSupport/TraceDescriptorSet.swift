import CVulkan

/// Descriptor set 0 of the path tracer and the pipeline layout around it:
/// the TLAS at binding 0 and, optionally, an array of sampled images
/// (neural latents) at binding 1; push constants for everything else.
/// Shared by the ray-tracing pipeline and the ray-query compute pipeline so
/// that both take the same bindings. Threading: like VulkanDevice.
public final class TraceDescriptorSet {
    public let device: VulkanDevice
    public let layout: VkPipelineLayout
    /// The shader stages that see the bindings and push constants.
    public let stages: VkShaderStageFlags
    public let pushConstantSize: Int
    /// Number of combined image samplers at binding 1 (0: no binding).
    public let sampledImageCount: Int
    let setLayout: VkDescriptorSetLayout
    let descriptorPool: VkDescriptorPool
    let descriptorSet: VkDescriptorSet

    public init(device: VulkanDevice, stages: VkShaderStageFlags, pushConstantSize: Int, sampledImageCount: Int = 0) throws {
        self.device = device
        self.stages = stages
        self.pushConstantSize = pushConstantSize
        self.sampledImageCount = sampledImageCount
        let dev = device.handle

        var bindings = [VkDescriptorSetLayoutBinding()]
        bindings[0].binding = 0
        bindings[0].descriptorType = VK_DESCRIPTOR_TYPE_ACCELERATION_STRUCTURE_KHR
        bindings[0].descriptorCount = 1
        bindings[0].stageFlags = stages
        var poolSizes = [VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_ACCELERATION_STRUCTURE_KHR, descriptorCount: 1)]
        if sampledImageCount > 0 {
            var images = VkDescriptorSetLayoutBinding()
            images.binding = 1
            images.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER
            images.descriptorCount = UInt32(sampledImageCount)
            images.stageFlags = stages
            bindings.append(images)
            poolSizes.append(VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, descriptorCount: UInt32(sampledImageCount)))
        }
        var setLayoutInfo = VkDescriptorSetLayoutCreateInfo()
        setLayoutInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
        setLayoutInfo.bindingCount = UInt32(bindings.count)
        var setLayoutOut: VkDescriptorSetLayout?
        try bindings.withUnsafeBufferPointer { pointer in
            setLayoutInfo.pBindings = pointer.baseAddress
            try check(vkCreateDescriptorSetLayout(dev, &setLayoutInfo, nil, &setLayoutOut), "vkCreateDescriptorSetLayout")
        }
        guard let setLayout = setLayoutOut else { throw VulkanError("no descriptor set layout") }
        self.setLayout = setLayout

        var poolInfo = VkDescriptorPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
        poolInfo.maxSets = 1
        poolInfo.poolSizeCount = UInt32(poolSizes.count)
        var poolOut: VkDescriptorPool?
        let poolResult = poolSizes.withUnsafeBufferPointer { pointer -> VkResult in
            poolInfo.pPoolSizes = pointer.baseAddress
            return vkCreateDescriptorPool(dev, &poolInfo, nil, &poolOut)
        }
        guard poolResult == VK_SUCCESS, let pool = poolOut else {
            vkDestroyDescriptorSetLayout(dev, setLayout, nil)
            throw VulkanError.call("vkCreateDescriptorPool", poolResult)
        }
        descriptorPool = pool
        var setLayoutOpt: VkDescriptorSetLayout? = setLayout
        var setOut: VkDescriptorSet?
        let setResult = withUnsafePointer(to: &setLayoutOpt) { pointer -> VkResult in
            var alloc = VkDescriptorSetAllocateInfo()
            alloc.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO
            alloc.descriptorPool = pool
            alloc.descriptorSetCount = 1
            alloc.pSetLayouts = pointer
            return vkAllocateDescriptorSets(dev, &alloc, &setOut)
        }
        guard setResult == VK_SUCCESS, let set = setOut else {
            vkDestroyDescriptorPool(dev, pool, nil); vkDestroyDescriptorSetLayout(dev, setLayout, nil)
            throw VulkanError.call("vkAllocateDescriptorSets", setResult)
        }
        descriptorSet = set

        var range = VkPushConstantRange(stageFlags: stages, offset: 0, size: UInt32(pushConstantSize))
        var layoutOut: VkPipelineLayout?
        let layoutResult = withUnsafePointer(to: &setLayoutOpt) { setPointer in
            withUnsafePointer(to: &range) { rangePointer -> VkResult in
                var info = VkPipelineLayoutCreateInfo()
                info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
                info.setLayoutCount = 1
                info.pSetLayouts = setPointer
                info.pushConstantRangeCount = 1
                info.pPushConstantRanges = rangePointer
                return vkCreatePipelineLayout(dev, &info, nil, &layoutOut)
            }
        }
        guard layoutResult == VK_SUCCESS, let layout = layoutOut else {
            vkDestroyDescriptorPool(dev, pool, nil); vkDestroyDescriptorSetLayout(dev, setLayout, nil)
            throw VulkanError.call("vkCreatePipelineLayout", layoutResult)
        }
        self.layout = layout
    }

    deinit {
        let dev = device.handle
        vkDestroyPipelineLayout(dev, layout, nil)
        vkDestroyDescriptorPool(dev, descriptorPool, nil)
        vkDestroyDescriptorSetLayout(dev, setLayout, nil)
    }

    /// Points binding 1 at `images` (exactly `sampledImageCount` of them).
    public func bind(images: [(GPUImage, GPUSampler)]) throws {
        guard images.count == sampledImageCount else {
            throw VulkanError("pipeline expects \(sampledImageCount) sampled images, got \(images.count)")
        }
        guard !images.isEmpty else { return }
        let infos = images.map { VkDescriptorImageInfo(sampler: $0.1.handle, imageView: $0.0.view, imageLayout: VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL) }
        infos.withUnsafeBufferPointer { pointer in
            var write = VkWriteDescriptorSet()
            write.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
            write.dstSet = descriptorSet
            write.dstBinding = 1
            write.descriptorCount = UInt32(infos.count)
            write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER
            write.pImageInfo = pointer.baseAddress
            vkUpdateDescriptorSets(device.handle, 1, &write, 0, nil)
        }
    }

    /// Points binding 0 at `tlas`. Call before the first trace.
    public func bind(tlas: AccelerationStructure) {
        var handle: VkAccelerationStructureKHR? = tlas.handle
        withUnsafePointer(to: &handle) { pointer in
            var asWrite = VkWriteDescriptorSetAccelerationStructureKHR()
            asWrite.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_ACCELERATION_STRUCTURE_KHR
            asWrite.accelerationStructureCount = 1
            asWrite.pAccelerationStructures = pointer
            withUnsafePointer(to: &asWrite) { asPointer in
                var write = VkWriteDescriptorSet()
                write.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
                write.pNext = UnsafeRawPointer(asPointer)
                write.dstSet = descriptorSet
                write.dstBinding = 0
                write.descriptorCount = 1
                write.descriptorType = VK_DESCRIPTOR_TYPE_ACCELERATION_STRUCTURE_KHR
                vkUpdateDescriptorSets(device.handle, 1, &write, 0, nil)
            }
        }
    }

    /// Records binding the set and pushing `pushConstants` for `bindPoint`.
    func recordBind<P>(_ cmd: VkCommandBuffer, bindPoint: VkPipelineBindPoint, pushConstants: P) {
        var set: VkDescriptorSet? = descriptorSet
        vkCmdBindDescriptorSets(cmd, bindPoint, layout, 0, 1, &set, 0, nil)
        var constants = pushConstants
        vkCmdPushConstants(cmd, layout, stages, 0, UInt32(pushConstantSize), &constants)
    }
}
