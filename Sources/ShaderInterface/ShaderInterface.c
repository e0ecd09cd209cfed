/* Compile-time checks that the C layouts are the scalar layouts GLSL sees. */
#include "ShaderInterface.h"
#include <stddef.h>

_Static_assert(sizeof(LQVertex) == 56, "LQVertex layout");
_Static_assert(sizeof(LQInstance) == 48, "LQInstance layout");
_Static_assert(offsetof(LQInstance, kind) == 16, "LQInstance.kind offset");
_Static_assert(sizeof(LQMaterial) == 40, "LQMaterial layout");
_Static_assert(offsetof(LQMaterial, neuralWeights) == 16, "LQMaterial.neuralWeights offset");
_Static_assert(sizeof(LQAliasEntry) == 12, "LQAliasEntry layout");
_Static_assert(offsetof(LQFrame, cameraPosition) == 72, "LQFrame camera offset");
_Static_assert(sizeof(LQFrame) == 216, "LQFrame layout");
_Static_assert(offsetof(LQFrame, textures) == 200, "LQFrame.textures offset");
_Static_assert(sizeof(LQTexture) == 24, "LQTexture layout");
_Static_assert(sizeof(LQPushConstants) == 16, "LQPushConstants layout");
_Static_assert(sizeof(LQKernelPush) == 56, "LQKernelPush layout");
_Static_assert(sizeof(LQWavefront) == 8 * 20 + 24, "LQWavefront layout");
_Static_assert(sizeof(LQWavefrontCounters) == 64, "LQWavefrontCounters layout");
_Static_assert(offsetof(LQWavefrontCounters, extendGroups) == 16, "LQWavefrontCounters.extendGroups offset");
_Static_assert(offsetof(LQWavefrontCounters, shadowGroups) == 32, "LQWavefrontCounters.shadowGroups offset");
_Static_assert(sizeof(LQWavefrontBin) == 32, "LQWavefrontBin layout");
_Static_assert(offsetof(LQWavefrontBin, groups) == 16, "LQWavefrontBin.groups offset");
_Static_assert(sizeof(LQWavefrontPush) == 32, "LQWavefrontPush layout");
