import Foundation
import Imaging
import XCTest
@testable import Materials

/// Document-level MaterialX: several materials and FILE#NAME, XInclude,
/// inherited `fileprefix`, image colour spaces.
final class MaterialXDocumentTests: XCTestCase {
    func doc(_ body: String, root: String = "") -> String {
        "<?xml version=\"1.0\"?>\n<materialx version=\"1.39\"\(root)>\n\(body)\n</materialx>\n"
    }

    /// A diffuse material (Oren–Nayar, roughness 0, no energy compensation: albedo = colour) named `name`
    /// whose colour is `color` (an input element body: value=… or nodename=…).
    func diffuse(_ name: String, color: String) -> String {
        """
          <oren_nayar_diffuse_bsdf name="\(name)_bsdf" type="BSDF">
            <input name="color" type="color3" \(color) />
            <input name="roughness" type="float" value="0" />
            <input name="energy_compensation" type="boolean" value="false" />
          </oren_nayar_diffuse_bsdf>
          <surface name="\(name)_surface" type="surfaceshader">
            <input name="bsdf" type="BSDF" nodename="\(name)_bsdf" />
          </surface>
          <surfacematerial name="\(name)" type="material">
            <input name="surfaceshader" type="surfaceshader" nodename="\(name)_surface" />
          </surfacematerial>
        """
    }

    func albedo(_ m: Material, _ uv: V2 = V2(0.5, 0.5)) -> V3 { m.albedo(wi: V3(0, 0, 1), uv: uv) }

    func assertClose(_ a: V3, _ b: V3, _ tol: Float = 2e-3, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(maxDifference(a, b), tol, "\(a) vs \(b)", file: file, line: line)
    }

    func testSeveralMaterialsNeedANameAndListThemOtherwise() throws {
        let dir = try TempDir()
        let path = try dir.write("set.mtlx", doc(diffuse("Red", color: "value=\"0.8, 0.1, 0.1\"") + diffuse("Blue", color: "value=\"0.1, 0.1, 0.8\"")))
        XCTAssertEqual(try MaterialLoader.materialNames(path: path), ["Red", "Blue"])
        assertMaterialError("set.mtlx", "2 materials", "Red, Blue", "FILE#NAME") { try MaterialLoader.loadMaterial(path: path) }
        let blue = try MaterialLoader.loadMaterial(path: path + "#Blue")
        XCTAssertEqual(blue.name, "Blue")
        assertClose(albedo(blue), V3(0.1, 0.1, 0.8))
        let red = try MaterialLoader.loadMaterial(MaterialReference(path: path, name: "Red"))
        assertClose(albedo(red), V3(0.8, 0.1, 0.1))
        XCTAssertNotEqual(red.contentHash, blue.contentHash, "materials of one file have their own content hash")
        assertMaterialError("set.mtlx", "Green", "Red, Blue") { try MaterialLoader.loadMaterial(path: path + "#Green") }
        // A JSON file holds one material: its own name selects it, another is an error.
        let json = TestPaths.material("lambert.json")
        let lambert = try MaterialLoader.loadMaterial(path: json)
        XCTAssertEqual(try MaterialLoader.materialNames(path: json), [lambert.name])
        XCTAssertEqual(try MaterialLoader.loadMaterial(path: json + "#" + lambert.name).contentHash, lambert.contentHash)
        assertMaterialError("lambert.json", "nope") { try MaterialLoader.loadMaterial(path: json + "#nope") }
    }

