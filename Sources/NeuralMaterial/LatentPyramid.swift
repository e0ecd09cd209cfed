/// Scalar types a latent pyramid can store: `Float` (the float32 master copy
/// that training updates) and `Float16` (what `.nmat` files and the GPU hold).
public protocol LatentScalar: BinaryFloatingPoint, Sendable {
    init(_ value: Float)
    var float: Float { get }
}
extension Float: LatentScalar { @inline(__always) public var float: Float { self } }
extension Float16: LatentScalar { @inline(__always) public var float: Float { Float(self) } }

/// One mip level: `height × width × channels` values, row-major, channel
/// fastest — exactly the safetensors tensor shape [h, w, C], and two RGBA16F
/// texels' worth per texel on the GPU when C = 8.
public struct LatentLevel<Scalar: LatentScalar>: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var values: [Scalar]

    public init(width: Int, height: Int, channels: Int, values: [Scalar]) {
        precondition(values.count == width * height * channels)
        self.width = width; self.height = height; self.channels = channels
        self.values = values
    }

    public init(width: Int, height: Int, channels: Int) {
        self.init(width: width, height: height, channels: channels, values: [Scalar](repeating: 0, count: width * height * channels))
    }

    public var texelCount: Int { width * height }

    /// Bilinear taps with wrap addressing at `uv` (texel centres at (i+½)/w, see `LatentPyramid`).
    /// Inlinable, like `LatentPyramid.taps(level:uv:)`: the baker calls them per
    /// training row from another module, where the generic entry point copied
    /// the level (array retain/release and a metadata lookup per call).
    @inlinable @inline(__always)
    public func taps(uv: SIMD2<Float>) -> BilinearTaps {
        let x = uv.x * Float(width) - 0.5
        let y = uv.y * Float(height) - 0.5
        let xf = x.rounded(.down), yf = y.rounded(.down)
        let fx = x - xf, fy = y - yf
        // uv in [0, 1) gives i in [−1, n − 1]: the first two cases, without
        // the remainder and integer divisions of the general one (which they equal).
        @inline(__always) func wrap(_ i: Float, _ n: Int) -> Int {
            if i >= 0, i < Float(n) { return Int(i) }
            if i == -1 { return n - 1 }
            guard i.isFinite else { return 0 }
            let k = Int(i.remainder(dividingBy: Float(n)))
            let m = k % n
            return m < 0 ? m + n : m
        }
        @inline(__always) func next(_ i: Int, _ n: Int) -> Int { i + 1 < n ? i + 1 : 0 }
        let x0 = wrap(xf, width), x1 = next(x0, width)
        let y0 = wrap(yf, height), y1 = next(y0, height)
        let c = channels
        return BilinearTaps(
            offsets: SIMD4((y0 * width + x0) * c, (y0 * width + x1) * c, (y1 * width + x0) * c, (y1 * width + x1) * c),
            weights: SIMD4((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy))
    }
}

/// The four texels and weights of one bilinear fetch. `offsets` are element
/// offsets of each texel's first channel inside the level's `values`, so a
/// backward pass scatters dL/dlatent · weight to each (PAPER.md: gradients
/// flow into every texel the fetch touched).
public struct BilinearTaps: Equatable, Sendable {
    public var offsets: SIMD4<Int>
    public var weights: SIMD4<Float>
    @inlinable public init(offsets: SIMD4<Int>, weights: SIMD4<Float>) {
        self.offsets = offsets
        self.weights = weights
    }
}

/// The latent texture pyramid (PAPER.md "Latent textures").
///
/// Each level is an independent set of latents — level l is *not* a
/// downsample of level l−1. It holds latents for the BRDF filtered over that
/// level's footprint, trained (or encoded) on its own, which is why a naive
/// mip chain is wrong here. Level l is max(1, w >> l) × max(1, h >> l).
///
/// Texel addressing: texel (row j, column i) covers u ∈ [i/w, (i+1)/w),
/// v ∈ [j/h, (j+1)/h); its centre is at ((i+½)/w, (j+½)/h). Fetches wrap in
/// both u and v (tiling materials).
///
/// Level of detail: a fractional LOD picks **one** of the two neighbouring
/// levels stochastically — level ⌊lod⌋+1 with probability frac(lod) — then
/// does a single bilinear fetch. In expectation this equals trilinear
/// filtering of the *decoded* BRDF, which the paper found better than
/// blending latents (latents of different levels are not linearly related).
public struct LatentPyramid<Scalar: LatentScalar>: Equatable, Sendable {
    public let channels: Int
    public var levels: [LatentLevel<Scalar>]

