// Plain C gemm with the CTrainingKernels.h convention: the body of the ISA
// entry points on machines where those instruction sets do not exist (never
// selected there, but the symbols must link), and the row/column tail of no
// kernel — the vector kernels handle their own tails with masks.
#ifndef LACQUER_GEMM_SCALAR_H
#define LACQUER_GEMM_SCALAR_H

static inline void lq_gemm_scalar(long m, long n, long k, const float *a, long ars, long acs,
                                  const float *b, float *c, const float *bias, int accumulate, int relu) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float s = accumulate ? c[i * n + j] : (bias ? bias[j] : 0.0f);
            for (long kk = 0; kk < k; kk++) s += a[i * ars + kk * acs] * b[kk * n + j];
            c[i * n + j] = (relu && s < 0.0f) ? 0.0f : s;
        }
    }
}

#endif
