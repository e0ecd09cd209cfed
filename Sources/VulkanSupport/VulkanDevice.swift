import CVulkan
import Logging

/// The logical device with the ray-tracing extensions, its queue and a
/// command pool for one-shot submissions. Threading: use from one thread
/// at a time (the queue and command pool are not synchronised).
public final class VulkanDevice {
    public let instance: VulkanInstance
    public let physical: PhysicalDeviceInfo
    public let handle: VkDevice
    public let queue: VkQueue
    public let queueFamily: UInt32
    public let khr: KHRFunctions
    public let logger: Logger
    let commandPool: VkCommandPool
    let memoryProperties: VkPhysicalDeviceMemoryProperties

    /// Ray-tracing pipeline limits (shader group handle size and alignments).
    public let shaderGroupHandleSize: UInt32
    public let shaderGroupHandleAlignment: UInt32
    public let shaderGroupBaseAlignment: UInt32
    public let maxRayRecursionDepth: UInt32
    public let timestampPeriod: Float
    /// Whether shaders may index sampled-image arrays non-uniformly (per lane).
    public let nonUniformImageIndexing: Bool
    /// Whether ray-generation shaders may use subgroup ballot operations
    /// (VkPhysicalDeviceSubgroupProperties): lavapipe offers them only in
    /// fragment, compute, task and mesh shaders.
    public let subgroupBallotInRayGeneration: Bool
    /// Whether compute shaders may use subgroup ballot operations (the
    /// coherent-shading waterfall of the ray-query path tracer).
    public let subgroupBallotInCompute: Bool
    /// Whether VK_KHR_ray_query is enabled: compute shaders may trace rays
    /// (the path tracer's `--tracing query`). Optional: without it only the
    /// ray-tracing pipeline is available.
    public let supportsRayQuery: Bool

    public var name: String { physical.name }

