#version 460
// Analytic sphere hit (include/hit_geometry.glsl, shared with the ray-query kernel).
#include "common.glsl"
#include "hit_geometry.glsl"
layout(location = 0) rayPayloadInEXT HitPayload hit;

void main() {
    LQInstance inst = InstancesRef(FrameRef(pc.frame).f.instances).items[gl_InstanceCustomIndexEXT];
    hit = sphereHitGeometry(inst, gl_ObjectRayOriginEXT, gl_ObjectRayDirectionEXT, gl_ObjectToWorldEXT, gl_WorldToObjectEXT, gl_HitTEXT);
}
