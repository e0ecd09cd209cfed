// One vertex of a path: what the integrator does where a ray meets a
// surface. Shared by both integrators, so they run the same arithmetic in the
// same order and consume the same random numbers: the megakernel
// (pathtrace_body.glsl) calls it per lane inside its path loop, the
// wavefront integrator's shading kernels (wavefront_shade.comp) call it for
// one material at a time. Visibility of the next-event shadow ray is left to
// the caller (traced at once by the megakernel, queued by the wavefront).
// Needs common.glsl; includes the generated scene_materials.glsl.
// Coherent shading (megakernel option, PAPER.md "Run-time execution"): a waterfall loop
// runs each material's code with only the lanes of the subgroup that hit that
// material active, and with the material record loaded through a
// subgroup-uniform index, so decoder weights are fetched uniformly. Without
// it, lanes shade their own material divergently.
#ifdef LQ_COHERENT_SHADING
#extension GL_KHR_shader_subgroup_ballot : require
#define LQ_COHERENT_BEGIN(key) for (;;) { uint lqLead = subgroupBroadcastFirst(key); if (lqLead == (key)) {
#define LQ_COHERENT_END break; } }
#define LQ_UNIFORM(key) lqLead
#else
#define LQ_COHERENT_BEGIN(key) {
#define LQ_COHERENT_END }
#define LQ_UNIFORM(key) (key)
#endif

#include "path_state.glsl"
#include "microfacet.glsl"
#include "bsdf_sample.glsl"
#include "scene_materials.glsl"  // generated per scene or per shading unit (Rendering/SceneShaderCode)

/// The first-hit AOVs of a vertex (used at depth 0).
struct VertexAOVs {
    vec3 albedo;
    vec3 normal;
};

/// Shades the vertex where `p`'s ray hit `hit` (material `materialIndex`)
/// at `depth`: the surface's own emission (`emitted`, already weighted by the
/// throughput, for the caller to add), next-event estimation of the
/// environment (the shadow ray in `shadow`), BSDF sampling of the continuation
/// and Russian roulette. Returns whether the path goes on (then `p` holds the
/// next ray).
bool pathVertex(LQFrame f, HitPayload hit, uint materialIndex, uint depth, inout PathState p,
                out ShadowRay shadow, out VertexAOVs aovs, out vec3 emitted) {
    bool useNee = (f.flags & LQ_FLAG_BSDF_SAMPLING_ONLY) == 0u;
    bool useBsdfHits = (f.flags & LQ_FLAG_NEE_ONLY) == 0u;
    shadow.wanted = false;
    vec3 dir = p.direction;
    p.coneWidth += f.pixelSpreadAngle * hit.t;

    vec3 ng = hit.geometricNormal;
    vec3 ns = hit.shadingNormal;
    if (dot(ng, dir) > 0.0) { ng = -ng; ns = -ns; } // two-sided surfaces
    if (dot(ns, -dir) <= 0.0) ns = ng;            // shading normal facing away: fall back
    Frame frame = frameFromNormalTangent(ns, hit.tangent);
    vec3 wi = toLocal(frame, -dir);
    ShadeContext shade;
    // Ray-cone footprint in uv units (log2), for the latent level of detail:
    // the minor axis of the footprint ellipse (the cone's width), not its
    // major axis (width / |cos θ|). The latent pyramid filters isotropically,
    // so the major axis blurs along both axes at grazing angles: a bias that
    // no sample count removes (car paint's flakes smeared towards the
    // silhouette, FLIP 0.102 → 0.084, docs/BENCHMARKS.md). Under-filtering
    // along the major axis is only variance: the jittered samples of a pixel
    // integrate it.
    float footprintUV = p.coneWidth * hit.uvDensity;
    float levelU = rngNext(p.rng);
    // The rest of the shading point (textures.glsl), read in the material setup.
    lqShadingPosition = hit.position;
    lqShadingUV1 = hit.uv1;
    LQ_COHERENT_BEGIN(materialIndex)
        sceneBeginShade(shade, MaterialsRef(f.materials).items[LQ_UNIFORM(materialIndex)], hit.uv, wi,
                        log2(max(footprintUV, 1e-12)), levelU);
    LQ_COHERENT_END

    // Emission, counted where a path hits the surface (camera rays and BSDF
    // samples alike) with weight 1: next-event estimation samples only the
    // environment, never emitters, so hitting an emitter is the one strategy
    // that finds its light and there is nothing to weight it against (no MIS).
    // Counted in every strategy mode (NEE-only included) for the same reason.
    LQ_COHERENT_BEGIN(materialIndex)
        shade.m = MaterialsRef(f.materials).items[LQ_UNIFORM(materialIndex)];
        emitted = p.throughput * sceneEmission(shade);
    LQ_COHERENT_END

    aovs.normal = ns;
    aovs.albedo = depth == 0u ? sceneAlbedo(shade, wi) : vec3(0.0);

    // Next-event estimation of the environment.
    if (useNee) {
        vec3 lightDir; float lightPdf;
        vec3 le = envSample(f, rngNext3(p.rng), lightDir, lightPdf);
        if (lightPdf > 0.0 && dot(lightDir, ng) > 0.0 && maxComponent(le) > 0.0) {
            vec3 wo = toLocal(frame, lightDir);
            vec4 fp;   // f·|cos θo| and the BSDF pdf, one evaluation
            LQ_COHERENT_BEGIN(materialIndex)
                shade.m = MaterialsRef(f.materials).items[LQ_UNIFORM(materialIndex)];
                fp = sceneEvalPdf(shade, wi, wo);
            LQ_COHERENT_END
            vec3 fc = fp.xyz;
            if (maxComponent(fc) > 0.0) {
                float w = useBsdfHits ? powerHeuristic(lightPdf, fp.w) : 1.0;
                shadow.wanted = true;
                shadow.origin = offsetOrigin(hit.position, ng, lightDir);
                shadow.direction = lightDir;
                shadow.contribution = p.throughput * fc * le * (w / lightPdf);
            }
        }
    } else {
        rngNext3(p.rng); // keep the random stream aligned across strategies
    }

    // BSDF sampling for the continuation.
    vec3 sampleU = rngNext3(p.rng);
    BsdfSample bs;
    LQ_COHERENT_BEGIN(materialIndex)
        shade.m = MaterialsRef(f.materials).items[LQ_UNIFORM(materialIndex)];
        bs = sceneSample(shade, wi, sampleU);
    LQ_COHERENT_END
    if (bs.pdf <= 0.0) return false;
    vec3 newDir = toWorld(frame, bs.wo);
    if (dot(newDir, ng) <= 0.0) return false; // below the geometric surface
    p.throughput *= bs.weight;
    p.prevBsdfPdf = bs.pdf;

    // Russian roulette.
    if (depth + 1u >= f.rouletteDepth) {
        float q = min(0.95, maxComponent(p.throughput));
        if (rngNext(p.rng) >= q) return false;
        p.throughput /= q;
    }
    if (!(maxComponent(p.throughput) > 0.0) || any(isnan(p.throughput)) || any(isinf(p.throughput))) return false;
    p.origin = offsetOrigin(hit.position, ng, newDir);
    p.direction = newDir;
    return true;
}

