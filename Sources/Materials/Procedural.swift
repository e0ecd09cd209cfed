import CTrainingKernels

/// Texture-coordinate placement: uv' = R(rotation)·(uv ⊙ scale) + offset
/// (rotation in degrees, counter-clockwise). Used by images and procedurals.
public struct UVTransform: Sendable, Equatable {
    public var scale = SIMD2<Float>(1, 1)
    public var offset = SIMD2<Float>(0, 0)
    public var rotationDegrees: Float = 0 {
        didSet { (cosR, sinR) = Self.rotation(rotationDegrees) }
    }
    /// cos and sin of the rotation, kept with it: placements are applied once
    /// per input per shading point (four times for a bump), and the baker
    /// evaluates millions of shading points.
    private(set) var cosR: Float = 1
    private(set) var sinR: Float = 0
    public init(scale: SIMD2<Float> = SIMD2(1, 1), offset: SIMD2<Float> = SIMD2(0, 0), rotationDegrees: Float = 0) {
        self.scale = scale
        self.offset = offset
        self.rotationDegrees = rotationDegrees
        (cosR, sinR) = Self.rotation(rotationDegrees)
    }
    private static func rotation(_ degrees: Float) -> (Float, Float) {
        (cosf(degrees * Float.pi / 180), sinf(degrees * Float.pi / 180))
    }
    @inline(__always) func apply(_ uv: Vec2, _ c: Float, _ s: Float) -> Vec2 {
        let q = uv * scale
        return Vec2(c * q.x - s * q.y, s * q.x + c * q.y) + offset
    }
}

public enum ProceduralKind: Int32, Sendable {
    case fbm = 0, voronoiValue, voronoiDistance, flakeNormal, brushed, wood, checker, gradientNoise
}

/// A procedural texture evaluated inline (CPU here, generated GLSL on the GPU,
/// with the same integer hash so both agree up to float rounding; cell and
/// checker boundaries are the documented exceptions). Output: a scalar in all
/// four channels, or (flakeNormal) a unit tangent-space normal in xyz.
/// - fbm: value noise (quintic fade) summed over `octaves`, frequency × lacunarity,
///   amplitude × gain per octave, normalised to [0, 1].
/// - voronoiValue / voronoiDistance / flakeNormal: jittered grid cells (jitter in
///   [0,1]); the nearest feature point's random value, its distance, or a
///   normal tilted by tilt·√ξ₁ degrees at azimuth 2πξ₂.
/// - brushed: fbm of (x / stretch, y): streaks along u.
/// - wood: rings 0.5 − 0.5 cos(2π·frequency·|p + distortion·(fbm(2p) − ½)|).
/// - checker: (⌊x⌋ + ⌊y⌋) mod 2.
/// - gradientNoise: signed 2D gradient (Perlin-style) noise in about [−1, 1],
///   0 on the integer lattice; gradients (±1, ±1), (±1, 0), (0, ±1) picked by
///   the hash, quintic fade (MaterialX `noise2d`).
public struct Procedural: Sendable, Equatable {
    public var kind: ProceduralKind
    public var uv = UVTransform()
    public var octaves: Int32 = 4
    public var lacunarity: Float = 2
    public var gain: Float = 0.5
    public var jitter: Float = 1
    public var stretch: Float = 50
    public var frequency: Float = 8
    public var distortion: Float = 0.2
    public var tilt: Float = 20
    public var seed: UInt32 = 0
    public init(kind: ProceduralKind) { self.kind = kind }

    @inline(__always) func evaluate(_ uvIn: Vec2) -> Vec4 {
        let p = uv.apply(uvIn, uv.cosR, uv.sinR)
        return ProceduralMath.evaluate(self, p)
    }

