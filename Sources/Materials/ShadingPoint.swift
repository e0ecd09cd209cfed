/// Where on a surface an input program runs: the texture-coordinate sets and
/// the object-space position (solid textures). One value instead of three
/// arguments, so a new per-point input does not change every signature.
struct ShadingPoint {
    /// Texture-coordinate set 0 (glTF TEXCOORD_0, MaterialX `texcoord`).
    var uv: Vec2
    /// Texture-coordinate set 1 (glTF TEXCOORD_1), read by images with `uvSet` 1.
    var uv1: Vec2
    /// Object-space position, read by MaterialX `<position>`.
    var position: Vec3

    /// Non-finite coordinates read as 0 (as on the GPU). A missing second set is
    /// the first (callers that know one set only, such as the baker); a missing
    /// position is the UV plane (u, v, 0), the baker's convention for solid textures.
    @inline(__always) init(uv: Vec2, uv1: Vec2? = nil, position: Vec3? = nil) {
        let u = Vec2(ShadingPoint.finite(uv.x), ShadingPoint.finite(uv.y))
        self.uv = u
        self.uv1 = uv1.map { Vec2(ShadingPoint.finite($0.x), ShadingPoint.finite($0.y)) } ?? u
        self.position = position.map { Vec3(ShadingPoint.finite($0.x), ShadingPoint.finite($0.y), ShadingPoint.finite($0.z)) }
            ?? Vec3(u.x, u.y, 0)
    }

    @inline(__always) private static func finite(_ x: Float) -> Float { x.isFinite ? x : 0 }

    /// The point where constant folding runs (every varying input reads it).
    static let origin = ShadingPoint(uv: Vec2(0, 0), position: Vec3(0, 0, 0))
}
