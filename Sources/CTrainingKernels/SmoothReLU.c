// The smooth ReLU of the BRDF decoder's hidden layers, 16 values per vector,
// one body compiled per instruction set (Lanes16.h: contract off, IEEE
// square root, so every path gives the same bits as the scalar Swift
// definition in HiddenActivation.swift, which spells the same operations).
//
// With k = LEAK and a = HALF_WIDTH the middle piece is q(z) = (A·z + B)·z + C,
// A = (1 − k)/(4a), B = (1 + k)/2, C = a(1 − k)/4: q(a) = a, q(−a) = −k·a and
// q'(±a) = 1, k. Its slope as a function of its value, q' = √(B² + 4A(y − C)),
// lets the backward pass work from the saved output like ReLU's.
#include "CTrainingKernels.h"
#include "Lanes16.h"

#define LQ_SR_A ((1.0f - LQ_SMOOTH_RELU_LEAK) / (4.0f * LQ_SMOOTH_RELU_HALF_WIDTH))
#define LQ_SR_B ((1.0f + LQ_SMOOTH_RELU_LEAK) / 2.0f)
#define LQ_SR_C (LQ_SMOOTH_RELU_HALF_WIDTH * (1.0f - LQ_SMOOTH_RELU_LEAK) / 4.0f)

LQ_INLINE lq_vf lq_smooth_relu(lq_vf z) {
    const lq_vf q = (LQ_SR_A * z + LQ_SR_B) * z + LQ_SR_C;
    const lq_vf left = LQ_SMOOTH_RELU_LEAK * z;
    return lq_select(z >= LQ_SMOOTH_RELU_HALF_WIDTH, z, lq_select(z <= -LQ_SMOOTH_RELU_HALF_WIDTH, left, q));
}

LQ_INLINE lq_vf lq_smooth_relu_slope(lq_vf y) {
    const lq_vf middle = lq_sqrt(lq_max(LQ_SR_B * LQ_SR_B + (4.0f * LQ_SR_A) * (y - LQ_SR_C), 0.0f));
    const float leftEdge = -LQ_SMOOTH_RELU_LEAK * LQ_SMOOTH_RELU_HALF_WIDTH;
    return lq_select(y >= LQ_SMOOTH_RELU_HALF_WIDTH, 1.0f, lq_select(y <= leftEdge, LQ_SMOOTH_RELU_LEAK, middle));
}

LQ_INLINE void lq_smooth_relu_body(float *restrict x, long count) {
    long i = 0;
    for (; i + LQ_LANES <= count; i += LQ_LANES) lq_store_contiguous(x + i, lq_smooth_relu(lq_load_contiguous(x + i)));
    if (i < count) lq_store(x + i, 1, count - i, lq_smooth_relu(lq_load(x + i, 1, count - i)));
}

LQ_INLINE void lq_smooth_relu_backward_body(const float *restrict y, float *restrict dY, long count) {
    long i = 0;
    for (; i + LQ_LANES <= count; i += LQ_LANES) {
        lq_store_contiguous(dY + i, lq_load_contiguous(dY + i) * lq_smooth_relu_slope(lq_load_contiguous(y + i)));
    }
    if (i < count) {
        const long n = count - i;
        lq_store(dY + i, 1, n, lq_load(dY + i, 1, n) * lq_smooth_relu_slope(lq_load(y + i, 1, n)));
    }
}

void lq_smooth_relu_portable(float *x, long count) { lq_smooth_relu_body(x, count); }
LQ_TARGET_AVX2 void lq_smooth_relu_avx2_fma(float *x, long count) { lq_smooth_relu_body(x, count); }
LQ_TARGET_AVX512 void lq_smooth_relu_avx512(float *x, long count) { lq_smooth_relu_body(x, count); }
void lq_smooth_relu_backward_portable(const float *y, float *dY, long count) { lq_smooth_relu_backward_body(y, dY, count); }
LQ_TARGET_AVX2 void lq_smooth_relu_backward_avx2_fma(const float *y, float *dY, long count) { lq_smooth_relu_backward_body(y, dY, count); }
LQ_TARGET_AVX512 void lq_smooth_relu_backward_avx512(const float *y, float *dY, long count) { lq_smooth_relu_backward_body(y, dY, count); }
