import Foundation
import Materials
import NeuralMaterial

/// Deterministic seeding: a step's (and a chunk's) random numbers depend only
/// on (seed, step, chunk), so the data of step k is the same whether or not
/// the bake was interrupted before it — the data generator's whole state is
/// the step counter.
enum SeedMixer {
    @inline(__always) static func splitmix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    static func rng(seed: UInt64, step: Int, chunk: Int, purpose: UInt64) -> PCG32 {
        let s = splitmix(splitmix(seed ^ (purpose &* 0x632b_e59b_d9b4_e019)) &+ UInt64(truncatingIfNeeded: step))
        return PCG32(seed: s, stream: UInt64(truncatingIfNeeded: chunk) &+ (purpose << 20))
    }
}

/// Direction sampling uniform in Rusinkiewicz's half/difference angles.
///
/// θh, θd ~ U[0, π/2], φh, φd ~ U[0, 2π). h = (sinθh cosφh, sinθh sinφh, cosθh);
/// wi is d = (sinθd cosφd, sinθd sinφd, cosθd) rotated from z to h, and
/// wo = reflect(wi, h). With dωi dωo = 4 cosθd dωh dωd the pair density is
///
///     p_hd(wi, wo) = 1 / (4 π⁴ cosθd sinθd sinθh)      (per dωi dωo)
///
/// Pairs with wi or wo below the horizon are rejected (the reference is 0
/// there and the renderer never asks), so the density of the accepted pairs
/// is p_hd / A with A = P(both above) computed by quadrature
/// (`upperHemisphereAcceptance`, ≈ 0.5).
public enum HalfDifferenceSampling {
    /// (wi, wo) from four uniforms (no rejection).
    @inline(__always)
    public static func pair(_ u: SIMD4<Float>) -> (wi: SIMD3<Float>, wo: SIMD3<Float>) {
        let th = u.x * (Float.pi / 2), ph = u.y * (2 * Float.pi)
        let td = u.z * (Float.pi / 2), pd = u.w * (2 * Float.pi)
        let sth = sinf(th), cth = cosf(th), sph = sinf(ph), cph = cosf(ph)
        let std = sinf(td), ctd = cosf(td)
        let dx = std * cosf(pd), dy = std * sinf(pd), dz = ctd
        // R_y(θh): (x cosθ + z sinθ, y, −x sinθ + z cosθ), then R_z(φh).
        let rx = dx * cth + dz * sth, ry = dy, rz = -dx * sth + dz * cth
        let wi = SIMD3<Float>(rx * cph - ry * sph, rx * sph + ry * cph, rz)
        let h = SIMD3<Float>(sth * cph, sth * sph, cth)
        let c = wi.x * h.x + wi.y * h.y + wi.z * h.z
        let wo = 2 * c * h - wi
        return (wi, wo)
    }

    /// p_hd(wi, wo) per dωi dωo, before rejection.
    @inline(__always)
    public static func density(wi: SIMD3<Float>, wo: SIMD3<Float>) -> Float {
        var h = wi + wo
        let l2 = h.x * h.x + h.y * h.y + h.z * h.z
        guard l2 > 1e-12 else { return 0 }
        h /= l2.squareRoot()
        let cd = min(1, max(0, wi.x * h.x + wi.y * h.y + wi.z * h.z))
        let sd = max((1 - cd * cd).squareRoot(), 1e-6)
        let sh = max((1 - min(1, h.z * h.z)).squareRoot(), 1e-6)
        return 1 / (4 * powf(Float.pi, 4) * max(cd, 1e-6) * sd * sh)
    }

    /// P(wi.z > 0 and wo.z > 0) for uniform angles. Both are above the horizon
    /// iff cosθd cosθh > sinθd sinθh |cosφd|, so for fixed (θh, θd) the
    /// accepted share of φd is 1 − (2/π) acos(min(1, cotθd cotθh)); a
    /// 1024² midpoint rule integrates the rest.
    public static let upperHemisphereAcceptance: Double = {
        let n = 1024
        var sum = 0.0
        for i in 0..<n {
            let th = (Double(i) + 0.5) / Double(n) * Double.pi / 2
            for j in 0..<n {
                let td = (Double(j) + 0.5) / Double(n) * Double.pi / 2
                let c = (cos(td) * cos(th)) / max(sin(td) * sin(th), 1e-300)
                sum += 1 - (2 / Double.pi) * acos(min(1, c))
            }
        }
        return sum / Double(n * n)
    }()
}

