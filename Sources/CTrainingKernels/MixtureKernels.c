// The sampling decoder's head for a training chunk: the output warps, the
// mixture pdf of the row's wo and its gradient with respect to the mixture
// parameters (forward), then that gradient scaled by dL/dpdf and taken back
// through the warps (backward). NeuralMaterial's SamplerWarps and
// MixtureDistribution.pdfGradient are the definitions (their docs derive
// every term); this is the same arithmetic in the same order, 16 rows per
// vector, with the branches as lane selects. One difference: the softmax's
// exp is `lq_exp` (within 2 ulp of expf), so results agree with the Swift
// definitions to float tolerance and with each other bit for bit.
#include "CTrainingKernels.h"
#include "Lanes16.h"

enum { LQ_MIXTURE_OUTPUTS = 9 };
static const float lq_pi = 3.14159265358979323846f;
static const float lq_max_correlation = 0.999f;
static const float lq_min_alpha = 1e-4f;

LQ_INLINE lq_vf lq_sig(lq_vf v) { return v / lq_sqrt(1.0f + v * v); }
LQ_INLINE lq_vf lq_mean(lq_vf v) { return v * lq_sqrt(1.0f + v * v); }

typedef struct { lq_vf ax, ay, rho, smx, smy, dmx, dmy, ws, wd; } lq_mixture;

/// The 9 raw outputs (row stride 9) → parameters (SamplerWarps.forward).
LQ_INLINE lq_mixture lq_warps(const float *z, long n) {
    lq_vf x[LQ_MIXTURE_OUTPUTS];
    for (int j = 0; j < LQ_MIXTURE_OUTPUTS; j++) x[j] = lq_load(z + j, LQ_MIXTURE_OUTPUTS, n);
    lq_mixture p;
    p.ax = lq_min_alpha + 0.5f * (1.0f + lq_sig(x[0]));
    p.ay = lq_min_alpha + 0.5f * (1.0f + lq_sig(x[1]));
    p.rho = lq_sig(x[2]);
    p.smx = lq_mean(x[3]); p.smy = lq_mean(x[4]);
    p.dmx = lq_mean(x[5]); p.dmy = lq_mean(x[6]);
    const lq_vf m = lq_max(x[7], x[8]);
    const lq_vf e0 = lq_exp(x[7] - m), e1 = lq_exp(x[8] - m);
    const lq_vf s = e0 + e1;
    p.ws = e0 / s; p.wd = e1 / s;
    return p;
}

LQ_INLINE void lq_mixture_forward_body(const float *restrict z, const float *restrict wiLocal, long wiStride,
                                       const float *restrict woLocal, long woStride, long rows,
                                       float *restrict pdf, float *restrict gradient) {
    for (long r = 0; r < rows; r += LQ_LANES) {
        const long n = rows - r < LQ_LANES ? rows - r : LQ_LANES;
        const lq_mixture p = lq_warps(z + LQ_MIXTURE_OUTPUTS * r, n);
        const lq_v3 wi = lq_load3(wiLocal + r * wiStride, wiStride, n);
        const lq_v3 wo = lq_load3(woLocal + r * woStride, woStride, n);

        // Specular: GGX of non-centred, correlated slopes at the half vector.
        lq_v3 h = lq_add(wi, wo);
        const lq_vf l2 = lq_dot3(h, h);
        const lq_vi hasHalf = l2 > 1e-20f;
        h = lq_div(h, lq_sqrt(l2));
        const lq_vi below = h.z < 0.0f;
        h = lq_v3_make(lq_select(below, -h.x, h.x), lq_select(below, -h.y, h.y), lq_select(below, -h.z, h.z));
        const lq_vf wiH = lq_abs(lq_dot3(wi, h));
        const lq_vi specular = hasHalf & (h.z > 0.0f) & (wiH > 0.0f);
        const lq_vf rho = lq_min(lq_max(p.rho, -lq_max_correlation), lq_max_correlation);
        const lq_vf omr = 1.0f - rho * rho;
        const lq_vf ex = h.x + h.z * p.smx, ey = h.y + h.z * p.smy;
        const lq_vf a = ex / p.ax, b = ey / p.ay;
        const lq_vf q = (a * a - 2.0f * rho * a * b + b * b) / omr;
        const lq_vf s = h.z * h.z + q;
        const lq_vf det = p.ax * p.ay * lq_sqrt(omr);
        const lq_vf d = 1.0f / (lq_pi * det * s * s);
        const lq_vf pgRaw = d * h.z / (4.0f * wiH);
        const lq_vf dQda = 2.0f * (a - rho * b) / omr;
        const lq_vf dQdb = 2.0f * (b - rho * a) / omr;
        const lq_vf k = 2.0f / s;
        const lq_vf dlax = -1.0f / p.ax + k * dQda * a / p.ax;
        const lq_vf dlay = -1.0f / p.ay + k * dQdb * b / p.ay;
        const lq_vi clampedOut = lq_abs(p.rho) > lq_max_correlation;
        const lq_vf dlrho = lq_select(clampedOut, 0.0f, rho / omr - k * (2.0f * rho * q - 2.0f * a * b) / omr);
        const lq_vf dlmx = -k * dQda * h.z / p.ax;
        const lq_vf dlmy = -k * dQdb * h.z / p.ay;
        const lq_vf pg = lq_select(specular, pgRaw, 0.0f);
        const lq_vf wsp = p.ws * pg;

        // Diffuse: cosine lobe about normalize(−μd.x, −μd.y, 1).
        const lq_v3 v = lq_v3_make(-p.dmx, -p.dmy, 1.0f);
        const lq_vf len = lq_sqrt(lq_dot3(v, v));
        const lq_v3 c = lq_div(v, len);
        const lq_vf cosC = lq_dot3(wo, c);
        const lq_vi diffuse = cosC > 0.0f;
        const lq_vf pc = lq_select(diffuse, cosC / lq_pi, 0.0f);
        const lq_v3 dv = lq_div(lq_sub(wo, lq_scale(cosC, c)), len);
        const lq_vf wdPi = p.wd / lq_pi;

        float *g = gradient + LQ_MIXTURE_OUTPUTS * r;
        const long gs = LQ_MIXTURE_OUTPUTS;
        lq_store(g + 0, gs, n, lq_select(specular, wsp * dlax, 0.0f));
        lq_store(g + 1, gs, n, lq_select(specular, wsp * dlay, 0.0f));
        lq_store(g + 2, gs, n, lq_select(specular, wsp * dlrho, 0.0f));
        lq_store(g + 3, gs, n, lq_select(specular, wsp * dlmx, 0.0f));
        lq_store(g + 4, gs, n, lq_select(specular, wsp * dlmy, 0.0f));
        lq_store(g + 5, gs, n, lq_select(diffuse, -dv.x * wdPi, 0.0f));
        lq_store(g + 6, gs, n, lq_select(diffuse, -dv.y * wdPi, 0.0f));
        lq_store(g + 7, gs, n, pg);
        lq_store(g + 8, gs, n, pc);
        lq_store(pdf + r, 1, n, p.ws * pg + p.wd * pc);
    }
}

