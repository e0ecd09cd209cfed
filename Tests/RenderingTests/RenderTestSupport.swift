import Foundation
import Imaging
import Logging
import Rendering
import Scenes
import XCTest

/// Helpers shared by the GPU tests: a validated device per test, the
/// repository's assets, and statistics over rendered images.
enum RenderTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func asset(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

    static var logger: Logger {
        var l = Logger(label: "lacquer-tests")
        l.logLevel = .warning
        return l
    }

    /// Renders with a fresh validated device, tears it down and asserts the
    /// validation layer said nothing — including leak reports at teardown.
    static func renderValidated(_ scene: Scene, _ adjust: (inout RenderSettings) -> Void = { _ in },
                                file: StaticString = #filePath, line: UInt = #line) throws -> RenderOutput {
        var output: RenderOutput?
        let sink: ValidationSinkBox
        do {
            let device = try RenderDevice(validation: true, logger: logger)
            XCTAssertTrue(device.validationEnabled, "validation layer must be on for GPU tests", file: file, line: line)
            sink = ValidationSinkBox(device)
            let tracer = try PathTracer(renderDevice: device)
            var settings = RenderSettings(film: scene.film)
            adjust(&settings)
            output = try tracer.render(scene: scene, settings: settings)
        }
        XCTAssertEqual(sink.messages(), [], "Vulkan validation messages", file: file, line: line)
        guard let output else { throw RenderError("no output") }
        return output
    }

    /// Mean of the RGB channels of every pixel.
    static func meanLuminanceLike(_ image: Image) -> Double {
        image.pixels.reduce(0.0) { $0 + Double($1.x + $1.y + $1.z) / 3 } / Double(image.pixels.count)
    }
}

/// Holds the validation sink beyond the device's lifetime so leak reports
/// emitted during teardown are still seen.
final class ValidationSinkBox {
    private let read: () -> [String]
    init(_ device: RenderDevice) {
        let sink = device.instance.validation
        read = { sink.messages }
    }
    func messages() -> [String] { read() }
}
