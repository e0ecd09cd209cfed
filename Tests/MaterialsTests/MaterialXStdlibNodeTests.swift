import Foundation
import Imaging
import XCTest
@testable import Materials

/// MaterialX stdlib node semantics on the CPU (the GPU agrees: see
/// RenderingTests.LayeredMaterialKernelTests and its MaterialX fixtures).
final class MaterialXStdlibNodeTests: XCTestCase {
    func testColourTransforms() {
        func close(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Bool { maxDifference(a, b) < 1e-5 }
        XCTAssertTrue(close(InputEval.rgbToHSV(SIMD3(1, 0, 0)), SIMD3(0, 1, 1)))
        XCTAssertTrue(close(InputEval.rgbToHSV(SIMD3(0, 0.5, 0)), SIMD3(1.0 / 3, 1, 0.5)))
        XCTAssertTrue(close(InputEval.rgbToHSV(SIMD3(0.3, 0.3, 0.3)), SIMD3(0, 0, 0.3)))
        XCTAssertTrue(close(InputEval.rgbToHSV(SIMD3(0, 0, 0)), SIMD3(0, 0, 0)))
        XCTAssertTrue(close(InputEval.hsvToRGB(SIMD3(0.5, 1, 1)), SIMD3(0, 1, 1)))
        XCTAssertTrue(close(InputEval.hsvToRGB(SIMD3(1.25, 0.5, 0.8)), InputEval.hsvToRGB(SIMD3(0.25, 0.5, 0.8))), "hue wraps")
        XCTAssertTrue(close(InputEval.hsvToRGB(SIMD3(-0.75, 0.5, 0.8)), InputEval.hsvToRGB(SIMD3(0.25, 0.5, 0.8))), "negative hue wraps")
        for c in [SIMD3<Float>(0.2, 0.5, 0.9), SIMD3(0.9, 0.1, 0.4), SIMD3(0.3, 0.8, 0.1), SIMD3(0.7, 0.7, 0.2)] {
            XCTAssertTrue(close(InputEval.hsvToRGB(InputEval.rgbToHSV(c)), c), "round trip \(c)")
        }
        XCTAssertEqual(InputEval.smoothstep(0.1, 0.2, 0.8), 0)
        XCTAssertEqual(InputEval.smoothstep(0.9, 0.2, 0.8), 1)
        XCTAssertEqual(InputEval.smoothstep(0.5, 0.2, 0.8), 0.5, accuracy: 1e-6)
        XCTAssertEqual(InputEval.smoothstep(0.5, 0.5, 0.5), 1, "low = high is a step, never NaN")
    }

    /// One material per node, each a diffuse (albedo = colour) of the node's output.
    func testNodeValuesThroughDocuments() throws {
        let cases: [(String, String, SIMD3<Float>)] = [
            ("Broadcast", """
              <multiply name="n" type="color3"><input name="in1" type="color3" value="0.2, 0.4, 0.6" /><input name="in2" type="float" value="0.5" /></multiply>
            """, SIMD3(0.1, 0.2, 0.3)),
            ("Divide", """
              <divide name="n" type="color3"><input name="in1" type="color3" value="0.2, 0.4, 0.6" /><input name="in2" type="color3" value="2, 0, 4" /></divide>
            """, SIMD3(0.1, 0, 0.15)),
            ("MinMax", """
              <min name="a" type="color3"><input name="in1" type="color3" value="0.2, 0.9, 0.6" /><input name="in2" type="float" value="0.5" /></min>
              <max name="n" type="color3"><input name="in1" type="color3" nodename="a" /><input name="in2" type="color3" value="0.3, 0.1, 0.1" /></max>
            """, SIMD3(0.3, 0.5, 0.5)),
            ("CombineSeparate", """
              <separate3 name="s" type="multioutput"><input name="in" type="color3" value="0.1, 0.2, 0.3" /></separate3>
              <combine3 name="n" type="color3">
                <input name="in1" type="float" nodename="s" output="outb" /><input name="in2" type="float" nodename="s" output="outr" />
                <input name="in3" type="float" nodename="s" output="outg" />
              </combine3>
            """, SIMD3(0.3, 0.1, 0.2)),
            ("ConvertDot", """
              <convert name="v" type="vector3"><input name="in" type="float" value="0.5" /></convert>
              <dotproduct name="d" type="float"><input name="in1" type="vector3" nodename="v" /><input name="in2" type="vector3" value="0.2, 0.4, 0.6" /></dotproduct>
              <convert name="n" type="color3"><input name="in" type="float" nodename="d" /></convert>
            """, SIMD3(repeating: 0.6)),
            ("IfGreater", """
              <ifgreater name="n" type="color3">
                <input name="value1" type="float" value="0.3" /><input name="value2" type="float" value="0.3" />
                <input name="in1" type="color3" value="1, 0, 0" /><input name="in2" type="color3" value="0, 0, 1" />
              </ifgreater>
            """, SIMD3(0, 0, 1)),
            ("IfGreaterEq", """
              <ifgreatereq name="n" type="color3">
                <input name="value1" type="float" value="0.3" /><input name="value2" type="float" value="0.3" />
                <input name="in1" type="color3" value="1, 0, 0" /><input name="in2" type="color3" value="0, 0, 1" />
              </ifgreatereq>
            """, SIMD3(1, 0, 0)),
            ("Luminance", """
              <luminance name="n" type="color3"><input name="in" type="color3" value="0.5, 0.5, 0.5" /></luminance>
            """, SIMD3(repeating: 0.5 * (0.2722287 + 0.6740818 + 0.0536895))),
            ("Trig", """
              <sin name="s" type="float"><input name="in" type="float" value="0.5" /></sin>
              <cos name="c" type="float"><input name="in" type="float" value="0.5" /></cos>
              <combine3 name="n" type="color3"><input name="in1" type="float" nodename="s" /><input name="in2" type="float" nodename="c" /></combine3>
            """, SIMD3(sin(0.5), cos(0.5), 0)),
            ("Smoothstep", """
              <smoothstep name="n" type="color3"><input name="in" type="color3" value="0.1, 0.5, 0.9" /><input name="low" type="float" value="0.2" /><input name="high" type="float" value="0.8" /></smoothstep>
            """, SIMD3(0, 0.5, 1)),
            ("Hsv", """
              <rgbtohsv name="h" type="color3"><input name="in" type="color3" value="0.8, 0.2, 0.2" /></rgbtohsv>
              <add name="h2" type="color3"><input name="in1" type="color3" nodename="h" /><input name="in2" type="color3" value="0.33333333, 0, 0" /></add>
              <hsvtorgb name="n" type="color3"><input name="in" type="color3" nodename="h2" /></hsvtorgb>
            """, SIMD3(0.2, 0.8, 0.2)),
        ]
        var body = ""
        for (name, graph, _) in cases {
            body += """
              <nodegraph name="NG_\(name)">
            \(graph)
                <output name="out" type="color3" nodename="n" />
              </nodegraph>
              <oren_nayar_diffuse_bsdf name="B_\(name)" type="BSDF">
                <input name="color" type="color3" nodegraph="NG_\(name)" output="out" />
                <input name="roughness" type="float" value="0" />
                <input name="energy_compensation" type="boolean" value="false" />
              </oren_nayar_diffuse_bsdf>
              <surface name="S_\(name)" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="B_\(name)" /></surface>
              <surfacematerial name="\(name)" type="material"><input name="surfaceshader" type="surfaceshader" nodename="S_\(name)" /></surfacematerial>

            """
        }
        let dir = try TempDir()
        let path = try dir.write("nodes.mtlx", "<?xml version=\"1.0\"?>\n<materialx version=\"1.39\">\n\(body)</materialx>\n")
        for (name, _, expected) in cases {
            let m = try MaterialLoader.loadMaterial(path: path + "#" + name)
            let a = m.albedo(wi: SIMD3(0, 0, 1), uv: SIMD2(0.5, 0.5))
            XCTAssertLessThanOrEqual(maxDifference(a, expected), 2e-3, "\(name): \(a) vs \(expected)")
        }
    }

    /// place2d follows MaterialX: uv' = rot2d((uv − pivot)/scale, rotate) − offset + pivot, rot2d clockwise.
    func testPlace2dMatchesMaterialX() throws {
        let dir = try TempDir()
        var img = Image(width: 2, height: 1, fill: SIMD4(1, 0, 0, 1))
        img[1, 0] = SIMD4(0, 1, 0, 1)
        try writePNG(img, to: dir.path + "/rg.png", toneMap: .clamp)
        func material(_ place: String) throws -> Material {
            let path = try dir.write("p\(place.hashValue).mtlx", """
            <?xml version="1.0"?>
            <materialx version="1.39">
              <texcoord name="tc" type="vector2" />
              <place2d name="p" type="vector2"><input name="texcoord" type="vector2" nodename="tc" />\(place)</place2d>
              <image name="img" type="color3">
                <input name="file" type="filename" value="rg.png" /><input name="texcoord" type="vector2" nodename="p" />
                <input name="uaddressmode" type="string" value="clamp" /><input name="vaddressmode" type="string" value="clamp" />
              </image>
              <oren_nayar_diffuse_bsdf name="b" type="BSDF"><input name="color" type="color3" nodename="img" /><input name="roughness" type="float" value="0" /><input name="energy_compensation" type="boolean" value="false" /></oren_nayar_diffuse_bsdf>
              <surface name="s" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="b" /></surface>
              <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
            </materialx>
            """)
            return try MaterialLoader.loadMaterial(path: path)
        }
        func isRed(_ m: Material, _ u: Float) -> Bool {
            let a = m.albedo(wi: SIMD3(0, 0, 1), uv: SIMD2(u, 0.5))
            return a.x > 0.9 && a.y < 0.1
        }
        // Identity: u 0.1 red, 0.9 green.
        let plain = try material("")
        XCTAssertTrue(isRed(plain, 0.1)); XCTAssertFalse(isRed(plain, 0.9))
        // (Bilinear filtering: only u' below 0.25 / above 0.75 is pure red / green.)
        // Offset 0.5: uv' = uv − 0.5 → 0.7 becomes 0.2 (red).
        XCTAssertFalse(isRed(plain, 0.7))
        XCTAssertTrue(isRed(try material("<input name=\"offset\" type=\"vector2\" value=\"0.5, 0\" />"), 0.7))
        // Scale 2 about pivot 0: uv' = uv / 2 → 0.45 becomes 0.225 (red).
        XCTAssertFalse(isRed(plain, 0.45))
        XCTAssertTrue(isRed(try material("<input name=\"scale\" type=\"vector2\" value=\"2, 2\" />"), 0.45))
        // Rotate 180° about the centre: 0.1 becomes 0.9 (green), 0.9 becomes 0.1 (red).
        let turned = try material("<input name=\"rotate\" type=\"float\" value=\"180\" /><input name=\"pivot\" type=\"vector2\" value=\"0.5, 0.5\" />")
        XCTAssertFalse(isRed(turned, 0.1)); XCTAssertTrue(isRed(turned, 0.9))
        // Rotate 90° about the centre: MaterialX turns clockwise, so (0.5, 0.9) → (0.9, 0.5) (green).
        let quarter = try material("<input name=\"rotate\" type=\"float\" value=\"90\" /><input name=\"pivot\" type=\"vector2\" value=\"0.5, 0.5\" />")
        let a = quarter.albedo(wi: SIMD3(0, 0, 1), uv: SIMD2(0.5, 0.9))
        XCTAssertTrue(a.y > 0.9 && a.x < 0.1, "\(a)")
    }

    func testUnsupportedNodesNameTheReason() throws {
        let dir = try TempDir()
        for (tag, type, fragment) in [("normal", "vector3", "texture coordinate and the position"), ("cellnoise3d", "float", "not implemented"),
                                      ("combine4", "color3", "color4"), ("worleynoise3d", "float", "not implemented")] {
            let path = try dir.write("\(tag).mtlx", """
            <?xml version="1.0"?>
            <materialx version="1.39">
              <\(tag) name="x" type="\(type)" />
              <standard_surface name="s" type="surfaceshader"><input name="base_color" type="color3" nodename="x" /></standard_surface>
              <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
            </materialx>
            """)
            assertMaterialError("\(tag).mtlx", "'x'", "<\(tag)>", fragment) { try MaterialLoader.loadMaterial(path: path) }
        }
    }
}

/// The largest componentwise |a − b|.
func maxDifference(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { max((a - b).max(), (b - a).max()) }

final class MaterialXNoiseTests: XCTestCase {
    func testGradientNoiseIsSignedBoundedAndZeroOnTheLattice() {
        var lo: Float = 0, hi: Float = 0
        for i in 0..<4000 {
            let p = SIMD2<Float>(Float(i % 63) * 0.173 - 5, Float(i / 63) * 0.291 - 7)
            let n = ProceduralMath.gradientNoise(p, 3)
            lo = min(lo, n); hi = max(hi, n)
        }
        XCTAssertLessThan(lo, -0.4); XCTAssertGreaterThan(hi, 0.4)
        XCTAssertGreaterThanOrEqual(lo, -1.001); XCTAssertLessThanOrEqual(hi, 1.001)
        for x in -3...3 { XCTAssertEqual(ProceduralMath.gradientNoise(SIMD2(Float(x), 2), 9), 0) }
        // Continuous: a small step changes it a little.
        let a = ProceduralMath.gradientNoise(SIMD2(1.37, 2.61), 1), b = ProceduralMath.gradientNoise(SIMD2(1.3701, 2.61), 1)
        XCTAssertLessThan(abs(a - b), 1e-3)
    }

    func testNoiseNodesThroughADocument() throws {
        let dir = try TempDir()
        let path = try dir.write("noise.mtlx", """
        <?xml version="1.0"?>
        <materialx version="1.39">
          <texcoord name="tc" type="vector2" />
          <place2d name="p" type="vector2"><input name="texcoord" type="vector2" nodename="tc" /><input name="scale" type="vector2" value="0.25, 0.25" /></place2d>
          <noise2d name="n" type="float">
            <input name="texcoord" type="vector2" nodename="p" /><input name="amplitude" type="float" value="0.25" /><input name="pivot" type="float" value="0.5" />
          </noise2d>
          <cellnoise2d name="c" type="float"><input name="texcoord" type="vector2" nodename="p" /></cellnoise2d>
          <worleynoise2d name="w" type="float"><input name="texcoord" type="vector2" nodename="p" /><input name="jitter" type="float" value="0.8" /></worleynoise2d>
          <combine3 name="rgb" type="color3">
            <input name="in1" type="float" nodename="n" /><input name="in2" type="float" nodename="c" /><input name="in3" type="float" nodename="w" />
          </combine3>
          <oren_nayar_diffuse_bsdf name="b" type="BSDF"><input name="color" type="color3" nodename="rgb" /><input name="roughness" type="float" value="0" /><input name="energy_compensation" type="boolean" value="false" /></oren_nayar_diffuse_bsdf>
          <surface name="s" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="b" /></surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
        </materialx>
        """)
        let m = try MaterialLoader.loadMaterial(path: path)
        for uv in [SIMD2<Float>(0.13, 0.71), SIMD2(0.52, 0.33), SIMD2(0.91, 0.08)] {
            let q = uv * 4    // place2d scale 0.25 → uv / 0.25
            let a = m.albedo(wi: SIMD3(0, 0, 1), uv: uv)
            // The albedo is colour × the lobe's tabulated albedo at normal
            // incidence, which is 1 only to the table's accuracy (≈ 1e-3).
            let expected = SIMD3(0.25 * ProceduralMath.gradientNoise(q, 0) + 0.5, ProceduralMath.voronoi(q, 0, 0).0,
                                 ProceduralMath.voronoi(q, 0.8, 0).1)
            for k in 0..<3 { XCTAssertEqual(a[k], expected[k], accuracy: 2e-3 * expected[k] + 1e-4, "channel \(k) at \(uv)") }
        }
    }
}
