import Foundation
import Imaging
import Logging
import Rendering
import Scenes
import VulkanSupport

/// The two appearances the viewer flips between: every layered material
/// through its reference code, and through its neural twin where a current
/// `.nmat` exists (nil when the scene has no neural material).
struct ViewerMaterials {
    var reference: SceneMaterials
    var neural: SceneMaterials?

    init(scene: Scene, logger: Logger) throws {
        reference = try SceneMaterials(scene: scene, mode: .reference, logger: logger)
        let auto = try SceneMaterials(scene: scene, mode: .auto, logger: logger)
        neural = auto.kinds.contains(.neural) ? auto : nil
    }
}

/// What a viewer run did (for the CLI's exit status and the tests).
public struct ViewerResult: Sendable {
    public var framesPresented: Int
    public var validationEnabled: Bool
    public var validationMessages: [String]
    public var screenshot: String?
    public var benchmark: ViewerBenchmark?
}

/// Frames per second of the whole viewer loop (trace, read back, tone map,
/// upload, present) at a fixed size, one sample per pixel per frame.
public struct ViewerBenchmark: Sendable {
    public var device: String
    public var scene: String
    public var width: Int
    public var height: Int
    public var samplesPerFrame: Int
    public var frames: Int
    public var seconds: Double
    public var presentMode: String
    public var traceMilliseconds: Double
    public var composeMilliseconds: Double
    public var presentMilliseconds: Double
    public var framesPerSecond: Double { seconds > 0 ? Double(frames) / seconds : 0 }

    public var summary: String {
        String(format: "benchmark: %@ at %d×%d, %d spp/frame on %@ (present mode %@): %d frames in %.2f s = %.2f fps (%.1f ms/frame: trace %.1f, readback+tone map %.1f, upload+present %.1f)",
               scene, width, height, samplesPerFrame, device, presentMode, frames, seconds, framesPerSecond,
               frames > 0 ? seconds * 1000 / Double(frames) : 0, traceMilliseconds, composeMilliseconds, presentMilliseconds)
    }
}

/// The interactive viewer: a GLFW window, a swapchain and one or two
/// progressive `RenderSession`s (reference, and neural when a mode needs it).
///
/// Each frame: apply input -> (re)configure the sessions (camera,
/// environment, resolution: reduced while the camera moves) -> trace
/// `samplesPerFrame` more samples -> read back the mean -> tone map and
/// composite on the CPU -> copy into the swapchain image -> present.
/// Threading: everything runs on the calling (main) thread.
public final class Viewer {
    private struct RenderKey: Equatable {
        var camera: Camera
        var rotation: Float?
        var intensity: Float?
        var width: Int
        var height: Int
    }

    private final class SessionSlot {
        let session: RenderSession
        var applied: RenderKey?
        /// Whether a frame has been traced: the first one pays for the driver's pipeline compile.
        var hasTraced = false
        init(_ session: RenderSession) { self.session = session }
    }

    private let options: ViewerOptions
    private let logger: Logger
    private let scene: Scene
    private let materials: ViewerMaterials
    private var controller: ViewerController
    private let environmentBase: (rotation: Float, intensity: Float, isConstant: Bool)

    // Owned GPU/window objects, released in `shutdown` in dependency order.
    private var glfw: GLFWLibrary?
    private var window: ViewerWindow?
    private var renderDevice: RenderDevice?
    private var surface: VulkanSurface?
    private var presenter: SwapchainPresenter?
    private var tracer: PathTracer?
    private var neuralTracer: PathTracer?
    private var reference: SessionSlot?
    private var neural: SessionSlot?
    private var validationSink: ValidationMessageSink?

    private var needsRecreate = false
    private var interactiveUntil = 0.0
    private var reducedDivisor = 2
    private var lastReference: Image?
    private var lastNeural: Image?
    private var lastFrame: DisplayFrame?
    private var frameMilliseconds = 0.0
    private var lastTitleUpdate = 0.0
    private var framesPresented = 0
    private var quitRequested = false
    private var pendingScripted: [ScriptedEvent]

    public static func run(options: ViewerOptions, logger: Logger) throws -> ViewerResult {
        try options.validate()
        let scene = try SceneLoader.load(path: options.scenePath)
        let materials = try ViewerMaterials(scene: scene, logger: logger)
        let viewer = Viewer(options: options, scene: scene, materials: materials, logger: logger)
        return try viewer.run()
    }

