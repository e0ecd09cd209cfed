// The learned shading frames' per-row work (NeuralMaterial/LearnedFrames.swift
// is the definition; its doc derives the backward), for whole chunks of rows.
// In Swift it ran one row at a time on scalar SSE with a chain of divisions
// and square roots (a sixth of a training step's CPU); here 16 rows go
// through the same arithmetic side by side, one per vector lane, compiled
// for each instruction set.
//
// Bit-identical to the Swift definition on every path: the operations and
// their order are the same, nothing is fused (contract off) and IEEE
// division and square root round the same in vector lanes as in scalar code.
#include "CTrainingKernels.h"
#include "Lanes16.h"

/// Frame k's raw normal and tangent (the fixed axes added) and its n, t, b.
typedef struct { lq_v3 vn, vt, tp, n, t, b; } lq_frame;

/// `raw` points at the frame's 6 raw values of the block's first row (rows 12 apart).
LQ_INLINE lq_frame lq_make_frame(const float *raw, long n) {
    lq_frame f;
    f.vn = lq_v3_make(lq_load(raw, 12, n), lq_load(raw + 1, 12, n), lq_load(raw + 2, 12, n) + 1.0f);
    f.vt = lq_v3_make(lq_load(raw + 3, 12, n) + 1.0f, lq_load(raw + 4, 12, n), lq_load(raw + 5, 12, n));
    f.n = lq_div(f.vn, lq_length_floored(f.vn));
    f.tp = lq_sub(f.vt, lq_scale(lq_dot3(f.n, f.vt), f.n));
    f.t = lq_div(f.tp, lq_length_floored(f.tp));
    f.b = lq_cross(f.n, f.t);
    return f;
}

LQ_INLINE lq_v3 lq_to_local(const lq_frame *f, lq_v3 v) {
    return lq_v3_make(lq_dot3(v, f->t), lq_dot3(v, f->b), lq_dot3(v, f->n));
}

/// Backward of y = v/|v| (Real.swift's normalize3Backward).
LQ_INLINE lq_v3 lq_normalize_backward(lq_v3 v, lq_v3 dy) {
    const lq_vf len = lq_length_floored(v);
    const lq_v3 y = lq_div(v, len);
    return lq_div(lq_sub(dy, lq_scale(lq_dot3(dy, y), y)), len);
}

/// The half vector normalize(wi + wo) (FrameLayer.halfVector).
LQ_INLINE lq_v3 lq_half_vector(lq_v3 a, lq_v3 c) {
    const lq_v3 s = lq_add(a, c);
    return lq_div(s, lq_length_floored(s));
}

/// FrameLayer.differenceVector: w in the frame that turns h to the pole.
LQ_INLINE lq_v3 lq_difference_vector(lq_v3 w, lq_v3 h) {
    const lq_vf p = w.x * h.x + w.y * h.y;
    const lq_vf m = w.y * h.x - w.x * h.y;
    const lq_vf q = h.x * h.x + h.y * h.y;
    const lq_vf r = 1.0f / lq_sqrt(q + LQ_DIFFERENCE_POLE_SOFTENING);
    return lq_v3_make((h.z * p - w.z * q) * r, m * r, p + w.z * h.z);
}

/// FrameLayer.differenceVectorBackward: dL/dd = g → dL/dw (*dw), dL/dh (*dh).
LQ_INLINE void lq_difference_vector_backward(lq_v3 w, lq_v3 h, lq_v3 g, lq_v3 *dw, lq_v3 *dh) {
    const lq_vf p = w.x * h.x + w.y * h.y;
    const lq_vf m = w.y * h.x - w.x * h.y;
    const lq_vf q = h.x * h.x + h.y * h.y;
    const lq_vf r = 1.0f / lq_sqrt(q + LQ_DIFFERENCE_POLE_SOFTENING);
    const lq_vf a = h.z * p - w.z * q;
    const lq_vf ux = g.x * r, uy = g.y * r;
    const lq_vf k = (g.x * a + g.y * m) * (r * r * r);
    *dw = lq_v3_make(ux * h.z * h.x - uy * h.y + g.z * h.x,
                     ux * h.z * h.y + uy * h.x + g.z * h.y,
                     g.z * h.z - ux * q);
    *dh = lq_v3_make(ux * (h.z * w.x - 2.0f * w.z * h.x) + uy * w.y - k * h.x + g.z * w.x,
                     ux * (h.z * w.y - 2.0f * w.z * h.y) - uy * w.x - k * h.y + g.z * w.y,
                     ux * p + g.z * w.z);
}

