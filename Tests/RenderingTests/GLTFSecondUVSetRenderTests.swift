import Foundation
import Imaging
import Materials
import Rendering
import Scenes
import XCTest

/// A glTF whose base-colour texture reads TEXCOORD_1 renders through that
/// set in both integrators. The quad's TEXCOORD_0 is one constant point, so
/// a renderer that read set 0 would show one colour; TEXCOORD_1 (normalized
/// shorts) spans the red|blue texture left to right. Small on purpose: one
/// layered material, 16×16, 1 spp, albedo AOV only.
final class GLTFSecondUVSetRenderTests: XCTestCase {
    func testAlbedoFollowsTheSecondUVSetInBothIntegrators() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gltf-uv1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gltf = try Self.writeQuad(in: dir)

        // The CPU reference on the file's own coordinates: set 0 (constant)
        // with set 1 at the left and right edges gives red and blue.
        let material = try MaterialLoader.loadMaterial(path: gltf, warn: { XCTFail("unexpected warning: \($0)") })
        XCTAssertTrue(material.readsSecondUVSet)
        let wi = SIMD3<Float>(0, 0, 1), set0 = SIMD2<Float>(0.1, 0.5)
        let left = material.albedo(wi: wi, uv: set0, uv1: SIMD2(0.1, 0.5))
        let right = material.albedo(wi: wi, uv: set0, uv1: SIMD2(0.9, 0.5))
        XCTAssertGreaterThan(left.x, 3 * left.z, "CPU, set 1 at the left: red \(left)")
        XCTAssertGreaterThan(right.z, 3 * right.x, "CPU, set 1 at the right: blue \(right)")

        let scenePath = dir.appendingPathComponent("quad.json").path
        try Data("""
        {"camera": {"position": [0.5, 0.5, 2], "target": [0.5, 0.5, 0], "fov": 25},
         "film": {"width": 16, "height": 16, "spp": 1, "max_depth": 1},
         "objects": [{"name": "quad", "shape": "mesh", "path": "\(gltf)"}]}
        """.utf8).write(to: URL(fileURLWithPath: scenePath))
        let scene = try SceneLoader.load(path: scenePath)
        guard case .mesh(let mesh) = try XCTUnwrap(scene.objects.first).shape else { return XCTFail("the quad is a mesh") }
        XCTAssertNotNil(mesh.uvs1, "TEXCOORD_1 reaches the scene's mesh")

        for integrator in [Integrator.megakernel, .wavefront] {
            let output = try RenderTestSupport.renderValidated(scene, integrator: integrator) { $0.aovs = [.albedo] }
            let albedo = try XCTUnwrap(output.albedo)
            // Columns left of the centre see the red texel, right of it the blue one.
            var redLeft = 0, blueRight = 0
            for y in 0..<16 {
                for x in 0..<16 {
                    let p = albedo.pixels[y * 16 + x]
                    XCTAssert(p.x.isFinite && p.y.isFinite && p.z.isFinite, "\(integrator) pixel (\(x), \(y))")
                    if x < 5 && p.x > 3 * p.z { redLeft += 1 }
                    if x >= 11 && p.z > 3 * p.x { blueRight += 1 }
                }
            }
            XCTAssertEqual(redLeft, 5 * 16, "\(integrator): the left columns show the red texel through set 1")
            XCTAssertEqual(blueRight, 5 * 16, "\(integrator): the right columns show the blue texel through set 1")
        }
    }

    /// Writes quad.gltf (the unit quad in the xy plane facing +z, TEXCOORD_0
    /// constant, TEXCOORD_1 = (x, 1 − y) as normalized unsigned shorts) and
    /// its 2×1 red|blue texture (clamped) next to it; returns the glTF path.
    static func writeQuad(in dir: URL) throws -> String {
        let image = try Image(width: 2, height: 1, pixels: [SIMD4(1, 0, 0, 1), SIMD4(0, 0, 1, 1)])
        try writePNG(image, to: dir.appendingPathComponent("redblue.png").path, toneMap: .clamp)
        var bin: [UInt8] = []
        func append<T: FixedWidthInteger>(_ values: [T]) -> (offset: Int, length: Int) {
            while bin.count % 4 != 0 { bin.append(0) }
            let start = bin.count
            for v in values { withUnsafeBytes(of: v.littleEndian) { bin += $0 } }
            return (start, bin.count - start)
        }
        let positions = append([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0].map { Float($0).bitPattern })
        let normals = append([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1].map { Float($0).bitPattern })
        let uv0 = append([Float](repeating: 0.1, count: 8).map(\.bitPattern))
        let uv1 = append([UInt16]([0, 65535, 65535, 65535, 65535, 0, 0, 0]))
        let indices = append([UInt16]([0, 1, 2, 0, 2, 3]))
        while bin.count % 4 != 0 { bin.append(0) }
        let views = [positions, normals, uv0, uv1, indices]
            .map { #"{"buffer": 0, "byteOffset": \#($0.offset), "byteLength": \#($0.length)}"# }.joined(separator: ", ")
        let json = """
        {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
         "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2, "TEXCOORD_1": 3}, "indices": 4, "material": 0}]}],
         "materials": [{"name": "Set1", "pbrMetallicRoughness": {"metallicFactor": 0, "roughnessFactor": 1,
                        "baseColorTexture": {"index": 0, "texCoord": 1}}}],
         "textures": [{"source": 0, "sampler": 0}], "images": [{"uri": "redblue.png"}],
         "samplers": [{"wrapS": 33071, "wrapT": 33071}],
         "buffers": [{"byteLength": \(bin.count), "uri": "data:application/octet-stream;base64,\(Data(bin).base64EncodedString())"}],
         "bufferViews": [\(views)],
         "accessors": [{"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3", "min": [0, 0, 0], "max": [1, 1, 0]},
                       {"bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC3"},
                       {"bufferView": 2, "componentType": 5126, "count": 4, "type": "VEC2"},
                       {"bufferView": 3, "componentType": 5123, "normalized": true, "count": 4, "type": "VEC2"},
                       {"bufferView": 4, "componentType": 5123, "count": 6, "type": "SCALAR"}]}
        """
        let path = dir.appendingPathComponent("quad.gltf").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