    private init(options: ViewerOptions, scene: Scene, materials: ViewerMaterials, logger: Logger) {
        self.options = options
        self.scene = scene
        self.logger = logger
        self.materials = materials
        pendingScripted = options.events
        controller = ViewerController(scene: scene, hasNeuralMaterials: materials.neural != nil,
                                      mode: options.mode, exposure: options.exposure)
        switch scene.environment {
        case let .map(_, rotation, intensity): environmentBase = (rotation, intensity, false)
        case .constant: environmentBase = (0, 1, true)
        }
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    private func run() throws -> ViewerResult {
        var result = ViewerResult(framesPresented: 0, validationEnabled: false, validationMessages: [], screenshot: nil, benchmark: nil)
        do {
            try start()
            result.validationEnabled = renderDevice?.validationEnabled ?? false
            if let seconds = options.benchmarkSeconds {
                result.benchmark = try benchmark(seconds: seconds)
            } else {
                try loop()
                if let path = options.screenshot { try saveScreenshot(to: path); result.screenshot = path }
            }
        } catch {
            shutdown()
            throw error
        }
        shutdown()
        result.framesPresented = framesPresented
        // Read after teardown: leak reports come at device destruction.
        result.validationMessages = validationSink?.messages ?? []
        return result
    }

    // MARK: - Setup and teardown

    private func start() throws {
        let glfw = try GLFWLibrary.load()
        self.glfw = glfw
        let size = options.windowSize(film: scene.film)
        let window = try ViewerWindow(glfw: glfw, width: size.width, height: size.height, title: "lacquer — starting")
        self.window = window
        let renderDevice = try RenderDevice(selector: options.device, validation: options.validation,
                                            instanceExtensions: try glfw.requiredInstanceExtensions(),
                                            deviceExtensions: ["VK_KHR_swapchain"], logger: logger)
        self.renderDevice = renderDevice
        validationSink = renderDevice.instance.validation
        surface = try window.makeSurface(instance: renderDevice.instance)
        let fb = window.framebufferSize
        presenter = try SwapchainPresenter(device: renderDevice.device, surface: surface!, width: fb.width, height: fb.height,
                                           presentMode: options.benchmarkSeconds != nil ? .unthrottled : .vsync,
                                           readback: options.screenshot != nil)
        tracer = try PathTracer(renderDevice: renderDevice, sceneCode: materials.reference.code, tracing: options.tracing, integrator: options.integrator)
        reference = SessionSlot(try makeSession(materials.reference))
        print("device: \(renderDevice.deviceName)\(renderDevice.validationEnabled ? " (validation on)" : "")")
        if let presenter {
            print("window: \(presenter.width)×\(presenter.height), swapchain \(presenter.formatName), present mode \(presenter.presentModeName)")
            if options.frames != nil, let w = options.width, let h = options.height, (presenter.width, presenter.height) != (w, h) {
                logger.warning("the window is \(presenter.width)×\(presenter.height), not the requested \(w)×\(h) (the window manager resized it)")
            }
        }
        if options.mode != .reference, materials.neural == nil { print(ViewerController.noNeuralNotice) }
        if options.frames == nil && options.benchmarkSeconds == nil { print("press H for help, Esc to quit") }
    }

    /// A progressive session for one appearance (its own pipeline: the
    /// generated material code differs between reference and neural).
    private func makeSession(_ prepared: SceneMaterials) throws -> RenderSession {
        guard let renderDevice, let presenter else { throw ViewerError("internal: renderer not started") }
        let tracer: PathTracer
        if prepared.code == self.tracer?.sceneCode, let existing = self.tracer {
            tracer = existing
        } else if let existing = neuralTracer, existing.sceneCode == prepared.code {
            tracer = existing
        } else {
            tracer = try PathTracer(renderDevice: renderDevice, sceneCode: prepared.code, tracing: options.tracing, integrator: options.integrator)
            neuralTracer = tracer
        }
        var settings = RenderSettings(film: scene.film)
        settings.width = max(presenter.width, 1)
        settings.height = max(presenter.height, 1)
        settings.samplesPerPixel = options.samplesPerFrame
        return try RenderSession(tracer: tracer, scene: scene, settings: settings, materials: prepared)
    }

    /// Releases everything in dependency order: swapchain before surface,
    /// surface before window, every device object before the device.
    private func shutdown() {
        renderDevice?.device.waitIdle()
        presenter = nil
        surface = nil
        reference = nil
        neural = nil
        neuralTracer = nil
        tracer = nil
        renderDevice = nil
        window?.close()
        window = nil
        glfw?.terminate()
        glfw = nil
    }

    // MARK: - The frame loop

    private func loop() throws {
        guard let window else { return }
        while !window.shouldClose && !quitRequested {
            let frameStart = Self.now()
            window.pollEvents()
            var changed = try processInput()
            if quitRequested { break }

            let fb = window.framebufferSize
            if fb.width <= 0 || fb.height <= 0 || window.isIconified {
                window.waitEvents(timeout: 0.25) // minimised: nothing to draw
                continue
            }
            guard let presenter else { return }
            if needsRecreate || presenter.isMinimized || presenter.width != fb.width || presenter.height != fb.height {
                needsRecreate = false
                guard try presenter.recreate(width: fb.width, height: fb.height) else {
                    window.waitEvents(timeout: 0.25)
                    continue
                }
                changed = true
            }

            let traced = try renderFrame()
            if traced || changed || lastFrame == nil {
                try compose()
                try presentLastFrame()
                framesPresented += 1
            } else {
                // Converged and nothing changed: wait for input instead of spinning.
                window.waitEvents(timeout: 0.1)
            }
            let elapsed = (Self.now() - frameStart) * 1000
            frameMilliseconds = frameMilliseconds == 0 ? elapsed : 0.8 * frameMilliseconds + 0.2 * elapsed
            updateTitle(force: false)
            if let frames = options.frames, framesPresented >= frames { break }
        }
    }

    /// Scripted input due before the next frame (`--events`).
    private func dueScriptedInput() -> [InputEvent] {
        var input: [InputEvent] = []
        while let next = pendingScripted.first, next.frame <= framesPresented {
            pendingScripted.removeFirst()
            switch next.action {
            case let .input(events): input += events
            case let .resize(width, height): window?.setSize(width: width, height: height)
            }
        }
        return input
    }

    /// Applies window input and due scripted input; returns whether the
    /// display must be redrawn.
    private func processInput() throws -> Bool {
        guard let window else { return false }
        let size = window.windowSize
        controller.windowSize = (max(size.width, 1), max(size.height, 1))
        var changed = false
        let scripted = dueScriptedInput()
        let fromWindow = InputQueue.shared.drain()
        for (index, event) in (fromWindow + scripted).enumerated() {
            if index < fromWindow.count, case .mouseButton(_, true, _) = event {
                // Button events carry no position: start the drag where the pointer is.
                let c = window.cursor
                _ = controller.handle(.cursor(x: c.x, y: c.y))
            }
            for effect in controller.handle(event) {
                switch effect {
                case .cameraMoved:
                    interactiveUntil = Self.now() + 0.3
                    changed = true
                case .environmentChanged:
                    if environmentBase.isConstant { print("(constant environment: rotation and intensity presets change nothing)") }
                    changed = true
                case .displayChanged:
                    changed = true
                case .restart:
                    reference?.applied = nil
                    neural?.applied = nil
                    changed = true
                case .save:
                    saveAccumulation()
                case .help:
                    print(ViewerKeys.helpText)
                case .quit:
                    quitRequested = true
                    window.requestClose()
                case let .notice(text):
                    print(text)
                }
            }
        }
        return changed
    }

    private var isMoving: Bool { Self.now() < interactiveUntil }

    private func currentKey() -> RenderKey {
        guard let presenter else { return RenderKey(camera: controller.camera, width: 1, height: 1) }
        var w = presenter.width, h = presenter.height
        if isMoving {
            w = max(1, w / reducedDivisor)
            h = max(1, h / reducedDivisor)
        }
        let rotationOffset = controller.environmentRotationOffset
        let intensityScale = controller.environmentIntensityScale
        return RenderKey(camera: controller.camera,
                         rotation: rotationOffset == 0 ? nil : environmentBase.rotation + rotationOffset,
                         intensity: intensityScale == 1 ? nil : environmentBase.intensity * intensityScale,
                         width: w, height: h)
    }

    private func activeSlots() throws -> [SessionSlot] {
        var slots: [SessionSlot] = []
        if controller.mode.needsNeural {
            if neural == nil { neural = SessionSlot(try makeSession(materials.neural ?? materials.reference)) }
            if let neural { slots.append(neural) }
        }
        if controller.mode.needsReference, let reference { slots.append(reference) }
        return slots
    }

    /// Brings the active sessions up to date and traces more samples.
    /// Returns whether anything was traced.
    private func renderFrame() throws -> Bool {
        let key = currentKey()
        var traced = false
        let start = Self.now()
        for slot in try activeSlots() {
            if slot.applied != key {
                try slot.session.resize(width: key.width, height: key.height)
                try slot.session.reset(camera: key.camera, environmentRotation: key.rotation, environmentIntensity: key.intensity)
                slot.applied = key
            }
            if slot.session.samplesAccumulated < options.maxSamples {
                let compiling = !slot.hasTraced
                let started = Self.now()
                if compiling {
                    // The window cannot repaint while the driver compiles (minutes
                    // on lavapipe for a large megakernel): say so where the user looks.
                    logger.notice("first frame: the driver compiles the path tracer's pipelines (on lavapipe this can take minutes)…")
                }
                try slot.session.accumulate(samples: options.samplesPerFrame)
                if compiling {
                    slot.hasTraced = true
                    logger.notice("first frame traced after \(String(format: "%.1f", Self.now() - started)) s")
                }
                traced = true
            }
        }
        if isMoving && traced {
            // Keep moving frames responsive: coarser when tracing is slow.
            let ms = (Self.now() - start) * 1000
            if ms > 120 && reducedDivisor < 8 { reducedDivisor *= 2 }
            if ms < 30 && reducedDivisor > 2 { reducedDivisor /= 2 }
        }
        return traced
    }

    private func compose() throws {
        let mode = controller.mode
        lastReference = mode.needsReference ? try reference?.session.image() : nil
        lastNeural = mode.needsNeural ? try neural?.session.image() : nil
        lastFrame = try DisplayComposer.compose(mode: mode, reference: lastReference, neural: lastNeural,
                                                exposure: controller.exposure, divider: controller.divider)
    }

    private func presentLastFrame() throws {
        guard let presenter, let frame = lastFrame else { return }
        let bytes = DisplayComposer.fit(frame, width: presenter.width, height: presenter.height,
                                        bgra: presenter.channelOrder == .bgra)
        if try presenter.present(pixels: bytes) == .needsRecreate { needsRecreate = true }
    }

    private var samplesShown: Int {
        switch controller.mode {
        case .reference: return reference?.session.samplesAccumulated ?? 0
        case .neural: return neural?.session.samplesAccumulated ?? 0
        case .split, .heatmap:
            return min(reference?.session.samplesAccumulated ?? 0, neural?.session.samplesAccumulated ?? 0)
        }
    }

    private func updateTitle(force: Bool) {
        let now = Self.now()
        guard force || now - lastTitleUpdate > 0.25, let window, let renderDevice else { return }
        lastTitleUpdate = now
        var title = "lacquer — \(renderDevice.deviceName) — \(controller.mode.rawValue) — \(samplesShown) spp — "
            + String(format: "%.0f ms/frame", frameMilliseconds)
        if isMoving { title += " — 1/\(reducedDivisor) res" }
        if controller.exposure != 0 { title += String(format: " — exposure %+.1f", controller.exposure) }
        window.setTitle(title)
    }

    // MARK: - Output

    /// Writes what the swapchain showed after the last frame: read back from
    /// the swapchain image when the surface allows it, else the uploaded bytes.
    private func saveScreenshot(to path: String) throws {
        guard let presenter else { throw ViewerError("internal: no swapchain for the screenshot") }
        let frame: DisplayFrame
        let source: String
        if let shown = try presenter.lastPresentedPixels() {
            frame = DisplayFrame(width: shown.width, height: shown.height, rgba: shown.rgba)
            source = "read back from the swapchain image"
        } else if let last = lastFrame {
            frame = DisplayFrame(width: presenter.width, height: presenter.height,
                                 rgba: DisplayComposer.fit(last, width: presenter.width, height: presenter.height, bgra: false))
            source = "the uploaded frame (this surface cannot read swapchain images back)"
        } else {
            throw ViewerError("no frame was presented, so there is no screenshot to save")
        }
        try writePNG(frame.linearImage, to: path, toneMap: .clamp)
        print("screenshot: \(path) (\(frame.width)×\(frame.height), \(samplesShown) spp, \(source))")
    }

    /// P: the current accumulation as EXR (linear radiance) + PNG (as shown).
    private func saveAccumulation() {
        let sceneURL = URL(fileURLWithPath: options.scenePath)
        let directory = options.outputDirectory.map { URL(fileURLWithPath: $0) } ?? sceneURL.deletingLastPathComponent()
        let stem = sceneURL.deletingPathExtension().lastPathComponent
        let base = uniqueBase(in: directory, "\(stem)-\(controller.mode.rawValue)-\(samplesShown)spp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var written: [String] = []
            func path(_ suffix: String) -> String { directory.appendingPathComponent(base + suffix).path }
            switch controller.mode {
            case .reference, .neural:
                guard let image = controller.mode == .reference ? lastReference : lastNeural else {
                    print("nothing to save yet"); return
                }
                try writeEXR(image, to: path(".exr"))
                try writePNG(image, to: path(".png"), exposure: controller.exposure)
                written = [path(".exr"), path(".png")]
            case .split, .heatmap:
                guard let ref = lastReference, let neu = lastNeural, let frame = lastFrame else { print("nothing to save yet"); return }
                try writeEXR(ref, to: path("-reference.exr"))
                try writeEXR(neu, to: path("-neural.exr"))
                try writePNG(frame.linearImage, to: path(".png"), toneMap: .clamp)
                written = [path("-reference.exr"), path("-neural.exr"), path(".png")]
            }
            print("saved \(written.joined(separator: ", "))")
        } catch {
            print("could not save into \(directory.path): \(error)")
        }
    }

    private func uniqueBase(in directory: URL, _ base: String) -> String {
        var candidate = base
        var n = 2
        let fm = FileManager.default
        while [".exr", ".png", "-reference.exr"].contains(where: { fm.fileExists(atPath: directory.appendingPathComponent(candidate + $0).path) }) {
            candidate = "\(base)-\(n)"
            n += 1
        }
        return candidate
    }

    // MARK: - Benchmark

    private func benchmark(seconds: Double) throws -> ViewerBenchmark {
        guard let window, let presenter, let renderDevice else { throw ViewerError("internal: viewer not started") }
        func frame() throws -> (trace: Double, compose: Double, present: Double) {
            window.pollEvents()
            _ = InputQueue.shared.drain()
            let fb = window.framebufferSize
            if needsRecreate || presenter.width != fb.width || presenter.height != fb.height, fb.width > 0, fb.height > 0 {
                needsRecreate = false
                try presenter.recreate(width: fb.width, height: fb.height)
            }
            let t0 = Self.now()
            _ = try renderFrame()
            let t1 = Self.now()
            try compose()
            let t2 = Self.now()
            try presentLastFrame()
            let t3 = Self.now()
            framesPresented += 1
            return (t1 - t0, t2 - t1, t3 - t2)
        }
        // Warm-up: the first frame pays for the driver's shader JIT.
        for _ in 0..<2 { _ = try frame() }
        var trace = 0.0, composeTime = 0.0, present = 0.0, frames = 0
        let start = Self.now()
        while Self.now() - start < seconds {
            let t = try frame()
            trace += t.trace; composeTime += t.compose; present += t.present
            frames += 1
            frameMilliseconds = (Self.now() - start) * 1000 / Double(frames)
            updateTitle(force: false)
        }
        let elapsed = Self.now() - start
        let n = Double(max(frames, 1))
        let result = ViewerBenchmark(device: renderDevice.deviceName, scene: URL(fileURLWithPath: options.scenePath).lastPathComponent,
                                     width: presenter.width, height: presenter.height, samplesPerFrame: options.samplesPerFrame,
                                     frames: frames, seconds: elapsed, presentMode: presenter.presentModeName,
                                     traceMilliseconds: trace * 1000 / n, composeMilliseconds: composeTime * 1000 / n,
                                     presentMilliseconds: present * 1000 / n)
        print(result.summary)
        return result
    }
}
