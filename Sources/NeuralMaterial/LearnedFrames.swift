import CTrainingKernels

/// An orthonormal frame (t, b, n) expressed in the shading frame.
public struct ShadingFrame<T: NMReal>: Equatable, Sendable {
    public var t: SIMD3<T>
    public var b: SIMD3<T>
    public var n: SIMD3<T>

    public init(t: SIMD3<T>, b: SIMD3<T>, n: SIMD3<T>) {
        self.t = t; self.b = b; self.n = n
    }

    /// Shading-frame direction → coordinates in this frame (v·t, v·b, v·n).
    @inline(__always) public func toLocal(_ v: SIMD3<T>) -> SIMD3<T> { SIMD3(dot3(v, t), dot3(v, b), dot3(v, n)) }
    /// Coordinates in this frame → shading-frame direction.
    @inline(__always) public func toShading(_ v: SIMD3<T>) -> SIMD3<T> { v.x * t + v.y * b + v.z * n }
}

/// The learned shading frames (PAPER.md "Learned shading frames").
///
/// A bias-free linear layer maps the latent (C) to 12 raw values: for frame
/// k ∈ {1, 2}, raw normal r_n = raw[6(k−1) ..< 6(k−1)+3] and raw tangent
/// r_t = raw[6(k−1)+3 ..< 6k]. Then
///
///     n = normalize(r_n + (0,0,1))
///     t = normalize(t̃ − (n·t̃) n)   with t̃ = r_t + (1,0,0)      ← decision
///     b = n × t
///
/// **Decision (Gram–Schmidt):** the paper writes t = normalize(r_t + (1,0,0))
/// without re-orthogonalising against n. We project t̃ onto the plane ⟂ n
/// before normalising (normalising t̃ first would not change the direction,
/// so it is skipped). Reason: frame 1 is also the *sampling* frame, and
/// mapping a sampled direction from a non-orthonormal basis back to the
/// shading frame would change solid angle, making the analytic pdf wrong.
/// With an orthonormal (t, b, n) the mapping is a rotation and the pdf is
/// exact. It costs one extra dot product and is equally differentiable.
///
/// Features (the first 12 BRDF inputs), in this order:
/// [wi in frame 1 (3), wo in frame 1 (3), wi in frame 2 (3), wo in frame 2 (3)],
/// each as (·t, ·b, ·n); with `FrameInputs.withHalfVector` each frame's block
/// ends with h (3) as well: [wi₁, wo₁, h₁, wi₂, wo₂, h₂] (18); with
/// `.halfDifference` each frame's block is [h, d, wi.z, wo.z] (16 in all),
/// with `.halfDifferenceLogAngle` [h, d, wi.z, wo.z, s] (18, s = `logHalfAngle`).
public enum FrameLayer {
    public static let rawCount = 12
    public static let featureCount = 12

    /// Builds frame k (0 or 1) from the 12 raw values.
    @inline(__always)
    public static func frame<T: NMReal>(raw: UnsafePointer<T>, index k: Int) -> ShadingFrame<T> {
        let o = 6 * k
        let vn = SIMD3(raw[o], raw[o + 1], raw[o + 2] + 1)
        let vt = SIMD3(raw[o + 3] + 1, raw[o + 4], raw[o + 5])
        let n = normalize3(vn)
        let tp = vt - dot3(n, vt) * n
        let t = normalize3(tp)
        return ShadingFrame(t: t, b: cross3(n, t), n: n)
    }

    public static func frame<T: NMReal>(raw: [T], index k: Int) -> ShadingFrame<T> {
        raw.withUnsafeBufferPointer { frame(raw: $0.baseAddress!, index: k) }
    }

    /// The half vector h = normalize(wi + wo) (`FrameInputs.withHalfVector`, `.halfDifference`).
    @inline(__always)
    public static func halfVector<T: NMReal>(_ wi: SIMD3<T>, _ wo: SIMD3<T>) -> SIMD3<T> { normalize3(wi + wo) }

    /// `LQ_DIFFERENCE_POLE_SOFTENING`, the C header's one definition.
    public static let differencePoleSoftening: Float = LQ_DIFFERENCE_POLE_SOFTENING

    /// The difference vector (`FrameInputs.halfDifference`): w (wi in a learned
    /// frame) in the frame that turns h (the half vector in that frame) to the
    /// pole — rotate by −φ_h about the normal, then by −θ_h about the new
    /// y axis (Rusinkiewicz 1998). Without trigonometry, with p = w.x h.x + w.y h.y,
    /// m = w.y h.x − w.x h.y, q = h.x² + h.y² and r = 1/√(q + ε):
    ///
    ///     d = ((h.z p − w.z q) r,  m r,  p + w.z h.z)
    ///
    /// **Decision (pole softening ε):** exact Rusinkiewicz divides by sin θ_h = √q,
    /// so d's azimuth jumps and its gradient grows without bound where h meets
    /// the normal — the peak of every specular lobe. With ε = 1e-4 d is smooth
    /// everywhere, equals the exact vector to 1 % for θ_h above 0.07 rad and
    /// its gradient stays below 1/√ε = 100; inside that cap d's azimuth fades
    /// to 0, which costs an isotropic lobe nothing (it does not depend on the
    /// azimuth at the pole). d.z = w·h = cos θ_d is exact.
    @inline(__always)
    public static func differenceVector<T: NMReal>(_ w: SIMD3<T>, half h: SIMD3<T>) -> SIMD3<T> {
        let p = w.x * h.x + w.y * h.y
        let m = w.y * h.x - w.x * h.y
        let q = h.x * h.x + h.y * h.y
        let r = 1 / T.nmSqrt(q + T(differencePoleSoftening))
        return SIMD3((h.z * p - w.z * q) * r, m * r, p + w.z * h.z)
    }

