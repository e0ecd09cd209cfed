#version 460
// Wavefront integrator, last stage of a sample: each pixel's sample radiance
// (a non-finite sample counts as black, as in the megakernel) and its rays
// join the running sums, in sample order: same seed, same image.
#define LQ_WAVEFRONT 1
#define LQ_RAY_QUERY 1
#include "common.glsl"
#include "wavefront.glsl"

void main() {
    LQFrame f = FrameRef(wp.frame).f;
    LQWavefront w = WavefrontRef(wp.wavefront).w;
    uint path = gl_GlobalInvocationID.x;
    if (path >= w.pathCount) return;
    uint pixel = w.firstPixel + path;
    vec3 radiance = Vec4sRef(w.radiance).items[path].xyz;
    if (any(isnan(radiance)) || any(isinf(radiance))) radiance = vec3(0.0);
    AccumRef accum = AccumRef(f.accumulation);
    accum.items[pixel] = vec4(accum.items[pixel].rgb + radiance, 1.0);
    UintsRef(f.rayCounts).items[pixel] += Uvec2sRef(w.rngAndRays).items[path].y;
}
