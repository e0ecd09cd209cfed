import Foundation

/// GLSL for one material, ready to be inlined by the path tracer.
public struct GeneratedMaterialGLSL: Sendable {
    /// Defines exactly `layeredEval_<s>`, `layeredPdf_<s>`, `layeredSample_<s>`,
    /// `layeredAlbedo_<s>` (plus private `lqM_<s>_*` helpers); needs
    /// Shaders/include/layered_common.glsl and the renderer's `lqTextureFetch`.
    public var source: String
    /// Textures to bind at indices lqTextureBase, lqTextureBase + 1, … (the
    /// code reads them relative to the GLSL global `lqTextureBase`, so it
    /// does not depend on where the material sits in a scene): the
    /// material's image textures, then the four albedo tables (ggx,
    /// dielectric, sheen, fon).
    public var textures: [MaterialTexture]
    /// The material's constant registers, to store at lqParameterBase,
    /// lqParameterBase + 1, … of the parameter buffer (the code reads them
    /// relative to the GLSL global `lqParameterBase`, set from
    /// LQMaterial.parameterBase): the constant-folded values the CPU reference uses.
    public var parameters: [SIMD4<Float>]
    /// FNV-1a 64 (hex) of the code with a fixed function suffix: the graph's
    /// structure (operations, lobes, layering) without its constant values.
    /// Two materials with the same structure hash run the same code on
    /// different parameters, so they can share one compiled shading kernel.
    public var structureHashHex: String
}

/// Generates GLSL that performs the same operations as the CPU reference.
///
/// Contract: `vec3 layeredEval_<s>(vec3 wi, vec3 wo, vec2 uv)` (f·|cos θo|),
/// `float layeredPdf_<s>(vec3 wi, vec3 wo, vec2 uv)`,
/// `BsdfSample layeredSample_<s>(vec3 wi, vec2 uv, vec3 u)` and
/// `vec3 layeredAlbedo_<s>(vec3 wi, vec2 uv)` in the local shading frame, and
/// the emitted radiance `vec3 lqM_<s>_emission(vec2 uv)` /
/// `layeredEmissionContext_<s>(context)` (vec3(0) for a material without emission).
/// Images placed on the second texture-coordinate set read the GLSL global
/// `lqShadingUV1` and solid textures `lqShadingPosition` (textures.glsl; the
/// integrator sets them per hit), so
/// the signatures stay the same and materials without such images generate
/// exactly the text they did before set 1 existed.
/// Registers that do not depend on uv hold the CPU's constant-folded values
/// and are read from the parameter buffer (`lqParameter(lqParameterBase + i)`),
/// not written into the code; procedural textures are generated inline (no baking).
public func generateGLSL(for material: Material, functionSuffix: String) -> GeneratedMaterialGLSL {
    var generated = GLSLGenerator(material: material, suffix: functionSuffix).generate()
    let canonical = functionSuffix == structureSuffix ? generated.source
        : GLSLGenerator(material: material, suffix: structureSuffix).generate().source
    var hash = FNV1a64()
    hash.add(canonical)
    generated.structureHashHex = hash.hex
    return generated
}

/// The function suffix the structure hash is taken with.
private let structureSuffix = "S"

struct GLSLGenerator {
    let m: Material
    let s: String
    let tables: [AlbedoTable]

    init(material: Material, suffix: String) {
        m = material
        s = suffix.filter { $0.isLetter || $0.isNumber || $0 == "_" }
        tables = material.tables.all
    }

    static func f(_ x: Float) -> String {
        if x.isNaN { return "0.0" }
        if x.isInfinite { return x > 0 ? "3.0e38" : "-3.0e38" }
        var t = String(format: "%.9g", Double(x))
        if !t.contains(".") && !t.contains("e") { t += ".0" }
        return t
    }
    static func v4(_ v: SIMD4<Float>) -> String { "vec4(\(f(v.x)), \(f(v.y)), \(f(v.z)), \(f(v.w)))" }
    static func v2(_ v: SIMD2<Float>) -> String { "vec2(\(f(v.x)), \(f(v.y)))" }

    func r(_ i: Int32) -> String { "r[\(i)]" }

    /// `lqPlace(uv, …)`: `uv` (a GLSL expression) under a fixed placement.
    static func placed(_ uv: String, _ t: UVTransform) -> String {
        "lqPlace(\(uv), \(v2(t.scale)), \(v2(t.offset)), \(f(t.cosR)), \(f(t.sinR)))"
    }

