import Foundation
import Scenes

/// What the window shows.
public enum DisplayMode: String, CaseIterable, Sendable {
    /// The layered reference materials.
    case reference
    /// The neural materials.
    case neural
    /// Left neural, right reference, with a draggable divider.
    case split
    /// Per-pixel error of neural vs reference (Imaging's heatmap ramp).
    case heatmap

    /// Whether the neural session is needed, and whether the reference one is.
    var needsNeural: Bool { self != .reference }
    var needsReference: Bool { self != .neural }
}

/// The environment presets behind keys 1..9: 1–6 rotate the environment
/// (offset from the scene's rotation), 7–9 scale its intensity.
public enum EnvironmentPresets {
    public static let rotationOffsets: [Float] = [0, 60, 120, 180, 240, 300]
    public static let intensityScales: [Float] = [0.5, 1, 2]

    /// Applies preset `digit` (1...9) to (rotation offset, intensity scale).
    public static func apply(_ digit: Int, rotationOffset: inout Float, intensityScale: inout Float) -> Bool {
        switch digit {
        case 1...6: rotationOffset = rotationOffsets[digit - 1]; return true
        case 7...9: intensityScale = intensityScales[digit - 7]; return true
        default: return false
        }
    }
}

/// Something the main loop must do after an input event.
public enum ViewerEffect: Equatable, Sendable {
    /// The camera moved: restart accumulation, at reduced resolution for a moment.
    case cameraMoved
    /// The environment preset changed: restart accumulation.
    case environmentChanged
    /// Only the display changed (mode, exposure, divider): recompose, keep accumulating.
    case displayChanged
    /// Restart accumulation explicitly.
    case restart
    case save
    case help
    case quit
    /// A one-line message for the terminal.
    case notice(String)
}

/// The viewer's interactive state and its reaction to input. Pure (no
/// window, no GPU) so it can be tested directly.
public struct ViewerController: Sendable {
    public private(set) var orbit: OrbitCamera
    /// The scene's own camera until the user moves it (so an untouched view
    /// renders exactly like `lacquer render`).
    public private(set) var camera: Camera
    public let sceneCamera: Camera
    public let bounds: SceneBounds?
    public let hasNeuralMaterials: Bool
    public private(set) var mode: DisplayMode
    public private(set) var exposure: Float
    /// Split position as a fraction of the window width.
    public private(set) var divider: Double = 0.5
    public private(set) var environmentRotationOffset: Float = 0
    public private(set) var environmentIntensityScale: Float = 1

    enum Drag: Equatable, Sendable { case orbit, pan, zoom, divider }
    private(set) var drag: Drag?
    private var cursor: (x: Double, y: Double)?
    /// Window size in window coordinates (cursor space).
    public var windowSize: (width: Int, height: Int) = (1, 1)

    public static let noNeuralNotice = "no neural materials in this scene"
    public static let exposureStep: Float = 0.5

    public init(scene: Scene, hasNeuralMaterials: Bool, mode: DisplayMode = .reference, exposure: Float = 0) {
        sceneCamera = scene.camera
        camera = scene.camera
        orbit = OrbitCamera(camera: scene.camera)
        bounds = SceneBounds(scene: scene)
        self.hasNeuralMaterials = hasNeuralMaterials
        self.mode = mode
        self.exposure = exposure
    }

    private mutating func cameraChanged() -> [ViewerEffect] {
        camera = orbit.camera
        return [.cameraMoved]
    }

    private mutating func toggle(_ target: DisplayMode) -> [ViewerEffect] {
        mode = mode == target ? .reference : target
        var effects: [ViewerEffect] = [.displayChanged, .notice("mode: \(mode.rawValue)")]
        if !hasNeuralMaterials { effects.append(.notice(Self.noNeuralNotice)) }
        return effects
    }

    public mutating func handle(_ event: InputEvent) -> [ViewerEffect] {
        switch event {
        case let .key(key, shift):
            return handle(key: key, shift: shift)
        case let .mouseButton(button, pressed, shift):
            guard pressed else { drag = nil; return [] }
            switch button {
            case .left:
                if mode == .split, let x = cursor?.x,
                   abs(x - divider * Double(windowSize.width)) <= 6 {
                    drag = .divider
                } else {
                    drag = shift ? .pan : .orbit
                }
            case .middle: drag = .pan
            case .right: drag = .zoom
            }
            return []
        case let .cursor(x, y):
            defer { cursor = (x, y) }
            guard let drag, let last = cursor else { return [] }
            let dx = x - last.x, dy = y - last.y
            if dx == 0 && dy == 0 { return [] }
            switch drag {
            case .orbit: orbit.orbit(dx: dx, dy: dy, viewportHeight: windowSize.height); return cameraChanged()
            case .pan: orbit.pan(dx: dx, dy: dy, viewportHeight: windowSize.height); return cameraChanged()
            case .zoom: orbit.zoom(steps: -dy / 20); return cameraChanged()
            case .divider:
                divider = min(max(x / Double(max(windowSize.width, 1)), 0), 1)
                return [.displayChanged]
            }
        case let .scroll(_, dy):
            guard dy != 0 else { return [] }
            orbit.zoom(steps: dy)
            return cameraChanged()
        }
    }

    public mutating func handle(key: Key, shift: Bool = false) -> [ViewerEffect] {
        switch key {
        case .neural: return toggle(.neural)
        case .compare: return toggle(.split)
        case .errorMap: return toggle(.heatmap)
        case .exposureUp:
            exposure += Self.exposureStep
            return [.displayChanged, .notice(String(format: "exposure %+.1f", exposure))]
        case .exposureDown:
            exposure -= Self.exposureStep
            return [.displayChanged, .notice(String(format: "exposure %+.1f", exposure))]
        case .save: return [.save]
        case .reset:
            if shift {
                orbit = OrbitCamera(camera: sceneCamera)
                camera = sceneCamera
                return [.cameraMoved, .notice("camera reset to the scene's")]
            }
            return [.restart]
        case .frame:
            guard let bounds else { return [.notice("nothing to frame: the scene has no objects")] }
            let aspect = Float(windowSize.width) / Float(max(windowSize.height, 1))
            orbit.frame(bounds, aspect: aspect)
            return cameraChanged()
        case .help: return [.help]
        case .quit: return [.quit]
        case let .digit(d):
            guard EnvironmentPresets.apply(d, rotationOffset: &environmentRotationOffset,
                                           intensityScale: &environmentIntensityScale) else { return [] }
            return [.environmentChanged,
                    .notice(String(format: "environment preset %d: rotation %+.0f°, intensity ×%.2g", d,
                                   environmentRotationOffset, environmentIntensityScale))]
        }
    }

    /// Switches the display mode directly (scripted `--mode`).
    public mutating func setMode(_ newMode: DisplayMode) { mode = newMode }
}
