// Adam update, one body per instruction set. Separate multiplies and adds
// (never fused) and IEEE sqrt/div keep every variant bit-identical to the
// scalar Swift loop, so the ISA choice cannot change a bake's trajectory
// through the optimizer.
#include "CTrainingKernels.h"

#pragma clang fp contract(off)

static inline void lq_adam_scalar(float *p, float *m, float *v, const float *g, long i, long count,
                                  float b1, float b2, float stepSize, float invSqrtC2, float eps) {
    const float ob1 = 1.0f - b1, ob2 = 1.0f - b2;
    for (; i < count; i++) {
        float gi = g[i];
        float b1m = b1 * m[i], og = ob1 * gi;
        float mi = b1m + og;
        float b2v = b2 * v[i], ogg = (ob2 * gi) * gi;
        float vi = b2v + ogg;
        m[i] = mi; v[i] = vi;
        float num = stepSize * mi;
        float s = __builtin_sqrtf(vi) * invSqrtC2;
        float den = s + eps;
        p[i] = p[i] - num / den;
    }
}

void lq_adam_portable(float *p, float *m, float *v, const float *g, long count,
                      float b1, float b2, float stepSize, float invSqrtC2, float eps) {
    lq_adam_scalar(p, m, v, g, 0, count, b1, b2, stepSize, invSqrtC2, eps);
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
void lq_adam_avx2_fma(float *p, float *m, float *v, const float *g, long count,
                      float b1, float b2, float stepSize, float invSqrtC2, float eps) {
    const __m256 vb1 = _mm256_set1_ps(b1), vb2 = _mm256_set1_ps(b2);
    const __m256 ob1 = _mm256_set1_ps(1.0f - b1), ob2 = _mm256_set1_ps(1.0f - b2);
    const __m256 vs = _mm256_set1_ps(stepSize), vc = _mm256_set1_ps(invSqrtC2), ve = _mm256_set1_ps(eps);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i);
        __m256 mi = _mm256_add_ps(_mm256_mul_ps(vb1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(ob1, gi));
        __m256 vi = _mm256_add_ps(_mm256_mul_ps(vb2, _mm256_loadu_ps(v + i)), _mm256_mul_ps(_mm256_mul_ps(ob2, gi), gi));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        __m256 den = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(vi), vc), ve);
        __m256 upd = _mm256_div_ps(_mm256_mul_ps(vs, mi), den);
        _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), upd));
    }
    lq_adam_scalar(p, m, v, g, i, count, b1, b2, stepSize, invSqrtC2, eps);
}

__attribute__((target("avx512f,avx2,fma")))
void lq_adam_avx512(float *p, float *m, float *v, const float *g, long count,
                    float b1, float b2, float stepSize, float invSqrtC2, float eps) {
    const __m512 vb1 = _mm512_set1_ps(b1), vb2 = _mm512_set1_ps(b2);
    const __m512 ob1 = _mm512_set1_ps(1.0f - b1), ob2 = _mm512_set1_ps(1.0f - b2);
    const __m512 vs = _mm512_set1_ps(stepSize), vc = _mm512_set1_ps(invSqrtC2), ve = _mm512_set1_ps(eps);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 gi = _mm512_loadu_ps(g + i);
        __m512 mi = _mm512_add_ps(_mm512_mul_ps(vb1, _mm512_loadu_ps(m + i)), _mm512_mul_ps(ob1, gi));
        __m512 vi = _mm512_add_ps(_mm512_mul_ps(vb2, _mm512_loadu_ps(v + i)), _mm512_mul_ps(_mm512_mul_ps(ob2, gi), gi));
        _mm512_storeu_ps(m + i, mi);
        _mm512_storeu_ps(v + i, vi);
        __m512 den = _mm512_add_ps(_mm512_mul_ps(_mm512_sqrt_ps(vi), vc), ve);
        __m512 upd = _mm512_div_ps(_mm512_mul_ps(vs, mi), den);
        _mm512_storeu_ps(p + i, _mm512_sub_ps(_mm512_loadu_ps(p + i), upd));
    }
    lq_adam_scalar(p, m, v, g, i, count, b1, b2, stepSize, invSqrtC2, eps);
}
#else
void lq_adam_avx2_fma(float *p, float *m, float *v, const float *g, long count,
                      float b1, float b2, float stepSize, float invSqrtC2, float eps) {
    lq_adam_scalar(p, m, v, g, 0, count, b1, b2, stepSize, invSqrtC2, eps);
}
void lq_adam_avx512(float *p, float *m, float *v, const float *g, long count,
                    float b1, float b2, float stepSize, float invSqrtC2, float eps) {
    lq_adam_scalar(p, m, v, g, 0, count, b1, b2, stepSize, invSqrtC2, eps);
}
#endif