    /// Backward of `differenceVector`: dL/dd = g → (dL/dw, dL/dh). With
    /// u = g.xy r and k = (g.x (h.z p − w.z q) + g.y m) r³ (from ∂r/∂h.xy = −h.xy r³):
    /// dw = (u.x h.z h.x − u.y h.y + g.z h.x, u.x h.z h.y + u.y h.x + g.z h.y, g.z h.z − u.x q),
    /// dh = (u.x (h.z w.x − 2 w.z h.x) + u.y w.y − k h.x + g.z w.x,
    ///       u.x (h.z w.y − 2 w.z h.y) − u.y w.x − k h.y + g.z w.y,  u.x p + g.z w.z).
    @inline(__always)
    public static func differenceVectorBackward<T: NMReal>(_ w: SIMD3<T>, half h: SIMD3<T>, _ g: SIMD3<T>) -> (dw: SIMD3<T>, dh: SIMD3<T>) {
        let p = w.x * h.x + w.y * h.y
        let m = w.y * h.x - w.x * h.y
        let q = h.x * h.x + h.y * h.y
        let r = 1 / T.nmSqrt(q + T(differencePoleSoftening))
        let a = h.z * p - w.z * q
        let ux = g.x * r, uy = g.y * r
        let k = (g.x * a + g.y * m) * (r * r * r)
        let two = T(2)
        let dw = SIMD3(ux * h.z * h.x - uy * h.y + g.z * h.x,
                       ux * h.z * h.y + uy * h.x + g.z * h.y,
                       g.z * h.z - ux * q)
        let dh = SIMD3(ux * (h.z * w.x - two * w.z * h.x) + uy * w.y - k * h.x + g.z * w.x,
                       ux * (h.z * w.y - two * w.z * h.y) - uy * w.x - k * h.y + g.z * w.y,
                       ux * p + g.z * w.z)
        return (dw, dh)
    }

    /// `LQ_LOG_HALF_ANGLE_FLOOR` and `_SCALE`, the C header's one definition.
    public static let logHalfAngleFloor: Float = LQ_LOG_HALF_ANGLE_FLOOR
    public static let logHalfAngleScale: Float = LQ_LOG_HALF_ANGLE_SCALE

    /// The log-stretched half angle (`FrameInputs.halfDifferenceLogAngle`) of
    /// h in a learned frame: s = 1 + c·log(sin²θ_h + ε) with sin²θ_h = h.x² + h.y²,
    /// ε = 1e-4 and c = 1/log(1/ε), so s runs from 0 at the pole to 1 at the
    /// horizon and a GGX peak of any roughness α ≥ 0.01 — whose log falls
    /// like −2·log(α² + tan²θ_h) — is close to a straight line in s past its
    /// core. ε caps the slope (ds/dh stays below c/√ε ≈ 11) where h meets the normal.
    @inline(__always)
    public static func logHalfAngle<T: NMReal>(_ h: SIMD3<T>) -> T {
        let q = h.x * h.x + h.y * h.y
        return 1 + T(logHalfAngleScale) * T.nmKernelLog(q + T(logHalfAngleFloor))
    }

    /// dL/d(h.x, h.y) of `logHalfAngle` is this factor times (h.x, h.y), for dL/ds = g.
    @inline(__always)
    public static func logHalfAngleFactor<T: NMReal>(_ h: SIMD3<T>, _ g: T) -> T {
        let q = h.x * h.x + h.y * h.y
        return 2 * g * T(logHalfAngleScale) / (q + T(logHalfAngleFloor))
    }