    public init(instance: VulkanInstance, physical: PhysicalDeviceInfo, extraExtensions: [String] = [], logger: Logger) throws {
        self.instance = instance
        self.physical = physical
        self.logger = logger
        let pd = physical.handle

        var familyCount: UInt32 = 0
        vkGetPhysicalDeviceQueueFamilyProperties(pd, &familyCount, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(familyCount))
        vkGetPhysicalDeviceQueueFamilyProperties(pd, &familyCount, &families)
        let wanted = VK_QUEUE_GRAPHICS_BIT.rawValue | VK_QUEUE_COMPUTE_BIT.rawValue
        guard let family = families.firstIndex(where: { $0.queueFlags & wanted == wanted })
                ?? families.firstIndex(where: { $0.queueFlags & VK_QUEUE_COMPUTE_BIT.rawValue != 0 }) else {
            throw VulkanError("device \(physical.name) has no compute queue")
        }
        queueFamily = UInt32(family)

        // Ray-tracing limits.
        let rtProps = UnsafeMutablePointer<VkPhysicalDeviceRayTracingPipelinePropertiesKHR>.allocate(capacity: 1)
        let subgroupProps = UnsafeMutablePointer<VkPhysicalDeviceSubgroupProperties>.allocate(capacity: 1)
        defer { rtProps.deallocate(); subgroupProps.deallocate() }
        subgroupProps.initialize(to: VkPhysicalDeviceSubgroupProperties())
        subgroupProps.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES
        rtProps.initialize(to: VkPhysicalDeviceRayTracingPipelinePropertiesKHR())
        rtProps.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_RAY_TRACING_PIPELINE_PROPERTIES_KHR
        rtProps.pointee.pNext = UnsafeMutableRawPointer(subgroupProps)
        var props2 = VkPhysicalDeviceProperties2()
        props2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
        props2.pNext = UnsafeMutableRawPointer(rtProps)
        vkGetPhysicalDeviceProperties2(pd, &props2)
        shaderGroupHandleSize = rtProps.pointee.shaderGroupHandleSize
        shaderGroupHandleAlignment = rtProps.pointee.shaderGroupHandleAlignment
        shaderGroupBaseAlignment = rtProps.pointee.shaderGroupBaseAlignment
        maxRayRecursionDepth = rtProps.pointee.maxRayRecursionDepth
        subgroupBallotInRayGeneration = subgroupProps.pointee.supportedStages & VK_SHADER_STAGE_RAYGEN_BIT_KHR.rawValue != 0
            && subgroupProps.pointee.supportedOperations & VK_SUBGROUP_FEATURE_BALLOT_BIT.rawValue != 0
        subgroupBallotInCompute = subgroupProps.pointee.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT.rawValue != 0
            && subgroupProps.pointee.supportedOperations & VK_SUBGROUP_FEATURE_BALLOT_BIT.rawValue != 0
        timestampPeriod = props2.properties.limits.timestampPeriod

        var memProps = VkPhysicalDeviceMemoryProperties()
        vkGetPhysicalDeviceMemoryProperties(pd, &memProps)
        memoryProperties = memProps

        // Feature chain: Vulkan12 (BDA, scalar layout) -> AS -> RT pipeline -> ray query.
        // (Not chained together with VkPhysicalDeviceBufferDeviceAddressFeatures: see PLATFORM.md.)
        let rtFeatures = UnsafeMutablePointer<VkPhysicalDeviceRayTracingPipelineFeaturesKHR>.allocate(capacity: 1)
        let asFeatures = UnsafeMutablePointer<VkPhysicalDeviceAccelerationStructureFeaturesKHR>.allocate(capacity: 1)
        let v12 = UnsafeMutablePointer<VkPhysicalDeviceVulkan12Features>.allocate(capacity: 1)
        let features2 = UnsafeMutablePointer<VkPhysicalDeviceFeatures2>.allocate(capacity: 1)
        let rqFeatures = UnsafeMutablePointer<VkPhysicalDeviceRayQueryFeaturesKHR>.allocate(capacity: 1)
        defer { rtFeatures.deallocate(); asFeatures.deallocate(); v12.deallocate(); features2.deallocate(); rqFeatures.deallocate() }
        let offersRayQuery = physical.extensions.contains(PhysicalDeviceInfo.rayQueryExtension)
        rqFeatures.initialize(to: VkPhysicalDeviceRayQueryFeaturesKHR())
        rqFeatures.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_RAY_QUERY_FEATURES_KHR
        rtFeatures.initialize(to: VkPhysicalDeviceRayTracingPipelineFeaturesKHR())
        rtFeatures.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_RAY_TRACING_PIPELINE_FEATURES_KHR
        if offersRayQuery { rtFeatures.pointee.pNext = UnsafeMutableRawPointer(rqFeatures) }
        asFeatures.initialize(to: VkPhysicalDeviceAccelerationStructureFeaturesKHR())
        asFeatures.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ACCELERATION_STRUCTURE_FEATURES_KHR
        asFeatures.pointee.pNext = UnsafeMutableRawPointer(rtFeatures)
        v12.initialize(to: VkPhysicalDeviceVulkan12Features())
        v12.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES
        v12.pointee.pNext = UnsafeMutableRawPointer(asFeatures)
        features2.initialize(to: VkPhysicalDeviceFeatures2())
        features2.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
        features2.pointee.pNext = UnsafeMutableRawPointer(v12)
        vkGetPhysicalDeviceFeatures2(pd, features2)

        guard v12.pointee.bufferDeviceAddress != 0, v12.pointee.scalarBlockLayout != 0,
              asFeatures.pointee.accelerationStructure != 0, rtFeatures.pointee.rayTracingPipeline != 0,
              features2.pointee.features.shaderInt64 != 0 else {
            throw VulkanError("device \(physical.name) lacks a required feature (bufferDeviceAddress, scalarBlockLayout, accelerationStructure, rayTracingPipeline or shaderInt64)")
        }
        // Enable only what we use.
        let keepFloat16 = v12.pointee.shaderFloat16
        let keepInt8 = v12.pointee.shaderInt8
        let keepNonUniformImages = v12.pointee.shaderSampledImageArrayNonUniformIndexing
        nonUniformImageIndexing = keepNonUniformImages != 0
        v12.pointee = VkPhysicalDeviceVulkan12Features()
        v12.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES
        v12.pointee.pNext = UnsafeMutableRawPointer(asFeatures)
        v12.pointee.bufferDeviceAddress = 1
        v12.pointee.scalarBlockLayout = 1
        v12.pointee.shaderFloat16 = keepFloat16
        v12.pointee.shaderInt8 = keepInt8
        v12.pointee.shaderSampledImageArrayNonUniformIndexing = keepNonUniformImages
        asFeatures.pointee = VkPhysicalDeviceAccelerationStructureFeaturesKHR()
        asFeatures.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ACCELERATION_STRUCTURE_FEATURES_KHR
        asFeatures.pointee.pNext = UnsafeMutableRawPointer(rtFeatures)
        asFeatures.pointee.accelerationStructure = 1
        rtFeatures.pointee = VkPhysicalDeviceRayTracingPipelineFeaturesKHR()
        rtFeatures.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_RAY_TRACING_PIPELINE_FEATURES_KHR
        rtFeatures.pointee.rayTracingPipeline = 1
        let enableRayQuery = offersRayQuery && rqFeatures.pointee.rayQuery != 0
        supportsRayQuery = enableRayQuery
        if enableRayQuery {
            rtFeatures.pointee.pNext = UnsafeMutableRawPointer(rqFeatures)
            rqFeatures.pointee = VkPhysicalDeviceRayQueryFeaturesKHR()
            rqFeatures.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_RAY_QUERY_FEATURES_KHR
            rqFeatures.pointee.rayQuery = 1
        }
        let keepInt16 = features2.pointee.features.shaderInt16
        features2.pointee.features = VkPhysicalDeviceFeatures()
        features2.pointee.features.shaderInt64 = 1
        features2.pointee.features.shaderInt16 = keepInt16

        let extensions = PhysicalDeviceInfo.requiredExtensions + (enableRayQuery ? [PhysicalDeviceInfo.rayQueryExtension] : [])
            + extraExtensions.filter { physical.extensions.contains($0) && $0 != PhysicalDeviceInfo.rayQueryExtension }
        var priority: Float = 1
        var created: VkDevice?
        let result: VkResult = withUnsafePointer(to: &priority) { priorityPointer in
            var queueInfo = VkDeviceQueueCreateInfo()
            queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
            queueInfo.queueFamilyIndex = UInt32(family)
            queueInfo.queueCount = 1
            queueInfo.pQueuePriorities = priorityPointer
            return withUnsafePointer(to: &queueInfo) { queuePointer in
                withCStringArray(extensions) { names in
                    var info = VkDeviceCreateInfo()
                    info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
                    info.pNext = UnsafeRawPointer(features2)
                    info.queueCreateInfoCount = 1
                    info.pQueueCreateInfos = queuePointer
                    info.enabledExtensionCount = UInt32(extensions.count)
                    info.ppEnabledExtensionNames = names
                    return vkCreateDevice(pd, &info, nil, &created)
                }
            }
        }
        guard result == VK_SUCCESS, let device = created else { throw VulkanError.call("vkCreateDevice", result) }
        handle = device
        var q: VkQueue?
        vkGetDeviceQueue(device, UInt32(family), 0, &q)
        guard let q else { vkDestroyDevice(device, nil); throw VulkanError("vkGetDeviceQueue returned no queue") }
        queue = q
        do {
            khr = try KHRFunctions(device: device)
        } catch {
            vkDestroyDevice(device, nil)
            throw error
        }
        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue
        poolInfo.queueFamilyIndex = UInt32(family)
        var pool: VkCommandPool?
        let poolResult = vkCreateCommandPool(device, &poolInfo, nil, &pool)
        guard poolResult == VK_SUCCESS, let pool else {
            vkDestroyDevice(device, nil)
            throw VulkanError.call("vkCreateCommandPool", poolResult)
        }
        commandPool = pool
    }

