import Foundation
import XCTest
@testable import Materials

/// MaterialX solid textures on the CPU: `SolidNoise` (noise3d / fractal3d),
/// the `<position>` node and the UV-plane default of the reference API. The
/// GPU agrees: RenderingTests.SolidTextureKernelTests.
final class SolidNoiseTests: XCTestCase {
    /// Deterministic points spread over [−span, span]³ (a rank-1 lattice, no RNG state).
    func points(_ count: Int, span: Float) -> [SIMD3<Float>] {
        (0..<count).map { i in
            let t = Float(i) + 0.5
            func frac(_ x: Float) -> Float { x - x.rounded(.down) }
            return SIMD3(frac(t * 0.618_034), frac(t * 0.754_878), frac(t * 0.569_840)) * (2 * span) - SIMD3(repeating: span)
        }
    }

    func testNoiseIsSignedBoundedAndZeroOnTheLattice() {
        var lo: Float = 0, hi: Float = 0, sum: Float = 0
        let samples = points(20_000, span: 40)
        for p in samples {
            let n = SolidNoise.noise(p, 0)
            lo = min(lo, n); hi = max(hi, n); sum += n
        }
        XCTAssertGreaterThanOrEqual(lo, -1); XCTAssertLessThanOrEqual(hi, 1)
        XCTAssertLessThan(lo, -0.5, "signed noise reaches well below 0"); XCTAssertGreaterThan(hi, 0.5)
        XCTAssertEqual(sum / Float(samples.count), 0, accuracy: 0.02, "zero mean")
        for x in -2...2 {
            for z in [-7, 0, 5] { XCTAssertEqual(SolidNoise.noise(SIMD3(Float(x), 3, Float(z)), 0), 0) }
        }
    }

    func testNoiseIsContinuousAcrossCellsAndDeterministic() {
        // Across every kind of cell face, and inside cells: a step of 1e-4 moves it by little.
        let starts = [SIMD3<Float>(2, 0.3, 0.7), SIMD3(0.4, -1, 0.2), SIMD3(0.6, 0.1, 3), SIMD3(-4, -4, -4)]
            + points(200, span: 10)
        for p in starts {
            for axis in 0..<3 {
                var a = p, b = p
                a[axis] -= 1e-4; b[axis] += 1e-4
                XCTAssertLessThan(abs(SolidNoise.noise(a, 0) - SolidNoise.noise(b, 0)), 2e-3, "jump at \(p) along axis \(axis)")
            }
        }
        // Deterministic, and the channels (seeds) are different noises.
        let p = SIMD3<Float>(1.37, -2.61, 0.42)
        XCTAssertEqual(SolidNoise.noise(p, 0), SolidNoise.noise(p, 0))
        XCTAssertNotEqual(SolidNoise.noise(p, 0), SolidNoise.noise(p, 1))
        XCTAssertEqual(SolidNoise.fractal(p, octaves: 4, lacunarity: 2, diminish: 0.5, channels: 3),
                       SolidNoise.fractal(p, octaves: 4, lacunarity: 2, diminish: 0.5, channels: 3))
        // Non-finite and huge coordinates stay finite.
        for q in [SIMD3<Float>(.nan, 1, 2), SIMD3(.infinity, 0, 0), SIMD3(1e30, -1e30, 3)] {
            XCTAssertTrue(SolidNoise.noise(q, 0).isFinite, "\(q)")
        }
    }

