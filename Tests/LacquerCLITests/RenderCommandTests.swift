import Foundation
import Imaging
import XCTest

/// End-to-end: `lacquer render` and `lacquer info` as a user runs them,
/// with the validation layer on, plus the bad-input paths.
final class RenderCommandTests: XCTestCase {
    func testRenderFurnaceWritesEXRWithAOVsAndPNG() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let exr = dir.appendingPathComponent("furnace.exr").path
        let png = dir.appendingPathComponent("furnace.png").path
        let r = try CLI.run(["render", "Assets/Scenes/furnace.json", "-o", exr, "--png", png, "--spp", "32",
                             "--width", "40", "--height", "30", "--aov", "albedo,normal,depth", "--validation"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("validation:"), r.stderr)
        XCTAssertTrue(r.stdout.contains("rays/s"), r.stdout)
        XCTAssertTrue(r.stdout.contains("BVH build"), r.stdout)
        // Not a terminal: the first dispatch (the driver's pipeline compile) is announced once, plainly.
        XCTAssertEqual(r.stderr.components(separatedBy: "first dispatch: the driver compiles the pipeline").count, 2, r.stderr)
        let image = try readEXR(exr)
        XCTAssertEqual(image.width, 40)
        XCTAssertEqual(image.height, 30)
        let mean = image.pixels.reduce(0.0) { $0 + Double($1.x + $1.y + $1.z) / 3 } / Double(image.pixels.count)
        XCTAssertEqual(mean, 1, accuracy: 0.01, "furnace must average 1")
        let names = Set(try readEXRChannelNames(exr))
        for name in ["R", "G", "B", "A", "albedo.R", "albedo.G", "albedo.B", "normal.X", "normal.Y", "normal.Z", "depth.Z"] {
            XCTAssertTrue(names.contains(name), "missing channel \(name) in \(names)")
        }
        let pngImage = try readPNG(png)
        XCTAssertEqual(pngImage.width, 40)
        XCTAssertFalse(FileManager.default.fileExists(atPath: exr + ".tmp"))
    }

    func testInfoListsARayTracingDevice() throws {
        let r = try CLI.run(["info"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("ray tracing: yes"), r.stdout)
    }

    func testMissingSceneIsAClearError() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.exr").path
        let r = try CLI.run(["render", "no/such/scene.json", "-o", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no/such/scene.json"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one-line error: \(r.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testMalformedSceneIsAClearError() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scene = dir.appendingPathComponent("bad.json")
        try Data("{\"camera\": {\"position\": [0, 0, NaN]".utf8).write(to: scene)
        let out = dir.appendingPathComponent("x.exr").path
        let r = try CLI.run(["render", scene.path, "-o", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.json"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testUnknownDeviceIsAClearError() throws {
        let r = try CLI.run(["render", "Assets/Scenes/furnace.json", "-o", "/tmp/never.exr", "--device", "77"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("--device 77"), r.stderr)
    }

    func testNoVulkanDriverIsAClearError() throws {
        let r = try CLI.run(["render", "Assets/Scenes/furnace.json", "-o", "/tmp/never.exr"],
                            environment: ["VK_ICD_FILENAMES": "/nonexistent/icd.json", "VK_DRIVER_FILES": "/nonexistent/icd.json"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no Vulkan driver"), r.stderr)
    }

    func testBadOptionsAreRejected() throws {
        let r = try CLI.run(["render", "Assets/Scenes/furnace.json", "-o", "/tmp/x.exr", "--aov", "motion"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("motion"), r.stderr)
        let r2 = try CLI.run(["render", "Assets/Scenes/furnace.json", "-o", "/tmp/x.png"])
        XCTAssertNotEqual(r2.status, 0)
        XCTAssertTrue(r2.stderr.contains(".exr"), r2.stderr)
    }
}
