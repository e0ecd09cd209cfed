// The BRDF decoder's output activation y = exp(x − offset) for a training
// chunk, 16 values per vector (`lq_exp`, Lanes16.h): glibc's expf is a
// scalar call per value, a few per cent of a step. Same bits on every path.
#include "CTrainingKernels.h"
#include "Lanes16.h"

LQ_INLINE void lq_exp_offset_body(float *restrict x, long count, float offset) {
    long i = 0;
    for (; i + LQ_LANES <= count; i += LQ_LANES) lq_store_contiguous(x + i, lq_exp(lq_load_contiguous(x + i) - offset));
    if (i < count) lq_store(x + i, 1, count - i, lq_exp(lq_load(x + i, 1, count - i) - offset));
}

void lq_exp_offset_portable(float *x, long count, float offset) { lq_exp_offset_body(x, count, offset); }
LQ_TARGET_AVX2 void lq_exp_offset_avx2_fma(float *x, long count, float offset) { lq_exp_offset_body(x, count, offset); }
LQ_TARGET_AVX512 void lq_exp_offset_avx512(float *x, long count, float offset) { lq_exp_offset_body(x, count, offset); }
