import Foundation
import Imaging
import XCTest
@testable import Materials

/// MaterialX <hextiledimage>: hex tiling on the CPU (the GPU agrees: the
/// hex-tiled fixture of RenderingTests.LayeredMaterialKernelTests) and its
/// reading from MaterialX documents.
final class HexTilingTests: XCTestCase {
    /// 16² texels, every one different (bilinear, repeat).
    static let texture: MaterialTexture = {
        var pixels: [SIMD4<Float>] = []
        for y in 0..<16 { for x in 0..<16 {
            pixels.append(SIMD4(Float(x) / 15, Float(y) / 15, Float((x * 7 + y * 3) % 16) / 15, 1))
        } }
        return MaterialTexture(width: 16, height: 16, pixels: pixels, wrap: .repeat)
    }()

    func testWithoutRandomnessEveryTileIsTheTextureItself() {
        var h = HexTiling()
        h.rotation = 0
        h.rotationRange = SIMD2(0, 0)
        h.scale = 0
        h.offset = 0
        h.falloff = 0.8
        var rng = PCG32(seed: 3)
        for _ in 0..<500 {
            let c = SIMD2(rng.nextFloat() * 9 - 3, rng.nextFloat() * 9 - 3)
            let a = h.sample(Self.texture, c), b = Self.texture.sample(c)
            XCTAssertLessThan(maxDifference(xyz(a), xyz(b)), 1e-5, "at \(c)")
        }
    }

    func testTilesAreRandomisedYetTheBlendHasNoSeams() {
        let h = HexTiling()
        var differs = 0, worstStep: Float = 0
        let step: Float = 1e-4
        var previous = h.sample(Self.texture, SIMD2(0.013, 0.271))
        // A line across many tiles and triangle edges, at small steps.
        for i in 1...40_000 {
            let c = SIMD2(0.013, 0.271) + Float(i) * step * SIMD2(0.83, 0.56)
            let v = h.sample(Self.texture, c)
            worstStep = max(worstStep, maxDifference(xyz(v), xyz(previous)))
            if maxDifference(xyz(v), xyz(Self.texture.sample(c))) > 0.05 { differs += 1 }
            XCTAssertTrue(v.x.isFinite && v.y.isFinite && v.z.isFinite)
            previous = v
        }
        // Each step moves 1e-4 texture units: the texture changes by ≈ 1e-3 per step at
        // scale 2; a seam between tiles would jump by a large part of [0, 1].
        XCTAssertLessThan(worstStep, 0.02)
        XCTAssertGreaterThan(differs, 40_000 / 2, "the tiles must not all read the texture unchanged")
    }

    func testTheBlendKeepsTheTextureMean() {
        var h = HexTiling()
        h.falloffContrast = 0   // no bias towards bright samples
        var rng = PCG32(seed: 9)
        var sum = SIMD3<Float>()
        let n = 40_000
        for _ in 0..<n { sum += xyz(h.sample(Self.texture, SIMD2(rng.nextFloat() * 40, rng.nextFloat() * 40))) }
        let mean = sum / Float(n)
        let expected = Self.texture.pixels.reduce(SIMD3<Float>()) { $0 + xyz($1) } / Float(Self.texture.pixels.count)
        XCTAssertLessThan(maxDifference(mean, expected), 0.03, "\(mean) vs \(expected)")
    }

    func testABlackTextureAtFullContrastBiasStaysFinite() {
        var h = HexTiling()
        h.falloffContrast = 1
        h.falloff = 0.9
        let black = MaterialTexture(width: 2, height: 2, pixels: Array(repeating: SIMD4(0, 0, 0, 0), count: 4), wrap: .repeat)
        for c in [SIMD2<Float>(0.3, 0.7), SIMD2(5.1, -2.2), SIMD2(1e7, -1e7)] {
            let v = h.sample(black, c)
            XCTAssertEqual(v, SIMD4(0, 0, 0, 0), "at \(c)")
        }
        XCTAssertEqual(HexTiling.gain(0.5, 0.75), 0.5, accuracy: 1e-6)
        XCTAssertEqual(HexTiling.normalized(SIMD3(0, 0, 0), fallback: SIMD3(0, 0, 0)), SIMD3(repeating: 1.0 / 3))
    }