    /// Forward: raw (12) + wi, wo → features (`inputs` in frame 1, then frame 2:
    /// 12 for wi, wo; 18 with h; 16 for h, d, wi.z, wo.z; 18 with s as well).
    @inline(__always)
    public static func features<T: NMReal>(raw: UnsafePointer<T>, wi: SIMD3<T>, wo: SIMD3<T>, inputs: FrameInputs = .incidentOutgoing,
                                           into out: UnsafeMutablePointer<T>) {
        let h = inputs.usesHalfVector ? halfVector(wi, wo) : .zero
        let perFrame = inputs.featuresPerFrame
        for k in 0..<2 {
            let f = frame(raw: raw, index: k)
            let a = f.toLocal(wi), c = f.toLocal(wo)
            let o = perFrame * k
            switch inputs {
            case .incidentOutgoing, .withHalfVector:
                out[o] = a.x; out[o + 1] = a.y; out[o + 2] = a.z
                out[o + 3] = c.x; out[o + 4] = c.y; out[o + 5] = c.z
                if inputs == .withHalfVector {
                    let e = f.toLocal(h)
                    out[o + 6] = e.x; out[o + 7] = e.y; out[o + 8] = e.z
                }
            case .halfDifference, .halfDifferenceLogAngle:
                let e = f.toLocal(h)
                let d = differenceVector(a, half: e)
                out[o] = e.x; out[o + 1] = e.y; out[o + 2] = e.z
                out[o + 3] = d.x; out[o + 4] = d.y; out[o + 5] = d.z
                out[o + 6] = a.z; out[o + 7] = c.z
                if inputs == .halfDifferenceLogAngle { out[o + 8] = logHalfAngle(e) }
            }
        }
    }

    /// Backward: dL/dfeatures (laid out as `features`) → dL/draw (12), written (not accumulated).
    ///
    /// Derivation (per frame), with g_i, g_o, g_h the gradients of wi, wo, h
    /// in the frame (for `.halfDifference` gathered from d's, wi.z's and wo.z's
    /// through `differenceVectorBackward`):
    /// dt = g_i.x wi + g_o.x wo (+ g_h.x h), db = g_i.y wi + g_o.y wo (+ g_h.y h),
    /// dn = g_i.z wi + g_o.z wo (+ g_h.z h) — h depends on wi, wo only;
    /// b = n×t ⇒ dn += t×db, dt += db×n; t = t̂/|t̂| ⇒ dt̂ = (dt − (dt·t)t)/|t̂|;
    /// t̂ = t̃ − (n·t̃)n ⇒ dt̃ = dt̂ − (n·dt̂)n, dn += −(n·dt̂)t̃ − (n·t̃)dt̂;
    /// n = ṽ/|ṽ| ⇒ dṽ = (dn − (dn·n)n)/|ṽ|.
    @inline(__always)
    public static func backward<T: NMReal>(raw: UnsafePointer<T>, wi: SIMD3<T>, wo: SIMD3<T>, inputs: FrameInputs = .incidentOutgoing,
                                           dFeatures g: UnsafePointer<T>, dRaw: UnsafeMutablePointer<T>) {
        let h = inputs.usesHalfVector ? halfVector(wi, wo) : .zero
        let perFrame = inputs.featuresPerFrame
        for k in 0..<2 {
            let o = 6 * k, q = perFrame * k
            let vn = SIMD3(raw[o], raw[o + 1], raw[o + 2] + 1)
            let vt = SIMD3(raw[o + 3] + 1, raw[o + 4], raw[o + 5])
            let n = normalize3(vn)
            let tp = vt - dot3(n, vt) * n
            let t = normalize3(tp)
            var gi: SIMD3<T>, go: SIMD3<T>, gh = SIMD3<T>.zero
            switch inputs {
            case .incidentOutgoing, .withHalfVector:
                gi = SIMD3(g[q], g[q + 1], g[q + 2])
                go = SIMD3(g[q + 3], g[q + 4], g[q + 5])
                if inputs == .withHalfVector { gh = SIMD3(g[q + 6], g[q + 7], g[q + 8]) }
            case .halfDifference, .halfDifferenceLogAngle:
                let f = ShadingFrame(t: t, b: cross3(n, t), n: n)
                let a = f.toLocal(wi), e = f.toLocal(h)
                let back = differenceVectorBackward(a, half: e, SIMD3(g[q + 3], g[q + 4], g[q + 5]))
                gi = SIMD3(back.dw.x, back.dw.y, back.dw.z + g[q + 6])
                go = SIMD3(0, 0, g[q + 7])
                gh = SIMD3(g[q], g[q + 1], g[q + 2]) + back.dh
                if inputs == .halfDifferenceLogAngle {
                    let k = logHalfAngleFactor(e, g[q + 8])
                    gh.x = gh.x + k * e.x
                    gh.y = gh.y + k * e.y
                }
            }
            var dt = gi.x * wi + go.x * wo
            var db = gi.y * wi + go.y * wo
            var dn = gi.z * wi + go.z * wo
            if inputs.usesHalfVector {
                dt += gh.x * h; db += gh.y * h; dn += gh.z * h
            }
            dn += cross3(t, db)
            dt += cross3(db, n)
            let dtp = normalize3Backward(tp, dt)
            let ndtp = dot3(n, dtp)
            let dvt = dtp - ndtp * n
            dn += -ndtp * vt - dot3(n, vt) * dtp
            let dvn = normalize3Backward(vn, dn)
            dRaw[o] = dvn.x; dRaw[o + 1] = dvn.y; dRaw[o + 2] = dvn.z
            dRaw[o + 3] = dvt.x; dRaw[o + 4] = dvt.y; dRaw[o + 5] = dvt.z
        }
    }
}
