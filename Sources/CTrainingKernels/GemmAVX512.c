// gemm for AVX-512 F: an 8×32 register tile (16 zmm accumulators of the 32,
// two B vectors, one broadcast), column tails through mask registers, row
// tails through smaller tiles of the same code, K walked in fixed blocks as
// in GemmAVX2.c. Compiled into every x86-64 build, run only where
// lq_cpu_supports_avx512() says so.
#include "CTrainingKernels.h"
#include "GemmScalar.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define LQ_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define LQ_INLINE static inline __attribute__((always_inline))

enum { LQ_AVX512_MR = 8, LQ_AVX512_KBLOCK = 512 };

LQ_INLINE LQ_AVX512 __m512 lq_avx512_load(const float *p, __mmask16 mask) {
    return mask == (__mmask16)0xFFFF ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(mask, p);
}

LQ_INLINE LQ_AVX512 void lq_avx512_store(float *p, __m512 v, __mmask16 mask) {
    if (mask == (__mmask16)0xFFFF) _mm512_storeu_ps(p, v); else _mm512_mask_storeu_ps(p, mask, v);
}

/// MR rows × NV vectors of 16 columns; the last vector uses `mask`.
LQ_INLINE LQ_AVX512 void lq_avx512_tile(const int MR, const int NV, __mmask16 mask,
                                        long row, long col, long n, long k,
                                        const float *a, long ars, long acs, const float *b, float *c,
                                        const float *bias, int accumulate, int relu) {
    __m512 acc[LQ_AVX512_MR][2];
    for (int r = 0; r < MR; r++) {
        for (int v = 0; v < NV; v++) {
            const __mmask16 mv = v == NV - 1 ? mask : (__mmask16)0xFFFF;
            if (accumulate) acc[r][v] = lq_avx512_load(c + (row + r) * n + col + 16 * v, mv);
            else if (bias) acc[r][v] = lq_avx512_load(bias + col + 16 * v, mv);
            else acc[r][v] = _mm512_setzero_ps();
        }
    }
    const float *pa = a + row * ars;
    const float *pb = b + col;
    for (long kk = 0; kk < k; kk++) {
        __m512 bv[2];
        for (int v = 0; v < NV; v++) bv[v] = lq_avx512_load(pb + 16 * v, v == NV - 1 ? mask : (__mmask16)0xFFFF);
        for (int r = 0; r < MR; r++) {
            const __m512 av = _mm512_set1_ps(pa[r * ars]);
            for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
        pa += acs;
        pb += n;
    }
    const __m512 zero = _mm512_setzero_ps();
    for (int r = 0; r < MR; r++) {
        for (int v = 0; v < NV; v++) {
            const __m512 out = relu ? _mm512_max_ps(zero, acc[r][v]) : acc[r][v];
            lq_avx512_store(c + (row + r) * n + col + 16 * v, out, v == NV - 1 ? mask : (__mmask16)0xFFFF);
        }
    }
}

LQ_INLINE LQ_AVX512 void lq_avx512_rows(const int MR, long row, long n, long k,
                                        const float *a, long ars, long acs, const float *b, float *c,
                                        const float *bias, int accumulate, int relu) {
    long col = 0;
    for (; col + 32 <= n; col += 32) lq_avx512_tile(MR, 2, 0xFFFF, row, col, n, k, a, ars, acs, b, c, bias, accumulate, relu);
    const long rest = n - col;
    if (rest > 16) lq_avx512_tile(MR, 2, (__mmask16)((1u << (rest - 16)) - 1), row, col, n, k, a, ars, acs, b, c, bias, accumulate, relu);
    else if (rest > 0) lq_avx512_tile(MR, 1, (__mmask16)((1u << rest) - 1), row, col, n, k, a, ars, acs, b, c, bias, accumulate, relu);
}

LQ_AVX512 static void lq_avx512_block(long m, long n, long k, const float *a, long ars, long acs,
                                      const float *b, float *c, const float *bias, int accumulate, int relu) {
    long row = 0;
    for (; row + LQ_AVX512_MR <= m; row += LQ_AVX512_MR) lq_avx512_rows(8, row, n, k, a, ars, acs, b, c, bias, accumulate, relu);
    switch (m - row) {
    case 7: lq_avx512_rows(7, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 6: lq_avx512_rows(6, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 5: lq_avx512_rows(5, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 4: lq_avx512_rows(4, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 3: lq_avx512_rows(3, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 2: lq_avx512_rows(2, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 1: lq_avx512_rows(1, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    default: break;
    }
}

LQ_AVX512 void lq_gemm_avx512(long m, long n, long k, const float *a, long ars, long acs,
                              const float *b, float *c, const float *bias, int accumulate, int relu) {
    if (m <= 0 || n <= 0) return;
    if (k <= LQ_AVX512_KBLOCK) {
        lq_avx512_block(m, n, k, a, ars, acs, b, c, bias, accumulate, relu);
        return;
    }
    for (long k0 = 0; k0 < k; k0 += LQ_AVX512_KBLOCK) {
        const long kb = k - k0 < LQ_AVX512_KBLOCK ? k - k0 : LQ_AVX512_KBLOCK;
        const int first = k0 == 0, last = k0 + kb == k;
        lq_avx512_block(m, n, kb, a + k0 * acs, ars, acs, b + k0 * n, c,
                        first ? bias : 0, first ? accumulate : 1, last ? relu : 0);
    }
}
#else
void lq_gemm_avx512(long m, long n, long k, const float *a, long ars, long acs,
                    const float *b, float *c, const float *bias, int accumulate, int relu) {
    lq_gemm_scalar(m, n, k, a, ars, acs, b, c, bias, accumulate, relu);
}
#endif
