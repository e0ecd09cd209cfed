import XCTest
import Imaging
@testable import Materials

final class MaterialXTests: XCTestCase {
    func doc(_ body: String) -> String {
        "<?xml version=\"1.0\"?>\n<materialx version=\"1.39\">\n\(body)\n</materialx>\n"
    }

    func testBundledMaterialXLoad() throws {
        let glaze = try MaterialLoader.loadMaterial(path: TestPaths.material("ceramic_glaze.mtlx"))
        XCTAssertEqual(glaze.lobeKinds, [.dielectric, .dielectric, .orenNayar])
        let velvet = try MaterialLoader.loadMaterial(path: TestPaths.material("velvet.mtlx"))
        XCTAssertEqual(velvet.lobeKinds, [.sheen, .orenNayar])
    }

    func testOpenPBRConstants() throws {
        let dir = try TempDir()
        let path = try dir.write("m.mtlx", doc("""
          <open_pbr_surface name="SR" type="surfaceshader">
            <input name="base_color" type="color3" value="0.5, 0.2, 0.1" />
            <input name="base_metalness" type="float" value="0.25" />
            <input name="specular_roughness" type="float" value="0.4" />
            <input name="coat_weight" type="float" value="0.5" />
            <input name="fuzz_weight" type="float" value="0.2" />
          </open_pbr_surface>
          <surfacematerial name="M" type="material">
            <input name="surfaceshader" type="surfaceshader" nodename="SR" />
          </surfacematerial>
        """))
        let m = try MaterialLoader.loadMaterial(path: path)
        XCTAssertEqual(m.name, "M")
        XCTAssertEqual(m.lobeCount, 5)
        let a = m.albedo(wi: direction(thetaDegrees: 20), uv: V2(0.5, 0.5))
        XCTAssertTrue(a.x > a.z && a.max() < 1, "\(a)")
        let r = furnace(m, wi: direction(thetaDegrees: 50), uv: V2(0.5, 0.5), samples: 4096, seed: 2)
        XCTAssertLessThan(r.sampled.max(), 1.01)
    }

    func testOpenPBRWithImageTexture() throws {
        let dir = try TempDir()
        var img = Image(width: 2, height: 2, fill: SIMD4(1, 0, 0, 1))
        img[1, 0] = SIMD4(0, 1, 0, 1)
        try writePNG(img, to: dir.path + "/tex.png")
        let path = try dir.write("m.mtlx", doc("""
          <nodegraph name="NG">
            <tiledimage name="img" type="color3">
              <input name="file" type="filename" value="tex.png" colorspace="srgb_texture" />
              <input name="uvtiling" type="vector2" value="1, 1" />
            </tiledimage>
            <output name="out" type="color3" nodename="img" />
          </nodegraph>
          <open_pbr_surface name="SR" type="surfaceshader">
            <input name="base_color" type="color3" nodegraph="NG" output="out" />
            <input name="specular_weight" type="float" value="0" />
          </open_pbr_surface>
          <surfacematerial name="M" type="material">
            <input name="surfaceshader" type="surfaceshader" nodename="SR" />
          </surfacematerial>
        """))
        let m = try MaterialLoader.loadMaterial(path: path)
        XCTAssertEqual(m.textures.count, 1)
        // Texel (0,1) of the file (top-left) is red; it sits at v = 0.75 after the flip.
        let red = m.albedo(wi: V3(0, 0, 1), uv: V2(0.25, 0.75))
        let green = m.albedo(wi: V3(0, 0, 1), uv: V2(0.75, 0.75))
        XCTAssertGreaterThan(red.x, 0.5); XCTAssertLessThan(red.y, 0.05)
        XCTAssertGreaterThan(green.y, 0.5); XCTAssertLessThan(green.x, 0.05)
        // Texture bytes are part of the content hash.
        let h1 = m.contentHash
        img[0, 0] = SIMD4(0, 0, 1, 1)
        try writePNG(img, to: dir.path + "/tex.png")
        XCTAssertNotEqual(try MaterialLoader.loadMaterial(path: path).contentHash, h1)
    }

