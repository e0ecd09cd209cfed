#version 460
// Wavefront integrator: extend. Traces each queued path's ray to its closest
// hit with a ray query. An escaped ray collects the environment (MIS against
// next-event estimation) and ends its path; a hit is stored as the path's
// hit record and counted in its material's bin (counting sort, step 1).
#define LQ_WAVEFRONT 1
#define LQ_RAY_QUERY 1
#include "common.glsl"
#include "hit_geometry.glsl"
#include "wavefront.glsl"
#include "ray_query.glsl"

void main() {
    LQFrame f = FrameRef(wp.frame).f;
    LQWavefront w = WavefrontRef(wp.wavefront).w;
    uint queue = wp.depth & 1u;
    uint path = queuedPath(w.queues[queue], WavefrontCountersRef(w.counters).c.queueLength[queue]);
    if (path == LQ_WAVEFRONT_NO_PATH) return;
    PathState p = loadPath(w, path);
    traceClosest(p.origin, p.direction);
    countRay(w, path);
    if (hit.hit == 0u || wp.depth == f.maxDepth) {
        if (hit.hit == 0u) addRadiance(w, path, escapedRadiance(f, p.direction, wp.depth, p.throughput, p.prevBsdfPdf));
        Uvec2sRef(w.hitBin).items[path] = uvec2(LQ_WAVEFRONT_NO_PATH, 0u);
        return;
    }
    storeHit(w, path, hit);
    uint slot = atomicAdd(WavefrontBinsRef(w.bins).items[hit.materialIndex].count, 1u);
    Uvec2sRef(w.hitBin).items[path] = uvec2(hit.materialIndex, slot);
}