/// FrameLayer.logHalfAngle: 1 + scale · log(h.x² + h.y² + floor).
LQ_INLINE lq_vf lq_log_half_angle(lq_v3 h) {
    const lq_vf q = h.x * h.x + h.y * h.y;
    return 1.0f + LQ_LOG_HALF_ANGLE_SCALE * lq_log(q + LQ_LOG_HALF_ANGLE_FLOOR);
}

/// d(logHalfAngle)/d(h.x, h.y) times the feature's gradient g: 2 g · scale / (q + floor) · h.xy.
LQ_INLINE lq_vf lq_log_half_angle_factor(lq_v3 h, lq_vf g) {
    const lq_vf q = h.x * h.x + h.y * h.y;
    return 2.0f * g * LQ_LOG_HALF_ANGLE_SCALE / (q + LQ_LOG_HALF_ANGLE_FLOOR);
}

float lq_log_scalar(float x) { return lq_log((lq_vf){0} + x)[0]; }

/// Features per frame of each mode (FrameInputs.kernelMode): wi, wo (6);
/// wi, wo, h (9); h, d, wi.z, wo.z (8); h, d, wi.z, wo.z, s (9).
LQ_INLINE long lq_features_per_frame(long mode) { return mode == 0 ? 6 : (mode == 1 ? 9 : (mode == 2 ? 8 : 9)); }

LQ_INLINE void lq_features_body(const float *restrict raw, const float *restrict wi, const float *restrict wo, long mode,
                                long rows, float *restrict out, long outStride) {
    const long perFrame = lq_features_per_frame(mode);
    for (long r = 0; r < rows; r += LQ_LANES) {
        const long n = rows - r < LQ_LANES ? rows - r : LQ_LANES;
        const lq_v3 a = lq_load3(wi + 4 * r, 4, n), c = lq_load3(wo + 4 * r, 4, n);
        const lq_v3 h = mode != 0 ? lq_half_vector(a, c) : a;   // no square root for the paper's inputs
        for (int k = 0; k < 2; k++) {
            const lq_frame f = lq_make_frame(raw + 12 * r + 6 * k, n);
            float *o = out + r * outStride + perFrame * k;
            const lq_v3 al = lq_to_local(&f, a), cl = lq_to_local(&f, c);
            if (mode >= 2) {
                const lq_v3 e = lq_to_local(&f, h);
                lq_store3(o, outStride, n, e);
                lq_store3(o + 3, outStride, n, lq_difference_vector(al, e));
                lq_store(o + 6, outStride, n, al.z);
                lq_store(o + 7, outStride, n, cl.z);
                if (mode == 3) lq_store(o + 8, outStride, n, lq_log_half_angle(e));
            } else {
                lq_store3(o, outStride, n, al);
                lq_store3(o + 3, outStride, n, cl);
                if (mode == 1) lq_store3(o + 6, outStride, n, lq_to_local(&f, h));
            }
        }
    }
}

