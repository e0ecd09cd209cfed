import CVulkan
import Foundation
import Logging

/// Counts and logs every message of the validation layer. Tests assert the
/// count stays zero; any message is a bug.
public final class ValidationMessageSink: @unchecked Sendable {
    private let lock = NSLock()
    private var storedMessages: [String] = []
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    public var messages: [String] { lock.lock(); defer { lock.unlock() }; return storedMessages }
    public var count: Int { messages.count }

    func record(_ message: String, severity: VkDebugUtilsMessageSeverityFlagBitsEXT) {
        lock.lock(); storedMessages.append(message); lock.unlock()
        if severity.rawValue >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT.rawValue {
            logger.error("validation: \(message)")
        } else {
            logger.warning("validation: \(message)")
        }
    }
}

private func debugCallback(
    severity: VkDebugUtilsMessageSeverityFlagBitsEXT,
    types: VkDebugUtilsMessageTypeFlagsEXT,
    data: UnsafePointer<VkDebugUtilsMessengerCallbackDataEXT>?,
    user: UnsafeMutableRawPointer?
) -> VkBool32 {
    guard let user, let data else { return VkBool32(VK_FALSE) }
    let sink = Unmanaged<ValidationMessageSink>.fromOpaque(user).takeUnretainedValue()
    let text = data.pointee.pMessage.map { String(cString: $0) } ?? "(no message)"
    sink.record(text, severity: severity)
    return VkBool32(VK_FALSE)
}

/// The Vulkan instance, with the Khronos validation layer and a debug
/// messenger when validation is requested. Threading: create and destroy on
/// one thread; the handle itself is immutable.
public final class VulkanInstance {
    public let handle: VkInstance
    public let validationEnabled: Bool
    public let validation: ValidationMessageSink
    private var messenger: VkDebugUtilsMessengerEXT?
    private let sinkPointer: UnsafeMutableRawPointer

    public static let validationLayerName = "VK_LAYER_KHRONOS_validation"

    /// `validation`: enable the Khronos validation layer (also enabled by
    /// `LACQUER_VALIDATION=1`). Fails with a clear message when no Vulkan
    /// loader/driver is present or the layer is not installed.
    public init(validation requested: Bool, extraExtensions: [String] = [], logger: Logger) throws {
        let env = ProcessInfo.processInfo.environment["LACQUER_VALIDATION"]
        let wantValidation = requested || env == "1" || env == "true"
        // vulkaninfo and the loader want XDG_RUNTIME_DIR on some systems.
        if ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"] == nil {
            setenv("XDG_RUNTIME_DIR", NSTemporaryDirectory(), 0)
        }
        let sink = ValidationMessageSink(logger: logger)
        validation = sink
        sinkPointer = Unmanaged.passRetained(sink).toOpaque()

        var layers: [String] = []
        var extensions = extraExtensions
        if wantValidation {
            guard Self.availableLayers().contains(Self.validationLayerName) else {
                Unmanaged<ValidationMessageSink>.fromOpaque(sinkPointer).release()
                throw VulkanError("validation requested but \(Self.validationLayerName) is not installed; run Tools/setup (installs vulkan-validationlayers)")
            }
            layers.append(Self.validationLayerName)
            extensions.append("VK_EXT_debug_utils")
        }
        validationEnabled = wantValidation

        var created: VkInstance?
        let result: VkResult = "lacquer".withCString { appName in
            withCStringArray(layers) { layerNames in
                withCStringArray(extensions) { extensionNames in
                    var app = VkApplicationInfo()
                    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
                    app.pApplicationName = appName
                    app.pEngineName = appName
                    app.apiVersion = LQ_VK_API_VERSION_1_2
                    return withUnsafePointer(to: &app) { appPointer in
                        var info = VkInstanceCreateInfo()
                        info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
                        info.pApplicationInfo = appPointer
                        info.enabledLayerCount = UInt32(layers.count)
                        info.ppEnabledLayerNames = layerNames
                        info.enabledExtensionCount = UInt32(extensions.count)
                        info.ppEnabledExtensionNames = extensionNames
                        return vkCreateInstance(&info, nil, &created)
                    }
                }
            }
        }
        guard result == VK_SUCCESS, let instance = created else {
            Unmanaged<ValidationMessageSink>.fromOpaque(sinkPointer).release()
            if result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED {
                throw VulkanError("no Vulkan driver found (vkCreateInstance returned \(result == VK_ERROR_INCOMPATIBLE_DRIVER ? "VK_ERROR_INCOMPATIBLE_DRIVER" : "VK_ERROR_INITIALIZATION_FAILED")); run Tools/setup to install Mesa's lavapipe, or install your GPU's Vulkan driver")
            }
            throw VulkanError.call("vkCreateInstance", result)
        }
        handle = instance

        if wantValidation {
            var info = VkDebugUtilsMessengerCreateInfoEXT()
            info.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT
            info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT.rawValue
                | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT.rawValue
            info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT.rawValue
                | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT.rawValue
                | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT.rawValue
            info.pfnUserCallback = { severity, types, data, user in
                debugCallback(severity: severity, types: types, data: data, user: user)
            }
            info.pUserData = sinkPointer
            guard let raw = vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT") else {
                throw VulkanError("vkCreateDebugUtilsMessengerEXT is unavailable although VK_EXT_debug_utils was enabled")
            }
            let create = unsafeBitCast(raw, to: PFN_vkCreateDebugUtilsMessengerEXT.self)
            var m: VkDebugUtilsMessengerEXT?
            try check(create(instance, &info, nil, &m), "vkCreateDebugUtilsMessengerEXT")
            messenger = m
        }
    }

    deinit {
        if let messenger, let raw = vkGetInstanceProcAddr(handle, "vkDestroyDebugUtilsMessengerEXT") {
            let destroy = unsafeBitCast(raw, to: PFN_vkDestroyDebugUtilsMessengerEXT.self)
            destroy(handle, messenger, nil)
        }
        vkDestroyInstance(handle, nil)
        Unmanaged<ValidationMessageSink>.fromOpaque(sinkPointer).release()
    }

    static func availableLayers() -> [String] {
        var count: UInt32 = 0
        guard vkEnumerateInstanceLayerProperties(&count, nil) == VK_SUCCESS, count > 0 else { return [] }
        var props = [VkLayerProperties](repeating: VkLayerProperties(), count: Int(count))
        guard vkEnumerateInstanceLayerProperties(&count, &props) == VK_SUCCESS else { return [] }
        return props.map { stringFromTuple($0.layerName) }
    }

    /// Every physical device with its properties and ray-tracing support.
    public func physicalDevices() throws -> [PhysicalDeviceInfo] {
        var count: UInt32 = 0
        try check(vkEnumeratePhysicalDevices(handle, &count, nil), "vkEnumeratePhysicalDevices")
        var devices = [VkPhysicalDevice?](repeating: nil, count: Int(count))
        try check(vkEnumeratePhysicalDevices(handle, &count, &devices), "vkEnumeratePhysicalDevices")
        return devices.enumerated().compactMap { index, device in
            device.map { PhysicalDeviceInfo(index: index, handle: $0) }
        }
    }
}
