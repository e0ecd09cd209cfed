import Foundation

/// A perceptually ordered colour ramp (viridis-like), interpolated between a
/// few control points instead of a 256-entry table.
public enum ColorRamp {
    /// sRGB control points at evenly spaced positions in [0, 1].
    private static let controlPoints: [SIMD3<Float>] = [
        SIMD3(0.267, 0.005, 0.329), SIMD3(0.283, 0.141, 0.458), SIMD3(0.229, 0.322, 0.546),
        SIMD3(0.164, 0.471, 0.558), SIMD3(0.128, 0.567, 0.551), SIMD3(0.135, 0.659, 0.518),
        SIMD3(0.369, 0.789, 0.383), SIMD3(0.678, 0.864, 0.190), SIMD3(0.993, 0.906, 0.144),
    ]

    /// Colour for `t` in [0, 1] (clamped; NaN maps to the top colour so it
    /// stands out), as *linear* RGB so it survives a `.clamp` PNG write unchanged.
    public static func color(_ t: Float) -> SIMD3<Float> {
        let x = t.isNaN ? 1 : min(max(t, 0), 1)
        let scaled = x * Float(controlPoints.count - 1)
        let i = min(Int(scaled), controlPoints.count - 2)
        let f = scaled - Float(i)
        let srgb = controlPoints[i] + (controlPoints[i + 1] - controlPoints[i]) * f
        return SIMD3(SRGB.decode(srgb.x), SRGB.decode(srgb.y), SRGB.decode(srgb.z))
    }
}

/// Per-pixel error: mean over RGB of |a − b| (alpha ignored).
public func perPixelError(_ a: Image, _ b: Image) throws -> [Float] {
    try requireSameSize(a, b, operation: "error heatmap")
    return zip(a.pixels, b.pixels).map { p, q in
        let d = p - q
        return (abs(d.x) + abs(d.y) + abs(d.z)) / 3
    }
}

/// Colours each pixel by its error (`perPixelError`) divided by `maxError`.
///
/// With `maxError == nil` the scale is the 99th percentile of the errors, so
/// a few fireflies cannot wash out the rest of the map; a zero scale becomes 1.
/// The result is linear RGB meant to be written with `toneMap: .clamp`.
public func errorHeatmap(_ a: Image, _ b: Image, maxError: Float? = nil) throws -> Image {
    let errors = try perPixelError(a, b)
    var scale = maxError ?? percentile(errors, 0.99)
    if !(scale > 0) || !scale.isFinite { scale = 1 }
    var heatmap = Image(width: a.width, height: a.height)
    for i in errors.indices {
        let c = ColorRamp.color(errors[i] / scale)
        heatmap.pixels[i] = SIMD4(c.x, c.y, c.z, 1)
    }
    return heatmap
}

/// The `q`-quantile (nearest rank) of the finite values; 0 when there are none.
func percentile(_ values: [Float], _ q: Double) -> Float {
    let sorted = values.filter { $0.isFinite }.sorted()
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((q * Double(sorted.count - 1)).rounded())
    return sorted[min(max(rank, 0), sorted.count - 1)]
}
