/// PCG32 (O'Neill, "PCG: a family of simple fast space-efficient statistically
/// good algorithms", XSH-RR variant, 64-bit state).
///
/// Every stochastic step in Lacquer is seeded so that the same seed on the same
/// device gives the same output (DESIGN.md). The GPU shaders use the same
/// generator, so a CPU oracle and a GPU kernel fed the same seed and stream draw
/// the same numbers.
public struct PCG32: Sendable, Equatable, Codable {
    public private(set) var state: UInt64
    public private(set) var increment: UInt64

    private static let multiplier: UInt64 = 6364136223846793005

    /// - Parameters:
    ///   - seed: initial state seed.
    ///   - stream: selects one of 2^63 independent sequences (e.g. thread index).
    public init(seed: UInt64, stream: UInt64 = 0xda3e39cb94b95bdb) {
        state = 0
        increment = (stream << 1) | 1
        _ = nextUInt32()
        state &+= seed
        _ = nextUInt32()
    }

    @inline(__always)
    public mutating func nextUInt32() -> UInt32 {
        let old = state
        state = old &* PCG32.multiplier &+ increment
        let xorShifted = UInt32(truncatingIfNeeded: ((old >> 18) ^ old) >> 27)
        let rot = UInt32(truncatingIfNeeded: old >> 59)
        return (xorShifted >> rot) | (xorShifted << ((~rot &+ 1) & 31))
    }

    /// Uniform in [0, 1) with 24 bits of precision: exactly representable in
    /// Float and never equal to 1, which the samplers rely on.
    @inline(__always)
    public mutating func nextFloat() -> Float {
        Float(nextUInt32() >> 8) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1) with 53 bits (tests, Monte Carlo references).
    @inline(__always)
    public mutating func nextDouble() -> Double {
        let hi = UInt64(nextUInt32()) << 21
        let lo = UInt64(nextUInt32() >> 11)
        return Double(hi | lo) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform integer in [0, bound) without modulo bias.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt32(truncatingIfNeeded: bound)
        let threshold = (~b &+ 1) % b
        while true {
            let r = nextUInt32()
            if r >= threshold { return Int(r % b) }
        }
    }

    /// Standard normal via Box–Muller (used for weight initialisation).
    public mutating func nextGaussian() -> Float {
        let u1 = max(nextDouble(), 1e-300)
        let u2 = nextDouble()
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }
}

import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