/// One batch of training rows, structure of arrays, allocated once.
final class TrainingBatch: @unchecked Sendable {
    let capacity: Int
    let uv: UnsafeMutablePointer<SIMD2<Float>>
    let level: UnsafeMutablePointer<Int32>
    let wi: UnsafeMutablePointer<SIMD3<Float>>
    let wo: UnsafeMutablePointer<SIMD3<Float>>
    /// Reference f·|cos θo| (footprint- and cone-filtered), [rows × 3].
    let target: UnsafeMutablePointer<Float>
    /// KL weights luminance(target) / proposal density.
    let weight: UnsafeMutablePointer<Float>
    /// Reference pdf of wo at the row's uv (0 if unknown).
    let referencePdf: UnsafeMutablePointer<Float>
    /// Deterministic-mixture density r(wi, wo) the row was drawn with (per
    /// dωi dωo): 1/r turns row sums into integrals (the held-out energy ratio).
    let density: UnsafeMutablePointer<Float>

    init(capacity: Int) {
        self.capacity = capacity
        uv = .allocate(capacity: capacity); uv.initialize(repeating: .zero, count: capacity)
        level = .allocate(capacity: capacity); level.initialize(repeating: 0, count: capacity)
        wi = .allocate(capacity: capacity); wi.initialize(repeating: SIMD3(0, 0, 1), count: capacity)
        wo = .allocate(capacity: capacity); wo.initialize(repeating: SIMD3(0, 0, 1), count: capacity)
        target = .allocate(capacity: 3 * capacity); target.initialize(repeating: 0, count: 3 * capacity)
        weight = .allocate(capacity: capacity); weight.initialize(repeating: 0, count: capacity)
        referencePdf = .allocate(capacity: capacity); referencePdf.initialize(repeating: 0, count: capacity)
        density = .allocate(capacity: capacity); density.initialize(repeating: 0, count: capacity)
    }

    deinit {
        uv.deallocate(); level.deallocate(); wi.deallocate(); wo.deallocate()
        target.deallocate(); weight.deallocate(); referencePdf.deallocate(); density.deallocate()
    }
}

/// Draws training rows from the CPU reference (PAPER.md "Training"):
///
/// - uv uniform in [0, 1)²;
/// - level l with P(l) ∝ levelBias^l (bias towards fine levels);
/// - a fixed share `importanceShare` of the rows (the last ones of every
///   chunk) takes wi uniform on the hemisphere and wo = `Material.sample`;
///   the others are uniform in half/difference angles (`HalfDifferenceSampling`);
/// - the target is f·|cos θo| averaged over the level's texel footprint:
///   at level 0 (and at every level of a uniform material, where the average
///   is the value) one tap at uv, at level l ≥ 1 `footprintTaps` Gaussian
///   jittered uv taps with σ = ½ texel of level l (= 2^l / (2·resolution)),
///   independent or stratified (`FootprintPattern`);
/// - early smoothing: while the cone half-angle θc > 0, every tap also
///   jitters wi and wo uniformly inside cones of half-angle θc (and at least
///   `footprintTaps` taps are used, level 0 included);
/// - KL weight w = luminance(target) / r(wi, wo) with the deterministic-mixture
///   density r = (1−s)·p_hd/A + s·(1/2π)·pdf_ref(wo | wi, uv₁) (balance
///   heuristic over the two strategies, s = importanceShare), where uv₁ is
///   the first footprint tap (uv at level 0 and while smoothing): the
///   reference-sampled rows draw wo there.
struct TrainingDataGenerator: Sendable {
    let material: Material
    let resolution: Int
    let levelCDF: [Float]
    let importanceShare: Float
    let footprintTaps: Int
    let acceptance: Float
    /// The material does not vary over uv: every level's footprint average is
    /// one evaluation (the corpus's plain metals and many MaterialX examples).
    let uniform: Bool
    /// `BakeSettings.stratifiedFootprint`.
    let stratifiedFootprint: Bool