    func testPbrlibLayerMixGraph() throws {
        let dir = try TempDir()
        let path = try dir.write("m.mtlx", doc("""
          <nodegraph name="NG">
            <roughness_anisotropy name="ra" type="vector2">
              <input name="roughness" type="float" value="0.5" />
              <input name="anisotropy" type="float" value="0.5" />
            </roughness_anisotropy>
            <artistic_ior name="aior" type="multioutput">
              <input name="reflectivity" type="color3" value="0.9, 0.6, 0.3" />
              <input name="edge_color" type="color3" value="1, 0.9, 0.8" />
            </artistic_ior>
            <conductor_bsdf name="metal" type="BSDF">
              <input name="ior" type="color3" nodename="aior" output="ior" />
              <input name="extinction" type="color3" nodename="aior" output="extinction" />
              <input name="roughness" type="vector2" nodename="ra" />
            </conductor_bsdf>
            <oren_nayar_diffuse_bsdf name="diffuse" type="BSDF">
              <input name="color" type="color3" value="0.2, 0.5, 0.2" />
              <input name="roughness" type="float" value="0.5" />
            </oren_nayar_diffuse_bsdf>
            <mix name="blend" type="BSDF">
              <input name="fg" type="BSDF" nodename="metal" />
              <input name="bg" type="BSDF" nodename="diffuse" />
              <input name="mix" type="float" value="0.3" />
            </mix>
            <dielectric_bsdf name="coat" type="BSDF">
              <input name="ior" type="float" value="1.5" />
              <input name="roughness" type="vector2" value="0.1, 0.1" />
              <input name="scatter_mode" type="string" value="R" />
            </dielectric_bsdf>
            <layer name="stack" type="BSDF">
              <input name="top" type="BSDF" nodename="coat" />
              <input name="base" type="BSDF" nodename="blend" />
            </layer>
            <output name="out" type="BSDF" nodename="stack" />
          </nodegraph>
          <surface name="S" type="surfaceshader">
            <input name="bsdf" type="BSDF" nodegraph="NG" output="out" />
          </surface>
          <surfacematerial name="M" type="material">
            <input name="surfaceshader" type="surfaceshader" nodename="S" />
          </surfacematerial>
        """))
        let m = try MaterialLoader.loadMaterial(path: path)
        XCTAssertEqual(m.lobeKinds, [.dielectric, .conductor, .orenNayar])
        let r = Chi2.test(m, wi: direction(thetaDegrees: 45), uv: V2(0.5, 0.5), samples: 6000, seed: 4, significance: 0.01)
        XCTAssertTrue(r.passed, r.message)
    }

    func testUnsupportedNodeNamesIt() throws {
        let dir = try TempDir()
        let path = try dir.write("bad.mtlx", doc("""
          <open_pbr_surface name="SR" type="surfaceshader">
            <input name="transmission_weight" type="float" value="0.5" />
          </open_pbr_surface>
          <surfacematerial name="M" type="material">
            <input name="surfaceshader" type="surfaceshader" nodename="SR" />
          </surfacematerial>
        """))
        assertMaterialError("bad.mtlx", "SR", "transmission_weight", "not supported") { try MaterialLoader.loadMaterial(path: path) }

        let p2 = try dir.write("bad2.mtlx", doc("""
          <nodegraph name="NG">
            <subsurface_bsdf name="sss" type="BSDF" />
            <output name="out" type="BSDF" nodename="sss" />
          </nodegraph>
          <surface name="S" type="surfaceshader"><input name="bsdf" type="BSDF" nodegraph="NG" output="out" /></surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="S" /></surfacematerial>
        """))
        assertMaterialError("bad2.mtlx", "sss", "subsurface_bsdf") { try MaterialLoader.loadMaterial(path: p2) }

        let p3 = try dir.write("bad3.mtlx", doc("""
          <nodegraph name="NG">
            <cellnoise3d name="n" type="float" />
            <output name="out" type="float" nodename="n" />
          </nodegraph>
          <standard_surface name="SR" type="surfaceshader">
            <input name="metalness" type="float" nodegraph="NG" output="out" />
          </standard_surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="SR" /></surfacematerial>
        """))
        assertMaterialError("bad3.mtlx", "'n'", "cellnoise3d") { try MaterialLoader.loadMaterial(path: p3) }

        let p4 = try dir.write("bad4.mtlx", doc("""
          <nodegraph name="NG">
            <dielectric_bsdf name="glass" type="BSDF"><input name="scatter_mode" type="string" value="RT" /></dielectric_bsdf>
            <output name="out" type="BSDF" nodename="glass" />
          </nodegraph>
          <surface name="S" type="surfaceshader"><input name="bsdf" type="BSDF" nodegraph="NG" output="out" /></surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="S" /></surfacematerial>
        """))
        assertMaterialError("bad4.mtlx", "glass", "scatter_mode", "transmission") { try MaterialLoader.loadMaterial(path: p4) }
    }

