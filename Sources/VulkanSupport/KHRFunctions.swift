import CVulkan

/// Device-level KHR entry points. libvulkan exports only core + WSI, so
/// these are loaded through vkGetDeviceProcAddr once per device.
public struct KHRFunctions {
    public let createAccelerationStructure: PFN_vkCreateAccelerationStructureKHR
    public let destroyAccelerationStructure: PFN_vkDestroyAccelerationStructureKHR
    public let getAccelerationStructureBuildSizes: PFN_vkGetAccelerationStructureBuildSizesKHR
    public let cmdBuildAccelerationStructures: PFN_vkCmdBuildAccelerationStructuresKHR
    public let getAccelerationStructureDeviceAddress: PFN_vkGetAccelerationStructureDeviceAddressKHR
    public let createRayTracingPipelines: PFN_vkCreateRayTracingPipelinesKHR
    public let getRayTracingShaderGroupHandles: PFN_vkGetRayTracingShaderGroupHandlesKHR
    public let cmdTraceRays: PFN_vkCmdTraceRaysKHR

    init(device: VkDevice) throws {
        func load<T>(_ name: String, as type: T.Type) throws -> T {
            guard let raw = vkGetDeviceProcAddr(device, name) else {
                throw VulkanError("the driver does not provide \(name); it is required for ray tracing")
            }
            return unsafeBitCast(raw, to: type)
        }
        createAccelerationStructure = try load("vkCreateAccelerationStructureKHR", as: PFN_vkCreateAccelerationStructureKHR.self)
        destroyAccelerationStructure = try load("vkDestroyAccelerationStructureKHR", as: PFN_vkDestroyAccelerationStructureKHR.self)
        getAccelerationStructureBuildSizes = try load("vkGetAccelerationStructureBuildSizesKHR", as: PFN_vkGetAccelerationStructureBuildSizesKHR.self)
        cmdBuildAccelerationStructures = try load("vkCmdBuildAccelerationStructuresKHR", as: PFN_vkCmdBuildAccelerationStructuresKHR.self)
        getAccelerationStructureDeviceAddress = try load("vkGetAccelerationStructureDeviceAddressKHR", as: PFN_vkGetAccelerationStructureDeviceAddressKHR.self)
        createRayTracingPipelines = try load("vkCreateRayTracingPipelinesKHR", as: PFN_vkCreateRayTracingPipelinesKHR.self)
        getRayTracingShaderGroupHandles = try load("vkGetRayTracingShaderGroupHandlesKHR", as: PFN_vkGetRayTracingShaderGroupHandlesKHR.self)
        cmdTraceRays = try load("vkCmdTraceRaysKHR", as: PFN_vkCmdTraceRaysKHR.self)
    }
}