    func procCall(_ p: Procedural, uv: String) -> String {
        let place = Self.placed(uv, p.uv)
        return "lqProcedural(\(p.kind.rawValue), \(place), \(p.octaves), \(Self.f(p.lacunarity)), \(Self.f(p.gain)), "
            + "\(Self.f(p.jitter)), \(Self.f(p.stretch)), \(Self.f(p.frequency)), \(Self.f(p.distortion)), \(Self.f(p.tilt)), \(p.seed)u)"
    }

    func expression(_ op: InputOp) -> String {
        switch op {
        case .constant(let v): return Self.v4(v)
        case .image(let t, let place, let isFloat, let set):
            let uv = Self.placed(set == 1 ? "uv1" : "uv", place)
            let fetch = "lqTextureFetch(lqTextureBase + \(t)u, \(uv))"
            return isFloat ? "vec4(\(fetch).x)" : fetch
        case .hexTiledImage(let t, let place, let h, let set):
            let uv = Self.placed(set == 1 ? "uv1" : "uv", place)
            let luma = "vec3(\(Self.f(h.lumaCoefficients.x)), \(Self.f(h.lumaCoefficients.y)), \(Self.f(h.lumaCoefficients.z)))"
            return "lqHexTiled(lqTextureBase + \(t)u, \(uv), \(Self.f(h.rotation)), \(Self.v2(h.rotationRange)), \(Self.f(h.scale)), "
                + "\(Self.v2(h.scaleRange)), \(Self.f(h.offset)), \(Self.v2(h.offsetRange)), \(Self.f(h.falloff)), "
                + "\(Self.f(h.falloffContrast)), \(luma))"
        case .procedural(let i): return procCall(m.procedurals[Int(i)], uv: "uv")
        case .bump(let i, let strength):
            let p = m.procedurals[Int(i)]
            let e = Self.f(InputEval.bumpEpsilon(p))
            return "lqBump_\(s)(\(procCall(p, uv: "uv + vec2(\(e), 0.0)")).x - \(procCall(p, uv: "uv - vec2(\(e), 0.0)")).x, "
                + "\(procCall(p, uv: "uv + vec2(0.0, \(e))")).x - \(procCall(p, uv: "uv - vec2(0.0, \(e))")).x, \(r(strength)).x)"
        case .normalMap(let a, let scale): return "lqNormalMap(\(r(a)), \(r(scale)).x)"
        case .math(let op, let a, let b, let c):
            switch op {
            case .multiply: return "\(r(a)) * \(r(b))"
            case .add: return "\(r(a)) + \(r(b))"
            case .subtract: return "\(r(a)) - \(r(b))"
            case .mix: return "\(r(b)) + (\(r(a)) - \(r(b))) * \(r(c))"
            case .invert: return "\(r(b)) - \(r(a))"
            case .clamp: return "min(max(\(r(a)), \(r(b))), \(r(c)))"
            case .power: return "lqPower(\(r(a)), \(r(b)))"
            case .divide: return "lqDivide(\(r(a)), \(r(b)))"
            case .minimum: return "min(\(r(a)), \(r(b)))"
            case .maximum: return "max(\(r(a)), \(r(b)))"
            case .smoothstep: return "lqSmoothstep(\(r(a)), \(r(b)), \(r(c)))"
            case .sine: return "sin(\(r(a)))"
            case .cosine: return "cos(\(r(a)))"
            case .arcTangent2: return "lqAtan2(\(r(a)), \(r(b)))"
            }
        case .remap(let x, let il, let ih, let ol, let oh):
            return "lqRemap(\(r(x)), \(r(il)), \(r(ih)), \(r(ol)), \(r(oh)))"
        case .roughnessAnisotropy(let a, let b): return "lqRoughnessAnisotropy(\(r(a)).x, \(r(b)).x)"
        case .artisticIOR(let a, let b, let k): return "vec4(lqArtisticIOR(\(r(a)).xyz, \(r(b)).xyz, \(k)), 0.0)"
        case .extract(let a, let ch): return "vec4(\(r(a))[\(min(max(ch, 0), 3))])"
        case .combine(let a, let b, let c, let d):
            let lanes = [a, b, c, d].map { $0 >= 0 ? "\(r($0)).x" : "0.0" }
            return "vec4(\(lanes.joined(separator: ", ")))"
        case .dot(let a, let b, let n):
            let sw = n == 2 ? "xy" : "xyz"
            return "vec4(dot(\(r(a)).\(sw), \(r(b)).\(sw)))"
        case .select(let cmp, let v1, let v2, let in1, let in2):
            let op = cmp == .greater ? ">" : cmp == .greaterOrEqual ? ">=" : "=="
            return "(\(r(v1)).x \(op) \(r(v2)).x ? \(r(in1)) : \(r(in2)))"
        case .color(let t, let a):
            return "vec4(\(t == .hsvToRGB ? "lqHsvToRgb" : "lqRgbToHsv")(\(r(a)).xyz), 0.0)"
        case .texcoord(let set): return set == 1 ? "vec4(uv1, 0.0, 0.0)" : "vec4(uv, 0.0, 0.0)"
        case .position: return "vec4(lqFinite3(lqShadingPosition), 0.0)"
        case .fractalNoise3D(let p, let octaves, let lac, let dim, let channels):
            return "lqFractalNoise3(\(r(p)).xyz, \(octaves), \(r(lac)).x, \(r(dim)).x, \(channels))"
        }
    }

