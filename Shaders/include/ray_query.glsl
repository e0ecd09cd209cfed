// Tracing with ray queries (GL_EXT_ray_query) from compute kernels: the
// megakernel pathtrace.comp and the wavefront kernels. Same hit geometry as
// the ray-tracing pipeline's hit shaders (hit_geometry.glsl), so every way
// of tracing sees the same surfaces. Needs common.glsl, hit_geometry.glsl and
// LQ_FRAME_ADDRESS (the LQFrame address of the kernel's push constants).
//   HitPayload hit;                           closest hit of the last traceClosest
//   uint rays;                                rays traced by this invocation
//   void traceClosest(vec3 origin, vec3 dir); fills `hit` (hit.hit = 0: escaped)
//   bool visible(vec3 origin, vec3 dir);      shadow ray, true if unoccluded

layout(set = 0, binding = LQ_BINDING_TLAS) uniform accelerationStructureEXT tlas;

HitPayload hit;
uint rays = 0u;

/// Object-space sphere test for an AABB candidate, the sphere.rint of the
/// pipeline variant: its tMax is the closest intersection committed so far.
bool sphereCandidate(uint customIndex, vec3 objectOrigin, vec3 objectDirection, float tMin, float tMax, out float t) {
    LQInstance inst = InstancesRef(FrameRef(LQ_FRAME_ADDRESS).f.instances).items[customIndex];
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
    LQInstance inst = InstancesRef(FrameRef(LQ_FRAME_ADDRESS).f.instances).items[rayQueryGetIntersectionInstanceCustomIndexEXT(rq, true)];
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
