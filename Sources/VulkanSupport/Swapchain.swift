import CVulkan
import Foundation

/// Presents CPU-prepared 8-bit frames through a swapchain: each frame is
/// written into a host-visible staging buffer and copied with
/// vkCmdCopyBufferToImage into the acquired swapchain image (no render
/// pass, no shaders: robust on every driver, lavapipe included).
///
/// Synchronisation: `framesInFlight` slots, each with a command buffer, an
/// acquire semaphore, a fence and its staging buffer; one present semaphore
/// per swapchain image (signalled by the copy, waited by the present).
/// Optionally the presented image is copied back into a host buffer so
/// tests can check what the swapchain really showed.
///
/// Lifetime: create after the surface, destroy before it. Threading: one
/// thread (the window's); shares the device queue with the renderer, which
/// is fine as long as both run on that thread.
public final class SwapchainPresenter {
    /// Byte order of a pixel in the swapchain image.
    public enum ChannelOrder: Sendable { case bgra, rgba }
    /// What `present` did.
    public enum Outcome: Sendable, Equatable {
        case presented
        /// The swapchain no longer matches the window (resize, out of date,
        /// suboptimal): call `recreate` before the next frame.
        case needsRecreate
    }
    /// `vsync`: FIFO (always available). `unthrottled`: IMMEDIATE, else
    /// MAILBOX, else FIFO (benchmarks).
    public enum PresentModePreference: Sendable { case vsync, unthrottled }

    private final class FrameSlot {
        let commandBuffer: VkCommandBuffer
        let acquired: VkSemaphore
        let fence: VkFence
        var staging: GPUBuffer?
        var readback: GPUBuffer?
        var readbackExtent: (width: Int, height: Int) = (0, 0)
        var submitted = false
        init(commandBuffer: VkCommandBuffer, acquired: VkSemaphore, fence: VkFence) {
            self.commandBuffer = commandBuffer; self.acquired = acquired; self.fence = fence
        }
    }

    public let device: VulkanDevice
    public let surface: VulkanSurface
    public let readbackRequested: Bool
    public let framesInFlight = 2
    private let preference: PresentModePreference
    private let pool: VkCommandPool
    private var slots: [FrameSlot] = []
    private var slotIndex = 0
    private var lastSlot: FrameSlot?
    private var swapchain: VkSwapchainKHR?
    private var images: [VkImage] = []
    private var presentSemaphores: [VkSemaphore] = []

    public private(set) var width = 0
    public private(set) var height = 0
    public private(set) var channelOrder: ChannelOrder = .bgra
    public private(set) var formatName = ""
    public private(set) var presentModeName = ""
    /// Whether the swapchain images can be read back (TRANSFER_SRC usage).
    public private(set) var readbackSupported = false
    /// True while the window has no area (minimised): nothing is presented.
    public var isMinimized: Bool { swapchain == nil }

    /// The device must have been created with VK_KHR_swapchain and its queue
    /// must support presentation to `surface` (checked here).
    public init(device: VulkanDevice, surface: VulkanSurface, width: Int, height: Int,
                presentMode: PresentModePreference = .vsync, readback: Bool = false) throws {
        self.device = device
        self.surface = surface
        self.preference = presentMode
        self.readbackRequested = readback
        guard device.physical.extensions.contains("VK_KHR_swapchain") else {
            throw VulkanError("device \(device.name) does not support VK_KHR_swapchain, so it cannot show a window; use `lacquer render` instead")
        }
        guard surface.supportsPresentation(on: device) else {
            throw VulkanError("device \(device.name) cannot present to this window (queue family \(device.queueFamily) has no present support); choose another device with --device")
        }
        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue
        poolInfo.queueFamilyIndex = device.queueFamily
        var createdPool: VkCommandPool?
        try check(vkCreateCommandPool(device.handle, &poolInfo, nil, &createdPool), "vkCreateCommandPool")
        guard let createdPool else { throw VulkanError("vkCreateCommandPool returned nothing") }
        pool = createdPool
        do {
            for _ in 0..<framesInFlight { slots.append(try makeSlot()) }
            try recreate(width: width, height: height)
        } catch {
            destroyEverything()
            throw error
        }
    }

    deinit { destroyEverything() }

    private func destroyEverything() {
        vkDeviceWaitIdle(device.handle)
        destroySwapchainObjects(keepingHandle: false)
        for slot in slots {
            vkDestroySemaphore(device.handle, slot.acquired, nil)
            vkDestroyFence(device.handle, slot.fence, nil)
            slot.staging = nil
            slot.readback = nil
        }
        slots.removeAll()
        lastSlot = nil
        vkDestroyCommandPool(device.handle, pool, nil) // frees the command buffers
    }

