/// One glTF mesh primitive turned into a `Mesh` in mesh space: attributes
/// read and validated, flat normals when NORMAL is absent, tangents from the
/// file (re-orthogonalised) or generated (from TEXCOORD_0), TEXCOORD_1 as the
/// mesh's second uv set when present.
enum GLTFPrimitive {
    static let modeNames = [0: "POINTS", 1: "LINES", 2: "LINE_LOOP", 3: "LINE_STRIP", 4: "TRIANGLES", 5: "TRIANGLE_STRIP", 6: "TRIANGLE_FAN"]

    static func build(_ p: JSONObject, _ doc: inout GLTFDocument) throws -> Mesh {
        if let modeNode = p.optional("mode") {
            let mode = try modeNode.int()
            guard mode == 4 else {
                throw modeNode.error(.unsupported, "primitive mode \(modeNames[mode] ?? String(mode)) is not supported; only TRIANGLES (4) is — triangulate the model on export")
            }
        }
        if let ext = p.optional("extensions"), try ext.object().keys.contains("KHR_draco_mesh_compression") {
            throw ext.error(.unsupported, "Draco-compressed geometry is not supported; re-export without Draco compression")
        }
        let attributes = try p.require("attributes").object()
        let positionNode = try attributes.require("POSITION", hint: "a primitive needs vertex positions")
        let (positionValues, count) = try doc.floats(try positionNode.int(), referencedBy: positionNode, components: 3)
        var positions = (0..<count).map { SIMD3(positionValues[3 * $0], positionValues[3 * $0 + 1], positionValues[3 * $0 + 2]) }

        func attribute(_ name: String, components: Int, normalizedIntegers: Bool = false) throws -> [Float]? {
            guard let n = attributes.optional(name) else { return nil }
            let (values, c) = try doc.floats(try n.int(), referencedBy: n, components: components, allowNormalizedIntegers: normalizedIntegers)
            guard c == count else { throw n.error(.malformed, "\(name) has \(c) elements but POSITION has \(count); the file is corrupt") }
            return values
        }
        let normalValues = try attribute("NORMAL", components: 3)
        let uvValues = try attribute("TEXCOORD_0", components: 2, normalizedIntegers: true)
        let uv1Values = try attribute("TEXCOORD_1", components: 2, normalizedIntegers: true)
        let tangentValues = try attribute("TANGENT", components: 4)

        var indices: [UInt32]
        if let indexNode = p.optional("indices") {
            indices = try doc.indices(try indexNode.int(), referencedBy: indexNode, vertexCount: count)
            try indexNode.check(indices.count % 3 == 0, "TRIANGLES need a multiple of 3 indices, got \(indices.count)")
        } else {
            try positionNode.check(count % 3 == 0, "non-indexed TRIANGLES need a multiple of 3 vertices, got \(count)")
            indices = (0..<UInt32(count)).map { $0 }
        }
        var uvs = (0..<count).map { i in uvValues.map { Float2($0[2 * i], $0[2 * i + 1]) } ?? Float2(0, 0) }
        var uvs1 = uv1Values.map { v in (0..<count).map { Float2(v[2 * $0], v[2 * $0 + 1]) } }
        var normals: [SIMD3<Float>]
        var tangentsIn = tangentValues.map { t in (0..<count).map { Float4(t[4 * $0], t[4 * $0 + 1], t[4 * $0 + 2], t[4 * $0 + 3]) } }

        if let nv = normalValues {
            normals = (0..<count).map { simdNormalizedOrNil(SIMD3(nv[3 * $0], nv[3 * $0 + 1], nv[3 * $0 + 2])) ?? SIMD3(0, 1, 0) }
        } else {
            // Flat normals need one vertex per triangle corner.
            let corners = indices.map(Int.init)
            positions = corners.map { positions[$0] }
            uvs = corners.map { uvs[$0] }
            uvs1 = uvs1.map { u in corners.map { u[$0] } }
            tangentsIn = tangentsIn.map { t in corners.map { t[$0] } }
            indices = (0..<UInt32(corners.count)).map { $0 }
            normals = []
            normals.reserveCapacity(corners.count)
            var k = 0
            while k + 2 < positions.count {
                let n = MeshNormals.face(positions[k], positions[k + 1], positions[k + 2]) ?? SIMD3(0, 1, 0)
                normals += [n, n, n]
                k += 3
            }
        }

        let tangents: [Float4]
        if let given = tangentsIn {
            tangents = zip(given, normals).map { t, n in
                let d = SIMD3(t.x, t.y, t.z)
                let o = simdNormalizedOrNil(d - n * simdDot(n, d)) ?? MeshTangents.orthonormalTangent(n)
                return Float4(o.x, o.y, o.z, t.w < 0 ? -1 : 1)
            }
        } else {
            tangents = MeshTangents.generate(positions: positions, normals: normals, uvs: uvs, indices: indices)
        }
        return Mesh(positions: positions.map(Float3.init), normals: normals.map(Float3.init), uvs: uvs,
                    tangents: tangents, indices: indices, uvs1: uvs1)
    }
}
