// GGX microfacet distribution (anisotropic), Smith masking, visible-normal
// sampling and Fresnel terms. All directions in the local shading frame.

float ggxD(vec3 h, vec2 alpha) {
    if (h.z <= 0.0) return 0.0;
    vec3 s = vec3(h.x / alpha.x, h.y / alpha.y, h.z);
    float d = dot(s, s);
    return 1.0 / (PI * alpha.x * alpha.y * d * d);
}

/// z * Lambda(w) = a^2 / (2 (sqrt(z^2 + a^2) + z)): finite down to the smallest
/// positive z (mirrors GGX.zLambda in Microfacet.swift).
float ggxZLambda(vec3 w, vec2 alpha) {
    float ax = alpha.x * w.x, ay = alpha.y * w.y;
    float a2 = ax * ax + ay * ay;
    float z = abs(w.z);
    float d = sqrt(z * z + a2) + z;
    return d > 0.0 ? 0.5 * a2 / d : 0.0;
}

float ggxLambda(vec3 w, vec2 alpha) {
    float z = abs(w.z);
    float zl = ggxZLambda(w, alpha);
    return z > 0.0 ? zl / z : (zl > 0.0 ? uintBitsToFloat(0x7f800000u) : 0.0);
}

float ggxG1(vec3 w, vec2 alpha) { return 1.0 / (1.0 + ggxLambda(w, alpha)); }
/// Height-correlated masking-shadowing.
float ggxG2(vec3 wi, vec3 wo, vec2 alpha) { return 1.0 / (1.0 + ggxLambda(wi, alpha) + ggxLambda(wo, alpha)); }
/// G2 / (4 cos(theta_i)) for wi.z, wo.z > 0, finite as wi grazes.
float ggxG2OverFourCosI(vec3 wi, vec3 wo, vec2 alpha) {
    return 1.0 / (4.0 * (wi.z + ggxZLambda(wi, alpha) + wi.z * ggxLambda(wo, alpha)));
}
/// G1 / (4 cos(theta_i)) for wi.z > 0.
float ggxG1OverFourCosI(vec3 wi, vec2 alpha) { return 1.0 / (4.0 * (wi.z + ggxZLambda(wi, alpha))); }

/// Visible-normal sampling (Heitz 2018) for a view direction wi with wi.z > 0.
vec3 ggxSampleVisibleNormal(vec3 wi, vec2 alpha, vec2 u) {
    vec3 vh = normalize(vec3(alpha.x * wi.x, alpha.y * wi.y, wi.z));
    float lensq = vh.x * vh.x + vh.y * vh.y;
    vec3 t1 = lensq > 0.0 ? vec3(-vh.y, vh.x, 0.0) * inversesqrt(lensq) : vec3(1.0, 0.0, 0.0);
    vec3 t2 = cross(vh, t1);
    float r = sqrt(u.x);
    float phi = 2.0 * PI * u.y;
    float p1 = r * cos(phi);
    float p2 = r * sin(phi);
    float s = 0.5 * (1.0 + vh.z);
    p2 = (1.0 - s) * sqrt(max(0.0, 1.0 - p1 * p1)) + s * p2;
    vec3 nh = p1 * t1 + p2 * t2 + sqrt(max(0.0, 1.0 - p1 * p1 - p2 * p2)) * vh;
    return normalize(vec3(alpha.x * nh.x, alpha.y * nh.y, max(1e-6, nh.z)));
}

/// pdf of wo = reflect(-wi, h) when h is drawn from the visible normals of wi.
float ggxReflectionPdf(vec3 wi, vec3 wo, vec2 alpha) {
    if (wi.z <= 0.0 || wo.z <= 0.0) return 0.0;
    vec3 h = normalize(wi + wo);
    return ggxD(h, alpha) * ggxG1OverFourCosI(wi, alpha);
}

/// Unpolarised Fresnel reflectance of a conductor with complex IOR eta + i k.
vec3 fresnelConductor(float cosI, vec3 eta, vec3 k) {
    float c = clamp(cosI, 0.0, 1.0);
    float c2 = c * c;
    float s2 = 1.0 - c2;
    vec3 eta2 = eta * eta;
    vec3 k2 = k * k;
    vec3 t0 = eta2 - k2 - vec3(s2);
    vec3 a2b2 = sqrt(max(t0 * t0 + 4.0 * eta2 * k2, vec3(0.0)));
    vec3 t1 = a2b2 + vec3(c2);
    vec3 a = sqrt(max(0.5 * (a2b2 + t0), vec3(0.0)));
    vec3 t2 = 2.0 * c * a;
    vec3 rs = (t1 - t2) / max(t1 + t2, vec3(1e-12));
    vec3 t3 = c2 * a2b2 + vec3(s2 * s2);
    vec3 t4 = t2 * s2;
    vec3 rp = rs * (t3 - t4) / max(t3 + t4, vec3(1e-12));
    return clamp(0.5 * (rp + rs), vec3(0.0), vec3(1.0));
}

/// Unpolarised Fresnel reflectance of a dielectric interface, light arriving
/// from outside (IOR 1) onto a medium of IOR eta.
float fresnelDielectric(float cosI, float eta) {
    float c = clamp(cosI, 0.0, 1.0);
    float sin2t = (1.0 - c * c) / (eta * eta);
    if (sin2t >= 1.0) return 1.0;
    float ct = sqrt(1.0 - sin2t);
    float rs = (c - eta * ct) / (c + eta * ct);
    float rp = (eta * c - ct) / (eta * c + ct);
    return 0.5 * (rs * rs + rp * rp);
}