    // MARK: MaterialX

    static func document(_ hexInputs: String, type: String = "color3") -> String {
        """
        <?xml version="1.0"?>
        <materialx version="1.39">
          <hextiledimage name="img" type="\(type)">
            <input name="file" type="filename" value="tex.png" />
            \(hexInputs)
          </hextiledimage>
          <oren_nayar_diffuse_bsdf name="b" type="BSDF"><input name="color" type="color3" nodename="img" /><input name="roughness" type="float" value="0" /><input name="energy_compensation" type="boolean" value="false" /></oren_nayar_diffuse_bsdf>
          <surface name="s" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="b" /></surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
        </materialx>
        """
    }

    func writeTexture(_ dir: TempDir) throws {
        var img = Image(width: 16, height: 16, fill: SIMD4(0, 0, 0, 1))
        for y in 0..<16 { for x in 0..<16 { img[x, y] = SIMD4(Float(x) / 15, Float(y) / 15, 0.5, 1) } }
        try writePNG(img, to: dir.path + "/tex.png", toneMap: .clamp)
    }

    func testTheNodeIsHexTiledWithItsParametersAndNoWarning() throws {
        let dir = try TempDir()
        try writeTexture(dir)
        let inputs = """
            <input name="tiling" type="vector2" value="2, 3" /><input name="rotation" type="float" value="0.5" />
            <input name="rotationrange" type="vector2" value="10, 90" /><input name="scale" type="float" value="0.25" />
            <input name="scalerange" type="vector2" value="0.8, 1.5" /><input name="offset" type="float" value="0.3" />
            <input name="offsetrange" type="vector2" value="0.1, 0.6" /><input name="falloff" type="float" value="0.75" />
            <input name="falloffcontrast" type="float" value="0.2" /><input name="lumacoeffs" type="color3" value="0.2126, 0.7152, 0.0722" />
            """
        var warnings: [String] = []
        let m = try MaterialLoader.loadMaterial(path: try dir.write("hex.mtlx", Self.document(inputs)), warn: { warnings.append($0) })
        XCTAssertEqual(warnings, [])
        let hexes = m.ops.compactMap { op -> (UVTransform, HexTiling)? in
            if case .hexTiledImage(_, let place, let hex, _) = op { return (place, hex) }
            return nil
        }
        XCTAssertEqual(hexes.count, 1)
        guard let (place, hex) = hexes.first else { return }
        XCTAssertEqual(place.scale, SIMD2(2, 3))
        var expected = HexTiling()
        expected.rotation = 0.5
        expected.rotationRange = SIMD2(10, 90)
        expected.scale = 0.25
        expected.scaleRange = SIMD2(0.8, 1.5)
        expected.offset = 0.3
        expected.offsetRange = SIMD2(0.1, 0.6)
        expected.falloff = 0.75
        expected.falloffContrast = 0.2
        expected.lumaCoefficients = SIMD3(0.2126, 0.7152, 0.0722)
        XCTAssertEqual(hex, expected)
        // The material's colour is the hex-tiled texture at the placed uv (up to
        // the Oren–Nayar albedo estimate's ≈ 5e-4; a wrong tile would be off by ≈ 0.1).
        let texture = m.textures[0]
        for uv in [SIMD2<Float>(0.1, 0.2), SIMD2(0.77, 0.31), SIMD2(0.5, 0.93)] {
            let albedo = m.albedo(wi: SIMD3(0, 0, 1), uv: uv)
            let direct = xyz(hex.sample(texture, uv * SIMD2(2, 3)))
            XCTAssertLessThan(maxDifference(albedo, direct), 2e-3, "at \(uv)")
        }
    }

