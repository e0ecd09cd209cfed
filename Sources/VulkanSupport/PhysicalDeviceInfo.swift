import CVulkan

/// What Lacquer needs to know about a physical device to choose it.
public struct PhysicalDeviceInfo: @unchecked Sendable {
    public let index: Int
    public let handle: VkPhysicalDevice
    public let name: String
    public let type: VkPhysicalDeviceType
    public let apiVersion: UInt32
    public let extensions: Set<String>

    /// Extensions the path tracer cannot run without.
    public static let requiredExtensions = [
        "VK_KHR_acceleration_structure",
        "VK_KHR_ray_tracing_pipeline",
        "VK_KHR_deferred_host_operations",
        "VK_KHR_buffer_device_address",
    ]

    /// Optional: tracing from compute shaders (the path tracer's ray-query variant).
    public static let rayQueryExtension = "VK_KHR_ray_query"

    init(index: Int, handle: VkPhysicalDevice) {
        self.index = index
        self.handle = handle
        var props = VkPhysicalDeviceProperties()
        vkGetPhysicalDeviceProperties(handle, &props)
        name = stringFromTuple(props.deviceName)
        type = props.deviceType
        apiVersion = props.apiVersion
        var count: UInt32 = 0
        vkEnumerateDeviceExtensionProperties(handle, nil, &count, nil)
        var ext = [VkExtensionProperties](repeating: VkExtensionProperties(), count: Int(count))
        vkEnumerateDeviceExtensionProperties(handle, nil, &count, &ext)
        extensions = Set(ext.map { stringFromTuple($0.extensionName) })
    }

    public var supportsRayTracing: Bool {
        Self.requiredExtensions.allSatisfy(extensions.contains) && apiVersion >= LQ_VK_API_VERSION_1_2
    }
    public var missingExtensions: [String] { Self.requiredExtensions.filter { !extensions.contains($0) } }

    /// A CPU implementation (lavapipe): its speed trade-offs differ from GPUs'.
    public var isCPU: Bool { type == VK_PHYSICAL_DEVICE_TYPE_CPU }

    public var typeName: String {
        switch type {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU"
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU"
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU"
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU"
        default: return "other"
        }
    }
    public var apiVersionString: String {
        "\(lq_vk_version_major(apiVersion)).\(lq_vk_version_minor(apiVersion)).\(lq_vk_version_patch(apiVersion))"
    }

    /// Preference order: discrete GPU > integrated > virtual > CPU (lavapipe).
    var preferenceRank: Int {
        switch type {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3
        default: return 4
        }
    }

    /// Picks the device for `selector` (an index, or a case-insensitive
    /// substring of the name); without one, the most capable device that
    /// supports ray tracing.
    public static func select(from devices: [PhysicalDeviceInfo], selector: String?) throws -> PhysicalDeviceInfo {
        let listing = devices.map { "\($0.index): \($0.name)" }.joined(separator: ", ")
        if devices.isEmpty {
            throw VulkanError("no Vulkan devices found; run Tools/setup to install Mesa's lavapipe (CPU Vulkan)")
        }
        let chosen: PhysicalDeviceInfo
        if let selector, !selector.isEmpty {
            if let n = Int(selector) {
                guard let d = devices.first(where: { $0.index == n }) else {
                    throw VulkanError("--device \(n): no such device; available: \(listing) (see `lacquer info`)")
                }
                chosen = d
            } else {
                let matches = devices.filter { $0.name.lowercased().contains(selector.lowercased()) }
                guard let d = matches.first else {
                    throw VulkanError("--device \"\(selector)\": no device name contains it; available: \(listing)")
                }
                chosen = d
            }
            guard chosen.supportsRayTracing else {
                throw VulkanError("device \(chosen.index) (\(chosen.name)) lacks ray tracing (missing \(chosen.missingExtensions.joined(separator: ", "))); choose another with --device (see `lacquer info`)")
            }
            return chosen
        }
        let capable = devices.filter(\.supportsRayTracing).sorted { ($0.preferenceRank, $0.index) < ($1.preferenceRank, $1.index) }
        guard let best = capable.first else {
            throw VulkanError("no Vulkan device supports ray tracing (found: \(listing)); on Debian 12 run Tools/setup to install lavapipe from bookworm-backports (Mesa >= 24.2)")
        }
        return best
    }
}
