/// Solid (3D) gradient noise for MaterialX `noise3d` and `fractal3d`: a
/// function of the shading position rather than of uv, so a pattern runs
/// through an object instead of being wrapped onto its texture coordinate.
///
/// Perlin's improved noise: the lattice corner's gradient is one of the 12
/// cube-edge directions picked by `ProceduralMath.hash` (the integer hash the
/// 2D procedurals use, so CPU and GLSL agree bit for bit on the lattice),
/// quintic fade, scaled by 0.982 as MaterialX does so the result stays within
/// about [−1, 1]; 0 on every lattice point. The GLSL twin is
/// `lqGradientNoise3` / `lqFractalNoise3` in Shaders/include/layered_common.glsl.
enum SolidNoise {
    /// MaterialX's `mx_gradient_scale3d`: keeps 3D gradient noise within [−1, 1].
    static let scale: Float = 0.982
    /// The most octaves a `fractal3d` may ask for: later octaves are below float precision.
    static let maximumOctaves = 16

    @inline(__always) static func hash3(_ x: Int32, _ y: Int32, _ z: Int32, _ seed: UInt32) -> UInt32 {
        ProceduralMath.hash(UInt32(bitPattern: x) ^ ProceduralMath.hash(UInt32(bitPattern: y)
            ^ ProceduralMath.hash(UInt32(bitPattern: z) ^ ProceduralMath.hash(seed))))
    }

    /// Dot product of the offset (x, y, z) with the gradient chosen by the low 4 bits of `h`.
    @inline(__always) static func gradient(_ h: UInt32, _ x: Float, _ y: Float, _ z: Float) -> Float {
        let k = h & 15
        let u = k < 8 ? x : y
        let v = k < 4 ? y : (k == 12 || k == 14 ? x : z)
        return ((k & 1) == 0 ? u : -u) + ((k & 2) == 0 ? v : -v)
    }

    /// Signed gradient noise at p (one channel; `seed` picks the channel).
    @inline(__always) static func noise(_ p: Vec3, _ seed: UInt32) -> Float {
        let q = Vec3(ProceduralMath.safe(p.x), ProceduralMath.safe(p.y), ProceduralMath.safe(p.z))
        let fl = Vec3(q.x.rounded(.down), q.y.rounded(.down), q.z.rounded(.down))
        let ix = Int32(fl.x), iy = Int32(fl.y), iz = Int32(fl.z)
        let f = q - fl
        let u = f * f * f * (f * (f * 6 - 15) + 10)
        @inline(__always) func corner(_ dx: Int32, _ dy: Int32, _ dz: Int32) -> Float {
            gradient(hash3(ix &+ dx, iy &+ dy, iz &+ dz, seed), f.x - Float(dx), f.y - Float(dy), f.z - Float(dz))
        }
        let x00 = mix(corner(0, 0, 0), corner(1, 0, 0), u.x), x10 = mix(corner(0, 1, 0), corner(1, 1, 0), u.x)
        let x01 = mix(corner(0, 0, 1), corner(1, 0, 1), u.x), x11 = mix(corner(0, 1, 1), corner(1, 1, 1), u.x)
        return scale * mix(mix(x00, x10, u.y), mix(x01, x11, u.y), u.z)
    }

    /// MaterialX fractal noise: Σ over `octaves` of amplitude·noise(p), the
    /// amplitude × `diminish` and p × `lacunarity` after each octave
    /// (amplitude starts at 1). `channels` 1 gives the scalar in all four
    /// lanes; 2 or 3 give independent noises (seeds 0, 1, 2) in xy / xyz.
    @inline(__always) static func fractal(_ position: Vec3, octaves: Int32, lacunarity: Float, diminish: Float,
                                          channels: Int32) -> Vec4 {
        var sum = Vec4(), amplitude: Float = 1, p = position
        for _ in 0..<max(octaves, 0) {
            var n = Vec4()
            n.x = noise(p, 0)
            if channels >= 2 { n.y = noise(p, 1) }
            if channels >= 3 { n.z = noise(p, 2) }
            sum += amplitude * n
            amplitude *= diminish
            p *= lacunarity
        }
        return channels == 1 ? Vec4(repeating: sum.x) : sum
    }
}