    func testMalformedMissingAndWrongTypes() throws {
        let dir = try TempDir()
        let p1 = try dir.write("broken.mtlx", "<materialx version=\"1.39\"><open_pbr_surface name=\"x\" </materialx>")
        assertMaterialError("broken.mtlx", "XML") { try MaterialLoader.loadMaterial(path: p1) }

        let p1b = try dir.write("trunc.mtlx", "<?xml version=\"1.0\"?>\n<materialx version=\"1.39\">\n  <surfacematerial name=\"M\" type=\"material\">")
        assertMaterialError("trunc.mtlx") { try MaterialLoader.loadMaterial(path: p1b) }

        let p2 = try dir.write("missing.mtlx", doc("""
          <nodegraph name="NG">
            <image name="img" type="color3"><input name="file" type="filename" value="nope.png" /></image>
            <output name="out" type="color3" nodename="img" />
          </nodegraph>
          <open_pbr_surface name="SR" type="surfaceshader">
            <input name="base_color" type="color3" nodegraph="NG" output="out" />
          </open_pbr_surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="SR" /></surfacematerial>
        """))
        assertMaterialError("missing.mtlx", "img", "file", "nope.png") { try MaterialLoader.loadMaterial(path: p2) }

        let p3 = try dir.write("types.mtlx", doc("""
          <open_pbr_surface name="SR" type="surfaceshader">
            <input name="base_color" type="float" value="0.5" />
          </open_pbr_surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="SR" /></surfacematerial>
        """))
        assertMaterialError("types.mtlx", "SR", "base_color", "color3") { try MaterialLoader.loadMaterial(path: p3) }

        let p4 = try dir.write("value.mtlx", doc("""
          <open_pbr_surface name="SR" type="surfaceshader">
            <input name="base_color" type="color3" value="0.5, banana, 1" />
          </open_pbr_surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="SR" /></surfacematerial>
        """))
        assertMaterialError("value.mtlx", "base_color", "banana") { try MaterialLoader.loadMaterial(path: p4) }

        let p5 = try dir.write("nomat.mtlx", doc("<open_pbr_surface name=\"SR\" type=\"surfaceshader\" />"))
        assertMaterialError("nomat.mtlx", "surfacematerial") { try MaterialLoader.loadMaterial(path: p5) }

        let p6 = try dir.write("dangling.mtlx", doc("""
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="ghost" /></surfacematerial>
        """))
        assertMaterialError("dangling.mtlx", "ghost") { try MaterialLoader.loadMaterial(path: p6) }

        let p7 = try dir.write("unknown_input.mtlx", doc("""
          <open_pbr_surface name="SR" type="surfaceshader"><input name="base_colour" type="color3" value="1,1,1" /></open_pbr_surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="SR" /></surfacematerial>
        """))
        assertMaterialError("unknown_input.mtlx", "base_colour") { try MaterialLoader.loadMaterial(path: p7) }
    }
}
