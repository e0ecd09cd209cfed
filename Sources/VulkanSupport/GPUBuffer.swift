import CVulkan

/// A buffer with its own memory allocation and (optionally) its device
/// address. Host-visible buffers stay persistently mapped. Lacquer creates
/// few, large buffers, so one allocation each is fine.
public final class GPUBuffer {
    public enum Location { case hostVisible, deviceLocal }

    public let device: VulkanDevice
    public let handle: VkBuffer
    let memory: VkDeviceMemory
    public let size: Int
    public let deviceAddress: UInt64
    /// Non-nil for host-visible buffers.
    public let mapped: UnsafeMutableRawPointer?

    public static let defaultUsage: VkBufferUsageFlags =
        VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue
        | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT.rawValue
        | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue
        | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue

    /// `defaultUsage` plus the arguments of indirect dispatches.
    public static let indirectUsage: VkBufferUsageFlags = defaultUsage | VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT.rawValue

    public init(device: VulkanDevice, size: Int, usage: VkBufferUsageFlags = GPUBuffer.defaultUsage,
                location: Location = .hostVisible) throws {
        self.device = device
        self.size = max(size, 16)
        var info = VkBufferCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        info.size = VkDeviceSize(self.size)
        info.usage = usage | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT.rawValue
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try check(vkCreateBuffer(device.handle, &info, nil, &buffer), "vkCreateBuffer(\(self.size) bytes)")
        guard let buffer else { throw VulkanError("vkCreateBuffer returned no buffer") }

        var requirements = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(device.handle, buffer, &requirements)
        let hostFlags = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        let typeIndex: UInt32
        do {
            switch location {
            case .hostVisible:
                typeIndex = try device.memoryType(typeBits: requirements.memoryTypeBits, required: hostFlags)
            case .deviceLocal:
                typeIndex = try device.memoryType(typeBits: requirements.memoryTypeBits,
                                                  required: VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue)
            }
        } catch {
            vkDestroyBuffer(device.handle, buffer, nil)
            throw error
        }
        var flagsInfo = VkMemoryAllocateFlagsInfo()
        flagsInfo.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO
        flagsInfo.flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT.rawValue
        var memory: VkDeviceMemory?
        let allocResult: VkResult = withUnsafePointer(to: &flagsInfo) { flagsPointer in
            var alloc = VkMemoryAllocateInfo()
            alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
            alloc.pNext = UnsafeRawPointer(flagsPointer)
            alloc.allocationSize = requirements.size
            alloc.memoryTypeIndex = typeIndex
            return vkAllocateMemory(device.handle, &alloc, nil, &memory)
        }
        guard allocResult == VK_SUCCESS, let memory else {
            vkDestroyBuffer(device.handle, buffer, nil)
            throw VulkanError.call("vkAllocateMemory(\(requirements.size) bytes)", allocResult)
        }
        vkBindBufferMemory(device.handle, buffer, memory, 0)
        handle = buffer
        self.memory = memory

        var addressInfo = VkBufferDeviceAddressInfo()
        addressInfo.sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO
        addressInfo.buffer = buffer
        deviceAddress = vkGetBufferDeviceAddress(device.handle, &addressInfo)

        if location == .hostVisible {
            var pointer: UnsafeMutableRawPointer?
            let mapResult = vkMapMemory(device.handle, memory, 0, VkDeviceSize(LQ_VK_WHOLE_SIZE), 0, &pointer)
            guard mapResult == VK_SUCCESS else {
                vkDestroyBuffer(device.handle, buffer, nil)
                vkFreeMemory(device.handle, memory, nil)
                throw VulkanError.call("vkMapMemory", mapResult)
            }
            mapped = pointer
        } else {
            mapped = nil
        }
    }

    /// A host-visible buffer holding a copy of `values`.
    public convenience init<T>(device: VulkanDevice, contents values: [T], usage: VkBufferUsageFlags = GPUBuffer.defaultUsage) throws {
        let bytes = values.count * MemoryLayout<T>.stride
        try self.init(device: device, size: bytes, usage: usage, location: .hostVisible)
        try write(values)
    }

    public func write<T>(_ values: [T], byteOffset: Int = 0) throws {
        guard let mapped else { throw VulkanError("GPUBuffer.write on a device-local buffer") }
        let bytes = values.count * MemoryLayout<T>.stride
        guard byteOffset + bytes <= size else { throw VulkanError("GPUBuffer.write past the end (\(byteOffset + bytes) > \(size))") }
        values.withUnsafeBytes { raw in
            if let base = raw.baseAddress, bytes > 0 { (mapped + byteOffset).copyMemory(from: base, byteCount: bytes) }
        }
    }

    public func read<T>(as type: T.Type, count: Int) throws -> [T] {
        guard let mapped else { throw VulkanError("GPUBuffer.read on a device-local buffer") }
        guard count * MemoryLayout<T>.stride <= size else { throw VulkanError("GPUBuffer.read past the end") }
        let typed = mapped.bindMemory(to: T.self, capacity: count)
        return Array(UnsafeBufferPointer(start: typed, count: count))
    }

    /// `count` values of a buffer of any location: device-local buffers are
    /// copied into a host-visible staging buffer first (one submission).
    public func readBack<T>(as type: T.Type, count: Int) throws -> [T] {
        if mapped != nil { return try read(as: type, count: count) }
        let staging = try GPUBuffer(device: device, size: size, location: .hostVisible)
        try device.submitAndWait { cmd in recordCopy(cmd, to: staging) }
        return try staging.read(as: type, count: count)
    }

    /// Fills the buffer with zero bytes on the GPU timeline.
    public func recordZero(_ cmd: VkCommandBuffer) {
        vkCmdFillBuffer(cmd, handle, 0, VkDeviceSize(LQ_VK_WHOLE_SIZE), 0)
    }

    deinit {
        if mapped != nil { vkUnmapMemory(device.handle, memory) }
        vkDestroyBuffer(device.handle, handle, nil)
        vkFreeMemory(device.handle, memory, nil)
    }
}

extension GPUBuffer {
    /// Records a whole-buffer copy into `destination` (at least as large).
    public func recordCopy(_ cmd: VkCommandBuffer, to destination: GPUBuffer) {
        var region = VkBufferCopy(srcOffset: 0, dstOffset: 0, size: VkDeviceSize(min(size, destination.size)))
        vkCmdCopyBuffer(cmd, handle, destination.handle, 1, &region)
    }
}