    func testFractalSumsOctaves() {
        for p in points(50, span: 5) {
            let one = SolidNoise.fractal(p, octaves: 1, lacunarity: 2, diminish: 0.5, channels: 1)
            XCTAssertEqual(one, SIMD4(repeating: SolidNoise.noise(p, 0)), "one octave is the noise itself")
            let three = SolidNoise.fractal(p, octaves: 3, lacunarity: 2.5, diminish: 0.4, channels: 1).x
            let expected = SolidNoise.noise(p, 0) + 0.4 * SolidNoise.noise(p * 2.5, 0) + 0.16 * SolidNoise.noise(p * 6.25, 0)
            XCTAssertEqual(three, expected, accuracy: 1e-5)
            let rgb = SolidNoise.fractal(p, octaves: 2, lacunarity: 2, diminish: 0.5, channels: 3)
            for k in 0..<3 {
                XCTAssertEqual(rgb[k], SolidNoise.noise(p, UInt32(k)) + 0.5 * SolidNoise.noise(p * 2, UInt32(k)), accuracy: 1e-5)
            }
            XCTAssertEqual(rgb.w, 0)
        }
    }

    /// A diffuse whose colour is (fractal3d of one octave, noise3d, fractal3d of
    /// interface octaves), each × amplitude + 0.5, over 3 × the position.
    static let document = """
    <?xml version="1.0"?>
    <materialx version="1.39">
      <nodegraph name="NG">
        <input name="octaves" type="integer" value="3" />
        <position name="pos" type="vector3"><input name="space" type="string" value="world" /></position>
        <multiply name="p3" type="vector3"><input name="in1" type="vector3" nodename="pos" /><input name="in2" type="float" value="3" /></multiply>
        <fractal3d name="f1" type="float">
          <input name="octaves" type="integer" value="1" /><input name="amplitude" type="float" value="0.4" />
          <input name="position" type="vector3" nodename="p3" />
        </fractal3d>
        <add name="f1b" type="float"><input name="in1" type="float" nodename="f1" /><input name="in2" type="float" value="0.5" /></add>
        <noise3d name="n" type="float">
          <input name="amplitude" type="float" value="0.4" /><input name="pivot" type="float" value="0.5" />
          <input name="position" type="vector3" nodename="p3" />
        </noise3d>
        <fractal3d name="f3" type="float">
          <input name="octaves" type="integer" interfacename="octaves" /><input name="amplitude" type="float" value="0.3" />
          <input name="lacunarity" type="float" value="2.5" /><input name="diminish" type="float" value="0.4" />
          <input name="position" type="vector3" nodename="p3" />
        </fractal3d>
        <add name="f3b" type="float"><input name="in1" type="float" nodename="f3" /><input name="in2" type="float" value="0.5" /></add>
        <combine3 name="rgb" type="color3">
          <input name="in1" type="float" nodename="f1b" /><input name="in2" type="float" nodename="n" /><input name="in3" type="float" nodename="f3b" />
        </combine3>
        <output name="out" type="color3" nodename="rgb" />
      </nodegraph>
      <oren_nayar_diffuse_bsdf name="b" type="BSDF"><input name="color" type="color3" nodegraph="NG" output="out" /><input name="roughness" type="float" value="0" /><input name="energy_compensation" type="boolean" value="false" /></oren_nayar_diffuse_bsdf>
      <surface name="s" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="b" /></surface>
      <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
    </materialx>
    """