    func layerT(_ tint: Int32, _ thick: Int32, _ ior: Float, _ ci: String, _ co: String) -> String {
        if tint < 0 { return "vec3(1.0)" }
        let th = thick >= 0 ? "max(\(r(thick)).x, 0.0)" : "1.0"
        return "lqCoatTransmittance(\(r(tint)).xyz, \(th), \(Self.f(ior)), \(ci), \(co))"
    }

    /// The inter-reflection division of layer node `node` (empty where the
    /// layer keeps the plain form; `Material.interreflectionDenominator`).
    func gain(_ node: Int, _ r: String, _ rho: String) -> String {
        m.interreflects[node] ? " / lqInterreflection(\(r), \(rho))" : ""
    }

    /// The emission expression over a register array named `regs`.
    func emission(_ regs: String) -> String {
        m.emissionRegister >= 0 ? "max(\(regs)[\(m.emissionRegister)].xyz, vec3(0.0))" : "vec3(0.0)"
    }

    func generate() -> GeneratedMaterialGLSL {
        let nr = max(m.ops.count, 1), nl = max(m.lobes.count, 1), nn = m.nodes.count
        let root = nn - 1
        // No name or content hash here: the text depends on the structure only.
        var src = "// Generated by Lacquer Materials. Do not edit.\n"
        let ti = m.textures.count
        let dims = tables.map { "ivec3(\($0.nx), \($0.ny), \($0.nz))" }
        let tableIndices = (ti..<(ti + 4)).map { "lqTextureBase + \($0)u" }.joined(separator: ", ")
        src += "LqTables lqM_\(s)_tables() { return LqTables(\(tableIndices), \(dims.joined(separator: ", "))); }\n\n"
        src += """
        vec4 lqBump_\(s)(float hx, float hy, float strength) {
            float k = strength / 0.02;
            return vec4(lqNormalize(vec3(-k * hx, -k * hy, 1.0)), 0.0);
        }


        """
        // Setup: registers, lobes, albedo at wi, selection weights.
        let lobeParams = (0..<nl).map { "out LqLobe L\($0)" }.joined(separator: ", ")
        let lobeIns = (0..<nl).map { "LqLobe L\($0)" }.joined(separator: ", ")
        src += "void lqM_\(s)_setup(vec3 wi, vec2 uv, out vec4 r[\(nr)], \(lobeParams), out vec3 ai[\(nn)], out float total) {\n"
        src += "    LqTables T = lqM_\(s)_tables();\n"
        src += "    uv = vec2(isnan(uv.x) || isinf(uv.x) ? 0.0 : uv.x, isnan(uv.y) || isinf(uv.y) ? 0.0 : uv.y);\n"
        if m.readsSecondUVSet {
            // Only materials that read set 1 mention it: every other material's text is unchanged.
            src += "    vec2 uv1 = lqShadingUV1;\n"
            src += "    uv1 = vec2(isnan(uv1.x) || isinf(uv1.x) ? 0.0 : uv1.x, isnan(uv1.y) || isinf(uv1.y) ? 0.0 : uv1.y);\n"
        }
        let varying = Set(m.varyingOps)
        var parameters: [SIMD4<Float>] = []
        for (i, op) in m.ops.enumerated() {
            if varying.contains(Int32(i)) {
                src += "    r[\(i)] = \(expression(op));\n"
            } else {
                src += "    r[\(i)] = lqParameter(lqParameterBase + \(parameters.count)u);\n"
                parameters.append(m.baseRegisters[i])
            }
        }
        if m.ops.isEmpty { src += "    r[0] = vec4(0.0);\n" }
        if m.lobes.isEmpty { src += "    L0 = lqLobeDefault(0u);\n" }
        for (l, ins) in m.lobes.enumerated() {
            src += "    L\(l) = lqLobeDefault(\(ins.kind.rawValue)u);\n"
            if ins.weight >= 0 { src += "    L\(l).weight = \(r(ins.weight)).x;\n" }
            if ins.color >= 0 { src += "    L\(l).color = \(r(ins.color)).xyz;\n" }
            if ins.color2 >= 0 { src += "    L\(l).color2 = \(r(ins.color2)).xyz;\n" }
            if ins.alpha >= 0 { src += "    L\(l).alpha = \(r(ins.alpha)).xy;\n" }
            if ins.rough >= 0 { src += "    L\(l).rough = \(r(ins.rough)).x;\n" }
            if ins.ior >= 0 { src += "    L\(l).ior = \(r(ins.ior)).x;\n" }
            if ins.exponent >= 0 { src += "    L\(l).exponent = \(r(ins.exponent)).x;\n" }
            if ins.film >= 0 { src += "    L\(l).film = \(r(ins.film)).xyz;\n" }
            src += "    L\(l).energyComp = \(ins.energyCompensation);\n"
            src += "    lqSanitize(L\(l));\n"
            if ins.normal >= 0 || ins.rotation >= 0 {
                let angle = ins.rotation >= 0 ? "\(r(ins.rotation)).x * (PI / 180.0)" : "0.0"
                let n = ins.normal >= 0 ? "\(r(ins.normal)).xyz" : "vec3(0.0, 0.0, 1.0)"
                src += "    { float a = \(angle); L\(l).frame = lqMakeFrame(\(n), cos(a), sin(a)); }\n"
            }
            src += "    L\(l).wi = toLocal(L\(l).frame, wi);\n"
            src += "    L\(l).ei = lqLobeAlbedo(L\(l), L\(l).wi.z, T);\n"
        }
        for (i, node) in m.nodes.enumerated() {
            switch node {
            case .lobe(let l): src += "    ai[\(i)] = L\(l).ei;\n"
            case .layer(let top, let base, let tint, let thick, let ior):
                src += "    { vec3 at = clamp(ai[\(top)], vec3(0.0), vec3(1.0)); vec3 k = vec3(1.0) - at;\n"
                src += "      vec3 rho = clamp(ai[\(base)], vec3(0.0), vec3(1.0)) * \(layerT(tint, thick, ior, "wi.z", "wi.z"));\n"
                src += "      ai[\(i)] = at + k * k * rho\(gain(i, "at", "rho")); }\n"
            case .mix(let fg, let bg, let w):
                src += "    { float t = clamp(\(r(w)).x, 0.0, 1.0); ai[\(i)] = ai[\(fg)] * t + ai[\(bg)] * (1.0 - t); }\n"
            case .add(let a, let b): src += "    ai[\(i)] = ai[\(a)] + ai[\(b)];\n"
            case .multiply(let a, let c): src += "    ai[\(i)] = ai[\(a)] * max(\(r(c)).xyz, vec3(0.0));\n"
            }
        }
        src += "    vec3 m[\(nn)];\n    m[\(root)] = vec3(1.0);\n    total = 0.0;\n"
        for i in stride(from: root, through: 0, by: -1) {
            switch m.nodes[i] {
            case .lobe(let l):
                src += "    L\(l).sel = max(lqMean(m[\(i)] * L\(l).ei), 0.0); total += L\(l).sel;\n"
            case .layer(let top, let base, let tint, let thick, let ior):
                src += "    { vec3 at = clamp(ai[\(top)], vec3(0.0), vec3(1.0)); vec3 k = vec3(1.0) - at;\n"
                src += "      vec3 t = \(layerT(tint, thick, ior, "wi.z", "wi.z"));\n"
                src += "      m[\(top)] = m[\(i)]; m[\(base)] = m[\(i)] * k * k * t\(gain(i, "at", "clamp(ai[\(base)], vec3(0.0), vec3(1.0)) * t")); }\n"
            case .mix(let fg, let bg, let w):
                src += "    { float t = clamp(\(r(w)).x, 0.0, 1.0); m[\(fg)] = m[\(i)] * t; m[\(bg)] = m[\(i)] * (1.0 - t); }\n"
            case .add(let a, let b): src += "    m[\(a)] = m[\(i)]; m[\(b)] = m[\(i)];\n"
            case .multiply(let a, let c): src += "    m[\(a)] = m[\(i)] * max(\(r(c)).xyz, vec3(0.0));\n"
            }
        }
        src += "}\n\n"

        // Eval + pdf after setup.
        src += "vec4 lqM_\(s)_evalPdf(vec3 wi, vec3 wo, vec4 r[\(nr)], \(lobeIns), vec3 ai[\(nn)], float total) {\n"
        src += "    if (wi.z <= 0.0 || wo.z <= 0.0) return vec4(0.0);\n"
        src += "    LqTables T = lqM_\(s)_tables();\n    float pdfSum = 0.0;\n    vec3 f[\(nn)];\n    vec3 ao[\(nn)];\n"
        for (i, node) in m.nodes.enumerated() {
            let needs = m.needsAlbedoAtWo[i]
            switch node {
            case .lobe(let l):
                src += "    { vec3 woL = toLocal(L\(l).frame, wo); f[\(i)] = lqLobeEval(L\(l), L\(l).wi, woL, T);\n"
                src += "      if (L\(l).sel > 0.0) pdfSum += L\(l).sel * lqLobePdf(L\(l), L\(l).wi, woL);\n"
                src += needs ? "      ao[\(i)] = lqLobeAlbedo(L\(l), woL.z, T); }\n" : "      ao[\(i)] = vec3(0.0); }\n"
            case .layer(let top, let base, let tint, let thick, let ior):
                src += "    { vec3 ai_ = clamp(ai[\(top)], vec3(0.0), vec3(1.0)); vec3 ao_ = clamp(ao[\(top)], vec3(0.0), vec3(1.0));\n"
                src += "      vec3 ki = vec3(1.0) - ai_; vec3 ko = vec3(1.0) - ao_;\n"
                if m.interreflects[i] {
                    src += "      vec3 rhoI = clamp(ai[\(base)], vec3(0.0), vec3(1.0)) * \(layerT(tint, thick, ior, "wi.z", "wi.z"));\n"
                }
                if m.interreflects[i] || needs {
                    src += "      vec3 rhoO = clamp(ao[\(base)], vec3(0.0), vec3(1.0)) * \(layerT(tint, thick, ior, "wo.z", "wo.z"));\n"
                }
                src += "      f[\(i)] = f[\(top)] + f[\(base)] * ki * ko * \(layerT(tint, thick, ior, "wi.z", "wo.z"))\(gain(i, "min(ai_, ao_)", "min(rhoI, rhoO)"));\n"
                src += needs ? "      ao[\(i)] = ao_ + ko * ko * rhoO\(gain(i, "ao_", "rhoO")); }\n"
                             : "      ao[\(i)] = vec3(0.0); }\n"
            case .mix(let fg, let bg, let w):
                src += "    { float t = clamp(\(r(w)).x, 0.0, 1.0); f[\(i)] = f[\(fg)] * t + f[\(bg)] * (1.0 - t);\n"
                src += "      ao[\(i)] = ao[\(fg)] * t + ao[\(bg)] * (1.0 - t); }\n"
            case .add(let a, let b):
                src += "    f[\(i)] = f[\(a)] + f[\(b)]; ao[\(i)] = ao[\(a)] + ao[\(b)];\n"
            case .multiply(let a, let c):
                src += "    { vec3 col = max(\(r(c)).xyz, vec3(0.0)); f[\(i)] = f[\(a)] * col; ao[\(i)] = ao[\(a)] * col; }\n"
            }
        }
        src += "    return vec4(f[\(root)], total > 0.0 ? pdfSum / total : 0.0);\n}\n\n"


        var pickCode = ""
        for l in 0..<m.lobes.count {
            pickCode += "    if (!done && L\(l).sel > 0.0) { pick = \(l); x -= L\(l).sel; done = x < 0.0; }\n"
        }
        var drawCode = ""
        for l in 0..<m.lobes.count {
            drawCode += "    \(l == 0 ? "" : "else ")if (pick == \(l)) { woL = lqLobeSample(L\(l), L\(l).wi, u.xy); F = L\(l).frame; }\n"
        }
        let lobeFields = (0..<nl).map { "    LqLobe L\($0);\n" }.joined()
        let ctxArgs = "c.r, " + (0..<nl).map { "c.L\($0)" }.joined(separator: ", ") + ", c.ai, c.total"
        let pickCtx = pickCode.replacingOccurrences(of: "L", with: "c.L")
        let drawCtx = drawCode.replacingOccurrences(of: "(L", with: "(c.L").replacingOccurrences(of: " L", with: " c.L")
            .replacingOccurrences(of: "= L", with: "= c.L")
        src += """
        /// Per-hit context: everything that depends on (wi, uv) only. Setting it up
        /// once and reusing it for eval / pdf / sample avoids repeating the
        /// texture and procedural work (and keeps the inlined shader small).
        struct LayeredContext_\(s) {
            vec3 wi;
            bool valid;
            vec4 r[\(nr)];
        \(lobeFields)    vec3 ai[\(nn)];
            float total;
        };

        LayeredContext_\(s) layeredSetup_\(s)(vec3 wiIn, vec2 uv) {
            LayeredContext_\(s) c;
            vec4 e = lqEnteringDirection(wiIn);
            c.valid = e.w > 0.0 && e.z > 0.0;
            c.wi = e.xyz;
            lqM_\(s)_setup(c.wi, uv, \(ctxArgs));
            return c;
        }

        /// (f·|cos θo|, pdf) at wo for a prepared context.
        vec4 layeredEvalPdfContext_\(s)(LayeredContext_\(s) c, vec3 woIn) {
            vec4 e = lqEnteringDirection(woIn);
            if (!c.valid || !(e.w > 0.0) || !(e.z > 0.0)) return vec4(0.0);
            return lqM_\(s)_evalPdf(c.wi, e.xyz, \(ctxArgs));
        }

        BsdfSample layeredSampleContext_\(s)(LayeredContext_\(s) c, vec3 u) {
            BsdfSample smp;
            smp.wo = vec3(0.0, 0.0, 1.0); smp.pdf = 0.0; smp.weight = vec3(0.0);
            if (!c.valid || !(c.total > 0.0) || !lqIsUnitInterval(u)) return smp;
            float x = u.z * c.total;
            int pick = -1;
            bool done = false;
        \(pickCtx)    if (pick < 0) return smp;
            vec3 woL = vec3(0.0, 0.0, 1.0);
            Frame F = lqIdentityFrame();
        \(drawCtx)    if (!(woL.z > 0.0)) return smp;
            vec3 wo = toWorld(F, woL);
            if (!(wo.z > 0.0)) return smp;
            vec4 fp = lqM_\(s)_evalPdf(c.wi, wo, \(ctxArgs));
            if (!(fp.w > 0.0) || isinf(fp.w)) return smp;
            smp.wo = wo;
            smp.pdf = fp.w;
            smp.weight = fp.xyz / fp.w;
            return smp;
        }

        vec3 layeredAlbedoContext_\(s)(LayeredContext_\(s) c) { return c.valid ? c.ai[\(root)] : vec3(0.0); }

        /// Emitted radiance at the context's uv (Material.emission).
        vec3 layeredEmissionContext_\(s)(LayeredContext_\(s) c) { return \(emission("c.r")); }

        vec3 lqM_\(s)_emission(vec2 uv) { return layeredEmissionContext_\(s)(layeredSetup_\(s)(vec3(0.0, 0.0, 1.0), uv)); }

        vec3 layeredEval_\(s)(vec3 wi, vec3 wo, vec2 uv) {
            if (!(wi.z > 0.0) || !(wo.z > 0.0)) return vec3(0.0);
            return layeredEvalPdfContext_\(s)(layeredSetup_\(s)(wi, uv), wo).xyz;
        }

        float layeredPdf_\(s)(vec3 wi, vec3 wo, vec2 uv) {
            if (!(wi.z > 0.0) || !(wo.z > 0.0)) return 0.0;
            return layeredEvalPdfContext_\(s)(layeredSetup_\(s)(wi, uv), wo).w;
        }

        BsdfSample layeredSample_\(s)(vec3 wi, vec2 uv, vec3 u) {
            return layeredSampleContext_\(s)(layeredSetup_\(s)(wi, uv), u);
        }

        vec3 layeredAlbedo_\(s)(vec3 wi, vec2 uv) {
            if (!(wi.z > 0.0)) return vec3(0.0);
            return layeredAlbedoContext_\(s)(layeredSetup_\(s)(wi, uv));
        }


        """
        return GeneratedMaterialGLSL(source: src, textures: m.textures + tables.map(\.materialTexture),
                                     parameters: parameters, structureHashHex: "")
    }
}
