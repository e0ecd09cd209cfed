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

// One invocation per pixel; 8×8 pixel tiles keep a workgroup's rays coherent.
layout(local_size_x = 8, local_size_y = 8) in;

layout(set = 0, binding = LQ_BINDING_TLAS) uniform accelerationStructureEXT tlas;

HitPayload hit;
uint rays = 0u;

/// Object-space sphere test for an AABB candidate, the sphere.rint of the
/// pipeline variant: its tMax is the closest intersection committed so far.
bool sphereCandidate(uint customIndex, vec3 objectOrigin, vec3 objectDirection, float tMin, float tMax, out float t) {
    LQInstance inst = InstancesRef(FrameRef(pc.frame).f.instances).items[customIndex];
    return sphereIntersection(inst, objectOrigin, objectDirection, tMin, tMax, t);
}

// Runs the traversal of `rq` to its end; triangles are opaque and commit
// themselves, sphere candidates are intersected analytically.
#define LQ_TRAVERSE(rq, rayTMax)                                                                         \
    while (rayQueryProceedEXT(rq)) {                                                                     \
        if (rayQueryGetIntersectionTypeEXT(rq, false) == gl_RayQueryCandidateIntersectionAABBEXT) {     \
            float tMax = rayQueryGetIntersectionTypeEXT(rq, true) == gl_RayQueryCommittedIntersectionNoneEXT \
                ? (rayTMax) : rayQueryGetIntersectionTEXT(rq, true);                                     \
            float tHit;                                                                                  \
            if (sphereCandidate(rayQueryGetIntersectionInstanceCustomIndexEXT(rq, false),                \
                                rayQueryGetIntersectionObjectRayOriginEXT(rq, false),                    \
                                rayQueryGetIntersectionObjectRayDirectionEXT(rq, false),                 \
                                rayQueryGetRayTMinEXT(rq), tMax, tHit)) {                                \
                rayQueryGenerateIntersectionEXT(rq, tHit);                                               \
            }                                                                                            \
        }                                                                                                \
    }

void traceClosest(vec3 origin, vec3 dir) {
    rays++;
    rayQueryEXT rq;
    rayQueryInitializeEXT(rq, tlas, gl_RayFlagsOpaqueEXT, 0xFF, origin, 0.0, dir, FLT_BIG);
    LQ_TRAVERSE(rq, FLT_BIG)
    uint type = rayQueryGetIntersectionTypeEXT(rq, true);
    if (type == gl_RayQueryCommittedIntersectionNoneEXT) {
        hit.hit = 0u;
        return;
    }
    LQInstance inst = InstancesRef(FrameRef(pc.frame).f.instances).items[rayQueryGetIntersectionInstanceCustomIndexEXT(rq, true)];
    mat4x3 objectToWorld = rayQueryGetIntersectionObjectToWorldEXT(rq, true);
    mat4x3 worldToObject = rayQueryGetIntersectionWorldToObjectEXT(rq, true);
    float t = rayQueryGetIntersectionTEXT(rq, true);
    if (type == gl_RayQueryCommittedIntersectionTriangleEXT) {
        hit = triangleHitGeometry(inst, uint(rayQueryGetIntersectionPrimitiveIndexEXT(rq, true)),
                                  rayQueryGetIntersectionBarycentricsEXT(rq, true), objectToWorld, worldToObject, t);
    } else {
        hit = sphereHitGeometry(inst, rayQueryGetIntersectionObjectRayOriginEXT(rq, true),
                                rayQueryGetIntersectionObjectRayDirectionEXT(rq, true), objectToWorld, worldToObject, t);
    }
}

bool visible(vec3 origin, vec3 dir) {
    rays++;
    rayQueryEXT rq;
    rayQueryInitializeEXT(rq, tlas, gl_RayFlagsOpaqueEXT | gl_RayFlagsTerminateOnFirstHitEXT, 0xFF, origin, 0.0, dir, FLT_BIG);
    LQ_TRAVERSE(rq, FLT_BIG)
    return rayQueryGetIntersectionTypeEXT(rq, true) == gl_RayQueryCommittedIntersectionNoneEXT;
}

#include "pathtrace_body.glsl"

void main() {
    uvec2 pixel = gl_GlobalInvocationID.xy;
    LQFrame f = FrameRef(pc.frame).f;
    if (pixel.x < f.width && pixel.y < f.height) pathTracePixel(pixel);
}
