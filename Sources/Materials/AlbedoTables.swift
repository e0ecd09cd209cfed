import Foundation
import Dispatch

/// A tabulated function of up to three coordinates in [0, 1], RGBA values,
/// linearly interpolated between nodes (node i of n at coordinate i/(n−1)).
///
/// GPU layout (`materialTexture`): a width nx, height ny·nz clamp texture; row
/// z·ny + y, column x. The GPU looks it up with two bilinear `lqTextureFetch`
/// calls at uv = ((fx + ½)/nx, (z·ny + fy + ½)/(ny·nz)) and lerps the slices —
/// the same numbers as `lookup` (fx = x·(nx−1), fy = y·(ny−1)).
public struct AlbedoTable: Sendable {
    public let name: String
    public let nx: Int, ny: Int, nz: Int
    public let data: [SIMD4<Float>]

    @inline(__always) func node(_ x: Float, _ n: Int) -> (Int, Float) {
        // Written so that NaN lands on node 0 instead of trapping in Int(_:)
        // (callers validate their inputs; this is the last line of defence).
        let c: Float = x > 0 ? (x < 1 ? x : 1) : 0
        let f = c * Float(n - 1)
        let i = min(Int(f), max(n - 2, 0))
        return (i, n > 1 ? f - Float(i) : 0)
    }

    @inline(__always) func slice(_ z: Int, _ ix: Int, _ fx: Float, _ iy: Int, _ fy: Float) -> Vec4 {
        let base = z * ny * nx
        let x1 = min(ix + 1, nx - 1), y1 = min(iy + 1, ny - 1)
        let a = data[base + iy * nx + ix], b = data[base + iy * nx + x1]
        let c = data[base + y1 * nx + ix], d = data[base + y1 * nx + x1]
        let top = a + (b - a) * fx
        let bottom = c + (d - c) * fx
        return top + (bottom - top) * fy
    }

    /// Per (x, y) node: Σ_z values[z] · slice z's .z there — a Fresnel that
    /// does not vary over a surface folded into the table once, so its
    /// albedo is one bilinear lookup (`bilinear`) instead of nz.
    func contracted(_ values: [Vec3]) -> [Vec3] {
        (0..<(nx * ny)).map { n in
            var sum = Vec3()
            for z in 0..<nz { sum += data[z * nx * ny + n].z * values[z] }
            return sum
        }
    }

    /// Per (x, y) node: .x interpolated along z at `z` (as `lookup` does),
    /// in all three channels — a third coordinate that does not vary over a
    /// surface folded into the table once, so its lookup is `bilinear`.
    func sliced(atZ z: Float) -> [Vec3] {
        let (iz, fz) = node(z, nz)
        let z1 = min(iz + 1, nz - 1)
        return (0..<(nx * ny)).map { n in
            let a = data[iz * nx * ny + n].x, b = data[z1 * nx * ny + n].x
            let v = nz == 1 ? a : a + (b - a) * fz
            return Vec3(v, v, v)
        }
    }

    /// `table` (nx·ny values, row y, column x, as `contracted` and `sliced` make them)
    /// interpolated bilinearly at x, y.
    @inline(__always) func bilinear(_ x: Float, _ y: Float, _ table: UnsafePointer<Vec3>) -> Vec3 {
        let (ix, fx) = node(x, nx)
        let (iy, fy) = node(y, ny)
        let x1 = min(ix + 1, nx - 1), y1 = min(iy + 1, ny - 1)
        let a = table[iy * nx + ix], b = table[iy * nx + x1]
        let c = table[y1 * nx + ix], d = table[y1 * nx + x1]
        let top = a + (b - a) * fx
        let bottom = c + (d - c) * fx
        return top + (bottom - top) * fy
    }

    /// Slice `z` exactly (no interpolation between slices), bilinear in x, y.
    @inline(__always) func lookupSlice(_ x: Float, _ y: Float, _ z: Int) -> SIMD4<Float> {
        let (ix, fx) = node(x, nx)
        let (iy, fy) = node(y, ny)
        return slice(min(max(z, 0), nz - 1), ix, fx, iy, fy)
    }

