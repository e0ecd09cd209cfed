/*
 * Every GPU-visible struct and binding index of Lacquer, included by Swift
 * (through the ShaderInterface C target) and by GLSL (Shaders/ include it
 * with -I). One definition, so host and device layouts cannot drift.
 *
 * Layout rule: GLSL buffers use `scalar` block layout (GL_EXT_scalar_block_layout),
 * so a C struct of 4-byte scalars and 8-byte addresses with explicit padding
 * has the same offsets on both sides. ShaderInterface.c asserts the sizes.
 */
#ifndef LACQUER_SHADER_INTERFACE_H
#define LACQUER_SHADER_INTERFACE_H

#ifdef GL_core_profile
/* ---- GLSL side ---- */
#define LQ_FLOAT3 vec3
#define LQ_FLOAT2 vec2
#define LQ_FLOAT4 vec4
#define LQ_UINT uint
#define LQ_ADDRESS uint64_t
#define LQ_STRUCT(name) struct name
#define LQ_END_STRUCT(name) ;
#define LQ_CONST const uint
#else
/* ---- C / Swift side ---- */
#include <stdint.h>
typedef struct { float x, y, z; } LQFloat3;
typedef struct { float x, y; } LQFloat2;
typedef struct { float x, y, z, w; } LQFloat4;
#define LQ_FLOAT3 LQFloat3
#define LQ_FLOAT2 LQFloat2
#define LQ_FLOAT4 LQFloat4
#define LQ_UINT uint32_t
#define LQ_ADDRESS uint64_t
#define LQ_STRUCT(name) typedef struct name
#define LQ_END_STRUCT(name) name;
#define LQ_CONST static const uint32_t
#endif

/* Descriptor set 0 bindings: the TLAS and the neural latents' sampled
 * images; everything else is reached through buffer device addresses in
 * LQFrame. */
#define LQ_BINDING_TLAS 0
#define LQ_BINDING_LATENTS 1          /* sampled images: two per neural material */

/* Material kinds (LQMaterial.kind). Every material is one of the two: the
 * scene's built-in types (diffuse, conductor, coated diffuse) are layered graphs. */
/* A layered material graph compiled to GLSL; LQMaterial.codeIndex picks it. */
#define LQ_MATERIAL_LAYERED 0
/* A neural material; LQMaterial.codeIndex picks its decoders. */
#define LQ_MATERIAL_NEURAL 1

/* Texture wrap modes (LQTexture.wrap). */
#define LQ_WRAP_REPEAT 0
#define LQ_WRAP_CLAMP 1

/* Geometry kinds (LQInstance.kind) = hit group index in the SBT. */
#define LQ_GEOMETRY_TRIANGLES 0
#define LQ_GEOMETRY_SPHERE 1

/* Environment kinds (LQFrame.envKind). */
#define LQ_ENV_CONSTANT 0
#define LQ_ENV_MAP 1

/* LQFrame.flags */
#define LQ_FLAG_AOV_ALBEDO 1u
#define LQ_FLAG_AOV_NORMAL 2u
#define LQ_FLAG_AOV_DEPTH 4u
/* Light-transport strategy (debug / unbiasedness tests): default is MIS of both. */
#define LQ_FLAG_BSDF_SAMPLING_ONLY 8u
#define LQ_FLAG_NEE_ONLY 16u

/* Miss shader indices. */
#define LQ_MISS_PRIMARY 0
#define LQ_MISS_SHADOW 1

/* One triangle-mesh vertex (56 bytes). tangent.w = bitangent sign. uv1 is
 * the second texture-coordinate set (glTF TEXCOORD_1; a copy of uv for meshes
 * without one), read by materials whose images ask for set 1. */
LQ_STRUCT(LQVertex) {
    LQ_FLOAT3 position;
    LQ_FLOAT3 normal;
    LQ_FLOAT2 uv;
    LQ_FLOAT4 tangent;
    LQ_FLOAT2 uv1;
} LQ_END_STRUCT(LQVertex)

/* Per-instance record, indexed by gl_InstanceCustomIndexEXT (48 bytes). */
LQ_STRUCT(LQInstance) {
    LQ_ADDRESS vertices;      /* LQVertex[]  (triangles only) */
    LQ_ADDRESS indices;       /* uint[3*n]   (triangles only) */
    LQ_UINT kind;             /* LQ_GEOMETRY_* */
    LQ_UINT materialIndex;
    LQ_FLOAT3 sphereCenter;   /* object space (spheres only) */
    float sphereRadius;
    LQ_UINT pad0;
    LQ_UINT pad1;
} LQ_END_STRUCT(LQInstance)

/* One scene material (40 bytes): the index of its generated code (layered)
 * or decoders (neural), where its data starts, and the neural data. */
