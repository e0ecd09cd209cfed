/// Per-vertex tangents from texture coordinates.
///
/// Convention (shared with glTF and MikkTSpace as used by Blender's glTF
/// exporter): uv (0,0) is the top-left of the image and v grows downwards
/// (Vulkan/glTF); `tangent.xyz` points along +u and the bitangent
/// `w · cross(normal, tangent)` points towards decreasing v, i.e. "up" in the
/// image, so OpenGL-style (+Y up) tangent-space normal maps work unchanged
/// and glTF TANGENT attributes can be used verbatim.
///
/// Method: each triangle's ∂p/∂u and ∂p/∂v (unnormalised, which weights by
/// area) are accumulated on its vertices, then Gram–Schmidt-orthogonalised
/// against the vertex normal. When the uvs are degenerate (all zero, or
/// collinear) any orthonormal tangent is used, so the result is always a unit
/// vector perpendicular to the normal with w = ±1.
enum MeshTangents {
    static func generate(positions: [SIMD3<Float>], normals: [SIMD3<Float>], uvs: [Float2], indices: [UInt32]) -> [Float4] {
        let count = positions.count
        var tanU = [SIMD3<Float>](repeating: .zero, count: count)
        var tanV = [SIMD3<Float>](repeating: .zero, count: count)
        var t = 0
        while t + 2 < indices.count {
            let i0 = Int(indices[t]), i1 = Int(indices[t + 1]), i2 = Int(indices[t + 2])
            t += 3
            let e1 = positions[i1] - positions[i0], e2 = positions[i2] - positions[i0]
            let du1 = uvs[i1].x - uvs[i0].x, dv1 = uvs[i1].y - uvs[i0].y
            let du2 = uvs[i2].x - uvs[i0].x, dv2 = uvs[i2].y - uvs[i0].y
            let det = du1 * dv2 - du2 * dv1
            guard det != 0, det.isFinite else { continue }
            // Solve [e1 e2] = [dp/du dp/dv] · [[du1 du2],[dv1 dv2]]. Scaling by
            // |area in 3D| / |area in uv| is implicit: we keep the sign of det
            // and weight by the 3D area through the cross product magnitude.
            let r = 1 / det
            var su = (e1 * dv2 - e2 * dv1) * r
            var sv = (e2 * du1 - e1 * du2) * r
            let area = simdLength(simdCross(e1, e2))
            let scale = area / max(simdLength(su), 1e-30)
            su *= scale; sv *= scale
            guard su.x.isFinite, su.y.isFinite, su.z.isFinite, sv.x.isFinite, sv.y.isFinite, sv.z.isFinite else { continue }
            for i in [i0, i1, i2] { tanU[i] += su; tanV[i] += sv }
        }
        var result = [Float4]()
        result.reserveCapacity(count)
        for i in 0..<count {
            let n = simdNormalizedOrNil(normals[i]) ?? SIMD3(0, 1, 0)
            let tangent: SIMD3<Float>
            if let tt = simdNormalizedOrNil(tanU[i] - n * simdDot(n, tanU[i])) {
                tangent = tt
            } else if let fromV = simdNormalizedOrNil(tanV[i] - n * simdDot(n, tanV[i])) {
                // Only v varies: the tangent is perpendicular to ∂p/∂v with the
                // orientation that makes (t, "image up", n) right-handed.
                tangent = simdCross(-fromV, n)
            } else {
                tangent = orthonormalTangent(n)
            }
            // Bitangent must point towards decreasing v ("up" in the image).
            let up = -tanV[i]
            let w: Float = simdDot(simdCross(n, tangent), up) < 0 ? -1 : 1
            result.append(Float4(tangent.x, tangent.y, tangent.z, w))
        }
        return result
    }

    /// A unit vector perpendicular to unit `n`, continuous except on one
    /// half-plane (Duff et al. 2017, "Building an Orthonormal Basis, Revisited").
    static func orthonormalTangent(_ n: SIMD3<Float>) -> SIMD3<Float> {
        let sign: Float = n.z >= 0 ? 1 : -1
        let a = -1 / (sign + n.z)
        let b = n.x * n.y * a
        return SIMD3(1 + sign * n.x * n.x * a, sign * b, -sign * n.x)
    }
}
