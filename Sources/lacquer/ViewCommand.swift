import ArgumentParser
import Foundation
import Rendering
import Viewer

/// `lacquer view`: the interactive viewer (GLFW window + Vulkan swapchain).
/// GLFW is loaded at run time, so no other command depends on it.
struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Open a scene in an interactive window with progressive path tracing.",
        discussion: ViewerKeys.helpText + """


        Scripted (tests, CI): --frames N [--screenshot OUT.png] renders N progressive
        frames in the window, saves what the swapchain shows and exits.
        Benchmark: --benchmark SECONDS prints frames per second (default 640×360).
        """)

    @Argument(help: "Scene file (JSON, see docs/SCENE_FORMAT.md).") var scene: String
    @Option(help: "Window width in pixels (default: the scene's film, at most 1280×800).") var width: Int?
    @Option(help: "Window height in pixels.") var height: Int?
    @Option(help: "Vulkan device: index or name substring (see `lacquer info`).") var device: String?
    @Flag(help: "Enable the Vulkan validation layer; any message makes the command fail.") var validation = false
    @Option(help: "How rays are traced: pipeline, query (compute + ray queries) or auto (the faster on this device).") var tracing: TracingMethod = .auto
    @Option(help: "How work is scheduled: megakernel, wavefront (one shading dispatch per material; needs ray queries) or auto (the better on this device for this scene: on a CPU device the megakernel for built-in analytic materials only, the wavefront otherwise).") var integrator: Integrator = .auto
    @Option(help: "Scripted mode: render this many frames, then exit.") var frames: Int?
    @Option(help: "Scripted mode: save the last frame as shown by the swapchain to this PNG.") var screenshot: String?
    @Option(help: "Directory for P (save); default: next to the scene file.") var out: String?
    @Option(help: "Print frames per second after this many seconds and exit (640×360 unless --width/--height).") var benchmark: Double?
    @Option(name: .customLong("spp-per-frame"), help: "Samples per pixel traced each frame.") var sppPerFrame: Int = 1
    @Option(parsing: .unconditional, help: "Initial exposure in stops.") var exposure: Float = 0
    @Option(help: "Initial display mode: reference, neural, split or heatmap.") var mode: String = "reference"
    @Option(help: ArgumentHelp("Scripted input for tests: FRAME:key=K;FRAME:drag=left,DX,DY;FRAME:scroll=DY;FRAME:resize=WxH.",
                               visibility: .hidden)) var events: String?
    @Flag(help: "Debug logging.") var verbose = false

    func validate() throws {
        guard DisplayMode(rawValue: mode) != nil else {
            throw ValidationError("--mode must be one of \(DisplayMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do { try options().validate() } catch let error as ViewerError { throw ValidationError(error.message) }
        if let screenshot, let problem = CommandSupport.outputPathProblem(screenshot, option: "--screenshot") {
            throw ValidationError(problem)
        }
    }

    func options() throws -> ViewerOptions {
        var o = ViewerOptions(scenePath: scene)
        o.width = width
        o.height = height
        o.device = device
        o.validation = validation
        o.tracing = tracing
        o.integrator = integrator
        o.frames = frames
        o.screenshot = screenshot
        o.outputDirectory = out
        o.benchmarkSeconds = benchmark
        o.samplesPerFrame = sppPerFrame
        o.exposure = exposure
        o.mode = DisplayMode(rawValue: mode) ?? .reference
        if let events { o.events = try ScriptedEvent.parse(events) }
        return o
    }

    func run() throws {
        let logger = CommandSupport.makeLogger(verbose: verbose)
        let result: ViewerResult
        do { result = try Viewer.run(options: try options(), logger: logger) } catch { CommandSupport.fail("\(error)") }
        if !result.validationMessages.isEmpty {
            CommandSupport.fail("the Vulkan validation layer reported \(result.validationMessages.count) message(s); see the log above")
        }
    }
}
