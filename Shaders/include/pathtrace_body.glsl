// The path tracer's integrator, shared by the ray-tracing pipeline
// (pathtrace.rgen) and the compute kernel with ray queries (pathtrace.comp):
// camera rays (thin lens), next-event estimation of the environment with
// importance sampling, BSDF sampling, MIS (power heuristic), Russian
// roulette, ray cones carried along the path. Materials are evaluated here.
// The includer declares, before including this file, how rays are traced:
//   HitPayload hit;                       closest hit of the last traceClosest
//   uint rays;                            rays traced by this invocation
//   void traceClosest(vec3 origin, vec3 dir);   fills `hit` (hit.hit = 0: escaped)
//   bool visible(vec3 origin, vec3 dir);        shadow ray, true if unoccluded
// Both kernels run the same arithmetic in the same order, so the same seed
// gives the same image whichever way the rays are traced.
#include "random.glsl"
#include "sampling.glsl"
#include "microfacet.glsl"
#include "analytic_bsdf.glsl"
#include "environment.glsl"
#include "scene_materials.glsl"  // generated per scene (Rendering/SceneShaderCode)

// Coherent shading (option, PAPER.md "Run-time execution"): a waterfall loop
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

/// Offsets a ray origin off the surface along the geometric normal, on the side of `dir`.
vec3 offsetOrigin(vec3 p, vec3 ng, vec3 dir) {
    float scale = 1e-4 * max(1.0, max(abs(p.x), max(abs(p.y), abs(p.z))));
    return p + ng * (dot(dir, ng) >= 0.0 ? scale : -scale);
}

