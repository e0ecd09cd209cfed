// Layered reference materials on the GPU: helpers shared by the code that
// Materials.generateGLSL emits per material. Every function mirrors the Swift
// CPU reference in Sources/Materials line for line (same formulas, same
// clamps, same order), so GPU and CPU agree up to float rounding.
//
// Needs, included before this file: common.glsl (PI, INV_PI),
// microfacet.glsl (ggx*, fresnel*), sampling.glsl (Frame, toLocal/toWorld,
// cosineHemisphere) and bsdf_sample.glsl or an equivalent declaration of
// `struct BsdfSample { vec3 wo; float pdf; vec3 weight; };`.
// The renderer provides:
//     vec4 lqTextureFetch(uint textureIndex, vec2 uv);
//     vec4 lqParameter(uint index);   (and uint lqParameterBase)
// bilinear, texel (i, j) centred at ((i+0.5)/w, (j+0.5)/h), row j = 0 at v = 0,
// wrap (repeat / clamp) per texture exactly as MaterialTexture.sample.

vec4 lqTextureFetch(uint textureIndex, vec2 uv);

#define LQ_LOBE_LAMBERT 0u
#define LQ_LOBE_OREN_NAYAR 1u
#define LQ_LOBE_CONDUCTOR 2u
#define LQ_LOBE_DIELECTRIC 3u
#define LQ_LOBE_SCHLICK 4u
#define LQ_LOBE_SHEEN 5u

struct LqTables {
    uint ggx; uint diel; uint sheen; uint fon;
    ivec3 ggxDims; ivec3 dielDims; ivec3 sheenDims; ivec3 fonDims;
};

struct LqLobe {
    uint kind;
    float weight;
    vec3 color;
    vec3 color2;
    vec2 alpha;
    float rough;
    float ior;
    float exponent;
    bool energyComp;
    vec3 film;
    Frame frame;
    vec3 wi;
    vec3 ei;
    float sel;
};

// ---------------------------------------------------------------- tables

vec4 lqTableSlice(uint tex, ivec3 dims, float fx, float fy, int z) {
    vec2 uv = vec2((fx + 0.5) / float(dims.x), (float(z * dims.y) + fy + 0.5) / float(dims.y * dims.z));
    return lqTextureFetch(tex, uv);
}

/// AlbedoTable.lookup: linear between nodes i/(n-1), slices lerped manually.
vec4 lqTable(uint tex, ivec3 dims, float x, float y, float z) {
    float fx = clamp(x, 0.0, 1.0) * float(dims.x - 1);
    float fy = clamp(y, 0.0, 1.0) * float(dims.y - 1);
    if (dims.z == 1) return lqTableSlice(tex, dims, fx, fy, 0);
    float fz = clamp(z, 0.0, 1.0) * float(dims.z - 1);
    int iz = min(int(fz), dims.z - 2);
    float tz = fz - float(iz);
    vec4 s0 = lqTableSlice(tex, dims, fx, fy, iz);
    vec4 s1 = lqTableSlice(tex, dims, fx, fy, iz + 1);
    return s0 + (s1 - s0) * tz;
}

// ---------------------------------------------------------------- small helpers

float lqMean(vec3 c) { return (c.x + c.y + c.z) * (1.0 / 3.0); }

Frame lqIdentityFrame() { Frame f; f.t = vec3(1, 0, 0); f.b = vec3(0, 1, 0); f.n = vec3(0, 0, 1); return f; }

/// ShadingFrame.make: normal, geometric x projected, rotated about n.
Frame lqMakeFrame(vec3 normal, float c, float s) {
    float l2n = dot(normal, normal);
    vec3 n = l2n > 0.0 ? normal / sqrt(l2n) : vec3(0, 0, 1);
    vec3 t = vec3(1, 0, 0) - n * n.x;
    float l2 = dot(t, t);
    t = l2 > 1e-12 ? t / sqrt(l2) : vec3(0, 1, 0);
    vec3 b = cross(n, t);
    Frame f;
    f.t = c * t + s * b;
    f.b = c * b - s * t;
    f.n = n;
    return f;
}

/// enteringDirection (VectorMath.swift): (normalised direction, 1) or
/// (0, 0, 1, 0) when `a` has a non-finite component or is shorter than 1e-30.
vec4 lqEnteringDirection(vec3 a) {
    if (any(isnan(a)) || any(isinf(a))) return vec4(0.0, 0.0, 1.0, 0.0);
    float m = max(abs(a.x), max(abs(a.y), abs(a.z)));
    if (!(m > 0.0)) return vec4(0.0, 0.0, 1.0, 0.0);
    vec3 s = a / m;
    float l = sqrt(dot(s, s));
    if (!(m * l >= 1e-30)) return vec4(0.0, 0.0, 1.0, 0.0);
    return vec4(s / l, 1.0);
}

/// Material.isUnitInterval: random numbers outside [0, 1] fail the sample.
bool lqIsUnitInterval(vec3 u) { return all(greaterThanEqual(u, vec3(0.0))) && all(lessThanEqual(u, vec3(1.0))); }

vec3 lqNormalize(vec3 a) { float l2 = dot(a, a); return l2 > 0.0 ? a / sqrt(l2) : vec3(0, 0, 1); }

vec3 lqFresnelSchlick(float cosI, vec3 f0, vec3 f90, float p) {
    float m = max(1.0 - clamp(cosI, 0.0, 1.0), 0.0);
    float w = m > 0.0 ? pow(m, p) : 0.0;
    return f0 + (f90 - f0) * w;
}

