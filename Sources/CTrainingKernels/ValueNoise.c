// Value-noise fBm of the procedural textures (Materials/Procedural.swift),
// for the CPU reference that generates a bake's training rows. One vector
// lane per (point, octave) pair: the integer hashes (two multiplies and a
// per-lane variable shift each) were a scalar chain of six per corner set,
// and value noise was a quarter of a lacquered-wood bake's CPU. Same
// operations in the same order as the Swift definition, so the same bits on
// every instruction set (Tests/MaterialsTests/ValueNoiseTests.swift).
#include "CTrainingKernels.h"
#include "Lanes16.h"

typedef unsigned int lq_vu __attribute__((ext_vector_type(16)));

/// The PCG-style integer hash of the procedurals (ProceduralMath.hash).
LQ_INLINE unsigned lq_hash1(unsigned v) {
    unsigned state = v * 747796405u + 2891336453u;
    unsigned word = ((state >> ((state >> 28) + 4)) ^ state) * 277803737u;
    return (word >> 22) ^ word;
}
LQ_INLINE lq_vu lq_hash(lq_vu v) {
    lq_vu state = v * 747796405u + 2891336453u;
    lq_vu word = ((state >> ((state >> 28) + 4)) ^ state) * 277803737u;
    return (word >> 22) ^ word;
}
/// ProceduralMath.unit: the top 24 bits as a float in [0, 1) (exact).
LQ_INLINE lq_vf lq_unit(lq_vu h) { return __builtin_convertvector((lq_vi)(h >> 8), lq_vf) * (1.0f / 16777216.0f); }
LQ_INLINE lq_vf lq_mix(lq_vf a, lq_vf b, lq_vf t) { return a + (b - a) * t; }

/// Value noise at (x, y) per lane, `seedHash` = hash(seed) per lane: NaN → 0,
/// clamp to ±1e6, lattice cell, quintic fade, corner values, bilinear blend.
/// The floor is exact for |q| ≤ 1e6 (what the clamp guarantees); at −0 it
/// gives +0 where floorf gives −0, which changes no value downstream.
LQ_INLINE lq_vf lq_value_noise(lq_vf x, lq_vf y, lq_vu seedHash) {
    x = lq_min(lq_max(lq_select(x != x, 0.0f, x), -1e6f), 1e6f);
    y = lq_min(lq_max(lq_select(y != y, 0.0f, y), -1e6f), 1e6f);
    const lq_vi tx = __builtin_convertvector(x, lq_vi), ty = __builtin_convertvector(y, lq_vi);
    const lq_vi below_x = __builtin_convertvector(tx, lq_vf) > x, below_y = __builtin_convertvector(ty, lq_vf) > y;
    const lq_vi ix = tx + below_x, iy = ty + below_y;     // comparison lanes are −1 where true
    const lq_vf fx = x - __builtin_convertvector(ix, lq_vf), fy = y - __builtin_convertvector(iy, lq_vf);
    const lq_vf ux = fx * fx * fx * (fx * (fx * 6.0f - 15.0f) + 10.0f);
    const lq_vf uy = fy * fy * fy * (fy * (fy * 6.0f - 15.0f) + 10.0f);
    const lq_vu x0 = (lq_vu)ix, x1 = (lq_vu)ix + 1u;
    const lq_vu h0 = lq_hash((lq_vu)iy ^ seedHash), h1 = lq_hash(((lq_vu)iy + 1u) ^ seedHash);
    const lq_vf k0 = lq_unit(lq_hash(x0 ^ h0)), k1 = lq_unit(lq_hash(x1 ^ h0));
    const lq_vf k2 = lq_unit(lq_hash(x0 ^ h1)), k3 = lq_unit(lq_hash(x1 ^ h1));
    return lq_mix(lq_mix(k0, k1, ux), lq_mix(k2, k3, ux), uy);
}

typedef float lq_v4f __attribute__((ext_vector_type(4)));

/// out[i] = fbm(xy[2i], xy[2i+1]) for i < count (1…4), as ProceduralMath's
/// loop: octave o at frequency lacunarity^o (running product), seed + o,
/// amplitude gain^o, summed in octave order, divided by Σ amplitudes.
/// Lane 4·o + i holds point i at octave o of a block of four octaves, so the
/// lanes are filled by shuffles and the octave sums are four-lane adds
/// (missing points repeat point 0; their lanes are computed and dropped).
LQ_INLINE void lq_fbm_body(const float *restrict xy, int count, int octaves, float lacunarity, float gain,
                           unsigned seed, float *restrict out) {
    if (count > 4) count = 4;
    if (octaves < 1) octaves = 1;
    lq_v4f px, py;
    for (int i = 0; i < 4; i++) {
        const int j = i < count ? i : 0;
        px[i] = xy[2 * j]; py[i] = xy[2 * j + 1];
    }
    const lq_vf x = __builtin_shufflevector(px, px, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3);
    const lq_vf y = __builtin_shufflevector(py, py, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3);
    const lq_vu octaveOfLane = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 };
    lq_v4f sum = 0;
    float norm = 0, amp = 1, freq = 1;
    for (int first = 0; first < octaves; first += 4) {
        const int block = octaves - first < 4 ? octaves - first : 4;
        lq_v4f freqs, amps;
        for (int o = 0; o < 4; o++) {
            freqs[o] = freq; amps[o] = amp;
            if (o < block) { norm += amp; amp *= gain; freq *= lacunarity; }
        }
        const lq_vf f = __builtin_shufflevector(freqs, freqs, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        const lq_vf v = lq_value_noise(x * f, y * f, lq_hash(seed + (unsigned)first + octaveOfLane));
        sum += amps[0] * __builtin_shufflevector(v, v, 0, 1, 2, 3);
        if (block > 1) sum += amps[1] * __builtin_shufflevector(v, v, 4, 5, 6, 7);
        if (block > 2) sum += amps[2] * __builtin_shufflevector(v, v, 8, 9, 10, 11);
        if (block > 3) sum += amps[3] * __builtin_shufflevector(v, v, 12, 13, 14, 15);
    }
    const lq_v4f result = sum / norm;
    for (int i = 0; i < count; i++) out[i] = result[i];
}

void lq_fbm_portable(const float *xy, int count, int octaves, float lacunarity, float gain, unsigned seed, float *out) {
    lq_fbm_body(xy, count, octaves, lacunarity, gain, seed, out);
}
LQ_TARGET_AVX2 void lq_fbm_avx2_fma(const float *xy, int count, int octaves, float lacunarity, float gain,
                                    unsigned seed, float *out) {
    lq_fbm_body(xy, count, octaves, lacunarity, gain, seed, out);
}
LQ_TARGET_AVX512 void lq_fbm_avx512(const float *xy, int count, int octaves, float lacunarity, float gain,
                                    unsigned seed, float *out) {
    lq_fbm_body(xy, count, octaves, lacunarity, gain, seed, out);
}

typedef void (*lq_fbm_fn)(const float *, int, int, float, float, unsigned, float *);

void lq_fbm(const float *xy, int count, int octaves, float lacunarity, float gain, unsigned seed, float *out) {
    // Every path gives the same bits, so the choice is only about speed; a
    // race between threads on first use stores the same pointer twice.
    static lq_fbm_fn chosen;
    lq_fbm_fn f = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (!f) {
        f = lq_cpu_supports_avx512() ? lq_fbm_avx512 : lq_cpu_supports_avx2_fma() ? lq_fbm_avx2_fma : lq_fbm_portable;
        __atomic_store_n(&chosen, f, __ATOMIC_RELAXED);
    }
    f(xy, count, octaves, lacunarity, gain, seed, out);
}
