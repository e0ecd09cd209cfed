import Foundation
import Materials

/// Loads glTF 2.0 geometry (`.gltf` with external or base64 data-URI
/// buffers, or binary `.glb`) into one merged mesh, or into one mesh per
/// material the primitives use (`loadParts`), so that a scene can render the
/// file with its own materials.
///
/// Every TRIANGLES primitive reachable from the default scene (`scene`, else
/// scene 0; with no scenes, every root node) is placed by its node's world
/// transform (matrix, or translation · rotation · scale), baked into
/// positions, normals and tangents. Missing normals become flat normals (as
/// the spec requires), missing TEXCOORD_0 zeros, missing tangents are
/// generated. Skins, morph targets and animations are ignored (materials are
/// read by the Materials module's `GLTFMaterialParser`); sparse accessors,
/// compressed or quantized geometry and non-triangle modes are reported as
/// unsupported.
public enum GLTFLoader {
    /// Refuse to build meshes beyond this many vertices (hostile instancing).
    static let maxVertices = 100_000_000

    public static func load(path: String) throws -> Mesh {
        let bytes = [UInt8](try FilePaths.read(path))
        return try parse(bytes: bytes, file: path)
    }

    /// The file's geometry split by material, in order of first use.
    public static func loadParts(path: String) throws -> [GLTFPart] {
        let bytes = [UInt8](try FilePaths.read(path))
        return try parseParts(bytes: bytes, file: path)
    }

    /// Parses .gltf JSON or .glb bytes (detected by the magic number) into one mesh.
    /// External buffers resolve relative to `file`'s directory.
    public static func parse(bytes: [UInt8], file: String) throws -> Mesh {
        var merged = Mesh(positions: [], normals: [], uvs: [], tangents: [], indices: [])
        for part in try parseParts(bytes: bytes, file: file) { merged.append(part.mesh) }
        return merged
    }

    /// Parses .gltf JSON or .glb bytes into one mesh per material.
    public static func parseParts(bytes: [UInt8], file: String) throws -> [GLTFPart] {
        var document: GLTFDocument
        if GLBContainer.isGLB(bytes) {
            let glb: GLBContainer
            do { glb = try GLBContainer.parse(bytes) } catch {
                throw SceneError(error.unsupported ? .unsupported : .malformed, file: file, error.message)
            }
            document = try GLTFDocument(json: glb.json, binary: glb.binary, file: file)
        } else {
            if MeshLoader.fileExtension(file) == "glb" {
                throw SceneError(.malformed, file: file, "invalid GLB: missing the \"glTF\" magic number; re-export the file")
            }
            document = try GLTFDocument(json: bytes, binary: nil, file: file)
        }
        var builder = GLTFSceneBuilder()
        return try builder.build(&document)
    }
}

/// The primitives of a glTF file that share one material, in world space.
public struct GLTFPart: Equatable, Sendable {
    /// Index into the file's `materials`; nil for primitives without one
    /// (glTF's default material).
    public var materialIndex: Int?
    public var mesh: Mesh
}

/// Walks the node hierarchy and accumulates world-space primitives, one
/// merged mesh per material.
struct GLTFSceneBuilder {
    private var meshCache: [Int: [GLTFPart]] = [:]
    private var parts: [GLTFPart] = []
    /// Where each material's part is in `parts` (key −1: no material).
    private var partIndex: [Int: Int] = [:]
    private var vertexCount = 0

    mutating func build(_ doc: inout GLTFDocument) throws -> [GLTFPart] {
        let roots = try rootNodes(doc)
        if roots.isEmpty, try doc.count("nodes") == 0 {
            // No node hierarchy at all: take every mesh as it is.
            for m in 0..<(try doc.count("meshes")) {
                for part in try mesh(m, &doc, referencedBy: doc.root.node) { try append(part, doc) }
            }
        }
        // Depth-first with an explicit stack (hostile files can nest deeply);
        // a node reached twice means a cycle or shared child, which the spec forbids.
        var visited = Set<Int>()
        var stack: [(index: Int, parent: Transform, reference: JSONNode)] = roots.map { ($0.0, .identity, $0.1) }
        while let (index, parent, reference) = stack.popLast() {
            let node = try doc.element("nodes", index, referencedBy: reference)
            guard visited.insert(index).inserted else {
                throw reference.error(.malformed, "node \(index) is reached twice; the node hierarchy must be a tree (a cycle or shared child?)")
            }
            let world = parent * (try localTransform(node))
            if let meshNode = node.optional("mesh") {
                for part in try mesh(try meshNode.int(in: 0...Int(Int32.max)), &doc, referencedBy: meshNode) {
                    try append(GLTFPart(materialIndex: part.materialIndex, mesh: part.mesh.transformed(by: world)), doc)
                }
            }
            if let children = node.optional("children") {
                for child in try children.array().reversed() {
                    stack.append((try child.int(in: 0...Int(Int32.max)), world, child))
                }
            }
        }
        guard parts.contains(where: { !$0.mesh.indices.isEmpty }) else {
            throw SceneError(.malformed, file: doc.file, "no triangle geometry in the default scene")
        }
        for part in parts {
            if let problem = part.mesh.validationProblem {
                throw SceneError(.malformed, file: doc.file, "invalid geometry: \(problem)")
            }
        }
        return parts
    }

