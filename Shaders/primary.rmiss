#version 460
// Primary/continuation ray escaped: raygen looks up the environment.
#include "common.glsl"
layout(location = 0) rayPayloadInEXT HitPayload hit;
void main() { hit.hit = 0u; }