    private func makeSlot() throws -> FrameSlot {
        var allocInfo = VkCommandBufferAllocateInfo()
        allocInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        allocInfo.commandPool = pool
        allocInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        allocInfo.commandBufferCount = 1
        var cb: VkCommandBuffer?
        try check(vkAllocateCommandBuffers(device.handle, &allocInfo, &cb), "vkAllocateCommandBuffers")
        guard let cb else { throw VulkanError("vkAllocateCommandBuffers returned nothing") }
        let semaphore = try makeSemaphore()
        var fenceInfo = VkFenceCreateInfo()
        fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        fenceInfo.flags = VK_FENCE_CREATE_SIGNALED_BIT.rawValue
        var fence: VkFence?
        let result = vkCreateFence(device.handle, &fenceInfo, nil, &fence)
        guard result == VK_SUCCESS, let fence else {
            vkDestroySemaphore(device.handle, semaphore, nil)
            throw VulkanError.call("vkCreateFence", result)
        }
        return FrameSlot(commandBuffer: cb, acquired: semaphore, fence: fence)
    }

    private func makeSemaphore() throws -> VkSemaphore {
        var info = VkSemaphoreCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO
        var semaphore: VkSemaphore?
        try check(vkCreateSemaphore(device.handle, &info, nil, &semaphore), "vkCreateSemaphore")
        guard let semaphore else { throw VulkanError("vkCreateSemaphore returned nothing") }
        return semaphore
    }

    private func destroySwapchainObjects(keepingHandle: Bool) {
        for semaphore in presentSemaphores { vkDestroySemaphore(device.handle, semaphore, nil) }
        presentSemaphores.removeAll()
        images.removeAll()
        if !keepingHandle, let swapchain {
            vkDestroySwapchainKHR(device.handle, swapchain, nil)
            self.swapchain = nil
        }
    }

    /// (Re)creates the swapchain for a window whose framebuffer is
    /// `width`×`height` pixels (the surface's own extent wins where it has
    /// one). Returns false when the window has no area (minimised): call
    /// again once it has.
    @discardableResult
    public func recreate(width requestedWidth: Int, height requestedHeight: Int) throws -> Bool {
        vkDeviceWaitIdle(device.handle)
        let caps = try surface.capabilities(device)
        var extent = caps.currentExtent
        if extent.width == UInt32.max {
            extent.width = UInt32(clamping: max(requestedWidth, 0))
            extent.height = UInt32(clamping: max(requestedHeight, 0))
            extent.width = min(max(extent.width, caps.minImageExtent.width), caps.maxImageExtent.width)
            extent.height = min(max(extent.height, caps.minImageExtent.height), caps.maxImageExtent.height)
        }
        if extent.width == 0 || extent.height == 0 || requestedWidth <= 0 || requestedHeight <= 0 {
            destroySwapchainObjects(keepingHandle: false)
            width = 0; height = 0
            return false
        }
        let transferDst = VK_IMAGE_USAGE_TRANSFER_DST_BIT.rawValue
        let transferSrc = VK_IMAGE_USAGE_TRANSFER_SRC_BIT.rawValue
        guard caps.supportedUsageFlags & transferDst != 0 else {
            throw VulkanError("the window's swapchain images do not support transfer writes (TRANSFER_DST), which the viewer needs to show frames")
        }
        readbackSupported = caps.supportedUsageFlags & transferSrc != 0
        let usage = transferDst | (readbackRequested && readbackSupported ? transferSrc : 0)

        let format = try chooseFormat()
        let mode = try choosePresentMode()
        var imageCount = caps.minImageCount + 1
        if caps.maxImageCount > 0 { imageCount = min(imageCount, caps.maxImageCount) }
        let opaque = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR.rawValue
        let alphaCandidates = [opaque, VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR.rawValue,
                               VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR.rawValue, VK_COMPOSITE_ALPHA_POST_MULTIPLIED_BIT_KHR.rawValue]
        let alpha = alphaCandidates.first { caps.supportedCompositeAlpha & $0 != 0 } ?? opaque

        let old = swapchain
        var info = VkSwapchainCreateInfoKHR()
        info.sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR
        info.surface = surface.handle
        info.minImageCount = imageCount
        info.imageFormat = format.format
        info.imageColorSpace = format.colorSpace
        info.imageExtent = extent
        info.imageArrayLayers = 1
        info.imageUsage = usage
        info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE
        info.preTransform = caps.currentTransform
        info.compositeAlpha = VkCompositeAlphaFlagBitsKHR(alpha)
        info.presentMode = mode
        info.clipped = VkBool32(VK_TRUE)
        info.oldSwapchain = old
        var created: VkSwapchainKHR?
        let result = vkCreateSwapchainKHR(device.handle, &info, nil, &created)
        // The old swapchain is retired either way.
        destroySwapchainObjects(keepingHandle: true)
        if let old { vkDestroySwapchainKHR(device.handle, old, nil) }
        swapchain = nil
        guard result == VK_SUCCESS, let created else {
            width = 0; height = 0
            throw VulkanError.call("vkCreateSwapchainKHR(\(extent.width)×\(extent.height))", result)
        }
        swapchain = created

        var count: UInt32 = 0
        try check(vkGetSwapchainImagesKHR(device.handle, created, &count, nil), "vkGetSwapchainImagesKHR")
        var handles = [VkImage?](repeating: nil, count: Int(count))
        try check(vkGetSwapchainImagesKHR(device.handle, created, &count, &handles), "vkGetSwapchainImagesKHR")
        images = handles.prefix(Int(count)).compactMap { $0 }
        for _ in images { presentSemaphores.append(try makeSemaphore()) }

        width = Int(extent.width)
        height = Int(extent.height)
        channelOrder = (format.format == VK_FORMAT_R8G8B8A8_UNORM || format.format == VK_FORMAT_R8G8B8A8_SRGB) ? .rgba : .bgra
        formatName = Self.formatName(format.format)
        presentModeName = Self.presentModeName(mode)
        return true
    }

