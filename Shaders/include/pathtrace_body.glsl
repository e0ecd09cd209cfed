// The path tracer's integrator, shared by the ray-tracing pipeline
// (pathtrace.rgen) and the compute kernel with ray queries (pathtrace.comp):
// camera rays (thin lens), next-event estimation of the environment with
// importance sampling, BSDF sampling, MIS (power heuristic), Russian
// roulette, ray cones carried along the path (the per-vertex work is
// path_vertex.glsl, shared with the wavefront integrator).
// The includer declares, before including this file, how rays are traced:
//   HitPayload hit;                       closest hit of the last traceClosest
//   uint rays;                            rays traced by this invocation
//   void traceClosest(vec3 origin, vec3 dir);   fills `hit` (hit.hit = 0: escaped)
//   bool visible(vec3 origin, vec3 dir);        shadow ray, true if unoccluded
// Both kernels run the same arithmetic in the same order, so the same seed
// gives the same image whichever way the rays are traced.
#include "path_vertex.glsl"

/// Traces every sample of `pixel` and adds them to its running sums.
void pathTracePixel(uvec2 pixel) {
    LQFrame f = FrameRef(pc.frame).f;
    lqFrameTextures = f.textures;
    lqFrameParameters = f.materialParameters;
    uint pixelIndex = pixel.y * f.width + pixel.x;

    // Continue the running sums sample by sample, so the sequence of float
    // additions (and so the result) does not depend on how samples are
    // batched into dispatches: same seed, same device, same image.
    AccumRef accum = AccumRef(f.accumulation);
    bool wantAlbedo = (f.flags & LQ_FLAG_AOV_ALBEDO) != 0u;
    bool wantNormal = (f.flags & LQ_FLAG_AOV_NORMAL) != 0u;
    bool wantDepth = (f.flags & LQ_FLAG_AOV_DEPTH) != 0u;
    vec3 sumRadiance = accum.items[pixelIndex].rgb;
    vec3 sumAlbedo = wantAlbedo ? AccumRef(f.aovAlbedo).items[pixelIndex].rgb : vec3(0.0);
    vec3 sumNormal = wantNormal ? AccumRef(f.aovNormal).items[pixelIndex].rgb : vec3(0.0);
    float sumDepth = wantDepth ? FloatsRef(f.aovDepth).items[pixelIndex] : 0.0;

    for (uint s = 0u; s < pc.sampleCount; ++s) {
        PathState p = cameraPath(f, pixel, pc.firstSample + s);
        vec3 radiance = vec3(0.0);
        for (uint depth = 0u; depth < f.maxDepth + 1u; ++depth) {
            traceClosest(p.origin, p.direction);
            if (hit.hit == 0u) {
                radiance += escapedRadiance(f, p.direction, depth, p.throughput, p.prevBsdfPdf);
                break;
            }
            if (depth == f.maxDepth) break; // no more surface interactions allowed
            ShadowRay shadow;
            VertexAOVs aovs;
            vec3 emitted;
            bool goesOn = pathVertex(f, hit, hit.materialIndex, depth, p, shadow, aovs, emitted);
            radiance += emitted;
            if (depth == 0u) {
                sumAlbedo += aovs.albedo;
                sumNormal += aovs.normal;
                sumDepth += hit.t;
            }
            if (shadow.wanted && visible(shadow.origin, shadow.direction)) radiance += shadow.contribution;
            if (!goesOn) break;
        }
        if (any(isnan(radiance)) || any(isinf(radiance))) radiance = vec3(0.0);
        sumRadiance += radiance;
    }

    accum.items[pixelIndex] = vec4(sumRadiance, 1.0);
    if (wantAlbedo) AccumRef(f.aovAlbedo).items[pixelIndex] = vec4(sumAlbedo, 0.0);
    if (wantNormal) AccumRef(f.aovNormal).items[pixelIndex] = vec4(sumNormal, 0.0);
    if (wantDepth) FloatsRef(f.aovDepth).items[pixelIndex] = sumDepth;
    UintsRef(f.rayCounts).items[pixelIndex] += rays;
}
