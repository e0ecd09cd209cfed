// The wavefront integrator's state (LQWavefront in ShaderInterface.h) as
// GLSL buffer references, and the loads and stores of a path's state and
// hit record every wavefront kernel shares. Include after common.glsl with
// LQ_WAVEFRONT defined (the kernels' push constants are LQWavefrontPush).
#include "path_state.glsl"
layout(buffer_reference, scalar) readonly buffer WavefrontRef { LQWavefront w; };
layout(buffer_reference, scalar) buffer WavefrontCountersRef { LQWavefrontCounters c; };
layout(buffer_reference, scalar) buffer WavefrontBinsRef { LQWavefrontBin items[]; };
layout(buffer_reference, scalar) buffer Vec4sRef { vec4 items[]; };
layout(buffer_reference, scalar) buffer Uvec2sRef { uvec2 items[]; };

layout(local_size_x = LQ_WAVEFRONT_GROUP) in;

/// The queue entry this invocation works on, or LQ_WAVEFRONT_NO_PATH.
uint queuedPath(uint64_t queue, uint length) {
    uint i = gl_GlobalInvocationID.x;
    return i < length ? UintsRef(queue).items[i] : LQ_WAVEFRONT_NO_PATH;
}

/// The path state of `path` as the previous kernel left it.
PathState loadPath(LQWavefront w, uint path) {
    PathState p;
    vec4 o = Vec4sRef(w.rayOrigin).items[path];
    vec4 d = Vec4sRef(w.rayDirection).items[path];
    p.origin = o.xyz;
    p.prevBsdfPdf = o.w;
    p.direction = d.xyz;
    p.coneWidth = d.w;
    p.throughput = Vec4sRef(w.throughput).items[path].xyz;
    p.rng.state = Uvec2sRef(w.rngAndRays).items[path].x;
    return p;
}

void storePath(LQWavefront w, uint path, PathState p) {
    Vec4sRef(w.rayOrigin).items[path] = vec4(p.origin, p.prevBsdfPdf);
    Vec4sRef(w.rayDirection).items[path] = vec4(p.direction, p.coneWidth);
    Vec4sRef(w.throughput).items[path] = vec4(p.throughput, 0.0);
    Uvec2sRef(w.rngAndRays).items[path].x = p.rng.state;
}

/// Adds to the radiance `path` has collected in this sample.
void addRadiance(LQWavefront w, uint path, vec3 value) {
    Vec4sRef(w.radiance).items[path].xyz += value;
}

/// Counts a ray traced for `path` (the per-pixel ray statistics).
void countRay(LQWavefront w, uint path) {
    Uvec2sRef(w.rngAndRays).items[path].y += 1u;
}

void storeHit(LQWavefront w, uint path, HitPayload hit) {
    Vec4sRef(w.hitPosition).items[path] = vec4(hit.position, hit.t);
    Vec4sRef(w.hitShadingNormal).items[path] = vec4(hit.shadingNormal, hit.uvDensity);
    Vec4sRef(w.hitGeometricNormal).items[path] = vec4(hit.geometricNormal, 0.0);
    Vec4sRef(w.hitTangent).items[path] = hit.tangent;
    Vec4sRef(w.hitUV).items[path] = vec4(hit.uv, hit.uv1);
}

HitPayload loadHit(LQWavefront w, uint path) {
    HitPayload hit;
    vec4 position = Vec4sRef(w.hitPosition).items[path];
    vec4 shading = Vec4sRef(w.hitShadingNormal).items[path];
    hit.position = position.xyz;
    hit.t = position.w;
    hit.shadingNormal = shading.xyz;
    hit.uvDensity = shading.w;
    hit.geometricNormal = Vec4sRef(w.hitGeometricNormal).items[path].xyz;
    hit.tangent = Vec4sRef(w.hitTangent).items[path];
    vec4 uvs = Vec4sRef(w.hitUV).items[path];
    hit.uv = uvs.xy;
    hit.uv1 = uvs.zw;
    hit.materialIndex = Uvec2sRef(w.hitBin).items[path].x;
    hit.hit = 1u;
    return hit;
}

/// Workgroups of LQ_WAVEFRONT_GROUP invocations that cover `count` items.
uint groupsFor(uint count) { return (count + LQ_WAVEFRONT_GROUP - 1u) / LQ_WAVEFRONT_GROUP; }
