import CVulkan

/// A ray-tracing pipeline, its layout (descriptor set 0 = the TLAS at
/// binding 0; push constants for everything else) and its shader binding
/// table. Shaders reach scene data through buffer device addresses, so
/// one descriptor is all the pipeline needs.
public final class RayTracingPipeline {
    public struct HitGroup {
        public var closestHit: [UInt32]?
        public var intersection: [UInt32]?
        public init(closestHit: [UInt32]?, intersection: [UInt32]? = nil) {
            self.closestHit = closestHit; self.intersection = intersection
        }
    }

    public let device: VulkanDevice
    public let handle: VkPipeline
    public let layout: VkPipelineLayout
    let setLayout: VkDescriptorSetLayout
    let descriptorPool: VkDescriptorPool
    let descriptorSet: VkDescriptorSet
    let sbt: GPUBuffer
    var raygenRegion = VkStridedDeviceAddressRegionKHR()
    var missRegion = VkStridedDeviceAddressRegionKHR()
    var hitRegion = VkStridedDeviceAddressRegionKHR()
    var callableRegion = VkStridedDeviceAddressRegionKHR()
    public let pushConstantSize: Int

    /// Number of combined image samplers at binding 1 (0: no binding).
    public let sampledImageCount: Int

    public init(device: VulkanDevice, raygen: [UInt32], misses: [[UInt32]], hitGroups: [HitGroup],
                pushConstantSize: Int, maxRecursionDepth: UInt32 = 1, sampledImageCount: Int = 0) throws {
        self.device = device
        self.pushConstantSize = pushConstantSize
        self.sampledImageCount = sampledImageCount
        let dev = device.handle
        let stages: VkShaderStageFlags = VK_SHADER_STAGE_RAYGEN_BIT_KHR.rawValue | VK_SHADER_STAGE_MISS_BIT_KHR.rawValue
            | VK_SHADER_STAGE_CLOSEST_HIT_BIT_KHR.rawValue | VK_SHADER_STAGE_INTERSECTION_BIT_KHR.rawValue

        // Descriptor set layout + pool + set: the TLAS, and optionally an
        // array of sampled images (neural latents) at binding 1.
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

        // Pipeline layout.
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

        // Shader modules and groups.
        var modules: [VkShaderModule] = []
        defer { modules.forEach { vkDestroyShaderModule(dev, $0, nil) } }
        func module(_ words: [UInt32]) throws -> VkShaderModule {
            let created = try makeShaderModule(dev, words)
            modules.append(created)
            return created
        }
        var stageInfos: [VkPipelineShaderStageCreateInfo] = []
        var groups: [VkRayTracingShaderGroupCreateInfoKHR] = []
        func addStage(_ words: [UInt32], _ stage: VkShaderStageFlagBits) throws -> UInt32 {
            var info = VkPipelineShaderStageCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
            info.stage = stage
            info.module = try module(words)
            info.pName = nil // set below, inside the name's lifetime
            stageInfos.append(info)
            return UInt32(stageInfos.count - 1)
        }
        func group(_ type: VkRayTracingShaderGroupTypeKHR, general: UInt32 = LQ_VK_SHADER_UNUSED,
                   closest: UInt32 = LQ_VK_SHADER_UNUSED, intersection: UInt32 = LQ_VK_SHADER_UNUSED) -> VkRayTracingShaderGroupCreateInfoKHR {
            var g = VkRayTracingShaderGroupCreateInfoKHR()
            g.sType = VK_STRUCTURE_TYPE_RAY_TRACING_SHADER_GROUP_CREATE_INFO_KHR
            g.type = type
            g.generalShader = general
            g.closestHitShader = closest
            g.anyHitShader = LQ_VK_SHADER_UNUSED
            g.intersectionShader = intersection
            return g
        }
        do {
            groups.append(group(VK_RAY_TRACING_SHADER_GROUP_TYPE_GENERAL_KHR, general: try addStage(raygen, VK_SHADER_STAGE_RAYGEN_BIT_KHR)))
            for miss in misses {
                groups.append(group(VK_RAY_TRACING_SHADER_GROUP_TYPE_GENERAL_KHR, general: try addStage(miss, VK_SHADER_STAGE_MISS_BIT_KHR)))
            }
            for hit in hitGroups {
                let closest = try hit.closestHit.map { try addStage($0, VK_SHADER_STAGE_CLOSEST_HIT_BIT_KHR) } ?? LQ_VK_SHADER_UNUSED
                if let isect = hit.intersection {
                    let i = try addStage(isect, VK_SHADER_STAGE_INTERSECTION_BIT_KHR)
                    groups.append(group(VK_RAY_TRACING_SHADER_GROUP_TYPE_PROCEDURAL_HIT_GROUP_KHR, closest: closest, intersection: i))
                } else {
                    groups.append(group(VK_RAY_TRACING_SHADER_GROUP_TYPE_TRIANGLES_HIT_GROUP_KHR, closest: closest))
                }
            }
        } catch {
            vkDestroyPipelineLayout(dev, layout, nil); vkDestroyDescriptorPool(dev, pool, nil)
            vkDestroyDescriptorSetLayout(dev, setLayout, nil)
            throw error
        }

        var pipelineOut: VkPipeline?
        let pipelineResult: VkResult = "main".withCString { entry in
            for i in stageInfos.indices { stageInfos[i].pName = entry }
            return stageInfos.withUnsafeBufferPointer { stagesPointer in
                groups.withUnsafeBufferPointer { groupsPointer in
                    var info = VkRayTracingPipelineCreateInfoKHR()
                    info.sType = VK_STRUCTURE_TYPE_RAY_TRACING_PIPELINE_CREATE_INFO_KHR
                    info.stageCount = UInt32(stageInfos.count)
                    info.pStages = stagesPointer.baseAddress
                    info.groupCount = UInt32(groups.count)
                    info.pGroups = groupsPointer.baseAddress
                    info.maxPipelineRayRecursionDepth = min(maxRecursionDepth, device.maxRayRecursionDepth)
                    info.layout = layout
                    return device.khr.createRayTracingPipelines(dev, nil, nil, 1, &info, nil, &pipelineOut)
                }
            }
        }
        guard pipelineResult == VK_SUCCESS, let pipeline = pipelineOut else {
            vkDestroyPipelineLayout(dev, layout, nil); vkDestroyDescriptorPool(dev, pool, nil)
            vkDestroyDescriptorSetLayout(dev, setLayout, nil)
            throw VulkanError.call("vkCreateRayTracingPipelinesKHR", pipelineResult)
        }
        handle = pipeline

        // Shader binding table: raygen | misses | hit groups, each region
        // aligned to shaderGroupBaseAlignment, records to handleAlignment.
        let handleSize = Int(device.shaderGroupHandleSize)
        func alignUp(_ v: Int, _ a: Int) -> Int { (v + a - 1) / a * a }
        let recordStride = alignUp(handleSize, Int(device.shaderGroupHandleAlignment))
        let base = Int(device.shaderGroupBaseAlignment)
        let raygenSize = alignUp(recordStride, base)
        let missSize = alignUp(recordStride * misses.count, base)
        let hitSize = alignUp(recordStride * hitGroups.count, base)
        var handles = [UInt8](repeating: 0, count: handleSize * groups.count)
        do {
            try check(device.khr.getRayTracingShaderGroupHandles(dev, pipeline, 0, UInt32(groups.count), handles.count, &handles),
                      "vkGetRayTracingShaderGroupHandlesKHR")
            sbt = try GPUBuffer(device: device, size: raygenSize + missSize + hitSize + base,
                                usage: VK_BUFFER_USAGE_SHADER_BINDING_TABLE_BIT_KHR.rawValue | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT.rawValue)
        } catch {
            vkDestroyPipeline(dev, pipeline, nil); vkDestroyPipelineLayout(dev, layout, nil)
            vkDestroyDescriptorPool(dev, pool, nil); vkDestroyDescriptorSetLayout(dev, setLayout, nil)
            throw error
        }
        let start = alignUp(Int(sbt.deviceAddress), base) - Int(sbt.deviceAddress)
        var bytes = [UInt8](repeating: 0, count: sbt.size)
        func place(group: Int, at offset: Int) {
            for i in 0..<handleSize { bytes[start + offset + i] = handles[group * handleSize + i] }
        }
        place(group: 0, at: 0)
        for m in 0..<misses.count { place(group: 1 + m, at: raygenSize + m * recordStride) }
        for h in 0..<hitGroups.count { place(group: 1 + misses.count + h, at: raygenSize + missSize + h * recordStride) }
        try sbt.write(bytes)
        let address = sbt.deviceAddress + UInt64(start)
        raygenRegion = VkStridedDeviceAddressRegionKHR(deviceAddress: address, stride: VkDeviceSize(raygenSize), size: VkDeviceSize(raygenSize))
        missRegion = VkStridedDeviceAddressRegionKHR(deviceAddress: address + UInt64(raygenSize), stride: VkDeviceSize(recordStride), size: VkDeviceSize(missSize))
        hitRegion = VkStridedDeviceAddressRegionKHR(deviceAddress: address + UInt64(raygenSize + missSize), stride: VkDeviceSize(recordStride), size: VkDeviceSize(hitSize))
    }

    deinit {
        let dev = device.handle
        vkDestroyPipeline(dev, handle, nil)
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

    /// Records a trace of width × height rays with `pushConstants`.
    public func recordTrace<P>(_ cmd: VkCommandBuffer, width: Int, height: Int, pushConstants: P) {
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_RAY_TRACING_KHR, handle)
        var set: VkDescriptorSet? = descriptorSet
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_RAY_TRACING_KHR, layout, 0, 1, &set, 0, nil)
        var constants = pushConstants
        let stages: VkShaderStageFlags = VK_SHADER_STAGE_RAYGEN_BIT_KHR.rawValue | VK_SHADER_STAGE_MISS_BIT_KHR.rawValue
            | VK_SHADER_STAGE_CLOSEST_HIT_BIT_KHR.rawValue | VK_SHADER_STAGE_INTERSECTION_BIT_KHR.rawValue
        vkCmdPushConstants(cmd, layout, stages, 0, UInt32(pushConstantSize), &constants)
        device.khr.cmdTraceRays(cmd, &raygenRegion, &missRegion, &hitRegion, &callableRegion, UInt32(width), UInt32(height), 1)
    }
}
