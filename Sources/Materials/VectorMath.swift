/// Small vector helpers shared by the lobes. Plain functions on SIMD values so
/// the hot path stays free of allocations and dynamic dispatch.
typealias Vec3 = SIMD3<Float>
typealias Vec2 = SIMD2<Float>
typealias Vec4 = SIMD4<Float>

@inline(__always) func dot3(_ a: Vec3, _ b: Vec3) -> Float { a.x * b.x + a.y * b.y + a.z * b.z }
@inline(__always) func length3(_ a: Vec3) -> Float { dot3(a, a).squareRoot() }
@inline(__always) func normalize3(_ a: Vec3) -> Vec3 {
    let l2 = dot3(a, a)
    return l2 > 0 ? a / l2.squareRoot() : Vec3(0, 0, 1)
}

/// Directions shorter than this are not directions (a zero vector plus rounding).
let minimumDirectionLength: Float = 1e-30

/// A direction that enters from outside (API callers, `lacquer bsdf` rows),
/// normalised, or nil when it is not one: a non-finite component or a length
/// below `minimumDirectionLength`. Callers turn nil into a zero contribution or
/// a failed sample, never into a substitute direction. Scaled by the largest
/// component first, so no finite vector underflows or overflows on the way.
/// Mirrored by `lqEnteringDirection` in layered_common.glsl.
@inline(__always) func enteringDirection(_ a: Vec3) -> Vec3? {
    guard a.x.isFinite, a.y.isFinite, a.z.isFinite else { return nil }
    let m = max(abs(a.x), max(abs(a.y), abs(a.z)))
    guard m > 0 else { return nil }
    let s = a / m
    let l = dot3(s, s).squareRoot()
    guard m * l >= minimumDirectionLength else { return nil }
    return s / l
}
@inline(__always) func cross3(_ a: Vec3, _ b: Vec3) -> Vec3 {
    Vec3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inline(__always) func reflect3(_ v: Vec3, about n: Vec3) -> Vec3 { 2 * dot3(v, n) * n - v }
@inline(__always) func clamp01(_ x: Float) -> Float { min(max(x, 0), 1) }
@inline(__always) func clamp01(_ x: Vec3) -> Vec3 { simd_clamp3(x, 0, 1) }
@inline(__always) func simd_clamp3(_ x: Vec3, _ lo: Float, _ hi: Float) -> Vec3 {
    Vec3(min(max(x.x, lo), hi), min(max(x.y, lo), hi), min(max(x.z, lo), hi))
}
@inline(__always) func mean3(_ c: Vec3) -> Float { (c.x + c.y + c.z) * (1.0 / 3.0) }
@inline(__always) func maxComponent3(_ c: Vec3) -> Float { max(c.x, max(c.y, c.z)) }
@inline(__always) func mix(_ a: Float, _ b: Float, _ t: Float) -> Float { a + (b - a) * t }
@inline(__always) func mix3(_ a: Vec3, _ b: Vec3, _ t: Float) -> Vec3 { a + (b - a) * t }
@inline(__always) func xyz(_ v: Vec4) -> Vec3 { Vec3(v.x, v.y, v.z) }
@inline(__always) func splat4(_ x: Float) -> Vec4 { Vec4(repeating: x) }
@inline(__always) func expVec(_ v: Vec3) -> Vec3 { Vec3(expf(v.x), expf(v.y), expf(v.z)) }
@inline(__always) func logVec(_ v: Vec3) -> Vec3 { Vec3(logf(v.x), logf(v.y), logf(v.z)) }

/// An orthonormal shading frame inside the geometric local frame.
struct ShadingFrame: Sendable {
    var t: Vec3
    var b: Vec3
    var n: Vec3
    static let identity = ShadingFrame(t: Vec3(1, 0, 0), b: Vec3(0, 1, 0), n: Vec3(0, 0, 1))
    init(t: Vec3, b: Vec3, n: Vec3) { self.t = t; self.b = b; self.n = n }

    /// Frame around a (tangent-space) normal, tangent = geometric x projected
    /// (Gram–Schmidt), rotated about n by the angle whose cos/sin are given.
    /// Mirrored by `lqMakeFrame` in layered_common.glsl.
    @inline(__always) static func make(normal: Vec3, cosRot: Float, sinRot: Float) -> ShadingFrame {
        let n = normalize3(normal)
        var t = Vec3(1, 0, 0) - n * n.x
        let l2 = dot3(t, t)
        t = l2 > 1e-12 ? t / l2.squareRoot() : Vec3(0, 1, 0)
        let b = cross3(n, t)
        return ShadingFrame(t: cosRot * t + sinRot * b, b: cosRot * b - sinRot * t, n: n)
    }
    @inline(__always) func toLocal(_ v: Vec3) -> Vec3 { Vec3(dot3(v, t), dot3(v, b), dot3(v, n)) }
    @inline(__always) func toWorld(_ v: Vec3) -> Vec3 { t * v.x + b * v.y + n * v.z }
}

/// PCG32 (O'Neill): the project's seeded random generator.
struct PCG32: Sendable {
    var state: UInt64
    var inc: UInt64
    init(seed: UInt64, stream: UInt64 = 0x853c49e6748fea9b) {
        state = 0
        inc = (stream << 1) | 1
        _ = nextUInt32()
        state &+= seed
        _ = nextUInt32()
    }
    @inline(__always) mutating func nextUInt32() -> UInt32 {
        let old = state
        state = old &* 6364136223846793005 &+ inc
        let xorshifted = UInt32(truncatingIfNeeded: ((old >> 18) ^ old) >> 27)
        let rot = UInt32(truncatingIfNeeded: old >> 59)
        return (xorshifted >> rot) | (xorshifted << ((~rot &+ 1) & 31))
    }
    /// Uniform in [0, 1).
    @inline(__always) mutating func nextFloat() -> Float { Float(nextUInt32() >> 8) * (1.0 / 16_777_216.0) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