    func testMaterialReferenceParsing() throws {
        XCTAssertEqual(MaterialReference(parsing: "a/set.mtlx#Pawn_White"), MaterialReference(path: "a/set.mtlx", name: "Pawn_White"))
        XCTAssertEqual(MaterialReference(parsing: "a/set.mtlx"), MaterialReference(path: "a/set.mtlx"))
        XCTAssertEqual(MaterialReference(parsing: "a/set.mtlx#"), MaterialReference(path: "a/set.mtlx"))
        // A real file whose name contains '#' is taken whole.
        let dir = try TempDir()
        let odd = try dir.write("odd#name.mtlx", doc(diffuse("M", color: "value=\"0.5, 0.5, 0.5\"")))
        XCTAssertEqual(MaterialReference(parsing: odd).path, odd)
        XCTAssertEqual(try MaterialLoader.loadMaterial(path: odd).name, "M")
    }

    func testXIncludeIsRelativeToTheIncludingFileAndCycleSafe() throws {
        let dir = try TempDir()
        try FileManager.default.createDirectory(atPath: dir.path + "/lib/tex", withIntermediateDirectories: true)
        try writePNG(Image(width: 1, height: 1, fill: SIMD4(0, 1, 0, 1)), to: dir.path + "/lib/tex/green.png", toneMap: .clamp)
        // The included document's own fileprefix and directory apply to its images.
        try dir.write("lib/shaders.mtlx", doc("""
          <image name="img" type="color3">
            <input name="file" type="filename" value="green.png" />
          </image>
        """ + diffuse("Green", color: "nodename=\"img\""), root: " fileprefix=\"tex/\""))
        let look = try dir.write("look.mtlx", doc("""
          <xi:include href="lib/shaders.mtlx" />
          <look name="L"><materialassign name="a" geom="g" material="Green" /></look>
        """, root: " xmlns:xi=\"http://www.w3.org/2001/XInclude\""))
        XCTAssertEqual(try MaterialLoader.materialNames(path: look), ["Green"])
        assertClose(albedo(try MaterialLoader.loadMaterial(path: look)), V3(0, 1, 0))
        // A diamond is read once; a cycle is an error naming it; a missing include names its href.
        let xi = " xmlns:xi=\"http://www.w3.org/2001/XInclude\""
        let a = try dir.write("a.mtlx", doc("<xi:include href=\"b.mtlx\" />" + diffuse("A", color: "value=\"1, 0, 0\""), root: xi))
        try dir.write("b.mtlx", doc("<xi:include href=\"a.mtlx\" />", root: xi))
        assertMaterialError("XInclude cycle", "a.mtlx") { try MaterialLoader.loadMaterial(path: a) }
        let d = try dir.write("d.mtlx", doc("<xi:include href=\"lib/shaders.mtlx\" /><xi:include href=\"lib/shaders.mtlx\" />", root: xi))
        XCTAssertEqual(try MaterialLoader.materialNames(path: d), ["Green"])
        let m = try dir.write("m.mtlx", doc("<xi:include href=\"missing.mtlx\" />", root: xi))
        assertMaterialError("m.mtlx", "missing.mtlx", "href") { try MaterialLoader.loadMaterial(path: m) }
        let e = try dir.write("e.mtlx", doc("<xi:include />", root: xi))
        assertMaterialError("e.mtlx", "href") { try MaterialLoader.loadMaterial(path: e) }
    }

