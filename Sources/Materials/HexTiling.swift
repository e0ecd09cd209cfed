#if canImport(Glibc)
import Glibc
#endif

/// MaterialX `<hextiledimage>`: one texture repeated over the surface without
/// visible repetition, by hex tiling (Mikkelsen, "Practical Real-Time
/// Hex-Tiling", JCGT 11(3), 2022 — the method MaterialX's own generators use).
/// The texture plane is covered by a triangle grid whose vertices are the
/// centres of hexagonal tiles; each tile reads the texture with its own random
/// rotation, scale and offset, and a point blends the three tiles of its
/// triangle by barycentric weights raised to the 7th power, biased towards the
/// brighter sample (`falloffContrast`) and sharpened or softened by Schlick's
/// gain (`falloff`; 0.5 leaves the weights as they are).
///
/// The per-tile random numbers come from Lacquer's integer hash of the tile id
/// (MaterialX hashes with floats), so the CPU and the generated GLSL pick the
/// same tiles; the pattern is MaterialX's in kind and statistics, not texel
/// for texel. Parameters are fixed per material (like an image's placement):
/// they are part of the generated code. `lqHexTiled` in layered_common.glsl
/// is the GPU side and must stay in step with `sample`.
public struct HexTiling: Sendable, Equatable {
    /// 0…1: how much of `rotationRange` the per-tile rotation spans.
    public var rotation: Float = 1
    /// Degrees.
    public var rotationRange = SIMD2<Float>(0, 360)
    /// 0…1: how much of `scaleRange` the per-tile scale spans.
    public var scale: Float = 1
    public var scaleRange = SIMD2<Float>(0.5, 2)
    /// 0…1: how much of `offsetRange` the per-tile offset spans.
    public var offset: Float = 1
    public var offsetRange = SIMD2<Float>(0, 1)
    public var falloff: Float = 0.5
    public var falloffContrast: Float = 0.5
    /// Luminance weights for the contrast bias (MaterialX's default: ACEScg's).
    public var lumaCoefficients = SIMD3<Float>(0.2722287, 0.6740818, 0.0536895)

    public init() {}

    /// Seeds of a tile's two random numbers (rotation and scale; both for the offset).
    static let seeds: (UInt32, UInt32) = (0x6865_7831, 0x6865_7832)
    /// 2√3: tiles about as large as one repeat of the texture.
    static let gridScale: Float = 3.4641016
    /// The smallest per-tile scale (a scale range through 0 would divide by 0).
    static let minimumTileScale: Float = 1e-3

    /// The blended texture value at `coord` (texture space, tiling applied).
    @inline(__always) func sample(_ texture: MaterialTexture, _ coord: Vec2) -> Vec4 {
        // Skew into the triangle grid; the fractional part gives the triangle
        // (lower or upper half of the cell) and the barycentric weights.
        let st = coord * Self.gridScale
        let sx = ProceduralMath.safe(st.x - 0.57735027 * st.y), sy = ProceduralMath.safe(1.15470054 * st.y)
        let bx = Int32(sx.rounded(.down)), by = Int32(sy.rounded(.down))
        let fx = sx - Float(bx), fy = sy - Float(by)
        let z = 1 - fx - fy
        let upper: Int32 = z <= 0 ? 1 : 0
        let s = Float(upper), sign: Float = upper == 1 ? 1 : -1
        let bary = SIMD3<Float>(-z * sign, s - fy * sign, s - fx * sign)
        let c1 = tile(texture, coord, bx + upper, by + upper)
        let c2 = tile(texture, coord, bx + upper, by + 1 - upper)
        let c3 = tile(texture, coord, bx + 1 - upper, by + upper)
        let luma = SIMD3<Float>(dot3(xyz(c1), lumaCoefficients), dot3(xyz(c2), lumaCoefficients), dot3(xyz(c3), lumaCoefficients))
        let bias = SIMD3<Float>(1, 1, 1) + (luma - SIMD3<Float>(1, 1, 1)) * falloffContrast
        let b2 = bary * bary, b4 = b2 * b2
        var w = Self.normalized(bias * b4 * b2 * bary, fallback: b4 * b2 * bary)
        var alpha = (c1.w + c2.w + c3.w) / 3
        if falloff != 0.5 {
            let g = SIMD3<Float>(Self.gain(w.x, falloff), Self.gain(w.y, falloff), Self.gain(w.z, falloff))
            w = Self.normalized(g, fallback: w)
            alpha = Self.gain(min(max(alpha, 0), 1), falloff)
        }
        let rgb = xyz(c1) * w.x + xyz(c2) * w.y + xyz(c3) * w.z
        return Vec4(rgb.x, rgb.y, rgb.z, alpha)
    }

    /// The texture as tile (ix, iy) shows it at `coord`: rotated about the
    /// tile centre, scaled and offset by the tile's random numbers.
    @inline(__always) func tile(_ texture: MaterialTexture, _ coord: Vec2, _ ix: Int32, _ iy: Int32) -> Vec4 {
        let centre = Vec2(Float(ix) + 0.5 * Float(iy), 0.8660254 * Float(iy)) / Self.gridScale
        let r = Vec2(ProceduralMath.unit(ProceduralMath.hash2(ix, iy, Self.seeds.0)),
                     ProceduralMath.unit(ProceduralMath.hash2(ix, iy, Self.seeds.1)))
        let angle = (rotationRange.x + (rotationRange.y - rotationRange.x) * (r.x * rotation)) * (Float.pi / 180)
        let c = cosf(angle), sn = sinf(angle)
        let k = max(1 + (scaleRange.x + (scaleRange.y - scaleRange.x) * r.y - 1) * scale, Self.minimumTileScale)
        let shift = Vec2(repeating: offsetRange.x) + Vec2(repeating: offsetRange.y - offsetRange.x) * (r * offset)
        let d = coord - centre
        return texture.sample(Vec2(c * d.x - sn * d.y, sn * d.x + c * d.y) / k + centre + shift)
    }

    /// w / Σw, or `fallback` normalised where Σw is not positive (a black
    /// texture at full contrast bias would otherwise divide 0 by 0).
    @inline(__always) static func normalized(_ w: SIMD3<Float>, fallback: SIMD3<Float>) -> SIMD3<Float> {
        let sum = w.x + w.y + w.z
        if sum > 1e-30 { return w / sum }
        let f = fallback.x + fallback.y + fallback.z
        return f > 1e-30 ? fallback / f : SIMD3<Float>(1, 1, 1) / 3
    }

    /// Schlick's gain (Graphics Gems IV): an S-curve on [0, 1] with gain(0.5) = 0.5.
    @inline(__always) static func gain(_ x: Float, _ r: Float) -> Float {
        let rr = min(max(r, 0.001), 0.999)
        let a = (1 / rr - 2) * (1 - 2 * x)
        return x < 0.5 ? x / (a + 1) : (a - x) / (a - 1)
    }
}