/// Gulbrandsen 2014: reflectivity + edge tint -> eta (wantK = false) or k.
vec3 lqArtisticIOR(vec3 reflectivity, vec3 edge, bool wantK) {
    vec3 r = clamp(reflectivity, vec3(0.0), vec3(0.99));
    vec3 g = clamp(edge, vec3(0.0), vec3(1.0));
    vec3 sr = sqrt(r);
    vec3 nMin = (vec3(1.0) - r) / (vec3(1.0) + r);
    vec3 nMax = (vec3(1.0) + sr) / (vec3(1.0) - sr);
    vec3 n = g * nMin + (vec3(1.0) - g) * nMax;
    vec3 k2 = ((n + 1.0) * (n + 1.0) * r - (n - 1.0) * (n - 1.0)) / (vec3(1.0) - r);
    return wantK ? sqrt(max(k2, vec3(0.0))) : n;
}

vec4 lqRoughnessAnisotropy(float roughness, float anisotropy) {
    float r = clamp(roughness, 0.0, 1.0);
    float a = clamp(anisotropy, 0.0, 1.0);
    float ax = r * r * sqrt(2.0 / (1.0 + (1.0 - a) * (1.0 - a)));
    return vec4(ax, (1.0 - a) * ax, 0.0, 0.0);
}

vec4 lqNormalMap(vec4 c, float s) {
    vec3 n = lqNormalize(vec3((2.0 * c.x - 1.0) * s, (2.0 * c.y - 1.0) * s, 2.0 * c.z - 1.0));
    return vec4(n, 0.0);
}

float lqPow0(float x, float e) { float b = max(x, 0.0); return b > 0.0 ? pow(b, e) : 0.0; }
vec4 lqPower(vec4 x, vec4 e) { return vec4(lqPow0(x.x, e.x), lqPow0(x.y, e.y), lqPow0(x.z, e.z), lqPow0(x.w, e.w)); }

vec4 lqRemap(vec4 x, vec4 il, vec4 ih, vec4 ol, vec4 oh) {
    vec4 d = ih - il;
    vec4 t = x - il;
    for (int i = 0; i < 4; i++) t[i] = d[i] != 0.0 ? t[i] / d[i] : 0.0;
    return ol + (oh - ol) * t;
}

vec4 lqDivide(vec4 a, vec4 b) {
    vec4 q;
    for (int i = 0; i < 4; i++) q[i] = b[i] != 0.0 ? a[i] / b[i] : 0.0;
    return q;
}

/// atan2 per lane, 0 at the origin (InputProgram's arcTangent2).
vec4 lqAtan2(vec4 y, vec4 x) {
    vec4 q;
    for (int i = 0; i < 4; i++) q[i] = (y[i] == 0.0 && x[i] == 0.0) ? 0.0 : atan(y[i], x[i]);
    return q;
}

float lqSmoothstep1(float x, float lo, float hi) {
    if (x >= hi) return 1.0;
    if (x <= lo) return 0.0;
    float t = (x - lo) / (hi - lo);
    return t * t * (3.0 - 2.0 * t);
}
vec4 lqSmoothstep(vec4 x, vec4 lo, vec4 hi) {
    return vec4(lqSmoothstep1(x.x, lo.x, hi.x), lqSmoothstep1(x.y, lo.y, hi.y),
                lqSmoothstep1(x.z, lo.z, hi.z), lqSmoothstep1(x.w, lo.w, hi.w));
}

// Hexcone HSV <-> RGB, the same steps as InputEval.hsvToRGB / rgbToHSV.
vec3 lqHsvToRgb(vec3 hsv) {
    float h = 6.0 * (hsv.x - floor(hsv.x));
    int sector = clamp(int(floor(h)), 0, 5);
    float f = h - float(sector);
    float v = hsv.z, s = hsv.y;
    float p = v * (1.0 - s), q = v * (1.0 - s * f), t = v * (1.0 - s * (1.0 - f));
    if (sector == 0) return vec3(v, t, p);
    if (sector == 1) return vec3(q, v, p);
    if (sector == 2) return vec3(p, v, t);
    if (sector == 3) return vec3(p, q, v);
    if (sector == 4) return vec3(t, p, v);
    return vec3(v, p, q);
}
vec3 lqRgbToHsv(vec3 c) {
    float hi = max(c.x, max(c.y, c.z)), lo = min(c.x, min(c.y, c.z));
    float delta = hi - lo;
    float s = hi > 0.0 ? delta / hi : 0.0;
    float h = 0.0;
    if (delta > 0.0) {
        if (c.x == hi) h = (c.y - c.z) / delta;
        else if (c.y == hi) h = 2.0 + (c.z - c.x) / delta;
        else h = 4.0 + (c.x - c.y) / delta;
        h /= 6.0;
        if (h < 0.0) h += 1.0;
    }
    return vec3(h, s, hi);
}

// ---------------------------------------------------------------- procedurals

uint lqHash(uint v) {
    uint state = v * 747796405u + 2891336453u;
    uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}
uint lqHash2(int x, int y, uint seed) { return lqHash(uint(x) ^ lqHash(uint(y) ^ lqHash(seed))); }
float lqUnit(uint h) { return float(h >> 8u) * (1.0 / 16777216.0); }

vec2 lqPlace(vec2 uv, vec2 scale, vec2 offset, float c, float s) {
    vec2 q = uv * scale;
    return vec2(c * q.x - s * q.y, s * q.x + c * q.y) + offset;
}

