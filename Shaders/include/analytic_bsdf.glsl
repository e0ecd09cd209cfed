// The foundation's analytic materials. Conventions (DESIGN.md): local frame
// z = normal; wi towards the viewer, wo towards the light; eval returns
// f(wi, wo)·|cos θo|; pdf is per solid angle of wo; sample returns the
// weight f·|cos θo| / pdf.
//
// Coated diffuse: a GGX dielectric reflection lobe (the coat) plus a
// Lambertian base seen through the coat, attenuated by the Fresnel
// transmittance in and out: f_base = (1 − F(θi))(1 − F(θo))·albedo/π.
// (Albedo-scaling layering with directional-albedo tables arrives with the
// layered-material graphs.)

struct BsdfSample { vec3 wo; float pdf; vec3 weight; };

vec2 materialAlpha(LQMaterial m) { return vec2(max(m.alphaX, 1e-3), max(m.alphaY, 1e-3)); }

float coatSpecularProbability(LQMaterial m, vec3 wi) {
    float f = fresnelDielectric(wi.z, m.coatIOR);
    float base = (1.0 - f) * (m.albedo.x + m.albedo.y + m.albedo.z) / 3.0;
    return clamp(f / max(f + base, 1e-6), 0.25, 0.9);
}

vec3 bsdfEval(LQMaterial m, vec3 wi, vec3 wo) {
    if (wi.z <= 0.0 || wo.z <= 0.0) return vec3(0.0);
    if (m.kind == LQ_MATERIAL_DIFFUSE) return m.albedo * (INV_PI * wo.z);
    vec2 alpha = materialAlpha(m);
    vec3 h = normalize(wi + wo);
    float spec = ggxD(h, alpha) * ggxG2OverFourCosI(wi, wo, alpha);
    if (m.kind == LQ_MATERIAL_CONDUCTOR) return fresnelConductor(dot(wi, h), m.eta, m.k) * spec;
    // coated diffuse
    float fh = fresnelDielectric(dot(wi, h), m.coatIOR);
    float ti = 1.0 - fresnelDielectric(wi.z, m.coatIOR);
    float to = 1.0 - fresnelDielectric(wo.z, m.coatIOR);
    return vec3(fh * spec) + m.albedo * (ti * to * INV_PI * wo.z);
}

float bsdfPdf(LQMaterial m, vec3 wi, vec3 wo) {
    if (wi.z <= 0.0 || wo.z <= 0.0) return 0.0;
    if (m.kind == LQ_MATERIAL_DIFFUSE) return wo.z * INV_PI;
    vec2 alpha = materialAlpha(m);
    float specPdf = ggxReflectionPdf(wi, wo, alpha);
    if (m.kind == LQ_MATERIAL_CONDUCTOR) return specPdf;
    float ps = coatSpecularProbability(m, wi);
    return ps * specPdf + (1.0 - ps) * wo.z * INV_PI;
}

BsdfSample bsdfSample(LQMaterial m, vec3 wi, vec3 u) {
    BsdfSample s;
    s.wo = vec3(0.0, 0.0, 1.0); s.pdf = 0.0; s.weight = vec3(0.0);
    if (wi.z <= 0.0) return s;
    if (m.kind == LQ_MATERIAL_DIFFUSE) {
        s.wo = cosineHemisphere(u.xy);
        s.pdf = s.wo.z * INV_PI;
        s.weight = s.pdf > 0.0 ? m.albedo : vec3(0.0);
        return s;
    }
    vec2 alpha = materialAlpha(m);
    if (m.kind == LQ_MATERIAL_CONDUCTOR) {
        vec3 h = ggxSampleVisibleNormal(wi, alpha, u.xy);
        s.wo = reflect(-wi, h);
        if (s.wo.z <= 0.0) return s;
        s.pdf = ggxReflectionPdf(wi, s.wo, alpha);
        // f·cos/pdf = F·G2/G1(wi)
        s.weight = fresnelConductor(dot(wi, h), m.eta, m.k) * (ggxG2(wi, s.wo, alpha) / ggxG1(wi, alpha));
        return s;
    }
    float ps = coatSpecularProbability(m, wi);
    if (u.z < ps) {
        vec3 h = ggxSampleVisibleNormal(wi, alpha, u.xy);
        s.wo = reflect(-wi, h);
    } else {
        s.wo = cosineHemisphere(u.xy);
    }
    if (s.wo.z <= 0.0) return s;
    s.pdf = bsdfPdf(m, wi, s.wo);
    s.weight = s.pdf > 0.0 ? bsdfEval(m, wi, s.wo) / s.pdf : vec3(0.0);
    return s;
}

/// First-hit albedo AOV: what a denoiser would call the surface colour.
vec3 bsdfAlbedo(LQMaterial m, vec3 wi) {
    if (m.kind == LQ_MATERIAL_CONDUCTOR) return fresnelConductor(max(wi.z, 0.0), m.eta, m.k);
    return m.albedo;
}
