import CTrainingKernels
import Foundation

/// The scalar type the differentiable building blocks are written over.
///
/// The frame layer, the sampler warps, the mixture pdf and the losses are
/// generic so that the *same source* runs in `Float` (training, inference) and
/// in `Double` (finite-difference gradient checks in the tests). A bug cannot
/// hide in a float64 re-implementation because there is none.
public protocol NMReal: BinaryFloatingPoint, SIMDScalar, Sendable, Codable where Self.RawSignificand: FixedWidthInteger,
    Self.SIMD2Storage: Sendable, Self.SIMD4Storage: Sendable {
    static func nmSqrt(_ x: Self) -> Self
    static func nmExp(_ x: Self) -> Self
    static func nmLog(_ x: Self) -> Self
    /// The training kernels' logarithm where a feature must equal them bit
    /// for bit (`lq_log_scalar`); `nmLog` in Double, the gradient checks' type.
    static func nmKernelLog(_ x: Self) -> Self
    static func nmCos(_ x: Self) -> Self
    static func nmSin(_ x: Self) -> Self
}

extension Float: NMReal {
    @inline(__always) public static func nmSqrt(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always) public static func nmExp(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) public static func nmLog(_ x: Float) -> Float { Foundation.log(x) }
    @inline(__always) public static func nmKernelLog(_ x: Float) -> Float { lq_log_scalar(x) }
    @inline(__always) public static func nmCos(_ x: Float) -> Float { Foundation.cos(x) }
    @inline(__always) public static func nmSin(_ x: Float) -> Float { Foundation.sin(x) }
}

extension Double: NMReal {
    @inline(__always) public static func nmSqrt(_ x: Double) -> Double { x.squareRoot() }
    @inline(__always) public static func nmExp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) public static func nmLog(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) public static func nmKernelLog(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) public static func nmCos(_ x: Double) -> Double { Foundation.cos(x) }
    @inline(__always) public static func nmSin(_ x: Double) -> Double { Foundation.sin(x) }
}

@inline(__always) func dot3<T: NMReal>(_ a: SIMD3<T>, _ b: SIMD3<T>) -> T {
    a.x * b.x + a.y * b.y + a.z * b.z
}

@inline(__always) func cross3<T: NMReal>(_ a: SIMD3<T>, _ b: SIMD3<T>) -> SIMD3<T> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always) func length3<T: NMReal>(_ a: SIMD3<T>) -> T { T.nmSqrt(dot3(a, a)) }

/// Smallest squared length treated as non-degenerate when normalising. The
/// learned frames add a fixed axis to a raw vector, so a zero-length vector is
/// only reachable by an adversarial weight; clamping keeps it finite.
@inline(__always) func minSquaredLength<T: NMReal>() -> T { T(1e-12) }

@inline(__always) func normalize3<T: NMReal>(_ a: SIMD3<T>) -> SIMD3<T> {
    a / T.nmSqrt(max(dot3(a, a), minSquaredLength()))
}

/// Backward of y = v/|v|: dL/dv = (dy − (dy·y) y) / |v|.
@inline(__always) func normalize3Backward<T: NMReal>(_ v: SIMD3<T>, _ dy: SIMD3<T>) -> SIMD3<T> {
    let len = T.nmSqrt(max(dot3(v, v), minSquaredLength()))
    let y = v / len
    return (dy - dot3(dy, y) * y) / len
}

/// Converts between Float and any NMReal without spelling the generic cast out.
@inline(__always) func cast3<T: NMReal, U: NMReal>(_ v: SIMD3<T>, to: U.Type = U.self) -> SIMD3<U> {
    SIMD3(U(v.x), U(v.y), U(v.z))
}
