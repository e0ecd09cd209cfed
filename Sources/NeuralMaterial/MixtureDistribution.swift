/// The analytic sampling distribution of a neural material (PAPER.md,
/// "Sampling distribution"): a mixture of
///
///  (a) a **tilted cosine lobe**: pdf_c(wo) = max(0, wo·c)/π about the axis
///      c = normalize(−μd.x, −μd.y, 1), and
///  (b) a **non-centred, correlated, anisotropic GGX distribution of slopes**
///      reflected about wi: the slope m = L·s + μs, s drawn from the standard
///      (α = 1) GGX slope density p(s) = 1 / (π (1 + |s|²)²), L the Cholesky
///      factor of Σ = [[αx², ραxαy], [ραxαy, αy²]]; h = normalize(−m.x, −m.y, 1),
///      wo = reflect(−wi, h) = 2(wi·h)h − wi, and
///      pdf_g(wo) = D(h)·h_z / (4|wi·h|), D(h) = p22(m)/h_z⁴,
///      p22(m) = 1 / (π αxαy√(1−ρ²) (1 + (m−μs)ᵀΣ⁻¹(m−μs))²).
///
/// All directions are in the **sampling frame = learned frame 1** (see
/// `NeuralSampler` for the mapping). The distribution is defined on the whole
/// sphere of wo and integrates to exactly 1 there:
///
///  - the cosine lobe lives on the hemisphere around its own axis c; it is
///    zero below *its* equator, not below the surface. Directions below the
///    geometric surface are legitimate samples with a correct pdf; the
///    renderer gives them zero throughput (the BRDF there is zero), which
///    costs a wasted sample, never bias. Renormalising to the upper
///    hemisphere would need an integral of the lobe over a tilted cap — not
///    cheap or exact in a shader.
///  - the GGX part maps each half vector with h_z > 0 to one wo, including
///    those with wi·h < 0 (they land below the surface); the pdf uses |wi·h|,
///    so it is the exact density of what `sample` produces.
///
/// D(h) is evaluated as 1/(π det L (h_z² + eᵀΣ⁻¹e)²) with e = h_xy + h_z μs,
/// algebraically identical to p22/h_z⁴ but free of the 1/h_z⁴ overflow at
/// grazing half vectors.
///
/// |ρ| is clamped to `maxCorrelation` inside the distribution (sample, pdf and
/// gradient alike) so that Σ stays invertible in float32 even when the warp
/// saturates to ±1.
public struct MixtureDistribution<T: NMReal>: Equatable, Sendable {
    public var parameters: MixtureParameters<T>
    public static var maxCorrelation: T { T(0.999) }

    public init(_ parameters: MixtureParameters<T>) { self.parameters = parameters }

    @inline(__always) var rhoClamped: T { min(max(parameters.rho, -Self.maxCorrelation), Self.maxCorrelation) }

    /// Cosine-lobe axis c = normalize(−μd.x, −μd.y, 1).
    @inline(__always) public var diffuseAxis: SIMD3<T> {
        normalize3(SIMD3(-parameters.diffuseMean.x, -parameters.diffuseMean.y, 1))
    }

    // MARK: pdf

    /// D(h) of the slope distribution (h_z > 0 required, else 0).
    @inline(__always)
    public func ggxD(_ h: SIMD3<T>) -> T {
        guard h.z > 0 else { return 0 }
        let p = parameters
        let rho = rhoClamped
        let omr = 1 - rho * rho
        let ex = h.x + h.z * p.specularMean.x
        let ey = h.y + h.z * p.specularMean.y
        let a = ex / p.alphaX, b = ey / p.alphaY
        let q = (a * a - 2 * rho * a * b + b * b) / omr
        let den = h.z * h.z + q
        let det = p.alphaX * p.alphaY * T.nmSqrt(omr)
        return 1 / (T.pi * det * den * den)
    }

    /// The half vector with h_z ≥ 0 that reflects wi into wo, or nil when
    /// wi + wo = 0 (measure zero).
    @inline(__always)
    static func halfVector(_ wi: SIMD3<T>, _ wo: SIMD3<T>) -> SIMD3<T>? {
        var h = wi + wo
        let l2 = dot3(h, h)
        guard l2 > T(1e-20) else { return nil }
        h /= T.nmSqrt(l2)
        if h.z < 0 { h = -h }
        return h
    }

    @inline(__always)
    public func ggxPdf(wi: SIMD3<T>, wo: SIMD3<T>) -> T {
        guard let h = Self.halfVector(wi, wo) else { return 0 }
        let c = abs(dot3(wi, h))
        guard c > 0 else { return 0 }
        return ggxD(h) * h.z / (4 * c)
    }

    @inline(__always)
    public func cosinePdf(wo: SIMD3<T>) -> T {
        max(0, dot3(wo, diffuseAxis)) / T.pi
    }

    /// Mixture pdf per unit solid angle of wo.
    @inline(__always)
    public func pdf(wi: SIMD3<T>, wo: SIMD3<T>) -> T {
        parameters.specularWeight * ggxPdf(wi: wi, wo: wo) + parameters.diffuseWeight * cosinePdf(wo: wo)
    }

    // MARK: sample

    /// Draws wo from the mixture with three uniforms in [0, 1): u.x picks the
    /// lobe (and is rescaled, so the lobe sample stays stratified), u.y/u.z
    /// drive the lobe. Returns wo and the *mixture* pdf (what MIS needs).
    @inline(__always)
    public func sample(wi: SIMD3<T>, u: SIMD3<T>) -> (wo: SIMD3<T>, pdf: T) {
        let p = parameters
        let wo: SIMD3<T>
        if u.x < p.specularWeight {
            wo = sampleGGX(wi: wi, u: SIMD2(u.y, u.z))
        } else {
            wo = sampleCosine(u: SIMD2(u.y, u.z))
        }
        return (wo, pdf(wi: wi, wo: wo))
    }

