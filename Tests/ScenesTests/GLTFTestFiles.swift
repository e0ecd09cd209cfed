import Foundation

/// Builds small glTF files in memory for the loader tests, so the core tests
/// never depend on external test data.
struct GLTFTestFiles {
    var bin: [UInt8] = []

    mutating func align() { while bin.count % 4 != 0 { bin.append(0) } }

    mutating func floats(_ values: [Float]) -> (offset: Int, length: Int) {
        align()
        let start = bin.count
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bin += $0 } }
        return (start, bin.count - start)
    }

    mutating func u16(_ values: [UInt16]) -> (offset: Int, length: Int) {
        align()
        let start = bin.count
        for v in values { withUnsafeBytes(of: v.littleEndian) { bin += $0 } }
        return (start, bin.count - start)
    }

    mutating func bytes(_ values: [UInt8]) -> (offset: Int, length: Int) {
        align()
        let start = bin.count
        bin += values
        return (start, bin.count - start)
    }

    /// A unit quad in the xy plane facing +z: positions, normals, uvs (glTF
    /// top-left origin, upright) and 6 u16 indices. Returns the JSON for
    /// bufferViews and accessors 0…3 (POSITION, NORMAL, TEXCOORD_0, indices).
    static func quad() -> (files: GLTFTestFiles, bufferViews: String, accessors: String) {
        var f = GLTFTestFiles()
        let p = f.floats([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0])
        let n = f.floats([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1])
        let t = f.floats([0, 1, 1, 1, 1, 0, 0, 0])
        let i = f.u16([0, 1, 2, 0, 2, 3])
        f.align()
        let views = """
        [{"buffer": 0, "byteOffset": \(p.offset), "byteLength": \(p.length)},
         {"buffer": 0, "byteOffset": \(n.offset), "byteLength": \(n.length)},
         {"buffer": 0, "byteOffset": \(t.offset), "byteLength": \(t.length)},
         {"buffer": 0, "byteOffset": \(i.offset), "byteLength": \(i.length)}]
        """
        let accessors = """
        [{"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3", "min": [0,0,0], "max": [1,1,0]},
         {"bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC3"},
         {"bufferView": 2, "componentType": 5126, "count": 4, "type": "VEC2"},
         {"bufferView": 3, "componentType": 5123, "count": 6, "type": "SCALAR"}]
        """
        return (f, views, accessors)
    }

    /// A complete glTF JSON document around one mesh primitive.
    static func document(buffer: String, bufferViews: String, accessors: String,
                         primitive: String = #"{"attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2}, "indices": 3}"#,
                         nodes: String = #"[{"mesh": 0}]"#, extra: String = "") -> String {
        """
        {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}], "nodes": \(nodes),
         "meshes": [{"primitives": [\(primitive)]}],
         "buffers": [\(buffer)], "bufferViews": \(bufferViews), "accessors": \(accessors)\(extra)}
        """
    }

    /// Wraps JSON and a binary chunk into a .glb.
    static func glb(json: String, bin: [UInt8]?) -> [UInt8] {
        var j = Array(json.utf8)
        while j.count % 4 != 0 { j.append(0x20) }
        var b = bin ?? []
        while b.count % 4 != 0 { b.append(0) }
        var out: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        let total = 12 + 8 + j.count + (bin == nil ? 0 : 8 + b.count)
        u32(0x4654_6C67); u32(2); u32(UInt32(total))
        u32(UInt32(j.count)); u32(0x4E4F_534A); out += j
        if bin != nil { u32(UInt32(b.count)); u32(0x004E_4942); out += b }
        return out
    }
}