// MaterialX <hextiledimage> (HexTiling.swift is the CPU side and documents
// the method): the three hex tiles of the point's triangle, each with its own
// rotation, scale and offset from the integer hash of its id, blended by
// barycentric weights^7 biased towards the brighter sample, then Schlick's gain.
float lqSchlickGain(float x, float r) {
    float rr = clamp(r, 0.001, 0.999);
    float a = (1.0 / rr - 2.0) * (1.0 - 2.0 * x);
    return x < 0.5 ? x / (a + 1.0) : (a - x) / (a - 1.0);
}
vec3 lqNormalizedWeights(vec3 w, vec3 fallback) {
    float sum = w.x + w.y + w.z;
    if (sum > 1e-30) return w / sum;
    float f = fallback.x + fallback.y + fallback.z;
    return f > 1e-30 ? fallback / f : vec3(1.0 / 3.0);
}
vec4 lqHexTile(uint tex, vec2 coord, ivec2 id, float rotation, vec2 rotationRange, float scale, vec2 scaleRange,
               float offset, vec2 offsetRange) {
    const float gridScale = 3.4641016;
    vec2 centre = vec2(float(id.x) + 0.5 * float(id.y), 0.8660254 * float(id.y)) / gridScale;
    vec2 r = vec2(lqUnit(lqHash2(id.x, id.y, 0x68657831u)), lqUnit(lqHash2(id.x, id.y, 0x68657832u)));
    float angle = (rotationRange.x + (rotationRange.y - rotationRange.x) * (r.x * rotation)) * (3.14159265 / 180.0);
    float c = cos(angle), sn = sin(angle);
    float k = max(1.0 + (scaleRange.x + (scaleRange.y - scaleRange.x) * r.y - 1.0) * scale, 1e-3);
    vec2 shift = vec2(offsetRange.x) + vec2(offsetRange.y - offsetRange.x) * (r * offset);
    vec2 d = coord - centre;
    return lqTextureFetch(tex, vec2(c * d.x - sn * d.y, sn * d.x + c * d.y) / k + centre + shift);
}
vec4 lqHexTiled(uint tex, vec2 coord, float rotation, vec2 rotationRange, float scale, vec2 scaleRange,
                float offset, vec2 offsetRange, float falloff, float falloffContrast, vec3 luma) {
    vec2 st = coord * 3.4641016;
    float sx = clamp(st.x - 0.57735027 * st.y, -1e6, 1e6), sy = clamp(1.15470054 * st.y, -1e6, 1e6);
    float bxf = floor(sx), byf = floor(sy);
    float fx = sx - bxf, fy = sy - byf;
    float z = 1.0 - fx - fy;
    int upper = z <= 0.0 ? 1 : 0;
    float s = float(upper), sgn = upper == 1 ? 1.0 : -1.0;
    vec3 bary = vec3(-z * sgn, s - fy * sgn, s - fx * sgn);
    ivec2 b = ivec2(int(bxf), int(byf));
    vec4 c1 = lqHexTile(tex, coord, b + ivec2(upper, upper), rotation, rotationRange, scale, scaleRange, offset, offsetRange);
    vec4 c2 = lqHexTile(tex, coord, b + ivec2(upper, 1 - upper), rotation, rotationRange, scale, scaleRange, offset, offsetRange);
    vec4 c3 = lqHexTile(tex, coord, b + ivec2(1 - upper, upper), rotation, rotationRange, scale, scaleRange, offset, offsetRange);
    vec3 lum = vec3(dot(c1.rgb, luma), dot(c2.rgb, luma), dot(c3.rgb, luma));
    vec3 bias = vec3(1.0) + (lum - vec3(1.0)) * falloffContrast;
    vec3 b2 = bary * bary, b4 = b2 * b2;
    vec3 w = lqNormalizedWeights(bias * b4 * b2 * bary, b4 * b2 * bary);
    float alpha = (c1.a + c2.a + c3.a) / 3.0;
    if (falloff != 0.5) {
        w = lqNormalizedWeights(vec3(lqSchlickGain(w.x, falloff), lqSchlickGain(w.y, falloff), lqSchlickGain(w.z, falloff)), w);
        alpha = lqSchlickGain(clamp(alpha, 0.0, 1.0), falloff);
    }
    return vec4(c1.rgb * w.x + c2.rgb * w.y + c3.rgb * w.z, alpha);
}

float lqValueNoise(vec2 p, uint seed) {
    vec2 q = clamp(p, vec2(-1e6), vec2(1e6));
    vec2 fl = floor(q);
    int ix = int(fl.x), iy = int(fl.y);
    vec2 f = q - fl;
    vec2 u = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    float a = lqUnit(lqHash2(ix, iy, seed)), b = lqUnit(lqHash2(ix + 1, iy, seed));
    float c = lqUnit(lqHash2(ix, iy + 1, seed)), d = lqUnit(lqHash2(ix + 1, iy + 1, seed));
    return mix(mix(a, b, u.x), mix(c, d, u.x), u.y);
}

