import Foundation
import Imaging
import XCTest
@testable import Materials

/// MaterialX `<texcoord index="1">`: images (plain, tiled, hex-tiled, placed
/// by place2d) and texcoord values read the mesh's second uv set; the
/// noises and sets ≥ 2 are refused with the input named.
final class MaterialXSecondUVSetTests: XCTestCase {
    /// A 2×1 texture: red on the left half, blue on the right.
    func writeTexture(_ dir: TempDir) throws {
        var img = Image(width: 2, height: 1, fill: SIMD4(1, 0, 0, 1))
        img[1, 0] = SIMD4(0, 0, 1, 1)
        try writePNG(img, to: dir.path + "/rb.png", toneMap: .clamp)
    }

    static func document(_ graph: String, color: String) -> String {
        """
        <?xml version="1.0"?>
        <materialx version="1.39">
          <texcoord name="tc1" type="vector2"><input name="index" type="integer" value="1" /></texcoord>
          \(graph)
          <oren_nayar_diffuse_bsdf name="b" type="BSDF"><input name="color" type="color3" nodename="\(color)" /><input name="roughness" type="float" value="0" /><input name="energy_compensation" type="boolean" value="false" /></oren_nayar_diffuse_bsdf>
          <surface name="s" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="b" /></surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
        </materialx>
        """
    }

    static let wi = SIMD3<Float>(0, 0, 1)
    // uv points at the red texel centre region, uv1 at the blue one.
    static let red = SIMD2<Float>(0.25, 0.5), blue = SIMD2<Float>(0.75, 0.5)

    func testImagesOnTheSecondSetReadIt() throws {
        let dir = try TempDir()
        try writeTexture(dir)
        let graphs = [
            "image": #"<image name="img" type="color3"><input name="file" type="filename" value="rb.png" /><input name="texcoord" type="vector2" nodename="tc1" /></image>"#,
            "tiledimage": #"<tiledimage name="img" type="color3"><input name="file" type="filename" value="rb.png" /><input name="texcoord" type="vector2" nodename="tc1" /></tiledimage>"#,
            "place2d": #"<place2d name="pl" type="vector2"><input name="texcoord" type="vector2" nodename="tc1" /></place2d><image name="img" type="color3"><input name="file" type="filename" value="rb.png" /><input name="texcoord" type="vector2" nodename="pl" /></image>"#,
        ]
        for (label, graph) in graphs {
            let m = try MaterialLoader.loadMaterial(path: try dir.write("\(label).mtlx", Self.document(graph, color: "img")))
            XCTAssertTrue(m.readsSecondUVSet, label)
            let fromSet1 = m.albedo(wi: Self.wi, uv: Self.red, uv1: Self.blue)
            XCTAssertTrue(fromSet1.z > 0.9 && fromSet1.x < 0.1, "\(label): \(fromSet1)")
            // Without a second set (a mesh with one uv set, the baker) set 1 is set 0.
            let fallback = m.albedo(wi: Self.wi, uv: Self.red)
            XCTAssertTrue(fallback.x > 0.9 && fallback.z < 0.1, "\(label): \(fallback)")
        }
        // Hex tiling with no randomness is the plain texture: it reads set 1 too.
        let hex = #"<hextiledimage name="img" type="color3"><input name="file" type="filename" value="rb.png" /><input name="texcoord" type="vector2" nodename="tc1" /><input name="rotation" type="float" value="0" /><input name="scale" type="float" value="0" /><input name="offset" type="float" value="0" /></hextiledimage>"#
        let h = try MaterialLoader.loadMaterial(path: try dir.write("hex.mtlx", Self.document(hex, color: "img")))
        let fromSet1 = h.albedo(wi: Self.wi, uv: Self.red, uv1: Self.blue)
        XCTAssertTrue(fromSet1.z > 0.9 && fromSet1.x < 0.1, "hextiledimage: \(fromSet1)")
    }

    func testTexcoordValueOfTheSecondSet() throws {
        let dir = try TempDir()
        let graph = """
        <separate2 name="st" type="multioutput"><input name="in" type="vector2" nodename="tc1" /></separate2>
        <combine3 name="c" type="color3"><input name="in1" type="float" nodename="st" output="outx" /><input name="in2" type="float" nodename="st" output="outy" /><input name="in3" type="float" value="0" /></combine3>
        """
        let m = try MaterialLoader.loadMaterial(path: try dir.write("tc.mtlx", Self.document(graph, color: "c")))
        XCTAssertTrue(m.readsSecondUVSet)
        let a = m.albedo(wi: Self.wi, uv: SIMD2(0.1, 0.2), uv1: SIMD2(0.6, 0.9))
        XCTAssertEqual(a.x, 0.6, accuracy: 3e-3)
        XCTAssertEqual(a.y, 0.9, accuracy: 3e-3)
        // The generated GLSL reads the integrator's second set, sanitised like uv.
        let glsl = generateGLSL(for: m, functionSuffix: "tc1").source
        XCTAssertTrue(glsl.contains("vec2 uv1 = lqShadingUV1;") && glsl.contains("vec4(uv1, 0.0, 0.0)"), glsl)
    }

    func testOtherSetsAndNoisesOnTheSecondSetAreRefused() throws {
        let dir = try TempDir()
        try writeTexture(dir)
        let third = Self.document(#"<image name="img" type="color3"><input name="file" type="filename" value="rb.png" /><input name="texcoord" type="vector2" nodename="tc1" /></image>"#, color: "img")
            .replacingOccurrences(of: #"name="index" type="integer" value="1""#, with: #"name="index" type="integer" value="2""#)
        assertMaterialError("input 'index'", "set '2'", "sets 0 and 1") {
            try MaterialLoader.loadMaterial(path: try dir.write("third.mtlx", third))
        }
        let noise = Self.document("""
            <noise2d name="n" type="float"><input name="texcoord" type="vector2" nodename="tc1" /></noise2d>
            <combine3 name="c" type="color3"><input name="in1" type="float" nodename="n" /><input name="in2" type="float" value="0" /><input name="in3" type="float" value="0" /></combine3>
            """, color: "c")
        assertMaterialError("noise2d", "input 'texcoord'", "set 0 only") {
            try MaterialLoader.loadMaterial(path: try dir.write("noise.mtlx", noise))
        }
    }
}
