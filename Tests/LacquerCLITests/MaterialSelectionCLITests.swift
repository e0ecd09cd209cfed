import Foundation
import XCTest

/// `FILE#NAME`, `lacquer materials` and `lacquer bake --all` as a user runs them.
final class MaterialSelectionCLITests: XCTestCase {
    static let twoMaterials = """
    <?xml version="1.0"?>
    <materialx version="1.39">
      <standard_surface name="SR_red" type="surfaceshader">
        <input name="base_color" type="color3" value="0.8, 0.1, 0.1" />
      </standard_surface>
      <surfacematerial name="Red" type="material">
        <input name="surfaceshader" type="surfaceshader" nodename="SR_red" />
      </surfacematerial>
      <gltf_pbr name="SR_gold" type="surfaceshader">
        <input name="base_color" type="color3" value="0.944, 0.776, 0.373" />
        <input name="metallic" type="float" value="1" />
        <input name="roughness" type="float" value="0.3" />
      </gltf_pbr>
      <surfacematerial name="Gold Leaf" type="material">
        <input name="surfaceshader" type="surfaceshader" nodename="SR_gold" />
      </surfacematerial>
    </materialx>
    """

    func writeTwoMaterials() throws -> (dir: URL, file: String) {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("two.mtlx").path
        try Data(Self.twoMaterials.utf8).write(to: URL(fileURLWithPath: file))
        return (dir, file)
    }

    func testMaterialsListsOneNamePerLine() throws {
        let (dir, file) = try writeTwoMaterials()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["materials", file])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "Red\nGold Leaf\n")
        let missing = try CLI.run(["materials", dir.appendingPathComponent("nope.mtlx").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope.mtlx"), missing.stderr)
    }

    func testBsdfSelectsByNameAndRefusesAnAmbiguousFile() throws {
        let (dir, file) = try writeTwoMaterials()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows: [Float] = [0, 0, 1, 0.3, 0, 0.954]
        let input = dir.appendingPathComponent("in.f32").path
        try Data(bytes: &rows, count: rows.count * 4).write(to: URL(fileURLWithPath: input))
        let out = dir.appendingPathComponent("out.f32").path
        let ambiguous = try CLI.run(["bsdf", "eval", "--material", file, "--in", input, "--out", out])
        XCTAssertEqual(ambiguous.status, 1)
        XCTAssertTrue(ambiguous.stderr.contains("Red, Gold Leaf") && ambiguous.stderr.contains("FILE#NAME"), ambiguous.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        var results: [[Float]] = []
        for name in ["Red", "Gold Leaf"] {
            let r = try CLI.run(["bsdf", "eval", "--material", file + "#" + name, "--in", input, "--out", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            let data = try Data(contentsOf: URL(fileURLWithPath: out))
            results.append(data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
        }
        XCTAssertEqual(results[0].count, 4)
        // Red reflects mostly red; gold more green than red's diffuse does.
        XCTAssertGreaterThan(results[0][0], 2 * results[0][2])
        XCTAssertNotEqual(results[0], results[1])
        let unknown = try CLI.run(["bsdf", "eval", "--material", file + "#Blue", "--in", input, "--out", out])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("Blue") && unknown.stderr.contains("Red, Gold Leaf"), unknown.stderr)
    }

    func testBakeAllWritesOneNeuralMaterialPerMaterial() throws {
        let (dir, file) = try writeTwoMaterials()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A starved bake (poor twins): this test is about file names, so it accepts them.
        let tiny = ["--preset", "quick", "--resolution", "4", "--samples", "2048", "--quiet", "--allow-poor"]
        let single = dir.appendingPathComponent("x.nmat").path
        let ambiguous = try CLI.run(["bake", file, "-o", single] + tiny)
        XCTAssertEqual(ambiguous.status, 1)
        XCTAssertTrue(ambiguous.stderr.contains("Red, Gold Leaf"), ambiguous.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: single))
        let outDir = dir.appendingPathComponent("baked")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let all = try CLI.run(["bake", file, "--all", "-o", outDir.path] + tiny)
        XCTAssertEqual(all.status, 0, all.stderr)
        let written = try FileManager.default.contentsOfDirectory(atPath: outDir.path).filter { $0.hasSuffix(".nmat") }.sorted()
        XCTAssertEqual(written, ["Gold_Leaf.nmat", "Red.nmat"])
        let notDir = try CLI.run(["bake", file, "--all", "-o", single] + tiny)
        XCTAssertEqual(notDir.status, 1)
        XCTAssertTrue(notDir.stderr.contains("directory"), notDir.stderr)
        // One refused material fails the command before anything is baked.
        let withGlass = dir.appendingPathComponent("glass.mtlx").path
        let glass = Self.twoMaterials.replacingOccurrences(of: "</materialx>", with: """
          <standard_surface name="SR_glass" type="surfaceshader"><input name="transmission" type="float" value="1" /></standard_surface>
          <surfacematerial name="Glass" type="material"><input name="surfaceshader" type="surfaceshader" nodename="SR_glass" /></surfacematerial>
        </materialx>
        """)
        try Data(glass.utf8).write(to: URL(fileURLWithPath: withGlass))
        let glassDir = dir.appendingPathComponent("glass")
        try FileManager.default.createDirectory(at: glassDir, withIntermediateDirectories: true)
        let refused = try CLI.run(["bake", withGlass, "--all", "-o", glassDir.path] + tiny)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("transmission") && refused.stderr.contains("nothing was baked"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: glassDir.path), [])
    }
}
