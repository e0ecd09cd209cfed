public enum VulkanSupportPlaceholder {}
