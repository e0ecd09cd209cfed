// Hit geometry, one copy of the math for both ways of tracing: the hit
// shaders (triangle.rchit, sphere.rint, sphere.rchit) pass their built-ins,
// the ray-query kernel (pathtrace.comp) passes the committed or candidate
// intersection's values. Needs common.glsl.

/// Triangle `primitive` of `inst` hit at barycentrics (b1, b2), distance `t`:
/// interpolated vertex attributes moved to world space.
HitPayload triangleHitGeometry(LQInstance inst, uint primitive, vec2 barycentrics,
                               mat4x3 objectToWorld, mat4x3 worldToObject, float t) {
    HitPayload hit;
    IndicesRef indices = IndicesRef(inst.indices);
    VerticesRef vertices = VerticesRef(inst.vertices);
    uint base = 3u * primitive;
    LQVertex v0 = vertices.items[indices.items[base]];
    LQVertex v1 = vertices.items[indices.items[base + 1u]];
    LQVertex v2 = vertices.items[indices.items[base + 2u]];
    vec3 b = vec3(1.0 - barycentrics.x - barycentrics.y, barycentrics.x, barycentrics.y);

    vec3 pObj = v0.position * b.x + v1.position * b.y + v2.position * b.z;
    vec3 nObj = v0.normal * b.x + v1.normal * b.y + v2.normal * b.z;
    vec3 ngObj = cross(v1.position - v0.position, v2.position - v0.position);
    vec4 tObj = v0.tangent * b.x + v1.tangent * b.y + v2.tangent * b.z;

    mat3 normalMatrix = transpose(mat3(worldToObject));
    hit.position = objectToWorld * vec4(pObj, 1.0);
    vec3 ng = normalize(normalMatrix * ngObj);
    vec3 ns = normalMatrix * nObj;
    ns = dot(ns, ns) > 1e-20 ? normalize(ns) : ng;
    hit.geometricNormal = ng;
    hit.shadingNormal = ns;
    hit.tangent = vec4(mat3(objectToWorld) * tObj.xyz, tObj.w < 0.0 ? -1.0 : 1.0);
    hit.uv = v0.uv * b.x + v1.uv * b.y + v2.uv * b.z;
    hit.uv1 = v0.uv1 * b.x + v1.uv1 * b.y + v2.uv1 * b.z;
    // uv area over world area of this triangle (ray cones, Akenine-Möller et al. 2019).
    vec2 duv1 = v1.uv - v0.uv, duv2 = v2.uv - v0.uv;
    float uvArea = abs(duv1.x * duv2.y - duv1.y * duv2.x);
    vec3 e1 = mat3(objectToWorld) * (v1.position - v0.position);
    vec3 e2 = mat3(objectToWorld) * (v2.position - v0.position);
    float worldArea = length(cross(e1, e2));
    hit.uvDensity = worldArea > 0.0 ? sqrt(uvArea / worldArea) : 0.0;
    hit.t = t;
    hit.materialIndex = inst.materialIndex;
    hit.hit = 1u;
    return hit;
}

/// Exact ray/sphere intersection in object space (the instance's AABB
/// bounds the sphere): the nearest root in [tMin, tMax], if any.
bool sphereIntersection(LQInstance inst, vec3 objectOrigin, vec3 objectDirection, float tMin, float tMax, out float tHit) {
    vec3 o = objectOrigin - inst.sphereCenter;
    vec3 d = objectDirection;
    float r = inst.sphereRadius;
    float a = dot(d, d);
    float halfB = dot(o, d);
    float c = dot(o, o) - r * r;
    float disc = halfB * halfB - a * c;
    tHit = 0.0;
    if (disc < 0.0) return false;
    float sq = sqrt(disc);
    // Numerically stable roots.
    float q = -halfB - (halfB >= 0.0 ? sq : -sq);
    float t0 = q / a;
    float t1 = q != 0.0 ? c / q : t0;
    float tNear = min(t0, t1), tFar = max(t0, t1);
    if (tNear >= tMin && tNear <= tMax) { tHit = tNear; return true; }
    if (tFar >= tMin && tFar <= tMax) { tHit = tFar; return true; }
    return false;
}

/// Analytic sphere hit at distance `t` of the object-space ray: exact
/// normal, spherical uv, tangent along +phi.
HitPayload sphereHitGeometry(LQInstance inst, vec3 objectOrigin, vec3 objectDirection,
                             mat4x3 objectToWorld, mat4x3 worldToObject, float t) {
    HitPayload hit;
    vec3 pObj = objectOrigin + objectDirection * t;
    vec3 nObj = (pObj - inst.sphereCenter) / inst.sphereRadius;
    mat3 normalMatrix = transpose(mat3(worldToObject));
    vec3 n = normalize(normalMatrix * nObj);
    float phi = atan(nObj.x, nObj.z);
    vec3 tObj = vec3(cos(phi), 0.0, -sin(phi));
    hit.position = objectToWorld * vec4(pObj, 1.0);
    hit.geometricNormal = n;
    hit.shadingNormal = n;
    hit.tangent = vec4(mat3(objectToWorld) * tObj, 1.0);
    hit.uv = vec2(0.5 + phi * (0.5 * INV_PI), acos(clamp(nObj.y, -1.0, 1.0)) * INV_PI);
    hit.uv1 = hit.uv;
    // u spans 2πr and v spans πr: uv units per metre (world radius).
    float worldRadius = inst.sphereRadius * length(mat3(objectToWorld) * vec3(1.0, 0.0, 0.0));
    hit.uvDensity = 1.0 / (PI * worldRadius * 1.41421356);
    hit.t = t;
    hit.materialIndex = inst.materialIndex;
    hit.hit = 1u;
    return hit;
}
