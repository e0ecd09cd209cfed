// Direction sampling and frame helpers shared by the BSDFs and lights.

/// Orthonormal frame with z = n and x along t (projected); handedness sign s.
struct Frame { vec3 t; vec3 b; vec3 n; };

Frame frameFromNormal(vec3 n) {
    // Duff et al. 2017 branchless ONB.
    float s = n.z >= 0.0 ? 1.0 : -1.0;
    float a = -1.0 / (s + n.z);
    float b = n.x * n.y * a;
    Frame f;
    f.t = vec3(1.0 + s * n.x * n.x * a, s * b, -s * n.x);
    f.b = vec3(b, s + n.y * n.y * a, -n.y);
    f.n = n;
    return f;
}

Frame frameFromNormalTangent(vec3 n, vec4 tangent) {
    vec3 t = tangent.xyz - n * dot(n, tangent.xyz);
    float len2 = dot(t, t);
    if (!(len2 > 1e-12)) return frameFromNormal(n);
    Frame f;
    f.n = n;
    f.t = t * inversesqrt(len2);
    f.b = cross(n, f.t) * (tangent.w < 0.0 ? -1.0 : 1.0);
    return f;
}

vec3 toLocal(Frame f, vec3 v) { return vec3(dot(v, f.t), dot(v, f.b), dot(v, f.n)); }
vec3 toWorld(Frame f, vec3 v) { return f.t * v.x + f.b * v.y + f.n * v.z; }

vec2 concentricDisk(vec2 u) {
    vec2 o = 2.0 * u - 1.0;
    if (o.x == 0.0 && o.y == 0.0) return vec2(0.0);
    float r, theta;
    if (abs(o.x) > abs(o.y)) { r = o.x; theta = (PI / 4.0) * (o.y / o.x); }
    else { r = o.y; theta = (PI / 2.0) - (PI / 4.0) * (o.x / o.y); }
    return r * vec2(cos(theta), sin(theta));
}

vec3 cosineHemisphere(vec2 u) {
    vec2 d = concentricDisk(u);
    float z = sqrt(max(0.0, 1.0 - dot(d, d)));
    return vec3(d, z);
}

vec3 uniformSphere(vec2 u) {
    float z = 1.0 - 2.0 * u.x;
    float r = sqrt(max(0.0, 1.0 - z * z));
    float phi = 2.0 * PI * u.y;
    return vec3(r * cos(phi), r * sin(phi), z);
}

/// Power heuristic (β = 2) weight of strategy a against b.
float powerHeuristic(float a, float b) {
    float a2 = a * a, b2 = b * b;
    return a2 + b2 > 0.0 ? a2 / (a2 + b2) : 0.0;
}

float luminance(vec3 c) { return dot(c, vec3(0.2126, 0.7152, 0.0722)); }
float maxComponent(vec3 c) { return max(c.x, max(c.y, c.z)); }