    deinit {
        vkDeviceWaitIdle(handle)
        vkDestroyCommandPool(handle, commandPool, nil)
        vkDestroyDevice(handle, nil)
    }

    public func waitIdle() { vkDeviceWaitIdle(handle) }

    /// A memory type index that satisfies `typeBits` and has `required`
    /// properties, preferring one that also has `preferred`.
    func memoryType(typeBits: UInt32, required: VkMemoryPropertyFlags, preferred: VkMemoryPropertyFlags = 0) throws -> UInt32 {
        var props = memoryProperties
        let types = withUnsafeBytes(of: &props.memoryTypes) { Array($0.bindMemory(to: VkMemoryType.self).prefix(Int(props.memoryTypeCount))) }
        let candidates = types.indices.filter { typeBits & (1 << $0) != 0 && types[$0].propertyFlags & required == required }
        if let best = candidates.first(where: { types[$0].propertyFlags & preferred == preferred }) ?? candidates.first {
            return UInt32(best)
        }
        throw VulkanError("no memory type with properties 0x\(String(required, radix: 16)) on \(physical.name)")
    }

    /// Records commands with `record` into a fresh command buffer, submits
    /// it and waits for completion. Simple and synchronous by design: the
    /// headless renderer submits one batch of samples at a time.
    public func submitAndWait(_ record: (VkCommandBuffer) throws -> Void) throws {
        var allocInfo = VkCommandBufferAllocateInfo()
        allocInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        allocInfo.commandPool = commandPool
        allocInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        allocInfo.commandBufferCount = 1
        var cb: VkCommandBuffer?
        try check(vkAllocateCommandBuffers(handle, &allocInfo, &cb), "vkAllocateCommandBuffers")
        guard let cmd = cb else { throw VulkanError("vkAllocateCommandBuffers returned nothing") }
        defer { var c: VkCommandBuffer? = cmd; vkFreeCommandBuffers(handle, commandPool, 1, &c) }
        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
        try check(vkBeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer")
        try record(cmd)
        try check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer")

        var fenceInfo = VkFenceCreateInfo()
        fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        var fence: VkFence?
        try check(vkCreateFence(handle, &fenceInfo, nil, &fence), "vkCreateFence")
        defer { vkDestroyFence(handle, fence, nil) }
        var cmdOpt: VkCommandBuffer? = cmd
        let submitResult: VkResult = withUnsafePointer(to: &cmdOpt) { cmdPointer in
            var submit = VkSubmitInfo()
            submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
            submit.commandBufferCount = 1
            submit.pCommandBuffers = cmdPointer
            return vkQueueSubmit(queue, 1, &submit, fence)
        }
        try check(submitResult, "vkQueueSubmit")
        try check(vkWaitForFences(handle, 1, &fence, VkBool32(VK_TRUE), UInt64.max), "vkWaitForFences")
    }

    /// A global memory barrier between two stages (acceleration-structure
    /// builds, ray tracing, transfers).
    public static func memoryBarrier(_ cmd: VkCommandBuffer,
                                     from src: VkPipelineStageFlags, _ srcAccess: VkAccessFlags,
                                     to dst: VkPipelineStageFlags, _ dstAccess: VkAccessFlags) {
        var barrier = VkMemoryBarrier()
        barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
        barrier.srcAccessMask = srcAccess
        barrier.dstAccessMask = dstAccess
        vkCmdPipelineBarrier(cmd, src, dst, 0, 1, &barrier, 0, nil, 0, nil)
    }
}