/// Signed gradient noise, the same steps as ProceduralMath.gradientNoise.
float lqGradientCorner(int ix, int iy, int dx, int dy, vec2 f, uint seed) {
    uint h = lqHash2(ix + dx, iy + dy, seed) & 7u;
    float x = f.x - float(dx), y = f.y - float(dy);
    if (h == 0u) return x + y;
    if (h == 1u) return -x + y;
    if (h == 2u) return x - y;
    if (h == 3u) return -x - y;
    if (h == 4u) return x;
    if (h == 5u) return -x;
    if (h == 6u) return y;
    return -y;
}
float lqGradientNoise(vec2 p, uint seed) {
    vec2 q = clamp(p, vec2(-1e6), vec2(1e6));
    vec2 fl = floor(q);
    int ix = int(fl.x), iy = int(fl.y);
    vec2 f = q - fl;
    vec2 u = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    return mix(mix(lqGradientCorner(ix, iy, 0, 0, f, seed), lqGradientCorner(ix, iy, 1, 0, f, seed), u.x),
               mix(lqGradientCorner(ix, iy, 0, 1, f, seed), lqGradientCorner(ix, iy, 1, 1, f, seed), u.x), u.y);
}

float lqFbm(vec2 p, int octaves, float lac, float gain, uint seed) {
    float sum = 0.0, amp = 1.0, norm = 0.0, freq = 1.0;
    for (int o = 0; o < max(octaves, 1); o++) {
        sum += amp * lqValueNoise(p * freq, seed + uint(o));
        norm += amp;
        amp *= gain;
        freq *= lac;
    }
    return sum / norm;
}

/// (value, distance, cell x, cell y) of the nearest jittered feature point.
vec4 lqVoronoi(vec2 p, float jitter, uint seed) {
    vec2 q = clamp(p, vec2(-1e6), vec2(1e6));
    int cx = int(floor(q.x)), cy = int(floor(q.y));
    float best = 1e30;
    int bx = cx, by = cy;
    for (int dy = -1; dy <= 1; dy++) {
        for (int dx = -1; dx <= 1; dx++) {
            int x = cx + dx, y = cy + dy;
            float hx = lqUnit(lqHash2(x, y, seed)), hy = lqUnit(lqHash2(x, y, seed ^ 0x9E3779B9u));
            vec2 fp = vec2(float(x) + 0.5 + jitter * (hx - 0.5), float(y) + 0.5 + jitter * (hy - 0.5));
            vec2 d = fp - q;
            float d2 = d.x * d.x + d.y * d.y;
            if (d2 < best) { best = d2; bx = x; by = y; }
        }
    }
    return vec4(lqUnit(lqHash2(bx, by, seed ^ 0x85EBCA6Bu)), sqrt(best), float(bx), float(by));
}

/// Procedural kinds: 0 fbm, 1 voronoi value, 2 voronoi distance, 3 flake
/// normal, 4 brushed, 5 wood, 6 checker, 7 gradient noise (ProceduralKind).
vec4 lqProcedural(int kind, vec2 p, int octaves, float lac, float gain, float jitter, float stretch,
                  float frequency, float distortion, float tilt, uint seed) {
    if (kind == 0) return vec4(lqFbm(p, octaves, lac, gain, seed));
    if (kind == 1) return vec4(lqVoronoi(p, jitter, seed).x);
    if (kind == 2) return vec4(lqVoronoi(p, jitter, seed).y);
    if (kind == 3) {
        vec4 v = lqVoronoi(p, jitter, seed);
        int bx = int(v.z), by = int(v.w);
        float h1 = lqUnit(lqHash2(bx, by, seed ^ 0x68E31DA4u));
        float h2 = lqUnit(lqHash2(bx, by, seed ^ 0xB5297A4Du));
        float theta = tilt * (PI / 180.0) * sqrt(h1);
        float phi = 2.0 * PI * h2;
        float st = sin(theta);
        return vec4(st * cos(phi), st * sin(phi), cos(theta), 0.0);
    }
    if (kind == 4) return vec4(lqFbm(vec2(p.x / max(stretch, 1e-3), p.y), octaves, lac, gain, seed));
    if (kind == 5) {
        float n = lqFbm(p * 2.0, 3, 2.0, 0.5, seed);
        vec2 q = p + vec2(distortion * (n - 0.5));
        float r = sqrt(q.x * q.x + q.y * q.y);
        return vec4(0.5 - 0.5 * cos(2.0 * PI * frequency * r));
    }
    if (kind == 7) return vec4(lqGradientNoise(p, seed));
    vec2 q = clamp(p, vec2(-1e6), vec2(1e6));
    int c = (int(floor(q.x)) + int(floor(q.y))) & 1;
    return vec4(float(c));
}

// ---------------------------------------------------------------- solid noise
// MaterialX noise3d / fractal3d, the same steps as Materials' SolidNoise.

