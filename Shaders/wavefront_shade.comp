#version 460
// Wavefront integrator: shading, one dispatch per material. Every invocation
// shades a hit of the same material (wp.material), so the material record,
// its generated code and a neural material's decoder weights are uniform
// across the workgroup. Same per-vertex work as the megakernel
// (path_vertex.glsl): AOVs at the first hit, next-event estimation (queued
// as a shadow ray), BSDF sampling and Russian roulette (the path is queued
// for the next extend if it goes on).
#define LQ_WAVEFRONT 1
#define LQ_RAY_QUERY 1
#include "common.glsl"
#include "wavefront.glsl"
#include "path_vertex.glsl"

void main() {
    LQFrame f = FrameRef(wp.frame).f;
    lqFrameTextures = f.textures;
    lqFrameParameters = f.materialParameters;
    LQWavefront w = WavefrontRef(wp.wavefront).w;
    LQWavefrontBin bin = WavefrontBinsRef(w.bins).items[wp.material];
    uint i = gl_GlobalInvocationID.x;
    if (i >= bin.count) return;
    uint path = UintsRef(w.sortedHits).items[bin.offset + i];
    PathState p = loadPath(w, path);
    HitPayload hit = loadHit(w, path);
    ShadowRay shadow;
    VertexAOVs aovs;
    vec3 emitted;
    bool goesOn = pathVertex(f, hit, wp.material, wp.depth, p, shadow, aovs, emitted);
    if (any(notEqual(emitted, vec3(0.0)))) addRadiance(w, path, emitted); // NaN too, as the megakernel
    if (wp.depth == 0u) {
        uint pixel = w.firstPixel + path;
        if ((f.flags & LQ_FLAG_AOV_ALBEDO) != 0u) AccumRef(f.aovAlbedo).items[pixel] += vec4(aovs.albedo, 0.0);
        if ((f.flags & LQ_FLAG_AOV_NORMAL) != 0u) AccumRef(f.aovNormal).items[pixel] += vec4(aovs.normal, 0.0);
        if ((f.flags & LQ_FLAG_AOV_DEPTH) != 0u) FloatsRef(f.aovDepth).items[pixel] += hit.t;
    }
    WavefrontCountersRef counters = WavefrontCountersRef(w.counters);
    if (shadow.wanted) {
        Vec4sRef(w.shadowOrigin).items[path] = vec4(shadow.origin, 0.0);
        Vec4sRef(w.shadowDirection).items[path] = vec4(shadow.direction, 0.0);
        Vec4sRef(w.shadowContribution).items[path] = vec4(shadow.contribution, 0.0);
        UintsRef(w.shadowQueue).items[atomicAdd(counters.c.shadowLength, 1u)] = path;
    }
    if (goesOn) {
        storePath(w, path, p);
        uint next = (wp.depth & 1u) ^ 1u;
        UintsRef(w.queues[next]).items[atomicAdd(counters.c.queueLength[next], 1u)] = path;
    }
}
