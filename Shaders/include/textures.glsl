// Texture fetches for generated material code. Rule (identical on the CPU,
// Materials' MaterialTexture.sample): uv (0,0) is the top-left corner of the
// image, row 0 is the top row; texel (i, j) has its centre at
// ((i + 0.5)/w, (j + 0.5)/h); bilinear between the four nearest centres;
// repeat wraps indices modulo the size, clamp clamps them to the edge.
// Needs `lqFrameTextures` and `lqFrameParameters` (the LQFrame.textures and
// LQFrame.materialParameters addresses) set by the caller.

uint64_t lqFrameTextures;
// The first texture of the layered material being shaded (LQMaterial.textureBase):
// generated material code indexes its textures from here, so the code does
// not depend on where the material sits in a scene. Set by the generated
// scene dispatch before it calls a layered material's functions.
uint lqTextureBase = 0u;
// The constant registers of every layered material (LQFrame.materialParameters)
// and the first one of the material being shaded (LQMaterial.parameterBase):
// generated code reads a material's constants (colours, roughness, IOR …)
// from here instead of writing them into its text, so materials that differ
// only in their constants share one code and one compiled kernel.
uint64_t lqFrameParameters;
uint lqParameterBase = 0u;
// The rest of the shading point beside uv, as per-invocation globals so the
// generated material functions keep their (wi, uv) signatures and materials
// that never read them generate the same code: the object-space position for
// solid textures (MaterialX <position>; meshes are in world space, so object
// space is world space) and the second texture-coordinate set (glTF
// TEXCOORD_1). path_vertex.glsl sets both from the hit before a material's
// setup runs; the GPU-vs-CPU kernel tests set them per row (unset: 0).
vec3 lqShadingPosition = vec3(0.0);
vec2 lqShadingUV1 = vec2(0.0);

vec4 lqParameter(uint index) { return Float4sRef(lqFrameParameters).items[index]; }

int lqWrapIndex(int i, int n, uint wrap) {
    if (wrap == LQ_WRAP_CLAMP) return clamp(i, 0, n - 1);
    int m = i % n;
    return m < 0 ? m + n : m;
}

vec4 lqTextureFetch(uint textureIndex, vec2 uv) {
    LQTexture t = TexturesRef(lqFrameTextures).items[textureIndex];
    int w = int(t.width), h = int(t.height);
    float x = uv.x * float(w) - 0.5;
    float y = uv.y * float(h) - 0.5;
    // Keep repeat-mode coordinates small so float precision does not drift.
    if (t.wrap == LQ_WRAP_REPEAT) { x -= float(w) * floor(x / float(w)); y -= float(h) * floor(y / float(h)); }
    float fx = floor(x), fy = floor(y);
    float ax = x - fx, ay = y - fy;
    int x0 = lqWrapIndex(int(fx), w, t.wrap), x1 = lqWrapIndex(int(fx) + 1, w, t.wrap);
    int y0 = lqWrapIndex(int(fy), h, t.wrap), y1 = lqWrapIndex(int(fy) + 1, h, t.wrap);
    Float4sRef px = Float4sRef(t.texels);
    vec4 top = mix(px.items[y0 * w + x0], px.items[y0 * w + x1], ax);
    vec4 bottom = mix(px.items[y1 * w + x0], px.items[y1 * w + x1], ax);
    return mix(top, bottom, ay);
}
