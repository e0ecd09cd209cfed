import CVulkan

/// A ray-tracing pipeline, its layout (TraceDescriptorSet: the TLAS at
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
    /// Set 0 and the pipeline layout (shared shape with the ray-query pipeline).
    public let descriptors: TraceDescriptorSet
    public var layout: VkPipelineLayout { descriptors.layout }
    let sbt: GPUBuffer
    var raygenRegion = VkStridedDeviceAddressRegionKHR()
    var missRegion = VkStridedDeviceAddressRegionKHR()
    var hitRegion = VkStridedDeviceAddressRegionKHR()
    var callableRegion = VkStridedDeviceAddressRegionKHR()
    public var pushConstantSize: Int { descriptors.pushConstantSize }
    /// Number of combined image samplers at binding 1 (0: no binding).
    public var sampledImageCount: Int { descriptors.sampledImageCount }

    public init(device: VulkanDevice, raygen: [UInt32], misses: [[UInt32]], hitGroups: [HitGroup],
                pushConstantSize: Int, maxRecursionDepth: UInt32 = 1, sampledImageCount: Int = 0) throws {
        self.device = device
        let dev = device.handle
        let stages: VkShaderStageFlags = VK_SHADER_STAGE_RAYGEN_BIT_KHR.rawValue | VK_SHADER_STAGE_MISS_BIT_KHR.rawValue
            | VK_SHADER_STAGE_CLOSEST_HIT_BIT_KHR.rawValue | VK_SHADER_STAGE_INTERSECTION_BIT_KHR.rawValue

        descriptors = try TraceDescriptorSet(device: device, stages: stages, pushConstantSize: pushConstantSize,
                                             sampledImageCount: sampledImageCount)
        let layout = descriptors.layout

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
            vkDestroyPipeline(dev, pipeline, nil)
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
        vkDestroyPipeline(device.handle, handle, nil)
    }

    /// Points binding 1 at `images` (exactly `sampledImageCount` of them).
    public func bind(images: [(GPUImage, GPUSampler)]) throws { try descriptors.bind(images: images) }

    /// Points binding 0 at `tlas`. Call before the first trace.
    public func bind(tlas: AccelerationStructure) { descriptors.bind(tlas: tlas) }

    /// Records a trace of width × height rays with `pushConstants`.
    public func recordTrace<P>(_ cmd: VkCommandBuffer, width: Int, height: Int, pushConstants: P) {
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_RAY_TRACING_KHR, handle)
        descriptors.recordBind(cmd, bindPoint: VK_PIPELINE_BIND_POINT_RAY_TRACING_KHR, pushConstants: pushConstants)
        device.khr.cmdTraceRays(cmd, &raygenRegion, &missRegion, &hitRegion, &callableRegion, UInt32(width), UInt32(height), 1)
    }
}
