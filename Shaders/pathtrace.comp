#version 460
// Path tracer, compute variant: rays are traced with ray queries
// (GL_EXT_ray_query) inside the kernel, so traversal state stays in
// registers and compute-stage features (subgroup operations on lavapipe)
// are available to the integrator. Same integrator as pathtrace.rgen
// (include/pathtrace_body.glsl), same hit geometry as the hit shaders
// (include/hit_geometry.glsl): same seed, same image.
#define LQ_RAY_QUERY 1
#include "common.glsl"
#include "hit_geometry.glsl"

// One invocation per pixel; 8×8 pixel tiles keep a workgroup's rays coherent,
// visited in a scattered order (tile_order.glsl) so every CPU thread of
// lavapipe gets a share of the whole frame.
layout(local_size_x = 8, local_size_y = 8) in;

#include "tile_order.glsl"

#include "ray_query.glsl"

#include "pathtrace_body.glsl"

void main() {
    uvec2 tiles = gl_NumWorkGroups.xy;
    uint tile = scatteredTile(gl_WorkGroupID.y * tiles.x + gl_WorkGroupID.x, tiles.x * tiles.y);
    uvec2 pixel = uvec2(tile % tiles.x, tile / tiles.x) * 8u + gl_LocalInvocationID.xy;
    LQFrame f = FrameRef(pc.frame).f;
    if (pixel.x < f.width && pixel.y < f.height) pathTracePixel(pixel);
}
