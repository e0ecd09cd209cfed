import Foundation

/// Reads Wavefront OBJ geometry: `v`, `vt`, `vn` and `f` with every index
/// form (`v`, `v/vt`, `v//vn`, `v/vt/vn`, negative = relative to the end).
/// Polygons are fan-triangulated. Missing normals become smooth normals
/// (shared by position), missing uvs become (0, 0), and tangents are generated
/// from the uvs. OBJ's uv origin is the image's bottom-left, so v is flipped
/// to this module's top-left convention. Material and grouping statements
/// (`mtllib`, `usemtl`, `o`, `g`, `s`) and points/lines are ignored;
/// free-form geometry is rejected rather than silently dropped.
public enum OBJLoader {
    public static func load(path: String) throws -> Mesh {
        try parse(data: try FilePaths.read(path), file: path)
    }

    /// One face corner: indices into the v / vt / vn arrays (−1 = absent).
    private struct Corner: Hashable { var v: Int32; var vt: Int32; var vn: Int32 }

    private static let ignored: Set<String> = ["mtllib", "usemtl", "o", "g", "s", "l", "p", "vp", "maplib", "usemap",
                                               "lod", "bevel", "c_interp", "d_interp", "shadow_obj", "trace_obj"]

    /// The file as text, or nil unless it is valid UTF-8 without NUL bytes
    /// (UTF-16 is valid UTF-8 byte for byte when ASCII-only, but full of NULs).
    static func utf8Text(_ data: Data) -> String? {
        if data.contains(0) { return nil }
        return String(data: data, encoding: .utf8)
    }

    public static func parse(data: Data, file: String) throws -> Mesh {
        var positions: [SIMD3<Float>] = []
        var texcoords: [Float2] = []
        var normals: [SIMD3<Float>] = []
        var vertexOf: [Corner: UInt32] = [:]
        var corners: [Corner] = []
        var indices: [UInt32] = []

        guard let text = utf8Text(data) else {
            let hint = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) || data.contains(0)
                ? " (it looks like UTF-16)" : ""
            throw SceneError(.syntax, file: file, "not UTF-8 text\(hint); save the OBJ as UTF-8 or ASCII")
        }
        var lineNumber = 0
        var pending = ""  // a line continued with a trailing backslash
        var pendingStart = 0
        // "\r\n" is a single Character in Swift, so split on every newline form.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for rawLine in lines {
            lineNumber += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            if line.hasSuffix("\\") {
                if pending.isEmpty { pendingStart = lineNumber }
                pending += line.dropLast() + " "
                continue
            }
            let reportLine = pending.isEmpty ? lineNumber : pendingStart
            let full = pending.isEmpty ? line : Substring(pending + line)
            pending = ""
            let tokens = full.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{0B}" || $0 == "\u{0C}" })
            guard let keyword = tokens.first else { continue }
            let args = tokens.dropFirst()

            func fail(_ message: String, _ kind: SceneError.Kind = .syntax) -> SceneError {
                SceneError(kind, file: file, location: .line(reportLine), message)
            }
            func numbers(_ what: String, min: Int, max: Int) throws -> [Float] {
                guard args.count >= min && args.count <= max else {
                    throw fail("'\(keyword)' needs \(min == max ? "\(min)" : "\(min) to \(max)") numbers, got \(args.count)")
                }
                return try args.map { token in
                    guard let f = Float(token) else { throw fail("'\(token)' is not a number in this \(what)") }
                    guard f.isFinite else { throw fail("non-finite value '\(token)' in this \(what)", .invalidValue) }
                    return f
                }
            }

