import Foundation
import XCTest
@testable import Scenes

/// glTF TEXCOORD_1 becomes the mesh's second uv set (floats and normalized
/// integers alike); without it set 1 is set 0, and merging, transforms and
/// the self-check keep the two sets consistent.
final class GLTFSecondUVSetTests: XCTestCase {
    /// The test quad (`GLTFTestFiles.quad`) with TEXCOORD_1 as accessor 4 of
    /// `componentType` (5126 float, 5121 / 5123 normalized unsigned bytes / shorts).
    private func quadWithSecondSet(componentType: Int, nodes: String = #"[{"mesh": 0}]"#) -> String {
        var q = GLTFTestFiles.quad()
        let uv1: [Float] = [0.5, 0, 1, 0, 1, 0.25, 0.5, 0.25]
        let view: (offset: Int, length: Int)
        switch componentType {
        case 5121: view = q.files.bytes(uv1.map { UInt8(($0 * 255).rounded()) })
        case 5123: view = q.files.u16(uv1.map { UInt16(($0 * 65535).rounded()) })
        default: view = q.files.floats(uv1)
        }
        q.files.align()
        let bin = q.files.bin
        let views = q.bufferViews.dropLast(1) + #", {"buffer": 0, "byteOffset": \#(view.offset), "byteLength": \#(view.length)}]"#
        let normalized = componentType == 5126 ? "" : #", "normalized": true"#
        let accessors = q.accessors.dropLast(1)
            + #", {"bufferView": 4, "componentType": \#(componentType), "count": 4, "type": "VEC2"\#(normalized)}]"#
        let buffer = #"{"byteLength": \#(bin.count), "uri": "data:application/octet-stream;base64,\#(Data(bin).base64EncodedString())"}"#
        return GLTFTestFiles.document(buffer: buffer, bufferViews: String(views), accessors: String(accessors),
                                      primitive: #"{"attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2, "TEXCOORD_1": 4}, "indices": 3}"#,
                                      nodes: nodes)
    }

    func testSecondSetIsReadInEveryComponentType() throws {
        for type in [5126, 5121, 5123] {
            let mesh = try GLTFLoader.parse(bytes: Array(quadWithSecondSet(componentType: type).utf8), file: "uv1.gltf")
            assertMeshInvariants(mesh, name: "uv1 \(type)")
            XCTAssertNil(mesh.validationProblem)
            let set1 = try XCTUnwrap(mesh.uvs1, "component type \(type)")
            let expected = [Float2(0.5, 0), Float2(1, 0), Float2(1, 0.25), Float2(0.5, 0.25)]
            for (got, want) in zip(set1, expected) {
                XCTAssertEqual(got.x, want.x, accuracy: 2e-3, "component type \(type)")
                XCTAssertEqual(got.y, want.y, accuracy: 2e-3, "component type \(type)")
            }
            XCTAssertEqual(mesh.uvs[0], Float2(0, 1), "set 0 is untouched")
            XCTAssertEqual(mesh.secondUVs, set1)
        }
    }

    func testWithoutTexcoord1SetOneIsSetZero() throws {
        let q = GLTFTestFiles.quad()
        let buffer = #"{"byteLength": \#(q.files.bin.count), "uri": "data:application/octet-stream;base64,\#(Data(q.files.bin).base64EncodedString())"}"#
        let json = GLTFTestFiles.document(buffer: buffer, bufferViews: q.bufferViews, accessors: q.accessors)
        let mesh = try GLTFLoader.parse(bytes: Array(json.utf8), file: "uv0.gltf")
        XCTAssertNil(mesh.uvs1)
        XCTAssertEqual(mesh.secondUVs, mesh.uvs)
    }

