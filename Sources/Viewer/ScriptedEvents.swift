import Foundation

/// Input injected at given frames in scripted mode (`--events`), so tests
/// and CI can exercise orbit, zoom, mode switches and window resizes
/// (swapchain recreation) under the validation layer without a person.
///
/// Syntax: `FRAME:ACTION` items separated by `;`, where ACTION is
/// `key=K` (K: n c e + - p r R f h 1..9), `drag=left|middle|right,DX,DY`,
/// `scroll=DY` or `resize=WxH`. Actions run before frame FRAME (0-based count
/// of frames presented so far).
public struct ScriptedEvent: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case input([InputEvent])
        case resize(width: Int, height: Int)
    }
    public var frame: Int
    public var action: Action

    public static func parse(_ text: String) throws -> [ScriptedEvent] {
        var events: [ScriptedEvent] = []
        for item in text.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            func bad(_ why: String) -> ViewerError {
                ViewerError("--events item \"\(item)\": \(why); expected FRAME:key=K, FRAME:drag=left|middle|right,DX,DY, FRAME:scroll=DY or FRAME:resize=WxH")
            }
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let frame = Int(parts[0]), frame >= 0 else { throw bad("no frame number") }
            let kv = parts[1].split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw bad("no action") }
            let (name, value) = (kv[0], kv[1])
            switch name {
            case "key":
                guard let (key, shift) = Self.key(value) else { throw bad("unknown key \"\(value)\"") }
                events.append(ScriptedEvent(frame: frame, action: .input([.key(key, shift: shift)])))
            case "drag":
                let fields = value.split(separator: ",").map(String.init)
                guard fields.count == 3, let dx = Double(fields[1]), let dy = Double(fields[2]), dx.isFinite, dy.isFinite else {
                    throw bad("drag needs BUTTON,DX,DY")
                }
                let button: MouseButton
                switch fields[0] {
                case "left": button = .left
                case "middle": button = .middle
                case "right": button = .right
                default: throw bad("unknown button \"\(fields[0])\"")
                }
                // Start at a fixed point, move in four steps, release.
                let x0 = 40.0, y0 = 40.0
                var input: [InputEvent] = [.cursor(x: x0, y: y0), .mouseButton(button, pressed: true, shift: false)]
                for step in 1...4 {
                    let f = Double(step) / 4
                    input.append(.cursor(x: x0 + dx * f, y: y0 + dy * f))
                }
                input.append(.mouseButton(button, pressed: false, shift: false))
                events.append(ScriptedEvent(frame: frame, action: .input(input)))
            case "scroll":
                guard let dy = Double(value), dy.isFinite else { throw bad("scroll needs a number") }
                events.append(ScriptedEvent(frame: frame, action: .input([.scroll(dx: 0, dy: dy)])))
            case "resize":
                let dims = value.lowercased().split(separator: "x").compactMap { Int($0) }
                guard dims.count == 2, (1...16384).contains(dims[0]), (1...16384).contains(dims[1]) else { throw bad("resize needs WxH") }
                events.append(ScriptedEvent(frame: frame, action: .resize(width: dims[0], height: dims[1])))
            default:
                throw bad("unknown action \"\(name)\"")
            }
        }
        return events.sorted { $0.frame < $1.frame }
    }

    static func key(_ name: String) -> (Key, Bool)? {
        switch name {
        case "n", "N": return (.neural, false)
        case "c", "C": return (.compare, false)
        case "e", "E": return (.errorMap, false)
        case "+", "=": return (.exposureUp, false)
        case "-": return (.exposureDown, false)
        case "p", "P": return (.save, false)
        case "r": return (.reset, false)
        case "R": return (.reset, true)
        case "f", "F": return (.frame, false)
        case "h", "H": return (.help, false)
        case "esc", "q": return (.quit, false)
        default:
            if let d = Int(name), (1...9).contains(d) { return (.digit(d), false) }
            return nil
        }
    }
}
