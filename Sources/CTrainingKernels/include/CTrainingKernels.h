#ifndef LACQUER_C_TRAINING_KERNELS_H
#define LACQUER_C_TRAINING_KERNELS_H

/// Training kernels compiled for several x86-64 instruction sets in one
/// binary (function-level `target` attributes) and chosen at run time from
/// the CPU's features. Swift (NeuralMaterial/TrainingISA.swift) owns the
/// choice; these functions only compute. On other architectures only the
/// feature probes are meaningful (they report no support) and the ISA entry
/// points are plain C fallbacks that the Swift side never selects.
///
/// Matrix convention (same as NeuralMaterial's MatrixKernels.gemm):
///   C[m×n] = (accumulate ? C : bias or 0) + Σ_k A(m,k)·B[k×n], then max(0,·) if relu,
///   A(m,k) at a[m*aRowStride + k*aColStride], B row-major [k×n], C row-major [m×n].

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the CPU and OS support AVX2 and FMA (ymm state enabled).
int lq_cpu_supports_avx2_fma(void);
/// 1 when the CPU and OS support AVX-512 F (zmm and mask state enabled) plus AVX2/FMA.
int lq_cpu_supports_avx512(void);

void lq_gemm_avx2_fma(long m, long n, long k,
                      const float *a, long aRowStride, long aColStride,
                      const float *b, float *c, const float *bias,
                      int accumulate, int relu);

void lq_gemm_avx512(long m, long n, long k,
                    const float *a, long aRowStride, long aColStride,
                    const float *b, float *c, const float *bias,
                    int accumulate, int relu);

/// Adam on `count` floats: m ← b1·m + (1−b1)·g; v ← b2·v + (1−b2)·g²;
/// p ← p − stepSize·m / (√v·invSqrtC2 + eps). Written with separate multiplies
/// and adds (no fused multiply-add), so every variant is bit-identical to the
/// scalar Swift loop in AdamOptimizer.
void lq_adam_portable(float *p, float *m, float *v, const float *g, long count,
                      float b1, float b2, float stepSize, float invSqrtC2, float eps);
void lq_adam_avx2_fma(float *p, float *m, float *v, const float *g, long count,
                      float b1, float b2, float stepSize, float invSqrtC2, float eps);
void lq_adam_avx512(float *p, float *m, float *v, const float *g, long count,
                    float b1, float b2, float stepSize, float invSqrtC2, float eps);

/// dY[i] = y[i] > 0 ? dY[i] : 0 (ReLU backward from the post-activation; NaN → 0).
/// y and dY must not overlap. One per instruction set, identical results.
void lq_relu_backward_portable(const float *y, float *dY, long count);
void lq_relu_backward_avx2_fma(const float *y, float *dY, long count);
void lq_relu_backward_avx512(const float *y, float *dY, long count);

/// sums[c] += Σ_r m[r×cols + c], rows in order (the bias gradient; each column's
/// sum has the same order as a scalar loop, so every variant's results are
/// identical). No overlap.
void lq_add_column_sums_portable(const float *m, long rows, long cols, float *sums);
void lq_add_column_sums_avx2_fma(const float *m, long rows, long cols, float *sums);
void lq_add_column_sums_avx512(const float *m, long rows, long cols, float *sums);

/// x[i] = exp(x[i] − offset) in place (ExpActivation.c: within 2 ulp of expf,
/// the same bits on every path; overflow +inf, underflow 0, NaN stays NaN).
void lq_exp_offset_portable(float *x, long count, float offset);
void lq_exp_offset_avx2_fma(float *x, long count, float offset);
void lq_exp_offset_avx512(float *x, long count, float offset);

/// The smooth ReLU between the BRDF decoder's hidden layers
/// (NeuralMaterial's `HiddenActivation.smoothReLU`): slope LEAK left of
/// −HALF_WIDTH, the identity right of HALF_WIDTH, and between them the
/// quadratic that joins the two with a continuous slope. Defined once here;
/// Swift and the GLSL generator read these two numbers.
#define LQ_SMOOTH_RELU_HALF_WIDTH 0.5f
#define LQ_SMOOTH_RELU_LEAK 0.01f
/// forward: x[i] = smoothReLU(x[i]) in place;
/// backward: dY[i] *= smoothReLU'(z) where y[i] = smoothReLU(z) (the slope
/// is recovered from the output, as ReLU's is). The same bits on every path.
void lq_smooth_relu_portable(float *x, long count);
void lq_smooth_relu_avx2_fma(float *x, long count);
void lq_smooth_relu_avx512(float *x, long count);
void lq_smooth_relu_backward_portable(const float *y, float *dY, long count);
void lq_smooth_relu_backward_avx2_fma(const float *y, float *dY, long count);
void lq_smooth_relu_backward_avx512(const float *y, float *dY, long count);

