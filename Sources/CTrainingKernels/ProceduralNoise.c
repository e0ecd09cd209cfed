// Value-noise fBm and Voronoi cells of the procedural textures
// (Materials/Procedural.swift), for the CPU reference that generates a
// bake's training rows. One vector lane per (point, octave) pair or per
// cell: the integer hashes (two multiplies and a per-lane variable shift
// each) were scalar chains, and value noise was a quarter of a
// lacquered-wood bake's CPU, Voronoi cells a tenth of car paint's. Same
// operations in the same order as the Swift definition, so the same bits on
// every instruction set (Tests/MaterialsTests/ProceduralKernelTests.swift).
#include "CTrainingKernels.h"
#include "Lanes16.h"

typedef unsigned int lq_vu __attribute__((ext_vector_type(16)));

/// The PCG-style integer hash of the procedurals (ProceduralMath.hash), per lane.
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

/// The nearest jittered feature point of the 3×3 cells around p's cell
/// (ProceduralMath.voronoi): one lane per cell, in the scalar loop's order
/// (dy outer, dx inner), and the first strict minimum below 1e30 wins as
/// there; its squared distance and cell. Car paint's flakes evaluate two of
/// these per shading point (36 hashes each in the scalar loop).
/// A Voronoi query's point: NaN → 0, clamped to ±1e6, and its cell.
LQ_INLINE void lq_voronoi_point(float *restrict px, float *restrict py, int *restrict cx, int *restrict cy) {
    float x = *px, y = *py;
    x = x != x ? 0.0f : x; x = -1e6f >= x ? -1e6f : x; x = 1e6f < x ? 1e6f : x;
    y = y != y ? 0.0f : y; y = -1e6f >= y ? -1e6f : y; y = 1e6f < y ? 1e6f : y;
    const int tx = (int)x, ty = (int)y;
    *px = x; *py = y;
    *cx = tx - ((float)tx > x); *cy = ty - ((float)ty > y);
}

/// The 3×3 cells around (cx, cy), one per lane: cell coordinates and feature points.
typedef struct { lq_vu x, y; lq_vf fx, fy; } lq_voronoi_cells;

