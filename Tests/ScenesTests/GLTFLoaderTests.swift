import Foundation
import XCTest
@testable import Scenes

final class GLTFLoaderTests: XCTestCase {
    private func quadDocument(_ buffer: String, primitive: String? = nil, nodes: String = #"[{"mesh": 0}]"#, extra: String = "") -> String {
        let q = GLTFTestFiles.quad()
        if let primitive {
            return GLTFTestFiles.document(buffer: buffer, bufferViews: q.bufferViews, accessors: q.accessors, primitive: primitive, nodes: nodes, extra: extra)
        }
        return GLTFTestFiles.document(buffer: buffer, bufferViews: q.bufferViews, accessors: q.accessors, nodes: nodes, extra: extra)
    }

    private func base64Buffer() -> String {
        let bin = GLTFTestFiles.quad().files.bin
        return #"{"byteLength": \#(bin.count), "uri": "data:application/octet-stream;base64,\#(Data(bin).base64EncodedString())"}"#
    }

    private func checkQuad(_ mesh: Mesh, file: StaticString = #filePath, line: UInt = #line) {
        assertMeshInvariants(mesh, name: "quad", file: file, line: line)
        XCTAssertEqual(mesh.positions.count, 4, file: file, line: line)
        XCTAssertEqual(mesh.indices, [0, 1, 2, 0, 2, 3], file: file, line: line)
        XCTAssertEqual(mesh.uvs[0], Float2(0, 1), file: file, line: line)
        // Upright, unmirrored texture in glTF's convention: tangent +x, w = +1.
        XCTAssertTrue(mesh.tangents.allSatisfy { abs($0.x - 1) < 1e-5 && $0.w == 1 }, "\(mesh.tangents)", file: file, line: line)
    }

    func testEmbeddedBase64() throws {
        let dir = try TempDir()
        let path = try dir.write("quad.gltf", quadDocument(base64Buffer()))
        checkQuad(try GLTFLoader.load(path: path))
        checkQuad(try MeshLoader.load(path: path))
    }

