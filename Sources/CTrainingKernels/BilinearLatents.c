// Gather and scatter of bilinear latent fetches for a whole batch. The taps
// (texel offsets and weights, wrap addressing) are computed in Swift
// (LatentPyramid.taps, the one definition); these loops only move memory.
// A 512²×8 float texture is 8 MB, so every tap is a likely cache miss: the
// loops prefetch the texels a few rows ahead, which the out-of-order core
// cannot do on its own across the tap computation.
#include "CTrainingKernels.h"

// Same sums, same rounding as LatentPyramid.fetch (no fused multiply-add).
#pragma clang fp contract(off)

enum { LQ_PREFETCH_ROWS = 8 };

void lq_bilinear_gather(const float *values, const long long *offsets, const float *weights,
                        long rows, long channels, float *out) {
    for (long r = 0; r < rows; r++) {
        if (r + LQ_PREFETCH_ROWS < rows) {
            const long long *po = offsets + 4 * (r + LQ_PREFETCH_ROWS);
            for (int k = 0; k < 4; k++) __builtin_prefetch(values + po[k], 0, 1);
        }
        const long long *o = offsets + 4 * r;
        const float *w = weights + 4 * r;
        const float *a = values + o[0], *b = values + o[1], *c = values + o[2], *d = values + o[3];
        float *y = out + r * channels;
        for (long ch = 0; ch < channels; ch++) y[ch] = w[0] * a[ch] + w[1] * b[ch] + w[2] * c[ch] + w[3] * d[ch];
    }
}

void lq_bilinear_scatter(float *gradient, const long long *offsets, const float *weights,
                         long rows, long channels, const float *dRows, long long lo, long long hi) {
    // A tap outside [lo, hi) belongs to another thread. Whether a tap is ours
    // is a coin flip per row, so a branch on it mispredicted about half the
    // time (several per row); instead such a tap adds into a private scratch
    // row that nobody reads, chosen by a conditional move.
    float scratch[64] = { 0 };
    float *sink = channels <= 64 ? scratch : 0;
    for (long r = 0; r < rows; r++) {
        if (r + LQ_PREFETCH_ROWS < rows) {
            const long long *po = offsets + 4 * (r + LQ_PREFETCH_ROWS);
            for (int k = 0; k < 4; k++) {
                const int ours = po[k] >= lo && po[k] < hi;
                __builtin_prefetch(ours || !sink ? gradient + po[k] : sink, 1, 1);
            }
        }
        const long long *o = offsets + 4 * r;
        const float *w = weights + 4 * r;
        const float *src = dRows + r * channels;
        for (int k = 0; k < 4; k++) {
            const int ours = o[k] >= lo && o[k] < hi;
            if (!sink && !ours) continue;
            float *g = ours ? gradient + o[k] : sink;
            const float wk = w[k];
            for (long ch = 0; ch < channels; ch++) g[ch] += wk * src[ch];
        }
    }
}
