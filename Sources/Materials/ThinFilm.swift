#if canImport(Glibc)
import Glibc
#endif

/// Thin-film interference on a microfacet lobe's Fresnel term (iridescence:
/// soap films, oxide layers, pearl). A film of thickness d (nm) and real IOR
/// n₁ lies on the lobe's substrate (complex IOR η + ik per RGB channel); light
/// arrives from IOR 1. The reflectance at one wavelength λ is the Airy sum of
/// the rays bouncing inside the film, per polarisation:
///
///     r = (r₀₁ + r₁₂ e^{iδ}) / (1 + r₀₁ r₁₂ e^{iδ}),   δ = 4π n₁ d cos θ₁ / λ,
///
/// with r₀₁ (air → film) and r₁₂ (film → substrate, complex) the Fresnel
/// amplitudes, R = ½(|r_s|² + |r_p|²). At d = 0 it is the bare substrate's
/// reflectance exactly.
///
/// Spectral to RGB: channel c averages R over `wavelengthCount` wavelengths
/// with weights w_c(λ) ≥ 0 that sum to 1 (`channelWeights`: the CIE 1931
/// colour-matching functions, through XYZ → linear Rec.709, negative lobes
/// clamped to 0, normalised per channel), evaluated with the substrate of that
/// channel. Being a convex combination of reflectances it stays in [0, 1]
/// (so albedos built from it stay ≤ 1), and with no film it is exactly the
/// RGB Fresnel the lobe has without one. Mirrored by lqThinFilm in
/// Shaders/include/layered_common.glsl, which holds the same weight table as
/// literals (a test checks that it is current).
///
/// `LobeParams.film` = (weight, thickness nm, film IOR): the lobe's Fresnel is
/// mix(bare, filmed, weight); a film is present when weight > 0 and d > 0.
enum ThinFilm {
    static let wavelengthCount = 32
    /// Thicknesses are clamped to this (nm). The 12 nm sampling resolves the
    /// fringes (phase step between samples ≤ π at the blue end) up to
    /// n₁·d ≈ 3000 nm, e.g. 2000 nm of IOR 1.5; denser or thicker films
    /// alias, so their colours are unreliable (real ones look nearly white).
    static let maximumThickness: Float = 2000

    @inline(__always) static func wavelength(_ j: Int) -> Float { 380 + 12 * (Float(j) + 0.5) }

    /// Per-wavelength RGB weights (each channel sums to 1 over the wavelengths).
    static let channelWeights: [Vec3] = {
        // Piecewise-Gaussian fit of the CIE 1931 2° observer (Wyman, Sloan and
        // Shirley 2013, "Simple analytic approximations to the CIE XYZ colour
        // matching functions").
        func g(_ x: Double, _ mu: Double, _ s1: Double, _ s2: Double) -> Double {
            let t = (x - mu) / (x < mu ? s1 : s2)
            return exp(-0.5 * t * t)
        }
        var rows: [SIMD3<Double>] = []
        var sums = SIMD3<Double>()
        for j in 0..<wavelengthCount {
            let l = Double(wavelength(j))
            let x = 1.056 * g(l, 599.8, 37.9, 31.0) + 0.362 * g(l, 442.0, 16.0, 26.7) - 0.065 * g(l, 501.1, 20.4, 26.2)
            let y = 0.821 * g(l, 568.8, 46.9, 40.5) + 0.286 * g(l, 530.9, 16.3, 31.1)
            let z = 1.217 * g(l, 437.0, 11.8, 36.0) + 0.681 * g(l, 459.0, 26.0, 13.8)
            // XYZ → linear Rec.709 (D65).
            let r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
            let gr = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
            let b = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
            let row = SIMD3<Double>(max(r, 0), max(gr, 0), max(b, 0))
            rows.append(row)
            sums += row
        }
        return rows.map { Vec3(Float($0.x / sums.x), Float($0.y / sums.y), Float($0.z / sums.z)) }
    }()

