import CVulkan

/// One bottom- or top-level acceleration structure and the buffer backing it.
public final class AccelerationStructure {
    public let device: VulkanDevice
    public let handle: VkAccelerationStructureKHR
    public let buffer: GPUBuffer
    public let deviceAddress: UInt64

    public static let inputUsage: VkBufferUsageFlags = GPUBuffer.defaultUsage
        | VK_BUFFER_USAGE_ACCELERATION_STRUCTURE_BUILD_INPUT_READ_ONLY_BIT_KHR.rawValue

    /// Geometry for a bottom-level build.
    public enum Geometry {
        /// Triangles: vertex positions are the first 12 bytes of each
        /// `vertexStride`-byte vertex; indices are uint32 triples.
        case triangles(vertices: GPUBuffer, vertexCount: Int, vertexStride: Int, indices: GPUBuffer, triangleCount: Int)
        /// Axis-aligned boxes (VkAabbPositionsKHR, 24 bytes each) for procedural primitives.
        case aabbs(buffer: GPUBuffer, count: Int)
    }

    /// A top-level instance.
    public struct Instance {
        /// Row-major 3×4 object-to-world transform.
        public var transform: [Float]
        public var customIndex: UInt32
        public var hitGroupOffset: UInt32
        public var blas: AccelerationStructure
        public init(transform: [Float], customIndex: UInt32, hitGroupOffset: UInt32, blas: AccelerationStructure) {
            self.transform = transform; self.customIndex = customIndex
            self.hitGroupOffset = hitGroupOffset; self.blas = blas
        }
    }

    private init(device: VulkanDevice, type: VkAccelerationStructureTypeKHR, size: VkDeviceSize) throws {
        self.device = device
        buffer = try GPUBuffer(device: device, size: Int(size),
                               usage: VK_BUFFER_USAGE_ACCELERATION_STRUCTURE_STORAGE_BIT_KHR.rawValue
                                   | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT.rawValue,
                               location: .deviceLocal)
        var info = VkAccelerationStructureCreateInfoKHR()
        info.sType = VK_STRUCTURE_TYPE_ACCELERATION_STRUCTURE_CREATE_INFO_KHR
        info.buffer = buffer.handle
        info.size = size
        info.type = type
        var created: VkAccelerationStructureKHR?
        try check(device.khr.createAccelerationStructure(device.handle, &info, nil, &created), "vkCreateAccelerationStructureKHR")
        guard let created else { throw VulkanError("vkCreateAccelerationStructureKHR returned nothing") }
        handle = created
        var addressInfo = VkAccelerationStructureDeviceAddressInfoKHR()
        addressInfo.sType = VK_STRUCTURE_TYPE_ACCELERATION_STRUCTURE_DEVICE_ADDRESS_INFO_KHR
        addressInfo.accelerationStructure = created
        deviceAddress = device.khr.getAccelerationStructureDeviceAddress(device.handle, &addressInfo)
    }

    deinit { device.khr.destroyAccelerationStructure(device.handle, handle, nil) }

    private static func geometryInfo(_ g: Geometry) -> (VkAccelerationStructureGeometryKHR, UInt32) {
        var geometry = VkAccelerationStructureGeometryKHR()
        geometry.sType = VK_STRUCTURE_TYPE_ACCELERATION_STRUCTURE_GEOMETRY_KHR
        geometry.flags = VK_GEOMETRY_OPAQUE_BIT_KHR.rawValue
        switch g {
        case let .triangles(vertices, vertexCount, vertexStride, indices, triangleCount):
            geometry.geometryType = VK_GEOMETRY_TYPE_TRIANGLES_KHR
            var tri = VkAccelerationStructureGeometryTrianglesDataKHR()
            tri.sType = VK_STRUCTURE_TYPE_ACCELERATION_STRUCTURE_GEOMETRY_TRIANGLES_DATA_KHR
            tri.vertexFormat = VK_FORMAT_R32G32B32_SFLOAT
            tri.vertexData = VkDeviceOrHostAddressConstKHR(deviceAddress: vertices.deviceAddress)
            tri.vertexStride = VkDeviceSize(vertexStride)
            tri.maxVertex = UInt32(max(vertexCount - 1, 0))
            tri.indexType = VK_INDEX_TYPE_UINT32
            tri.indexData = VkDeviceOrHostAddressConstKHR(deviceAddress: indices.deviceAddress)
            geometry.geometry = VkAccelerationStructureGeometryDataKHR(triangles: tri)
            return (geometry, UInt32(triangleCount))
        case let .aabbs(buffer, count):
            geometry.geometryType = VK_GEOMETRY_TYPE_AABBS_KHR
            var aabbs = VkAccelerationStructureGeometryAabbsDataKHR()
            aabbs.sType = VK_STRUCTURE_TYPE_ACCELERATION_STRUCTURE_GEOMETRY_AABBS_DATA_KHR
            aabbs.data = VkDeviceOrHostAddressConstKHR(deviceAddress: buffer.deviceAddress)
            aabbs.stride = 24
            geometry.geometry = VkAccelerationStructureGeometryDataKHR(aabbs: aabbs)
            return (geometry, UInt32(count))
        }
    }