LQ_INLINE void lq_backward_body(const float *restrict raw, const float *restrict wi, const float *restrict wo, long mode,
                                const float *restrict g, long gStride, long rows, float *restrict dRaw) {
    const long perFrame = lq_features_per_frame(mode);
    const lq_vf zero = 0.0f;
    for (long r = 0; r < rows; r += LQ_LANES) {
        const long n = rows - r < LQ_LANES ? rows - r : LQ_LANES;
        const lq_v3 vi = lq_load3(wi + 4 * r, 4, n), vo = lq_load3(wo + 4 * r, 4, n);
        const lq_v3 vh = mode != 0 ? lq_half_vector(vi, vo) : vi;
        for (int k = 0; k < 2; k++) {
            const lq_frame f = lq_make_frame(raw + 12 * r + 6 * k, n);
            const float *gk = g + r * gStride + perFrame * k;
            lq_v3 gi, go, gh = lq_v3_make(zero, zero, zero);
            if (mode >= 2) {
                lq_v3 dw, dh;
                const lq_v3 e = lq_to_local(&f, vh);
                lq_difference_vector_backward(lq_to_local(&f, vi), e, lq_load3(gk + 3, gStride, n), &dw, &dh);
                gi = lq_v3_make(dw.x, dw.y, dw.z + lq_load(gk + 6, gStride, n));
                go = lq_v3_make(zero, zero, lq_load(gk + 7, gStride, n));
                gh = lq_add(lq_load3(gk, gStride, n), dh);
                if (mode == 3) {
                    const lq_vf k = lq_log_half_angle_factor(e, lq_load(gk + 8, gStride, n));
                    gh.x = gh.x + k * e.x;
                    gh.y = gh.y + k * e.y;
                }
            } else {
                gi = lq_load3(gk, gStride, n);
                go = lq_load3(gk + 3, gStride, n);
                if (mode == 1) gh = lq_load3(gk + 6, gStride, n);
            }
            lq_v3 dt = lq_add(lq_scale(gi.x, vi), lq_scale(go.x, vo));
            lq_v3 db = lq_add(lq_scale(gi.y, vi), lq_scale(go.y, vo));
            lq_v3 dn = lq_add(lq_scale(gi.z, vi), lq_scale(go.z, vo));
            if (mode != 0) {
                dt = lq_add(dt, lq_scale(gh.x, vh));
                db = lq_add(db, lq_scale(gh.y, vh));
                dn = lq_add(dn, lq_scale(gh.z, vh));
            }
            dn = lq_add(dn, lq_cross(f.t, db));
            dt = lq_add(dt, lq_cross(db, f.n));
            const lq_v3 dtp = lq_normalize_backward(f.tp, dt);
            const lq_vf ndtp = lq_dot3(f.n, dtp);
            const lq_v3 dvt = lq_sub(dtp, lq_scale(ndtp, f.n));
            dn = lq_add(dn, lq_sub(lq_scale(-ndtp, f.vt), lq_scale(lq_dot3(f.n, f.vt), dtp)));
            const lq_v3 dvn = lq_normalize_backward(f.vn, dn);
            float *d = dRaw + 12 * r + 6 * k;
            lq_store3(d, 12, n, dvn);
            lq_store3(d + 3, 12, n, dvt);
        }
    }
}

LQ_INLINE void lq_local_body(const float *restrict raw, long index, const float *restrict wi, const float *restrict wo,
                             long rows, float *restrict wiOut, long wiStride, float *restrict woOut, long woStride) {
    for (long r = 0; r < rows; r += LQ_LANES) {
        const long n = rows - r < LQ_LANES ? rows - r : LQ_LANES;
        const lq_frame f = lq_make_frame(raw + 12 * r + 6 * index, n);
        lq_store3(wiOut + r * wiStride, wiStride, n, lq_to_local(&f, lq_load3(wi + 4 * r, 4, n)));
        lq_store3(woOut + r * woStride, woStride, n, lq_to_local(&f, lq_load3(wo + 4 * r, 4, n)));
    }
}

#define LQ_FRAME_ENTRY_POINTS(SUFFIX, TARGET)                                                                   \
    TARGET void lq_frame_features_##SUFFIX(const float *raw, const float *wi, const float *wo, long mode,   \
                                           long rows, float *out, long outStride) {                             \
        lq_features_body(raw, wi, wo, mode, rows, out, outStride);                                           \
    }                                                                                                            \
    TARGET void lq_frame_backward_##SUFFIX(const float *raw, const float *wi, const float *wo, long mode,   \
                                           const float *dFeatures, long dStride, long rows, float *dRaw) {       \
        lq_backward_body(raw, wi, wo, mode, dFeatures, dStride, rows, dRaw);                                 \
    }                                                                                                            \
    TARGET void lq_frame_local_##SUFFIX(const float *raw, long index, const float *wi, const float *wo, long rows, \
                                        float *wiOut, long wiStride, float *woOut, long woStride) {             \
        lq_local_body(raw, index, wi, wo, rows, wiOut, wiStride, woOut, woStride);                               \
    }

LQ_FRAME_ENTRY_POINTS(portable, )
LQ_FRAME_ENTRY_POINTS(avx2_fma, LQ_TARGET_AVX2)
LQ_FRAME_ENTRY_POINTS(avx512, LQ_TARGET_AVX512)
