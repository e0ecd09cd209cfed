import CVulkan

/// A 2D sampled image with a full set of caller-provided mip levels
/// (the neural materials' latent pyramids: each level is trained, not
/// downsampled), uploaded once through a staging buffer.
public final class GPUImage {
    public let device: VulkanDevice
    public let handle: VkImage
    public let view: VkImageView
    let memory: VkDeviceMemory
    public let width: Int
    public let height: Int
    public let levels: Int

    /// `levels[i]`: texels of mip i as raw bytes (`bytesPerTexel` each, rows top to bottom).
    public init(device: VulkanDevice, format: VkFormat, bytesPerTexel: Int, width: Int, height: Int, levels: [[UInt8]]) throws {
        self.device = device
        self.width = width
        self.height = height
        self.levels = levels.count
        let dev = device.handle
        guard width > 0, height > 0, !levels.isEmpty else { throw VulkanError("GPUImage needs a non-empty size and at least one level") }
        for (i, level) in levels.enumerated() {
            let w = max(1, width >> i), h = max(1, height >> i)
            guard level.count == w * h * bytesPerTexel else {
                throw VulkanError("GPUImage level \(i) has \(level.count) bytes, expected \(w * h * bytesPerTexel) (\(w)×\(h))")
            }
        }
        var info = VkImageCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO
        info.imageType = VK_IMAGE_TYPE_2D
        info.format = format
        info.extent = VkExtent3D(width: UInt32(width), height: UInt32(height), depth: 1)
        info.mipLevels = UInt32(levels.count)
        info.arrayLayers = 1
        info.samples = VK_SAMPLE_COUNT_1_BIT
        info.tiling = VK_IMAGE_TILING_OPTIMAL
        info.usage = VK_IMAGE_USAGE_SAMPLED_BIT.rawValue | VK_IMAGE_USAGE_TRANSFER_DST_BIT.rawValue
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED
        var image: VkImage?
        try check(vkCreateImage(dev, &info, nil, &image), "vkCreateImage(\(width)×\(height))")
        guard let image else { throw VulkanError("vkCreateImage returned nothing") }
        var requirements = VkMemoryRequirements()
        vkGetImageMemoryRequirements(dev, image, &requirements)
        var alloc = VkMemoryAllocateInfo()
        alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        alloc.allocationSize = requirements.size
        var memoryOut: VkDeviceMemory?
        do {
            alloc.memoryTypeIndex = try device.memoryType(typeBits: requirements.memoryTypeBits,
                                                          required: VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue)
            try check(vkAllocateMemory(dev, &alloc, nil, &memoryOut), "vkAllocateMemory(image)")
        } catch {
            vkDestroyImage(dev, image, nil)
            throw error
        }
        guard let memoryOut else { vkDestroyImage(dev, image, nil); throw VulkanError("no image memory") }
        vkBindImageMemory(dev, image, memoryOut, 0)
        handle = image
        memory = memoryOut

        var viewInfo = VkImageViewCreateInfo()
        viewInfo.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO
        viewInfo.image = image
        viewInfo.viewType = VK_IMAGE_VIEW_TYPE_2D
        viewInfo.format = format
        viewInfo.subresourceRange = VkImageSubresourceRange(aspectMask: VK_IMAGE_ASPECT_COLOR_BIT.rawValue, baseMipLevel: 0,
                                                            levelCount: UInt32(levels.count), baseArrayLayer: 0, layerCount: 1)
        var viewOut: VkImageView?
        let viewResult = vkCreateImageView(dev, &viewInfo, nil, &viewOut)
        guard viewResult == VK_SUCCESS, let viewOut else {
            vkDestroyImage(dev, image, nil); vkFreeMemory(dev, memoryOut, nil)
            throw VulkanError.call("vkCreateImageView", viewResult)
        }
        view = viewOut

        // Upload every level through one staging buffer.
        let staging = try GPUBuffer(device: device, contents: levels.flatMap { $0 })
        var regions: [VkBufferImageCopy] = []
        var offset = 0
        for (i, level) in levels.enumerated() {
            var region = VkBufferImageCopy()
            region.bufferOffset = VkDeviceSize(offset)
            region.imageSubresource = VkImageSubresourceLayers(aspectMask: VK_IMAGE_ASPECT_COLOR_BIT.rawValue, mipLevel: UInt32(i),
                                                               baseArrayLayer: 0, layerCount: 1)
            region.imageExtent = VkExtent3D(width: UInt32(max(1, width >> i)), height: UInt32(max(1, height >> i)), depth: 1)
            regions.append(region)
            offset += level.count
        }
        let range = viewInfo.subresourceRange
        try device.submitAndWait { cmd in
            GPUImage.transition(cmd, image: image, range: range, from: VK_IMAGE_LAYOUT_UNDEFINED, to: VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                srcStage: VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT.rawValue, srcAccess: 0,
                                dstStage: VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue, dstAccess: VK_ACCESS_TRANSFER_WRITE_BIT.rawValue)
            vkCmdCopyBufferToImage(cmd, staging.handle, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, UInt32(regions.count), regions)
            GPUImage.transition(cmd, image: image, range: range, from: VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                to: VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
                                srcStage: VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue, srcAccess: VK_ACCESS_TRANSFER_WRITE_BIT.rawValue,
                                dstStage: VK_PIPELINE_STAGE_RAY_TRACING_SHADER_BIT_KHR.rawValue | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue,
                                dstAccess: VK_ACCESS_SHADER_READ_BIT.rawValue)
        }
    }

    deinit {
        vkDestroyImageView(device.handle, view, nil)
        vkDestroyImage(device.handle, handle, nil)
        vkFreeMemory(device.handle, memory, nil)
    }

    /// An image layout transition as a pipeline barrier.
    public static func transition(_ cmd: VkCommandBuffer, image: VkImage, range: VkImageSubresourceRange,
                                  from old: VkImageLayout, to new: VkImageLayout,
                                  srcStage: VkPipelineStageFlags, srcAccess: VkAccessFlags,
                                  dstStage: VkPipelineStageFlags, dstAccess: VkAccessFlags) {
        var barrier = VkImageMemoryBarrier()
        barrier.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER
        barrier.oldLayout = old
        barrier.newLayout = new
        barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED
        barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED
        barrier.image = image
        barrier.subresourceRange = range
        barrier.srcAccessMask = srcAccess
        barrier.dstAccessMask = dstAccess
        vkCmdPipelineBarrier(cmd, srcStage, dstStage, 0, 0, nil, 0, nil, 1, &barrier)
    }
}

/// A sampler: bilinear within a level, nearest between levels (the
/// renderer picks the level stochastically), repeat addressing.
public final class GPUSampler {
    public let device: VulkanDevice
    public let handle: VkSampler

    public init(device: VulkanDevice, maxLevel: Int) throws {
        self.device = device
        var info = VkSamplerCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO
        info.magFilter = VK_FILTER_LINEAR
        info.minFilter = VK_FILTER_LINEAR
        info.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST
        info.addressModeU = VK_SAMPLER_ADDRESS_MODE_REPEAT
        info.addressModeV = VK_SAMPLER_ADDRESS_MODE_REPEAT
        info.addressModeW = VK_SAMPLER_ADDRESS_MODE_REPEAT
        info.minLod = 0
        info.maxLod = Float(maxLevel)
        var out: VkSampler?
        try check(vkCreateSampler(device.handle, &info, nil, &out), "vkCreateSampler")
        guard let out else { throw VulkanError("vkCreateSampler returned nothing") }
        handle = out
    }

    deinit { vkDestroySampler(device.handle, handle, nil) }
}