    @inline(__always) public func lookup(_ x: Float, _ y: Float, _ z: Float) -> SIMD4<Float> {
        let (ix, fx) = node(x, nx)
        let (iy, fy) = node(y, ny)
        if nz == 1 { return slice(0, ix, fx, iy, fy) }
        let (iz, fz) = node(z, nz)
        let s0 = slice(iz, ix, fx, iy, fy)
        let s1 = slice(min(iz + 1, nz - 1), ix, fx, iy, fy)
        return s0 + (s1 - s0) * fz
    }

    /// The table as a clamp texture for the GPU (see the type comment).
    public var materialTexture: MaterialTexture {
        MaterialTexture(width: nx, height: ny * nz, pixels: data, wrap: .clamp)
    }
}

/// The project's directional-albedo tables, computed by seeded Monte Carlo and
/// cached on disk (never hand-typed). Cache directory: $LACQUER_CACHE_DIR, else
/// $XDG_CACHE_HOME/lacquer/albedo, else ~/.cache/lacquer/albedo; a file is
/// recomputed when absent or of the wrong size, and written atomically.
///
/// Axes (all nodes uniformly spaced in [0, 1]): x = cos θi (clamped ≥ 0.002 for
/// the node at 0); y = roughness (√α for GGX, σ for FON, r for sheen);
/// z = (exponent − 1)/9 for `ggx`, (ior − 1)/2 for `dielectric`.
/// - `ggx` 32×32×10: .x = E (white GGX albedo), .y = S_p = mean(G2/G1 · (1 − wi·h)^p),
///   .z in slice j = H_j = mean(G2/G1 · hat_j(wi·h)), the hat functions of the
///   piecewise-linear interpolant on the nodes c_j = (j/9)² (`fresnelNode`), so
///   that Σ_j F(c_j)·H_j is the albedo of any Fresnel F (the conductor's)
/// - `dielectric` 32×32×9: .x = E with the dielectric Fresnel
/// - `sheen` 32×32: .x = Conty–Kulla albedo / .z (+ δ), .z = row normaliser (≥ 1)
/// - `fon` 32×32: .x = E_FON(μ, σ) / .z (+ δ) for ρ = 1, .y = Ē (of .x), .z = row normaliser
///   (`normaliseRows`: both made safe between the nodes; node 0 is μ = 0 there)
/// Both raw models exceed an albedo of 1 at grazing incidence for high σ /
/// low r (FON: ≈ A(1 + σ/2) as μ → 0; Charlie: its Λ fit); dividing the lobe
/// by the row maximum .z (a constant per roughness) keeps them ≤ 1 and
/// reciprocal.
public final class AlbedoTables: Sendable {
    public let ggx: AlbedoTable
    public let dielectric: AlbedoTable
    public let sheen: AlbedoTable
    public let fon: AlbedoTable

    public static let version = 6
    static let strata = 32 // strata² samples per cell

    /// Computed (or read from the cache) on first use.
    public static let shared = AlbedoTables()

    init() {
        ggx = AlbedoTables.loadOrCompute("ggx", 32, 32, 10, AlbedoTables.computeGGX)
        dielectric = AlbedoTables.loadOrCompute("dielectric", 32, 32, 9, AlbedoTables.computeDielectric)
        sheen = AlbedoTables.loadOrCompute("sheen", 32, 32, 1, AlbedoTables.computeSheen)
        fon = AlbedoTables.loadOrCompute("fon", 32, 32, 1, AlbedoTables.computeFON)
    }

    /// The tables in the order the GLSL generator binds them.
    public var all: [AlbedoTable] { [ggx, dielectric, sheen, fon] }

    public static var cacheDirectory: String? {
        let env = ProcessInfo.processInfo.environment
        if let d = env["LACQUER_CACHE_DIR"], !d.isEmpty { return d + "/albedo" }
        if let d = env["XDG_CACHE_HOME"], !d.isEmpty { return d + "/lacquer/albedo" }
        if let h = env["HOME"], !h.isEmpty { return h + "/.cache/lacquer/albedo" }
        return nil
    }

    static func fileName(_ name: String, _ nx: Int, _ ny: Int, _ nz: Int) -> String {
        "\(name)-v\(version)-\(nx)x\(ny)x\(nz)-s\(strata * strata).f32"
    }