LQ_INLINE lq_vf lq_dsig(lq_vf v) { const lq_vf q = 1.0f + v * v; return 1.0f / (q * lq_sqrt(q)); }
LQ_INLINE lq_vf lq_dmean(lq_vf v) { const lq_vf q = 1.0f + v * v; return (1.0f + 2.0f * v * v) / lq_sqrt(q); }

LQ_INLINE void lq_mixture_backward_body(const float *restrict z, const float *restrict gradient, const float *restrict dPdf,
                                        long rows, float *restrict dRaw) {
    for (long r = 0; r < rows; r += LQ_LANES) {
        const long n = rows - r < LQ_LANES ? rows - r : LQ_LANES;
        const float *zr = z + LQ_MIXTURE_OUTPUTS * r, *gr = gradient + LQ_MIXTURE_OUTPUTS * r;
        const long st = LQ_MIXTURE_OUTPUTS;
        const lq_vf scale = lq_load(dPdf + r, 1, n);
        lq_vf x[LQ_MIXTURE_OUTPUTS], g[LQ_MIXTURE_OUTPUTS];
        for (int j = 0; j < LQ_MIXTURE_OUTPUTS; j++) {
            x[j] = lq_load(zr + j, st, n);
            g[j] = lq_load(gr + j, st, n) * scale;
        }
        float *d = dRaw + LQ_MIXTURE_OUTPUTS * r;
        lq_store(d + 0, st, n, g[0] * 0.5f * lq_dsig(x[0]));
        lq_store(d + 1, st, n, g[1] * 0.5f * lq_dsig(x[1]));
        lq_store(d + 2, st, n, g[2] * lq_dsig(x[2]));
        for (int j = 3; j < 7; j++) lq_store(d + j, st, n, g[j] * lq_dmean(x[j]));
        const lq_vf m = lq_max(x[7], x[8]);
        const lq_vf e0 = lq_exp(x[7] - m), e1 = lq_exp(x[8] - m);
        const lq_vf w0 = e0 / (e0 + e1), w1 = e1 / (e0 + e1);
        const lq_vf avg = w0 * g[7] + w1 * g[8];
        lq_store(d + 7, st, n, w0 * (g[7] - avg));
        lq_store(d + 8, st, n, w1 * (g[8] - avg));
    }
}

#define LQ_MIXTURE_ENTRY_POINTS(SUFFIX, TARGET)                                                               \
    TARGET void lq_mixture_forward_##SUFFIX(const float *z, const float *wiLocal, long wiStride,               \
                                            const float *woLocal, long woStride, long rows,                    \
                                            float *pdf, float *gradient) {                                     \
        lq_mixture_forward_body(z, wiLocal, wiStride, woLocal, woStride, rows, pdf, gradient);                 \
    }                                                                                                          \
    TARGET void lq_mixture_backward_##SUFFIX(const float *z, const float *gradient, const float *dPdf,         \
                                             long rows, float *dRaw) {                                         \
        lq_mixture_backward_body(z, gradient, dPdf, rows, dRaw);                                               \
    }

LQ_MIXTURE_ENTRY_POINTS(portable, )
LQ_MIXTURE_ENTRY_POINTS(avx2_fma, LQ_TARGET_AVX2)
LQ_MIXTURE_ENTRY_POINTS(avx512, LQ_TARGET_AVX512)
