import CVulkan

/// A window-system surface (VkSurfaceKHR). The window library creates it
/// (GLFW knows X11/Wayland); this class owns and destroys it.
///
/// Lifetime: destroy the surface (and every swapchain on it) before the
/// native window it was made from, and before the instance (held here).
/// Threading: one thread.
public final class VulkanSurface {
    public let instance: VulkanInstance
    let handle: VkSurfaceKHR

    /// `create` receives the instance and must write the new surface (e.g.
    /// glfwCreateWindowSurface); a failure is reported with `hint`.
    public init(instance: VulkanInstance,
                create: (VkInstance, UnsafeMutablePointer<VkSurfaceKHR?>) -> VkResult) throws {
        self.instance = instance
        var surface: VkSurfaceKHR?
        let result = create(instance.handle, &surface)
        guard result == VK_SUCCESS, let surface else {
            throw VulkanError("could not create a Vulkan surface for the window (\(resultName(result))); the Vulkan driver may lack window-system support (VK_KHR_surface + X11/Wayland surface extensions)")
        }
        handle = surface
    }

    deinit {
        vkDestroySurfaceKHR(instance.handle, handle, nil)
    }

    /// Whether `device`'s queue can present to this surface.
    public func supportsPresentation(on device: VulkanDevice) -> Bool {
        var supported: VkBool32 = 0
        let result = vkGetPhysicalDeviceSurfaceSupportKHR(device.physical.handle, device.queueFamily, handle, &supported)
        return result == VK_SUCCESS && supported != 0
    }

    func capabilities(_ device: VulkanDevice) throws -> VkSurfaceCapabilitiesKHR {
        var caps = VkSurfaceCapabilitiesKHR()
        try check(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(device.physical.handle, handle, &caps),
                  "vkGetPhysicalDeviceSurfaceCapabilitiesKHR")
        return caps
    }

    func formats(_ device: VulkanDevice) throws -> [VkSurfaceFormatKHR] {
        var count: UInt32 = 0
        try check(vkGetPhysicalDeviceSurfaceFormatsKHR(device.physical.handle, handle, &count, nil), "vkGetPhysicalDeviceSurfaceFormatsKHR")
        var formats = [VkSurfaceFormatKHR](repeating: VkSurfaceFormatKHR(), count: Int(count))
        try check(vkGetPhysicalDeviceSurfaceFormatsKHR(device.physical.handle, handle, &count, &formats), "vkGetPhysicalDeviceSurfaceFormatsKHR")
        return Array(formats.prefix(Int(count)))
    }

    func presentModes(_ device: VulkanDevice) throws -> [VkPresentModeKHR] {
        var count: UInt32 = 0
        try check(vkGetPhysicalDeviceSurfacePresentModesKHR(device.physical.handle, handle, &count, nil), "vkGetPhysicalDeviceSurfacePresentModesKHR")
        var modes = [VkPresentModeKHR](repeating: VK_PRESENT_MODE_FIFO_KHR, count: Int(count))
        try check(vkGetPhysicalDeviceSurfacePresentModesKHR(device.physical.handle, handle, &count, &modes), "vkGetPhysicalDeviceSurfacePresentModesKHR")
        return Array(modes.prefix(Int(count)))
    }
}