    func testDefaultsAreMaterialXs() throws {
        let dir = try TempDir()
        try writeTexture(dir)
        let m = try MaterialLoader.loadMaterial(path: try dir.write("hex.mtlx", Self.document("")))
        guard case .hexTiledImage(_, let place, let hex, _)? = m.ops.first(where: {
            if case .hexTiledImage = $0 { return true } else { return false }
        }) else { return XCTFail("no hex-tiled image") }
        XCTAssertEqual(place.scale, SIMD2(1, 1))
        XCTAssertEqual(hex, HexTiling())
        XCTAssertEqual(hex.rotationRange, SIMD2(0, 360))
        XCTAssertEqual(hex.scaleRange, SIMD2(0.5, 2))
        XCTAssertEqual(hex.falloffContrast, 0.5)
    }

    func testRefusalsNameTheInput() throws {
        let dir = try TempDir()
        try writeTexture(dir)
        assertMaterialError("hextiledimage", "type color3") {
            try MaterialLoader.loadMaterial(path: try dir.write("a.mtlx", Self.document("", type: "float")))
        }
        assertMaterialError("scalerange", "positive") {
            try MaterialLoader.loadMaterial(path: try dir.write("b.mtlx", Self.document(#"<input name="scalerange" type="vector2" value="0, 2" />"#)))
        }
        // A parameter driven by the texture coordinate would vary over the surface.
        let varying = Self.document(#"<input name="falloff" type="float" nodename="u" />"#)
            .replacingOccurrences(of: "<hextiledimage", with: """
            <texcoord name="tc" type="vector2" />
            <separate2 name="uv" type="multioutput"><input name="in" type="vector2" nodename="tc" /></separate2>
            <multiply name="u" type="float"><input name="in1" type="float" nodename="uv" output="outx" /><input name="in2" type="float" value="0.9" /></multiply>
            <hextiledimage
            """)
        assertMaterialError("falloff", "must not vary") {
            try MaterialLoader.loadMaterial(path: try dir.write("c.mtlx", varying))
        }
    }

    /// The corpus's hex-tiled onyx loads once its missing colour texture is
    /// supplied (any image will do: here the corpus's wood), with no warning.
    func testTheCorpusOnyxLoadsWhenItsTextureIsSupplied() throws {
        let corpusImages = MaterialXCorpusTests.corpusRoot + "/resources/Images"
        let document = MaterialXCorpusTests.examples + "/StandardSurface/standard_surface_onyx_hextiled.mtlx"
        guard FileManager.default.fileExists(atPath: document) else {
            return XCTFail("the MaterialX corpus is missing: expected it at \(MaterialXCorpusTests.corpusRoot)")
        }
        // The document's fileprefix is ../../../Images/ relative to its folder.
        let dir = try TempDir()
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.path + "/Materials/Examples/StandardSurface", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir.path + "/Images", withIntermediateDirectories: true)
        try fm.copyItem(atPath: document, toPath: dir.path + "/Materials/Examples/StandardSurface/onyx.mtlx")
        try fm.copyItem(atPath: corpusImages + "/onyx_roughness.jpg", toPath: dir.path + "/Images/onyx_roughness.jpg")
        try fm.copyItem(atPath: corpusImages + "/wood_color.jpg", toPath: dir.path + "/Images/onyx_color.jpg")
        var warnings: [String] = []
        let m = try MaterialLoader.loadMaterial(path: dir.path + "/Materials/Examples/StandardSurface/onyx.mtlx",
                                                warn: { warnings.append($0) })
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(m.ops.filter { if case .hexTiledImage = $0 { return true } else { return false } }.count, 2)
        let a = m.albedo(wi: SIMD3(0, 0, 1), uv: SIMD2(0.3, 0.6))
        XCTAssertTrue(a.x > 0.01 && a.x < 1 && a.y.isFinite && a.z.isFinite, "\(a)")
    }
}
