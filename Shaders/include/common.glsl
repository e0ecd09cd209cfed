// Shared declarations for every path-tracer shader: extensions, the
// ShaderInterface structs, buffer references and ray payloads.
#extension GL_EXT_ray_tracing : require
#extension GL_EXT_scalar_block_layout : require
#extension GL_EXT_buffer_reference2 : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_EXT_nonuniform_qualifier : enable

#include "ShaderInterface.h"

const float PI = 3.14159265358979323846;
const float INV_PI = 0.31830988618379067154;
const float FLT_BIG = 3.0e38;

layout(buffer_reference, scalar) readonly buffer FrameRef { LQFrame f; };
layout(buffer_reference, scalar) readonly buffer InstancesRef { LQInstance items[]; };
layout(buffer_reference, scalar) readonly buffer MaterialsRef { LQMaterial items[]; };
layout(buffer_reference, scalar) readonly buffer VerticesRef { LQVertex items[]; };
layout(buffer_reference, scalar) readonly buffer IndicesRef { uint items[]; };
layout(buffer_reference, scalar) readonly buffer Float4sRef { vec4 items[]; };
layout(buffer_reference, scalar) readonly buffer AliasRef { LQAliasEntry items[]; };
layout(buffer_reference, scalar) readonly buffer TexturesRef { LQTexture items[]; };
layout(buffer_reference, scalar) buffer AccumRef { vec4 items[]; };
layout(buffer_reference, scalar) buffer FloatsRef { float items[]; };
layout(buffer_reference, scalar) buffer UintsRef { uint items[]; };

layout(push_constant, scalar) uniform Push { LQPushConstants pc; };

/// What the closest-hit shaders hand back to raygen: world-space geometry
/// only. Materials are evaluated in raygen, so hit shaders stay tiny.
struct HitPayload {
    vec3 position;
    float t;
    vec3 shadingNormal;
    uint materialIndex;
    vec3 geometricNormal;
    uint hit;
    vec4 tangent;       // xyz world tangent, w bitangent sign
    vec2 uv;
};
