import CVulkan

/// Creates a shader module from SPIR-V words. Pipelines destroy their
/// modules once the pipeline exists, so callers own the returned handle.
func makeShaderModule(_ device: VkDevice, _ words: [UInt32]) throws -> VkShaderModule {
    var info = VkShaderModuleCreateInfo()
    info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
    info.codeSize = words.count * 4
    var out: VkShaderModule?
    let result = words.withUnsafeBufferPointer { buffer -> VkResult in
        info.pCode = buffer.baseAddress
        return vkCreateShaderModule(device, &info, nil, &out)
    }
    guard result == VK_SUCCESS, let out else { throw VulkanError.call("vkCreateShaderModule", result) }
    return out
}