/// Traces every sample of `pixel` and adds them to its running sums.
void pathTracePixel(uvec2 pixel) {
    LQFrame f = FrameRef(pc.frame).f;
    lqFrameTextures = f.textures;
    uint pixelIndex = pixel.y * f.width + pixel.x;
    bool useNee = (f.flags & LQ_FLAG_BSDF_SAMPLING_ONLY) == 0u;
    bool useBsdfHits = (f.flags & LQ_FLAG_NEE_ONLY) == 0u;

    // Continue the running sums sample by sample, so the sequence of float
    // additions (and so the result) does not depend on how samples are
    // batched into dispatches: same seed, same device, same image.
    AccumRef accum = AccumRef(f.accumulation);
    bool wantAlbedo = (f.flags & LQ_FLAG_AOV_ALBEDO) != 0u;
    bool wantNormal = (f.flags & LQ_FLAG_AOV_NORMAL) != 0u;
    bool wantDepth = (f.flags & LQ_FLAG_AOV_DEPTH) != 0u;
    vec3 sumRadiance = accum.items[pixelIndex].rgb;
    vec3 sumAlbedo = wantAlbedo ? AccumRef(f.aovAlbedo).items[pixelIndex].rgb : vec3(0.0);
    vec3 sumNormal = wantNormal ? AccumRef(f.aovNormal).items[pixelIndex].rgb : vec3(0.0);
    float sumDepth = wantDepth ? FloatsRef(f.aovDepth).items[pixelIndex] : 0.0;

    for (uint s = 0u; s < pc.sampleCount; ++s) {
        Rng rng = rngCreate(pixel, pc.firstSample + s, f.seed);
        // Camera ray through a jittered pixel position, thin lens.
        vec2 jitter = rngNext2(rng);
        vec2 ndc = (vec2(pixel) + jitter) / vec2(f.width, f.height) * 2.0 - 1.0;
        vec3 dir = normalize(f.cameraForward
                             + f.cameraRight * (ndc.x * f.tanHalfFovY * f.aspect)
                             - f.cameraUp * (ndc.y * f.tanHalfFovY));
        vec3 origin = f.cameraPosition;
        vec2 lensU = rngNext2(rng);
        if (f.lensRadius > 0.0) {
            vec3 focus = origin + dir * (f.focusDistance / dot(dir, f.cameraForward));
            vec2 lens = concentricDisk(lensU) * f.lensRadius;
            origin += f.cameraRight * lens.x + f.cameraUp * lens.y;
            dir = normalize(focus - origin);
        }

        vec3 radiance = vec3(0.0);
        vec3 throughput = vec3(1.0);
        float prevBsdfPdf = 0.0;      // 0 = the previous vertex was the camera
        float coneWidth = 0.0;        // ray-cone footprint (later: latent LOD)
        float coneSpread = f.pixelSpreadAngle;

        for (uint depth = 0u; depth < f.maxDepth + 1u; ++depth) {
            traceClosest(origin, dir);
            if (hit.hit == 0u) {
                vec3 le = envRadiance(f, dir);
                if (depth == 0u) {
                    radiance += throughput * le;
                } else if (useBsdfHits) {
                    float w = useNee ? powerHeuristic(prevBsdfPdf, envPdf(f, dir)) : 1.0;
                    radiance += throughput * le * w;
                }
                break;
            }
            if (depth == f.maxDepth) break; // no more surface interactions allowed
            coneWidth += coneSpread * hit.t;

            vec3 ng = hit.geometricNormal;
            vec3 ns = hit.shadingNormal;
            if (dot(ng, dir) > 0.0) { ng = -ng; ns = -ns; } // two-sided surfaces
            if (dot(ns, -dir) <= 0.0) ns = ng;            // shading normal facing away: fall back
            Frame frame = frameFromNormalTangent(ns, hit.tangent);
            vec3 wi = toLocal(frame, -dir);
            uint materialIndex = hit.materialIndex;
            ShadeContext shade;
            // Ray-cone footprint in uv units (log2), for the latent level of detail.
            float footprintUV = coneWidth * hit.uvDensity / max(abs(dot(ns, dir)), 0.05);
            float levelU = rngNext(rng);
            LQ_COHERENT_BEGIN(materialIndex)
                sceneBeginShade(shade, MaterialsRef(f.materials).items[LQ_UNIFORM(materialIndex)], hit.uv, wi,
                                log2(max(footprintUV, 1e-12)), levelU);
            LQ_COHERENT_END

            if (depth == 0u) {
                sumAlbedo += sceneAlbedo(shade, wi);
                sumNormal += ns;
                sumDepth += hit.t;
            }

            // Next-event estimation of the environment.
            if (useNee) {
                vec3 lightDir; float lightPdf;
                vec3 le = envSample(f, rngNext3(rng), lightDir, lightPdf);
                if (lightPdf > 0.0 && dot(lightDir, ng) > 0.0 && maxComponent(le) > 0.0) {
                    vec3 wo = toLocal(frame, lightDir);
                    vec4 fp;   // f·|cos θo| and the BSDF pdf, one evaluation
                    LQ_COHERENT_BEGIN(materialIndex)
                        shade.m = MaterialsRef(f.materials).items[LQ_UNIFORM(materialIndex)];
                        fp = sceneEvalPdf(shade, wi, wo);
                    LQ_COHERENT_END
                    vec3 fc = fp.xyz;
                    if (maxComponent(fc) > 0.0 && visible(offsetOrigin(hit.position, ng, lightDir), lightDir)) {
                        float w = useBsdfHits ? powerHeuristic(lightPdf, fp.w) : 1.0;
                        radiance += throughput * fc * le * (w / lightPdf);
                    }
                }
            } else {
                rngNext3(rng); // keep the random stream aligned across strategies
            }

            // BSDF sampling for the continuation.
            vec3 sampleU = rngNext3(rng);
            BsdfSample bs;
            LQ_COHERENT_BEGIN(materialIndex)
                shade.m = MaterialsRef(f.materials).items[LQ_UNIFORM(materialIndex)];
                bs = sceneSample(shade, wi, sampleU);
            LQ_COHERENT_END
            if (bs.pdf <= 0.0) break;
            vec3 newDir = toWorld(frame, bs.wo);
            if (dot(newDir, ng) <= 0.0) break; // below the geometric surface
            throughput *= bs.weight;
            prevBsdfPdf = bs.pdf;

            // Russian roulette.
            if (depth + 1u >= f.rouletteDepth) {
                float q = min(0.95, maxComponent(throughput));
                if (rngNext(rng) >= q) break;
                throughput /= q;
            }
            if (!(maxComponent(throughput) > 0.0) || any(isnan(throughput)) || any(isinf(throughput))) break;
            origin = offsetOrigin(hit.position, ng, newDir);
            dir = newDir;
        }
        if (any(isnan(radiance)) || any(isinf(radiance))) radiance = vec3(0.0);
        sumRadiance += radiance;
    }

    accum.items[pixelIndex] = vec4(sumRadiance, 1.0);
    if (wantAlbedo) AccumRef(f.aovAlbedo).items[pixelIndex] = vec4(sumAlbedo, 0.0);
    if (wantNormal) AccumRef(f.aovNormal).items[pixelIndex] = vec4(sumNormal, 0.0);
    if (wantDepth) FloatsRef(f.aovDepth).items[pixelIndex] = sumDepth;
    UintsRef(f.rayCounts).items[pixelIndex] += rays;
}
