/// Helpers on `Mesh` that loaders and the renderer both need: bounds, baking
/// a transform into the vertices, merging, and a structural self-check.
extension Mesh {
    /// The axis-aligned bounding box of the positions, or nil for an empty mesh.
    public var bounds: (min: Float3, max: Float3)? {
        guard let first = positions.first else { return nil }
        var lo = first.simd, hi = first.simd
        for p in positions { lo = pointwiseMin(lo, p.simd); hi = pointwiseMax(hi, p.simd) }
        return (Float3(lo), Float3(hi))
    }

    /// The mesh with `transform` baked in: positions as points, normals by the
    /// inverse transpose, tangents by the linear part. A mirroring transform
    /// (negative determinant) reverses triangle order and the tangent sign so
    /// winding stays CCW-outward and the bitangent stays consistent.
    public func transformed(by transform: Transform) -> Mesh {
        if transform == .identity { return self }
        let mirror = transform.determinant < 0
        let p = positions.map { Float3(transform.apply(point: $0.simd)) }
        let n = normals.map { Float3(simdNormalizedOrNil(transform.apply(normal: $0.simd)) ?? SIMD3(0, 1, 0)) }
        var t = [Float4]()
        t.reserveCapacity(tangents.count)
        for (i, tan) in tangents.enumerated() {
            var d = simdNormalizedOrNil(transform.apply(vector: SIMD3(tan.x, tan.y, tan.z)))
                ?? MeshTangents.orthonormalTangent(n[i].simd)
            // Re-orthogonalise: a non-uniform scale bends tangent and normal differently.
            let ni = n[i].simd
            d = simdNormalizedOrNil(d - ni * simdDot(ni, d)) ?? MeshTangents.orthonormalTangent(ni)
            t.append(Float4(d.x, d.y, d.z, mirror ? -tan.w : tan.w))
        }
        var idx = indices
        if mirror {
            var k = 0
            while k + 2 < idx.count { idx.swapAt(k + 1, k + 2); k += 3 }
        }
        return Mesh(positions: p, normals: n, uvs: uvs, tangents: t, indices: idx, uvs1: uvs1)
    }

    /// Appends `other`'s vertices and (offset) triangles. The result has a
    /// second uv set when either part has one (the other part's set 0 fills in).
    public mutating func append(_ other: Mesh) {
        let base = UInt32(clamping: positions.count)
        if uvs1 != nil || other.uvs1 != nil { uvs1 = secondUVs + other.secondUVs }
        positions += other.positions
        normals += other.normals
        uvs += other.uvs
        tangents += other.tangents
        indices += other.indices.map { $0 &+ base }
    }

    /// A description of the first structural problem (attribute counts,
    /// index range, non-finite values, unnormalised normals), or nil when the
    /// mesh is well formed. Loaders check this before returning a mesh.
    public var validationProblem: String? {
        let n = positions.count
        if normals.count != n || uvs.count != n || tangents.count != n || secondUVs.count != n {
            return "attribute counts differ (positions \(n), normals \(normals.count), uvs \(uvs.count), "
                + "second uvs \(secondUVs.count), tangents \(tangents.count))"
        }
        if indices.count % 3 != 0 { return "index count \(indices.count) is not a multiple of 3" }
        if indices.isEmpty { return "no triangles" }
        if n > Int(UInt32.max) { return "too many vertices (\(n))" }
        if let bad = indices.first(where: { Int($0) >= n }) { return "index \(bad) out of range (\(n) vertices)" }
        if !positions.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) { return "non-finite vertex position" }
        if !uvs.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) { return "non-finite texture coordinate" }
        if !secondUVs.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) { return "non-finite texture coordinate (set 1)" }
        for v in normals where abs(simdLength(v.simd) - 1) > 1e-3 { return "normal \(v) is not unit length" }
        for v in tangents where abs(simdLength(SIMD3(v.x, v.y, v.z)) - 1) > 1e-3 || abs(v.w) != 1 {
            return "tangent \(v) is not unit length with w = ±1"
        }
        return nil
    }
}