    func testTransformsMergesAndFlatNormalsKeepTheSecondSet() throws {
        // Two instances, one mirrored: transform + merge of parts with the set.
        let nodes = #"[{"children": [1, 2]}, {"mesh": 0}, {"mesh": 0, "scale": [-1, 1, 1]}]"#
        let mesh = try GLTFLoader.parse(bytes: Array(quadWithSecondSet(componentType: 5126, nodes: nodes).utf8), file: "two.gltf")
        assertMeshInvariants(mesh, name: "two instances")
        XCTAssertNil(mesh.validationProblem)
        XCTAssertEqual(mesh.uvs1?.count, 8)
        XCTAssertEqual(mesh.uvs1?[5], Float2(1, 0), "the second instance's vertex 1 keeps its set-1 coordinate")

        // Merging a mesh without the set: its set 0 fills in.
        var merged = mesh
        let plain = Mesh(positions: [Float3(0, 0, 0), Float3(1, 0, 0), Float3(0, 1, 0)],
                         normals: Array(repeating: Float3(0, 0, 1), count: 3),
                         uvs: [Float2(0.1, 0.2), Float2(0.3, 0.4), Float2(0.5, 0.6)],
                         tangents: Array(repeating: Float4(1, 0, 0, 1), count: 3), indices: [0, 1, 2])
        merged.append(plain)
        XCTAssertNil(merged.validationProblem)
        XCTAssertEqual(merged.uvs1?.count, 11)
        XCTAssertEqual(Array(merged.secondUVs.suffix(3)), plain.uvs)
        var plainFirst = plain
        plainFirst.append(mesh)
        XCTAssertEqual(Array(plainFirst.secondUVs.prefix(3)), plain.uvs)
        XCTAssertEqual(Array(plainFirst.secondUVs.suffix(8)), mesh.uvs1)
        var noSets = plain
        noSets.append(plain)
        XCTAssertNil(noSets.uvs1, "neither part has a second set: none is invented")

        // The self-check names a second set of the wrong length or with NaN.
        var short = plain
        short.uvs1 = [Float2(0, 0)]
        XCTAssertEqual(short.validationProblem?.contains("second uvs 1"), true, short.validationProblem ?? "nil")
        var nan = plain
        nan.uvs1 = [Float2(0, 0), Float2(.nan, 0), Float2(0, 0)]
        XCTAssertEqual(nan.validationProblem, "non-finite texture coordinate (set 1)")
    }

    func testFlatNormalsSplitTheSecondSetPerCorner() throws {
        var f = GLTFTestFiles()
        let p = f.floats([0, 0, 0, 1, 0, 0, 0, 1, 0])
        let t1 = f.floats([0.25, 0.5, 0.75, 0.5, 0.25, 1])
        let i = f.u16([0, 1, 2, 2, 1, 0])
        f.align()
        let json = """
        {"asset": {"version": "2.0"}, "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_1": 1}, "indices": 2}]}],
         "nodes": [{"mesh": 0}],
         "buffers": [{"byteLength": \(f.bin.count), "uri": "data:application/octet-stream;base64,\(Data(f.bin).base64EncodedString())"}],
         "bufferViews": [{"buffer": 0, "byteOffset": \(p.offset), "byteLength": \(p.length)},
                         {"buffer": 0, "byteOffset": \(t1.offset), "byteLength": \(t1.length)},
                         {"buffer": 0, "byteOffset": \(i.offset), "byteLength": \(i.length)}],
         "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"},
                       {"bufferView": 1, "componentType": 5126, "count": 3, "type": "VEC2"},
                       {"bufferView": 2, "componentType": 5123, "count": 6, "type": "SCALAR"}]}
        """
        let mesh = try GLTFLoader.parse(bytes: Array(json.utf8), file: "flat.gltf")
        assertMeshInvariants(mesh, name: "flat")
        XCTAssertNil(mesh.validationProblem)
        XCTAssertEqual(mesh.uvs1, [Float2(0.25, 0.5), Float2(0.75, 0.5), Float2(0.25, 1), Float2(0.25, 1), Float2(0.75, 0.5), Float2(0.25, 0.5)])
        XCTAssertTrue(mesh.uvs.allSatisfy { $0 == Float2(0, 0) }, "no TEXCOORD_0: set 0 stays (0, 0)")
    }

    func testAMismatchedTexcoord1CountIsAnError() {
        var f = GLTFTestFiles()
        let p = f.floats([0, 0, 0, 1, 0, 0, 0, 1, 0])
        let t1 = f.floats([0, 0, 1, 0])
        let json = """
        {"asset": {"version": "2.0"}, "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_1": 1}}]}],
         "nodes": [{"mesh": 0}],
         "buffers": [{"byteLength": \(f.bin.count), "uri": "data:application/octet-stream;base64,\(Data(f.bin).base64EncodedString())"}],
         "bufferViews": [{"buffer": 0, "byteOffset": \(p.offset), "byteLength": \(p.length)},
                         {"buffer": 0, "byteOffset": \(t1.offset), "byteLength": \(t1.length)}],
         "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"},
                       {"bufferView": 1, "componentType": 5126, "count": 2, "type": "VEC2"}]}
        """
        XCTAssertThrowsError(try GLTFLoader.parse(bytes: Array(json.utf8), file: "bad.gltf")) { error in
            XCTAssertTrue("\(error)".contains("TEXCOORD_1 has 2 elements but POSITION has 3"), "\(error)")
        }
    }
}
