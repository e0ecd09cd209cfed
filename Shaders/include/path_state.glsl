// A path between its vertices, for both integrators: the state it carries,
// its camera ray, the light it collects when a ray escapes to the
// environment, and the next-event shadow ray a vertex asks for. Free of
// material code, so the wavefront's camera, extend and shadow kernels stay
// small. Needs common.glsl.
#ifndef LQ_PATH_STATE_GLSL
#define LQ_PATH_STATE_GLSL
#include "random.glsl"
#include "sampling.glsl"
#include "environment.glsl"

/// Offsets a ray origin off the surface along the geometric normal, on the side of `dir`.
vec3 offsetOrigin(vec3 p, vec3 ng, vec3 dir) {
    float scale = 1e-4 * max(1.0, max(abs(p.x), max(abs(p.y), abs(p.z))));
    return p + ng * (dot(dir, ng) >= 0.0 ? scale : -scale);
}

/// What a path carries from one vertex to the next.
struct PathState {
    vec3 origin;          // the next ray
    vec3 direction;
    vec3 throughput;
    float prevBsdfPdf;    // pdf of the BSDF sample that made the ray (0: camera ray)
    float coneWidth;      // ray-cone footprint so far (latent level of detail)
    Rng rng;
};

/// A next-event shadow ray: `contribution` counts if the ray is unoccluded.
struct ShadowRay {
    vec3 origin;
    vec3 direction;
    vec3 contribution;
    bool wanted;
};

/// The environment's contribution to a path whose ray at `depth` escaped
/// along `dir`: direct at the camera, MIS-weighted against next-event
/// estimation after a BSDF sample.
vec3 escapedRadiance(LQFrame f, vec3 dir, uint depth, vec3 throughput, float prevBsdfPdf) {
    bool useNee = (f.flags & LQ_FLAG_BSDF_SAMPLING_ONLY) == 0u;
    bool useBsdfHits = (f.flags & LQ_FLAG_NEE_ONLY) == 0u;
    vec3 le = envRadiance(f, dir);
    if (depth == 0u) return throughput * le;
    if (!useBsdfHits) return vec3(0.0);
    float w = useNee ? powerHeuristic(prevBsdfPdf, envPdf(f, dir)) : 1.0;
    return throughput * le * w;
}

/// The camera ray of `pixel`'s sample `sampleIndex` (jittered, thin lens)
/// and the path's random stream after it.
PathState cameraPath(LQFrame f, uvec2 pixel, uint sampleIndex) {
    PathState p;
    p.rng = rngCreate(pixel, sampleIndex, f.seed);
    vec2 jitter = rngNext2(p.rng);
    vec2 ndc = (vec2(pixel) + jitter) / vec2(f.width, f.height) * 2.0 - 1.0;
    vec3 dir = normalize(f.cameraForward
                         + f.cameraRight * (ndc.x * f.tanHalfFovY * f.aspect)
                         - f.cameraUp * (ndc.y * f.tanHalfFovY));
    vec3 origin = f.cameraPosition;
    vec2 lensU = rngNext2(p.rng);
    if (f.lensRadius > 0.0) {
        vec3 focus = origin + dir * (f.focusDistance / dot(dir, f.cameraForward));
        vec2 lens = concentricDisk(lensU) * f.lensRadius;
        origin += f.cameraRight * lens.x + f.cameraUp * lens.y;
        dir = normalize(focus - origin);
    }
    p.origin = origin;
    p.direction = dir;
    p.throughput = vec3(1.0);
    p.prevBsdfPdf = 0.0;
    p.coneWidth = 0.0;
    return p;
}
#endif
