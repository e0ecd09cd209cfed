import CGLFW
import CVulkan
import Foundation

/// GLFW, loaded at run time with dlopen so that headless commands never
/// link or initialise it (CGLFW provides the header only). One instance per
/// process: GLFW itself is a process-wide singleton and must be used from
/// the main thread.
final class GLFWLibrary {
    typealias WindowPointer = OpaquePointer

    // The entry points the viewer uses (signatures from glfw3.h, 3.3).
    let initialize: @convention(c) () -> Int32
    let terminate: @convention(c) () -> Void
    let setErrorCallback: @convention(c) (GLFWerrorfun?) -> GLFWerrorfun?
    let windowHint: @convention(c) (Int32, Int32) -> Void
    let createWindow: @convention(c) (Int32, Int32, UnsafePointer<CChar>?, OpaquePointer?, OpaquePointer?) -> OpaquePointer?
    let destroyWindow: @convention(c) (OpaquePointer?) -> Void
    let windowShouldClose: @convention(c) (OpaquePointer?) -> Int32
    let setWindowShouldClose: @convention(c) (OpaquePointer?, Int32) -> Void
    let setWindowTitle: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void
    let getFramebufferSize: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Void
    let getWindowSize: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Void
    let getWindowAttrib: @convention(c) (OpaquePointer?, Int32) -> Int32
    let setWindowSize: @convention(c) (OpaquePointer?, Int32, Int32) -> Void
    let pollEvents: @convention(c) () -> Void
    let waitEvents: @convention(c) () -> Void
    let waitEventsTimeout: @convention(c) (Double) -> Void
    let getCursorPos: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?) -> Void
    let getKey: @convention(c) (OpaquePointer?, Int32) -> Int32
    let setKeyCallback: @convention(c) (OpaquePointer?, GLFWkeyfun?) -> GLFWkeyfun?
    let setMouseButtonCallback: @convention(c) (OpaquePointer?, GLFWmousebuttonfun?) -> GLFWmousebuttonfun?
    let setCursorPosCallback: @convention(c) (OpaquePointer?, GLFWcursorposfun?) -> GLFWcursorposfun?
    let setScrollCallback: @convention(c) (OpaquePointer?, GLFWscrollfun?) -> GLFWscrollfun?
    let vulkanSupported: @convention(c) () -> Int32
    let getRequiredInstanceExtensions: @convention(c) (UnsafeMutablePointer<UInt32>?) -> UnsafeMutablePointer<UnsafePointer<CChar>?>?
    let createWindowSurface: @convention(c) (VkInstance?, OpaquePointer?, UnsafePointer<VkAllocationCallbacks>?,
                                             UnsafeMutablePointer<VkSurfaceKHR?>?) -> VkResult

    /// Library names tried in order (the runtime package installs the
    /// first). `LACQUER_GLFW_LIBRARY` names another (a custom build; tests).
    static func libraryNames(environment: [String: String]) -> [String] {
        if let custom = environment["LACQUER_GLFW_LIBRARY"], !custom.isEmpty { return [custom] }
        return ["libglfw.so.3", "libglfw.so"]
    }

    /// Checks that a display is reachable in principle, loads libglfw and
    /// initialises it. Throws a one-line `ViewerError` otherwise.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GLFWLibrary {
        try requireDisplay(environment: environment)
        var handle: UnsafeMutableRawPointer?
        var reasons: [String] = []
        let libraryNames = Self.libraryNames(environment: environment)
        for name in libraryNames {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
            if let message = dlerror() { reasons.append(String(cString: message)) }
        }
        guard let handle else {
            throw ViewerError("cannot load GLFW (\(libraryNames.joined(separator: " or ")) not found: \(reasons.first ?? "dlopen failed")); install libglfw3: run Tools/setup")
        }
        // The library stays loaded for the life of the process: unloading
        // GLFW/X11 while their atexit handlers are registered is unsafe.
        let glfw = try GLFWLibrary(handle: handle)
        _ = glfw.setErrorCallback { code, description in
            GLFWErrorLog.shared.record(code: code, description: description.map { String(cString: $0) } ?? "")
        }
        guard glfw.initialize() != 0 else {
            let detail = GLFWErrorLog.shared.last ?? "glfwInit failed"
            throw ViewerError("cannot open a window: GLFW could not connect to the display (\(detail)); check DISPLAY/WAYLAND_DISPLAY point at a running X server or compositor (Debian's libglfw3 is X11-only: under Wayland it needs XWayland's DISPLAY)")
        }
        guard glfw.vulkanSupported() != 0 else {
            glfw.terminate()
            throw ViewerError("GLFW found no Vulkan loader for window surfaces (\(GLFWErrorLog.shared.last ?? "glfwVulkanSupported is false")); run Tools/setup")
        }
        return glfw
    }

    /// A window needs an X11 (DISPLAY) or Wayland (WAYLAND_DISPLAY) display.
    static func requireDisplay(environment: [String: String]) throws {
        let display = environment["DISPLAY"] ?? ""
        let wayland = environment["WAYLAND_DISPLAY"] ?? ""
        if display.isEmpty && wayland.isEmpty {
            throw ViewerError("no display: neither DISPLAY nor WAYLAND_DISPLAY is set; run `lacquer view` in a desktop session or under Xvfb (xvfb-run -a lacquer view ...), or use `lacquer render` for headless output")
        }
    }

    private init(handle: UnsafeMutableRawPointer) throws {
        func symbol<T>(_ name: String, _ type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, name) else {
                throw ViewerError("the installed GLFW lacks \(name) (GLFW 3.3 or newer is needed); install libglfw3: run Tools/setup")
            }
            return unsafeBitCast(pointer, to: type)
        }
        initialize = try symbol("glfwInit", (@convention(c) () -> Int32).self)
        terminate = try symbol("glfwTerminate", (@convention(c) () -> Void).self)
        setErrorCallback = try symbol("glfwSetErrorCallback", (@convention(c) (GLFWerrorfun?) -> GLFWerrorfun?).self)
        windowHint = try symbol("glfwWindowHint", (@convention(c) (Int32, Int32) -> Void).self)
        createWindow = try symbol("glfwCreateWindow",
                                  (@convention(c) (Int32, Int32, UnsafePointer<CChar>?, OpaquePointer?, OpaquePointer?) -> OpaquePointer?).self)
        destroyWindow = try symbol("glfwDestroyWindow", (@convention(c) (OpaquePointer?) -> Void).self)
        windowShouldClose = try symbol("glfwWindowShouldClose", (@convention(c) (OpaquePointer?) -> Int32).self)
        setWindowShouldClose = try symbol("glfwSetWindowShouldClose", (@convention(c) (OpaquePointer?, Int32) -> Void).self)
        setWindowTitle = try symbol("glfwSetWindowTitle", (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void).self)
        getFramebufferSize = try symbol("glfwGetFramebufferSize",
                                        (@convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Void).self)
        getWindowSize = try symbol("glfwGetWindowSize",
                                   (@convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Void).self)
        getWindowAttrib = try symbol("glfwGetWindowAttrib", (@convention(c) (OpaquePointer?, Int32) -> Int32).self)
        setWindowSize = try symbol("glfwSetWindowSize", (@convention(c) (OpaquePointer?, Int32, Int32) -> Void).self)
        pollEvents = try symbol("glfwPollEvents", (@convention(c) () -> Void).self)
        waitEvents = try symbol("glfwWaitEvents", (@convention(c) () -> Void).self)
        waitEventsTimeout = try symbol("glfwWaitEventsTimeout", (@convention(c) (Double) -> Void).self)
        getCursorPos = try symbol("glfwGetCursorPos",
                                  (@convention(c) (OpaquePointer?, UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?) -> Void).self)
        getKey = try symbol("glfwGetKey", (@convention(c) (OpaquePointer?, Int32) -> Int32).self)
        setKeyCallback = try symbol("glfwSetKeyCallback", (@convention(c) (OpaquePointer?, GLFWkeyfun?) -> GLFWkeyfun?).self)
        setMouseButtonCallback = try symbol("glfwSetMouseButtonCallback",
                                            (@convention(c) (OpaquePointer?, GLFWmousebuttonfun?) -> GLFWmousebuttonfun?).self)
        setCursorPosCallback = try symbol("glfwSetCursorPosCallback",
                                          (@convention(c) (OpaquePointer?, GLFWcursorposfun?) -> GLFWcursorposfun?).self)
        setScrollCallback = try symbol("glfwSetScrollCallback", (@convention(c) (OpaquePointer?, GLFWscrollfun?) -> GLFWscrollfun?).self)
        vulkanSupported = try symbol("glfwVulkanSupported", (@convention(c) () -> Int32).self)
        getRequiredInstanceExtensions = try symbol("glfwGetRequiredInstanceExtensions",
                                                   (@convention(c) (UnsafeMutablePointer<UInt32>?) -> UnsafeMutablePointer<UnsafePointer<CChar>?>?).self)
        createWindowSurface = try symbol("glfwCreateWindowSurface",
                                         (@convention(c) (VkInstance?, OpaquePointer?, UnsafePointer<VkAllocationCallbacks>?,
                                                          UnsafeMutablePointer<VkSurfaceKHR?>?) -> VkResult).self)
    }

    /// The instance extensions GLFW needs for window surfaces on this display.
    func requiredInstanceExtensions() throws -> [String] {
        var count: UInt32 = 0
        guard let names = getRequiredInstanceExtensions(&count), count > 0 else {
            throw ViewerError("GLFW reports no Vulkan surface extensions for this display (\(GLFWErrorLog.shared.last ?? "unknown reason")); install the Vulkan loader and driver: run Tools/setup")
        }
        return (0..<Int(count)).compactMap { names[$0].map { String(cString: $0) } }
    }
}

/// GLFW reports errors through a C callback that cannot capture context;
/// the callback stores them here.
final class GLFWErrorLog: @unchecked Sendable {
    static let shared = GLFWErrorLog()
    private let lock = NSLock()
    private var messages: [String] = []

    func record(code: Int32, description: String) {
        lock.lock(); defer { lock.unlock() }
        messages.append("\(description) [GLFW error 0x\(String(code, radix: 16))]")
        if messages.count > 32 { messages.removeFirst() }
    }

    var last: String? { lock.lock(); defer { lock.unlock() }; return messages.last }
}