/// Non-finite components read as 0 (InputEval's `.position`).
vec3 lqFinite3(vec3 p) {
    return vec3(isnan(p.x) || isinf(p.x) ? 0.0 : p.x, isnan(p.y) || isinf(p.y) ? 0.0 : p.y,
                isnan(p.z) || isinf(p.z) ? 0.0 : p.z);
}
/// ProceduralMath.safe: NaN → 0, clamped to ±1e6 so lattice cells never overflow.
float lqSafeCoordinate(float x) { return isnan(x) ? 0.0 : clamp(x, -1e6, 1e6); }
float lqLerp(float a, float b, float t) { return a + (b - a) * t; }
uint lqHash3(int x, int y, int z, uint seed) {
    return lqHash(uint(x) ^ lqHash(uint(y) ^ lqHash(uint(z) ^ lqHash(seed))));
}
/// The offset's dot product with one of the 12 cube-edge gradients (low 4 bits of h).
float lqGradient3(uint h, float x, float y, float z) {
    uint k = h & 15u;
    float u = k < 8u ? x : y;
    float v = k < 4u ? y : (k == 12u || k == 14u ? x : z);
    return ((k & 1u) == 0u ? u : -u) + ((k & 2u) == 0u ? v : -v);
}
float lqGradientNoise3(vec3 p, uint seed) {
    vec3 q = vec3(lqSafeCoordinate(p.x), lqSafeCoordinate(p.y), lqSafeCoordinate(p.z));
    vec3 fl = floor(q);
    int ix = int(fl.x), iy = int(fl.y), iz = int(fl.z);
    vec3 f = q - fl;
    vec3 u = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    float c000 = lqGradient3(lqHash3(ix, iy, iz, seed), f.x, f.y, f.z);
    float c100 = lqGradient3(lqHash3(ix + 1, iy, iz, seed), f.x - 1.0, f.y, f.z);
    float c010 = lqGradient3(lqHash3(ix, iy + 1, iz, seed), f.x, f.y - 1.0, f.z);
    float c110 = lqGradient3(lqHash3(ix + 1, iy + 1, iz, seed), f.x - 1.0, f.y - 1.0, f.z);
    float c001 = lqGradient3(lqHash3(ix, iy, iz + 1, seed), f.x, f.y, f.z - 1.0);
    float c101 = lqGradient3(lqHash3(ix + 1, iy, iz + 1, seed), f.x - 1.0, f.y, f.z - 1.0);
    float c011 = lqGradient3(lqHash3(ix, iy + 1, iz + 1, seed), f.x, f.y - 1.0, f.z - 1.0);
    float c111 = lqGradient3(lqHash3(ix + 1, iy + 1, iz + 1, seed), f.x - 1.0, f.y - 1.0, f.z - 1.0);
    float x00 = lqLerp(c000, c100, u.x), x10 = lqLerp(c010, c110, u.x);
    float x01 = lqLerp(c001, c101, u.x), x11 = lqLerp(c011, c111, u.x);
    return 0.982 * lqLerp(lqLerp(x00, x10, u.y), lqLerp(x01, x11, u.y), u.z);
}
/// Σ over octaves of amplitude·noise(p); amplitude × diminish, p × lacunarity
/// per octave. channels 1: the scalar in all lanes; 2 / 3: seeds 0, 1, 2 in xy / xyz.
vec4 lqFractalNoise3(vec3 position, int octaves, float lacunarity, float diminish, int channels) {
    vec4 sum = vec4(0.0);
    float amplitude = 1.0;
    vec3 p = position;
    for (int o = 0; o < octaves; o++) {
        vec4 n = vec4(0.0);
        n.x = lqGradientNoise3(p, 0u);
        if (channels >= 2) n.y = lqGradientNoise3(p, 1u);
        if (channels >= 3) n.z = lqGradientNoise3(p, 2u);
        sum += amplitude * n;
        amplitude *= diminish;
        p *= lacunarity;
    }
    return channels == 1 ? vec4(sum.x) : sum;
}

// ---------------------------------------------------------------- thin film

// ThinFilm.swift line for line: the Airy reflectance of a film (thickness nm,
// IOR) on a substrate eta + ik, averaged per RGB channel over 32 wavelengths
// (380 + 12 (j + 0.5) nm) with the weights ThinFilm.channelWeights (a test
// checks that this table is current).
const float LQ_FILM_MAX_THICKNESS = 2000.0;
const vec3 LQ_FILM_WEIGHTS[32] = vec3[32](
    vec3(0.0, 5.82189859e-05, 0.00154099555),
    vec3(5.7686826e-05, 0.0, 0.00566099863),
    vec3(0.00361181074, 0.0, 0.0239023454),
    vec3(0.00913369562, 0.0, 0.0924467966),
    vec3(0.0145375598, 0.0, 0.187978297),
    vec3(0.0154791186, 0.0, 0.207997277),
    vec3(0.00220091152, 0.0, 0.198584989),
    vec3(0.0, 0.00375389913, 0.149314731),
    vec3(0.0, 0.0241322517, 0.0814105198),
    vec3(0.0, 0.0493080355, 0.0378950909),
    vec3(0.0, 0.0828977823, 0.0132679651),
    vec3(0.0, 0.124518164, 0.0),
    vec3(0.0, 0.153404638, 0.0),
    vec3(0.0, 0.15697369, 0.0),
    vec3(0.00574090565, 0.144203588, 0.0),
    vec3(0.0543426983, 0.118095621, 0.0),
    vec3(0.104275376, 0.0836225301, 0.0),
    vec3(0.145807281, 0.0458759516, 0.0),
    vec3(0.169227943, 0.0123712383, 0.0),
    vec3(0.163262874, 0.0, 0.0),
    vec3(0.131378159, 0.0, 0.0),
    vec3(0.0892333314, 0.0, 0.0),
    vec3(0.0513901338, 0.0, 0.0),
    vec3(0.0251029599, 0.0, 0.0),
    vec3(0.0103639774, 0.0, 0.0),
    vec3(0.00358312018, 0.000203933116, 0.0),
    vec3(0.00101557863, 0.000282762689, 0.0),
    vec3(0.000223499446, 0.000175362205, 0.0),
    vec3(3.13684468e-05, 8.01179849e-05, 0.0),
    vec3(0.0, 2.99531512e-05, 0.0),
    vec3(0.0, 9.57669363e-06, 0.0),
    vec3(0.0, 2.68362692e-06, 0.0)
);

