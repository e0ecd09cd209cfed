// Architecture-independent parts of the neural materials, mirroring the
// NeuralMaterial module's CPU oracle line by line (LearnedFrames.swift,
// SamplerWarps.swift, MixtureDistribution.swift, NeuralSampler.swift).
#extension GL_EXT_control_flow_attributes : enable

/// fp16 decoder weights, two per word (Rendering/PackedDecoderWeights.swift).
layout(buffer_reference, scalar) readonly buffer NeuralWeightsRef { uint h[]; };

/// The twin's output factor at latent `level`: three fp32 words per level
/// from word `first` of its weights buffer (PackedDecoderWeights.levelScaleWord).
vec3 nmLevelScale(NeuralWeightsRef W, uint first, uint level) {
    uint k = first + 3u * level;
    return vec3(uintBitsToFloat(W.h[k]), uintBitsToFloat(W.h[k + 1u]), uintBitsToFloat(W.h[k + 2u]));
}

vec3 nmNormalize(vec3 a) { return a * inversesqrt(max(dot(a, a), 1e-12)); }

/// Learned frame k (0 or 1) from the 12 raw frame-layer outputs:
/// n = normalize(raw_n + z), t = Gram–Schmidt(raw_t + x) against n, b = n × t.
void nmFrame(float raw[12], int k, out vec3 t, out vec3 b, out vec3 n) {
    int o = 6 * k;
    vec3 vn = vec3(raw[o], raw[o + 1], raw[o + 2] + 1.0);
    vec3 vt = vec3(raw[o + 3] + 1.0, raw[o + 4], raw[o + 5]);
    n = nmNormalize(vn);
    vec3 tp = vt - dot(n, vt) * n;
    t = nmNormalize(tp);
    b = cross(n, t);
}

vec3 nmToLocal(vec3 v, vec3 t, vec3 b, vec3 n) { return vec3(dot(v, t), dot(v, b), dot(v, n)); }

/// The difference vector of w about the half vector h, both in one learned
/// frame (FrameLayer.differenceVector); `softening` is LQ_DIFFERENCE_POLE_SOFTENING,
/// written into each call by the generator.
vec3 nmDifference(vec3 w, vec3 h, float softening) {
    float p = w.x * h.x + w.y * h.y;
    float m = w.y * h.x - w.x * h.y;
    float q = h.x * h.x + h.y * h.y;
    float r = 1.0 / sqrt(q + softening);
    return vec3((h.z * p - w.z * q) * r, m * r, p + w.z * h.z);
}

/// The sampling mixture after the output warps.
struct NeuralMixture {
    float alphaX, alphaY, rho;
    vec2 specularMean, diffuseMean;
    float specularWeight, diffuseWeight;
    vec3 t, b, n;   // sampling frame = learned frame 1
};

float nmSig(float v) { return v / sqrt(1.0 + v * v); }
float nmMean(float v) { return v * sqrt(1.0 + v * v); }

NeuralMixture nmWarp(float x[9], vec3 t, vec3 b, vec3 n) {
    NeuralMixture m;
    m.alphaX = 1e-4 + 0.5 * (1.0 + nmSig(x[0]));
    m.alphaY = 1e-4 + 0.5 * (1.0 + nmSig(x[1]));
    m.rho = nmSig(x[2]);
    m.specularMean = vec2(nmMean(x[3]), nmMean(x[4]));
    m.diffuseMean = vec2(nmMean(x[5]), nmMean(x[6]));
    float mx = max(x[7], x[8]);
    float e0 = exp(x[7] - mx), e1 = exp(x[8] - mx);
    m.specularWeight = e0 / (e0 + e1);
    m.diffuseWeight = e1 / (e0 + e1);
    m.t = t; m.b = b; m.n = n;
    return m;
}

float nmRho(NeuralMixture m) { return clamp(m.rho, -0.999, 0.999); }

float nmGgxD(NeuralMixture m, vec3 h) {
    if (!(h.z > 0.0)) return 0.0;
    float rho = nmRho(m);
    float omr = 1.0 - rho * rho;
    float ex = h.x + h.z * m.specularMean.x;
    float ey = h.y + h.z * m.specularMean.y;
    float a = ex / m.alphaX, b = ey / m.alphaY;
    float q = (a * a - 2.0 * rho * a * b + b * b) / omr;
    float den = h.z * h.z + q;
    float det = m.alphaX * m.alphaY * sqrt(omr);
    return 1.0 / (PI * det * den * den);
}

/// Mixture pdf with wi, wo in the sampling frame.
float nmPdfLocal(NeuralMixture m, vec3 wi, vec3 wo) {
    float pg = 0.0;
    vec3 h = wi + wo;
    float l2 = dot(h, h);
    if (l2 > 1e-20) {
        h *= inversesqrt(l2);
        if (h.z < 0.0) h = -h;
        float c = abs(dot(wi, h));
        if (c > 0.0) pg = nmGgxD(m, h) * h.z / (4.0 * c);
    }
    vec3 axis = nmNormalize(vec3(-m.diffuseMean.x, -m.diffuseMean.y, 1.0));
    float pc = max(0.0, dot(wo, axis)) * INV_PI;
    return m.specularWeight * pg + m.diffuseWeight * pc;
}

/// pdf of wo for shading-frame wi, wo.
float nmPdf(NeuralMixture m, vec3 wi, vec3 wo) {
    return nmPdfLocal(m, nmToLocal(wi, m.t, m.b, m.n), nmToLocal(wo, m.t, m.b, m.n));
}

/// Samples a shading-frame wo; writes its mixture pdf.
vec3 nmSample(NeuralMixture m, vec3 wiShading, vec3 u, out float pdf) {
    vec3 wi = nmToLocal(wiShading, m.t, m.b, m.n);
    vec3 wo;
    if (u.x < m.specularWeight) {
        float u1 = min(u.y, 1.0 - 1.1920929e-07);
        float r = sqrt(u1 / (1.0 - u1));
        float phi = 2.0 * PI * u.z;
        float sx = r * cos(phi), sy = r * sin(phi);
        float rho = nmRho(m);
        float mx = m.alphaX * sx + m.specularMean.x;
        float my = m.alphaY * (rho * sx + sqrt(1.0 - rho * rho) * sy) + m.specularMean.y;
        vec3 h = nmNormalize(vec3(-mx, -my, 1.0));
        wo = 2.0 * dot(wi, h) * h - wi;
    } else {
        vec3 c = nmNormalize(vec3(-m.diffuseMean.x, -m.diffuseMean.y, 1.0));
        float r = sqrt(u.y);
        float phi = 2.0 * PI * u.z;
        float x = r * cos(phi), y = r * sin(phi);
        float z = sqrt(max(0.0, 1.0 - u.y));
        float s = c.z >= 0.0 ? 1.0 : -1.0;
        float a = -1.0 / (s + c.z);
        float bb = c.x * c.y * a;
        vec3 t = vec3(1.0 + s * c.x * c.x * a, s * bb, -s * c.x);
        vec3 b = vec3(bb, s + c.y * c.y * a, -c.y);
        wo = nmNormalize(x * t + y * b + z * c);
    }
    pdf = nmPdfLocal(m, wi, wo);
    return nmNormalize(wo.x * m.t + wo.y * m.b + wo.z * m.n);
}