    /// An 8-bit BGRA/RGBA format. UNORM and SRGB formats both receive the
    /// bytes unchanged (a buffer-to-image copy does no conversion), and the
    /// presentation engine reads them as sRGB-encoded either way, so callers
    /// always upload sRGB-encoded bytes.
    private func chooseFormat() throws -> VkSurfaceFormatKHR {
        let available = try surface.formats(device)
        if available.count == 1, available[0].format == VK_FORMAT_UNDEFINED {
            return VkSurfaceFormatKHR(format: VK_FORMAT_B8G8R8A8_UNORM, colorSpace: VK_COLOR_SPACE_SRGB_NONLINEAR_KHR)
        }
        let preferred = [VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8A8_SRGB, VK_FORMAT_R8G8B8A8_SRGB]
        for wanted in preferred {
            if let match = available.first(where: { $0.format == wanted && $0.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR }) {
                return match
            }
        }
        let names = available.map { Self.formatName($0.format) }.joined(separator: ", ")
        throw VulkanError("the window offers no 8-bit BGRA/RGBA sRGB swapchain format (available: \(names))")
    }

    private func choosePresentMode() throws -> VkPresentModeKHR {
        let available = try surface.presentModes(device)
        switch preference {
        case .vsync:
            return VK_PRESENT_MODE_FIFO_KHR
        case .unthrottled:
            for mode in [VK_PRESENT_MODE_IMMEDIATE_KHR, VK_PRESENT_MODE_MAILBOX_KHR] where available.contains(mode) { return mode }
            return VK_PRESENT_MODE_FIFO_KHR
        }
    }