vec2 lqCmul(vec2 a, vec2 b) { return vec2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
vec2 lqCdiv(vec2 a, vec2 b) {
    float d = max(b.x * b.x + b.y * b.y, 1e-30);
    return vec2(a.x * b.x + a.y * b.y, a.y * b.x - a.x * b.y) / d;
}
vec2 lqCsqrt(vec2 a) {
    float m = sqrt(a.x * a.x + a.y * a.y);
    float re = sqrt(max(0.5 * (m + a.x), 0.0));
    float im = sqrt(max(0.5 * (m - a.x), 0.0));
    return vec2(re, a.y < 0.0 ? -im : im);
}

struct LqFilmInterfaces { float r01s; float r01p; vec2 r12s; vec2 r12p; float phase; };

LqFilmInterfaces lqFilmInterfaces(float cosI, float thickness, float n1, float eta, float k) {
    float c0 = clamp(cosI, 0.0, 1.0);
    float s2 = 1.0 - c0 * c0;
    float c1 = sqrt(max(1.0 - s2 / (n1 * n1), 0.0));
    vec2 n2 = vec2(eta, k);
    vec2 c2 = lqCsqrt(vec2(1.0, 0.0) - lqCdiv(vec2(s2, 0.0), lqCmul(n2, n2)));
    vec2 n1c1 = vec2(n1 * c1, 0.0), n2c2 = lqCmul(n2, c2);
    vec2 n2c1 = n2 * c1, n1c2 = c2 * n1;
    LqFilmInterfaces f;
    f.r01s = (c0 - n1 * c1) / (c0 + n1 * c1);
    f.r01p = (n1 * c0 - c1) / (n1 * c0 + c1);
    f.r12s = lqCdiv(n1c1 - n2c2, n1c1 + n2c2);
    f.r12p = lqCdiv(n2c1 - n1c2, n2c1 + n1c2);
    f.phase = 4.0 * PI * n1 * thickness * c1;
    return f;
}

float lqAiry(float r01, vec2 r12, vec2 e) {
    vec2 t = lqCmul(r12, e);
    vec2 num = vec2(r01 + t.x, t.y);
    vec2 den = vec2(1.0 + r01 * t.x, r01 * t.y);
    return (num.x * num.x + num.y * num.y) / max(den.x * den.x + den.y * den.y, 1e-30);
}

vec3 lqThinFilm(float cosI, float thickness, float n1, vec3 eta, vec3 k) {
    LqFilmInterfaces fr = lqFilmInterfaces(cosI, thickness, n1, eta.x, k.x);
    LqFilmInterfaces fg = lqFilmInterfaces(cosI, thickness, n1, eta.y, k.y);
    LqFilmInterfaces fb = lqFilmInterfaces(cosI, thickness, n1, eta.z, k.z);
    vec3 acc = vec3(0.0);
    for (int j = 0; j < 32; j++) {
        float d = fr.phase / (380.0 + 12.0 * (float(j) + 0.5));
        float rd = d - 2.0 * PI * floor(d * (0.5 / PI));
        vec2 e = vec2(cos(rd), sin(rd));
        float r = 0.5 * (lqAiry(fr.r01s, fr.r12s, e) + lqAiry(fr.r01p, fr.r12p, e));
        float g = 0.5 * (lqAiry(fg.r01s, fg.r12s, e) + lqAiry(fg.r01p, fg.r12p, e));
        float b = 0.5 * (lqAiry(fb.r01s, fb.r12s, e) + lqAiry(fb.r01p, fb.r12p, e));
        acc += LQ_FILM_WEIGHTS[j] * vec3(r, g, b);
    }
    return clamp(acc, vec3(0.0), vec3(1.0));
}

// ---------------------------------------------------------------- lobes

void lqSanitize(inout LqLobe l) {
    l.weight = max(l.weight, 0.0);
    l.color = max(l.color, vec3(0.0));
    l.color2 = max(l.color2, vec3(0.0));
    l.alpha = vec2(min(max(l.alpha.x, 1e-4), 1.0), min(max(l.alpha.y, 1e-4), 1.0));
    l.rough = clamp(l.rough, 0.0, 1.0);
    l.ior = min(max(l.ior, 1.0), 3.0);
    l.exponent = min(max(l.exponent, 1.0), 10.0);
    l.film = vec3(clamp(l.film.x, 0.0, 1.0), min(max(l.film.y, 0.0), LQ_FILM_MAX_THICKNESS), min(max(l.film.z, 1.0), 3.0));
}

LqLobe lqLobeDefault(uint kind) {
    LqLobe l;
    l.kind = kind; l.weight = 1.0; l.color = vec3(1.0); l.color2 = vec3(1.0); l.alpha = vec2(0.1);
    l.rough = 0.0; l.ior = 1.5; l.exponent = 5.0; l.energyComp = true; l.film = vec3(0.0, 0.0, 1.5);
    l.frame = lqIdentityFrame(); l.wi = vec3(0, 0, 1); l.ei = vec3(0.0); l.sel = 0.0;
    return l;
}

const float LQ_ON_C1 = 0.5 - 2.0 / (3.0 * PI);

float lqOrenNayarSingle(float sigma, vec3 wi, vec3 wo) {
    float a = 1.0 / (1.0 + LQ_ON_C1 * sigma);
    float s = dot(wi, wo) - wi.z * wo.z;
    float st = s > 0.0 ? s / max(wi.z, wo.z) : s;
    return a * (1.0 + sigma * st) * (wo.z / PI);
}

vec3 lqOrenNayarEval(vec3 rho, float sigma, bool comp, vec3 wi, vec3 wo, LqTables T) {
    vec4 ti = lqTable(T.fon, T.fonDims, wi.z, sigma, 0.0);
    vec3 f = rho * (lqOrenNayarSingle(sigma, wi, wo) / ti.z);
    if (comp) {
        float eo = lqTable(T.fon, T.fonDims, wo.z, sigma, 0.0).x;
        float eAvg = ti.y;
        if (1.0 - eAvg > 1e-4) {
            vec3 rhoMs = rho * rho * eAvg / (vec3(1.0) - rho * (1.0 - eAvg));
            float k = max(1.0 - ti.x, 0.0) * max(1.0 - eo, 0.0) / (1.0 - eAvg) * (wo.z / PI);
            f += rhoMs * k;
        }
    }
    return f;
}

vec3 lqOrenNayarAlbedo(vec3 rho, float sigma, bool comp, float cosI, LqTables T) {
    vec4 ti = lqTable(T.fon, T.fonDims, cosI, sigma, 0.0);
    vec3 e = rho * ti.x;
    if (comp && 1.0 - ti.y > 1e-4) {
        vec3 rhoMs = rho * rho * ti.y / (vec3(1.0) - rho * (1.0 - ti.y));
        e += rhoMs * max(1.0 - ti.x, 0.0);
    }
    return e;
}

float lqSheenL(float x, float r) {
    float t = (1.0 - r) * (1.0 - r);
    float a = t * 25.3245 + (1.0 - t) * 21.5473;
    float b = t * 3.32435 + (1.0 - t) * 3.82987;
    float c = t * 0.16801 + (1.0 - t) * 0.19823;
    float d = t * -1.27393 + (1.0 - t) * -1.97760;
    float e = t * -4.85967 + (1.0 - t) * -4.32054;
    return a / (1.0 + b * pow(x, c)) + d * x + e;
}

const float LQ_SHEEN_TAIL_COS = 0.002;

float lqSheenLambdaFit(float muIn, float r) {
    float mu = clamp(muIn, 0.0, 1.0);
    return mu < 0.5 ? exp(lqSheenL(mu, r)) : exp(2.0 * lqSheenL(0.5, r) - lqSheenL(1.0 - mu, r));
}

/// mu * Lambda(mu), constant below LQ_SHEEN_TAIL_COS (SheenLobe.muLambda).
float lqSheenMuLambda(float mu, float r) {
    float m = max(mu, LQ_SHEEN_TAIL_COS);
    return lqSheenLambdaFit(m, r) * m;
}

float lqSheenLambda(float mu, float r) {
    return mu >= LQ_SHEEN_TAIL_COS ? lqSheenLambdaFit(mu, r)
                                   : (mu > 0.0 ? lqSheenMuLambda(mu, r) / mu : uintBitsToFloat(0x7f800000u));
}

float lqSheenWhite(float rIn, vec3 wi, vec3 wo) {
    float r = min(max(rIn, 0.05), 1.0);
    vec3 h = lqNormalize(wi + wo);
    float sin2 = max(1.0 - h.z * h.z, 0.0);
    float invR = 1.0 / r;
    float d = (2.0 + invR) * pow(sin2, 0.5 * invR) / (2.0 * PI);
    return d / (4.0 * (wi.z + lqSheenMuLambda(wi.z, r) + wi.z * lqSheenLambda(wo.z, r)));
}

vec3 lqMicrofacetBareFresnel(LqLobe l, float c) {
    if (l.kind == LQ_LOBE_CONDUCTOR) return fresnelConductor(c, l.color, l.color2);
    if (l.kind == LQ_LOBE_DIELECTRIC) return l.color * fresnelDielectric(c, l.ior);
    return lqFresnelSchlick(c, l.color, l.color2, l.exponent);
}

bool lqHasFilm(LqLobe l) { return l.film.x > 0.0 && l.film.y > 0.0; }

/// MicrofacetLobe.filmSubstrate: eta, k and tint of the substrate under the film.
void lqFilmSubstrate(LqLobe l, out vec3 eta, out vec3 k, out vec3 tint) {
    if (l.kind == LQ_LOBE_CONDUCTOR) { eta = l.color; k = l.color2; tint = vec3(1.0); return; }
    if (l.kind == LQ_LOBE_DIELECTRIC) { eta = vec3(l.ior); k = vec3(0.0); tint = l.color; return; }
    vec3 s = sqrt(min(l.color, vec3(0.99)));
    eta = (vec3(1.0) + s) / (vec3(1.0) - s); k = vec3(0.0); tint = vec3(1.0);
}

vec3 lqMicrofacetFresnel(LqLobe l, float c) {
    vec3 bare = lqMicrofacetBareFresnel(l, c);
    if (!lqHasFilm(l)) return bare;
    vec3 eta, k, tint;
    lqFilmSubstrate(l, eta, k, tint);
    return bare * (1.0 - l.film.x) + tint * lqThinFilm(c, l.film.y, l.film.z, eta, k) * l.film.x;
}

vec3 lqMicrofacetBareAlbedo(LqLobe l, float cosI, LqTables T) {
    float r = sqrt(sqrt(l.alpha.x * l.alpha.y));
    if (l.kind == LQ_LOBE_DIELECTRIC) return l.color * lqTable(T.diel, T.dielDims, cosI, r, (l.ior - 1.0) * 0.5).x;
    if (l.kind == LQ_LOBE_SCHLICK) {
        vec4 e = lqTable(T.ggx, T.ggxDims, cosI, r, (l.exponent - 1.0) / 9.0);
        return l.color * (e.x - e.y) + l.color2 * e.y;
    }
    // Conductor: exact Fresnel through the hat moments of the ggx table's .z
    // (MicrofacetLobe.albedo, AlbedoTables.fresnelNode).
    float fx = clamp(cosI, 0.0, 1.0) * float(T.ggxDims.x - 1);
    float fy = clamp(r, 0.0, 1.0) * float(T.ggxDims.y - 1);
    vec3 a = vec3(0.0);
    for (int j = 0; j < T.ggxDims.z; j++) {
        float c = float(j) / float(T.ggxDims.z - 1);
        a += lqTableSlice(T.ggx, T.ggxDims, fx, fy, j).z * fresnelConductor(c * c, l.color, l.color2);
    }
    return a;
}

/// MicrofacetLobe.albedo: the filmed Fresnel through the hat moments.
vec3 lqMicrofacetAlbedo(LqLobe l, float cosI, LqTables T) {
    vec3 bare = lqMicrofacetBareAlbedo(l, cosI, T);
    if (!lqHasFilm(l)) return bare;
    float r = sqrt(sqrt(l.alpha.x * l.alpha.y));
    float fx = clamp(cosI, 0.0, 1.0) * float(T.ggxDims.x - 1);
    float fy = clamp(r, 0.0, 1.0) * float(T.ggxDims.y - 1);
    vec3 eta, k, tint;
    lqFilmSubstrate(l, eta, k, tint);
    vec3 a = vec3(0.0);
    for (int j = 0; j < T.ggxDims.z; j++) {
        float c = float(j) / float(T.ggxDims.z - 1);
        a += lqTableSlice(T.ggx, T.ggxDims, fx, fy, j).z * lqThinFilm(c * c, l.film.y, l.film.z, eta, k);
    }
    return bare * (1.0 - l.film.x) + tint * a * l.film.x;
}

vec3 lqLobeEval(LqLobe l, vec3 wi, vec3 wo, LqTables T) {
    if (wi.z <= 0.0 || wo.z <= 0.0) return vec3(0.0);
    if (l.kind == LQ_LOBE_LAMBERT) return l.weight * l.color * (wo.z / PI);
    if (l.kind == LQ_LOBE_OREN_NAYAR) return l.weight * lqOrenNayarEval(l.color, l.rough, l.energyComp, wi, wo, T);
    if (l.kind == LQ_LOBE_SHEEN) return l.weight * l.color * (lqSheenWhite(l.rough, wi, wo) / lqTable(T.sheen, T.sheenDims, wi.z, l.rough, 0.0).z);
    vec3 h = lqNormalize(wi + wo);
    float spec = ggxD(h, l.alpha) * ggxG2OverFourCosI(wi, wo, l.alpha);
    return l.weight * spec * lqMicrofacetFresnel(l, dot(wi, h));
}

float lqLobePdf(LqLobe l, vec3 wi, vec3 wo) {
    if (wi.z <= 0.0 || wo.z <= 0.0) return 0.0;
    if (l.kind == LQ_LOBE_LAMBERT || l.kind == LQ_LOBE_OREN_NAYAR || l.kind == LQ_LOBE_SHEEN) return wo.z / PI;
    return ggxReflectionPdf(wi, wo, l.alpha);
}

vec3 lqLobeSample(LqLobe l, vec3 wi, vec2 u) {
    if (l.kind == LQ_LOBE_LAMBERT || l.kind == LQ_LOBE_OREN_NAYAR || l.kind == LQ_LOBE_SHEEN) return cosineHemisphere(u);
    vec3 h = ggxSampleVisibleNormal(wi, l.alpha, u);
    return reflect(-wi, h);
}

vec3 lqLobeAlbedo(LqLobe l, float cosI, LqTables T) {
    if (cosI <= 0.0) return vec3(0.0);
    if (l.kind == LQ_LOBE_LAMBERT) return l.weight * l.color;
    if (l.kind == LQ_LOBE_OREN_NAYAR) return l.weight * lqOrenNayarAlbedo(l.color, l.rough, l.energyComp, cosI, T);
    if (l.kind == LQ_LOBE_SHEEN) return l.weight * l.color * lqTable(T.sheen, T.sheenDims, cosI, l.rough, 0.0).x;
    return l.weight * lqMicrofacetAlbedo(l, cosI, T);
}

/// 1 - r * rho: the bounces between a layer's top (internal reflectance r)
/// and its base (albedo rho, coat absorption included); Material.swift's
/// interreflectionDenominator.
vec3 lqInterreflection(vec3 r, vec3 rho) {
    return max(vec3(1.0) - r * rho, vec3(1e-6));
}

/// Coat absorption T(wi, wo) = tint^(thickness * 0.5 * (1/mu'i + 1/mu'o)).
vec3 lqCoatTransmittance(vec3 tint, float thickness, float ior, float ci, float co) {
    float inv = 1.0 / (ior * ior);
    float mi = sqrt(max(1.0 - (1.0 - ci * ci) * inv, 1e-6));
    float mo = sqrt(max(1.0 - (1.0 - co * co) * inv, 1e-6));
    float d = thickness * 0.5 * (1.0 / mi + 1.0 / mo);
    vec3 t = clamp(tint, vec3(1e-6), vec3(1.0));
    return exp(log(t) * d);
}
