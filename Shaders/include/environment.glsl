// Environment lighting: a constant colour or a lat-long map, importance
// sampled through an alias table over texels (weights ∝ luminance·sin θ,
// built on the CPU). Map convention: +y up; u = 0.5 + atan(x, −z)/2π,
// v = acos(y)/π (top row = up); `rotation` turns the map about +y.

vec3 envRotate(LQFrame f, vec3 d, float sign) {
    float c = f.envRotationCos, s = f.envRotationSin * sign;
    return vec3(c * d.x + s * d.z, d.y, -s * d.x + c * d.z);
}

uint envTexelIndex(LQFrame f, vec3 worldDir, out float sinTheta) {
    vec3 d = envRotate(f, worldDir, -1.0);
    float v = acos(clamp(d.y, -1.0, 1.0)) * INV_PI;
    float u = 0.5 + atan(d.x, -d.z) * (0.5 * INV_PI);
    sinTheta = sqrt(max(0.0, 1.0 - d.y * d.y));
    uint x = min(uint(max(u, 0.0) * float(f.envWidth)), f.envWidth - 1u);
    uint y = min(uint(max(v, 0.0) * float(f.envHeight)), f.envHeight - 1u);
    return y * f.envWidth + x;
}

/// Radiance seen along a direction: bilinear between texel centres (wrapping
/// in u), so a visible background is smooth. Sampling stays piecewise
/// constant per texel, with weights from each texel's brightest neighbour
/// (EnvironmentLighting.samplingWeights) so radiance/pdf stays bounded; both
/// strategies see this same radiance, so MIS stays unbiased.
vec3 envRadiance(LQFrame f, vec3 worldDir) {
    if (f.envKind == LQ_ENV_CONSTANT) return f.envConstant;
    vec3 d = envRotate(f, worldDir, -1.0);
    float v = acos(clamp(d.y, -1.0, 1.0)) * INV_PI;
    float u = 0.5 + atan(d.x, -d.z) * (0.5 * INV_PI);
    vec2 p = vec2(u * float(f.envWidth), v * float(f.envHeight)) - 0.5;
    vec2 fl = floor(p);
    vec2 w = p - fl;
    int w0 = int(f.envWidth), h0 = int(f.envHeight);
    int x0 = int(fl.x), y0 = int(fl.y);
    int xa = (x0 % w0 + w0) % w0, xb = ((x0 + 1) % w0 + w0) % w0;
    int ya = clamp(y0, 0, h0 - 1), yb = clamp(y0 + 1, 0, h0 - 1);
    Float4sRef px = Float4sRef(f.envPixels);
    vec3 c = mix(mix(px.items[ya * w0 + xa].rgb, px.items[ya * w0 + xb].rgb, w.x),
                 mix(px.items[yb * w0 + xa].rgb, px.items[yb * w0 + xb].rgb, w.x), w.y);
    return c * f.envIntensity;
}

float envPdf(LQFrame f, vec3 worldDir) {
    if (f.envKind == LQ_ENV_CONSTANT) return 1.0 / (4.0 * PI);
    float sinTheta;
    uint i = envTexelIndex(f, worldDir, sinTheta);
    if (sinTheta <= 0.0) return 0.0;
    float p = AliasRef(f.envAlias).items[i].pdf;
    return p * float(f.envWidth * f.envHeight) / (2.0 * PI * PI * sinTheta);
}

/// Samples a world direction; returns its radiance, writes dir and pdf.
vec3 envSample(LQFrame f, vec3 u, out vec3 dir, out float pdf) {
    if (f.envKind == LQ_ENV_CONSTANT) {
        dir = uniformSphere(u.xy);
        pdf = 1.0 / (4.0 * PI);
        return f.envConstant;
    }
    uint n = f.envWidth * f.envHeight;
    uint i = min(uint(u.x * float(n)), n - 1u);
    LQAliasEntry e = AliasRef(f.envAlias).items[i];
    // Reuse the fractional part of u.x for the coin flip.
    float coin = u.x * float(n) - float(i);
    uint texel = coin < e.q ? i : e.alias;
    uint x = texel % f.envWidth, y = texel / f.envWidth;
    float u0 = (float(x) + u.y) / float(f.envWidth);
    float v0 = (float(y) + u.z) / float(f.envHeight);
    float theta = v0 * PI, phi = (u0 - 0.5) * 2.0 * PI;
    float st = sin(theta);
    vec3 local = vec3(st * sin(phi), cos(theta), -st * cos(phi));
    dir = envRotate(f, local, 1.0);
    float p = AliasRef(f.envAlias).items[texel].pdf;
    pdf = st > 0.0 ? p * float(n) / (2.0 * PI * PI * st) : 0.0;
    return envRadiance(f, dir);
}
