import Foundation
import Logging
import VulkanSupport

/// The Vulkan instance + device + shader compiler a renderer runs on.
/// Owns them in dependency order so teardown is clean (the validation layer
/// reports leaked objects at device destruction).
public final class RenderDevice {
    public let instance: VulkanInstance
    public let device: VulkanDevice
    public let compiler: ShaderCompiler
    public let shaders: ShaderLibrary
    public let logger: Logger

    /// `selector`: `--device N|name`; nil picks the best device with ray tracing.
    /// `instanceExtensions`/`deviceExtensions`: extra extensions, e.g. the
    /// window-system ones the viewer needs (headless use passes none).
    public init(selector: String? = nil, validation: Bool = false, instanceExtensions: [String] = [],
                deviceExtensions: [String] = [], logger: Logger) throws {
        self.logger = logger
        shaders = try ShaderLibrary()
        instance = try VulkanInstance(validation: validation, extraExtensions: instanceExtensions, logger: logger)
        let physical = try PhysicalDeviceInfo.select(from: try instance.physicalDevices(), selector: selector)
        device = try VulkanDevice(instance: instance, physical: physical, extraExtensions: deviceExtensions, logger: logger)
        compiler = try ShaderCompiler(includeDirectories: shaders.includeDirectories, logger: logger)
    }

    public var validationMessages: [String] { instance.validation.messages }
    public var validationEnabled: Bool { instance.validationEnabled }
    public var deviceName: String { device.name }
}