/// The sampling decoder's head (MixtureKernels.c) for `rows` rows of 9 raw outputs z:
/// forward: pdf[r] = the mixture pdf of woLocal[r] given wiLocal[r] (both in the
/// learned frame), gradient[r×9] = ∂pdf/∂(warped parameters);
/// backward: dRaw[r×9] = (dPdf[r]·gradient[r×9]) taken back through the warps.
void lq_mixture_forward_portable(const float *z, const float *wiLocal, long wiStride, const float *woLocal, long woStride, long rows, float *pdf, float *gradient);
void lq_mixture_forward_avx2_fma(const float *z, const float *wiLocal, long wiStride, const float *woLocal, long woStride, long rows, float *pdf, float *gradient);
void lq_mixture_forward_avx512(const float *z, const float *wiLocal, long wiStride, const float *woLocal, long woStride, long rows, float *pdf, float *gradient);
void lq_mixture_backward_portable(const float *z, const float *gradient, const float *dPdf, long rows, float *dRaw);
void lq_mixture_backward_avx2_fma(const float *z, const float *gradient, const float *dPdf, long rows, float *dRaw);
void lq_mixture_backward_avx512(const float *z, const float *gradient, const float *dPdf, long rows, float *dRaw);

/// Log-L1 loss of `count` predictions y against targets t (LogL1Loss.c):
/// gradient[i] = y[i] ≥ 0 ? sign(y⁺+eps − (t⁺+eps))·inv / (y⁺+eps) : 0 with x⁺ = max(x, 0);
/// returns inv · Σ |log((y⁺+eps)/(t⁺+eps))| (NaN when a prediction is NaN).
float lq_log_l1_portable(const float *y, const float *t, long count, float eps, float inv, float *gradient);
float lq_log_l1_avx2_fma(const float *y, const float *t, long count, float eps, float inv, float *gradient);
float lq_log_l1_avx512(const float *y, const float *t, long count, float eps, float inv, float *gradient);

/// Bilinear latent fetch for `rows` rows: out[r×channels] = Σ_k weights[4r+k] ·
/// values[offsets[4r+k] + ch]. `offsets` are element offsets of each tap's first channel.
void lq_bilinear_gather(const float *values, const long long *offsets, const float *weights,
                        long rows, long channels, float *out);
/// Backward of the fetch, restricted to taps with offset in [lo, hi) (the caller's
/// share of the texture): gradient[offset + ch] += weight · dRows[r×channels + ch],
/// rows in order — so splitting the texture between threads keeps every sum's order.
void lq_bilinear_scatter(float *gradient, const long long *offsets, const float *weights,
                         long rows, long channels, const float *dRows, long long lo, long long hi);

/// The difference vector's pole softening (FrameLayer.differenceVector):
/// its azimuth divides by sqrt(h.x² + h.y² + this), so it and its gradient
/// stay finite where h meets the frame's normal (there an isotropic lobe does
/// not depend on the azimuth). Swift and the GLSL generator read this number.
#define LQ_DIFFERENCE_POLE_SOFTENING 1e-4f

/// The log-stretched half angle (FrameLayer.logHalfAngle, FrameInputs.halfDifferenceLogAngle):
/// s = 1 + LQ_LOG_HALF_ANGLE_SCALE · log(sin²θ_h + LQ_LOG_HALF_ANGLE_FLOOR), 0 at the
/// pole and 1 at the horizon, the scale being 1 / log(1 / the floor).
#define LQ_LOG_HALF_ANGLE_FLOOR 1e-4f
#define LQ_LOG_HALF_ANGLE_SCALE 0.108573620f
/// The kernels' logarithm for one value (Lanes16.h's lq_log, the same bits in
/// every lane and on every path), so the Swift definition of a feature that
/// takes a logarithm equals the batch kernels bit for bit.
float lq_log_scalar(float x);

