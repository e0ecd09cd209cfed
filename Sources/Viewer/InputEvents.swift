import Foundation

/// Input as the viewer sees it, independent of GLFW (so the controller can
/// be tested without a display).
public enum InputEvent: Equatable, Sendable {
    case key(Key, shift: Bool)
    case mouseButton(MouseButton, pressed: Bool, shift: Bool)
    /// Cursor position in window coordinates (pixels from the top-left).
    case cursor(x: Double, y: Double)
    /// Scroll wheel; positive `dy` scrolls up (zoom in).
    case scroll(dx: Double, dy: Double)
}

public enum MouseButton: Equatable, Sendable { case left, right, middle }

/// The keys the viewer reacts to (see `ViewerKeys.helpText`).
public enum Key: Equatable, Sendable {
    case neural, compare, errorMap, exposureUp, exposureDown, save, reset, frame, help, quit
    /// 1...9: environment presets.
    case digit(Int)
}

/// GLFW delivers input through C callbacks that cannot capture context;
/// they append here and the main loop drains the queue once per frame.
final class InputQueue: @unchecked Sendable {
    static let shared = InputQueue()
    private let lock = NSLock()
    private var events: [InputEvent] = []

    func push(_ event: InputEvent) {
        lock.lock(); defer { lock.unlock() }
        // Coalesce cursor motion: only the latest position matters.
        if case .cursor = event, case .cursor? = events.last { events[events.count - 1] = event; return }
        events.append(event)
    }

    func drain() -> [InputEvent] {
        lock.lock(); defer { lock.unlock() }
        let drained = events
        events.removeAll(keepingCapacity: true)
        return drained
    }
}
