// Shared declarations for the path-tracer's ray-tracing stages.
#extension GL_EXT_ray_tracing : require
#include "interface.glsl"

layout(push_constant, scalar) uniform Push { LQPushConstants pc; };

/// What the closest-hit shaders hand back to raygen: world-space geometry
/// only. Materials are evaluated in raygen, so hit shaders stay tiny.
struct HitPayload {
    vec3 position;
    float t;
    vec3 shadingNormal;
    uint materialIndex;
    vec3 geometricNormal;
    uint hit;
    vec4 tangent;       // xyz world tangent, w bitangent sign
    vec2 uv;
    float uvDensity;    // uv units per metre at the hit (ray-cone LOD)
};