    func testFilePrefixIsInheritedAndTheNearestWins() throws {
        let dir = try TempDir()
        for (sub, c) in [("root", SIMD4<Float>(1, 0, 0, 1)), ("graph", SIMD4(0, 1, 0, 1)), ("node", SIMD4(0, 0, 1, 1)), ("input", SIMD4(1, 1, 0, 1))] {
            try FileManager.default.createDirectory(atPath: dir.path + "/" + sub, withIntermediateDirectories: true)
            try writePNG(Image(width: 1, height: 1, fill: c), to: dir.path + "/\(sub)/t.png", toneMap: .clamp)
        }
        func image(_ name: String, nodeAttr: String = "", inputAttr: String = "") -> String {
            "<image name=\"\(name)\" type=\"color3\"\(nodeAttr)><input name=\"file\" type=\"filename\" value=\"t.png\"\(inputAttr) /></image>"
        }
        let path = try dir.write("p.mtlx", doc("""
          \(image("fromRoot"))
          <nodegraph name="NG" fileprefix="graph/">
            \(image("fromGraph"))
            \(image("fromNode", nodeAttr: " fileprefix=\"node/\""))
            \(image("fromInput", nodeAttr: " fileprefix=\"node/\"", inputAttr: " fileprefix=\"input/\""))
            <output name="g" type="color3" nodename="fromGraph" />
            <output name="n" type="color3" nodename="fromNode" />
            <output name="i" type="color3" nodename="fromInput" />
          </nodegraph>
          \(diffuse("Root", color: "nodename=\"fromRoot\""))
          \(diffuse("Graph", color: "nodegraph=\"NG\" output=\"g\""))
          \(diffuse("Node", color: "nodegraph=\"NG\" output=\"n\""))
          \(diffuse("Input", color: "nodegraph=\"NG\" output=\"i\""))
        """, root: " fileprefix=\"root/\""))
        assertClose(albedo(try MaterialLoader.loadMaterial(path: path + "#Root")), V3(1, 0, 0))
        assertClose(albedo(try MaterialLoader.loadMaterial(path: path + "#Graph")), V3(0, 1, 0))
        assertClose(albedo(try MaterialLoader.loadMaterial(path: path + "#Node")), V3(0, 0, 1))
        assertClose(albedo(try MaterialLoader.loadMaterial(path: path + "#Input")), V3(1, 1, 0))
    }

    func testImageColourSpaces() throws {
        let dir = try TempDir()
        // PNG code value 128 → 128/255 raw, ≈ 0.2158 after sRGB decoding.
        try writePNG(Image(width: 1, height: 1, fill: SIMD4(repeating: 0.2158605)), to: dir.path + "/grey.png", toneMap: .clamp)
        func graph(_ name: String, type: String, colorspace: String?) -> String {
            let cs = colorspace.map { " colorspace=\"\($0)\"" } ?? ""
            return "<image name=\"\(name)\" type=\"\(type)\"><input name=\"file\" type=\"filename\" value=\"grey.png\"\(cs) /></image>"
        }
        let path = try dir.write("c.mtlx", doc("""
          \(graph("srgb", type: "color3", colorspace: "srgb_texture"))
          \(graph("lin", type: "color3", colorspace: "lin_rec709"))
          \(graph("inherited", type: "color3", colorspace: nil))
          <image name="floatSRGB" type="float"><input name="file" type="filename" value="grey.png" colorspace="srgb_texture" /></image>
          <convert name="floatAsColor" type="color3"><input name="in" type="float" nodename="floatSRGB" /></convert>
          \(diffuse("SRGB", color: "nodename=\"srgb\""))
          \(diffuse("Lin", color: "nodename=\"lin\""))
          \(diffuse("Inherited", color: "nodename=\"inherited\""))
          \(diffuse("Float", color: "nodename=\"floatAsColor\""))
        """, root: " colorspace=\"srgb_texture\""))
        let raw = Float(128) / 255
        assertClose(albedo(try MaterialLoader.loadMaterial(path: path + "#SRGB")), V3(repeating: 0.2158605))
        assertClose(albedo(try MaterialLoader.loadMaterial(path: path + "#Lin")), V3(repeating: raw))
        assertClose(albedo(try MaterialLoader.loadMaterial(path: path + "#Inherited")), V3(repeating: 0.2158605))
        // MaterialX colour-manages colour outputs only: a float image is data.
        assertClose(albedo(try MaterialLoader.loadMaterial(path: path + "#Float")), V3(repeating: raw))
        let bad = try dir.write("bad.mtlx", doc(graph("p3", type: "color3", colorspace: "acescg") + diffuse("M", color: "nodename=\"p3\"")))
        assertMaterialError("bad.mtlx", "p3", "acescg") { try MaterialLoader.loadMaterial(path: bad) }
    }
}
