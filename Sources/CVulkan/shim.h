#pragma once
#include <vulkan/vulkan.h>

/// Function-like macros Swift cannot import.
static const uint32_t LQ_VK_API_VERSION_1_2 = VK_API_VERSION_1_2;
static const uint32_t LQ_VK_API_VERSION_1_3 = VK_API_VERSION_1_3;
static inline uint32_t lq_vk_make_version(uint32_t major, uint32_t minor, uint32_t patch) {
    return VK_MAKE_API_VERSION(0, major, minor, patch);
}
static inline uint32_t lq_vk_version_major(uint32_t v) { return VK_API_VERSION_MAJOR(v); }
static inline uint32_t lq_vk_version_minor(uint32_t v) { return VK_API_VERSION_MINOR(v); }
static inline uint32_t lq_vk_version_patch(uint32_t v) { return VK_API_VERSION_PATCH(v); }
static const uint64_t LQ_VK_WHOLE_SIZE = VK_WHOLE_SIZE;
static const uint32_t LQ_VK_SHADER_UNUSED = VK_SHADER_UNUSED_KHR;