    /// Shows one frame: `pixels` holds `width`×`height` pixels (the current
    /// extent), 4 bytes each in `channelOrder`, sRGB-encoded, top row first.
    public func present(pixels: [UInt8]) throws -> Outcome {
        guard let swapchain else { return .needsRecreate }
        let byteCount = width * height * 4
        guard pixels.count == byteCount else {
            throw VulkanError("present: got \(pixels.count) bytes for a \(width)×\(height) swapchain (\(byteCount) expected)")
        }
        let slot = slots[slotIndex]
        var fence: VkFence? = slot.fence
        try check(vkWaitForFences(device.handle, 1, &fence, VkBool32(VK_TRUE), UInt64.max), "vkWaitForFences")

        var imageIndex: UInt32 = 0
        let acquire = vkAcquireNextImageKHR(device.handle, swapchain, UInt64.max, slot.acquired, nil, &imageIndex)
        if acquire == VK_ERROR_OUT_OF_DATE_KHR { return .needsRecreate }
        guard acquire == VK_SUCCESS || acquire == VK_SUBOPTIMAL_KHR else { throw VulkanError.call("vkAcquireNextImageKHR", acquire) }
        let image = images[Int(imageIndex)]
        let presentSemaphore = presentSemaphores[Int(imageIndex)]

        if (slot.staging?.size ?? 0) < byteCount {
            slot.staging = try GPUBuffer(device: device, size: byteCount,
                                         usage: VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue, location: .hostVisible)
        }
        guard let staging = slot.staging, let mapped = staging.mapped else { throw VulkanError("staging buffer is not mapped") }
        pixels.withUnsafeBytes { raw in
            if let base = raw.baseAddress { mapped.copyMemory(from: base, byteCount: byteCount) }
        }
        let readingBack = readbackRequested && readbackSupported
        if readingBack, slot.readback == nil || slot.readbackExtent != (width, height) {
            slot.readback = try GPUBuffer(device: device, size: byteCount,
                                          usage: VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue, location: .hostVisible)
            slot.readbackExtent = (width, height)
        }

        try check(vkResetFences(device.handle, 1, &fence), "vkResetFences")
        let cmd = slot.commandBuffer
        try check(vkResetCommandBuffer(cmd, 0), "vkResetCommandBuffer")
        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
        try check(vkBeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer")

        let transfer = VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue
        // Acquire (waited at TRANSFER) -> transfer destination; old contents discarded.
        Self.imageBarrier(cmd, image, from: VK_IMAGE_LAYOUT_UNDEFINED, to: VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                          srcStage: transfer, srcAccess: 0, dstStage: transfer, dstAccess: VK_ACCESS_TRANSFER_WRITE_BIT.rawValue)
        var region = Self.copyRegion(width: width, height: height)
        vkCmdCopyBufferToImage(cmd, staging.handle, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region)
        if readingBack, let readback = slot.readback {
            Self.imageBarrier(cmd, image, from: VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, to: VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                              srcStage: transfer, srcAccess: VK_ACCESS_TRANSFER_WRITE_BIT.rawValue,
                              dstStage: transfer, dstAccess: VK_ACCESS_TRANSFER_READ_BIT.rawValue)
            vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readback.handle, 1, &region)
            VulkanDevice.memoryBarrier(cmd, from: transfer, VK_ACCESS_TRANSFER_WRITE_BIT.rawValue,
                                       to: VK_PIPELINE_STAGE_HOST_BIT.rawValue, VK_ACCESS_HOST_READ_BIT.rawValue)
            Self.imageBarrier(cmd, image, from: VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, to: VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
                              srcStage: transfer, srcAccess: 0,
                              dstStage: VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT.rawValue, dstAccess: 0)
        } else {
            Self.imageBarrier(cmd, image, from: VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, to: VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
                              srcStage: transfer, srcAccess: VK_ACCESS_TRANSFER_WRITE_BIT.rawValue,
                              dstStage: VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT.rawValue, dstAccess: 0)
        }
        try check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer")

        var waitSemaphore: VkSemaphore? = slot.acquired
        var signalSemaphore: VkSemaphore? = presentSemaphore
        var waitStage: VkPipelineStageFlags = transfer
        var cmdOpt: VkCommandBuffer? = cmd
        let submitResult: VkResult = withUnsafePointer(to: &waitSemaphore) { waitPtr in
            withUnsafePointer(to: &signalSemaphore) { signalPtr in
                withUnsafePointer(to: &waitStage) { stagePtr in
                    withUnsafePointer(to: &cmdOpt) { cmdPtr in
                        var submit = VkSubmitInfo()
                        submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
                        submit.waitSemaphoreCount = 1
                        submit.pWaitSemaphores = waitPtr
                        submit.pWaitDstStageMask = stagePtr
                        submit.commandBufferCount = 1
                        submit.pCommandBuffers = cmdPtr
                        submit.signalSemaphoreCount = 1
                        submit.pSignalSemaphores = signalPtr
                        return vkQueueSubmit(device.queue, 1, &submit, slot.fence)
                    }
                }
            }
        }
        try check(submitResult, "vkQueueSubmit (present copy)")
        slot.submitted = true
        lastSlot = readingBack ? slot : nil
        slotIndex = (slotIndex + 1) % slots.count

        var swapchainOpt: VkSwapchainKHR? = swapchain
        var index = imageIndex
        let presentResult: VkResult = withUnsafePointer(to: &signalSemaphore) { waitPtr in
            withUnsafePointer(to: &swapchainOpt) { swapchainPtr in
                withUnsafePointer(to: &index) { indexPtr in
                    var info = VkPresentInfoKHR()
                    info.sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR
                    info.waitSemaphoreCount = 1
                    info.pWaitSemaphores = waitPtr
                    info.swapchainCount = 1
                    info.pSwapchains = swapchainPtr
                    info.pImageIndices = indexPtr
                    return vkQueuePresentKHR(device.queue, &info)
                }
            }
        }
        if presentResult == VK_ERROR_OUT_OF_DATE_KHR || presentResult == VK_SUBOPTIMAL_KHR || acquire == VK_SUBOPTIMAL_KHR {
            return .needsRecreate
        }
        try check(presentResult, "vkQueuePresentKHR")
        return .presented
    }