    static let chunkRows = 256
    /// Chunks of a `rows`-row batch (the last may be short); `fillChunk` draws one.
    static func chunkCount(rows: Int) -> Int { (rows + chunkRows - 1) / chunkRows }

    /// `material` is the source; rows use `settings.prefiltered(material)`.
    init(material: Material, settings: BakeSettings) {
        self.material = settings.prefiltered(material)
        resolution = settings.resolution
        var w: [Double] = (0..<settings.levels).map { pow(settings.levelBias, Double($0)) }
        let total = w.reduce(0, +)
        var acc = 0.0
        for i in w.indices { acc += w[i] / total; w[i] = acc }
        levelCDF = w.map { Float($0) }
        importanceShare = Float(settings.importanceShare)
        footprintTaps = settings.footprintTaps
        acceptance = Float(HalfDifferenceSampling.upperHemisphereAcceptance)
        uniform = self.material.isUniform
        stratifiedFootprint = settings.stratifiedFootprint ?? false
    }

    @inline(__always) func pickLevel(_ u: Float) -> Int {
        for (i, c) in levelCDF.enumerated() where u < c { return i }
        return levelCDF.count - 1
    }

    @inline(__always) static func wrap(_ x: Float) -> Float {
        let f = x - x.rounded(.down)
        return f < 1 ? f : 0
    }

    /// Uniform direction inside the cone of half-angle with cosine `cosMax` around w.
    @inline(__always) static func jitter(_ w: SIMD3<Float>, cosMax: Float, _ u1: Float, _ u2: Float) -> SIMD3<Float> {
        let ct = 1 - u1 * (1 - cosMax)
        let st = max(0, 1 - ct * ct).squareRoot()
        let phi = 2 * Float.pi * u2
        // Orthonormal basis around w (Frisvad / Duff et al.).
        let sign: Float = w.z >= 0 ? 1 : -1
        let a = -1 / (sign + w.z)
        let b = w.x * w.y * a
        let t = SIMD3<Float>(1 + sign * w.x * w.x * a, sign * b, -sign * w.x)
        let bt = SIMD3<Float>(b, sign + w.y * w.y * a, -w.y)
        return st * cosf(phi) * t + st * sinf(phi) * bt + ct * w
    }

    /// A Gaussian-jittered footprint tap: uv + σ·(2-D standard normal, Box–Muller), wrapped.
    @inline(__always) static func footprintTap(_ uv: SIMD2<Float>, sigma: Float, rng: inout PCG32) -> SIMD2<Float> {
        let u1 = max(rng.nextFloat(), 1e-7), u2 = rng.nextFloat()
        return gaussianTap(uv, sigma: sigma, u1, u2)
    }

    /// uv + σ·(Box–Muller of u1 ∈ (0, 1], u2 ∈ [0, 1)), wrapped.
    @inline(__always) static func gaussianTap(_ uv: SIMD2<Float>, sigma: Float, _ u1: Float, _ u2: Float) -> SIMD2<Float> {
        let rad = sigma * (-2 * logf(u1)).squareRoot()
        return SIMD2(wrap(uv.x + rad * cosf(2 * Float.pi * u2)), wrap(uv.y + rad * sinf(2 * Float.pi * u2)))
    }

    /// The footprint taps of one target: independent Gaussian taps, or
    /// (`stratified`) tap k of n in angular sector k under a random rotation
    /// and in radial band (k + shift) mod n of the Gaussian's radius
    /// distribution, jittered inside it. For each tap the rotation and the
    /// shift are uniform, so every tap is exactly Gaussian and the average of
    /// the taps an unbiased estimate of the footprint's mean; spread over the
    /// sectors and bands it varies less than n independent taps.
    struct FootprintPattern {
        let taps: Int
        let stratified: Bool
        private var rotation: Float = 0
        private var shift = 0

        init(taps: Int, stratified: Bool, rng: inout PCG32) {
            self.taps = max(taps, 1)
            self.stratified = stratified
            if stratified {
                rotation = rng.nextFloat()
                shift = min(Int(rng.nextFloat() * Float(self.taps)), self.taps - 1)
            }
        }

