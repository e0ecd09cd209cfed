import Foundation
import XCTest
@testable import Materials

/// A material's emission (colour × strength, from a register, so textures and
/// nodes drive it) in every format that has one, on the CPU and in the
/// generated GLSL's contract.
final class EmissionTests: XCTestCase {
    func load(_ dir: TempDir, _ name: String, _ text: String) throws -> Material {
        try MaterialLoader.loadMaterial(path: try dir.write(name, text), warn: { _ in })
    }

    static func mtlx(_ shader: String, _ inputs: String) -> String {
        """
        <?xml version="1.0"?>
        <materialx version="1.39">
          <\(shader) name="S" type="surfaceshader">\(inputs)</\(shader)>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="S" /></surfacematerial>
        </materialx>
        """
    }

    func assertClose(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for c in 0..<3 { XCTAssertEqual(a[c], b[c], accuracy: 1e-5 * max(1, abs(b[c])), what, file: file, line: line) }
    }

    func testEveryFormatsEmission() throws {
        let dir = try TempDir()
        let uv = SIMD2<Float>(0.3, 0.6)
        let standard = try load(dir, "std.mtlx", Self.mtlx("standard_surface", """
            <input name="emission" type="float" value="2" /><input name="emission_color" type="color3" value="1, 0.5, 0.25" />
            """))
        assertClose(standard.emission(uv: uv), SIMD3(2, 1, 0.5), "standard_surface emission × emission_color")
        // OpenPBR: nits, radiance 1 = 1000 nits.
        let openPBR = try load(dir, "open.mtlx", Self.mtlx("open_pbr_surface", """
            <input name="emission_luminance" type="float" value="10000" /><input name="emission_color" type="color3" value="1, 0.415, 0.099" />
            """))
        assertClose(openPBR.emission(uv: uv), SIMD3(10, 4.15, 0.99), "open_pbr emission_luminance/1000 × emission_color")
        let gltfPBR = try load(dir, "gltf.mtlx", Self.mtlx("gltf_pbr", """
            <input name="emissive" type="color3" value="0.5, 1, 0" /><input name="emissive_strength" type="float" value="3" />
            """))
        assertClose(gltfPBR.emission(uv: uv), SIMD3(1.5, 3, 0), "gltf_pbr emissive × emissive_strength")
        let usd = try load(dir, "usd.mtlx", Self.mtlx("UsdPreviewSurface", """
            <input name="emissiveColor" type="color3" value="0.1, 0.2, 0.3" />
            """))
        assertClose(usd.emission(uv: uv), SIMD3(0.1, 0.2, 0.3), "UsdPreviewSurface emissiveColor")
        // JSON: any colour input, here a texture-free node graph varying with uv.
        let json = try load(dir, "e.json", """
            {"lacquer_material": 1, "name": "e", "bsdf": {"node": "lambert_bsdf"},
             "emission": {"node": "mix", "fg": [4, 0, 0], "bg": [0, 0, 4], "mix": {"node": "checker", "scale": 2}}}
            """)
        let a = json.emission(uv: SIMD2(0.1, 0.1)), b = json.emission(uv: SIMD2(0.6, 0.1))
        XCTAssertNotEqual(a, b, "the emission follows its input graph")
        XCTAssertEqual(a + b, SIMD3(4, 0, 4))
        XCTAssertTrue(json.isEmissive)
        // No emission input (or a zero weight): not emissive, emits 0.
        let plain = try load(dir, "plain.mtlx", Self.mtlx("standard_surface", """
            <input name="emission" type="float" value="0" />
            """))
        XCTAssertFalse(plain.isEmissive)
        XCTAssertEqual(plain.emission(uv: uv), .zero)
        assertMaterialError("bad.json", "emission") {
            try self.load(dir, "bad.json", #"{"lacquer_material": 1, "bsdf": {"node": "lambert_bsdf"}, "emission": "x"}"#)
        }
    }

    func testGeneratedGLSLDefinesTheEmission() throws {
        let dir = try TempDir()
        let m = try load(dir, "std.mtlx", Self.mtlx("standard_surface", """
            <input name="emission" type="float" value="2" /><input name="emission_color" type="color3" value="1, 0.5, 0.25" />
            """))
        let glsl = generateGLSL(for: m, functionSuffix: "x").source
        XCTAssertTrue(glsl.contains("vec3 lqM_x_emission(vec2 uv)"))
        XCTAssertTrue(glsl.contains("vec3 layeredEmissionContext_x(LayeredContext_x c) { return max(c.r["), glsl)
        let plain = try load(dir, "plain.json", #"{"lacquer_material": 1, "bsdf": {"node": "lambert_bsdf"}}"#)
        XCTAssertTrue(generateGLSL(for: plain, functionSuffix: "y").source
            .contains("vec3 layeredEmissionContext_y(LayeredContext_y c) { return vec3(0.0); }"))
    }
}
