#version 460
// Wavefront integrator: counting sort, step 3. Each path that hit a surface
// goes to its slot in its material's range of sortedHits, so a material's
// shading kernel reads a dense range of paths that all use its code.
#define LQ_WAVEFRONT 1
#define LQ_RAY_QUERY 1
#include "common.glsl"
#include "wavefront.glsl"

void main() {
    LQWavefront w = WavefrontRef(wp.wavefront).w;
    uint queue = wp.depth & 1u;
    uint path = queuedPath(w.queues[queue], WavefrontCountersRef(w.counters).c.queueLength[queue]);
    if (path == LQ_WAVEFRONT_NO_PATH) return;
    uvec2 bin = Uvec2sRef(w.hitBin).items[path];
    if (bin.x == LQ_WAVEFRONT_NO_PATH) return;
    UintsRef(w.sortedHits).items[WavefrontBinsRef(w.bins).items[bin.x].offset + bin.y] = path;
}