    static func loadOrCompute(_ name: String, _ nx: Int, _ ny: Int, _ nz: Int,
                              _ compute: (Int, Int, Int) -> [Vec4]) -> AlbedoTable {
        let count = nx * ny * nz
        let path = cacheDirectory.map { $0 + "/" + fileName(name, nx, ny, nz) }
        if let path, let data = FileManager.default.contents(atPath: path), data.count == count * 16 {
            var values = [Vec4](repeating: Vec4(), count: count)
            values.withUnsafeMutableBytes { dst in _ = data.copyBytes(to: dst) }
            if values.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) {
                return AlbedoTable(name: name, nx: nx, ny: ny, nz: nz, data: values)
            }
        }
        let values = compute(nx, ny, nz)
        if let dir = cacheDirectory, let path {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let tmp = path + ".tmp.\(getpid())"
            let data = values.withUnsafeBytes { Data($0) }
            if FileManager.default.createFile(atPath: tmp, contents: data) {
                if rename(tmp, path) != 0 { unlink(tmp) }
            }
        }
        return AlbedoTable(name: name, nx: nx, ny: ny, nz: nz, data: values)
    }

    @inline(__always) static func cosNode(_ i: Int, _ n: Int) -> Float { max(Float(i) / Float(n - 1), 0.002) }

    /// Runs `cell(ix, iy, rng) -> [Vec4 per z]` over the (x, y) grid in parallel.
    static func fill(_ nx: Int, _ ny: Int, _ nz: Int, seed: UInt64,
                     _ cell: @Sendable (Int, Int, inout PCG32, inout [Vec4]) -> Void) -> [Vec4] {
        let out = UnsafeMutableBufferPointer<Vec4>.allocate(capacity: nx * ny * nz)
        out.initialize(repeating: Vec4())
        defer { out.deallocate() }
        nonisolated(unsafe) let shared = out
        DispatchQueue.concurrentPerform(iterations: ny) { iy in
            var values = [Vec4](repeating: Vec4(), count: nz)
            for ix in 0..<nx {
                var rng = PCG32(seed: seed &+ UInt64(iy * nx + ix) &* 0x9E3779B97F4A7C15)
                for z in 0..<nz { values[z] = Vec4() }
                cell(ix, iy, &rng, &values)
                for z in 0..<nz { shared[(z * ny + iy) * nx + ix] = values[z] }
            }
        }
        return Array(out)
    }

    /// Stratified jittered point k of strata².
    @inline(__always) static func stratified(_ k: Int, _ rng: inout PCG32) -> Vec2 {
        let s = strata
        return Vec2((Float(k % s) + rng.nextFloat()) / Float(s), (Float(k / s) + rng.nextFloat()) / Float(s))
    }

    static func computeGGX(_ nx: Int, _ ny: Int, _ nz: Int) -> [Vec4] {
        fill(nx, ny, nz, seed: 0x6767_7831) { ix, iy, rng, out in
            let mu = cosNode(ix, nx)
            let r = Float(iy) / Float(ny - 1)
            let alpha = Vec2(repeating: max(r * r, 1e-4))
            let wi = Vec3((1 - mu * mu).squareRoot(), 0, mu)
            let n = strata * strata
            var e: Double = 0
            var s = [Double](repeating: 0, count: nz)
            var hat = [Double](repeating: 0, count: nz)
            for k in 0..<n {
                let h = GGX.sampleVisibleNormal(wi, alpha, stratified(k, &rng))
                let wo = reflect3(wi, about: h)
                if wo.z <= 0 { continue }
                let w = Double(GGX.G2(wi, wo, alpha) / GGX.G1(wi, alpha))
                e += w
                let c = clamp01(dot3(wi, h))
                let m = max(1 - c, 0)
                for z in 0..<nz {
                    let p = 1 + 9 * Float(z) / Float(max(nz - 1, 1))
                    s[z] += w * Double(m > 0 ? powf(m, p) : 0)
                }
                // Hat functions on the Fresnel nodes: the sample's weight is split
                // between the two nodes around c = wi·h.
                var j = 0
                while j < nz - 2 && fresnelNode(j + 1, nz) <= c { j += 1 }
                let c0 = fresnelNode(j, nz), c1 = fresnelNode(j + 1, nz)
                let t = Double(min(max((c - c0) / (c1 - c0), 0), 1))
                hat[j] += w * (1 - t)
                hat[j + 1] += w * t
            }
            for z in 0..<nz {
                out[z] = Vec4(Float(e / Double(n)), Float(s[z] / Double(n)), Float(hat[z] / Double(n)), 0)
            }
        }
    }

    /// Node j of n of the piecewise-linear Fresnel interpolant in c = wi·h:
    /// (j/(n − 1))², dense near grazing where conductor Fresnel bends most.
    @inline(__always) static func fresnelNode(_ j: Int, _ n: Int) -> Float {
        let t = Float(j) / Float(n - 1)
        return t * t
    }

    static func computeDielectric(_ nx: Int, _ ny: Int, _ nz: Int) -> [Vec4] {
        fill(nx, ny, nz, seed: 0x6469_656c) { ix, iy, rng, out in
            let mu = cosNode(ix, nx)
            let r = Float(iy) / Float(ny - 1)
            let alpha = Vec2(repeating: max(r * r, 1e-4))
            let wi = Vec3((1 - mu * mu).squareRoot(), 0, mu)
            let n = strata * strata
            var s = [Double](repeating: 0, count: nz)
            for k in 0..<n {
                let h = GGX.sampleVisibleNormal(wi, alpha, stratified(k, &rng))
                let wo = reflect3(wi, about: h)
                if wo.z <= 0 { continue }
                let w = Double(GGX.G2(wi, wo, alpha) / GGX.G1(wi, alpha))
                let c = dot3(wi, h)
                for z in 0..<nz {
                    let ior = 1 + 2 * Float(z) / Float(max(nz - 1, 1))
                    s[z] += w * Double(Fresnel.dielectric(c, ior))
                }
            }
            for z in 0..<nz { out[z] = Vec4(Float(s[z] / Double(n)), 0, 0, 0) }
        }
    }

    /// Per-row normalisation of a white lobe whose raw albedo can exceed 1 (see
    /// the type comment), made safe *between* the table's nodes as well:
    /// `fine[iy][k]` is the raw albedo at μ = k/((nx − 1)·sub), node i at k = i·sub.
    /// - .z = N = max(1, max over every fine point of this row and its two
    ///   neighbours), so E_raw(μ, r)/N ≤ 1 between nodes and rows too;
    /// - .x = E_raw(node)/N + δ, with δ ≥ 0 the largest amount by which the
    ///   normalised albedo exceeds the linear interpolation of the nodes in the
    ///   two intervals next to the node, so the interpolated estimate never
    ///   falls below the true albedo. That is what
    ///   energy needs: a layer's base is scaled by 1 − A_top (and the
    ///   inter-reflection gain is bounded by it), and the EON
    ///   multiple-scattering term by 1 − E (an estimate below the truth added
    ///   energy: 1.095 for white sheen at r = 0.05, 1.015 for EON at σ = 1).
    /// N is a constant per roughness, so the lobe stays reciprocal.
    static func normaliseRows(_ fine: [[Double]], nx: Int, ny: Int, sub: Int) -> [Vec4] {
        var values = [Vec4](repeating: Vec4(), count: nx * ny)
        let rowPeaks = fine.map { max(1, $0.max() ?? 1) }
        for iy in 0..<ny {
            let row = fine[iy]
            // The lookup also interpolates N between roughness rows: taking the
            // largest of the neighbours keeps the interpolated N above the true
            // one in between (the raw albedo is monotone in roughness there).
            let peak = rowPeaks[max(iy - 1, 0)...min(iy + 1, ny - 1)].max() ?? 1
            // Raise both nodes of an interval by the largest excess inside it.
            var raise = [Double](repeating: 0, count: nx)
            for k in 0..<row.count {
                let i = min(k / sub, nx - 2), t = Double(k - i * sub) / Double(sub)
                let lerp = (row[i * sub] * (1 - t) + row[(i + 1) * sub] * t) / peak
                let excess = row[k] / peak - lerp
                raise[i] = max(raise[i], excess)
                raise[i + 1] = max(raise[i + 1], excess)
            }
            for ix in 0..<nx {
                values[iy * nx + ix].x = Float(min(row[ix * sub] / peak + raise[ix], 1))
                values[iy * nx + ix].z = Float(peak)
            }
        }
        return values
    }

    /// Fine points per node interval for the normalisation above (the midpoint,
    /// where the linear interpolation of a smooth curve errs most).
    static let fineSubdivisions = 2

    static func computeSheen(_ nx: Int, _ ny: Int, _ nz: Int) -> [Vec4] {
        let fine = whiteAlbedoRows(nx, ny, sub: fineSubdivisions, seed: 0x7368_6565) { r, wi, wo in SheenLobe.evalWhite(r, wi, wo) }
        return normaliseRows(fine, nx: nx, ny: ny, sub: fineSubdivisions)
    }

    static func computeFON(_ nx: Int, _ ny: Int, _ nz: Int) -> [Vec4] {
        let fine = whiteAlbedoRows(nx, ny, sub: fineSubdivisions, seed: 0x666f_6e31) { sigma, wi, wo in
            OrenNayarLobe.singleWhite(sigma, wi, wo)
        }
        var values = normaliseRows(fine, nx: nx, ny: ny, sub: fineSubdivisions)
        // Ē is defined on the interpolated table itself, Ē = ∫ E_lerp(μ) 2μ dμ
        // (midpoint rule, 4096 steps), so that ∫ (1 − E(μo)) 2μo dμo = 1 − Ē holds
        // for exactly the E that eval uses: EON then conserves energy for ρ = 1
        // up to float rounding.
        let table = AlbedoTable(name: "fon", nx: nx, ny: ny, nz: 1, data: values)
        for iy in 0..<ny {
            let y = Float(iy) / Float(ny - 1)
            var sum: Double = 0
            let steps = 4096
            for k in 0..<steps {
                let mu = (Float(k) + 0.5) / Float(steps)
                sum += Double(table.lookup(mu, y, 0).x) * 2 * Double(mu)
            }
            let eAvg = Float(sum / Double(steps))
            for ix in 0..<nx { values[iy * nx + ix].y = eAvg }
        }
        return values
    }

    /// Raw directional albedo E(μ, y) of a white lobe with f·cos θo = `eval(y, wi, wo)`
    /// at μ = k/((nx − 1)·sub) (the first point at μ = 1e-4: the lobes' own limit
    /// there, without 0·∞ at exactly grazing), for every row y = iy/(ny − 1), by
    /// stratified uniform-hemisphere integration (48² strata): uniform rather
    /// than cosine-weighted because the peaky lobes at grazing (sheen at low r)
    /// put their energy near the horizon.
    static func whiteAlbedoRows(_ nx: Int, _ ny: Int, sub: Int, seed: UInt64,
                                eval: @escaping @Sendable (Float, Vec3, Vec3) -> Float) -> [[Double]] {
        let points = (nx - 1) * sub + 1
        let side = 48
        let out = UnsafeMutableBufferPointer<Double>.allocate(capacity: ny * points)
        out.initialize(repeating: 0)
        defer { out.deallocate() }
        nonisolated(unsafe) let shared = out
        DispatchQueue.concurrentPerform(iterations: ny) { iy in
            let y = Float(iy) / Float(ny - 1)
            for k in 0..<points {
                var rng = PCG32(seed: seed &+ UInt64(iy * points + k) &* 0x9E3779B97F4A7C15)
                let mu = max(Float(k) / Float(points - 1), 1e-4)
                let wi = Vec3((1 - mu * mu).squareRoot(), 0, mu)
                var e: Double = 0
                for j in 0..<(side * side) {
                    let u = Vec2((Float(j % side) + rng.nextFloat()) / Float(side), (Float(j / side) + rng.nextFloat()) / Float(side))
                    let wo = Sampling.uniformHemisphere(u)
                    if wo.z > 0 { e += Double(eval(y, wi, wo)) }
                }
                shared[iy * points + k] = e * 2 * Double.pi / Double(side * side)
            }
        }
        return (0..<ny).map { iy in Array(out[(iy * points)..<((iy + 1) * points)]) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
