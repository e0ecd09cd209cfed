/// The analytic sampling distribution's parameters after the warps, or — in
/// backward passes — the gradient of a loss with respect to each of them.
public struct MixtureParameters<T: NMReal>: Equatable, Sendable {
    public var alphaX: T
    public var alphaY: T
    /// Correlation of the slope distribution, in (−1, 1).
    public var rho: T
    /// Mean slope of the GGX lobe (non-centred).
    public var specularMean: SIMD2<T>
    /// Mean slope of the cosine lobe's axis: axis = normalize(−μd.x, −μd.y, 1).
    public var diffuseMean: SIMD2<T>
    public var specularWeight: T
    public var diffuseWeight: T

    public init(alphaX: T, alphaY: T, rho: T, specularMean: SIMD2<T>, diffuseMean: SIMD2<T>, specularWeight: T, diffuseWeight: T) {
        self.alphaX = alphaX; self.alphaY = alphaY; self.rho = rho
        self.specularMean = specularMean; self.diffuseMean = diffuseMean
        self.specularWeight = specularWeight; self.diffuseWeight = diffuseWeight
    }

    public static var zero: MixtureParameters {
        MixtureParameters(alphaX: 0, alphaY: 0, rho: 0, specularMean: .zero, diffuseMean: .zero, specularWeight: 0, diffuseWeight: 0)
    }

    /// Order of the 9 raw decoder outputs / 9 gradient slots.
    public var array: [T] {
        [alphaX, alphaY, rho, specularMean.x, specularMean.y, diffuseMean.x, diffuseMean.y, specularWeight, diffuseWeight]
    }
}

/// The published output warps of the sampling decoder (PAPER.md):
///
///     α  = 1e-4 + ½(1 + x/√(1+x²))   (αx, αy ∈ (1e-4, 1+1e-4))
///     ρ  = x/√(1+x²)                  (correlation ∈ (−1, 1))
///     μ  = x·√(1+x²)                  (slope means, ~x near 0, ~x|x| far out)
///     (w_spec, w_diff) = softmax(x₇, x₈)
///
/// Raw output order: [αx, αy, ρ, μs.x, μs.y, μd.x, μd.y, logit_spec, logit_diff].
/// The algebraic sigmoid x/√(1+x²) is used instead of tanh because it is
/// cheap on the GPU and its tails are polynomial, so gradients never vanish
/// as fast as tanh's.
public enum SamplerWarps {
    public static let minAlpha = 1e-4

    @inline(__always)
    public static func forward<T: NMReal>(_ x: UnsafePointer<T>) -> MixtureParameters<T> {
        @inline(__always) func sig(_ v: T) -> T { v / T.nmSqrt(1 + v * v) }
        @inline(__always) func alpha(_ v: T) -> T { T(minAlpha) + T(0.5) * (1 + sig(v)) }
        @inline(__always) func mean(_ v: T) -> T { v * T.nmSqrt(1 + v * v) }
        let m = max(x[7], x[8])
        let e0 = T.nmExp(x[7] - m), e1 = T.nmExp(x[8] - m)
        let s = e0 + e1
        return MixtureParameters(alphaX: alpha(x[0]), alphaY: alpha(x[1]), rho: sig(x[2]),
                                 specularMean: SIMD2(mean(x[3]), mean(x[4])),
                                 diffuseMean: SIMD2(mean(x[5]), mean(x[6])),
                                 specularWeight: e0 / s, diffuseWeight: e1 / s)
    }

    public static func forward<T: NMReal>(_ x: [T]) -> MixtureParameters<T> {
        precondition(x.count == 9)
        return x.withUnsafeBufferPointer { forward($0.baseAddress!) }
    }

    /// dL/draw (9) from dL/dparameters; writes `dRaw`.
    @inline(__always)
    public static func backward<T: NMReal>(_ x: UnsafePointer<T>, _ g: MixtureParameters<T>, dRaw: UnsafeMutablePointer<T>) {
        @inline(__always) func dsig(_ v: T) -> T { let q = 1 + v * v; return 1 / (q * T.nmSqrt(q)) }
        @inline(__always) func dmean(_ v: T) -> T { let q = 1 + v * v; return (1 + 2 * v * v) / T.nmSqrt(q) }
        dRaw[0] = g.alphaX * T(0.5) * dsig(x[0])
        dRaw[1] = g.alphaY * T(0.5) * dsig(x[1])
        dRaw[2] = g.rho * dsig(x[2])
        dRaw[3] = g.specularMean.x * dmean(x[3])
        dRaw[4] = g.specularMean.y * dmean(x[4])
        dRaw[5] = g.diffuseMean.x * dmean(x[5])
        dRaw[6] = g.diffuseMean.y * dmean(x[6])
        let m = max(x[7], x[8])
        let e0 = T.nmExp(x[7] - m), e1 = T.nmExp(x[8] - m)
        let w0 = e0 / (e0 + e1), w1 = e1 / (e0 + e1)
        let avg = w0 * g.specularWeight + w1 * g.diffuseWeight
        dRaw[7] = w0 * (g.specularWeight - avg)
        dRaw[8] = w1 * (g.diffuseWeight - avg)
    }

    public static func backward<T: NMReal>(_ x: [T], _ g: MixtureParameters<T>) -> [T] {
        var out = [T](repeating: 0, count: 9)
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { backward(xp.baseAddress!, g, dRaw: $0.baseAddress!) } }
        return out
    }
}
