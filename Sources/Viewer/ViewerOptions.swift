import Foundation
import Rendering
import Scenes

/// Everything `lacquer view` can be told on the command line.
public struct ViewerOptions: Sendable {
    public var scenePath: String
    /// Window size; default: the scene's film size (at most 1280×800), or
    /// 640×360 with `benchmarkSeconds`.
    public var width: Int?
    public var height: Int?
    /// `--device N|name`.
    public var device: String?
    public var validation = false
    /// `--tracing`: how the path tracer traces rays.
    public var tracing: TracingMethod = .auto
    /// `--integrator`: megakernel, wavefront or auto.
    public var integrator: Integrator = .auto
    /// Scripted mode: render this many frames, then exit.
    public var frames: Int?
    /// Scripted mode: save what the swapchain shows after the last frame.
    public var screenshot: String?
    /// Where P saves (default: next to the scene file).
    public var outputDirectory: String?
    /// Benchmark: run unthrottled this long after warm-up and print frames per second.
    public var benchmarkSeconds: Double?
    public var samplesPerFrame = 1
    public var exposure: Float = 0
    public var mode: DisplayMode = .reference
    /// Scripted input (`--events`, see `ScriptedEvent`).
    public var events: [ScriptedEvent] = []
    /// Accumulation stops here (the viewer then idles until something changes).
    public var maxSamples = 65536

    public init(scenePath: String) { self.scenePath = scenePath }

    public static let benchmarkSize = (width: 640, height: 360)

    /// The window size to ask for.
    func windowSize(film: Film) -> (width: Int, height: Int) {
        if let width, let height { return (width, height) }
        if benchmarkSeconds != nil {
            return (width ?? Self.benchmarkSize.width, height ?? Self.benchmarkSize.height)
        }
        var w = Double(width ?? film.width), h = Double(height ?? film.height)
        if width == nil, height != nil { w = h * Double(film.width) / Double(max(film.height, 1)) }
        if height == nil, width != nil { h = w * Double(film.height) / Double(max(film.width, 1)) }
        let scale = min(1, 1280 / w, 800 / h)
        if width == nil && height == nil { w *= scale; h *= scale }
        return (max(1, Int(w.rounded())), max(1, Int(h.rounded())))
    }

    public func validate() throws {
        if let width, !(1...16384).contains(width) { throw ViewerError("--width must be in 1...16384") }
        if let height, !(1...16384).contains(height) { throw ViewerError("--height must be in 1...16384") }
        if let frames, frames < 1 { throw ViewerError("--frames must be at least 1") }
        if screenshot != nil, frames == nil { throw ViewerError("--screenshot needs --frames N (the frame to capture)") }
        if let screenshot, !screenshot.lowercased().hasSuffix(".png") { throw ViewerError("--screenshot \(screenshot): the screenshot must be a .png file") }
        if let benchmarkSeconds, !(benchmarkSeconds > 0 && benchmarkSeconds <= 3600) { throw ViewerError("--benchmark must be in (0, 3600] seconds") }
        if benchmarkSeconds != nil, frames != nil { throw ViewerError("--benchmark and --frames cannot be combined") }
        if !(1...1024).contains(samplesPerFrame) { throw ViewerError("--spp-per-frame must be in 1...1024") }
        if !exposure.isFinite { throw ViewerError("--exposure must be a finite number of stops") }
    }
}
