import ArgumentParser
import Baking
import Foundation
import Logging
import Materials
import NeuralMaterial
import Rendering
import Scenes

/// `lacquer bench`: frame-time benchmarks of the path tracer (docs/BENCHMARKS.md).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: full-frame time of neural vs reference materials, scaling with material count, the CPU training step.",
        subcommands: [Shading.self, Scaling.self, Train.self])

    struct Common: ParsableArguments {
        @Option(help: "Frame width.") var width = 512
        @Option(help: "Frame height.") var height = 512
        @Option(help: "Timed frames per variant (1 spp each); the median is reported.") var frames = 7
        @Option(help: "Untimed warm-up frames per variant (the first pays for the driver's JIT).") var warmup = 2
        @Option(help: "Vulkan device: index or name substring.") var device: String?
        @Option(help: "Coherent shading variants to run: off, on or both (both: on only where the device supports it).") var coherent = "both"
        @Option(help: "How rays are traced: pipeline, query or auto; a comma-separated list runs each, side by side.") var tracing = "auto"
        @Option(help: "Integrators to run: megakernel, wavefront or auto (the better on this device for layered and neural materials; the variants share it); a comma-separated list runs each, side by side. The wavefront traces with ray queries and shades one material per dispatch, so --tracing and --coherent apply to the megakernel only.")
        var integrator = Integrator.auto.rawValue
        @Flag(help: "Print the results as JSON.") var json = false

        /// The tracing methods to run (resolved, duplicates removed), in the order given.
        func tracingMethods(on device: RenderDevice) throws -> [TracingMethod] {
            var methods: [TracingMethod] = []
            for name in tracing.split(separator: ",") {
                guard let method = TracingMethod(rawValue: String(name)) else {
                    throw ValidationError("--tracing: unknown method '\(name)'; use pipeline, query or auto")
                }
                let resolved = try method.resolved(for: device.device)
                if !methods.contains(resolved) { methods.append(resolved) }
            }
            guard !methods.isEmpty else { throw ValidationError("--tracing: name at least one of pipeline, query, auto") }
            return methods
        }

        /// The integrators to run (resolved, duplicates removed), in the order given.
        func integrators(on device: RenderDevice) throws -> [Integrator] {
            var list: [Integrator] = []
            for name in integrator.split(separator: ",") {
                guard let value = Integrator(rawValue: String(name)) else {
                    throw ValidationError("--integrator: unknown integrator '\(name)'; use megakernel, wavefront or auto")
                }
                let resolved = value.resolved(for: device.device)
                if !list.contains(resolved) { list.append(resolved) }
            }
            guard !list.isEmpty else { throw ValidationError("--integrator: name megakernel, wavefront or auto") }
            return list
        }

        /// Every (integrator, tracing, coherent) combination to run, the
        /// integrators and tracings innermost so that they are measured side by side.
        func runs(on device: RenderDevice) throws -> [Run] {
            let integrators = try integrators(on: device)
            var all: [Run] = []
            if integrators.contains(.megakernel) {
                let methods = try tracingMethods(on: device)
                all += methods.flatMap { method in
                    coherentModes(on: device, tracing: method).map { Run(integrator: .megakernel, tracing: method, coherent: $0) }
                }
            }
            if integrators.contains(.wavefront) {
                all.append(Run(integrator: .wavefront, tracing: try TracingMethod.auto.resolved(for: device.device, integrator: .wavefront),
                               coherent: false))
            }
            let ordered = all.sorted { integrators.firstIndex(of: $0.integrator)! < integrators.firstIndex(of: $1.integrator)! }
            return [false, true].flatMap { coherent in ordered.filter { $0.coherent == coherent } }
        }

        /// The shading modes to run with `tracing`. "both" drops coherent
        /// shading, with a note, where the tracing's stage has no subgroup
        /// ballots (ray generation on lavapipe); "on" there fails with PathTracer's error.
        func coherentModes(on device: RenderDevice, tracing: TracingMethod = .pipeline) -> [Bool] {
            switch coherent {
            case "on": return [true]
            case "off": return [false]
            default:
                let supported = tracing == .query ? device.device.subgroupBallotInCompute : device.device.subgroupBallotInRayGeneration
                if supported { return [false, true] }
                FileHandle.standardError.write(Data("bench: skipping coherent shading with --tracing \(tracing.rawValue): \(device.deviceName) has no subgroup ballots in that stage\n".utf8))
                return [false]
            }
        }
    }

    /// One way of running the path tracer.
    struct Run {
        var integrator: Integrator
        var tracing: TracingMethod
        var coherent: Bool

        func makeTracer(_ renderDevice: RenderDevice, sceneCode: SceneShaderCode) throws -> PathTracer {
            try PathTracer(renderDevice: renderDevice, sceneCode: sceneCode, coherentShading: coherent, tracing: tracing, integrator: integrator)
        }

        func row(variant: String, median: Double, minimum: Double) -> Row {
            Row(variant: variant, coherent: coherent, tracing: tracing.rawValue, integrator: integrator.rawValue,
                medianMilliseconds: median, minMilliseconds: minimum)
        }

        var label: String { "\(integrator.rawValue)\(coherent ? ", coherent" : ""), \(tracing.rawValue)" }
    }

    struct Row {
        var variant: String
        var coherent: Bool
        var tracing: String = TracingMethod.pipeline.rawValue
        var integrator: String = Integrator.megakernel.rawValue
        var medianMilliseconds: Double
        var minMilliseconds: Double

        /// Whether `other` was measured the same way (integrator, tracing, shading mode).
        func sameRun(as other: Row) -> Bool {
            other.integrator == integrator && other.tracing == tracing && other.coherent == coherent
        }
    }

    /// Median and minimum frame time of `frames` 1-spp frames after `warmup`.
    static func measure(_ tracer: PathTracer, scene: Scene, materials: SceneMaterials, common: Common) throws -> (Double, Double) {
        var settings = RenderSettings(film: scene.film)
        settings.width = common.width
        settings.height = common.height
        settings.samplesPerPixel = 1
        let session = try RenderSession(tracer: tracer, scene: scene, settings: settings, materials: materials)
        if common.warmup > 0 {
            // The first frame pays for the driver's pipeline compile (minutes
            // on lavapipe for a large megakernel): show that it is not a hang.
            let firstDispatch = FirstDispatchIndicator(label: "bench")
            defer { firstDispatch.stop() }
            try session.accumulate(samples: 1)
        }
        for _ in 1..<max(common.warmup, 1) { try session.accumulate(samples: 1) }
        var times: [Double] = []
        for _ in 0..<max(1, common.frames) {
            let start = Date()
            try session.accumulate(samples: 1)
            times.append(Date().timeIntervalSince(start) * 1000)
        }
        times.sort()
        return (times[times.count / 2], times[0])
    }

    /// The `--json` document: one object on stdout, stable keys for scripts
    /// (Tools/bench-speed) — variant names as slugs ("trace-only",
    /// "reference", "neural-2x32"), frame and shading times in milliseconds.
    struct JSONReport: Encodable {
        struct Result: Encodable {
            var variant: String
            /// "megakernel" or "wavefront".
            var integrator: String
            /// "pipeline" (ray-tracing pipeline) or "query" (ray queries in compute).
            var tracing: String
            var coherent: Bool
            var frame_ms: Double
            var min_ms: Double
            /// Frame − the trace-only frame of the same shading mode; nil without one.
            var shading_ms: Double?
        }
        var device: String
        /// The integrators of the results, comma-separated in the order run.
        var integrator: String
        var results: [Result]
    }

    /// "trace only" → "trace-only", "neural 2x32" → "neural-2x32".
    static func slug(_ variant: String) -> String {
        variant.lowercased().replacingOccurrences(of: " ", with: "-")
    }

    /// Prints one line per row; with a `baseline` row, its speed ratio
    /// against every row, and with a `traceOnly` row also the shading-only
    /// ratio (frame time minus the trace-only frame), as the paper reports both.
    static func report(_ rows: [Row], title: String, device: String, json: Bool, baseline: String?, traceOnly: String? = nil) {
        if json {
            let results = rows.map { row -> JSONReport.Result in
                let trace = rows.first { $0.variant == traceOnly && row.sameRun(as: $0) }
                return JSONReport.Result(variant: slug(row.variant), integrator: row.integrator, tracing: row.tracing, coherent: row.coherent,
                                         frame_ms: row.medianMilliseconds, min_ms: row.minMilliseconds,
                                         shading_ms: trace.map { row.medianMilliseconds - $0.medianMilliseconds })
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var integrators: [String] = []
            for row in rows where !integrators.contains(row.integrator) { integrators.append(row.integrator) }
            let report = JSONReport(device: device, integrator: integrators.joined(separator: ","), results: results)
            let data = (try? encoder.encode(report)) ?? Data()
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(title) on \(device)")
        for row in rows {
            var line = "  " + row.variant.padding(toLength: 26, withPad: " ", startingAt: 0)
                + " " + row.integrator.padding(toLength: 10, withPad: " ", startingAt: 0) + (row.coherent ? " coherent " : " divergent")
                + " " + row.tracing.padding(toLength: 8, withPad: " ", startingAt: 0)
            line += String(format: "  median %8.1f ms  min %8.1f ms", row.medianMilliseconds, row.minMilliseconds)
            func matching(_ name: String?) -> Row? { rows.first { $0.variant == name && row.sameRun(as: $0) } }
            if let base = matching(baseline), row.variant != traceOnly {
                line += String(format: "  frame %.2f× the reference's speed", base.medianMilliseconds / row.medianMilliseconds)
                if let trace = matching(traceOnly) {
                    let shading = row.medianMilliseconds - trace.medianMilliseconds
                    let baseShading = base.medianMilliseconds - trace.medianMilliseconds
                    line += String(format: "; shading %.1f ms, %.2f×", shading, baseShading / max(shading, 1e-3))
                }
            }
            print(line)
        }
    }

    /// Neural (2×16, 2×32, 3×64) vs reference on one scene, same camera.
    struct Shading: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Full-frame time at 1 spp: reference layered materials vs neural decoders of each size.",
            discussion: """
                Neural variants use seeded random weights and 512² latent pyramids for every layered material: frame time \
                depends on the architecture, not on the trained values. The "trace only" variant replaces every layered \
                material by a plain diffuse one: the frame's cost without layered shading, subtracted to report the \
                shading-only ratio.
                """)
        @Argument(help: "Scene with layered materials.") var scene = "Assets/Scenes/gallery.json"
        @Option(help: "Decoder sizes to run, each as `lacquer bake --decoder SIZE` makes it (2x16: smooth ReLU, h-d-l inputs).") var decoders = "2x16,2x32,3x64"
        @Option(help: "Bind every layered material of the scene to this material file (FILE or FILE#NAME) instead (e.g. the deepest one).")
        var material: String?
        @OptionGroup var common: Common

        func run() throws {
            let logger = CommandSupport.makeLogger()
            do {
                var loaded = try SceneLoader.load(path: scene)
                if let material {
                    let ref = MaterialReference(parsing: material)
                    guard FileManager.default.fileExists(atPath: ref.path) else { throw ValidationError("--material: \(ref.path) does not exist") }
                    let file = URL(fileURLWithPath: ref.path).standardizedFileURL.path
                    let path = ref.name.map { "\(file)#\($0)" } ?? file
                    for i in loaded.materials.indices where loaded.materials[i].isLayered {
                        loaded.materials[i].source = .layered(LayeredBinding(source: path))
                    }
                }
                let renderDevice = try RenderDevice(selector: common.device, logger: logger)
                var rows: [Row] = []
                var traceOnlyScene = loaded
                for i in traceOnlyScene.materials.indices where traceOnlyScene.materials[i].isLayered {
                    traceOnlyScene.materials[i].source = .analytic(.diffuse(albedo: Float3(0.5, 0.5, 0.5)))
                }
                var variants: [(String, SceneMaterials)] = [
                    ("trace only", try SceneMaterials(scene: traceOnlyScene, mode: .reference, logger: logger)),
                    ("reference", try SceneMaterials(scene: loaded, mode: .reference, logger: logger)),
                ]
                for name in decoders.split(separator: ",") {
                    // The architecture a bake of this size makes (the 2×16: smooth ReLU on h-d-l inputs).
                    let architecture = try BakeSettings.bakedArchitecture(decoder: String(name))
                    variants.append(("neural \(name)", try SceneMaterials.synthetic(scene: loaded, architecture: architecture, logger: logger)))
                }
                let runs = try common.runs(on: renderDevice)
                for coherent in [false, true] {
                    for (name, materials) in variants {
                        for run in runs where run.coherent == coherent {
                            let tracer = try run.makeTracer(renderDevice, sceneCode: materials.code)
                            let (median, minimum) = try BenchCommand.measure(tracer, scene: loaded, materials: materials, common: common)
                            rows.append(run.row(variant: name, median: median, minimum: minimum))
                            if !common.json { FileHandle.standardError.write(Data("bench: \(name) [\(run.label)]: \(String(format: "%.1f", median)) ms\n".utf8)) }
                        }
                    }
                }
                let title = "bench shading: \(scene)\(material.map { " (every layered material = \($0))" } ?? ""), \(common.width)×\(common.height), 1 spp, NEE+MIS, ≤\(loaded.film.maxDepth) bounces"
                BenchCommand.report(rows, title: title, device: renderDevice.deviceName, json: common.json,
                                    baseline: "reference", traceOnly: "trace only")
            } catch let error as ValidationError { throw error } catch { CommandSupport.fail("\(error)") }
        }
    }

    /// Frame time with 1, 5 and 25 distinct neural materials in one scene.
    struct Scaling: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Frame time with N distinct neural (2×32) materials on a grid of spheres.")
        @Option(help: "Material counts.") var counts = "1,5,25"
        @OptionGroup var common: Common

        func run() throws {
            let logger = CommandSupport.makeLogger()
            do {
                let renderDevice = try RenderDevice(selector: common.device, logger: logger)
                let materialPath = FileManager.default.currentDirectoryPath + "/Assets/Materials/conductor.json"
                guard FileManager.default.fileExists(atPath: materialPath) else {
                    CommandSupport.fail("run `lacquer bench scaling` from the repository root (needs Assets/Materials/conductor.json)")
                }
                var rows: [Row] = []
                for run in try common.runs(on: renderDevice) {
                    for countText in counts.split(separator: ",") {
                        guard let count = Int(countText), count > 0 else { throw ValidationError("--counts: \(countText) is not a positive integer") }
                        let scene = BenchCommand.sphereGrid(count: 25, distinctMaterials: count, materialPath: materialPath)
                        let materials = try SceneMaterials.synthetic(scene: scene, architecture: .brdf2x32, latentResolution: 256, logger: logger)
                        let tracer = try run.makeTracer(renderDevice, sceneCode: materials.code)
                        let (median, minimum) = try BenchCommand.measure(tracer, scene: scene, materials: materials, common: common)
                        rows.append(run.row(variant: "\(count) neural material(s)", median: median, minimum: minimum))
                        if !common.json { FileHandle.standardError.write(Data("bench: \(count) materials [\(run.label)]: \(String(format: "%.1f", median)) ms\n".utf8)) }
                    }
                }
                BenchCommand.report(rows, title: "bench scaling: 25 spheres, N distinct 2×32 neural materials, \(common.width)×\(common.height), 1 spp",
                                    device: renderDevice.deviceName, json: common.json, baseline: nil)
            } catch let error as ValidationError { throw error } catch { CommandSupport.fail("\(error)") }
        }
    }

    /// The CPU training step of issue 13 (see `TrainingStepBenchmark`).
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "CPU training-step throughput: latent fetch, BRDF + sampler decoders forward and backward, Adam on everything.",
            discussion: """
                The peers' step on synthetic data: batch 65536, one 512²×8 float32 latent texture (bilinear, wrap), frame layer \
                8→12, BRDF decoder (12+8)→32→32→3 (ReLU, exp output, log-L1 loss), sampler (8+3)→32→32→32→9 (mixture pdf, KL \
                loss), gradients scattered to the 4 taps, Adam on every parameter and latent. The instruction set is the one \
                `lacquer info` names (override: LACQUER_ISA=portable|avx2-fma|avx512, or --isa); --isa all runs every path \
                this CPU has, alternating, for side-by-side ratios.
                """)
        @Option(help: "Rows per step.") var batch = 65536
        @Option(help: "Latent texture resolution (square).") var resolution = 512
        @Option(help: "Timed steps per round; the median step is reported.") var steps = 10
        @Option(help: "Untimed warm-up steps.") var warmup = 2
        @Option(help: "Rounds per instruction set (alternating when several); the median round is reported.") var rounds = 1
        @Option(help: "Worker threads (default: all cores).") var threads: Int?
        @Option(help: "Instruction set: portable, avx2-fma, avx512, all (default: the active one).") var isa: String?
        @Flag(help: "Print one JSON object (an array with --isa all).") var json = false

        func validate() throws {
            guard batch > 0 else { throw ValidationError("--batch must be positive, got \(batch)") }
            guard resolution > 0, resolution <= 8192 else { throw ValidationError("--resolution must be in 1...8192, got \(resolution)") }
            guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
            guard warmup >= 0 else { throw ValidationError("--warmup must be ≥ 0, got \(warmup)") }
            guard rounds > 0 else { throw ValidationError("--rounds must be positive, got \(rounds)") }
            if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
        }

        func run() throws {
            let paths: [TrainingISA]
            do {
                switch isa?.lowercased() {
                case nil: paths = [try TrainingISA.selection(environment: ProcessInfo.processInfo.environment)]
                case "all": paths = TrainingISA.available
                case let name?: paths = [try TrainingISA.named(name, source: "--isa \(name)")]
                }
            } catch { throw ValidationError("\(error)") }
            let workers = threads ?? ProcessInfo.processInfo.activeProcessorCount
            let benches = paths.map { TrainingStepBenchmark(batch: batch, resolution: resolution, threads: workers, isa: $0) }
            var rounds: [[TrainingStepBenchmark.Result]] = benches.map { _ in [] }
            for _ in 0..<self.rounds {
                for (i, bench) in benches.enumerated() {
                    let result = bench.run(steps: steps, warmup: rounds[i].isEmpty ? warmup : 0)
                    rounds[i].append(result)
                    if !json {
                        FileHandle.standardError.write(Data(String(format: "bench train: %@ %.3f M samples/s\n", result.isa, result.samplesPerSecond / 1e6).utf8))
                    }
                }
            }
            let results = rounds.map { r in r.sorted { $0.samplesPerSecond < $1.samplesPerSecond }[r.count / 2] }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let data = results.count == 1 ? try encoder.encode(results[0]) : try encoder.encode(results)
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("bench train: batch \(batch), latents \(resolution)²×8, 2×32 BRDF + 3×32 sampler, \(workers) thread(s), median of \(steps) steps × \(self.rounds) round(s)")
            for r in results {
                var line = String(format: "  %-9@ %7.3f M samples/s  %6.1f GFLOP/s  step %6.1f ms  (%.3f M samples per CPU-second)",
                                  r.isa, r.samplesPerSecond / 1e6, r.gflops, r.medianStepSeconds * 1000, r.samplesPerCPUSecond / 1e6)
                if let base = results.first(where: { $0.isa == TrainingISA.portable.rawValue }), r.isa != base.isa {
                    line += String(format: "  %.2f× portable", r.samplesPerSecond / base.samplesPerSecond)
                }
                print(line)
            }
        }
    }

    /// 5×5 spheres under a constant sky; sphere i uses material i mod `distinctMaterials`.
    static func sphereGrid(count: Int, distinctMaterials: Int, materialPath: String) -> Scene {
        let materials = (0..<distinctMaterials).map { NamedMaterial(name: "m\($0)", layered: LayeredBinding(source: materialPath)) }
        let objects = (0..<count).map { i -> SceneObject in
            let x = Float(i % 5) - 2, y = Float(i / 5) - 2
            return SceneObject(name: "s\(i)", shape: .sphere(center: Float3(x * 1.1, y * 1.1, 0), radius: 0.5), materialIndex: i % distinctMaterials)
        }
        return Scene(camera: Camera(position: Float3(0, 0, 9), target: .zero, up: Float3(0, 1, 0), fovY: 40, focusDistance: 0),
                     film: Film(width: 512, height: 512, samplesPerPixel: 1, maxDepth: 6, seed: 0),
                     environment: .constant(Float3(0.8, 0.85, 1.0)), materials: materials, objects: objects)
    }
}
