#version 460
// Shadow ray reached the environment unoccluded.
#include "common.glsl"
layout(location = 1) rayPayloadInEXT uint shadowVisible;
void main() { shadowVisible = 1u; }
