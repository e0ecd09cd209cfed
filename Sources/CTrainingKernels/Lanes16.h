// 16 training rows (or values) side by side, one per vector lane: a zmm
// register on AVX-512, two ymm on AVX2, four xmm on the portable path. The
// per-row kernels (FrameLayer.c, MixtureKernels.c, ExpActivation.c) write
// their arithmetic once on these types and are compiled per instruction set;
// with contract off and IEEE division and square root, every path rounds
// alike. Helpers are always inlined, so passing 16-lane vectors by value
// never reaches an ABI boundary (hence the -Wpsabi silence).
#ifndef LACQUER_LANES16_H
#define LACQUER_LANES16_H

#include <string.h>

#pragma clang fp contract(off)
#pragma clang diagnostic ignored "-Wpsabi"

#define LQ_INLINE static inline __attribute__((always_inline))

enum { LQ_LANES = 16 };
typedef float lq_vf __attribute__((ext_vector_type(16)));
typedef int lq_vi __attribute__((ext_vector_type(16)));

#if defined(__x86_64__)
#define LQ_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define LQ_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
#define LQ_TARGET_AVX2
#define LQ_TARGET_AVX512
#endif

/// mask ? a : b per lane (mask lanes are all ones or all zeros, as comparisons give).
LQ_INLINE lq_vf lq_select(lq_vi mask, lq_vf a, lq_vf b) {
    return (lq_vf)((mask & (lq_vi)a) | (~mask & (lq_vi)b));
}
/// Swift's max(x, y) = `y >= x ? y : x` and min(x, y) = `y < x ? y : x`, NaN cases included.
LQ_INLINE lq_vf lq_max(lq_vf x, lq_vf y) { return lq_select(y >= x, y, x); }
LQ_INLINE lq_vf lq_min(lq_vf x, lq_vf y) { return lq_select(y < x, y, x); }
LQ_INLINE lq_vf lq_sqrt(lq_vf x) { return __builtin_elementwise_sqrt(x); }
LQ_INLINE lq_vf lq_abs(lq_vf x) { return (lq_vf)((lq_vi)x & 0x7fffffff); }

/// Lane i = p[i·stride] for the first `n` lanes, 0 after them.
LQ_INLINE lq_vf lq_load(const float *p, long stride, long n) {
    lq_vf v = 0;
    for (int i = 0; i < LQ_LANES; i++) v[i] = i < n ? p[i * stride] : 0.0f;
    return v;
}
LQ_INLINE void lq_store(float *p, long stride, long n, lq_vf v) {
    for (int i = 0; i < LQ_LANES; i++) if (i < n) p[i * stride] = v[i];
}
/// 16 consecutive floats (no tail handling).
LQ_INLINE lq_vf lq_load_contiguous(const float *p) { lq_vf v; memcpy(&v, p, sizeof v); return v; }
LQ_INLINE void lq_store_contiguous(float *p, lq_vf v) { memcpy(p, &v, sizeof v); }

/// exp(x) per lane: range reduction by ln 2 in two parts and Cephes' degree-6
/// polynomial (relative error < 2·10⁻⁷, within 2 ulp of expf); overflow gives
/// +inf, underflow 0 (no subnormals), NaN stays NaN.
LQ_INLINE lq_vf lq_exp(lq_vf x) {
    const float hi = 88.72283f, lo = -87.33654f;
    const lq_vf xc = lq_select(x > hi, hi, lq_select(x < lo, lo, x));
    const lq_vf k = __builtin_elementwise_floor(xc * 1.44269504088896341f + 0.5f);
    const lq_vf r = (xc - k * 0.693359375f) - k * -2.12194440e-4f;
    lq_vf p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const lq_vf e = (p * (r * r) + r) + 1.0f;
    // 2^k from the exponent field; k ∈ [−126, 128], split in two factors so
    // that 2^128 never has to be represented.
    const lq_vi ki = __builtin_convertvector(k, lq_vi);
    const lq_vi half = ki >> 1;
    const lq_vf s1 = (lq_vf)((half + 127) << 23), s2 = (lq_vf)((ki - half + 127) << 23);
    lq_vf y = (e * s1) * s2;
    y = lq_select(x > hi, __builtin_inff(), y);
    y = lq_select(x < lo, 0.0f, y);
    return lq_select(x != x, x, y);
}

/// log(x) per lane for positive normal x (Cephes' logf: mantissa in
/// [√½, √2) and a degree-9 polynomial, within 2 ulp of logf); +inf stays
/// +inf and NaN stays NaN. Zero, negative and subnormal inputs are not
/// handled (the loss only takes logarithms of ratios of values ≥ 0.01).
LQ_INLINE lq_vf lq_log(lq_vf x) {
    const lq_vi bits = (lq_vi)x;
    lq_vf e = __builtin_convertvector(((bits >> 23) & 0xff) - 126, lq_vf);
    lq_vf m = (lq_vf)((bits & 0x807fffff) | 0x3f000000);   // x = m·2^e, m ∈ [½, 1)
    const lq_vi small = m < 0.707106781186547524f;
    e = lq_select(small, e - 1.0f, e);
    m = lq_select(small, m + m - 1.0f, m - 1.0f);
    const lq_vf z = m * m;
    lq_vf y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y = y + e * -2.12194440e-4f;
    y = y - 0.5f * z;
    const lq_vf r = (m + y) + e * 0.693359375f;
    return lq_select(x != x, x, lq_select(x == __builtin_inff(), x, r));
}

/// 3-vectors of lanes: the same expressions as the SIMD3 code they mirror.
typedef struct { lq_vf x, y, z; } lq_v3;

LQ_INLINE lq_v3 lq_v3_make(lq_vf x, lq_vf y, lq_vf z) { lq_v3 v = { x, y, z }; return v; }
LQ_INLINE lq_vf lq_dot3(lq_v3 a, lq_v3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
LQ_INLINE lq_v3 lq_scale(lq_vf s, lq_v3 a) { return lq_v3_make(s * a.x, s * a.y, s * a.z); }
LQ_INLINE lq_v3 lq_add(lq_v3 a, lq_v3 b) { return lq_v3_make(a.x + b.x, a.y + b.y, a.z + b.z); }
LQ_INLINE lq_v3 lq_sub(lq_v3 a, lq_v3 b) { return lq_v3_make(a.x - b.x, a.y - b.y, a.z - b.z); }
LQ_INLINE lq_v3 lq_cross(lq_v3 a, lq_v3 b) {
    return lq_v3_make(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}
/// |a| with the squared length floored as NeuralMaterial's normalize3 does
/// (Swift's `max(dot3(a, a), 1e-12)`, so a NaN stays NaN as it does there).
LQ_INLINE lq_vf lq_length_floored(lq_v3 a) {
    return lq_sqrt(lq_max(lq_dot3(a, a), 1e-12f));
}
LQ_INLINE lq_v3 lq_div(lq_v3 a, lq_vf s) { return lq_v3_make(a.x / s, a.y / s, a.z / s); }

LQ_INLINE lq_v3 lq_load3(const float *p, long stride, long n) {
    return lq_v3_make(lq_load(p, stride, n), lq_load(p + 1, stride, n), lq_load(p + 2, stride, n));
}
LQ_INLINE void lq_store3(float *p, long stride, long n, lq_v3 v) {
    lq_store(p, stride, n, v.x); lq_store(p + 1, stride, n, v.y); lq_store(p + 2, stride, n, v.z);
}

#endif
