// The BRDF loss of a training chunk (NeuralMaterial/Losses.swift, LogL1Loss,
// is the definition): mean |log(y+ε) − log(t+ε)| and its gradient
// sign(y − t)/((y+ε)·N). The gradient needs no logarithm — log is
// monotonic, so the sign of the log difference is the sign of the
// difference — and runs as vector code per instruction set; the loss value,
// one logarithm of the ratio per element (`lq_log`), is only reported and
// checked for divergence. Every path gives the same bits.
#include "CTrainingKernels.h"
#include "Lanes16.h"

/// One pass, 16 values per vector: a = max(y, 0) + ε and b = max(t, 0) + ε
/// (Swift's max, so a NaN prediction stays NaN), the gradient from the sign
/// of a − b, and the loss from log(a / b).
LQ_INLINE float lq_log_l1_body(const float *restrict y, const float *restrict t, long count, float eps, float inv,
                               float *restrict gradient) {
    lq_vf sums = 0;   // 16 lane sums, added lane by lane at the end: the same order on every path
    for (long i = 0; i < count; i += LQ_LANES) {
        const long n = count - i < LQ_LANES ? count - i : LQ_LANES;
        const lq_vf yv = lq_load(y + i, 1, n), tv = lq_load(t + i, 1, n);
        const lq_vf a = lq_max(yv, 0.0f) + eps, b = lq_max(tv, 0.0f) + eps;
        const lq_vf s = lq_select(a > b, 1.0f, lq_select(a < b, -1.0f, 0.0f));
        lq_store(gradient + i, 1, n, lq_select(yv >= 0.0f, (s * inv) / a, 0.0f));
        sums += lq_abs(lq_log(a / b));   // lanes past `count` hold log(eps/eps) = 0
    }
    float sum = 0;
    for (int j = 0; j < LQ_LANES; j++) sum += sums[j];
    return sum * inv;
}

#define LQ_LOSS_ENTRY_POINT(SUFFIX, TARGET)                                                                    \
    TARGET float lq_log_l1_##SUFFIX(const float *y, const float *t, long count, float eps, float inv,          \
                                    float *gradient) {                                                         \
        return lq_log_l1_body(y, t, count, eps, inv, gradient);                                                \
    }

LQ_LOSS_ENTRY_POINT(portable, )
LQ_LOSS_ENTRY_POINT(avx2_fma, LQ_TARGET_AVX2)
LQ_LOSS_ENTRY_POINT(avx512, LQ_TARGET_AVX512)
