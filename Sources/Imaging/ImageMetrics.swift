import Foundation

/// Error metrics between a test image and a reference, over RGB (alpha ignored).
///
/// - `psnr`: on linear RGB clamped to [0, 1] with peak 1, `10·log10(1/MSE)`
///   in dB; `+infinity` for identical images. Clamping makes it a "display
///   range" metric that fireflies cannot dominate.
/// - `relativeMSE`: mean over pixels and RGB of `(a − b)² / (b² + 0.01)`,
///   with `b` the reference; scale-independent for HDR images.
/// - `smape`: mean of `2|a − b| / (|a| + |b| + 0.01)`, in [0, 2).
///
/// Sums run in Double. NaN in either image propagates to the result, so a
/// caller checking `isFinite` notices broken renders.
public struct ImageComparison: Sendable, Equatable {
    public var psnr: Double
    public var relativeMSE: Double
    public var smape: Double

    public init(psnr: Double, relativeMSE: Double, smape: Double) {
        self.psnr = psnr
        self.relativeMSE = relativeMSE
        self.smape = smape
    }
}

/// The regulariser of relative MSE and SMAPE; avoids division by ~0 in black areas.
public let imageMetricEpsilon: Double = 0.01

/// Compares `a` (test) against `b` (reference); see `ImageComparison`.
public func compareImages(_ a: Image, _ b: Image) throws -> ImageComparison {
    try requireSameSize(a, b, operation: "compare")
    var squared = 0.0, relative = 0.0, smape = 0.0
    for i in a.pixels.indices {
        let p = a.pixels[i], q = b.pixels[i]
        for c in 0..<3 {
            let x = Double(p[c]), y = Double(q[c])
            let clampedDiff = min(max(x, 0), 1) - min(max(y, 0), 1)
            squared += clampedDiff * clampedDiff
            let d = x - y
            relative += d * d / (y * y + imageMetricEpsilon)
            smape += 2 * abs(d) / (abs(x) + abs(y) + imageMetricEpsilon)
        }
    }
    let n = Double(max(1, a.pixels.count * 3))
    let mse = squared / n
    let psnr = mse.isNaN ? Double.nan : (mse == 0 ? Double.infinity : 10 * log10(1 / mse))
    return ImageComparison(psnr: psnr, relativeMSE: relative / n, smape: smape / n)
}

/// Throws `.sizeMismatch` naming `operation` unless both images have the same size.
func requireSameSize(_ a: Image, _ b: Image, operation: String) throws {
    guard a.width == b.width, a.height == b.height,
          a.pixels.count == a.width * a.height, b.pixels.count == b.width * b.height else {
        throw ImagingError(.sizeMismatch,
            "\(operation): image sizes differ (\(a.width)x\(a.height) vs \(b.width)x\(b.height)); render or resize both to the same resolution")
    }
}