    /// Builds one acceleration structure of `type` from `geometry` and waits.
    private static func build(device: VulkanDevice, type: VkAccelerationStructureTypeKHR,
                              geometry: VkAccelerationStructureGeometryKHR, primitiveCount: UInt32) throws -> AccelerationStructure {
        var geometry = geometry
        return try withUnsafePointer(to: &geometry) { geometryPointer in
            var buildInfo = VkAccelerationStructureBuildGeometryInfoKHR()
            buildInfo.sType = VK_STRUCTURE_TYPE_ACCELERATION_STRUCTURE_BUILD_GEOMETRY_INFO_KHR
            buildInfo.type = type
            buildInfo.flags = VK_BUILD_ACCELERATION_STRUCTURE_PREFER_FAST_TRACE_BIT_KHR.rawValue
            buildInfo.mode = VK_BUILD_ACCELERATION_STRUCTURE_MODE_BUILD_KHR
            buildInfo.geometryCount = 1
            buildInfo.pGeometries = geometryPointer
            var count = primitiveCount
            var sizes = VkAccelerationStructureBuildSizesInfoKHR()
            sizes.sType = VK_STRUCTURE_TYPE_ACCELERATION_STRUCTURE_BUILD_SIZES_INFO_KHR
            device.khr.getAccelerationStructureBuildSizes(device.handle, VK_ACCELERATION_STRUCTURE_BUILD_TYPE_DEVICE_KHR,
                                                          &buildInfo, &count, &sizes)
            let structure = try AccelerationStructure(device: device, type: type, size: sizes.accelerationStructureSize)
            let scratch = try GPUBuffer(device: device, size: Int(sizes.buildScratchSize) + 256,
                                        usage: VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT.rawValue,
                                        location: .deviceLocal)
            buildInfo.dstAccelerationStructure = structure.handle
            // Scratch must be aligned to minAccelerationStructureScratchOffsetAlignment (<= 256).
            buildInfo.scratchData = VkDeviceOrHostAddressKHR(deviceAddress: (scratch.deviceAddress + 255) & ~UInt64(255))
            var range = VkAccelerationStructureBuildRangeInfoKHR()
            range.primitiveCount = primitiveCount
            try withUnsafePointer(to: &range) { rangePointer in
                var ranges: [UnsafePointer<VkAccelerationStructureBuildRangeInfoKHR>?] = [rangePointer]
                try device.submitAndWait { cmd in
                    device.khr.cmdBuildAccelerationStructures(cmd, 1, &buildInfo, &ranges)
                    VulkanDevice.memoryBarrier(cmd,
                        from: VK_PIPELINE_STAGE_ACCELERATION_STRUCTURE_BUILD_BIT_KHR.rawValue,
                        VK_ACCESS_ACCELERATION_STRUCTURE_WRITE_BIT_KHR.rawValue,
                        to: VK_PIPELINE_STAGE_RAY_TRACING_SHADER_BIT_KHR.rawValue | VK_PIPELINE_STAGE_ACCELERATION_STRUCTURE_BUILD_BIT_KHR.rawValue,
                        VK_ACCESS_ACCELERATION_STRUCTURE_READ_BIT_KHR.rawValue)
                }
            }
            return structure
        }
    }

    /// A bottom-level structure over one geometry.
    public static func bottomLevel(device: VulkanDevice, geometry: Geometry) throws -> AccelerationStructure {
        let (g, count) = geometryInfo(geometry)
        return try build(device: device, type: VK_ACCELERATION_STRUCTURE_TYPE_BOTTOM_LEVEL_KHR, geometry: g, primitiveCount: count)
    }

    /// A top-level structure over `instances`.
    public static func topLevel(device: VulkanDevice, instances: [Instance]) throws -> AccelerationStructure {
        var records: [VkAccelerationStructureInstanceKHR] = []
        for instance in instances {
            var record = VkAccelerationStructureInstanceKHR()
            guard instance.transform.count == 12 else { throw VulkanError("instance transform must have 12 floats") }
            withUnsafeMutableBytes(of: &record.transform) { raw in
                let floats = raw.bindMemory(to: Float.self)
                for i in 0..<12 { floats[i] = instance.transform[i] }
            }
            record.instanceCustomIndex = instance.customIndex
            record.mask = 0xFF
            record.instanceShaderBindingTableRecordOffset = instance.hitGroupOffset
            record.flags = VK_GEOMETRY_INSTANCE_TRIANGLE_FACING_CULL_DISABLE_BIT_KHR.rawValue
            record.accelerationStructureReference = instance.blas.deviceAddress
            records.append(record)
        }
        let instanceBuffer = try GPUBuffer(device: device, contents: records, usage: inputUsage)
        var geometry = VkAccelerationStructureGeometryKHR()
        geometry.sType = VK_STRUCTURE_TYPE_ACCELERATION_STRUCTURE_GEOMETRY_KHR
        geometry.geometryType = VK_GEOMETRY_TYPE_INSTANCES_KHR
        geometry.flags = VK_GEOMETRY_OPAQUE_BIT_KHR.rawValue
        var data = VkAccelerationStructureGeometryInstancesDataKHR()
        data.sType = VK_STRUCTURE_TYPE_ACCELERATION_STRUCTURE_GEOMETRY_INSTANCES_DATA_KHR
        data.arrayOfPointers = VkBool32(VK_FALSE)
        data.data = VkDeviceOrHostAddressConstKHR(deviceAddress: instanceBuffer.deviceAddress)
        geometry.geometry = VkAccelerationStructureGeometryDataKHR(instances: data)
        return try build(device: device, type: VK_ACCELERATION_STRUCTURE_TYPE_TOP_LEVEL_KHR,
                         geometry: geometry, primitiveCount: UInt32(records.count))
    }
}