    func testExternalBufferWithPercentEncodedName() throws {
        let dir = try TempDir()
        let bin = GLTFTestFiles.quad().files.bin
        try dir.write("data/my quad.bin", Data(bin))
        let path = try dir.write("quad.gltf", quadDocument(#"{"byteLength": \#(bin.count), "uri": "data/my%20quad.bin"}"#))
        checkQuad(try GLTFLoader.load(path: path))
    }

    func testGLB() throws {
        let dir = try TempDir()
        let q = GLTFTestFiles.quad()
        let json = quadDocument(#"{"byteLength": \#(q.files.bin.count)}"#)
        let path = try dir.write("quad.glb", Data(GLTFTestFiles.glb(json: json, bin: q.files.bin)))
        checkQuad(try GLTFLoader.load(path: path))
    }

    func testNodeHierarchyTransformsAreBaked() throws {
        // Root: translate (10, 0, 0); child: rotate 90° about +z, scale 2; grandchild via matrix: translate (0, 0, 5).
        let s = Float(0.5).squareRoot()
        let nodes = """
        [{"translation": [10, 0, 0], "children": [1]},
         {"rotation": [0, 0, \(s), \(s)], "scale": [2, 2, 2], "children": [2], "mesh": 0},
         {"matrix": [1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,5,1], "mesh": 0}]
        """
        let mesh = try GLTFLoader.parse(bytes: Array(quadDocument(base64Buffer(), nodes: nodes).utf8), file: "h.gltf")
        assertMeshInvariants(mesh, name: "hierarchy")
        XCTAssertEqual(mesh.positions.count, 8)
        // Vertex (1, 0, 0) → scale 2 → rotate to (0, 2, 0) → translate → (10, 2, 0).
        func close(_ a: Float3, _ b: Float3) -> Bool { length(sub(a, b)) < 1e-5 }
        XCTAssertTrue(close(mesh.positions[1], Float3(10, 2, 0)), "\(mesh.positions[1])")
        XCTAssertTrue(close(mesh.positions[5], Float3(10, 2, 10)), "\(mesh.positions[5])")  // matrix translation is scaled by the parent
        XCTAssertTrue(mesh.normals.allSatisfy { abs($0.z - 1) < 1e-5 })
        XCTAssertTrue(close(Float3(mesh.tangents[0].x, mesh.tangents[0].y, mesh.tangents[0].z), Float3(0, 1, 0)))
    }

    func testMirroringNodeFlipsWindingAndTangentSign() throws {
        let mesh = try GLTFLoader.parse(bytes: Array(quadDocument(base64Buffer(), nodes: #"[{"mesh": 0, "scale": [-1, 1, 1]}]"#).utf8), file: "m.gltf")
        assertMeshInvariants(mesh, name: "mirrored")
        XCTAssertEqual(mesh.indices, [0, 2, 1, 0, 3, 2])
        XCTAssertTrue(mesh.tangents.allSatisfy { $0.w == -1 })
    }

    func testNonIndexedWithoutNormalsGetsFlatNormals() throws {
        var f = GLTFTestFiles()
        // Two triangles of a tent: flat normals differ per triangle.
        let p = f.floats([0, 0, 0, 1, 1, 0, 0, 1, -1, /**/ 1, 1, 0, 2, 0, 0, 1, 1, -1])
        // Interleave nothing else: no NORMAL, no TEXCOORD_0.
        let json = """
        {"asset": {"version": "2.0"}, "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
         "nodes": [{"mesh": 0}],
         "buffers": [{"byteLength": \(f.bin.count), "uri": "data:application/gltf-buffer;base64,\(Data(f.bin).base64EncodedString())"}],
         "bufferViews": [{"buffer": 0, "byteOffset": \(p.offset), "byteLength": \(p.length)}],
         "accessors": [{"bufferView": 0, "componentType": 5126, "count": 6, "type": "VEC3"}]}
        """
        let mesh = try GLTFLoader.parse(bytes: Array(json.utf8), file: "tent.gltf")  // no "scenes": roots are parentless nodes
        assertMeshInvariants(mesh, name: "tent")
        XCTAssertEqual(mesh.triangleCount, 2)
        XCTAssertEqual(mesh.normals[0], mesh.normals[2])
        XCTAssertNotEqual(mesh.normals[0], mesh.normals[3])
        XCTAssertTrue(mesh.uvs.allSatisfy { $0 == Float2(0, 0) })
    }

    func testInterleavedStrideAndByteIndices() throws {
        var f = GLTFTestFiles()
        // Interleaved position (12 bytes) + uv (8 bytes), stride 20.
        var interleaved: [Float] = []
        let verts: [([Float], [Float])] = [([0, 0, 0], [0, 1]), ([1, 0, 0], [1, 1]), ([1, 1, 0], [1, 0])]
        for (p, t) in verts { interleaved += p + t }
        let v = f.floats(interleaved)
        let i = f.bytes([0, 1, 2])
        f.align()
        let json = """
        {"asset": {"version": "2.0"}, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
         "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_0": 1}, "indices": 2, "mode": 4}]}],
         "buffers": [{"byteLength": \(f.bin.count), "uri": "data:application/octet-stream;base64,\(Data(f.bin).base64EncodedString())"}],
         "bufferViews": [{"buffer": 0, "byteOffset": \(v.offset), "byteLength": \(v.length), "byteStride": 20},
                         {"buffer": 0, "byteOffset": \(i.offset), "byteLength": 3}],
         "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"},
                       {"bufferView": 0, "byteOffset": 12, "componentType": 5126, "count": 3, "type": "VEC2"},
                       {"bufferView": 1, "componentType": 5121, "count": 3, "type": "SCALAR"}]}
        """
        let mesh = try GLTFLoader.parse(bytes: Array(json.utf8), file: "i.gltf")
        assertMeshInvariants(mesh, name: "interleaved")
        XCTAssertEqual(mesh.positions[2], Float3(1, 1, 0))
        XCTAssertEqual(mesh.uvs[2], Float2(1, 0))
        XCTAssertEqual(mesh.tangents[0].w, 1)
    }

    func testTruncatedGLBNeverCrashes() throws {
        let q = GLTFTestFiles.quad()
        let full = GLTFTestFiles.glb(json: quadDocument(#"{"byteLength": \#(q.files.bin.count)}"#), bin: q.files.bin)
        for cut in 0..<full.count {
            assertSceneError(nil, "t.glb") { try GLTFLoader.parse(bytes: Array(full[0..<cut]), file: "t.glb") }
        }
        assertSceneError(.malformed, "t.glb: invalid GLB: header says \(full.count) bytes but the file has 40 (truncated?)") {
            try GLTFLoader.parse(bytes: Array(full[0..<40]), file: "t.glb")
        }
        // A chunk length that runs past the end.
        var lying = full
        lying[12] = 0xFF; lying[13] = 0xFF
        assertSceneError(.malformed, "chunk 0 claims") { try GLTFLoader.parse(bytes: lying, file: "t.glb") }
        var version = full
        version[4] = 1
        assertSceneError(.unsupported, "GLB version 1") { try GLTFLoader.parse(bytes: version, file: "t.glb") }
        assertSceneError(.malformed, "missing the \"glTF\" magic") { try GLTFLoader.parse(bytes: Array("{}".utf8), file: "t.glb") }
        // BIN chunk shorter than the buffer's byteLength.
        let short = GLTFTestFiles.glb(json: quadDocument(#"{"byteLength": \#(q.files.bin.count + 64)}"#), bin: q.files.bin)
        assertSceneError(.malformed, "buffers[0].byteLength: buffer holds") { try GLTFLoader.parse(bytes: short, file: "t.glb") }
    }

    func testHostileAccessorsGiveErrors() {
        let q = GLTFTestFiles.quad()
        let buffer = base64Buffer()
        func doc(accessors: String, views: String? = nil, primitive: String? = nil) -> [UInt8] {
            Array(GLTFTestFiles.document(buffer: buffer, bufferViews: views ?? q.bufferViews, accessors: accessors,
                                         primitive: primitive ?? #"{"attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2}, "indices": 3}"#).utf8)
        }
        let tooMany = q.accessors.replacingOccurrences(of: #""count": 4, "type": "VEC3", "min""#, with: #""count": 4000000, "type": "VEC3", "min""#)
        assertSceneError(.malformed, "h.gltf: accessors[0]: 4000000 elements of 12 bytes", "but bufferViews[0] has 48") {
            try GLTFLoader.parse(bytes: doc(accessors: tooMany), file: "h.gltf")
        }
        let hugeOffset = q.accessors.replacingOccurrences(of: #"{"bufferView": 1,"#, with: #"{"bufferView": 1, "byteOffset": 2147483647,"#)
        assertSceneError(.malformed, "accessors[1]: ") { try GLTFLoader.parse(bytes: doc(accessors: hugeOffset), file: "h.gltf") }
        let badView = q.bufferViews.replacingOccurrences(of: #""byteLength": 48}"#, with: #""byteLength": 4800}"#)
        assertSceneError(.malformed, "bufferViews[0]: byteOffset 0 + byteLength 4800 exceeds the buffer") {
            try GLTFLoader.parse(bytes: doc(accessors: q.accessors, views: badView), file: "h.gltf")
        }
        assertSceneError(.malformed, "meshes[0].primitives[0].attributes.POSITION: accessors index 9 does not exist") {
            try GLTFLoader.parse(bytes: doc(accessors: q.accessors, primitive: #"{"attributes": {"POSITION": 9}}"#), file: "h.gltf")
        }
        assertSceneError(.malformed, "attributes.NORMAL: accessor 2 has 2 components per element, expected 3") {
            try GLTFLoader.parse(bytes: doc(accessors: q.accessors, primitive: #"{"attributes": {"POSITION": 0, "NORMAL": 2}, "indices": 3}"#), file: "h.gltf")
        }
        // Indices pointing past the vertices: reuse the index view as a 3-vertex position accessor.
        let fewVertices = q.accessors.replacingOccurrences(of: #""count": 4, "type": "VEC3", "min": [0,0,0], "max": [1,1,0]"#, with: #""count": 3, "type": "VEC3""#)
        assertSceneError(.malformed, "indices: index 3 at position 5 is out of range (3 vertices)") {
            try GLTFLoader.parse(bytes: doc(accessors: fewVertices, primitive: #"{"attributes": {"POSITION": 0}, "indices": 3}"#), file: "h.gltf")
        }
        assertSceneError(.malformed, "attributes.NORMAL: NORMAL has 3 elements but POSITION has 4") {
            let acc = q.accessors.replacingOccurrences(of: #"{"bufferView": 1, "componentType": 5126, "count": 4"#, with: #"{"bufferView": 1, "componentType": 5126, "count": 3"#)
            return try GLTFLoader.parse(bytes: doc(accessors: acc), file: "h.gltf")
        }
        assertSceneError(.invalidValue, "byteStride 8 is smaller than one VEC3 element") {
            let views = q.bufferViews.replacingOccurrences(of: #""byteLength": 48}"#, with: #""byteLength": 48, "byteStride": 8}"#)
            return try GLTFLoader.parse(bytes: doc(accessors: q.accessors, views: views), file: "h.gltf")
        }
    }

    func testUnsupportedFeatures() {
        let buffer = base64Buffer()
        assertSceneError(.unsupported, "meshes[0].primitives[0].mode: primitive mode LINES is not supported") {
            try GLTFLoader.parse(bytes: Array(quadDocument(buffer, primitive: #"{"attributes": {"POSITION": 0}, "mode": 1}"#).utf8), file: "u.gltf")
        }
        assertSceneError(.unsupported, "Draco") {
            try GLTFLoader.parse(bytes: Array(quadDocument(buffer, primitive: #"{"attributes": {"POSITION": 0}, "extensions": {"KHR_draco_mesh_compression": {}}}"#).utf8), file: "u.gltf")
        }
        assertSceneError(.unsupported, "extensionsRequired[0]: required extension KHR_mesh_quantization is not supported") {
            try GLTFLoader.parse(bytes: Array(quadDocument(buffer, extra: #", "extensionsRequired": ["KHR_mesh_quantization"]"#).utf8), file: "u.gltf")
        }
        let q = GLTFTestFiles.quad()
        let sparse = q.accessors.replacingOccurrences(of: #""min": [0,0,0]"#, with: #""sparse": {"count": 1}, "min": [0,0,0]"#)
        assertSceneError(.unsupported, "accessors[0]: sparse accessors are not supported") {
            try GLTFLoader.parse(bytes: Array(GLTFTestFiles.document(buffer: buffer, bufferViews: q.bufferViews, accessors: sparse).utf8), file: "u.gltf")
        }
        assertSceneError(.unsupported, "asset.version: glTF version 1.0 is not supported") {
            try GLTFLoader.parse(bytes: Array(#"{"asset": {"version": "1.0"}}"#.utf8), file: "u.gltf")
        }
        assertSceneError(.unsupported, "remote or non-file URI") {
            try GLTFLoader.parse(bytes: Array(quadDocument(#"{"byteLength": 4, "uri": "https://example.com/a.bin"}"#).utf8), file: "u.gltf")
        }
    }

    func testStructuralErrors() throws {
        let buffer = base64Buffer()
        assertSceneError(.malformed, "nodes[1].children[0]: node 0 is reached twice") {
            try GLTFLoader.parse(bytes: Array(quadDocument(buffer, nodes: #"[{"children": [1]}, {"children": [0]}]"#).utf8), file: "c.gltf")
        }
        assertSceneError(.malformed, "c.gltf: no triangle geometry") {
            try GLTFLoader.parse(bytes: Array(quadDocument(buffer, nodes: #"[{}]"#).utf8), file: "c.gltf")
        }
        assertSceneError(.malformed, "buffers[0].uri: the data URI is not valid base64") {
            try GLTFLoader.parse(bytes: Array(quadDocument(#"{"byteLength": 4, "uri": "data:application/octet-stream;base64,@@@"}"#).utf8), file: "c.gltf")
        }
        let dir = try TempDir()
        let path = try dir.write("c.gltf", quadDocument(#"{"byteLength": 4, "uri": "gone.bin"}"#))
        assertSceneError(.missingFile, "buffers[0].uri: buffer file not found: \(dir.path)/gone.bin") { try GLTFLoader.load(path: path) }
        assertSceneError(.syntax, "c.gltf:1: invalid JSON") { try GLTFLoader.parse(bytes: Array("{".utf8), file: "c.gltf") }
        assertSceneError(.missingField, "missing required field \"asset\"") { try GLTFLoader.parse(bytes: Array("{}".utf8), file: "c.gltf") }
    }

    // MARK: - Debian's assimp-testmodels (skipped when not installed)

    static let assimpRoot = "/usr/share/assimp/models/glTF2"

    private func assimpFile(_ relative: String) throws -> String {
        let path = Self.assimpRoot + "/" + relative
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("\(path) not present (apt-get install assimp-testmodels)")
        }
        return path
    }

    func testAssimpValidModels() throws {
        _ = try assimpFile("BoxTextured-glTF/BoxTextured.gltf")  // skips when the package is absent
        for (file, triangles) in [("BoxTextured-glTF/BoxTextured.gltf", 12), ("BoxTextured-glTF-Binary/BoxTextured.glb", 12),
                                  ("BoxTextured-glTF-Embedded/BoxTextured.gltf", 12), ("2CylinderEngine-glTF-Binary/2CylinderEngine.glb", 0),
                                  ("glTF-Sample-Models/AnimatedMorphCube-glTF/AnimatedMorphCube.gltf", 12)] {
            let mesh = try GLTFLoader.load(path: Self.assimpRoot + "/" + file)
            assertMeshInvariants(mesh, name: file)
            if triangles > 0 { XCTAssertEqual(mesh.triangleCount, triangles, file) } else { XCTAssertGreaterThan(mesh.triangleCount, 1000, file) }
        }
        // BoxTextured's uvs are mapped upright: the generated tangent frames have w = +1 on most faces.
        let box = try GLTFLoader.load(path: Self.assimpRoot + "/" + "BoxTextured-glTF/BoxTextured.gltf")
        XCTAssertGreaterThan(box.tangents.filter { $0.w == 1 }.count, box.tangents.count / 2)
    }

    func testAssimpInvalidModelsGiveErrors() throws {
        _ = try assimpFile("IndexOutOfRange/IndexOutOfRange.gltf")  // skips the whole test when the package is absent
        assertSceneError(.malformed, "out of range") { try GLTFLoader.load(path: Self.assimpRoot + "/" + "IndexOutOfRange/IndexOutOfRange.gltf") }
        assertSceneError(.malformed, "out of range") { try GLTFLoader.load(path: Self.assimpRoot + "/" + "IndexOutOfRange/AllIndicesOutOfRange.gltf") }
        assertSceneError(.malformed, "reached twice") { try GLTFLoader.load(path: Self.assimpRoot + "/" + "RecursiveNodes/RecursiveNodes.gltf") }
        assertSceneError(.missingFile, "not found") { try GLTFLoader.load(path: Self.assimpRoot + "/" + "MissingBin/BoxTextured.gltf") }
        assertSceneError(.unsupported, "Draco") { try GLTFLoader.load(path: Self.assimpRoot + "/" + "draco/2CylinderEngine.gltf") }
        assertSceneError(nil, "BoxWithInfinites.glb") { try GLTFLoader.load(path: Self.assimpRoot + "/" + "BoxWithInfinites-glTF-Binary/BoxWithInfinites.glb") }
    }

    /// Every glTF file in the package either loads into a valid mesh or fails
    /// with a one-line SceneError — never a crash.
    func testEveryAssimpFileLoadsOrFailsCleanly() throws {
        guard let files = FileManager.default.enumerator(atPath: Self.assimpRoot)?.allObjects as? [String] else {
            throw XCTSkip("assimp-testmodels not installed")
        }
        var loaded = 0, failed = 0
        for file in files.sorted() where file.hasSuffix(".gltf") || file.hasSuffix(".glb") {
            do {
                let mesh = try GLTFLoader.load(path: Self.assimpRoot + "/" + file)
                // Only structural checks: some files (BoxBadNormals) ship normals
                // that disagree with their winding on purpose.
                XCTAssertNil(mesh.validationProblem, file)
                loaded += 1
            } catch let error as SceneError {
                XCTAssertFalse(error.description.contains("\n"), file)
                failed += 1
            }
        }
        XCTAssertGreaterThan(loaded, 5)
        print("assimp glTF2 models: \(loaded) loaded, \(failed) rejected with errors")
    }
}
