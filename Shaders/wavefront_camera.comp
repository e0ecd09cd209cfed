#version 460
// Wavefront integrator, stage 1 of a sample: the camera ray of every pixel
// of the band. One workgroup per 8×8 pixel tile, so queue 0 lists paths tile
// by tile and the first extend traces coherent rays; lanes outside the frame
// leave a hole.
#define LQ_WAVEFRONT 1
#define LQ_RAY_QUERY 1
#include "common.glsl"
#include "wavefront.glsl"

void main() {
    LQFrame f = FrameRef(wp.frame).f;
    LQWavefront w = WavefrontRef(wp.wavefront).w;
    uint tile = gl_WorkGroupID.x;
    uint lane = gl_LocalInvocationID.x;
    uvec2 pixel = uvec2((tile % w.tilesX) * 8u + lane % 8u, w.firstRow + (tile / w.tilesX) * 8u + lane / 8u);
    uint slot = gl_GlobalInvocationID.x;
    if (pixel.x >= f.width || pixel.y >= f.height) {
        UintsRef(w.queues[0]).items[slot] = LQ_WAVEFRONT_NO_PATH;
        return;
    }
    uint path = pixel.y * f.width + pixel.x - w.firstPixel;
    storePath(w, path, cameraPath(f, pixel, wp.sampleIndex));
    Vec4sRef(w.radiance).items[path] = vec4(0.0);
    Uvec2sRef(w.rngAndRays).items[path].y = 0u;
    UintsRef(w.queues[0]).items[slot] = path;
}
