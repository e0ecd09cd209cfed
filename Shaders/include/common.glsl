// Shared declarations for the path tracer's stages: the ray-tracing
// pipeline's shaders, or (with LQ_RAY_QUERY defined) the compute kernel
// that traces with ray queries.
#ifdef LQ_RAY_QUERY
#extension GL_EXT_ray_query : require
#else
#extension GL_EXT_ray_tracing : require
#endif
#include "interface.glsl"

#ifdef LQ_WAVEFRONT
layout(push_constant, scalar) uniform Push { LQWavefrontPush wp; };
#define LQ_FRAME_ADDRESS wp.frame
#else
layout(push_constant, scalar) uniform Push { LQPushConstants pc; };
#define LQ_FRAME_ADDRESS pc.frame
#endif

/// What the closest-hit shaders (or the ray-query path) hand back to the
/// integrator: world-space geometry only. Materials are evaluated by the
/// integrator, so hit shaders stay tiny.
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
    vec2 uv1;           // second texture-coordinate set (LQVertex.uv1; spheres: uv)
};
