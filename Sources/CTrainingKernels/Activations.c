// Element-wise activation backward passes and the bias gradient's column
// sums, one body compiled per instruction set. In C with `restrict` and a
// select so that the compiler emits branch-free vector code on every target:
// the Swift loop could not prove the two buffers disjoint and compiled to a
// branch per element, which mispredicts on ReLU's ~50 % random pattern.
// The column sums run 16 columns per vector and keep every column's rows in
// order, so every path gives the scalar loop's sums bit for bit.
#include "CTrainingKernels.h"
#include <string.h>

#pragma clang fp contract(off)
// 16-lane vectors are passed between always-inlined helpers only.
#pragma clang diagnostic ignored "-Wpsabi"

#define LQ_INLINE static inline __attribute__((always_inline))

typedef float lq_cs_vf __attribute__((ext_vector_type(16)));

LQ_INLINE lq_cs_vf lq_cs_load(const float *p) { lq_cs_vf v; memcpy(&v, p, sizeof v); return v; }

LQ_INLINE void lq_relu_backward_body(const float *restrict y, float *restrict dY, long count) {
    for (long i = 0; i < count; i++) {
        const float d = dY[i];   // loaded unconditionally: lets the loop become compare + and
        dY[i] = y[i] > 0.0f ? d : 0.0f;
    }
}

LQ_INLINE void lq_column_sums_body(const float *restrict m, long rows, long cols, float *restrict sums) {
    long c = 0;
    for (; c + 16 <= cols; c += 16) {
        lq_cs_vf acc = lq_cs_load(sums + c);
        for (long r = 0; r < rows; r++) acc += lq_cs_load(m + r * cols + c);
        memcpy(sums + c, &acc, sizeof acc);
    }
    if (c == cols || rows <= 0) return;
    // The last cols − c < 16 columns: a full vector read from each row runs
    // into the next row (lanes past the columns are discarded), which stays
    // inside `m` while r·cols + c + 16 ≤ rows·cols; later rows go scalar.
    const long width = cols - c;
    long r = 0;
    lq_cs_vf acc = 0;
    for (long j = 0; j < width; j++) acc[j] = sums[c + j];
    for (; r * cols + c + 16 <= rows * cols; r++) acc += lq_cs_load(m + r * cols + c);
    for (long j = 0; j < width; j++) sums[c + j] = acc[j];
    for (; r < rows; r++) {
        const float *row = m + r * cols;
        for (long j = c; j < cols; j++) sums[j] += row[j];
    }
}

#if defined(__x86_64__)
#define LQ_ACT_AVX2 __attribute__((target("avx2,fma")))
#define LQ_ACT_AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
#define LQ_ACT_AVX2
#define LQ_ACT_AVX512
#endif

#define LQ_ACTIVATION_ENTRY_POINTS(SUFFIX, TARGET)                                                   \
    TARGET void lq_relu_backward_##SUFFIX(const float *y, float *dY, long count) {                  \
        lq_relu_backward_body(y, dY, count);                                                         \
    }                                                                                                \
    TARGET void lq_add_column_sums_##SUFFIX(const float *m, long rows, long cols, float *sums) {    \
        lq_column_sums_body(m, rows, cols, sums);                                                    \
    }

LQ_ACTIVATION_ENTRY_POINTS(portable, )
LQ_ACTIVATION_ENTRY_POINTS(avx2_fma, LQ_ACT_AVX2)
LQ_ACTIVATION_ENTRY_POINTS(avx512, LQ_ACT_AVX512)
