#version 460
// Wavefront integrator: the bookkeeping between stages, one workgroup.
// BEGIN_SAMPLE: queue 0 holds every path (wavefront_camera.comp filled it),
// bins and the other queues are empty. AFTER_EXTEND: exclusive prefix sums of
// the material bins (counting sort, step 2) and each material's shading
// dispatch size; the queues the shading kernels fill are emptied.
// AFTER_SHADE: dispatch sizes of the shadow rays and of the next extend.
#define LQ_WAVEFRONT 1
#define LQ_RAY_QUERY 1
#include "common.glsl"
#include "wavefront.glsl"

void main() {
    LQWavefront w = WavefrontRef(wp.wavefront).w;
    WavefrontCountersRef counters = WavefrontCountersRef(w.counters);
    WavefrontBinsRef bins = WavefrontBinsRef(w.bins);
    uint lane = gl_LocalInvocationID.x;
    uint next = (wp.depth & 1u) ^ 1u;
    if (wp.mode == LQ_WAVEFRONT_BEGIN_SAMPLE) {
        for (uint m = lane; m < w.materialCount; m += LQ_WAVEFRONT_GROUP) bins.items[m].count = 0u;
        if (lane == 0u) {
            counters.c.queueLength[0] = w.queueCapacity;
            counters.c.queueLength[1] = 0u;
            counters.c.shadowLength = 0u;
            counters.c.extendGroups = uint[3](groupsFor(w.queueCapacity), 1u, 1u);
        }
    } else if (wp.mode == LQ_WAVEFRONT_AFTER_EXTEND) {
        if (lane == 0u) {
            uint offset = 0u;
            for (uint m = 0u; m < w.materialCount; ++m) {
                uint count = bins.items[m].count;
                bins.items[m].offset = offset;
                bins.items[m].groups = uint[3](groupsFor(count), 1u, 1u);
                offset += count;
            }
            counters.c.queueLength[next] = 0u;
            counters.c.shadowLength = 0u;
        }
    } else {
        for (uint m = lane; m < w.materialCount; m += LQ_WAVEFRONT_GROUP) bins.items[m].count = 0u;
        if (lane == 0u) {
            counters.c.extendGroups = uint[3](groupsFor(counters.c.queueLength[next]), 1u, 1u);
            counters.c.shadowGroups = uint[3](groupsFor(counters.c.shadowLength), 1u, 1u);
        }
    }
}