    /// The first channel at four points, each exactly `evaluate(uv).x`: a
    /// bump's four central-difference samples. For value-noise kinds the four
    /// points go through one fBm kernel call (four points × four octaves per
    /// vector).
    @inline(__always) func evaluateX4(_ a: Vec2, _ b: Vec2, _ c: Vec2, _ d: Vec2) -> SIMD4<Float> {
        let (cr, sr) = (uv.cosR, uv.sinR)
        let p = (uv.apply(a, cr, sr), uv.apply(b, cr, sr), uv.apply(c, cr, sr), uv.apply(d, cr, sr))
        switch kind {
        case .fbm:
            return ProceduralMath.fbm4(p, octaves, lacunarity, gain, seed)
        case .brushed:
            let b = { ProceduralMath.brushedPoint($0, self) }
            return ProceduralMath.fbm4((b(p.0), b(p.1), b(p.2), b(p.3)), octaves, lacunarity, gain, seed)
        case .wood:
            let w = ProceduralMath.woodNoise
            let n = ProceduralMath.fbm4((p.0 * 2, p.1 * 2, p.2 * 2, p.3 * 2), w.octaves, w.lacunarity, w.gain, seed)
            return SIMD4(ProceduralMath.woodRings(p.0, n[0], self), ProceduralMath.woodRings(p.1, n[1], self),
                         ProceduralMath.woodRings(p.2, n[2], self), ProceduralMath.woodRings(p.3, n[3], self))
        case .voronoiValue, .voronoiDistance:
            let v = ProceduralMath.voronoi4(p, jitter, seed)
            if kind == .voronoiDistance {
                return SIMD4(v.distanceSquared[0].squareRoot(), v.distanceSquared[1].squareRoot(),
                             v.distanceSquared[2].squareRoot(), v.distanceSquared[3].squareRoot())
            }
            let value = { ProceduralMath.cellValue(v.cells[2 * $0], v.cells[2 * $0 + 1], seed) }
            return SIMD4(value(0), value(1), value(2), value(3))
        default:
            return SIMD4(ProceduralMath.evaluate(self, p.0).x, ProceduralMath.evaluate(self, p.1).x,
                         ProceduralMath.evaluate(self, p.2).x, ProceduralMath.evaluate(self, p.3).x)
        }
    }
}

enum ProceduralMath {
    @inline(__always) static func hash(_ v: UInt32) -> UInt32 {
        let state = v &* 747796405 &+ 2891336453
        let word = ((state >> ((state >> 28) &+ 4)) ^ state) &* 277803737
        return (word >> 22) ^ word
    }
    @inline(__always) static func hash2(_ x: Int32, _ y: Int32, _ seed: UInt32) -> UInt32 {
        hash(UInt32(bitPattern: x) ^ hash(UInt32(bitPattern: y) ^ hash(seed)))
    }
    @inline(__always) static func unit(_ h: UInt32) -> Float { Float(h >> 8) * (1.0 / 16_777_216.0) }
    /// Clamps a procedural coordinate to ±1e6 (NaN → 0) so integer cells never trap.
    @inline(__always) static func safe(_ x: Float) -> Float { x.isNaN ? 0 : min(max(x, -1e6), 1e6) }
    @inline(__always) static func cell(_ x: Float) -> Int32 { Int32(safe(x).rounded(.down)) }

    /// `fbm` at four points: a bump's central-difference samples.
    @inline(__always) static func fbm4(_ p: (Vec2, Vec2, Vec2, Vec2), _ octaves: Int32, _ lac: Float, _ gain: Float,
                                       _ seed: UInt32) -> SIMD4<Float> {
        var out = SIMD4<Float>()
        withUnsafeBytes(of: p) { xy in
            withUnsafeMutableBytes(of: &out) { o in
                lq_fbm(xy.baseAddress!.assumingMemoryBound(to: Float.self), 4, octaves, lac, gain, seed,
                       o.baseAddress!.assumingMemoryBound(to: Float.self))
            }
        }
        return out
    }

    /// The brushed procedural's noise coordinate: streaks along u.
    @inline(__always) static func brushedPoint(_ p: Vec2, _ s: Procedural) -> Vec2 {
        Vec2(p.x / max(s.stretch, 1e-3), p.y)
    }

    /// The wood procedural's distortion noise: fbm at 2p with these settings.
    static let woodNoise: (octaves: Int32, lacunarity: Float, gain: Float) = (3, 2, 0.5)

    /// The wood procedural's rings at p, given its fbm n at 2p.
    @inline(__always) static func woodRings(_ p: Vec2, _ n: Float, _ s: Procedural) -> Float {
        let q = p + Vec2(repeating: s.distortion * (n - 0.5))
        let r = (q.x * q.x + q.y * q.y).squareRoot()
        return 0.5 - 0.5 * cosf(2 * Float.pi * s.frequency * r)
    }

    /// Signed gradient noise: the corner gradient is one of 8 directions chosen by the hash.
    @inline(__always) static func gradientNoise(_ p: Vec2, _ seed: UInt32) -> Float {
        let q = Vec2(safe(p.x), safe(p.y))
        let fl = Vec2(q.x.rounded(.down), q.y.rounded(.down))
        let ix = Int32(fl.x), iy = Int32(fl.y)
        let f = q - fl
        let u = f * f * f * (f * (f * 6 - 15) + 10)
        @inline(__always) func corner(_ dx: Int32, _ dy: Int32) -> Float {
            let h = hash2(ix &+ dx, iy &+ dy, seed) & 7
            let x = f.x - Float(dx), y = f.y - Float(dy)
            switch h {
            case 0: return x + y
            case 1: return -x + y
            case 2: return x - y
            case 3: return -x - y
            case 4: return x
            case 5: return -x
            case 6: return y
            default: return -y
            }
        }
        return mix(mix(corner(0, 0), corner(1, 0), u.x), mix(corner(0, 1), corner(1, 1), u.x), u.y)
    }