            switch keyword {
            case "v":
                // x y z [w], or x y z r g b (vertex colours, ignored).
                let v = try numbers("vertex", min: 3, max: 7)
                positions.append(SIMD3(v[0], v[1], v[2]))
            case "vt":
                let t = try numbers("texture coordinate", min: 1, max: 3)
                texcoords.append(Float2(t[0], 1 - (t.count > 1 ? t[1] : 0)))
            case "vn":
                let n = try numbers("normal", min: 3, max: 3)
                normals.append(SIMD3(n[0], n[1], n[2]))
            case "f":
                guard args.count >= 3 else { throw fail("a face needs at least 3 vertices, got \(args.count)") }
                var face: [UInt32] = []
                face.reserveCapacity(args.count)
                for token in args {
                    let parts = token.split(separator: "/", omittingEmptySubsequences: false)
                    guard parts.count <= 3, let first = parts.first, !first.isEmpty else {
                        throw fail("malformed face vertex '\(token)'; use v, v/vt, v//vn or v/vt/vn")
                    }
                    func resolve(_ part: Substring, count: Int, what: String) throws -> Int32 {
                        guard let i = Int(part) else { throw fail("'\(part)' in face vertex '\(token)' is not an integer \(what) index") }
                        guard i != 0 else { throw fail("\(what) index 0 in '\(token)'; OBJ indices start at 1 (negative counts from the end)") }
                        let resolved = i > 0 ? i - 1 : count + i
                        guard resolved >= 0 && resolved < count else {
                            throw fail("\(what) index \(i) in '\(token)' is out of range (\(count) \(what)s defined so far)", .malformed)
                        }
                        return Int32(resolved)
                    }
                    var c = Corner(v: try resolve(first, count: positions.count, what: "vertex"), vt: -1, vn: -1)
                    if parts.count > 1, !parts[1].isEmpty { c.vt = try resolve(parts[1], count: texcoords.count, what: "texture coordinate") }
                    if parts.count > 2 {
                        guard !parts[2].isEmpty else { throw fail("malformed face vertex '\(token)' (empty normal index)") }
                        c.vn = try resolve(parts[2], count: normals.count, what: "normal")
                    }
                    if let existing = vertexOf[c] {
                        face.append(existing)
                    } else {
                        guard corners.count < Int(UInt32.max) else { throw fail("more than 2³² vertices", .unsupported) }
                        let index = UInt32(corners.count)
                        vertexOf[c] = index
                        corners.append(c)
                        face.append(index)
                    }
                }
                for k in 1..<(face.count - 1) { indices += [face[0], face[k], face[k + 1]] }
            case let other where ignored.contains(String(other)):
                continue
            case "cstype", "deg", "bmat", "step", "curv", "curv2", "surf", "parm", "trim", "hole", "scrv", "sp", "end", "con":
                throw fail("free-form geometry ('\(keyword)') is not supported; export the model as polygons", .unsupported)
            default:
                throw fail("unknown OBJ statement '\(keyword)'")
            }
        }
        guard !indices.isEmpty else {
            throw SceneError(.malformed, file: file, "contains no faces ('f' lines); export the model with polygons")
        }
        return try assemble(positions: positions, texcoords: texcoords, normals: normals,
                            corners: corners, indices: indices, file: file)
    }

    /// Builds the output vertices; corners without `vn` get smooth normals
    /// accumulated over every triangle sharing their position.
    private static func assemble(positions: [SIMD3<Float>], texcoords: [Float2], normals: [SIMD3<Float>],
                                 corners: [Corner], indices: [UInt32], file: String) throws -> Mesh {
        let outPositions = corners.map { positions[Int($0.v)] }
        var smoothByPosition: [SIMD3<Float>]?
        if corners.contains(where: { $0.vn < 0 }) || normals.contains(where: { simdNormalizedOrNil($0) == nil }) {
            let positionIndices = indices.map { UInt32(corners[Int($0)].v) }
            smoothByPosition = MeshNormals.smooth(positions: positions, indices: positionIndices)
        }
        let outNormals: [SIMD3<Float>] = corners.map { c in
            if c.vn >= 0, let n = simdNormalizedOrNil(normals[Int(c.vn)]) { return n }
            return smoothByPosition?[Int(c.v)] ?? SIMD3(0, 1, 0)
        }
        let outUVs = corners.map { $0.vt >= 0 ? texcoords[Int($0.vt)] : Float2(0, 0) }
        let tangents = MeshTangents.generate(positions: outPositions, normals: outNormals, uvs: outUVs, indices: indices)
        let mesh = Mesh(positions: outPositions.map(Float3.init), normals: outNormals.map(Float3.init),
                        uvs: outUVs, tangents: tangents, indices: indices)
        if let problem = mesh.validationProblem { throw SceneError(.malformed, file: file, problem) }
        return mesh
    }
}
