import Foundation
import XCTest

/// A starved bake of a smooth conductor, as a user runs it: the twin is
/// written, but the command says it is poor (status 3, one line saying what
/// failed and what to try) unless `--allow-poor`.
final class PoorBakeCLITests: XCTestCase {
    /// Two smooth metals (GGX roughness 0.05): the class of material whose
    /// black twins used to bake with status 0.
    static let smoothMetals = """
    <?xml version="1.0"?>
    <materialx version="1.39">
      <standard_surface name="SR_gold" type="surfaceshader">
        <input name="base_color" type="color3" value="0.944, 0.776, 0.373" />
        <input name="metalness" type="float" value="1" />
        <input name="specular_roughness" type="float" value="0.05" />
      </standard_surface>
      <surfacematerial name="Gold" type="material">
        <input name="surfaceshader" type="surfaceshader" nodename="SR_gold" />
      </surfacematerial>
      <standard_surface name="SR_chrome" type="surfaceshader">
        <input name="base_color" type="color3" value="0.55, 0.556, 0.554" />
        <input name="metalness" type="float" value="1" />
        <input name="specular_roughness" type="float" value="0.05" />
      </standard_surface>
      <surfacematerial name="Chrome" type="material">
        <input name="surfaceshader" type="surfaceshader" nodename="SR_chrome" />
      </surfacematerial>
    </materialx>
    """

    /// Seconds even in a debug build: one 2048-row step on 4² latents.
    static let starved = ["--preset", "quick", "--resolution", "4", "--samples", "2048", "--batch", "2048", "--quiet"]

    var dir: URL!
    var file: String { dir.appendingPathComponent("metals.mtlx").path }

    override func setUpWithError() throws {
        dir = try CLI.temporaryDirectory()
        try Data(Self.smoothMetals.utf8).write(to: URL(fileURLWithPath: file))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testStarvedBakeOfSmoothConductorExitsPoorWithOneLine() throws {
        let out = dir.appendingPathComponent("gold.nmat").path
        let r = try CLI.run(["bake", file + "#Gold", "-o", out] + Self.starved)
        XCTAssertEqual(r.status, 3, r.stderr)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, r.stderr)
        // The energy calibration gives even a starved twin the reference's
        // brightness (a flat one), so what fails is where its light goes.
        for needle in ["error: poor bake of Gold", "held-out", "relative L1", out, "--preset standard", "--resolution", "--allow-poor"] {
            XCTAssertTrue(r.stderr.contains(needle), "\(needle) missing from: \(r.stderr)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: out), "a poor twin is still written")
        XCTAssertTrue(r.stdout.contains("energy ratio"), r.stdout)
    }

    func testAllowPoorKeepsTheTwinWithAWarningAndStatusZero() throws {
        let out = dir.appendingPathComponent("gold.nmat").path
        let r = try CLI.run(["bake", file + "#Gold", "-o", out, "--allow-poor", "--json"] + Self.starved)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("warning: poor bake of Gold") && r.stderr.contains("--allow-poor"), r.stderr)
        XCTAssertTrue(r.stdout.contains("\"poor\":true") && r.stdout.contains("\"energy_ratio\""), r.stdout)
        XCTAssertTrue(r.stdout.contains(#""poor_metrics":["energy_ratio""#) || r.stdout.contains(#""poor_metrics":["relative_l1""#), r.stdout)
        let info = try CLI.run(["info", out])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("energyRatio"), "the .nmat metrics carry the energy ratio: \(info.stdout)")
    }

    func testBakeAllReportsEveryPoorMaterial() throws {
        let outDir = dir.appendingPathComponent("baked")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let r = try CLI.run(["bake", file, "--all", "-o", outDir.path] + Self.starved)
        XCTAssertEqual(r.status, 3, r.stderr)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, r.stderr)
        XCTAssertTrue(lines[0].hasPrefix("error: poor bake of Gold") && lines[1].hasPrefix("error: poor bake of Chrome"), r.stderr)
        let written = try FileManager.default.contentsOfDirectory(atPath: outDir.path).filter { $0.hasSuffix(".nmat") }.sorted()
        XCTAssertEqual(written, ["Chrome.nmat", "Gold.nmat"], "a poor material does not stop the others")
    }
}
