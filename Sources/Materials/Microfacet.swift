/// GGX (Trowbridge–Reitz) microfacet distribution with Smith height-correlated
/// masking-shadowing, visible-normal sampling (Heitz 2018) and Fresnel terms.
/// Line for line the same as Shaders/include/microfacet.glsl.
enum GGX {
    @inline(__always) static func D(_ h: Vec3, _ alpha: Vec2) -> Float {
        if h.z <= 0 { return 0 }
        let sx = h.x / alpha.x, sy = h.y / alpha.y
        let d = sx * sx + sy * sy + h.z * h.z
        return 1 / (Float.pi * alpha.x * alpha.y * d * d)
    }

    /// z·Λ(w) = ½(√(z² + a²) − z) with a² = (αx wx)² + (αy wy)², written as
    /// ½a²/(√(z² + a²) + z): no cancellation and no division by z, so it is
    /// finite and accurate for every |z| down to the smallest positive float
    /// (where Λ itself grows like a/2z and z² underflows).
    @inline(__always) static func zLambda(_ w: Vec3, _ alpha: Vec2) -> Float {
        let ax = alpha.x * w.x, ay = alpha.y * w.y
        let a2 = ax * ax + ay * ay
        let z = abs(w.z)
        let d = (z * z + a2).squareRoot() + z
        return d > 0 ? 0.5 * a2 / d : 0
    }

    /// Smith Λ; +∞ at exact grazing (fully masked) when the slope term is non-zero.
    @inline(__always) static func lambda(_ w: Vec3, _ alpha: Vec2) -> Float {
        let z = abs(w.z)
        let zl = zLambda(w, alpha)
        return z > 0 ? zl / z : (zl > 0 ? Float.infinity : 0)
    }

    @inline(__always) static func G1(_ w: Vec3, _ alpha: Vec2) -> Float { 1 / (1 + lambda(w, alpha)) }
    @inline(__always) static func G2(_ wi: Vec3, _ wo: Vec3, _ alpha: Vec2) -> Float {
        1 / (1 + lambda(wi, alpha) + lambda(wo, alpha))
    }

    /// G2(wi, wo)/(4 cos θi) = 1/(4(zi + zi·Λi + zi·Λo)) for wi.z, wo.z > 0, formed
    /// without Λi so it stays finite as wi grazes (the 1/cos θi and the masking
    /// cancel analytically; evaluating them apart gave 0, then 1e29, then ∞).
    @inline(__always) static func G2OverFourCosI(_ wi: Vec3, _ wo: Vec3, _ alpha: Vec2) -> Float {
        1 / (4 * (wi.z + zLambda(wi, alpha) + wi.z * lambda(wo, alpha)))
    }

    /// G1(wi)/(4 cos θi) = 1/(4(zi + zi·Λi)) for wi.z > 0, finite likewise.
    @inline(__always) static func G1OverFourCosI(_ wi: Vec3, _ alpha: Vec2) -> Float {
        1 / (4 * (wi.z + zLambda(wi, alpha)))
    }

    /// Visible-normal sampling for wi.z > 0.
    @inline(__always) static func sampleVisibleNormal(_ wi: Vec3, _ alpha: Vec2, _ u: Vec2) -> Vec3 {
        let vh = normalize3(Vec3(alpha.x * wi.x, alpha.y * wi.y, wi.z))
        let lensq = vh.x * vh.x + vh.y * vh.y
        let t1 = lensq > 0 ? Vec3(-vh.y, vh.x, 0) * (1 / lensq.squareRoot()) : Vec3(1, 0, 0)
        let t2 = cross3(vh, t1)
        let r = u.x.squareRoot()
        let phi = 2 * Float.pi * u.y
        let p1 = r * cosf(phi)
        var p2 = r * sinf(phi)
        let s = 0.5 * (1 + vh.z)
        p2 = (1 - s) * max(0, 1 - p1 * p1).squareRoot() + s * p2
        let nh = p1 * t1 + p2 * t2 + max(0, 1 - p1 * p1 - p2 * p2).squareRoot() * vh
        return normalize3(Vec3(alpha.x * nh.x, alpha.y * nh.y, max(1e-6, nh.z)))
    }

