// Stage-independent declarations: extensions, the ShaderInterface structs,
// buffer references and constants. Included by ray-tracing and compute shaders.
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

