#version 460
// Triangle hit: interpolate vertex attributes and move them to world space
// (include/hit_geometry.glsl, shared with the ray-query kernel).
#include "common.glsl"
#include "hit_geometry.glsl"
layout(location = 0) rayPayloadInEXT HitPayload hit;
hitAttributeEXT vec2 barycentrics;

void main() {
    LQInstance inst = InstancesRef(FrameRef(pc.frame).f.instances).items[gl_InstanceCustomIndexEXT];
    hit = triangleHitGeometry(inst, uint(gl_PrimitiveID), barycentrics, gl_ObjectToWorldEXT, gl_WorldToObjectEXT, gl_HitTEXT);
}