    func testNodesThroughADocumentFollowThePosition() throws {
        let dir = try TempDir()
        let m = try MaterialLoader.loadMaterial(path: try dir.write("solid.mtlx", Self.document))
        XCTAssertTrue(m.readsPosition)
        let wi = SIMD3<Float>(0, 0, 1)
        var seen: Set<Float> = []
        for position in [SIMD3<Float>(0.13, 0.71, -0.4), SIMD3(0.52, -0.33, 0.9), SIMD3(1.91, 0.08, 0.27)] {
            let a = m.albedo(wi: wi, uv: SIMD2(0.5, 0.5), position: position)
            let q = position * 3
            let n = SolidNoise.noise(q, 0)
            let octaves = n + 0.4 * SolidNoise.noise(q * 2.5, 0) + 0.16 * SolidNoise.noise(q * 6.25, 0)
            let expected = SIMD3(0.4 * n + 0.5, 0.4 * n + 0.5, 0.3 * octaves + 0.5)
            // Colour × the lobe's tabulated albedo at normal incidence (1 to ≈ 1e-3).
            for k in 0..<3 { XCTAssertEqual(a[k], expected[k], accuracy: 2e-3 * expected[k] + 1e-4, "channel \(k) at \(position)") }
            XCTAssertEqual(a.x, a.y, "fractal3d of one octave is noise3d")
            seen.insert(a.z)
            // The texture coordinate plays no part when a position is given.
            XCTAssertEqual(m.albedo(wi: wi, uv: SIMD2(0.1, 0.9), position: position), a)
        }
        XCTAssertEqual(seen.count, 3, "the colour follows the position")
        // Without a position the reference evaluates the UV plane: position = (u, v, 0).
        let uv = SIMD2<Float>(0.37, 0.81)
        XCTAssertEqual(m.albedo(wi: wi, uv: uv), m.albedo(wi: wi, uv: SIMD2(0.9, 0.1), position: SIMD3(uv.x, uv.y, 0)))
        let s = m.sample(wi: wi, uv: uv, position: SIMD3(0.2, 0.4, 0.6), u: SIMD3(0.3, 0.6, 0.5))
        XCTAssertEqual(m.evalAndPdf(wi: wi, wo: s.wo, uv: uv, position: SIMD3(0.2, 0.4, 0.6)).pdf, s.pdf, accuracy: 1e-5 * s.pdf)
    }

    func testMaterialsWithoutPositionDoNotReadIt() throws {
        let dir = try TempDir()
        let plain = Self.document.replacingOccurrences(of: "nodename=\"p3\"", with: "value=\"0.2, 0.3, 0.4\"")
        let m = try MaterialLoader.loadMaterial(path: try dir.write("plain.mtlx", plain))
        XCTAssertFalse(m.readsPosition)
        XCTAssertEqual(m.albedo(wi: SIMD3(0, 0, 1), uv: SIMD2(0.5, 0.5), position: SIMD3(4, 5, 6)),
                       m.albedo(wi: SIMD3(0, 0, 1), uv: SIMD2(0.5, 0.5)))
    }

    func testBadInputsAreRefusedNamingNodeAndInput() throws {
        let dir = try TempDir()
        func variant(_ from: String, _ to: String) throws -> String {
            XCTAssertTrue(Self.document.contains(from), from)
            return try dir.write("bad-\(UUID().uuidString).mtlx", Self.document.replacingOccurrences(of: from, with: to))
        }
        let connected = try variant("<input name=\"octaves\" type=\"integer\" value=\"1\" />",
                                    "<input name=\"octaves\" type=\"integer\" nodename=\"oc\" />")
        let withNode = try String(contentsOfFile: connected, encoding: .utf8)
            .replacingOccurrences(of: "<output name=\"out\"", with: "<constant name=\"oc\" type=\"integer\"><input name=\"value\" type=\"integer\" value=\"2\" /></constant>\n    <output name=\"out\"")
        try withNode.write(toFile: connected, atomically: true, encoding: .utf8)
        assertMaterialError("f1", "octaves", "connected") { try MaterialLoader.loadMaterial(path: connected) }
        let model = try variant("value=\"world\"", "value=\"model\"")
        assertMaterialError("pos", "space", "model") { try MaterialLoader.loadMaterial(path: model) }
        let tooMany = try variant("<input name=\"octaves\" type=\"integer\" value=\"3\" />", "<input name=\"octaves\" type=\"integer\" value=\"40\" />")
        assertMaterialError("f3", "octaves", "1 to 16") { try MaterialLoader.loadMaterial(path: tooMany) }
        let vector2 = try variant("<position name=\"pos\" type=\"vector3\">", "<position name=\"pos\" type=\"vector2\">")
        assertMaterialError("pos", "vector3") { try MaterialLoader.loadMaterial(path: vector2) }
    }
}