    // Complex numbers as (re, im).
    @inline(__always) static func cmul(_ a: Vec2, _ b: Vec2) -> Vec2 { Vec2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x) }
    @inline(__always) static func cdiv(_ a: Vec2, _ b: Vec2) -> Vec2 {
        let d = max(b.x * b.x + b.y * b.y, 1e-30)
        return Vec2(a.x * b.x + a.y * b.y, a.y * b.x - a.x * b.y) / d
    }
    /// Principal square root (real part ≥ 0).
    @inline(__always) static func csqrt(_ a: Vec2) -> Vec2 {
        let m = (a.x * a.x + a.y * a.y).squareRoot()
        let re = max(0.5 * (m + a.x), 0).squareRoot()
        let im = max(0.5 * (m - a.x), 0).squareRoot()
        return Vec2(re, a.y < 0 ? -im : im)
    }

    /// Film-side quantities of one channel at one angle: the air→film and
    /// film→substrate amplitudes (s, p) and the phase per nm of wavelength⁻¹.
    struct Interfaces {
        var r01s: Float, r01p: Float
        var r12s: Vec2, r12p: Vec2
        /// δ·λ = 4π n₁ d cos θ₁.
        var phaseTimesWavelength: Float
    }

    @inline(__always) static func interfaces(_ cosI: Float, _ thickness: Float, _ filmIOR: Float,
                                             _ eta: Float, _ k: Float) -> Interfaces {
        let c0 = clamp01(cosI)
        let s2 = 1 - c0 * c0
        let n1 = filmIOR
        let c1 = max(1 - s2 / (n1 * n1), 0).squareRoot()
        let n2 = Vec2(eta, k)
        let c2 = csqrt(Vec2(1, 0) - cdiv(Vec2(s2, 0), cmul(n2, n2)))
        let n1c1 = Vec2(n1 * c1, 0), n2c2 = cmul(n2, c2)
        let n2c1 = n2 * c1, n1c2 = c2 * n1
        return Interfaces(
            r01s: (c0 - n1 * c1) / (c0 + n1 * c1),
            r01p: (n1 * c0 - c1) / (n1 * c0 + c1),
            r12s: cdiv(n1c1 - n2c2, n1c1 + n2c2),
            r12p: cdiv(n2c1 - n1c2, n2c1 + n1c2),
            phaseTimesWavelength: 4 * Float.pi * n1 * thickness * c1)
    }

    /// |(r₀₁ + r₁₂ e^{iδ}) / (1 + r₀₁ r₁₂ e^{iδ})|² for one polarisation.
    @inline(__always) static func airy(_ r01: Float, _ r12: Vec2, _ e: Vec2) -> Float {
        let t = cmul(r12, e)
        let num = Vec2(r01 + t.x, t.y)
        let den = Vec2(1 + r01 * t.x, r01 * t.y)
        return (num.x * num.x + num.y * num.y) / max(den.x * den.x + den.y * den.y, 1e-30)
    }

    /// e^{iδ} for δ = phaseTimesWavelength / λ, the angle reduced to [0, 2π)
    /// first so that CPU and GPU cosines agree for thick films.
    @inline(__always) static func phasor(_ phaseTimesWavelength: Float, _ wavelength: Float) -> Vec2 {
        let d = phaseTimesWavelength / wavelength
        let r = d - 2 * Float.pi * floorf(d * (0.5 / Float.pi))
        return Vec2(cosf(r), sinf(r))
    }

    /// Reflectance at one wavelength (nm) for a substrate of complex IOR η + ik.
    @inline(__always) static func reflectance(cosI: Float, wavelength: Float, thickness: Float, filmIOR: Float,
                                              eta: Float, k: Float) -> Float {
        let f = interfaces(cosI, thickness, filmIOR, eta, k)
        let e = phasor(f.phaseTimesWavelength, wavelength)
        return min(0.5 * (airy(f.r01s, f.r12s, e) + airy(f.r01p, f.r12p, e)), 1)
    }

    /// RGB reflectance of the filmed substrate (η, k per channel), spectrally
    /// averaged. The phase depends on the film alone, so it is shared.
    @inline(__always) static func rgb(_ cosI: Float, _ thickness: Float, _ filmIOR: Float, _ eta: Vec3, _ k: Vec3) -> Vec3 {
        let fr = interfaces(cosI, thickness, filmIOR, eta.x, k.x)
        let fg = interfaces(cosI, thickness, filmIOR, eta.y, k.y)
        let fb = interfaces(cosI, thickness, filmIOR, eta.z, k.z)
        var out = Vec3()
        channelWeights.withUnsafeBufferPointer { w in
            for j in 0..<wavelengthCount {
                let e = phasor(fr.phaseTimesWavelength, wavelength(j))
                let r = 0.5 * (airy(fr.r01s, fr.r12s, e) + airy(fr.r01p, fr.r12p, e))
                let g = 0.5 * (airy(fg.r01s, fg.r12s, e) + airy(fg.r01p, fg.r12p, e))
                let b = 0.5 * (airy(fb.r01s, fb.r12s, e) + airy(fb.r01p, fb.r12p, e))
                out += w[j] * Vec3(r, g, b)
            }
        }
        return clamp01(out)
    }
}