        /// Tap k (0 ..< taps) around uv.
        @inline(__always) func tap(_ k: Int, _ uv: SIMD2<Float>, sigma: Float, rng: inout PCG32) -> SIMD2<Float> {
            guard stratified else { return TrainingDataGenerator.footprintTap(uv, sigma: sigma, rng: &rng) }
            let n = Float(taps)
            let band = Float((k + shift) % taps)
            let u1 = max(1 - (band + rng.nextFloat()) / n, 1e-7)
            let angle = rotation + Float(k) / n
            return TrainingDataGenerator.gaussianTap(uv, sigma: sigma, u1, angle - angle.rounded(.down))
        }
    }

    /// Fills rows [start, start + count) of `batch`. The last
    /// `importanceShare` of the rows use reference sampling.
    ///
    /// Without cone smoothing a row's reference sample and pdf are taken at
    /// its first footprint tap (uv itself at level 0), whose evaluation is
    /// also the first term of the target: the input graph runs once per tap
    /// (`Material.sampleAndEvaluate` for sampled rows) instead of once more
    /// for a centre the target does not use. The density stays exact: given
    /// the tap, both strategies draw (wi, wo) from the mixture r at that tap.
    func fill(batch: TrainingBatch, start: Int, count: Int, rng: inout PCG32, coneRadians: Float, tapsAtCoarse: Int) {
        let nIS = Int((importanceShare * Float(count)).rounded())
        let firstIS = count - nIS
        let cosCone = cosf(coneRadians)
        let smoothing = coneRadians > 0
        let invTwoPi = 1 / (2 * Float.pi)
        let scratch = MaterialScratch(for: material)
        for k in 0..<count {
            let r = start + k
            let uv = SIMD2<Float>(rng.nextFloat(), rng.nextFloat())
            let level = pickLevel(rng.nextFloat())
            let pointLike = level == 0 || uniform
            let taps = pointLike ? (smoothing ? max(footprintTaps, 4) : 1) : tapsAtCoarse
            let sigma: Float = pointLike ? 0 : 0.5 * Float(1 << level) / Float(resolution)
            let footprint = FootprintPattern(taps: taps, stratified: stratifiedFootprint && sigma > 0, rng: &rng)
            let sampleUV = !smoothing && sigma > 0 ? footprint.tap(0, uv, sigma: sigma, rng: &rng) : uv
            var wi = SIMD3<Float>(0, 0, 1), wo = SIMD3<Float>(0, 0, 1)
            var sampled: (value: SIMD3<Float>, pdf: Float)?
            var found = false
            // While smoothing, the sample, the pdf and (at level 0 or for a
            // uniform material) every tap are at uv: one run of the inputs.
            if smoothing { material.bind(uv: uv, scratch: scratch) }
            if k >= firstIS {
                for _ in 0..<4 {
                    let u1 = rng.nextFloat(), u2 = rng.nextFloat()
                    let z = 1 - u1   // uniform hemisphere: z ∈ (0, 1]
                    let s = max(0, 1 - z * z).squareRoot()
                    wi = SIMD3(s * cosf(2 * Float.pi * u2), s * sinf(2 * Float.pi * u2), z)
                    let u = SIMD3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat())
                    if smoothing {
                        let smp = material.sampleAtBoundPoint(wi: wi, u: u, scratch: scratch)
                        if smp.pdf > 0, smp.wo.z > 0 { wo = smp.wo; found = true; break }
                    } else if let smp = material.sampleAndEvaluate(wi: wi, uv: sampleUV, u: u, scratch: scratch) {
                        wo = smp.wo; sampled = (smp.value, smp.pdf); found = true; break
                    }
                }
            }
            if !found {
                for _ in 0..<64 {
                    let p = HalfDifferenceSampling.pair(SIMD4(rng.nextFloat(), rng.nextFloat(), rng.nextFloat(), rng.nextFloat()))
                    if p.wi.z > 0, p.wo.z > 0 { wi = p.wi; wo = p.wo; break }
                }
            }
            let first = sampled ?? (smoothing ? material.evalAndPdfAtBoundPoint(wi: wi, wo: wo, scratch: scratch)
                                              : material.evalAndPdf(wi: wi, wo: wo, uv: sampleUV, scratch: scratch))
            var t = first.value
            if smoothing {
                // Every tap jitters uv, wi and wo; `first` (at uv) only gives the pdf.
                var sum = SIMD3<Float>()
                for k in 0..<taps {
                    let tuv = sigma > 0 ? footprint.tap(k, uv, sigma: sigma, rng: &rng) : uv
                    let twi = Self.jitter(wi, cosMax: cosCone, rng.nextFloat(), rng.nextFloat())
                    let two = Self.jitter(wo, cosMax: cosCone, rng.nextFloat(), rng.nextFloat())
                    sum += (sigma > 0 ? material.evalAndPdf(wi: twi, wo: two, uv: tuv, scratch: scratch)
                                      : material.evalAndPdfAtBoundPoint(wi: twi, wo: two, scratch: scratch)).value
                }
                t = sum / Float(taps)
            } else if taps > 1 {
                for k in 1..<taps {
                    t += material.evalAndPdf(wi: wi, wo: wo, uv: footprint.tap(k, uv, sigma: sigma, rng: &rng), scratch: scratch).value
                }
                t /= Float(taps)
            }
            if !(t.x.isFinite && t.y.isFinite && t.z.isFinite) { t = .zero }
            t = simd_max3(t, .zero)
            batch.uv[r] = uv
            batch.level[r] = Int32(level)
            batch.wi[r] = wi
            batch.wo[r] = wo
            batch.target[3 * r] = t.x; batch.target[3 * r + 1] = t.y; batch.target[3 * r + 2] = t.z
            let pRef = first.pdf.isFinite ? max(first.pdf, 0) : 0
            batch.referencePdf[r] = pRef
            let density = (1 - importanceShare) * HalfDifferenceSampling.density(wi: wi, wo: wo) / acceptance
                + importanceShare * invTwoPi * pRef
            let w = density > 0 ? luminance(t.x, t.y, t.z) / density : 0
            batch.weight[r] = w.isFinite ? w : 0
            batch.density[r] = density.isFinite ? density : 0
        }
    }
}

