import ArgumentParser
import Foundation
import Imaging
import Rendering
import Scenes

/// `lacquer render`: a headless render of a scene file to EXR (+ PNG).
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a scene headless to a half-float EXR (and optionally a PNG).")

    @Argument(help: "Scene file (JSON, see docs/SCENE_FORMAT.md).") var scene: String
    @Option(name: .shortAndLong, help: "Output EXR path.") var output: String
    @Option(help: "Also write a tone-mapped sRGB PNG here.") var png: String?
    @Option(parsing: .unconditional, help: "Samples per pixel (overrides the scene's film.spp).") var spp: Int?
    @Option(parsing: .unconditional, help: "Image width in pixels.") var width: Int?
    @Option(parsing: .unconditional, help: "Image height in pixels.") var height: Int?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt32?
    @Option(name: .customLong("max-depth"), parsing: .unconditional, help: "Maximum surface interactions per path (default 6).") var maxDepth: Int?
    @Option(help: "Vulkan device: index or name substring (see `lacquer info`).") var device: String?
    @Flag(help: "Enable the Vulkan validation layer; any message makes the command fail.") var validation = false
    @Option(help: "Extra EXR channels: comma-separated albedo,normal,depth.") var aov: String?
    @Option(help: "Layered materials: auto (neural where a current .nmat exists), neural, or reference.") var materials: String = "auto"
    @Option(help: "Light transport: mis (default), bsdf or nee (for unbiasedness checks).") var strategy: String = "mis"
    @Option(parsing: .unconditional, help: "Exposure for the PNG in stops.") var exposure: Float = 0
    @Flag(help: "Material-coherent shading (a subgroup waterfall per material) instead of per-lane divergent shading.") var coherent = false
    @Option(help: "How rays are traced: pipeline (ray-tracing pipeline), query (compute + ray queries) or auto (the faster on this device).") var tracing: TracingMethod = .auto
    @Option(help: "How work is scheduled: megakernel (one kernel per path), wavefront (stages per depth, one shading dispatch per material; needs ray queries) or auto (the better on this device for this scene: on a CPU device the megakernel for built-in analytic materials only, the wavefront otherwise).") var integrator: Integrator = .auto
    @Flag(name: .customLong("float"), help: "Write 32-bit float EXR channels instead of half.") var floatEXR = false
    @Flag(help: "Debug logging (shader compiles, cache hits).") var verbose = false
    @Flag(help: "Wavefront integrator: submit each stage on its own, time it and print where the render's time went (same image, a little slower).") var stageTimes = false

    func validate() throws {
        if let spp, spp < 1 { throw ValidationError("--spp \(spp): must be at least 1") }
        if let width, !(1...Film.maximumSide).contains(width) { throw ValidationError("--width \(width): must be in 1...\(Film.maximumSide)") }
        if let height, !(1...Film.maximumSide).contains(height) { throw ValidationError("--height \(height): must be in 1...\(Film.maximumSide)") }
        if let maxDepth, !(1...64).contains(maxDepth) { throw ValidationError("--max-depth must be in 1...64") }
        if RenderSettings.Strategy(rawValue: strategy) == nil { throw ValidationError("--strategy must be mis, bsdf or nee") }
        if MaterialMode(rawValue: materials) == nil { throw ValidationError("--materials must be auto, neural or reference") }
        _ = try parseAOVs()
        if stageTimes && integrator == .megakernel { throw ValidationError("--stage-times: stages are timed for the wavefront integrator only; drop --integrator megakernel") }
        if !output.lowercased().hasSuffix(".exr") { throw ValidationError("-o \(output): the output must be an .exr file") }
        if let problem = CommandSupport.finiteProblem(Double(exposure), option: "--exposure") { throw ValidationError(problem) }
        // Output paths (the EXR carries the AOVs) are checked before the scene
        // is even read, so a finished render is never lost to a bad path.
        if let problem = CommandSupport.outputPathProblem(output, option: "-o") { throw ValidationError(problem) }
        if let png {
            if !png.lowercased().hasSuffix(".png") { throw ValidationError("--png \(png): the path must end in .png") }
            if let problem = CommandSupport.outputPathProblem(png, option: "--png") { throw ValidationError(problem) }
            if URL(fileURLWithPath: png).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL {
                throw ValidationError("--png \(png): is the same file as -o")
            }
        }
    }

    /// "stages: extend 1.62 s (54 %; by depth 0.90, 0.53, …), shade …", the
    /// kinds in schedule order, depths in order.
    static func stageReport(_ seconds: [WavefrontStage: Double]) -> String {
        let total = seconds.values.reduce(0, +)
        let parts = WavefrontStage.Kind.allCases.compactMap { kind -> String? in
            let stages = seconds.filter { $0.key.kind == kind }
            guard !stages.isEmpty else { return nil }
            let sum = stages.values.reduce(0, +)
            var part = "\(kind.rawValue) \(CommandSupport.formatSeconds(sum)) (\(total > 0 ? Int((100 * sum / total).rounded()) : 0) %"
            let byDepth = stages.compactMap { stage, s in stage.depth.map { ($0, s) } }.sorted { $0.0 < $1.0 }
            if byDepth.count > 1 { part += "; by depth " + byDepth.map { CommandSupport.formatSeconds($0.1) }.joined(separator: ", ") }
            return part + ")"
        }
        return "stages: " + parts.joined(separator: ", ")
    }

    func parseAOVs() throws -> RenderSettings.AOVs {
        var aovs: RenderSettings.AOVs = []
        for name in (aov ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            switch name {
            case "albedo": aovs.insert(.albedo)
            case "normal": aovs.insert(.normal)
            case "depth": aovs.insert(.depth)
            default: throw ValidationError("--aov \(name): unknown AOV; choose from albedo, normal, depth")
            }
        }
        return aovs
    }

    func run() throws {
        let logger = CommandSupport.makeLogger(verbose: verbose)
        let loaded: Scene
        do { loaded = try SceneLoader.load(path: scene) } catch { CommandSupport.fail("\(error)") }
        var settings = RenderSettings(film: loaded.film)
        if let spp { settings.samplesPerPixel = spp }
        if let width { settings.width = width }
        if let height { settings.height = height }
        if let seed { settings.seed = seed }
        if let maxDepth { settings.maxDepth = maxDepth }
        settings.aovs = try parseAOVs()
        settings.strategy = RenderSettings.Strategy(rawValue: strategy) ?? .mis
        settings.profileStages = stageTimes

        let renderDevice: RenderDevice
        let tracer: PathTracer
        let prepared: SceneMaterials
        do {
            prepared = try SceneMaterials(scene: loaded, mode: MaterialMode(rawValue: materials) ?? .auto, logger: logger)
            renderDevice = try RenderDevice(selector: device, validation: validation, logger: logger)
            tracer = try PathTracer(renderDevice: renderDevice, sceneCode: prepared.code, coherentShading: coherent, tracing: tracing, integrator: integrator)
        } catch { CommandSupport.fail("\(error)") }
        print("device: \(renderDevice.deviceName)\(renderDevice.validationEnabled ? " (validation on)" : "")")
        print("integrator: \(tracer.integrator.rawValue), tracing: \(tracer.tracing.rawValue)")
        let counts = Dictionary(grouping: prepared.kinds, by: { $0 }).mapValues(\.count)
        print("materials: " + ResolvedMaterial.Kind.allCases.compactMap { k in counts[k].map { "\($0) \(k.rawValue)" } }.joined(separator: ", "))

        let reporter = ProgressReporter(label: "render")
        let firstDispatch = FirstDispatchIndicator(label: "render")
        let result: RenderOutput
        do {
            result = try tracer.render(scene: loaded, settings: settings, materials: prepared) { done, total in
                firstDispatch.stop()
                reporter.update(done: done, total: total, unit: "spp")
            }
        } catch { firstDispatch.stop(); CommandSupport.fail("\(error)") }

        var extra: [EXRChannel] = []
        if let albedo = result.albedo {
            extra += [EXRChannel(name: "albedo.R", values: albedo.pixels.map(\.x)),
                      EXRChannel(name: "albedo.G", values: albedo.pixels.map(\.y)),
                      EXRChannel(name: "albedo.B", values: albedo.pixels.map(\.z))]
        }
        if let normal = result.normal {
            extra += [EXRChannel(name: "normal.X", values: normal.pixels.map(\.x)),
                      EXRChannel(name: "normal.Y", values: normal.pixels.map(\.y)),
                      EXRChannel(name: "normal.Z", values: normal.pixels.map(\.z))]
        }
        if let depth = result.depth { extra.append(EXRChannel(name: "depth.Z", values: depth)) }
        do {
            try writeEXR(result.image, to: output, pixelType: floatEXR ? .float : .half, extraChannels: extra)
            if let png { try writePNG(result.image, to: png, exposure: exposure) }
        } catch { CommandSupport.fail("\(error)") }

        let s = result.stats
        print("wrote \(output)\(png.map { " and \($0)" } ?? "")")
        print("timings: BVH build \(CommandSupport.formatSeconds(s.bvhSeconds)), shader compile \(CommandSupport.formatSeconds(s.shaderSeconds)), render \(CommandSupport.formatSeconds(s.renderSeconds)) (first dispatch \(CommandSupport.formatSeconds(s.firstDispatchSeconds)))")
        print("\(settings.width)×\(settings.height), \(s.samplesPerPixel) spp, \(s.rays) rays, \(CommandSupport.formatRate(s.raysPerSecond))rays/s")
        if let seconds = s.stageSeconds { print(Self.stageReport(seconds)) }
        let messages = renderDevice.validationMessages
        if !messages.isEmpty {
            CommandSupport.fail("the Vulkan validation layer reported \(messages.count) message(s); see the log above")
        }
    }
}