    /// Value noise (quintic fade) summed over `octaves`: octave o at frequency
    /// lac^o (a running product), seed + o, amplitude gain^o, in octave order,
    /// divided by the sum of the amplitudes. Computed by `lq_fbm`
    /// (CTrainingKernels/ProceduralNoise.c: one vector lane per point and octave,
    /// the same bits on every instruction set).
    @inline(__always) static func fbm(_ p: Vec2, _ octaves: Int32, _ lac: Float, _ gain: Float, _ seed: UInt32) -> Float {
        var xy = p, out: Float = 0
        withUnsafeBytes(of: &xy) { lq_fbm($0.baseAddress!.assumingMemoryBound(to: Float.self), 1, octaves, lac, gain, seed, &out) }
        return out
    }

    /// (value, distance, cell x, cell y) of the nearest jittered feature point
    /// among the 3×3 cells around p's: feature point of cell (x, y) at
    /// (x + ½ + jitter·(h₁ − ½), y + ½ + jitter·(h₂ − ½)), the first strict
    /// minimum in row order (dy outer, dx inner). Found by `lq_voronoi`
    /// (CTrainingKernels/ProceduralNoise.c: one vector lane per cell, the same
    /// bits on every instruction set).
    @inline(__always) static func voronoi(_ p: Vec2, _ jitter: Float, _ seed: UInt32) -> (Float, Float, Int32, Int32) {
        var best: Float = 0
        var cell = SIMD2<Int32>()
        withUnsafeMutableBytes(of: &cell) { lq_voronoi(p.x, p.y, jitter, seed, &best, $0.baseAddress!.assumingMemoryBound(to: Int32.self)) }
        return (cellValue(cell.x, cell.y, seed), best.squareRoot(), cell.x, cell.y)
    }

    /// A Voronoi cell's random value in [0, 1) (voronoiValue's output).
    @inline(__always) static func cellValue(_ x: Int32, _ y: Int32, _ seed: UInt32) -> Float {
        unit(hash2(x, y, seed ^ 0x85EB_CA6B))
    }

    /// `voronoi`'s squared distances and cells at four points (`lq_voronoi4`:
    /// a bump's samples share their cells' hashes).
    @inline(__always) static func voronoi4(_ p: (Vec2, Vec2, Vec2, Vec2), _ jitter: Float, _ seed: UInt32)
        -> (distanceSquared: SIMD4<Float>, cells: SIMD8<Int32>) {
        var d2 = SIMD4<Float>(), cells = SIMD8<Int32>()
        withUnsafeBytes(of: p) { xy in
            withUnsafeMutableBytes(of: &d2) { d in
                withUnsafeMutableBytes(of: &cells) { c in
                    lq_voronoi4(xy.baseAddress!.assumingMemoryBound(to: Float.self), jitter, seed,
                                d.baseAddress!.assumingMemoryBound(to: Float.self), c.baseAddress!.assumingMemoryBound(to: Int32.self))
                }
            }
        }
        return (d2, cells)
    }

    @inline(__always) static func evaluate(_ s: Procedural, _ p: Vec2) -> Vec4 {
        switch s.kind {
        case .fbm:
            return splat4(fbm(p, s.octaves, s.lacunarity, s.gain, s.seed))
        case .voronoiValue:
            return splat4(voronoi(p, s.jitter, s.seed).0)
        case .voronoiDistance:
            return splat4(voronoi(p, s.jitter, s.seed).1)
        case .flakeNormal:
            let v = voronoi(p, s.jitter, s.seed)
            let h1 = unit(hash2(v.2, v.3, s.seed ^ 0x68E3_1DA4))
            let h2 = unit(hash2(v.2, v.3, s.seed ^ 0xB529_7A4D))
            let theta = s.tilt * (Float.pi / 180) * h1.squareRoot()
            let phi = 2 * Float.pi * h2
            let st = sinf(theta)
            return Vec4(st * cosf(phi), st * sinf(phi), cosf(theta), 0)
        case .brushed:
            return splat4(fbm(brushedPoint(p, s), s.octaves, s.lacunarity, s.gain, s.seed))
        case .wood:
            return splat4(woodRings(p, fbm(p * 2, woodNoise.octaves, woodNoise.lacunarity, woodNoise.gain, s.seed), s))
        case .checker:
            let c = (cell(p.x) &+ cell(p.y)) & 1
            return splat4(Float(c))
        case .gradientNoise:
            return splat4(gradientNoise(p, s.seed))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