    /// Adds a primitive group to the part of its material (the first use of a material starts a part).
    private mutating func append(_ part: GLTFPart, _ doc: GLTFDocument) throws {
        guard vertexCount + part.mesh.positions.count <= GLTFLoader.maxVertices else {
            throw SceneError(.unsupported, file: doc.file, "the scene expands to more than \(GLTFLoader.maxVertices) vertices")
        }
        vertexCount += part.mesh.positions.count
        if let i = partIndex[part.materialIndex ?? -1] {
            parts[i].mesh.append(part.mesh)
        } else {
            partIndex[part.materialIndex ?? -1] = parts.count
            parts.append(part)
        }
    }

    /// Root node indices with the JSON node that names them.
    private func rootNodes(_ doc: GLTFDocument) throws -> [(Int, JSONNode)] {
        let sceneCount = try doc.count("scenes")
        if sceneCount == 0 {
            // No scenes: every node that is nobody's child is a root.
            let nodes = try doc.root.optional("nodes")?.array() ?? []
            var isChild = Set<Int>()
            for n in nodes {
                for c in try n.object().optional("children")?.array() ?? [] { isChild.insert(try c.int(in: 0...Int(Int32.max))) }
            }
            return nodes.indices.filter { !isChild.contains($0) }.map { ($0, nodes[$0]) }
        }
        var sceneIndex = 0
        var reference = doc.root.node
        if let s = doc.root.optional("scene") { sceneIndex = try s.int(in: 0...Int(Int32.max)); reference = s }
        let scene = try doc.element("scenes", sceneIndex, referencedBy: reference)
        return try (scene.optional("nodes")?.array() ?? []).map { (try $0.int(in: 0...Int(Int32.max)), $0) }
    }

    /// A node's local transform: `matrix` (column-major) or T · R · S.
    private func localTransform(_ node: JSONObject) throws -> Transform {
        if let m = node.optional("matrix") {
            if let other = ["translation", "rotation", "scale"].first(where: { node.optional($0) != nil }) {
                throw m.error(.malformed, "a node may have a matrix or \(other), not both")
            }
            let v = try m.array(count: 16).map { try $0.float() }
            // Column-major: element (row r, column c) is v[c * 4 + r].
            return Transform(rows: (SIMD4(v[0], v[4], v[8], v[12]), SIMD4(v[1], v[5], v[9], v[13]), SIMD4(v[2], v[6], v[10], v[14])))
        }
        var t = Transform.identity
        if let s = node.optional("scale") { t = .scaling(try s.float3()) }
        if let r = node.optional("rotation") {
            let q = try r.array(count: 4).map { try $0.float() }
            t = .rotation(quaternion: Float4(q[0], q[1], q[2], q[3])) * t
        }
        if let tr = node.optional("translation") { t = .translation(try tr.float3()) * t }
        return t
    }

    /// glTF mesh `index` in its own space: its primitives merged per material.
    private mutating func mesh(_ index: Int, _ doc: inout GLTFDocument, referencedBy reference: JSONNode) throws -> [GLTFPart] {
        if let cached = meshCache[index] { return cached }
        let object = try doc.element("meshes", index, referencedBy: reference)
        var result: [GLTFPart] = []
        var resultIndex: [Int: Int] = [:]  // material (−1: none) → index in result
        var meshVertices = 0
        for primitive in try object.require("primitives").array() {
            let p = try primitive.object()
            let material = try p.optional("material").map { node -> Int in
                let i = try node.int(in: 0...Int(Int32.max))
                _ = try doc.element("materials", i, referencedBy: node)
                return i
            }
            let mesh = try GLTFPrimitive.build(p, &doc)
            meshVertices += mesh.positions.count
            guard vertexCount + meshVertices <= GLTFLoader.maxVertices else {
                throw SceneError(.unsupported, file: doc.file, "the scene expands to more than \(GLTFLoader.maxVertices) vertices")
            }
            if let i = resultIndex[material ?? -1] {
                result[i].mesh.append(mesh)
            } else {
                resultIndex[material ?? -1] = result.count
                result.append(GLTFPart(materialIndex: material, mesh: mesh))
            }
        }
        meshCache[index] = result
        return result
    }
}