    /// The pixels of the most recently presented frame as read back from
    /// the swapchain image (RGBA, top row first), or nil when read-back was
    /// not requested or the surface does not allow it.
    public func lastPresentedPixels() throws -> (width: Int, height: Int, rgba: [UInt8])? {
        guard let slot = lastSlot, let readback = slot.readback else { return nil }
        var fence: VkFence? = slot.fence
        try check(vkWaitForFences(device.handle, 1, &fence, VkBool32(VK_TRUE), UInt64.max), "vkWaitForFences")
        let (w, h) = slot.readbackExtent
        var bytes = try readback.read(as: UInt8.self, count: w * h * 4)
        if channelOrder == .bgra {
            var i = 0
            while i < bytes.count { bytes.swapAt(i, i + 2); i += 4 }
        }
        return (w, h, bytes)
    }

    private static func copyRegion(width: Int, height: Int) -> VkBufferImageCopy {
        var region = VkBufferImageCopy()
        region.bufferOffset = 0
        region.bufferRowLength = 0
        region.bufferImageHeight = 0
        region.imageSubresource = VkImageSubresourceLayers(aspectMask: VK_IMAGE_ASPECT_COLOR_BIT.rawValue,
                                                           mipLevel: 0, baseArrayLayer: 0, layerCount: 1)
        region.imageOffset = VkOffset3D(x: 0, y: 0, z: 0)
        region.imageExtent = VkExtent3D(width: UInt32(width), height: UInt32(height), depth: 1)
        return region
    }

    /// A layout transition of a single-level colour image (GPUImage.transition).
    private static func imageBarrier(_ cmd: VkCommandBuffer, _ image: VkImage,
                                     from oldLayout: VkImageLayout, to newLayout: VkImageLayout,
                                     srcStage: VkPipelineStageFlags, srcAccess: VkAccessFlags,
                                     dstStage: VkPipelineStageFlags, dstAccess: VkAccessFlags) {
        let range = VkImageSubresourceRange(aspectMask: VK_IMAGE_ASPECT_COLOR_BIT.rawValue,
                                            baseMipLevel: 0, levelCount: 1, baseArrayLayer: 0, layerCount: 1)
        GPUImage.transition(cmd, image: image, range: range, from: oldLayout, to: newLayout,
                            srcStage: srcStage, srcAccess: srcAccess, dstStage: dstStage, dstAccess: dstAccess)
    }

    static func formatName(_ format: VkFormat) -> String {
        switch format {
        case VK_FORMAT_B8G8R8A8_UNORM: return "B8G8R8A8_UNORM"
        case VK_FORMAT_R8G8B8A8_UNORM: return "R8G8B8A8_UNORM"
        case VK_FORMAT_B8G8R8A8_SRGB: return "B8G8R8A8_SRGB"
        case VK_FORMAT_R8G8B8A8_SRGB: return "R8G8B8A8_SRGB"
        case VK_FORMAT_A2R10G10B10_UNORM_PACK32: return "A2R10G10B10_UNORM"
        case VK_FORMAT_R16G16B16A16_SFLOAT: return "R16G16B16A16_SFLOAT"
        default: return "VkFormat \(format.rawValue)"
        }
    }

    static func presentModeName(_ mode: VkPresentModeKHR) -> String {
        switch mode {
        case VK_PRESENT_MODE_IMMEDIATE_KHR: return "immediate"
        case VK_PRESENT_MODE_MAILBOX_KHR: return "mailbox"
        case VK_PRESENT_MODE_FIFO_KHR: return "fifo"
        case VK_PRESENT_MODE_FIFO_RELAXED_KHR: return "fifo-relaxed"
        default: return "mode \(mode.rawValue)"
        }
    }
}