LQ_STRUCT(LQMaterial) {
    LQ_UINT kind;             /* LQ_MATERIAL_* */
    LQ_UINT codeIndex;        /* index of the generated code (layered) / decoders (neural) */
    LQ_UINT textureBase;      /* layered: its first texture in LQFrame.textures (its code indexes from there) */
    LQ_UINT parameterBase;    /* layered: its first register in LQFrame.materialParameters (its code reads its constants from there) */
    LQ_ADDRESS neuralWeights; /* neural: float[] in DecoderParameters layout */
    LQ_UINT latentImage;      /* neural: first of two RGBA16F images at binding 1 */
    LQ_UINT latentLevels;     /* neural: mip levels of the latent pyramid */
    LQ_UINT latentWidth;      /* neural: finest level size in texels */
    LQ_UINT latentHeight;
} LQ_END_STRUCT(LQMaterial)

/* A float RGBA texture in a buffer (24 bytes), rows top to bottom. Sampled
 * bilinearly by lqTextureFetch exactly like Materials' CPU textures. */
LQ_STRUCT(LQTexture) {
    LQ_ADDRESS texels;        /* LQFloat4[width*height] */
    LQ_UINT width;
    LQ_UINT height;
    LQ_UINT wrap;             /* LQ_WRAP_* */
    LQ_UINT pad0;
} LQ_END_STRUCT(LQTexture)

/* One entry of the environment map's alias table (12 bytes): pick texel i
 * with probability q; otherwise take `alias`. `pdf` is texel i's own
 * discrete probability, needed to evaluate the solid-angle pdf. */
LQ_STRUCT(LQAliasEntry) {
    float q;
    LQ_UINT alias;
    float pdf;
} LQ_END_STRUCT(LQAliasEntry)

/* Per-frame parameters, read by every shader through an address (216 bytes). */
LQ_STRUCT(LQFrame) {
    LQ_ADDRESS instances;     /* LQInstance[] */
    LQ_ADDRESS materials;     /* LQMaterial[] */
    LQ_ADDRESS envPixels;     /* LQFloat4[width*height], linear radiance, top row first */
    LQ_ADDRESS envAlias;      /* LQAliasEntry[width*height] */
    LQ_ADDRESS accumulation;  /* LQFloat4[w*h]: sum of radiance over samples */
    LQ_ADDRESS aovAlbedo;     /* LQFloat4[w*h] or 0 */
    LQ_ADDRESS aovNormal;     /* LQFloat4[w*h] or 0 */
    LQ_ADDRESS aovDepth;      /* float[w*h] or 0 */
    LQ_ADDRESS rayCounts;     /* uint[w*h]: rays traced per pixel */

    LQ_FLOAT3 cameraPosition; float lensRadius;
    LQ_FLOAT3 cameraRight;    float focusDistance;
    LQ_FLOAT3 cameraUp;       float tanHalfFovY;
    LQ_FLOAT3 cameraForward;  float aspect;

    LQ_FLOAT3 envConstant;    float envIntensity;
    float envRotationCos;     float envRotationSin;
    LQ_UINT envWidth;         LQ_UINT envHeight;
    LQ_UINT envKind;

    LQ_UINT width;
    LQ_UINT height;
    LQ_UINT maxDepth;         /* surface interactions per path */
    LQ_UINT seed;
    LQ_UINT flags;            /* LQ_FLAG_* */
    LQ_UINT rouletteDepth;    /* Russian roulette from this depth on */
    float pixelSpreadAngle;   /* ray-cone spread per sample (radians): a pixel's angle × RenderSettings.coneSpreadScale */
    LQ_ADDRESS textures;      /* LQTexture[] used by generated material code */
    LQ_ADDRESS materialParameters; /* LQFloat4[]: every layered material's constant registers, from its parameterBase */
} LQ_END_STRUCT(LQFrame)

/* Push constants (16 bytes). */
LQ_STRUCT(LQPushConstants) {
    LQ_ADDRESS frame;         /* LQFrame */
    LQ_UINT firstSample;      /* index of the first sample in this dispatch */
    LQ_UINT sampleCount;      /* samples per pixel in this dispatch */
} LQ_END_STRUCT(LQPushConstants)

/* Push constants of the GPU-vs-CPU test kernels (Shaders/kernel_harness.comp, 56 bytes). */
LQ_STRUCT(LQKernelPush) {
    LQ_ADDRESS inputRows;     /* float[count * inputStride] */
    LQ_ADDRESS outputRows;    /* float[count * outputStride] */
    LQ_ADDRESS textures;      /* LQTexture[] */
    LQ_ADDRESS materials;     /* LQMaterial[] */
    LQ_ADDRESS materialParameters; /* LQFloat4[] */
    LQ_UINT count;
    LQ_UINT inputStride;
    LQ_UINT outputStride;
    LQ_UINT materialIndex;
} LQ_END_STRUCT(LQKernelPush)

/* ---- Wavefront integrator (Shaders/wavefront_*.comp) ----
 * One path slot per pixel of a band of rows (the whole frame unless it is
 * very large); path state and hit records are structures of arrays (one
 * array per field, indexed by the path), so a kernel touching a few fields
 * reads only those. Queues hold path indices; LQ_WAVEFRONT_NO_PATH marks a
 * hole (a tile lane outside the frame). */
