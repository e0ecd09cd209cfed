/// A glTF texture lookup's placement (KHR_texture_transform) as Lacquer's `UVTransform`.
///
/// glTF: uv' = offset + R·(scale ⊙ uv) with R = [[cos r, sin r], [−sin r, cos r]]
/// (u' = u cos r + v sin r, v' = v cos r − u sin r: the extension's GLSL read as
/// written, as Khronos' sample viewer and CesiumGltf do), and uv' addresses
/// the image with (0, 0) at its top-left. Lacquer's meshes keep glTF's uvs,
/// but its textures store the image's top row at v = 1 (`MaterialTexture`),
/// so the lookup is at (u', 1 − v'). With D = diag(1, −1) and D·R(−r) = R(r)·D
/// that is R(r)·(uv ⊙ (sx, −sy)) + (ox, 1 − oy): a `UVTransform` of scale
/// (sx, −sy), rotation r (counter-clockwise, degrees) and offset (ox, 1 − oy).
public struct GLTFTextureTransform: Sendable, Equatable {
    public var offset = SIMD2<Float>(0, 0)
    /// Radians.
    public var rotation: Float = 0
    public var scale = SIMD2<Float>(1, 1)

    public init(offset: SIMD2<Float> = SIMD2(0, 0), rotation: Float = 0, scale: SIMD2<Float> = SIMD2(1, 1)) {
        self.offset = offset
        self.rotation = rotation
        self.scale = scale
    }

    /// The glTF uv' for a mesh uv, as the extension defines it (top-left origin).
    public func gltfCoordinate(_ uv: SIMD2<Float>) -> SIMD2<Float> {
        let c = cosf(rotation), s = sinf(rotation)
        let q = uv * scale
        return SIMD2(c * q.x + s * q.y, c * q.y - s * q.x) + offset
    }

    /// The placement that samples a Lacquer texture (top row at v = 1) where
    /// glTF samples the image at `gltfCoordinate(uv)`.
    public var lacquerPlacement: UVTransform {
        UVTransform(scale: SIMD2(scale.x, -scale.y), offset: SIMD2(offset.x, 1 - offset.y),
                    rotationDegrees: rotation * 180 / Float.pi)
    }
}

#if canImport(Glibc)
import Glibc
#endif
