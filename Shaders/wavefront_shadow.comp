#version 460
// Wavefront integrator: the next-event shadow rays the shading kernels
// queued; an unoccluded one adds its contribution to its path's radiance.
#define LQ_WAVEFRONT 1
#define LQ_RAY_QUERY 1
#include "common.glsl"
#include "hit_geometry.glsl"
#include "wavefront.glsl"
#include "ray_query.glsl"

void main() {
    LQWavefront w = WavefrontRef(wp.wavefront).w;
    uint path = queuedPath(w.shadowQueue, WavefrontCountersRef(w.counters).c.shadowLength);
    if (path == LQ_WAVEFRONT_NO_PATH) return;
    countRay(w, path);
    if (visible(Vec4sRef(w.shadowOrigin).items[path].xyz, Vec4sRef(w.shadowDirection).items[path].xyz)) {
        addRadiance(w, path, Vec4sRef(w.shadowContribution).items[path].xyz);
    }
}
