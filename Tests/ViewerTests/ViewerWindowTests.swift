import Foundation
import Imaging
import XCTest

/// End-to-end: the real `lacquer view` in a real (virtual) X window, with
/// the Vulkan validation layer on. Skipped when Xvfb is not installed.
final class ViewerWindowTests: XCTestCase {
    private var xvfb: XvfbServer?
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try ViewerTestSupport.temporaryDirectory()
    }

    override func tearDown() {
        xvfb?.stop()
        xvfb = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func startDisplay() throws -> String {
        let server = try XvfbServer()
        xvfb = server
        return server.display
    }

    private func view(_ arguments: [String], display: String) throws -> ViewerTestSupport.Result {
        try ViewerTestSupport.lacquer(["view"] + arguments, environment: ["DISPLAY": display], removing: ["WAYLAND_DISPLAY"])
    }

    private func assertClean(_ result: ViewerTestSupport.Result, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(result.timedOut, "lacquer view timed out", file: file, line: line)
        XCTAssertTrue(result.exitedNormally, "lacquer view crashed (signal \(result.status))", file: file, line: line)
        XCTAssertEqual(result.status, 0, "exit status; stderr:\n\(result.stderr)", file: file, line: line)
        XCTAssertFalse(result.stderr.lowercased().contains("validation"), "validation output:\n\(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stdout.contains("(validation on)"), "validation must be on:\n\(result.stdout)", file: file, line: line)
    }

    private static func meanRGB(_ image: Image) -> Double {
        image.pixels.reduce(0.0) { $0 + Double($1.x + $1.y + $1.z) / 3 } / Double(max(image.pixels.count, 1))
    }

    /// The scripted run's screenshot is what the swapchain showed; it must
    /// agree with a headless render of the same view (same seed, same spp).
    func testScriptedFramesMatchHeadlessRender() throws {
        let display = try startDisplay()
        let shot = directory.appendingPathComponent("shot.png").path
        let result = try view(["Assets/Scenes/furnace.json", "--width", "160", "--height", "120",
                               "--frames", "8", "--screenshot", shot, "--validation"], display: display)
        assertClean(result)
        XCTAssertTrue(result.stdout.contains("read back from the swapchain image"), result.stdout)

        let headlessPNG = directory.appendingPathComponent("headless.png").path
        let render = try ViewerTestSupport.lacquer(["render", "Assets/Scenes/furnace.json", "-o",
                                                    directory.appendingPathComponent("headless.exr").path,
                                                    "--png", headlessPNG, "--width", "160", "--height", "120", "--spp", "8"])
        XCTAssertEqual(render.status, 0, render.stderr)

        let screenshot = try readPNG(shot)
        let headless = try readPNG(headlessPNG)
        XCTAssertEqual(screenshot.width, 160)
        XCTAssertEqual(screenshot.height, 120)
        // Not blank: the furnace is a bright, uniform grey, not black.
        let mean = Self.meanRGB(screenshot)
        XCTAssertGreaterThan(mean, 0.1, "screenshot is blank")
        XCTAssertLessThan(mean, 0.99, "screenshot is saturated")
        // Statistically the same picture as the headless render.
        XCTAssertEqual(mean, Self.meanRGB(headless), accuracy: 0.01 * Self.meanRGB(headless))
        var totalDifference = 0.0
        for (a, b) in zip(screenshot.pixels, headless.pixels) {
            let d = a - b
            totalDifference += Double(abs(d.x) + abs(d.y) + abs(d.z)) / 3
        }
        let meanAbsoluteDifference = totalDifference / Double(max(screenshot.pixels.count, 1))
        XCTAssertLessThan(meanAbsoluteDifference, 0.01)
    }

    /// Split view: left neural, right reference, a white divider at the
    /// middle. (No scene has neural materials yet, so both halves agree.)
    func testSplitModeShowsDivider() throws {
        let display = try startDisplay()
        let shot = directory.appendingPathComponent("split.png").path
        let result = try view(["Assets/Scenes/furnace.json", "--width", "160", "--height", "120", "--frames", "3",
                               "--screenshot", shot, "--validation", "--mode", "split"], display: display)
        assertClean(result)
        XCTAssertTrue(result.stdout.contains("no neural materials in this scene"), result.stdout)
        let image = try readPNG(shot)
        for y in stride(from: 0, to: image.height, by: 17) {
            XCTAssertEqual(image[80, y].x, 1, accuracy: 1e-3, "divider column at x = 80")
            XCTAssertLessThan(image[40, y].x, 0.99)
        }
        // Both halves show the same (mirror-symmetric) scene: compare region
        // means, not single pixels, which carry 3-spp noise.
        func regionMean(_ xs: Range<Int>) -> Double {
            var sum = 0.0
            for y in 0..<image.height { for x in xs { sum += Double(image[x, y].x) } }
            return sum / Double(xs.count * image.height)
        }
        XCTAssertEqual(regionMean(10..<70), regionMean(90..<150), accuracy: 0.02, "both halves show the same scene")
    }

    /// Input, mode switches, saving and a window resize (swapchain
    /// recreation) under the validation layer, including leak checks at exit.
    func testInteractionResizeAndSaveAreValidationClean() throws {
        let display = try startDisplay()
        let shot = directory.appendingPathComponent("after-resize.png").path
        let out = directory.appendingPathComponent("saved")
        let events = "1:drag=left,40,10;2:scroll=1;2:key=c;3:drag=left,5,0;4:resize=200x150;5:key=e;5:key=+;6:key=p;7:key=n;7:key=f;8:drag=middle,10,5;9:key=3;9:key=8;10:key=R;10:key=r"
        let result = try view(["Assets/Scenes/furnace.json", "--width", "160", "--height", "120", "--frames", "12",
                               "--screenshot", shot, "--validation", "--out", out.path, "--events", events], display: display)
        assertClean(result)
        let image = try readPNG(shot)
        XCTAssertEqual(image.width, 200, "the swapchain follows the resized window")
        XCTAssertEqual(image.height, 150)
        let saved = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        XCTAssertTrue(saved.contains { $0.hasSuffix("-reference.exr") }, "P saves the reference EXR: \(saved)")
        XCTAssertTrue(saved.contains { $0.hasSuffix("-neural.exr") }, "P saves the neural EXR: \(saved)")
        XCTAssertTrue(saved.contains { $0.hasSuffix(".png") }, "P saves a PNG: \(saved)")
        for name in saved where name.hasSuffix(".exr") {
            let exr = try readEXR(out.appendingPathComponent(name).path)
            XCTAssertGreaterThan(Self.meanRGB(exr), 0.5, "the furnace radiance is about 1")
        }
    }

    /// Without any display the viewer says so in one line and exits 1.
    func testNoDisplayGivesClearError() throws {
        let result = try ViewerTestSupport.lacquer(["view", "Assets/Scenes/furnace.json", "--frames", "1"],
                                                   removing: ["DISPLAY", "WAYLAND_DISPLAY"], timeout: 60)
        XCTAssertTrue(result.exitedNormally, "must not crash")
        XCTAssertEqual(result.status, 1)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("DISPLAY"), result.stderr)
        XCTAssertTrue(result.stderr.contains("WAYLAND_DISPLAY"), result.stderr)
    }

    /// Without libglfw the viewer says what to install (checked before any
    /// connection to the display, so no X server is needed).
    func testMissingGLFWGivesClearError() throws {
        let result = try ViewerTestSupport.lacquer(["view", "Assets/Scenes/furnace.json", "--frames", "1"],
                                                   environment: ["DISPLAY": ":99999", "LACQUER_GLFW_LIBRARY": "libglfw-not-installed.so.3"],
                                                   timeout: 60)
        XCTAssertTrue(result.exitedNormally, "must not crash")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("install libglfw3: run Tools/setup"), result.stderr)
    }

    /// Headless commands never link GLFW (the viewer dlopens it).
    func testExecutableDoesNotLinkGLFW() throws {
        guard let ldd = ViewerTestSupport.findExecutable("ldd") else { throw XCTSkip("ldd is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ldd)
        process.arguments = [ViewerTestSupport.executable.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertFalse(output.contains("glfw"), output)
    }
}
