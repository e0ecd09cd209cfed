// Run-time CPU feature probes for choosing a training-kernel path.
//
// Why CPUID + XGETBV rather than __builtin_cpu_supports: the builtin needs the
// compiler runtime's CPU model symbol (not always linked by SwiftPM on Linux)
// and does not say whether the OS saves the wide registers; XGETBV does.
#include "CTrainingKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long lq_xgetbv0(void) {
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

/// ymm state (bits 1, 2) enabled by the OS and OSXSAVE present.
static int lq_os_saves_ymm(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27))) return 0;              // OSXSAVE
    return (lq_xgetbv0() & 0x6) == 0x6;
}

int lq_cpu_supports_avx2_fma(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, avx = (c >> 28) & 1;
    if (!fma || !avx || !lq_os_saves_ymm()) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 5) & 1;                          // AVX2
}

int lq_cpu_supports_avx512(void) {
    if (!lq_cpu_supports_avx2_fma()) return 0;
    unsigned int a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    if (!((b >> 16) & 1)) return 0;               // AVX-512 F
    return (lq_xgetbv0() & 0xE6) == 0xE6;         // opmask, zmm hi256, hi16 zmm + ymm
}
#else
int lq_cpu_supports_avx2_fma(void) { return 0; }
int lq_cpu_supports_avx512(void) { return 0; }
#endif