/// The learned frames' per-row work for `rows` rows (FrameLayer.c; bit-identical
/// to NeuralMaterial's FrameLayer on every path). raw: [rows×12]; wi, wo: one
/// direction per 4 floats (Swift's SIMD3<Float> stride).
/// mode (FrameInputs.kernelMode): 0 for .incidentOutgoing (12 features),
/// 1 for .withHalfVector (18), 2 for .halfDifference (16), 3 for .halfDifferenceLogAngle (18).
/// features: out[r×outStride + 0..<12, 18 or 16] = FrameLayer.features.
void lq_frame_features_portable(const float *raw, const float *wi, const float *wo, long mode, long rows, float *out, long outStride);
void lq_frame_features_avx2_fma(const float *raw, const float *wi, const float *wo, long mode, long rows, float *out, long outStride);
void lq_frame_features_avx512(const float *raw, const float *wi, const float *wo, long mode, long rows, float *out, long outStride);
/// backward: dRaw[r×12 + 0..<12] = FrameLayer.backward of dFeatures[r×dStride + 0..<12, 18 or 16].
void lq_frame_backward_portable(const float *raw, const float *wi, const float *wo, long mode, const float *dFeatures, long dStride, long rows, float *dRaw);
void lq_frame_backward_avx2_fma(const float *raw, const float *wi, const float *wo, long mode, const float *dFeatures, long dStride, long rows, float *dRaw);
void lq_frame_backward_avx512(const float *raw, const float *wi, const float *wo, long mode, const float *dFeatures, long dStride, long rows, float *dRaw);
/// local: wiOut[r×wiStride + 0..<3], woOut[r×woStride + 0..<3] = wi[r], wo[r] in frame `index` (0 or 1).
void lq_frame_local_portable(const float *raw, long index, const float *wi, const float *wo, long rows, float *wiOut, long wiStride, float *woOut, long woStride);
void lq_frame_local_avx2_fma(const float *raw, long index, const float *wi, const float *wo, long rows, float *wiOut, long wiStride, float *woOut, long woStride);
void lq_frame_local_avx512(const float *raw, long index, const float *wi, const float *wo, long rows, float *wiOut, long wiStride, float *woOut, long woStride);


/// Value-noise fBm of the procedural textures (ProceduralNoise.c): out[i] =
/// ProceduralMath.fbm(xy[2i], xy[2i+1], …) for i < count (1…4), the same
/// bits on every path. `lq_fbm` picks the fastest path the CPU supports.
void lq_fbm(const float *xy, int count, int octaves, float lacunarity, float gain, unsigned seed, float *out);
void lq_fbm_portable(const float *xy, int count, int octaves, float lacunarity, float gain, unsigned seed, float *out);
void lq_fbm_avx2_fma(const float *xy, int count, int octaves, float lacunarity, float gain, unsigned seed, float *out);
void lq_fbm_avx512(const float *xy, int count, int octaves, float lacunarity, float gain, unsigned seed, float *out);
/// The nearest jittered feature point around (x, y) (ProceduralMath.voronoi):
/// its squared distance and its cell (cell[0], cell[1]); same bits on every path.
void lq_voronoi(float x, float y, float jitter, unsigned seed, float *distanceSquared, int *cell);
void lq_voronoi_portable(float x, float y, float jitter, unsigned seed, float *distanceSquared, int *cell);
void lq_voronoi_avx2_fma(float x, float y, float jitter, unsigned seed, float *distanceSquared, int *cell);
void lq_voronoi_avx512(float x, float y, float jitter, unsigned seed, float *distanceSquared, int *cell);
/// `lq_voronoi` at four points xy[2i], xy[2i+1] (a bump's samples), the same
/// bits as four queries: distanceSquared[i], cells[2i], cells[2i+1].
void lq_voronoi4(const float *xy, float jitter, unsigned seed, float *distanceSquared, int *cells);
void lq_voronoi4_portable(const float *xy, float jitter, unsigned seed, float *distanceSquared, int *cells);
void lq_voronoi4_avx2_fma(const float *xy, float jitter, unsigned seed, float *distanceSquared, int *cells);
void lq_voronoi4_avx512(const float *xy, float jitter, unsigned seed, float *distanceSquared, int *cells);

/// Cache hints for memory-bound Swift loops (the sparse latent Adam's random
/// texels): Swift has no prefetch of its own. Hints only: no effect on results.
static inline void lq_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 1); }
static inline void lq_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 1); }

#ifdef __cplusplus
}
#endif

#endif
