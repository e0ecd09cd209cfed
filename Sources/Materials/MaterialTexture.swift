/// How texture coordinates outside [0, 1] are handled.
public enum TextureWrap: String, Sendable {
    case `repeat`
    case clamp
}

/// A linear RGBA float texture the CPU samples and the GPU receives as is.
///
/// Sampling rule (the renderer's `lqTextureFetch` must do exactly this):
/// texel (i, j) is `pixels[j·width + i]` and its centre lies at
/// uv = ((i + ½)/width, (j + ½)/height) — row j = 0 is at v = 0. With
/// x = u·width − ½, y = v·height − ½, i0 = ⌊x⌋, j0 = ⌊y⌋, fx = x − i0, fy = y − j0,
/// the result is the bilinear blend of texels (i0, j0), (i0+1, j0), (i0, j0+1),
/// (i0+1, j0+1) with weights (1−fx)(1−fy), fx(1−fy), (1−fx)fy, fx·fy, where each
/// index is wrapped (repeat: i mod width, always ≥ 0) or clamped to
/// [0, width−1] (clamp) independently. Non-finite uv is treated as 0.
/// Image files are stored with their top row at v = 1 (MaterialX/OpenGL
/// convention): the loader flips rows.
public struct MaterialTexture: Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [SIMD4<Float>]
    public var wrap: TextureWrap

    public init(width: Int, height: Int, pixels: [SIMD4<Float>], wrap: TextureWrap) {
        self.width = width
        self.height = height
        self.pixels = pixels
        self.wrap = wrap
    }

    @inline(__always) func index(_ i: Int, _ n: Int) -> Int {
        switch wrap {
        case .repeat:
            let m = i % n
            return m < 0 ? m + n : m
        case .clamp:
            return min(max(i, 0), n - 1)
        }
    }

    @inline(__always) public func sample(_ uv: SIMD2<Float>) -> SIMD4<Float> {
        if width <= 0 || height <= 0 || pixels.count < width * height { return SIMD4<Float>() }
        var x = uv.x.isFinite ? uv.x * Float(width) - 0.5 : -0.5
        var y = uv.y.isFinite ? uv.y * Float(height) - 0.5 : -0.5
        x = min(max(x, -1e7), 1e7)
        y = min(max(y, -1e7), 1e7)
        let fx0 = x.rounded(.down), fy0 = y.rounded(.down)
        let fx = x - fx0, fy = y - fy0
        let i0 = Int(fx0), j0 = Int(fy0)
        let ia = index(i0, width), ib = index(i0 + 1, width)
        let ja = index(j0, height), jb = index(j0 + 1, height)
        return pixels.withUnsafeBufferPointer { p in
            let a = p[ja * width + ia], b = p[ja * width + ib]
            let c = p[jb * width + ia], d = p[jb * width + ib]
            return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
