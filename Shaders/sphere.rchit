#version 460
// Analytic sphere hit: exact normal, spherical uv, tangent along +phi.
#include "common.glsl"
layout(location = 0) rayPayloadInEXT HitPayload hit;

void main() {
    LQFrame f = FrameRef(pc.frame).f;
    LQInstance inst = InstancesRef(f.instances).items[gl_InstanceCustomIndexEXT];
    vec3 pObj = gl_ObjectRayOriginEXT + gl_ObjectRayDirectionEXT * gl_HitTEXT;
    vec3 nObj = (pObj - inst.sphereCenter) / inst.sphereRadius;
    mat3 normalMatrix = transpose(mat3(gl_WorldToObjectEXT));
    vec3 n = normalize(normalMatrix * nObj);
    float phi = atan(nObj.x, nObj.z);
    vec3 tObj = vec3(cos(phi), 0.0, -sin(phi));
    hit.position = gl_ObjectToWorldEXT * vec4(pObj, 1.0);
    hit.geometricNormal = n;
    hit.shadingNormal = n;
    hit.tangent = vec4(mat3(gl_ObjectToWorldEXT) * tObj, 1.0);
    hit.uv = vec2(0.5 + phi * (0.5 * INV_PI), acos(clamp(nObj.y, -1.0, 1.0)) * INV_PI);
    // u spans 2πr and v spans πr: uv units per metre (world radius).
    float worldRadius = inst.sphereRadius * length(mat3(gl_ObjectToWorldEXT) * vec3(1.0, 0.0, 0.0));
    hit.uvDensity = 1.0 / (PI * worldRadius * 1.41421356);
    hit.t = gl_HitTEXT;
    hit.materialIndex = inst.materialIndex;
    hit.hit = 1u;
}
