#version 460
// GPU-vs-CPU test harness: runs KERNEL_BODY (a generated include,
// kernel_body.glsl, with the scene's material code) once per row of a batch.
// The body reads `kernelInput(i, k)` floats and writes `kernelOutput(i, k)`.
#include "interface.glsl"
#include "sampling.glsl"
#include "microfacet.glsl"
#include "bsdf_sample.glsl"
#include "scene_materials.glsl"

layout(local_size_x = 64) in;
layout(buffer_reference, scalar) readonly buffer KernelFloatsIn { float v[]; };
layout(buffer_reference, scalar) buffer KernelFloatsOut { float v[]; };
layout(push_constant, scalar) uniform KernelPush { LQKernelPush kp; };

float kernelInput(uint row, uint k) { return KernelFloatsIn(kp.inputRows).v[row * kp.inputStride + k]; }
void kernelOutput(uint row, uint k, float value) { KernelFloatsOut(kp.outputRows).v[row * kp.outputStride + k] = value; }

#include "kernel_body.glsl"

void main() {
    uint row = gl_GlobalInvocationID.x;
    if (row >= kp.count) return;
    lqFrameTextures = kp.textures;
    lqFrameParameters = kp.materialParameters;
    LQMaterial m = MaterialsRef(kp.materials).items[kp.materialIndex];
    kernelMain(row, m);
}
