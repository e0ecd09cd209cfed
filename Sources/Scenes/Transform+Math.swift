import Foundation

/// Construction, composition and application of affine `Transform`s. Kept next
/// to the model so the scene loader, the glTF node hierarchy and the renderer
/// share one convention: `(a * b)` applies `b` first, then `a`.
extension Transform {
    /// From three row vectors of the linear part and a translation column.
    public init(linear r0: SIMD3<Float>, _ r1: SIMD3<Float>, _ r2: SIMD3<Float>, translation t: SIMD3<Float> = .zero) {
        self.init(rows: (SIMD4(r0, t.x), SIMD4(r1, t.y), SIMD4(r2, t.z)))
    }

    public static func translation(_ t: Float3) -> Transform {
        Transform(linear: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1), translation: t.simd)
    }

    public static func scaling(_ s: Float3) -> Transform {
        Transform(linear: SIMD3(s.x, 0, 0), SIMD3(0, s.y, 0), SIMD3(0, 0, s.z))
    }

    /// Right-handed rotation by `degrees` about +x.
    public static func rotationX(degrees: Float) -> Transform {
        let (s, c) = sinCos(degrees)
        return Transform(linear: SIMD3(1, 0, 0), SIMD3(0, c, -s), SIMD3(0, s, c))
    }

    public static func rotationY(degrees: Float) -> Transform {
        let (s, c) = sinCos(degrees)
        return Transform(linear: SIMD3(c, 0, s), SIMD3(0, 1, 0), SIMD3(-s, 0, c))
    }

    public static func rotationZ(degrees: Float) -> Transform {
        let (s, c) = sinCos(degrees)
        return Transform(linear: SIMD3(c, -s, 0), SIMD3(s, c, 0), SIMD3(0, 0, 1))
    }

    /// Rotation by a unit quaternion (x, y, z, w) — glTF's convention. The
    /// quaternion is normalised first; a zero quaternion gives the identity.
    public static func rotation(quaternion q: Float4) -> Transform {
        let n = (q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w).squareRoot()
        guard n > 0, n.isFinite else { return .identity }
        let x = q.x / n, y = q.y / n, z = q.z / n, w = q.w / n
        return Transform(
            linear: SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)),
            SIMD3(2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)),
            SIMD3(2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)))
    }

    /// Exact for multiples of 90°, so axis-aligned rotations stay axis-aligned.
    private static func sinCos(_ degrees: Float) -> (Float, Float) {
        let d = Double(degrees).truncatingRemainder(dividingBy: 360)
        switch d {
        case 0: return (0, 1)
        case 90, -270: return (1, 0)
        case 180, -180: return (0, -1)
        case 270, -90: return (-1, 0)
        default:
            let r = d * .pi / 180
            return (Float(sin(r)), Float(cos(r)))
        }
    }

    /// Element (row, column) of the 3×4 matrix.
    public subscript(row: Int, column: Int) -> Float {
        switch row {
        case 0: return rows.0[column]
        case 1: return rows.1[column]
        default: return rows.2[column]
        }
    }

    /// The 3×3 linear part as rows.
    public var linearRows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>) {
        (SIMD3(rows.0.x, rows.0.y, rows.0.z), SIMD3(rows.1.x, rows.1.y, rows.1.z), SIMD3(rows.2.x, rows.2.y, rows.2.z))
    }

    public var translationPart: SIMD3<Float> { SIMD3(rows.0.w, rows.1.w, rows.2.w) }

    /// Composition: `(a * b).apply(point: p) == a.apply(point: b.apply(point: p))`.
    public static func * (a: Transform, b: Transform) -> Transform {
        func row(_ r: SIMD4<Float>) -> SIMD4<Float> {
            r.x * b.rows.0 + r.y * b.rows.1 + r.z * b.rows.2 + SIMD4(0, 0, 0, r.w)
        }
        return Transform(rows: (row(a.rows.0), row(a.rows.1), row(a.rows.2)))
    }

    /// Determinant of the linear part; negative means the transform mirrors
    /// (and flips triangle winding).
    public var determinant: Float {
        let (a, b, c) = linearRows
        return simdDot(a, simdCross(b, c))
    }

    /// The inverse, or nil when the linear part is singular.
    public var inverse: Transform? {
        let (r0, r1, r2) = linearRows
        let det = simdDot(r0, simdCross(r1, r2))
        guard det != 0, det.isFinite else { return nil }
        // Inverse of a 3×3 by cofactors: columns of the inverse are the
        // cross products of the rows, divided by the determinant.
        let c0 = simdCross(r1, r2) / det, c1 = simdCross(r2, r0) / det, c2 = simdCross(r0, r1) / det
        let i0 = SIMD3(c0.x, c1.x, c2.x), i1 = SIMD3(c0.y, c1.y, c2.y), i2 = SIMD3(c0.z, c1.z, c2.z)
        let t = translationPart
        let it = -SIMD3(simdDot(i0, t), simdDot(i1, t), simdDot(i2, t))
        return Transform(linear: i0, i1, i2, translation: it)
    }

    public func apply(point p: SIMD3<Float>) -> SIMD3<Float> {
        let (a, b, c) = linearRows
        return SIMD3(simdDot(a, p), simdDot(b, p), simdDot(c, p)) + translationPart
    }

    /// Applies the linear part only (directions, tangents).
    public func apply(vector v: SIMD3<Float>) -> SIMD3<Float> {
        let (a, b, c) = linearRows
        return SIMD3(simdDot(a, v), simdDot(b, v), simdDot(c, v))
    }

    /// Transforms a normal by the inverse transpose of the linear part, so it
    /// stays perpendicular to transformed surfaces and keeps pointing outward
    /// under mirroring. Computed from the cofactor matrix (no division, works
    /// for tiny scales); the result is not normalised.
    public func apply(normal n: SIMD3<Float>) -> SIMD3<Float> {
        let (r0, r1, r2) = linearRows
        // Rows of the cofactor matrix are the cross products of row pairs;
        // cof · n = det · M^{-T} n, so multiply by sign(det).
        let c0 = simdCross(r1, r2), c1 = simdCross(r2, r0), c2 = simdCross(r0, r1)
        let s: Float = simdDot(r0, c0) < 0 ? -1 : 1
        return s * SIMD3(simdDot(c0, n), simdDot(c1, n), simdDot(c2, n))
    }

    /// True when every element is finite.
    public var isFinite: Bool { floats.allSatisfy(\.isFinite) }
}

@inline(__always) func simdDot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }

@inline(__always) func simdCross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always) func simdLength(_ a: SIMD3<Float>) -> Float { simdDot(a, a).squareRoot() }

/// `a / |a|`, or nil for zero, tiny or non-finite vectors.
@inline(__always) func simdNormalizedOrNil(_ a: SIMD3<Float>) -> SIMD3<Float>? {
    let l = simdLength(a)
    guard l > 1e-20, l.isFinite else { return nil }
    return a / l
}
