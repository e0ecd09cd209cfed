import Foundation
import Imaging
import XCTest
@testable import Materials

/// MaterialX's glTF texture nodes (`gltf_image`, `gltf_colorimage`,
/// `gltf_normalmap`): texel × factor, their own placement, and the refusals.
final class MaterialXGLTFTextureNodeTests: XCTestCase {
    /// A 2×1 texture, red on the left, green on the right, written as
    /// `rg.png`; `node` is the texture node feeding a Lambert-like lobe's colour.
    func material(_ dir: TempDir, _ node: String, colorInput: String = "nodename=\"img\"") throws -> Material {
        let path = try dir.write("m\(abs(node.hashValue)).mtlx", """
        <?xml version="1.0"?>
        <materialx version="1.39">
          \(node)
          <oren_nayar_diffuse_bsdf name="b" type="BSDF"><input name="color" type="color3" \(colorInput) /><input name="roughness" type="float" value="0" /><input name="energy_compensation" type="boolean" value="false" /></oren_nayar_diffuse_bsdf>
          <surface name="s" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="b" /></surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
        </materialx>
        """)
        return try MaterialLoader.loadMaterial(path: path, warn: { _ in })
    }

    func writeTexture(_ dir: TempDir) throws {
        var img = Image(width: 2, height: 1, fill: SIMD4(1, 0, 0, 1))
        img[1, 0] = SIMD4(0, 1, 0, 1)
        try writePNG(img, to: dir.path + "/rg.png", toneMap: .clamp)
    }

    func albedo(_ m: Material, _ u: Float) -> SIMD3<Float> { m.albedo(wi: SIMD3(0, 0, 1), uv: SIMD2(u, 0.5)) }

    func testGLTFImageMultipliesItsFactorAndPlacesItself() throws {
        let dir = try TempDir()
        try writeTexture(dir)
        let clamp = "<input name=\"uaddressmode\" type=\"string\" value=\"clamp\" /><input name=\"vaddressmode\" type=\"string\" value=\"clamp\" />"
        let plain = try material(dir, "<gltf_image name=\"img\" type=\"color3\"><input name=\"file\" type=\"filename\" value=\"rg.png\" />\(clamp)</gltf_image>")
        XCTAssertGreaterThan(albedo(plain, 0.1).x, 0.9)
        XCTAssertGreaterThan(albedo(plain, 0.9).y, 0.9)
        let halved = try material(dir, """
            <gltf_image name="img" type="color3"><input name="file" type="filename" value="rg.png" />\(clamp)
              <input name="factor" type="color3" value="0.5, 0.5, 0.25" /></gltf_image>
            """)
        XCTAssertEqual(albedo(halved, 0.1).x, 0.5 * albedo(plain, 0.1).x, accuracy: 1e-5)
        XCTAssertEqual(albedo(halved, 0.9).y, 0.5 * albedo(plain, 0.9).y, accuracy: 1e-5)
        // Offset 0.5 (placement on the node itself): 0.7 reads the texel at 0.2 (red).
        let shifted = try material(dir, """
            <gltf_image name="img" type="color3"><input name="file" type="filename" value="rg.png" />\(clamp)
              <input name="offset" type="vector2" value="0.5, 0" /></gltf_image>
            """)
        XCTAssertLessThan(albedo(plain, 0.7).x, 0.5)
        XCTAssertGreaterThan(albedo(shifted, 0.7).x, 0.9)
    }

    func testGLTFColorImageOutputsColourAndAlpha() throws {
        let dir = try TempDir()
        try writeTexture(dir)
        let node = """
            <gltf_colorimage name="img" type="multioutput"><input name="file" type="filename" value="rg.png" />
              <input name="color" type="color4" value="0.5, 1, 1, 0.25" /></gltf_colorimage>
            """
        let m = try material(dir, node, colorInput: "nodename=\"img\" output=\"outcolor\"")
        XCTAssertEqual(albedo(m, 0.25).x, 0.5, accuracy: 0.01, "the red texel's centre × colour factor 0.5")
        // outa: the texture's alpha (1) × the factor's alpha (0.25), as a grey colour.
        let alpha = try material(dir, node + "<convert name=\"a3\" type=\"color3\"><input name=\"in\" type=\"float\" nodename=\"img\" output=\"outa\" /></convert>",
                                 colorInput: "nodename=\"a3\"")
        XCTAssertEqual(albedo(alpha, 0.5).y, 0.25, accuracy: 0.01)
        XCTAssertThrowsError(try material(dir, node, colorInput: "nodename=\"img\" output=\"outrgb\"")) { e in
            XCTAssertTrue("\(e)".contains("outcolor and outa"), "\(e)")
        }
        XCTAssertThrowsError(try material(dir, """
            <gltf_colorimage name="img" type="multioutput"><input name="file" type="filename" value="rg.png" />
              <input name="geomcolor" type="color4" value="1, 1, 1, 1" /></gltf_colorimage>
            """, colorInput: "nodename=\"img\" output=\"outcolor\"")) { e in
            XCTAssertTrue("\(e)".contains("geomcolor"), "\(e)")
        }
    }

    func testGLTFNormalMapIsATangentSpaceNormalMap() throws {
        let dir = try TempDir()
        // A flat normal map (code values 0.5, 0.5, 1) must leave the shading
        // normal alone. writePNG encodes to sRGB and the map is read raw, so
        // write the linear value whose sRGB code is 0.5.
        try writePNG(Image(width: 1, height: 1, fill: SIMD4(0.21404, 0.21404, 1, 1)), to: dir.path + "/n.png", toneMap: .clamp)
        let path = try dir.write("n.mtlx", """
        <?xml version="1.0"?>
        <materialx version="1.39">
          <gltf_normalmap name="nm" type="vector3"><input name="file" type="filename" value="n.png" /></gltf_normalmap>
          <gltf_pbr name="s" type="surfaceshader"><input name="normal" type="vector3" nodename="nm" /><input name="metallic" type="float" value="0" /></gltf_pbr>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
        </materialx>
        """)
        let mapped = try MaterialLoader.loadMaterial(path: path, warn: { _ in })
        let flatPath = try dir.write("f.mtlx", """
        <?xml version="1.0"?>
        <materialx version="1.39">
          <gltf_pbr name="s" type="surfaceshader"><input name="metallic" type="float" value="0" /></gltf_pbr>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
        </materialx>
        """)
        let flat = try MaterialLoader.loadMaterial(path: flatPath, warn: { _ in })
        let wi = direction(thetaDegrees: 20, phiDegrees: 15), wo = direction(thetaDegrees: 30, phiDegrees: 160)
        let a = mapped.eval(wi: wi, wo: wo, uv: SIMD2(0.5, 0.5)), b = flat.eval(wi: wi, wo: wo, uv: SIMD2(0.5, 0.5))
        for c in 0..<3 { XCTAssertEqual(a[c], b[c], accuracy: 0.02 * b[c] + 1e-4, "flat normal map: channel \(c)") }
    }
}
