import Foundation
import Imaging
import XCTest
@testable import Materials

/// glTF 2.0 materials: Debian's assimp-testmodels (ClearCoat, BoxTextured)
/// and small files written here for the extensions and the error paths.
final class GLTFMaterialTests: XCTestCase {
    static let assimpModels = "/usr/share/assimp/models/glTF2"

    /// A model of Debian's assimp-testmodels; skips when the package is not installed.
    func assimpModel(_ relative: String) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: Self.assimpModels, isDirectory: &isDir), isDir.boolValue else {
            throw XCTSkip("\(Self.assimpModels) is missing: install the Debian package assimp-testmodels (Tools/setup does)")
        }
        return Self.assimpModels + "/" + relative
    }

    // MARK: assimp-testmodels

    func testClearCoatLoadsWithItsOwnMaterialsAndCoatLobes() throws {
        let path = try assimpModel("ClearCoat-glTF/ClearCoatTest.gltf")
        let names = try MaterialLoader.materialNames(path: path)
        XCTAssertEqual(names.count, 19)
        XCTAssertEqual(names.first, "Simple_Base")
        XCTAssertEqual(names.last, "LabelMaterial")
        let (all, warnings) = try GLTFMaterialParser.parseAll(path: path)
        XCTAssertEqual(all.map(\.name), names)
        let coated = try XCTUnwrap(all.first { $0.name == "Simple_Coated" })
        let coat = try XCTUnwrap(coated.lobeNames.firstIndex(of: "Simple_Coated.clearcoat"), "lobes: \(coated.lobeNames)")
        XCTAssertEqual(coated.lobeKinds[coat], .dielectric)
        XCTAssertEqual(coated.layerCount, 2, "specular over diffuse, coat over both")
        let base = try XCTUnwrap(all.first { $0.name == "Simple_Base" })
        XCTAssertFalse(base.lobeNames.contains { $0.hasSuffix(".clearcoat") })
        XCTAssertFalse(base.lobeKinds.contains(.generalizedSchlick), "metallicFactor 0: no metal lobe")
        // The coat adds a white reflection at grazing angles: the blue channel
        // (the red base reflects almost no blue) rises.
        let wi = direction(thetaDegrees: 75)
        XCTAssertGreaterThan(coated.albedo(wi: wi, uv: V2(0.5, 0.5)).z, base.albedo(wi: wi, uv: V2(0.5, 0.5)).z + 0.05)
        // A textured coat (clearcoatTexture R) keeps the coat lobe.
        let partial = try XCTUnwrap(all.first { $0.name == "Partial_Coated" })
        XCTAssertTrue(partial.lobeNames.contains("Partial_Coated.clearcoat"))
        XCTAssertEqual(partial.textures.count, 1)
        XCTAssertFalse(warnings.contains { $0.contains("emission") }, "emission is read: \(warnings)")
        XCTAssertTrue(warnings.contains { $0.contains("alphaMode BLEND") }, "\(warnings)")
    }

    /// The textured box's albedo follows CesiumLogoFlat.png where glTF samples
    /// it: uv (0, 0) is the image's top-left.
    func testBoxTexturedAlbedoFollowsTheTexture() throws {
        let path = try assimpModel("BoxTextured-glTF/BoxTextured.gltf")
        XCTAssertEqual(try MaterialLoader.materialNames(path: path), ["Texture"])
        var warnings: [String] = []
        let material = try MaterialLoader.loadMaterial(path: path, warn: { warnings.append($0) })
        XCTAssertEqual(material.textures.count, 1)
        XCTAssertTrue(warnings.contains { $0.contains("MIRRORED_REPEAT") }, "sampler 0 mirrors along S: \(warnings)")
        let image = try readPNG(path.replacingOccurrences(of: "BoxTextured.gltf", with: "CesiumLogoFlat.png"))
        let wi = V3(0, 0, 1)
        var textureLuminance: [Double] = []
        var albedoLuminance: [Double] = []
        for j in stride(from: 5, to: image.height, by: 23) {
            for i in stride(from: 7, to: image.width, by: 23) {
                let uv = V2((Float(i) + 0.5) / Float(image.width), (Float(j) + 0.5) / Float(image.height))
                let texel = image.pixels[j * image.width + i]
                let a = material.albedo(wi: wi, uv: uv)
                XCTAssert(a.x.isFinite && a.y.isFinite && a.z.isFinite)
                textureLuminance.append(Double(texel.x + texel.y + texel.z))
                albedoLuminance.append(Double(a.x + a.y + a.z))
            }
        }
        XCTAssertGreaterThan(textureLuminance.max()! - textureLuminance.min()!, 1, "the logo has dark and light texels")
        XCTAssertGreaterThan(albedoLuminance.max()! - albedoLuminance.min()!, 0.5, "albedo varies with the texture")
        XCTAssertGreaterThan(Self.correlation(textureLuminance, albedoLuminance), 0.95,
                             "albedo follows the texel under glTF's (top-left) uv convention")
        // The .glb (image in a buffer view) is the same material.
        let glb = try MaterialLoader.loadMaterial(path: try assimpModel("BoxTextured-glTF-Binary/BoxTextured.glb"), warn: { _ in })
        for uv in [V2(0.1, 0.2), V2(0.6, 0.7)] {
            XCTAssertEqual(glb.albedo(wi: wi, uv: uv), material.albedo(wi: wi, uv: uv))
        }
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        return sab / (saa * sbb).squareRoot()
    }

    // MARK: small files

    /// A glTF JSON file with the given materials and extras (no geometry: materials only).
    func writeGLTF(_ dir: TempDir, _ name: String = "m.gltf", materials: String, extra: String = "") throws -> String {
        try dir.write(name, """
        {"asset": {"version": "2.0"}, "materials": \(materials)\(extra.isEmpty ? "" : ", " + extra)}
        """)
    }

    func testUnknownRequiredExtensionIsAClearError() throws {
        let dir = try TempDir()
        let path = try writeGLTF(dir, materials: #"[{"name": "Glass"}]"#,
                                 extra: #""extensionsUsed": ["KHR_materials_transmission"], "extensionsRequired": ["KHR_materials_transmission"]"#)
        assertMaterialError("m.gltf", "requires extension KHR_materials_transmission", "re-export") {
            try MaterialLoader.loadMaterial(path: path, warn: { _ in })
        }
        // Required extensions Lacquer reads are fine.
        let supported = try writeGLTF(dir, "ok.gltf", materials: #"[{"name": "Coat", "extensions": {"KHR_materials_clearcoat": {"clearcoatFactor": 1}}}]"#,
                                      extra: #""extensionsUsed": ["KHR_materials_clearcoat"], "extensionsRequired": ["KHR_materials_clearcoat"]"#)
        XCTAssertTrue(try MaterialLoader.loadMaterial(path: supported, warn: { _ in }).lobeNames.contains("Coat.clearcoat"))
    }

    func testUnsupportedOptionalExtensionIsOneWarningPerFile() throws {
        let dir = try TempDir()
        let path = try writeGLTF(dir, materials: """
            [{"name": "A", "extensions": {"KHR_materials_transmission": {"transmissionFactor": 1}}},
             {"name": "B", "extensions": {"KHR_materials_transmission": {"transmissionFactor": 0.5}}}]
            """, extra: #""extensionsUsed": ["KHR_materials_transmission", "KHR_materials_clearcoat"]"#)
        var warnings: [String] = []
        let a = try MaterialLoader.loadMaterial(path: path + "#A", warn: { warnings.append($0) })
        XCTAssertEqual(a.name, "A")
        XCTAssertEqual(warnings, ["\(path): extension KHR_materials_transmission is not supported by Lacquer and is ignored"])
        let (all, allWarnings) = try GLTFMaterialParser.parseAll(path: path)
        XCTAssertEqual(all.map(\.name), ["A", "B"])
        XCTAssertEqual(allWarnings.filter { $0.contains("KHR_materials_transmission") }.count, 1)
        // Two materials and no name: an error that lists them.
        assertMaterialError("A, B", "FILE#NAME") { try MaterialLoader.loadMaterial(path: path, warn: { _ in }) }
        assertMaterialError("no material of that name", "A, B") { try MaterialLoader.loadMaterial(path: path + "#C", warn: { _ in }) }
    }

    func testNamesDefaultMaterialAndWarnings() throws {
        let dir = try TempDir()
        let path = try writeGLTF(dir, materials: """
            [{"name": "Same"}, {"name": "Same"}, {},
             {"name": "Glow", "emissiveFactor": [1, 0.5, 0], "pbrMetallicRoughness": {"baseColorTexture": {"index": 0, "texCoord": 1}}}]
            """, extra: """
            "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
            "textures": [{"source": 0}], "images": [{"uri": "missing.png"}]
            """)
        XCTAssertEqual(try MaterialLoader.materialNames(path: path), ["Same", "Same_1", "material2", "Glow", "default"])
        let fallback = try MaterialLoader.loadMaterial(path: path + "#default", warn: { _ in })
        XCTAssertEqual(fallback.lobeKinds, [.generalizedSchlick], "glTF's default material is metallic 1, roughness 1")
        assertMaterialError("missing.png", "not found") { try MaterialLoader.loadMaterial(path: path + "#Glow", warn: { _ in }) }
    }

    func testTexCoordTwoIsWarnedAboutAndEmissionIsRead() throws {
        let dir = try TempDir()
        try writePNG(dir.path + "/two.png", colors: [V3(1, 0, 0), V3(0, 0, 1)])
        let path = try writeGLTF(dir, materials: """
            [{"name": "Glow", "emissiveFactor": [1, 0.5, 0], "pbrMetallicRoughness": {"metallicFactor": 0, "baseColorTexture": {"index": 0, "texCoord": 2}},
              "emissiveTexture": {"index": 0}, "extensions": {"KHR_materials_emissive_strength": {"emissiveStrength": 4}}}]
            """, extra: #""extensionsUsed": ["KHR_materials_emissive_strength"], "textures": [{"source": 0}], "images": [{"uri": "two.png"}]"#)
        var warnings: [String] = []
        let m = try MaterialLoader.loadMaterial(path: path, warn: { warnings.append($0) })
        XCTAssertFalse(warnings.contains { $0.contains("emission") }, "\(warnings)")
        // Emission = factor ⊙ texture (sRGB red at the left, blue at the right) × strength.
        XCTAssertTrue(m.isEmissive)
        let left = m.emission(uv: V2(0.25, 0.5)), right = m.emission(uv: V2(0.75, 0.5))
        XCTAssertEqual(left.x, 4, accuracy: 1e-3, "\(left)")
        XCTAssertEqual(left.y + left.z, 0, accuracy: 1e-3, "\(left)")
        XCTAssertEqual(right.x + right.y, 0, accuracy: 1e-3, "blue texel × (1, 0.5, 0): \(right)")
        XCTAssertTrue(warnings.contains { $0.contains("baseColorTexture") && $0.contains("texture-coordinate set 2") && $0.contains("set 0 is used") },
                      "\(warnings)")
        XCTAssertFalse(m.readsSecondUVSet, "set 2 falls back to set 0")
    }

    /// texCoord 1 samples the second uv set: with uv1 ≠ uv the texel under
    /// uv1 is read; without uv1 (the baker, old callers) set 1 is set 0.
    /// KHR_texture_transform's texCoord overrides the texture info's.
    func testTexCoordOneSamplesTheSecondUVSet() throws {
        let dir = try TempDir()
        try writePNG(dir.path + "/two.png", colors: [V3(1, 0, 0), V3(0, 0, 1)])
        func material(_ info: String, _ name: String) throws -> (Material, [String]) {
            let path = try writeGLTF(dir, name, materials: """
                [{"name": "M", "pbrMetallicRoughness": {"metallicFactor": 0, "baseColorTexture": {"index": 0\(info)}}}]
                """, extra: """
                "textures": [{"source": 0, "sampler": 0}], "images": [{"uri": "two.png"}], "samplers": [{"wrapS": 33071, "wrapT": 33071}],
                "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_0": 1}, "material": 0}]}]
                """)
            var warnings: [String] = []
            return (try MaterialLoader.loadMaterial(path: path, warn: { warnings.append($0) }), warnings)
        }
        let wi = V3(0, 0, 1)
        let red = V2(0.2, 0.5), blue = V2(0.8, 0.5)
        let (set1, warnings) = try material(#", "texCoord": 1"#, "set1.gltf")
        XCTAssertTrue(set1.readsSecondUVSet)
        let fromSet1 = set1.albedo(wi: wi, uv: red, uv1: blue)
        XCTAssertGreaterThan(fromSet1.z, 3 * fromSet1.x, "uv1 on the blue texel: \(fromSet1)")
        let other = set1.albedo(wi: wi, uv: blue, uv1: red)
        XCTAssertGreaterThan(other.x, 3 * other.z, "uv1 on the red texel: \(other)")
        XCTAssertEqual(set1.albedo(wi: wi, uv: red), set1.albedo(wi: wi, uv: red, uv1: red), "no uv1: set 1 = set 0")
        let (value, pdf) = set1.evalAndPdf(wi: wi, wo: normalize3(V3(0.3, 0.1, 1)), uv: red, uv1: blue)
        XCTAssertGreaterThan(value.z, 3 * value.x, "eval reads set 1 too: \(value)")
        XCTAssertGreaterThan(pdf, 0)
        // The mesh using the material has no TEXCOORD_1: said once, naming the primitive.
        XCTAssertEqual(warnings.filter { $0.contains("TEXCOORD_1") }.count, 1, "\(warnings)")
        XCTAssertTrue(warnings.contains { $0.contains("meshes[0].primitives[0]") && $0.contains("set 0 is used there") }, "\(warnings)")
        XCTAssertFalse(warnings.contains { $0.contains("is not available") }, "\(warnings)")

        // GLSL: set 1 reads the per-hit global; a set-0 material's code never mentions it.
        let glsl1 = generateGLSL(for: set1, functionSuffix: "a").source
        XCTAssertTrue(glsl1.contains("lqShadingUV1") && glsl1.contains("lqPlace(uv1,"), glsl1)
        let (set0, _) = try material("", "set0.gltf")
        XCTAssertFalse(set0.readsSecondUVSet)
        let glsl0 = generateGLSL(for: set0, functionSuffix: "a").source
        XCTAssertFalse(glsl0.contains("uv1") || glsl0.contains("lqShadingUV1"), glsl0)
        XCTAssertEqual(set0.albedo(wi: wi, uv: red, uv1: blue), set0.albedo(wi: wi, uv: red), "set-0 images ignore uv1")

        // KHR_texture_transform's texCoord wins over the texture info's, both ways.
        let (overridden, _) = try material(#", "texCoord": 1, "extensions": {"KHR_texture_transform": {"texCoord": 0}}"#, "o0.gltf")
        XCTAssertFalse(overridden.readsSecondUVSet)
        let (chosen, _) = try material(#", "extensions": {"KHR_texture_transform": {"texCoord": 1}}"#, "o1.gltf")
        XCTAssertTrue(chosen.readsSecondUVSet)
        let viaTransform = chosen.albedo(wi: wi, uv: red, uv1: blue)
        XCTAssertGreaterThan(viaTransform.z, 3 * viaTransform.x, "\(viaTransform)")
    }

    // MARK: KHR_texture_transform

    /// The placement samples a Lacquer texture (top row at v = 1) exactly where
    /// the extension's formula samples the image (top row at v = 0).
    func testTextureTransformMatchesTheExtensionsFormula() {
        // The extension's rotation: u' = u cos r + v sin r, v' = v cos r − u sin r.
        let quarter = GLTFTextureTransform(rotation: .pi / 2)
        let q = quarter.gltfCoordinate(V2(1, 0))
        XCTAssertEqual(q.x, 0, accuracy: 1e-6)
        XCTAssertEqual(q.y, -1, accuracy: 1e-6)
        let cases = [GLTFTextureTransform(), GLTFTextureTransform(offset: V2(0.5, 0)),
                     GLTFTextureTransform(offset: V2(0.25, -0.75), rotation: 0.392699, scale: V2(1.5, 0.5)),
                     GLTFTextureTransform(rotation: -2, scale: V2(-1, 3))]
        for t in cases {
            let placement = t.lacquerPlacement
            for uv in [V2(0, 0), V2(1, 0), V2(0.3, 0.8), V2(-1.5, 2.25)] {
                let g = t.gltfCoordinate(uv)
                let l = placement.apply(uv, placement.cosR, placement.sinR)
                XCTAssertEqual(l.x, g.x, accuracy: 1e-5, "\(t) at \(uv)")
                XCTAssertEqual(l.y, 1 - g.y, accuracy: 1e-5, "\(t) at \(uv)")
            }
        }
    }

    /// An offset of half the image along u swaps the two halves of a 4×1 red|blue texture.
    func testTextureTransformIsAppliedToTheMaterial() throws {
        let dir = try TempDir()
        try writePNG(dir.path + "/two.png", colors: [V3(1, 0, 0), V3(1, 0, 0), V3(0, 0, 1), V3(0, 0, 1)])
        func material(_ transform: String) throws -> Material {
            let name = "t\(transform.count).gltf"
            let path = try writeGLTF(dir, name, materials: """
                [{"name": "M", "pbrMetallicRoughness": {"metallicFactor": 0, "baseColorTexture": {"index": 0\(transform)}}}]
                """, extra: #""textures": [{"source": 0, "sampler": 0}], "images": [{"uri": "two.png"}], "samplers": [{"wrapS": 33071, "wrapT": 33071}]"#)
            return try MaterialLoader.loadMaterial(path: path, warn: { _ in })
        }
        let plain = try material("")
        let shifted = try material(#", "extensions": {"KHR_texture_transform": {"offset": [0.5, 0]}}"#)
        let wi = V3(0, 0, 1)
        let left = plain.albedo(wi: wi, uv: V2(0.2, 0.5)), right = plain.albedo(wi: wi, uv: V2(0.8, 0.5))
        XCTAssertGreaterThan(left.x, 3 * left.z, "untransformed: red on the left")
        XCTAssertGreaterThan(right.z, 3 * right.x, "untransformed: blue on the right")
        let moved = shifted.albedo(wi: wi, uv: V2(0.2, 0.5))
        XCTAssertGreaterThan(moved.z, 3 * moved.x, "offset u + 0.5 samples the blue half")
        XCTAssertEqual(plain.textures.first?.wrap, .clamp)
    }

    /// A 1-row PNG of the given linear colours.
    func writePNG(_ path: String, colors: [V3]) throws {
        let image = try Image(width: colors.count, height: 1, pixels: colors.map { SIMD4($0.x, $0.y, $0.z, 1) })
        try Imaging.writePNG(image, to: path, toneMap: .clamp)
    }

    // MARK: the other extensions

    func testSheenSpecularIorAnisotropyBecomeLobesAndInputs() throws {
        let dir = try TempDir()
        let path = try writeGLTF(dir, materials: """
            [{"name": "Velvet", "pbrMetallicRoughness": {"baseColorFactor": [0.2, 0.1, 0.1, 1], "metallicFactor": 0, "roughnessFactor": 0.5},
              "extensions": {"KHR_materials_sheen": {"sheenColorFactor": [1, 0.5, 0.5], "sheenRoughnessFactor": 0.4},
                             "KHR_materials_specular": {"specularFactor": 0.5, "specularColorFactor": [1, 0.8, 0.6]},
                             "KHR_materials_ior": {"ior": 1.8},
                             "KHR_materials_anisotropy": {"anisotropyStrength": 0.8, "anisotropyRotation": 0.5},
                             "KHR_materials_iridescence": {"iridescenceFactor": 1},
                             "KHR_materials_emissive_strength": {"emissiveStrength": 4}}}]
            """, extra: #""extensionsUsed": ["KHR_materials_sheen", "KHR_materials_specular", "KHR_materials_ior", "KHR_materials_anisotropy", "KHR_materials_iridescence", "KHR_materials_emissive_strength"]"#)
        var warnings: [String] = []
        let m = try MaterialLoader.loadMaterial(path: path, warn: { warnings.append($0) })
        XCTAssertEqual(Set(m.lobeKinds), [.sheen, .dielectric, .orenNayar])
        XCTAssertFalse(warnings.contains { $0.contains("iridescence") }, "iridescence is read: \(warnings)")
        XCTAssertFalse(warnings.contains { $0.contains("emission") }, "emissiveFactor is 0: \(warnings)")
        XCTAssertFalse(warnings.contains { $0.contains("not supported by Lacquer") }, "\(warnings)")
        // Anisotropy: the highlight of a tangent-aligned reflection differs between φ = 0 and φ = 90°.
        let wi = direction(thetaDegrees: 40, phiDegrees: 0)
        let along = m.eval(wi: wi, wo: direction(thetaDegrees: 40, phiDegrees: 180), uv: V2(0, 0))
        let across = m.eval(wi: direction(thetaDegrees: 40, phiDegrees: 90), wo: direction(thetaDegrees: 40, phiDegrees: 270), uv: V2(0, 0))
        XCTAssertNotEqual(along.x, across.x, accuracy: 1e-3 * max(along.x, across.x))
        assertMaterialError("roughnessFactor", "[0.0, 1.0]") {
            let bad = try writeGLTF(dir, "bad.gltf", materials: #"[{"pbrMetallicRoughness": {"roughnessFactor": 2}}]"#)
            return try MaterialLoader.loadMaterial(path: bad, warn: { _ in })
        }
    }

    /// The anisotropy texture's red/green turn the tangent per texel: a
    /// texel encoding the direction (1, 1) gives the same BSDF as
    /// anisotropyRotation = π/4 without a texture, one encoding (−1, −1) the
    /// same as −3π/4; anisotropyRotation adds to the texture's angle.
    func testAnisotropyTextureDirectionTurnsTheTangent() throws {
        let dir = try TempDir()
        try writePNG(dir.path + "/aniso.png", colors: [V3(1, 1, 1), V3(0, 0, 1)])
        func material(_ name: String, rotation: Float, textured: Bool) throws -> Material {
            let texture = textured ? #", "anisotropyTexture": {"index": 0}"# : ""
            let path = try writeGLTF(dir, name + ".gltf", materials: """
                [{"name": "M", "pbrMetallicRoughness": {"metallicFactor": 1, "roughnessFactor": 0.4},
                  "extensions": {"KHR_materials_anisotropy": {"anisotropyStrength": 0.9, "anisotropyRotation": \(rotation)\(texture)}}}]
                """, extra: #""extensionsUsed": ["KHR_materials_anisotropy"], "textures": [{"source": 0, "sampler": 0}], "images": [{"uri": "aniso.png"}], "samplers": [{"magFilter": 9728, "minFilter": 9728, "wrapS": 33071, "wrapT": 33071}]"#)
            var warnings: [String] = []
            let m = try MaterialLoader.loadMaterial(path: path, warn: { warnings.append($0) })
            XCTAssertFalse(warnings.contains { $0.contains("anisotropyTexture") }, "\(warnings)")
            return m
        }
        let textured = try material("textured", rotation: 0, textured: true)
        let turnedTextured = try material("turned", rotation: .pi / 2, textured: true)
        let quarter = try material("quarter", rotation: .pi / 4, textured: false)
        let threeQuarters = try material("threeQuarters", rotation: -3 * .pi / 4, textured: false)
        let turnedQuarter = try material("turnedQuarter", rotation: 3 * .pi / 4, textured: false)
        let plain = try material("plain", rotation: 0, textured: false)
        let oneOne = V2(0.25, 0.5), minusOne = V2(0.75, 0.5)
        var checked = 0
        for phi in stride(from: Float(0), to: 180, by: 30) {
            let wi = direction(thetaDegrees: 50, phiDegrees: phi), wo = direction(thetaDegrees: 50, phiDegrees: phi + 180)
            func f(_ m: Material, _ uv: V2) -> V3 { m.eval(wi: wi, wo: wo, uv: uv) }
            for (got, want, what) in [(f(textured, oneOne), f(quarter, oneOne), "(1, 1) = π/4"),
                                      (f(textured, minusOne), f(threeQuarters, minusOne), "(−1, −1) = −3π/4"),
                                      (f(turnedTextured, oneOne), f(turnedQuarter, oneOne), "(1, 1) + π/2 = 3π/4")] {
                XCTAssertEqual(got.x, want.x, accuracy: 1e-4 + 1e-3 * want.x, "φ = \(phi): \(what)")
                checked += 1
            }
            if abs(f(textured, oneOne).x - f(plain, oneOne).x) > 1e-3 * f(plain, oneOne).x { checked += 100 }
        }
        XCTAssertGreaterThan(checked, 100, "the texture's direction changes the BSDF against rotation 0")
    }

    /// χ² of sample against pdf and the white furnace for a white glTF
    /// material with every reflection extension at once (anisotropic metal and
    /// specular under a clear coat under sheen). The coat is no smoother than
    /// roughness 0.3: the uniform-integration estimate cannot resolve a
    /// near-mirror peak at grazing incidence (as for the bundled car paint).
    func testEveryExtensionTogetherPassesChi2AndFurnace() throws {
        let dir = try TempDir()
        let path = try writeGLTF(dir, materials: """
            [{"name": "All", "pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1], "metallicFactor": 0.5, "roughnessFactor": 0.4},
              "extensions": {"KHR_materials_anisotropy": {"anisotropyStrength": 0.8, "anisotropyRotation": 0.7},
                             "KHR_materials_clearcoat": {"clearcoatFactor": 1, "clearcoatRoughnessFactor": 0.3},
                             "KHR_materials_sheen": {"sheenColorFactor": [0.5, 0.5, 0.5], "sheenRoughnessFactor": 0.5},
                             "KHR_materials_specular": {"specularFactor": 1, "specularColorFactor": [1, 1, 1]},
                             "KHR_materials_ior": {"ior": 1.6}}}]
            """)
        let m = try MaterialLoader.loadMaterial(path: path, warn: { _ in })
        XCTAssertEqual(Set(m.lobeKinds), [.orenNayar, .dielectric, .generalizedSchlick, .sheen])
        let thetas: [Float] = [0, 40, 75, 88]
        let alpha = Stats.sidak(0.01, tests: thetas.count)
        let failures = Collected()
        parallelFor(thetas.count) { k in
            let wi = direction(thetaDegrees: thetas[k], phiDegrees: 31)
            let chi2 = Chi2.test(m, wi: wi, uv: V2(0.5, 0.5), samples: 5_000, seed: UInt64(500 + k), significance: alpha)
            if !chi2.passed { failures.add("θi=\(thetas[k]): \(chi2.message)") }
            let r = furnace(m, wi: wi, uv: V2(0.5, 0.5), samples: 4_096, seed: UInt64(k))
            for c in 0..<3 {
                if r.sampled[c] > 1 + 3 * r.sampledSigma[c] + 0.01 || r.uniform[c] > 1 + 3 * r.uniformSigma[c] + 0.01 {
                    failures.add("θ=\(thetas[k]): albedo \(r.sampled) / \(r.uniform) > 1")
                }
                let tol = 3 * (r.sampledSigma[c] * r.sampledSigma[c] + r.uniformSigma[c] * r.uniformSigma[c]).squareRoot() + 0.01
                if abs(r.sampled[c] - r.uniform[c]) > tol {
                    failures.add("θ=\(thetas[k]): sampled \(r.sampled) ± \(r.sampledSigma) vs uniform \(r.uniform) ± \(r.uniformSigma)")
                }
            }
        }
        XCTAssertEqual(failures.items, [])
    }

    // MARK: bad input

    func testMalformedTruncatedAndHostileFilesAreOneLineErrors() throws {
        let dir = try TempDir()
        assertMaterialError("nope.gltf", "does not exist") { try MaterialLoader.materialNames(path: dir.path + "/nope.gltf") }
        let notJSON = try dir.write("a.gltf", "{\"asset\": ")
        assertMaterialError("a.gltf", "not valid glTF JSON") { try MaterialLoader.materialNames(path: notJSON) }
        let oldVersion = try dir.write("v1.gltf", #"{"asset": {"version": "1.0"}, "materials": []}"#)
        assertMaterialError("glTF version 1.0") { try MaterialLoader.materialNames(path: oldVersion) }
        let notGLB = try dir.write("b.glb", "{}")
        assertMaterialError("b.glb", "magic") { try MaterialLoader.materialNames(path: notGLB) }
        // A GLB header that promises more bytes than the file has.
        var glb: [UInt8] = Array("glTF".utf8) + [2, 0, 0, 0, 0, 1, 0, 0]
        glb += [20, 0, 0, 0] + Array("JSON".utf8) + Array("{\"asset\":".utf8)
        let truncated = dir.path + "/t.glb"
        try Data(glb).write(to: URL(fileURLWithPath: truncated))
        assertMaterialError("t.glb", "truncated") { try MaterialLoader.materialNames(path: truncated) }
        let notObject = try writeGLTF(dir, "n.gltf", materials: "[42]")
        assertMaterialError("materials[0]", "JSON object") { try MaterialLoader.loadMaterial(path: notObject, warn: { _ in }) }
        let danglingTexture = try writeGLTF(dir, "d.gltf", materials: #"[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 7}}}]"#)
        assertMaterialError("baseColorTexture", "texture 7 does not exist") { try MaterialLoader.loadMaterial(path: danglingTexture, warn: { _ in }) }
        let badSampler = try writeGLTF(dir, "s.gltf", materials: #"[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]"#,
                                       extra: #""textures": [{"source": 0, "sampler": 0}], "images": [{"uri": "x.png"}], "samplers": [{"wrapS": 1}]"#)
        assertMaterialError("samplers[0].wrapS", "unknown wrap mode 1") { try MaterialLoader.loadMaterial(path: badSampler, warn: { _ in }) }
        let badURI = try writeGLTF(dir, "u.gltf", materials: #"[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]"#,
                                   extra: #""textures": [{"source": 0}], "images": [{"uri": "data:image/png;base64,@@@"}]"#)
        assertMaterialError("base64") { try MaterialLoader.loadMaterial(path: badURI, warn: { _ in }) }
        let notPNG = try writeGLTF(dir, "p.gltf", materials: #"[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]"#,
                                   extra: #""textures": [{"source": 0}], "images": [{"uri": "data:image/png;base64,AAAA"}]"#)
        assertMaterialError("cannot decode texture") { try MaterialLoader.loadMaterial(path: notPNG, warn: { _ in }) }
        let remote = try writeGLTF(dir, "r.gltf", materials: #"[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]"#,
                                   extra: #""textures": [{"source": 0}], "images": [{"uri": "https://example.com/a.png"}]"#)
        assertMaterialError("remote image") { try MaterialLoader.loadMaterial(path: remote, warn: { _ in }) }
        let boolFactor = try writeGLTF(dir, "f.gltf", materials: #"[{"pbrMetallicRoughness": {"metallicFactor": true}}]"#)
        assertMaterialError("metallicFactor", "finite number") { try MaterialLoader.loadMaterial(path: boolFactor, warn: { _ in }) }
    }
}
