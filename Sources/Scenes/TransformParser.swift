/// Parses an object's `transform`: either a 4×4 row-major `matrix` (last row
/// 0 0 0 1), or any of `translate`, `rotate` (degrees about x, y, z) and
/// `scale`, composed as M = T · Rz · Ry · Rx · S — scale first, then rotate
/// about x, then y, then z, then translate (the order most DCC tools export).
enum TransformParser {
    static func parse(_ node: JSONNode) throws -> Transform {
        let o = try node.object()
        try o.checkKeys(["translate", "rotate", "scale", "matrix"])
        let transform: Transform
        if let m = o.optional("matrix") {
            if let other = ["translate", "rotate", "scale"].first(where: { o.optional($0) != nil }) {
                throw node.error(.invalidValue, "give either \"matrix\" or translate/rotate/scale, not both (found \"\(other)\")")
            }
            transform = try matrix(m)
        } else {
            var t = Transform.identity
            if let s = o.optional("scale") {
                let v = try s.uniformOrFloat3()
                try s.check(v.x != 0 && v.y != 0 && v.z != 0, "scale must be non-zero on every axis (negative mirrors), got \(SceneParser.show(v))")
                t = .scaling(v)
            }
            if let r = o.optional("rotate") {
                let v = try r.float3()
                t = .rotationZ(degrees: v.z) * .rotationY(degrees: v.y) * .rotationX(degrees: v.x) * t
            }
            if let tr = o.optional("translate") { t = .translation(try tr.float3()) * t }
            transform = t
        }
        let det = transform.determinant
        try node.check(transform.isFinite && det.isFinite && abs(det) > 1e-12,
                       "transform is singular or not finite (determinant \(det)); it must be invertible")
        return transform
    }

    private static func matrix(_ node: JSONNode) throws -> Transform {
        let items = try node.array(count: 16)
        let v = try items.map { try $0.float() }
        let lastRow = Array(v[12..<16])
        try node.check(zip(lastRow, [0, 0, 0, 1] as [Float]).allSatisfy { abs($0 - $1) <= 1e-6 },
                       "matrix must be affine: its last row (elements 12…15, row-major) must be 0, 0, 0, 1, got \(lastRow)")
        return Transform(rows: (SIMD4(v[0], v[1], v[2], v[3]), SIMD4(v[4], v[5], v[6], v[7]), SIMD4(v[8], v[9], v[10], v[11])))
    }
}