extension TrainingDataGenerator {
    /// Fills rows [0, rows) of `batch` in `chunkRows` chunks on up to
    /// `workers` threads. Chunk c draws from `SeedMixer.rng(seed, step, c,
    /// purpose)`, so the rows do not depend on the thread count.
    func fill(batch: TrainingBatch, rows: Int, seed: UInt64, step: Int, purpose: UInt64,
              coneRadians: Float, tapsAtCoarse: Int, workers: Int) {
        parallelChunks(Self.chunkCount(rows: rows), workers: workers) { c in
            fillChunk(c, of: batch, rows: rows, seed: seed, step: step, purpose: purpose,
                      coneRadians: coneRadians, tapsAtCoarse: tapsAtCoarse)
        }
    }

    /// Chunk `c` of a `rows`-row batch: rows [c·chunkRows, …) from
    /// `SeedMixer.rng(seed, step, c, purpose)`. The one definition of a chunk
    /// that drawing in place and `RowPipeline` share, which is what makes
    /// their rows the same bits.
    func fillChunk(_ c: Int, of batch: TrainingBatch, rows: Int, seed: UInt64, step: Int, purpose: UInt64,
                   coneRadians: Float, tapsAtCoarse: Int) {
        var rng = SeedMixer.rng(seed: seed, step: step, chunk: c, purpose: purpose)
        let lo = c * Self.chunkRows
        fill(batch: batch, start: lo, count: min(Self.chunkRows, rows - lo), rng: &rng, coneRadians: coneRadians, tapsAtCoarse: tapsAtCoarse)
    }
}

@inline(__always) func simd_max3(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(max(a.x, b.x), max(a.y, b.y), max(a.z, b.z))
}

/// Fork–join over `iterations` on up to `workers` threads; iteration i's
/// work must only depend on i (then the result is thread-count independent).
func parallelChunks(_ iterations: Int, workers: Int, _ body: (Int) -> Void) {
    guard iterations > 0 else { return }
    if workers <= 1 || iterations == 1 {
        for i in 0..<iterations { body(i) }
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let box = SendableBox(escapable)
        let w = min(workers, iterations)
        DispatchQueue.concurrentPerform(iterations: w) { t in
            var i = t
            while i < iterations { box.value(i); i += w }
        }
    }
}

struct SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ v: T) { value = v }
}