    /// pdf of wo = reflect(-wi, h) with h from the visible normals of wi.
    @inline(__always) static func reflectionPdf(_ wi: Vec3, _ wo: Vec3, _ alpha: Vec2) -> Float {
        if wi.z <= 0 || wo.z <= 0 { return 0 }
        let h = normalize3(wi + wo)
        return D(h, alpha) * G1OverFourCosI(wi, alpha)
    }
}

enum Fresnel {
    /// Unpolarised conductor reflectance for complex IOR eta + i k (per channel).
    @inline(__always) static func conductor(_ cosI: Float, _ eta: Vec3, _ k: Vec3) -> Vec3 {
        let c = clamp01(cosI)
        let c2 = c * c
        let s2 = 1 - c2
        let eta2 = eta * eta
        let k2 = k * k
        let t0 = eta2 - k2 - Vec3(repeating: s2)
        let q = t0 * t0 + 4 * eta2 * k2
        let a2b2 = Vec3(max(q.x, 0).squareRoot(), max(q.y, 0).squareRoot(), max(q.z, 0).squareRoot())
        let t1 = a2b2 + Vec3(repeating: c2)
        let ah = 0.5 * (a2b2 + t0)
        let a = Vec3(max(ah.x, 0).squareRoot(), max(ah.y, 0).squareRoot(), max(ah.z, 0).squareRoot())
        let t2 = 2 * c * a
        let rs = (t1 - t2) / simd_maxv(t1 + t2, 1e-12)
        let t3 = c2 * a2b2 + Vec3(repeating: s2 * s2)
        let t4 = t2 * s2
        let rp = rs * (t3 - t4) / simd_maxv(t3 + t4, 1e-12)
        return clamp01(0.5 * (rp + rs))
    }

    /// Unpolarised dielectric reflectance, light arriving from IOR 1 onto eta.
    @inline(__always) static func dielectric(_ cosI: Float, _ eta: Float) -> Float {
        let c = clamp01(cosI)
        let sin2t = (1 - c * c) / (eta * eta)
        if sin2t >= 1 { return 1 }
        let ct = (1 - sin2t).squareRoot()
        let rs = (c - eta * ct) / (c + eta * ct)
        let rp = (eta * c - ct) / (eta * c + ct)
        return 0.5 * (rs * rs + rp * rp)
    }

    /// Generalised Schlick: F0 + (F90 − F0)(1 − cos)^p.
    @inline(__always) static func schlick(_ cosI: Float, _ f0: Vec3, _ f90: Vec3, _ p: Float) -> Vec3 {
        let m = max(1 - clamp01(cosI), 0)
        let w = m > 0 ? powf(m, p) : 0
        return f0 + (f90 - f0) * w
    }

    /// Gulbrandsen 2014, "Artist friendly metallic Fresnel": reflectivity r and
    /// edge tint g to the complex IOR (n, k) that reproduces them.
    @inline(__always) static func gulbrandsen(reflectivity: Vec3, edge: Vec3) -> (n: Vec3, k: Vec3) {
        let r = simd_clamp3(reflectivity, 0, 0.99)
        let g = clamp01(edge)
        var n = Vec3(), k = Vec3()
        for i in 0..<3 {
            let sr = r[i].squareRoot()
            let nMin = (1 - r[i]) / (1 + r[i])
            let nMax = (1 + sr) / (1 - sr)
            let ni = g[i] * nMin + (1 - g[i]) * nMax
            let k2 = ((ni + 1) * (ni + 1) * r[i] - (ni - 1) * (ni - 1)) / (1 - r[i])
            n[i] = ni
            k[i] = max(k2, 0).squareRoot()
        }
        return (n, k)
    }
}

@inline(__always) func simd_maxv(_ v: Vec3, _ m: Float) -> Vec3 { Vec3(max(v.x, m), max(v.y, m), max(v.z, m)) }

#if canImport(Glibc)
import Glibc
#endif
