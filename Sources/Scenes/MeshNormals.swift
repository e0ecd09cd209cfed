/// Vertex normals for meshes whose source has none. Face normals are
/// accumulated unnormalised (so larger triangles weigh more, the usual
/// area weighting) and normalised per vertex.
enum MeshNormals {
    /// Smooth normals over shared vertices. A vertex touched only by
    /// degenerate triangles gets +y, so the result is always unit length.
    static func smooth(positions: [SIMD3<Float>], indices: [UInt32]) -> [SIMD3<Float>] {
        var sums = [SIMD3<Float>](repeating: .zero, count: positions.count)
        var t = 0
        while t + 2 < indices.count {
            let i0 = Int(indices[t]), i1 = Int(indices[t + 1]), i2 = Int(indices[t + 2])
            t += 3
            let n = simdCross(positions[i1] - positions[i0], positions[i2] - positions[i0])
            guard n.x.isFinite, n.y.isFinite, n.z.isFinite else { continue }
            sums[i0] += n; sums[i1] += n; sums[i2] += n
        }
        return sums.map { simdNormalizedOrNil($0) ?? SIMD3(0, 1, 0) }
    }

    /// The unit geometric normal of a triangle (CCW = front), or nil when degenerate.
    static func face(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>) -> SIMD3<Float>? {
        simdNormalizedOrNil(simdCross(b - a, c - a))
    }
}