#define LQ_WAVEFRONT_NO_PATH 0xFFFFFFFFu
#define LQ_WAVEFRONT_GROUP 64u       /* invocations per workgroup of every wavefront kernel */

/* LQWavefrontPush.mode of wavefront_control.comp */
#define LQ_WAVEFRONT_BEGIN_SAMPLE 0u /* queue 0 = every path, counters zeroed */
#define LQ_WAVEFRONT_AFTER_EXTEND 1u /* material bins: prefix sums and dispatch sizes */
#define LQ_WAVEFRONT_AFTER_SHADE 2u  /* next extend and shadow dispatch sizes */

LQ_STRUCT(LQWavefront) {
    LQ_ADDRESS rayOrigin;         /* vec4[n]: xyz next ray origin, w pdf of the BSDF sample that made it (0: camera) */
    LQ_ADDRESS rayDirection;      /* vec4[n]: xyz next ray direction, w ray-cone width so far */
    LQ_ADDRESS throughput;        /* vec4[n]: xyz path throughput */
    LQ_ADDRESS radiance;          /* vec4[n]: xyz radiance of this sample so far */
    LQ_ADDRESS rngAndRays;        /* uvec2[n]: random-stream state, rays traced this sample */
    LQ_ADDRESS hitPosition;       /* vec4[n]: xyz position, w distance t */
    LQ_ADDRESS hitShadingNormal;  /* vec4[n]: xyz, w uv density (ray cones) */
    LQ_ADDRESS hitGeometricNormal;/* vec4[n]: xyz */
    LQ_ADDRESS hitTangent;        /* vec4[n]: xyz tangent, w bitangent sign */
    LQ_ADDRESS hitUV;             /* vec4[n]: xy texture-coordinate set 0, zw set 1 */
    LQ_ADDRESS hitBin;            /* uvec2[n]: material index, slot within its bin */
    LQ_ADDRESS shadowOrigin;      /* vec4[n] */
    LQ_ADDRESS shadowDirection;   /* vec4[n] */
    LQ_ADDRESS shadowContribution;/* vec4[n]: added to radiance if the shadow ray is unoccluded */
    LQ_ADDRESS queues[2];         /* uint[queueCapacity] each: paths to extend, alternating per depth */
    LQ_ADDRESS shadowQueue;       /* uint[n]: paths with a shadow ray */
    LQ_ADDRESS sortedHits;        /* uint[n]: paths that hit a surface, grouped by material */
    LQ_ADDRESS counters;          /* LQWavefrontCounters */
    LQ_ADDRESS bins;              /* LQWavefrontBin[materialCount] */
    LQ_UINT pathCount;            /* paths of this band: its pixels */
    LQ_UINT queueCapacity;        /* the band's 8x8 tiles * 64 */
    LQ_UINT materialCount;
    LQ_UINT tilesX;               /* 8x8 pixel tiles per row */
    LQ_UINT firstRow;             /* the band's first pixel row (a multiple of 8) */
    LQ_UINT firstPixel;           /* firstRow * width: path i is pixel firstPixel + i */
} LQ_END_STRUCT(LQWavefront)

/* Queue lengths and indirect dispatch sizes (64 bytes). */
LQ_STRUCT(LQWavefrontCounters) {
    LQ_UINT queueLength[2];
    LQ_UINT shadowLength;
    LQ_UINT pad0;
    LQ_UINT extendGroups[3];      /* VkDispatchIndirectCommand over queues[depth % 2] */
    LQ_UINT pad1;
    LQ_UINT shadowGroups[3];      /* VkDispatchIndirectCommand over shadowQueue */
    LQ_UINT pad2;
    LQ_UINT pad3[4];
} LQ_END_STRUCT(LQWavefrontCounters)

/* One material's bin of hits (32 bytes): counting sort by material. */
LQ_STRUCT(LQWavefrontBin) {
    LQ_UINT count;                /* hits this depth (slots handed out by extend) */
    LQ_UINT offset;               /* first entry in sortedHits */
    LQ_UINT pad0;
    LQ_UINT pad1;
    LQ_UINT groups[3];            /* VkDispatchIndirectCommand of the material's shading kernel */
    LQ_UINT pad2;
} LQ_END_STRUCT(LQWavefrontBin)

/* Push constants of the wavefront kernels (32 bytes). */
LQ_STRUCT(LQWavefrontPush) {
    LQ_ADDRESS frame;             /* LQFrame */
    LQ_ADDRESS wavefront;         /* LQWavefront */
    LQ_UINT sampleIndex;          /* the sample every path of this wave traces */
    LQ_UINT depth;                /* surface interactions so far */
    LQ_UINT material;             /* shading kernels: the material they shade */
    LQ_UINT mode;                 /* wavefront_control.comp: LQ_WAVEFRONT_* */
} LQ_END_STRUCT(LQWavefrontPush)

#endif