    /// Standard GGX slope by inversion of its radial CDF r²/(1+r²) = u₁,
    /// stretched by L, offset by μs, turned into a half vector and reflected.
    @inline(__always)
    public func sampleGGX(wi: SIMD3<T>, u: SIMD2<T>) -> SIMD3<T> {
        let p = parameters
        let u1 = min(u.x, 1 - T.ulpOfOne)
        let r = T.nmSqrt(u1 / (1 - u1))
        let phi = 2 * T.pi * u.y
        let sx = r * T.nmCos(phi), sy = r * T.nmSin(phi)
        let rho = rhoClamped
        let mx = p.alphaX * sx + p.specularMean.x
        let my = p.alphaY * (rho * sx + T.nmSqrt(1 - rho * rho) * sy) + p.specularMean.y
        let h = normalize3(SIMD3(-mx, -my, 1))
        return 2 * dot3(wi, h) * h - wi
    }

    /// Cosine-weighted direction about the tilted axis.
    @inline(__always)
    public func sampleCosine(u: SIMD2<T>) -> SIMD3<T> {
        let c = diffuseAxis
        let r = T.nmSqrt(u.x)
        let phi = 2 * T.pi * u.y
        let x = r * T.nmCos(phi), y = r * T.nmSin(phi)
        let z = T.nmSqrt(max(0, 1 - u.x))
        let (t, b) = orthonormalBasis(c)
        return normalize3(x * t + y * b + z * c)
    }

    /// Branchless ONB (Duff et al. 2017, "Building an orthonormal basis, revisited").
    @inline(__always)
    func orthonormalBasis(_ n: SIMD3<T>) -> (SIMD3<T>, SIMD3<T>) {
        let s: T = n.z >= 0 ? 1 : -1
        let a = -1 / (s + n.z)
        let b = n.x * n.y * a
        return (SIMD3(1 + s * n.x * n.x * a, s * b, -s * n.x), SIMD3(b, s + n.y * n.y * a, -n.y))
    }

    // MARK: gradient

    /// pdf(wo) and ∂pdf/∂(each warped parameter), for the sampler's KL loss.
    ///
    /// With e = h_xy + h_z μs, a = e_x/αx, b = e_y/αy, Q = (a² − 2ρab + b²)/(1−ρ²),
    /// S = h_z² + Q, log D = −log π − log αx − log αy − ½log(1−ρ²) − 2 log S:
    /// ∂logD/∂αx = −1/αx + (2/S)(∂Q/∂a)(a/αx),   ∂Q/∂a = 2(a − ρb)/(1−ρ²)
    /// ∂logD/∂ρ  = ρ/(1−ρ²) − (2/S)(2ρQ − 2ab)/(1−ρ²)
    /// ∂logD/∂μs.x = −(2/S)(∂Q/∂a)(h_z/αx);  and symmetric in y.
    /// Cosine lobe: ∂(wo·c)/∂μd = −[(wo − (wo·c)c)/|ṽ|]_xy with ṽ = (−μd, 1).
    public func pdfGradient(wi: SIMD3<T>, wo: SIMD3<T>) -> (pdf: T, gradient: MixtureParameters<T>) {
        let p = parameters
        var g = MixtureParameters<T>.zero
        var pg: T = 0
        if let h = Self.halfVector(wi, wo), h.z > 0, abs(dot3(wi, h)) > 0 {
            let rawRho = p.rho
            let rho = rhoClamped
            let omr = 1 - rho * rho
            let ex = h.x + h.z * p.specularMean.x
            let ey = h.y + h.z * p.specularMean.y
            let a = ex / p.alphaX, b = ey / p.alphaY
            let q = (a * a - 2 * rho * a * b + b * b) / omr
            let s = h.z * h.z + q
            let det = p.alphaX * p.alphaY * T.nmSqrt(omr)
            let d = 1 / (T.pi * det * s * s)
            pg = d * h.z / (4 * abs(dot3(wi, h)))
            let dQda = 2 * (a - rho * b) / omr
            let dQdb = 2 * (b - rho * a) / omr
            let k = 2 / s
            let dlax = -1 / p.alphaX + k * dQda * a / p.alphaX
            let dlay = -1 / p.alphaY + k * dQdb * b / p.alphaY
            let clampedOut = abs(rawRho) > Self.maxCorrelation
            let dlrho = clampedOut ? 0 : rho / omr - k * (2 * rho * q - 2 * a * b) / omr
            let dlmx = -k * dQda * h.z / p.alphaX
            let dlmy = -k * dQdb * h.z / p.alphaY
            let ws = p.specularWeight * pg
            g.alphaX = ws * dlax
            g.alphaY = ws * dlay
            g.rho = ws * dlrho
            g.specularMean = SIMD2(ws * dlmx, ws * dlmy)
        }
        let v = SIMD3(-p.diffuseMean.x, -p.diffuseMean.y, 1)
        let len = T.nmSqrt(dot3(v, v))
        let c = v / len
        let cosC = dot3(wo, c)
        var pc: T = 0
        if cosC > 0 {
            pc = cosC / T.pi
            let dv = (wo - cosC * c) / len
            g.diffuseMean = SIMD2(-dv.x, -dv.y) * (p.diffuseWeight / T.pi)
        }
        g.specularWeight = pg
        g.diffuseWeight = pc
        return (p.specularWeight * pg + p.diffuseWeight * pc, g)
    }
}
