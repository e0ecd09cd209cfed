import CGLFW
import CVulkan
import Foundation
import VulkanSupport

/// The GLFW window the viewer draws into (no OpenGL context: Vulkan only).
/// Input arrives through `InputQueue`. Threading: main thread only.
final class ViewerWindow {
    let glfw: GLFWLibrary
    private(set) var handle: OpaquePointer?

    init(glfw: GLFWLibrary, width: Int, height: Int, title: String) throws {
        self.glfw = glfw
        glfw.windowHint(GLFW_CLIENT_API, GLFW_NO_API)
        glfw.windowHint(GLFW_RESIZABLE, GLFW_TRUE)
        let window = title.withCString { glfw.createWindow(Int32(width), Int32(height), $0, nil, nil) }
        guard let window else {
            throw ViewerError("cannot create a \(width)×\(height) window (\(GLFWErrorLog.shared.last ?? "glfwCreateWindow failed"))")
        }
        handle = window
        _ = glfw.setKeyCallback(window) { _, key, _, action, mods in
            guard action == GLFW_PRESS || action == GLFW_REPEAT else { return }
            let shift = mods & GLFW_MOD_SHIFT != 0
            if let mapped = ViewerWindow.key(glfwKey: key, shift: shift) {
                InputQueue.shared.push(.key(mapped, shift: shift))
            }
        }
        _ = glfw.setMouseButtonCallback(window) { _, button, action, mods in
            let mapped: MouseButton
            switch button {
            case GLFW_MOUSE_BUTTON_1: mapped = .left
            case GLFW_MOUSE_BUTTON_2: mapped = .right
            case GLFW_MOUSE_BUTTON_3: mapped = .middle
            default: return
            }
            InputQueue.shared.push(.mouseButton(mapped, pressed: action == GLFW_PRESS, shift: mods & GLFW_MOD_SHIFT != 0))
        }
        _ = glfw.setCursorPosCallback(window) { _, x, y in InputQueue.shared.push(.cursor(x: x, y: y)) }
        _ = glfw.setScrollCallback(window) { _, dx, dy in InputQueue.shared.push(.scroll(dx: dx, dy: dy)) }
    }

    /// Maps a GLFW key code to a viewer key (US layout names; '+' is
    /// shift+'=' or keypad +).
    static func key(glfwKey key: Int32, shift: Bool) -> Key? {
        switch key {
        case GLFW_KEY_N: return .neural
        case GLFW_KEY_C: return .compare
        case GLFW_KEY_E: return .errorMap
        case GLFW_KEY_EQUAL, GLFW_KEY_KP_ADD: return .exposureUp
        case GLFW_KEY_MINUS, GLFW_KEY_KP_SUBTRACT: return .exposureDown
        case GLFW_KEY_P: return .save
        case GLFW_KEY_R: return .reset
        case GLFW_KEY_F: return .frame
        case GLFW_KEY_H: return .help
        case GLFW_KEY_ESCAPE, GLFW_KEY_Q: return .quit
        case GLFW_KEY_1...GLFW_KEY_9: return .digit(Int(key - GLFW_KEY_1) + 1)
        case GLFW_KEY_KP_1...GLFW_KEY_KP_9: return .digit(Int(key - GLFW_KEY_KP_1) + 1)
        default: return nil
        }
    }

    var shouldClose: Bool { handle.map { glfw.windowShouldClose($0) != 0 } ?? true }
    func requestClose() { if let handle { glfw.setWindowShouldClose(handle, GLFW_TRUE) } }

    var framebufferSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        glfw.getFramebufferSize(handle, &w, &h)
        return (Int(w), Int(h))
    }

    var windowSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        glfw.getWindowSize(handle, &w, &h)
        return (Int(w), Int(h))
    }

    var isIconified: Bool { glfw.getWindowAttrib(handle, GLFW_ICONIFIED) != 0 }

    var cursor: (x: Double, y: Double) {
        var x = 0.0, y = 0.0
        glfw.getCursorPos(handle, &x, &y)
        return (x, y)
    }

    /// Asks the window system for a new size (scripted resize tests); the
    /// framebuffer follows once the server has processed it.
    func setSize(width: Int, height: Int) { glfw.setWindowSize(handle, Int32(width), Int32(height)) }

    func setTitle(_ title: String) { title.withCString { glfw.setWindowTitle(handle, $0) } }
    func pollEvents() { glfw.pollEvents() }
    func waitEvents(timeout: Double) { glfw.waitEventsTimeout(timeout) }

    /// A Vulkan surface for this window. Destroy it before the window.
    func makeSurface(instance: VulkanInstance) throws -> VulkanSurface {
        let glfw = self.glfw, window = handle
        return try VulkanSurface(instance: instance) { vkInstance, surface in
            glfw.createWindowSurface(vkInstance, window, nil, surface)
        }
    }

    /// Destroys the window (idempotent). Every surface made from it must be gone.
    func close() {
        if let handle {
            glfw.destroyWindow(handle)
            self.handle = nil
        }
    }

    deinit { close() }
}