LQ_INLINE lq_voronoi_cells lq_voronoi_neighbourhood(int cx, int cy, float jitter, unsigned seed) {
    const lq_vi dx = { -1, 0, 1, -1, 0, 1, -1, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
    const lq_vi dy = { -1, -1, -1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0 };
    lq_voronoi_cells c;
    c.x = (unsigned)cx + (lq_vu)dx; c.y = (unsigned)cy + (lq_vu)dy;
    const lq_vf hx = lq_unit(lq_hash(c.x ^ lq_hash(c.y ^ lq_hash((lq_vu)seed))));
    const lq_vf hy = lq_unit(lq_hash(c.x ^ lq_hash(c.y ^ lq_hash((lq_vu)(seed ^ 0x9E3779B9u)))));
    c.fx = (__builtin_convertvector((lq_vi)c.x, lq_vf) + 0.5f) + jitter * (hx - 0.5f);
    c.fy = (__builtin_convertvector((lq_vi)c.y, lq_vf) + 0.5f) + jitter * (hy - 0.5f);
    return c;
}

/// The nearest of the cells' feature points to the (clamped) point.
LQ_INLINE void lq_voronoi_nearest(const lq_voronoi_cells *restrict c, float px, float py,
                                  float *restrict distanceSquared, int *restrict cell) {
    const lq_vf ddx = c->fx - px, ddy = c->fy - py;
    const lq_vf d2 = ddx * ddx + ddy * ddy;
    float best = 1e30f;
    int winner = 4;                                   // (cx, cy) when nothing is below 1e30
    for (int lane = 0; lane < 9; lane++) {
        const int below = d2[lane] < best;
        best = below ? d2[lane] : best;
        winner = below ? lane : winner;
    }
    *distanceSquared = best;
    cell[0] = (int)c->x[winner]; cell[1] = (int)c->y[winner];
}

LQ_INLINE void lq_voronoi_body(float px, float py, float jitter, unsigned seed, float *restrict distanceSquared,
                               int *restrict cell) {
    int cx, cy;
    lq_voronoi_point(&px, &py, &cx, &cy);
    const lq_voronoi_cells c = lq_voronoi_neighbourhood(cx, cy, jitter, seed);
    lq_voronoi_nearest(&c, px, py, distanceSquared, cell);
}

/// Four queries, each answered as `lq_voronoi_body` answers it: a bump's
/// four central-difference points almost always lie in one cell, and then
/// the neighbourhood's hashes (most of a query) are computed once.
LQ_INLINE void lq_voronoi4_body(const float *restrict xy, float jitter, unsigned seed,
                                float *restrict distanceSquared, int *restrict cells) {
    float px[4], py[4];
    int cx[4], cy[4];
    for (int i = 0; i < 4; i++) {
        px[i] = xy[2 * i]; py[i] = xy[2 * i + 1];
        lq_voronoi_point(&px[i], &py[i], &cx[i], &cy[i]);
    }
    const int shared = cx[1] == cx[0] && cx[2] == cx[0] && cx[3] == cx[0]
        && cy[1] == cy[0] && cy[2] == cy[0] && cy[3] == cy[0];
    lq_voronoi_cells c = lq_voronoi_neighbourhood(cx[0], cy[0], jitter, seed);
    for (int i = 0; i < 4; i++) {
        if (!shared && i > 0) c = lq_voronoi_neighbourhood(cx[i], cy[i], jitter, seed);
        lq_voronoi_nearest(&c, px[i], py[i], &distanceSquared[i], &cells[2 * i]);
    }
}

/// The instruction set for the procedural kernels, chosen once: 2 = AVX-512,
/// 1 = AVX2 + FMA, 0 = portable. Every path gives the same bits, so the
/// choice is only about speed; threads racing on first use store the same value.
static int lq_procedural_isa(void) {
    static int chosen = -1;
    int isa = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (isa < 0) {
        isa = lq_cpu_supports_avx512() ? 2 : lq_cpu_supports_avx2_fma() ? 1 : 0;
        __atomic_store_n(&chosen, isa, __ATOMIC_RELAXED);
    }
    return isa;
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
void lq_fbm(const float *xy, int count, int octaves, float lacunarity, float gain, unsigned seed, float *out) {
    switch (lq_procedural_isa()) {
    case 2: lq_fbm_avx512(xy, count, octaves, lacunarity, gain, seed, out); break;
    case 1: lq_fbm_avx2_fma(xy, count, octaves, lacunarity, gain, seed, out); break;
    default: lq_fbm_portable(xy, count, octaves, lacunarity, gain, seed, out);
    }
}

void lq_voronoi_portable(float x, float y, float jitter, unsigned seed, float *distanceSquared, int *cell) {
    lq_voronoi_body(x, y, jitter, seed, distanceSquared, cell);
}
LQ_TARGET_AVX2 void lq_voronoi_avx2_fma(float x, float y, float jitter, unsigned seed, float *distanceSquared, int *cell) {
    lq_voronoi_body(x, y, jitter, seed, distanceSquared, cell);
}
LQ_TARGET_AVX512 void lq_voronoi_avx512(float x, float y, float jitter, unsigned seed, float *distanceSquared, int *cell) {
    lq_voronoi_body(x, y, jitter, seed, distanceSquared, cell);
}
void lq_voronoi4_portable(const float *xy, float jitter, unsigned seed, float *distanceSquared, int *cells) {
    lq_voronoi4_body(xy, jitter, seed, distanceSquared, cells);
}
LQ_TARGET_AVX2 void lq_voronoi4_avx2_fma(const float *xy, float jitter, unsigned seed, float *distanceSquared, int *cells) {
    lq_voronoi4_body(xy, jitter, seed, distanceSquared, cells);
}
LQ_TARGET_AVX512 void lq_voronoi4_avx512(const float *xy, float jitter, unsigned seed, float *distanceSquared, int *cells) {
    lq_voronoi4_body(xy, jitter, seed, distanceSquared, cells);
}
void lq_voronoi4(const float *xy, float jitter, unsigned seed, float *distanceSquared, int *cells) {
    switch (lq_procedural_isa()) {
    case 2: lq_voronoi4_avx512(xy, jitter, seed, distanceSquared, cells); break;
    case 1: lq_voronoi4_avx2_fma(xy, jitter, seed, distanceSquared, cells); break;
    default: lq_voronoi4_portable(xy, jitter, seed, distanceSquared, cells);
    }
}

/// This thread's last Voronoi query and its answer. A material often asks
/// for the same cells twice at one shading point — car paint's flake mask
/// and flake normals share scale, jitter and seed — and the answer is a pure
/// function of the query (the same bits on every instruction set), so a
/// repeated query is answered from here without changing a bit. Compared
/// bit for bit, so −0 and +0 or NaNs never alias.
static _Thread_local struct {
    unsigned x, y, jitter, seed;
    float distanceSquared;
    int cell[2];
    int valid;
} lq_last_voronoi;

LQ_INLINE unsigned lq_bits(float v) { unsigned u; __builtin_memcpy(&u, &v, sizeof u); return u; }

void lq_voronoi(float x, float y, float jitter, unsigned seed, float *distanceSquared, int *cell) {
    unsigned bx = lq_bits(x), by = lq_bits(y), bj = lq_bits(jitter);
    if (lq_last_voronoi.valid && lq_last_voronoi.x == bx && lq_last_voronoi.y == by
        && lq_last_voronoi.jitter == bj && lq_last_voronoi.seed == seed) {
        *distanceSquared = lq_last_voronoi.distanceSquared;
        cell[0] = lq_last_voronoi.cell[0]; cell[1] = lq_last_voronoi.cell[1];
        return;
    }
    switch (lq_procedural_isa()) {
    case 2: lq_voronoi_avx512(x, y, jitter, seed, distanceSquared, cell); break;
    case 1: lq_voronoi_avx2_fma(x, y, jitter, seed, distanceSquared, cell); break;
    default: lq_voronoi_portable(x, y, jitter, seed, distanceSquared, cell);
    }
    lq_last_voronoi.x = bx; lq_last_voronoi.y = by; lq_last_voronoi.jitter = bj; lq_last_voronoi.seed = seed;
    lq_last_voronoi.distanceSquared = *distanceSquared;
    lq_last_voronoi.cell[0] = cell[0]; lq_last_voronoi.cell[1] = cell[1];
    lq_last_voronoi.valid = 1;
}
