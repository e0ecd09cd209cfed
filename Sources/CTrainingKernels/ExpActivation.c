// The BRDF decoder's output activation y = exp(x − offset) for a training
// chunk, 16 values per vector: glibc's expf is a scalar call per value (a
// few per cent of a step). Range reduction by ln 2 in two parts and Cephes'
// degree-6 polynomial (relative error < 2·10⁻⁷, within 2 ulp of expf), plain
// multiplies and adds (contract off), so every instruction set gives the
// same bits. Overflow gives +inf, underflow 0 (no subnormals), NaN stays NaN.
#include "CTrainingKernels.h"
#include <string.h>

#pragma clang fp contract(off)
#pragma clang diagnostic ignored "-Wpsabi"

#define LQ_INLINE static inline __attribute__((always_inline))

typedef float lq_ex_vf __attribute__((ext_vector_type(16)));
typedef int lq_ex_vi __attribute__((ext_vector_type(16)));

LQ_INLINE lq_ex_vf lq_ex_select(lq_ex_vi mask, lq_ex_vf a, lq_ex_vf b) {
    return (lq_ex_vf)((mask & (lq_ex_vi)a) | (~mask & (lq_ex_vi)b));
}

LQ_INLINE lq_ex_vf lq_exp16(lq_ex_vf x) {
    const float hi = 88.72283f, lo = -87.33654f;
    const lq_ex_vf xc = lq_ex_select(x > hi, hi, lq_ex_select(x < lo, lo, x));
    const lq_ex_vf k = __builtin_elementwise_floor(xc * 1.44269504088896341f + 0.5f);
    const lq_ex_vf r = (xc - k * 0.693359375f) - k * -2.12194440e-4f;
    lq_ex_vf p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const lq_ex_vf e = (p * (r * r) + r) + 1.0f;
    // 2^k by building the exponent field; k ∈ [−126, 128]: the top case is
    // split in two factors so 2^128 never has to be represented.
    const lq_ex_vi ki = __builtin_convertvector(k, lq_ex_vi);
    const lq_ex_vi half = ki >> 1;
    const lq_ex_vf s1 = (lq_ex_vf)((half + 127) << 23), s2 = (lq_ex_vf)((ki - half + 127) << 23);
    lq_ex_vf y = (e * s1) * s2;
    y = lq_ex_select(x > hi, __builtin_inff(), y);
    y = lq_ex_select(x < lo, 0.0f, y);
    return lq_ex_select(x != x, x, y);
}

LQ_INLINE void lq_exp_offset_body(float *restrict x, long count, float offset) {
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        lq_ex_vf v;
        memcpy(&v, x + i, sizeof v);
        v = lq_exp16(v - offset);
        memcpy(x + i, &v, sizeof v);
    }
    if (i < count) {
        lq_ex_vf v = 0;
        for (long j = 0; j < count - i; j++) v[j] = x[i + j];
        v = lq_exp16(v - offset);
        for (long j = 0; j < count - i; j++) x[i + j] = v[j];
    }
}

#if defined(__x86_64__)
#define LQ_EXP_AVX2 __attribute__((target("avx2,fma")))
#define LQ_EXP_AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
#define LQ_EXP_AVX2
#define LQ_EXP_AVX512
#endif

void lq_exp_offset_portable(float *x, long count, float offset) { lq_exp_offset_body(x, count, offset); }
LQ_EXP_AVX2 void lq_exp_offset_avx2_fma(float *x, long count, float offset) { lq_exp_offset_body(x, count, offset); }
LQ_EXP_AVX512 void lq_exp_offset_avx512(float *x, long count, float offset) { lq_exp_offset_body(x, count, offset); }
