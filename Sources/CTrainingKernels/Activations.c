// Element-wise activation backward passes and the bias gradient's column
// sums, one body compiled per instruction set. In C with `restrict` and a
// select so that the compiler emits branch-free vector code on every target:
// the Swift loop could not prove the two buffers disjoint and compiled to a
// branch per element, which mispredicts on ReLU's ~50 % random pattern.
// The column sums run 16 columns per vector and keep every column's rows in
// order, so every path gives the scalar loop's sums bit for bit.
#include "CTrainingKernels.h"
#include "Lanes16.h"

LQ_INLINE void lq_relu_backward_body(const float *restrict y, float *restrict dY, long count) {
    for (long i = 0; i < count; i++) {
        const float d = dY[i];   // loaded unconditionally: lets the loop become compare + and
        dY[i] = y[i] > 0.0f ? d : 0.0f;
    }
}

LQ_INLINE void lq_column_sums_body(const float *restrict m, long rows, long cols, float *restrict sums) {
    long c = 0;
    for (; c + 16 <= cols; c += 16) {
        lq_vf acc = lq_load_contiguous(sums + c);
        for (long r = 0; r < rows; r++) acc += lq_load_contiguous(m + r * cols + c);
        lq_store_contiguous(sums + c, acc);
    }
    if (c == cols || rows <= 0) return;
    // The last cols − c < 16 columns: a full vector read from each row runs
    // into the next row (lanes past the columns are discarded), which stays
    // inside `m` while r·cols + c + 16 ≤ rows·cols; later rows go scalar.
    const long width = cols - c;
    long r = 0;
    lq_vf acc = 0;
    for (long j = 0; j < width; j++) acc[j] = sums[c + j];
    for (; r * cols + c + 16 <= rows * cols; r++) acc += lq_load_contiguous(m + r * cols + c);
    for (long j = 0; j < width; j++) sums[c + j] = acc[j];
    for (; r < rows; r++) {
        const float *row = m + r * cols;
        for (long j = c; j < cols; j++) sums[j] += row[j];
    }
}

#define LQ_ACTIVATION_ENTRY_POINTS(SUFFIX, TARGET)                                                   \
    TARGET void lq_relu_backward_##SUFFIX(const float *y, float *dY, long count) {                  \
        lq_relu_backward_body(y, dY, count);                                                         \
    }                                                                                                \
    TARGET void lq_add_column_sums_##SUFFIX(const float *m, long rows, long cols, float *sums) {    \
        lq_column_sums_body(m, rows, cols, sums);                                                    \
    }

LQ_ACTIVATION_ENTRY_POINTS(portable, )
LQ_ACTIVATION_ENTRY_POINTS(avx2_fma, LQ_TARGET_AVX2)
LQ_ACTIVATION_ENTRY_POINTS(avx512, LQ_TARGET_AVX512)
