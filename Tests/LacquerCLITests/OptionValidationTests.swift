import Foundation
import XCTest

/// Every output path and option is checked before any work starts, and every
/// refusal is one plain line (no Foundation error domains, no usage block).
final class OptionValidationTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try CLI.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Runs lacquer, expects a failure whose single stderr line contains `fragments`,
    /// and that nothing was written into the temporary folder.
    @discardableResult
    func assertRefused(_ arguments: [String], _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        let r = try CLI.run(arguments)
        XCTAssertNotEqual(r.status, 0, "accepted: \(arguments)", file: file, line: line)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line: \(r.stderr)", file: file, line: line)
        for f in fragments { XCTAssertTrue(r.stderr.contains(f), "\"\(r.stderr)\" lacks \"\(f)\"", file: file, line: line) }
        for bad in ["Domain", "Usage", "USAGE", "Missing value", "\u{0}", "\u{FFFD}"] {
            XCTAssertFalse(r.stderr.contains(bad), "\"\(r.stderr)\" contains \"\(bad)\"", file: file, line: line)
        }
        XCTAssertFalse(r.stdout.contains("device:"), "work started: \(r.stdout)", file: file, line: line)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)), before, "files written", file: file, line: line)
        return r.stderr
    }

    func testRenderChecksOutputPathsBeforeRendering() throws {
        try FileManager.default.createDirectory(atPath: path("folder.png"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: path("folder.exr"), withIntermediateDirectories: false)
        let scene = "Assets/Scenes/furnace.json"
        try assertRefused(["render", scene, "-o", path("missing/x.exr")], "-o", "missing", "does not exist")
        try assertRefused(["render", scene, "-o", path("folder.exr")], "-o", "is a directory")
        try assertRefused(["render", scene, "-o", path("x.exr"), "--png", path("folder.png")], "--png", "is a directory")
        try assertRefused(["render", scene, "-o", path("x.exr"), "--png", path("nowhere/x.png")], "--png", "does not exist")
        try assertRefused(["render", scene, "-o", path("x.exr"), "--aov", "albedo", "--png", path("x.jpg")], "--png", ".png")
    }

    func testRenderRefusesNonFiniteAndNegativeNumbers() throws {
        let base = ["render", "Assets/Scenes/furnace.json", "-o", path("x.exr")]
        try assertRefused(base + ["--exposure", "nan"], "--exposure", "finite")
        try assertRefused(base + ["--exposure", "inf"], "--exposure", "finite")
        try assertRefused(base + ["--spp", "-1"], "--spp -1", "at least 1")
        try assertRefused(base + ["--width", "-5"], "--width")
        try assertRefused(base + ["--spp", "many"], "many")
        try assertRefused(base + ["--integrator", "megakernel", "--stage-times"], "--stage-times", "wavefront")
    }

    func testBakeRefusesUnknownDecoderAndBadNumbers() throws {
        let base = ["bake", "Assets/Materials/lambert.json", "-o", path("x.nmat"), "--preset", "quick"]
        try assertRefused(base + ["--decoder", "5x5"], "--decoder 5x5", "2x16", "3x64")
        try assertRefused(base + ["--activation", "gelu"], "--activation gelu", "relu", "smelu")
        try assertRefused(base + ["--seconds", "nan"], "--seconds")
        try assertRefused(base + ["--checkpoint-every", "inf"], "--checkpoint-every")
        try assertRefused(["bake", "Assets/Materials/lambert.json", "-o", path("missing/x.nmat")], "does not exist")
    }

    func testInfoOnADirectoryOrMissingFileIsPlain() throws {
        try assertRefused(["info", dir.path], "is a directory")
        try assertRefused(["info", path("none.nmat")], "no such file")
    }

    func testCompareChecksOutputsFirst() throws {
        try assertRefused(["compare", "a.exr", "b.exr", "--heatmap", path("missing/h.png")], "--heatmap", "does not exist")
        try assertRefused(["compare", "a.exr", "b.exr", "--exposure", "nan"], "--exposure")
        try assertRefused(["compare", dir.path + "/none.exr", "b.exr"], "no such file")
    }

    func testBsdfRowsWithNonFiniteDirectionsGiveDefinedRows() throws {
        // eval: one good row, then ±Inf and NaN in wi and wo; the command used to trap.
        let good: [Float] = [0.3, 0.1, 0.95, -0.2, 0.4, 0.9]
        var rows = good
        for bad: Float in [.infinity, -.infinity, .nan] {
            rows += [bad, 0, 1, -0.2, 0.4, 0.9]
            rows += [0.3, 0.1, 0.95, 0, 0, bad]
        }
        let input = path("rows.f32"), output = path("out.f32")
        try Data(rows.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }).write(to: URL(fileURLWithPath: input))
        for material in ["conductor.json", "sheen.json", "car_paint.json"] {
            let r = try CLI.run(["bsdf", "eval", "--material", "Assets/Materials/" + material, "--in", input, "--out", output])
            XCTAssertEqual(r.status, 0, "\(material): \(r.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: output))
            let values = data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { raw.load(fromByteOffset: $0 * 4, as: Float.self) } }
            XCTAssertEqual(values.count, 7 * 4)
            XCTAssertGreaterThan(values[0...2].max() ?? 0, 0, material)
            XCTAssertEqual(Array(values[4...]), [Float](repeating: 0, count: 24), material)
        }
        try assertRefused(["bsdf", "eval", "--material", "Assets/Materials/lambert.json", "--in", input, "--out", dir.path],
                          "--out", "is a directory")
    }
}
