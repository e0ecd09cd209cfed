// gemm for AVX2 + FMA: a 6×16 register tile (12 ymm accumulators, two B
// vectors, one broadcast — the classic Haswell/Zen micro-kernel shape),
// column tails through masked loads/stores, row tails through smaller tiles
// of the same code. K is walked in blocks so that, for the weight gradient
// (K = batch rows), the slice of B being re-read by every row block stays in
// L2; the block order is fixed, so results do not depend on threading.
#include "CTrainingKernels.h"
#include "GemmScalar.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>

#define LQ_AVX2 __attribute__((target("avx2,fma")))
#define LQ_INLINE static inline __attribute__((always_inline))

enum { LQ_AVX2_MR = 6, LQ_AVX2_KBLOCK = 512 };

static const int32_t lq_avx2_mask_table[16] = { -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0 };

/// Lanes [0, count) set, count in 1...8.
LQ_INLINE LQ_AVX2 __m256i lq_avx2_mask(long count) {
    return _mm256_loadu_si256((const __m256i *)(lq_avx2_mask_table + 8 - count));
}

LQ_INLINE LQ_AVX2 __m256 lq_avx2_load(const float *p, int masked, __m256i mask) {
    return masked ? _mm256_maskload_ps(p, mask) : _mm256_loadu_ps(p);
}

LQ_INLINE LQ_AVX2 void lq_avx2_store(float *p, __m256 v, int masked, __m256i mask) {
    if (masked) _mm256_maskstore_ps(p, mask, v); else _mm256_storeu_ps(p, v);
}

/// MR rows × NV vectors of 8 columns; the last vector is masked when `masked`.
/// MR, NV and masked are constants at every call site, so the loops unroll.
LQ_INLINE LQ_AVX2 void lq_avx2_tile(const int MR, const int NV, const int masked, __m256i mask,
                                    long row, long col, long n, long k,
                                    const float *a, long ars, long acs, const float *b, float *c,
                                    const float *bias, int accumulate, int relu) {
    __m256 acc[LQ_AVX2_MR][2];
    for (int r = 0; r < MR; r++) {
        for (int v = 0; v < NV; v++) {
            const int mv = masked && v == NV - 1;
            if (accumulate) acc[r][v] = lq_avx2_load(c + (row + r) * n + col + 8 * v, mv, mask);
            else if (bias) acc[r][v] = lq_avx2_load(bias + col + 8 * v, mv, mask);
            else acc[r][v] = _mm256_setzero_ps();
        }
    }
    const float *pa = a + row * ars;
    const float *pb = b + col;
    for (long kk = 0; kk < k; kk++) {
        __m256 bv[2];
        for (int v = 0; v < NV; v++) bv[v] = lq_avx2_load(pb + 8 * v, masked && v == NV - 1, mask);
        for (int r = 0; r < MR; r++) {
            const __m256 av = _mm256_broadcast_ss(pa + r * ars);
            for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
        }
        pa += acs;
        pb += n;
    }
    const __m256 zero = _mm256_setzero_ps();
    for (int r = 0; r < MR; r++) {
        for (int v = 0; v < NV; v++) {
            // max(0, x) returns x when x is NaN (vmaxps returns its second operand), like the Swift path.
            const __m256 out = relu ? _mm256_max_ps(zero, acc[r][v]) : acc[r][v];
            lq_avx2_store(c + (row + r) * n + col + 8 * v, out, masked && v == NV - 1, mask);
        }
    }
}

/// One block of MR rows across all n columns.
LQ_INLINE LQ_AVX2 void lq_avx2_rows(const int MR, long row, long n, long k,
                                    const float *a, long ars, long acs, const float *b, float *c,
                                    const float *bias, int accumulate, int relu) {
    const __m256i all = _mm256_set1_epi32(-1);
    long col = 0;
    for (; col + 16 <= n; col += 16) lq_avx2_tile(MR, 2, 0, all, row, col, n, k, a, ars, acs, b, c, bias, accumulate, relu);
    const long rest = n - col;
    if (rest > 8) lq_avx2_tile(MR, 2, 1, lq_avx2_mask(rest - 8), row, col, n, k, a, ars, acs, b, c, bias, accumulate, relu);
    else if (rest == 8) lq_avx2_tile(MR, 1, 0, all, row, col, n, k, a, ars, acs, b, c, bias, accumulate, relu);
    else if (rest > 0) lq_avx2_tile(MR, 1, 1, lq_avx2_mask(rest), row, col, n, k, a, ars, acs, b, c, bias, accumulate, relu);
}

LQ_AVX2 static void lq_avx2_block(long m, long n, long k, const float *a, long ars, long acs,
                                  const float *b, float *c, const float *bias, int accumulate, int relu) {
    long row = 0;
    for (; row + LQ_AVX2_MR <= m; row += LQ_AVX2_MR) lq_avx2_rows(6, row, n, k, a, ars, acs, b, c, bias, accumulate, relu);
    switch (m - row) {
    case 5: lq_avx2_rows(5, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 4: lq_avx2_rows(4, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 3: lq_avx2_rows(3, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 2: lq_avx2_rows(2, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    case 1: lq_avx2_rows(1, row, n, k, a, ars, acs, b, c, bias, accumulate, relu); break;
    default: break;
    }
}

LQ_AVX2 void lq_gemm_avx2_fma(long m, long n, long k, const float *a, long ars, long acs,
                              const float *b, float *c, const float *bias, int accumulate, int relu) {
    if (m <= 0 || n <= 0) return;
    if (k <= LQ_AVX2_KBLOCK) {
        lq_avx2_block(m, n, k, a, ars, acs, b, c, bias, accumulate, relu);
        return;
    }
    // Long K (weight gradients): only the last block may apply ReLU; every
    // block after the first accumulates onto the partial sums.
    for (long k0 = 0; k0 < k; k0 += LQ_AVX2_KBLOCK) {
        const long kb = k - k0 < LQ_AVX2_KBLOCK ? k - k0 : LQ_AVX2_KBLOCK;
        const int first = k0 == 0, last = k0 + kb == k;
        lq_avx2_block(m, n, kb, a + k0 * acs, ars, acs, b + k0 * n, c,
                      first ? bias : 0, first ? accumulate : 1, last ? relu : 0);
    }
}
#else
void lq_gemm_avx2_fma(long m, long n, long k, const float *a, long ars, long acs,
                      const float *b, float *c, const float *bias, int accumulate, int relu) {
    lq_gemm_scalar(m, n, k, a, ars, acs, b, c, bias, accumulate, relu);
}
#endif
