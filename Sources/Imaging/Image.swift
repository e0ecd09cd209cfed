/// A linear RGBA float image, row-major with the top row first.
///
/// This is the exchange format between the renderer, the file readers and
/// the metrics: simple enough to index directly, wide enough for HDR.
public struct Image: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `width * height` pixels, linear Rec.709 RGB + straight alpha.
    public var pixels: [SIMD4<Float>]

    /// A constant image; negative sizes are treated as zero.
    public init(width: Int, height: Int, fill: SIMD4<Float> = SIMD4(0, 0, 0, 1)) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.pixels = Array(repeating: fill, count: self.width * self.height)
    }

    /// Wraps existing pixels; throws when the count does not match the size,
    /// because a silently truncated image would corrupt every later metric.
    public init(width: Int, height: Int, pixels: [SIMD4<Float>]) throws {
        guard width >= 0, height >= 0, pixels.count == width * height else {
            throw ImagingError(.sizeMismatch,
                "image of \(width)x\(height) needs \(max(0, width) * max(0, height)) pixels but got \(pixels.count); pass exactly width*height pixels")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Pixel at column `x`, row `y` (row 0 is the top). Out-of-range indices trap,
    /// like array indexing: they are programming errors, not input errors.
    public subscript(x: Int, y: Int) -> SIMD4<Float> {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Number of pixels.
    public var pixelCount: Int { width * height }
}
