#version 460
// Triangle hit: interpolate vertex attributes and move them to world space.
#include "common.glsl"
layout(location = 0) rayPayloadInEXT HitPayload hit;
hitAttributeEXT vec2 barycentrics;

void main() {
    LQFrame f = FrameRef(pc.frame).f;
    LQInstance inst = InstancesRef(f.instances).items[gl_InstanceCustomIndexEXT];
    IndicesRef indices = IndicesRef(inst.indices);
    VerticesRef vertices = VerticesRef(inst.vertices);
    uint base = 3u * uint(gl_PrimitiveID);
    LQVertex v0 = vertices.items[indices.items[base]];
    LQVertex v1 = vertices.items[indices.items[base + 1u]];
    LQVertex v2 = vertices.items[indices.items[base + 2u]];
    vec3 b = vec3(1.0 - barycentrics.x - barycentrics.y, barycentrics.x, barycentrics.y);

    vec3 pObj = v0.position * b.x + v1.position * b.y + v2.position * b.z;
    vec3 nObj = v0.normal * b.x + v1.normal * b.y + v2.normal * b.z;
    vec3 ngObj = cross(v1.position - v0.position, v2.position - v0.position);
    vec4 tObj = v0.tangent * b.x + v1.tangent * b.y + v2.tangent * b.z;

    mat3 normalMatrix = transpose(mat3(gl_WorldToObjectEXT));
    hit.position = gl_ObjectToWorldEXT * vec4(pObj, 1.0);
    vec3 ng = normalize(normalMatrix * ngObj);
    vec3 ns = normalMatrix * nObj;
    ns = dot(ns, ns) > 1e-20 ? normalize(ns) : ng;
    hit.geometricNormal = ng;
    hit.shadingNormal = ns;
    hit.tangent = vec4(mat3(gl_ObjectToWorldEXT) * tObj.xyz, tObj.w < 0.0 ? -1.0 : 1.0);
    hit.uv = v0.uv * b.x + v1.uv * b.y + v2.uv * b.z;
    // uv area over world area of this triangle (ray cones, Akenine-Möller et al. 2019).
    vec2 duv1 = v1.uv - v0.uv, duv2 = v2.uv - v0.uv;
    float uvArea = abs(duv1.x * duv2.y - duv1.y * duv2.x);
    vec3 e1 = mat3(gl_ObjectToWorldEXT) * (v1.position - v0.position);
    vec3 e2 = mat3(gl_ObjectToWorldEXT) * (v2.position - v0.position);
    float worldArea = length(cross(e1, e2));
    hit.uvDensity = worldArea > 0.0 ? sqrt(uvArea / worldArea) : 0.0;
    hit.t = gl_HitTEXT;
    hit.materialIndex = inst.materialIndex;
    hit.hit = 1u;
}
