import Foundation

/// Mean and standard error of an image's pixels, for statistical render tests
/// (e.g. a furnace scene must render 1 within a few standard errors).
///
/// The standard error treats pixels as independent samples:
/// `sampleStdDev / sqrt(n)` with the n−1 estimator. It is NaN for fewer than
/// two pixels so that a threshold test on it fails rather than passes vacuously.
public struct ImageStatistics: Sendable, Equatable {
    /// Per-channel mean (R, G, B, A).
    public var mean: SIMD4<Double>
    /// Per-channel standard error of the mean.
    public var standardError: SIMD4<Double>
    /// Mean of the per-pixel RGB average.
    public var meanRGB: Double
    /// Standard error of `meanRGB`, from the per-pixel RGB averages.
    public var standardErrorRGB: Double
}

extension Image {
    /// Statistics over every pixel.
    public func statistics() -> ImageStatistics {
        var channels = [[Double]](repeating: [], count: 4)
        var rgb = [Double]()
        rgb.reserveCapacity(pixels.count)
        for c in 0..<4 { channels[c].reserveCapacity(pixels.count) }
        for p in pixels {
            for c in 0..<4 { channels[c].append(Double(p[c])) }
            rgb.append((Double(p.x) + Double(p.y) + Double(p.z)) / 3)
        }
        let perChannel = channels.map { meanAndStandardError($0) }
        let overall = meanAndStandardError(rgb)
        return ImageStatistics(
            mean: SIMD4(perChannel[0].mean, perChannel[1].mean, perChannel[2].mean, perChannel[3].mean),
            standardError: SIMD4(perChannel[0].standardError, perChannel[1].standardError,
                                 perChannel[2].standardError, perChannel[3].standardError),
            meanRGB: overall.mean, standardErrorRGB: overall.standardError)
    }

    /// Per-channel mean (R, G, B, A), summed in Double.
    public var mean: SIMD4<Double> {
        guard !pixels.isEmpty else { return SIMD4(repeating: .nan) }
        var sum = SIMD4<Double>.zero
        for p in pixels { sum += SIMD4<Double>(Double(p.x), Double(p.y), Double(p.z), Double(p.w)) }
        return sum / Double(pixels.count)
    }

    /// Mean of R, G and B over all pixels.
    public var meanRGB: Double {
        let m = mean
        return (m.x + m.y + m.z) / 3
    }
}

/// Mean and standard error of the mean (n−1 estimator; NaN when n < 2).
public func meanAndStandardError<S: Sequence>(_ values: S) -> (mean: Double, standardError: Double)
where S.Element == Double {
    // Welford's update: stable for the millions of samples a render produces.
    var count = 0.0, mean = 0.0, m2 = 0.0
    for v in values {
        count += 1
        let delta = v - mean
        mean += delta / count
        m2 += delta * (v - mean)
    }
    guard count > 0 else { return (.nan, .nan) }
    guard count > 1 else { return (mean, .nan) }
    return (mean, (m2 / (count - 1)).squareRoot() / count.squareRoot())
}