    public init(levels: [LatentLevel<Scalar>]) {
        precondition(!levels.isEmpty)
        channels = levels[0].channels
        self.levels = levels
    }

    /// Zero pyramid with `levelCount` levels (nil = full chain down to 1×1).
    public init(width: Int, height: Int, channels: Int = 8, levelCount: Int? = nil) {
        let n = levelCount ?? LatentPyramid.fullLevelCount(width: width, height: height)
        self.init(levels: (0..<max(1, n)).map { l in
            LatentLevel(width: max(1, width >> l), height: max(1, height >> l), channels: channels)
        })
    }

    /// Number of levels of a full chain: ⌊log2(max(w, h))⌋ + 1.
    public static func fullLevelCount(width: Int, height: Int) -> Int {
        var n = 1, s = max(width, height)
        while s > 1 { s >>= 1; n += 1 }
        return n
    }

    public var width: Int { levels[0].width }
    public var height: Int { levels[0].height }
    public var levelCount: Int { levels.count }
    public var totalValueCount: Int { levels.reduce(0) { $0 + $1.values.count } }

    /// Stochastic level choice for a fractional LOD given a uniform u ∈ [0, 1).
    @inline(__always)
    public static func chooseLevel(lod: Float, u: Float, levelCount: Int) -> Int {
        let maxLevel = Float(levelCount - 1)
        let l = lod.isNaN ? 0 : min(max(lod, 0), maxLevel)
        let base = l.rounded(.down)
        let level = Int(base) + (u < l - base ? 1 : 0)
        return min(level, levelCount - 1)
    }

    /// Bilinear taps with wrap addressing in `level` at `uv`.
    @inlinable @inline(__always)
    public func taps(level: Int, uv: SIMD2<Float>) -> BilinearTaps {
        levels[level].taps(uv: uv)
    }

    /// Bilinear fetch of all channels into `out` (float32, `channels` values).
    @inline(__always)
    public func fetch(level: Int, uv: SIMD2<Float>, into out: UnsafeMutablePointer<Float>) {
        let t = taps(level: level, uv: uv)
        levels[level].values.withUnsafeBufferPointer { v in
            for ch in 0..<channels {
                out[ch] = t.weights[0] * v[t.offsets[0] + ch].float + t.weights[1] * v[t.offsets[1] + ch].float
                    + t.weights[2] * v[t.offsets[2] + ch].float + t.weights[3] * v[t.offsets[3] + ch].float
            }
        }
    }

    public func fetch(level: Int, uv: SIMD2<Float>) -> [Float] {
        var out = [Float](repeating: 0, count: channels)
        out.withUnsafeMutableBufferPointer { fetch(level: level, uv: uv, into: $0.baseAddress!) }
        return out
    }

    /// Fetch with a fractional LOD and a uniform random number (stochastic level choice).
    public func fetch(uv: SIMD2<Float>, lod: Float, u: Float) -> [Float] {
        fetch(level: LatentPyramid.chooseLevel(lod: lod, u: u, levelCount: levelCount), uv: uv)
    }

    public func map<S: LatentScalar>(to: S.Type) -> LatentPyramid<S> {
        LatentPyramid<S>(levels: levels.map { LatentLevel<S>(width: $0.width, height: $0.height, channels: $0.channels, values: $0.values.map { S($0.float) }) })
    }
}

extension LatentPyramid where Scalar == Float {
    /// Gaussian-initialised latents (used before an encoder fills them, and in tests).
    public static func random(width: Int, height: Int, channels: Int = 8, levelCount: Int? = nil, seed: UInt64, std: Float = 0.1) -> LatentPyramid<Float> {
        var p = LatentPyramid<Float>(width: width, height: height, channels: channels, levelCount: levelCount)
        var rng = PCG32(seed: seed, stream: 0x6c61_7465_6e74)
        for l in p.levels.indices { for i in p.levels[l].values.indices { p.levels[l].values[i] = std * rng.nextGaussian() } }
        return p
    }

    /// Backward of `fetch(level:uv:)`: adds weight_k · dLatent to each of the
    /// four texels (self is a gradient pyramid of the same shape).
    @inline(__always)
    public mutating func scatterGradient(level: Int, uv: SIMD2<Float>, dLatent: UnsafePointer<Float>) {
        let t = taps(level: level, uv: uv)
        let c = channels
        levels[level].values.withUnsafeMutableBufferPointer { v in
            for k in 0..<4 {
                let w = t.weights[k], o = t.offsets[k]
                for ch in 0..<c { v[o + ch] += w * dLatent[ch] }
            }
        }
    }

    /// The fp16 storage copy (round to nearest even).
    public func toHalf() -> LatentPyramid<Float16> { map(to: Float16.self) }
}
