/// One sampled direction: wo, its pdf (solid angle) and weight = f·|cos θo|/pdf.
/// A failed sample has pdf = 0 and weight = 0.
public struct BsdfSample: Sendable, Equatable {
    public var wo: SIMD3<Float>
    public var pdf: Float
    public var weight: SIMD3<Float>
    public init(wo: SIMD3<Float>, pdf: Float, weight: SIMD3<Float>) {
        self.wo = wo; self.pdf = pdf; self.weight = weight
    }
    public static let failed = BsdfSample(wo: SIMD3<Float>(0, 0, 1), pdf: 0, weight: SIMD3<Float>())
}

/// A compiled layered material: the CPU reference BSDF.
///
/// Conventions (DESIGN.md): local shading frame, z = geometric normal,
/// x = tangent. `wi` points towards the viewer, `wo` towards the light; both
/// point away from the surface (they are normalised on entry; a direction with
/// a non-finite component or a length below 1e-30 is no direction and
/// evaluates to 0 / a failed sample). `eval` returns f(wi, wo)·|cos θo| in linear
/// Rec.709 RGB; `pdf` is per unit solid angle of wo; `sample` returns
/// (wo, pdf, weight = f·|cos θo|/pdf). Reflection only: anything with
/// wi.z ≤ 0 or wo.z ≤ 0 evaluates to 0.
///
/// Each lobe is evaluated in its own frame (its tangent-space normal, the
/// geometric tangent projected onto it, rotated by the lobe's rotation) and
/// returns f·cos θo in that frame; directions below the lobe's horizon give 0.
///
/// Operators (A(w) is the RGB directional-albedo estimate of a subtree):
/// - layer(top, base):  f = f_top + f_base ⊙ (1 − A_top(wi)) ⊙ (1 − A_top(wo)) ⊙ T(wi, wo) / (1 − r ⊙ ρ)
///   (albedo scaling, symmetric in wi/wo; each factor clamped to [0, 1]) with the
///   coat absorption T(wi, wo) = tint^(thickness·½(1/μ'i + 1/μ'o)),
///   μ' = √(1 − (1 − μ²)/η²) the refracted cosines in the coat of IOR η
///   (T = 1 without a tint), and the inter-reflection between top and base:
///   r = min(A_top(wi), A_top(wo)), ρ = min(A_base(wi)·T(wi, wi), A_base(wo)·T(wo, wo))
///   (the geometric series of light bounced back down by the top; r ≤ A_top(wo)
///   keeps the layer's albedo ≤ A_top(wi) + (1 − A_top(wi))·A_base(wi) ≤ 1).
///   A_layer(w) = A_top(w) + (1 − A_top(w))² ⊙ ρ(w) / (1 − A_top(w) ⊙ ρ(w)),
///   ρ(w) = A_base(w)·T(w, w).
/// - mix(fg, bg, t) = t·fg + (1 − t)·bg   (t clamped to [0, 1]); A likewise.
/// - add(a, b) = a + b;  multiply(a, c) = c ⊙ a; A likewise.
/// Lobe albedos A come from the Monte-Carlo tables (`AlbedoTables`).
///
/// Sampling: one lobe is chosen with probability proportional to its
/// selection weight mean(m ⊙ A_lobe(wi)), where m is the product of the
/// operator factors above it at wo = wi (layer: (1 − A_top(wi))² ⊙ T(wi, wi) / (1 − A_top(wi) ⊙ ρ(wi)));
/// the lobe draws wo, and pdf is the full mixture Σ p_l pdf_l(wo) so that
/// weight = eval/pdf exactly. Generated GLSL does the same operations in the
/// same order.
public final class Material: Sendable {
    public let name: String
    public let sourcePath: String?
    /// FNV-1a 64 over the canonical source bytes and every referenced texture file.
    public let contentHash: UInt64
    /// Image textures, indexed by the image instructions.
    public let textures: [MaterialTexture]

    let ops: [InputOp]
    /// The procedural instructions' settings (`InputOp.procedural`).
    let procedurals: [Procedural]
    let baseRegisters: [Vec4]
    let varyingOps: [Int32]
    /// The constant registers something reads at a shading point (a varying
    /// operation, a lobe, a node, the emission); nil when they are most of
    /// the registers, then all are copied at once. A layered graph folds to
    /// many constants that only fed other constants, which no evaluation
    /// needs to copy.
    let liveConstantRegisters: [Int32]?
    let lobes: [LobeInstr]
    let nodes: [BsdfOp]
    let needsAlbedoAtWo: [Bool]
    /// Per node: a layer whose top has a trustworthy albedo estimate and so
    /// gets the inter-reflection gain. The gain is energy-safe only if
    /// A_top never falls below the top's true albedo; a thin film's Fresnel
    /// oscillates between the estimate's nodes (up to a few % low at
    /// grazing), so a layer with a filmed top keeps the plain form.
    let interreflects: [Bool]
    let lobeNode: [Int32]
    /// Per layer node whose tint is the same all over the surface: the
    /// tint's log (`logTint`), taken once instead of three times per
    /// evaluation (T at wi, at wo and between them).
    let constantLogTint: [Vec3]
    let hasConstantLogTint: [Bool]
    /// Whether dead subtrees are skipped (`markLiveNodes`): a mix is the only
    /// node that can leave one dead, and `denselyEvaluated()` (for tests)
    /// turns the skipping off.
    let gatesDeadNodes: Bool
    let tables: AlbedoTables
    /// Per lobe whose albedo table has a constant third axis, that table
    /// folded to its nx · ny nodes (from index lobe·nx·ny; ggx and dielectric
    /// tables have the same nodes): a conductor whose η and k do not vary over the surface, its
    /// Fresnel folded in (`AlbedoTable.contracted`) — evaluating it twice per
    /// shading point was a quarter of a flake car paint's bake, and then
    /// summing the nz Fresnel-weighted slices per albedo the largest part of
    /// the rest; a dielectric whose ior does not vary, the table interpolated
    /// at that ior once (`AlbedoTable.sliced`) — a coat's albedo is taken at
    /// wi and at wo at every shading point, and its trilinear lookup was the
    /// largest part of a coated material's albedo time.
    let foldedAlbedo: [Vec3]
    let hasFoldedAlbedo: [Bool]
    /// Per lobe: a conductor whose Fresnel nodes vary over the surface. Its
    /// nodes are computed once per shading point (in `prepare`, into the
    /// scratch registers after the input registers) and reused for the
    /// albedo at wo, which computed them a second time (≈ 4 % of a flake car
    /// paint's bake).
    let cachesConductorFresnel: [Bool]
    /// Scratch registers per shading point: the inputs, then `tables.ggx.nz`
    /// Fresnel nodes for every lobe if any lobe caches them.
    let scratchRegisterCount: Int
    /// Register of the emitted radiance (RGB), −1: the material emits nothing.
    let emissionRegister: Int32
    /// Smallest microfacet α any lobe uses (`Lobe.sanitize`'s 1e-4 unless
    /// `withMinimumAlpha` raised it for a bake).
    public let minimumAlpha: Float

    init(name: String, sourcePath: String?, contentHash: UInt64, textures: [MaterialTexture],
         ops: [InputOp], procedurals: [Procedural], lobes: [LobeInstr], nodes: [BsdfOp], tables: AlbedoTables,
         emission: Int32 = -1, minimumAlpha: Float = 1e-4, dense: Bool = false) {
        self.minimumAlpha = minimumAlpha
        self.name = name
        self.emissionRegister = emission
        self.sourcePath = sourcePath
        self.contentHash = contentHash
        self.textures = textures
        self.ops = ops
        self.procedurals = procedurals
        self.lobes = lobes
        self.nodes = nodes
        self.tables = tables
        // Constant folding: registers that do not depend on uv are computed once.
        var varying = [Bool](repeating: false, count: ops.count)
        var regs = [Vec4](repeating: Vec4(), count: ops.count)
        var list: [Int32] = []
        textures.withUnsafeBufferPointer { tex in
            procedurals.withUnsafeBufferPointer { procs in
                regs.withUnsafeMutableBufferPointer { r in
                    for (i, op) in ops.enumerated() {
                        varying[i] = op.dependsOnUV || op.operands.contains { $0 >= 0 && varying[Int($0)] }
                        if varying[i] { list.append(Int32(i)) }
                        if let base = r.baseAddress { r[i] = InputEval.run(op, .origin, base, tex, procs) }
                    }
                }
            }
        }
        baseRegisters = regs
        varyingOps = list
        liveConstantRegisters = Material.liveConstants(ops: ops, varying: varying, lobes: lobes, nodes: nodes, emission: emission)
        let nz = tables.ggx.nz, nodeCount = tables.ggx.nx * tables.ggx.ny
        var contracted = [Vec3](repeating: Vec3(), count: lobes.count * nodeCount)
        var cached = [Bool](repeating: false, count: lobes.count)
        regs.withUnsafeBufferPointer { r in
            guard let base = r.baseAddress else { return }
            func constant(_ registers: [Int32]) -> Bool { registers.allSatisfy { $0 < 0 || !varying[Int($0)] } }
            for (l, ins) in lobes.enumerated() {
                let table: [Vec3]
                switch ins.kind {
                case .conductor where constant([ins.color, ins.color2]):
                    let p = Material.lobeParameters(ins, base, minimumAlpha: minimumAlpha)
                    let fresnel = (0..<nz).map { Fresnel.conductor(AlbedoTables.fresnelNode($0, nz), p.color, p.color2) }
                    table = tables.ggx.contracted(fresnel)
                case .dielectric where constant([ins.ior]) && tables.dielectric.nx * tables.dielectric.ny == nodeCount:
                    let p = Material.lobeParameters(ins, base, minimumAlpha: minimumAlpha)
                    table = tables.dielectric.sliced(atZ: MicrofacetLobe.dielectricTableZ(p.ior))
                default:
                    continue
                }
                contracted.replaceSubrange((l * nodeCount)..<((l + 1) * nodeCount), with: table)
                cached[l] = true
            }
        }
        foldedAlbedo = contracted
        hasFoldedAlbedo = cached
        let caches = lobes.indices.map { lobes[$0].kind == .conductor && !cached[$0] }
        cachesConductorFresnel = caches
        scratchRegisterCount = max(ops.count + (caches.contains(true) ? lobes.count * nz : 0), 1)
        var filmed = [Bool](repeating: false, count: nodes.count)
        var interreflects = [Bool](repeating: false, count: nodes.count)
        for i in 0..<nodes.count {
            switch nodes[i] {
            case .lobe(let l): filmed[i] = lobes[Int(l)].film >= 0
            case .layer(let top, let base, _, _, _):
                filmed[i] = filmed[Int(top)] || filmed[Int(base)]
                interreflects[i] = !filmed[Int(top)]
            case .mix(let a, let b, _), .add(let a, let b): filmed[i] = filmed[Int(a)] || filmed[Int(b)]
            case .multiply(let a, _): filmed[i] = filmed[Int(a)]
            }
        }
        self.interreflects = interreflects
        // Which nodes need their albedo at wo: a layer's top (its
        // transmission) and an interreflecting layer's base (the gain).
        var needs = [Bool](repeating: false, count: nodes.count)
        var lobeNode = [Int32](repeating: -1, count: lobes.count)
        for i in stride(from: nodes.count - 1, through: 0, by: -1) {
            switch nodes[i] {
            case .lobe(let l): lobeNode[Int(l)] = Int32(i)
            case .layer(let top, let base, _, _, _):
                needs[Int(top)] = true
                needs[Int(base)] = needs[Int(base)] || needs[i] || interreflects[i]
            case .mix(let a, let b, _), .add(let a, let b):
                needs[Int(a)] = needs[Int(a)] || needs[i]
                needs[Int(b)] = needs[Int(b)] || needs[i]
            case .multiply(let a, _):
                needs[Int(a)] = needs[Int(a)] || needs[i]
            }
        }
        needsAlbedoAtWo = needs
        self.lobeNode = lobeNode
        var logTints = [Vec3](repeating: Vec3(), count: nodes.count)
        var constantTint = [Bool](repeating: false, count: nodes.count)
        for (i, node) in nodes.enumerated() {
            if case .layer(_, _, let tint, _, _) = node, tint >= 0, !varying[Int(tint)] {
                logTints[i] = Material.logTint(xyz(regs[Int(tint)]))
                constantTint[i] = true
            }
        }
        constantLogTint = logTints
        hasConstantLogTint = constantTint
        gatesDeadNodes = dense ? false : nodes.contains { if case .mix = $0 { true } else { false } }
    }

    /// The same material with every microfacet α raised to at least `alpha`
    /// (per axis). The baker's angular prefilter: a lobe much narrower than
    /// the decoder can resolve is replaced by a representable one with about
    /// the same energy (docs/BAKING.md "Smooth lobes"). Same name and content
    /// hash: it is a view of the material, not another material.
    public func withMinimumAlpha(_ alpha: Float) -> Material {
        Material(name: name, sourcePath: sourcePath, contentHash: contentHash, textures: textures,
                 ops: ops, procedurals: procedurals, lobes: lobes, nodes: nodes, tables: tables, emission: emissionRegister,
                 minimumAlpha: max(alpha, 1e-4))
    }

    /// The same material evaluating every lobe at every shading point, dead
    /// or not: the definition `markLiveNodes` must reproduce bit for bit.
    func denselyEvaluated() -> Material {
        Material(name: name, sourcePath: sourcePath, contentHash: contentHash, textures: textures, ops: ops,
                 procedurals: procedurals, lobes: lobes, nodes: nodes, tables: tables, emission: emissionRegister, minimumAlpha: minimumAlpha, dense: true)
    }

    /// Number of BSDF lobes (the "layers" of the material).
    public var lobeCount: Int { lobes.count }
    public var lobeKinds: [LobeKind] { lobes.map(\.kind) }
    public var lobeNames: [String] { lobes.map(\.name) }
    /// Number of operator and lobe nodes.
    public var nodeCount: Int { nodes.count }
    /// Number of `layer` operators (how deep the coats stack).
    public var layerCount: Int { nodes.filter { if case .layer = $0 { true } else { false } }.count }
    /// Number of input operations (texture reads, procedurals, maths,
    /// constants) that feed the lobes: with `nodeCount`, the graph's size.
    public var inputOperationCount: Int { ops.count }
    /// Number of input-program instructions (constants, textures, maths).
    public var inputCount: Int { ops.count }
    /// Whether the material is the same at every surface point (no input reads
    /// a texture coordinate or the position): its BRDF filtered over any uv
    /// footprint is the BRDF itself.
    public var isUniform: Bool { varyingOps.isEmpty }
    /// Whether an image or a texcoord value reads the second texture-coordinate
    /// set (glTF TEXCOORD_1). Bakes see set 1 = set 0, so such a twin can differ.
    public var readsSecondUVSet: Bool { ops.contains { $0.readsSecondUVSet } }

    // MARK: scratch

    @inline(__always) func withScratch<R>(_ body: (UnsafeMutablePointer<Vec4>, UnsafeMutablePointer<LobeState>,
                                                    UnsafeMutablePointer<NodeScratch>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Vec4.self, capacity: scratchRegisterCount) { regs in
            withUnsafeTemporaryAllocation(of: LobeState.self, capacity: max(lobes.count, 1)) { ls in
                withUnsafeTemporaryAllocation(of: NodeScratch.self, capacity: max(nodes.count, 1)) { ns in
                    // Capacities are at least 1, so the base addresses exist.
                    body(regs.baseAddress!, ls.baseAddress!, ns.baseAddress!)
                }
            }
        }
    }

    /// Registers read at a shading point that hold constants (see `liveConstantRegisters`).
    static func liveConstants(ops: [InputOp], varying: [Bool], lobes: [LobeInstr], nodes: [BsdfOp], emission: Int32) -> [Int32]? {
        var read = [Bool](repeating: false, count: ops.count)
        func mark(_ r: Int32) { if r >= 0, Int(r) < read.count { read[Int(r)] = true } }
        for (i, op) in ops.enumerated() where varying[i] { op.operands.forEach(mark) }
        for l in lobes { [l.weight, l.color, l.color2, l.alpha, l.rough, l.ior, l.exponent, l.rotation, l.normal, l.film].forEach(mark) }
        for n in nodes {
            switch n {
            case .layer(_, _, let tint, let thickness, _): mark(tint); mark(thickness)
            case .mix(_, _, let w): mark(w)
            case .multiply(_, let c): mark(c)
            case .lobe, .add: break
            }
        }
        mark(emission)
        let live = ops.indices.filter { read[$0] && !varying[$0] }.map { Int32($0) }
        return live.count * 2 < ops.count ? live : nil
    }

    /// The input program at one shading point. Registers that are neither
    /// read nor varying are left uninitialised: nothing reads them.
    @inline(__always) func runInputs(_ point: ShadingPoint, _ regs: UnsafeMutablePointer<Vec4>) {
        baseRegisters.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return }
            if let live = liveConstantRegisters {
                for r in live { (regs + Int(r)).initialize(to: p[Int(r)]) }
            } else {
                regs.initialize(from: p, count: b.count)
            }
        }
        if varyingOps.isEmpty { return }
        textures.withUnsafeBufferPointer { tex in
            procedurals.withUnsafeBufferPointer { procs in
                ops.withUnsafeBufferPointer { o in
                    guard let program = o.baseAddress else { return }
                    for i in varyingOps { regs[Int(i)] = InputEval.run(program + Int(i), point, regs, tex, procs) }
                }
            }
        }
    }

    @inline(__always) static func coatTransmittance(_ tint: Vec3, _ thickness: Float, _ ior: Float,
                                                    _ ci: Float, _ co: Float) -> Vec3 {
        coatTransmittance(logTint: logTint(tint), thickness, ior, ci, co)
    }

    /// log of the tint clamped to [1e-6, 1] (per channel): the absorption
    /// coefficient T = tint^d needs.
    @inline(__always) static func logTint(_ tint: Vec3) -> Vec3 {
        logVec(Vec3(min(max(tint.x, 1e-6), 1), min(max(tint.y, 1e-6), 1), min(max(tint.z, 1e-6), 1)))
    }

    /// `coatTransmittance` with the tint's log already taken.
    @inline(__always) static func coatTransmittance(logTint: Vec3, _ thickness: Float, _ ior: Float,
                                                    _ ci: Float, _ co: Float) -> Vec3 {
        let inv = 1 / (ior * ior)
        let mi = max(1 - (1 - ci * ci) * inv, 1e-6).squareRoot()
        let mo = max(1 - (1 - co * co) * inv, 1e-6).squareRoot()
        let d = thickness * 0.5 * (1 / mi + 1 / mo)
        return expVec(logTint * d)
    }

    /// 1 − r ⊙ ρ for layer node `node`: the geometric series of light
    /// bouncing between the top (internal reflectance r) and the base (albedo
    /// ρ, coat absorption included); 1 where the layer does not interreflect.
    /// Both factors are in [0, 1]; the floor only guards r = ρ = 1, where the
    /// numerator (1 − r)² is 0 anyway.
    @inline(__always) func interreflectionDenominator(_ node: Int, _ r: Vec3, _ rho: Vec3) -> Vec3 {
        interreflects[node] ? simd_maxv(Vec3(1, 1, 1) - r * rho, 1e-6) : Vec3(1, 1, 1)
    }

    /// Layer node `node`'s coat transmittance T(ci, co).
    @inline(__always) func layerT(_ node: Int, _ regs: UnsafeMutablePointer<Vec4>, _ tint: Int32, _ thick: Int32, _ ior: Float,
                                  _ ci: Float, _ co: Float) -> Vec3 {
        if tint < 0 { return Vec3(1, 1, 1) }
        let th = thick >= 0 ? max(regs[Int(thick)].x, 0) : 1
        if hasConstantLogTint[node] { return Material.coatTransmittance(logTint: constantLogTint[node], th, ior, ci, co) }
        return Material.coatTransmittance(xyz(regs[Int(tint)]), th, ior, ci, co)
    }

    /// A lobe's parameters from the registers: sanitised, α raised to the
    /// material's floor.
    @inline(__always) static func lobeParameters(_ ins: LobeInstr, _ regs: UnsafePointer<Vec4>, minimumAlpha: Float) -> LobeParams {
        var p = LobeParams()
        p.kind = ins.kind
        if ins.weight >= 0 { p.weight = regs[Int(ins.weight)].x }
        if ins.color >= 0 { p.color = xyz(regs[Int(ins.color)]) }
        if ins.color2 >= 0 { p.color2 = xyz(regs[Int(ins.color2)]) }
        if ins.alpha >= 0 { let a = regs[Int(ins.alpha)]; p.alpha = Vec2(a.x, a.y) }
        if ins.rough >= 0 { p.rough = regs[Int(ins.rough)].x }
        if ins.ior >= 0 { p.ior = regs[Int(ins.ior)].x }
        if ins.exponent >= 0 { p.exponent = regs[Int(ins.exponent)].x }
        if ins.film >= 0 { p.film = xyz(regs[Int(ins.film)]) }
        p.energyCompensation = ins.energyCompensation
        Lobe.sanitize(&p)
        if minimumAlpha > 1e-4 { p.alpha = Vec2(max(p.alpha.x, minimumAlpha), max(p.alpha.y, minimumAlpha)) }
        return p
    }

    /// Lobe `l`'s Fresnel nodes cached for this shading point (`cachesConductorFresnel`).
    @inline(__always) func pointFresnel(_ regs: UnsafeMutablePointer<Vec4>, _ l: Int) -> UnsafeMutablePointer<Vec3> {
        UnsafeMutableRawPointer(regs + ops.count).assumingMemoryBound(to: Vec3.self) + l * tables.ggx.nz
    }

    /// Lobe `l`'s folded albedo table (`foldedAlbedo`), nil where its inputs vary.
    @inline(__always) func withFoldedAlbedo<R>(_ l: Int, _ body: (UnsafePointer<Vec3>?) -> R) -> R {
        guard hasFoldedAlbedo[l] else { return body(nil) }
        return foldedAlbedo.withUnsafeBufferPointer { body($0.baseAddress! + l * tables.ggx.nx * tables.ggx.ny) }
    }

    /// Inputs, lobe parameters and frames, albedos at wi, selection weights.
    /// Returns the total selection weight.
    @inline(__always) func prepare(_ wi: Vec3, _ regs: UnsafeMutablePointer<Vec4>,
                                   _ ls: UnsafeMutablePointer<LobeState>, _ ns: UnsafeMutablePointer<NodeScratch>,
                                   _ point: ShadingPoint) -> Float {
        runInputs(point, regs)
        return prepareLobes(wi, regs, ls, ns)
    }

    /// `prepare` after the inputs are in `regs`: everything that depends on wi.
    /// Reads the input registers and never writes them, so one run of the
    /// inputs serves any number of directions (`Material.bind(uv:scratch:)`).
    @inline(__always) func prepareLobes(_ wi: Vec3, _ regs: UnsafeMutablePointer<Vec4>,
                                        _ ls: UnsafeMutablePointer<LobeState>, _ ns: UnsafeMutablePointer<NodeScratch>) -> Float {
        markLiveNodes(regs, ns)
        lobes.withUnsafeBufferPointer { lb in
            for l in 0..<lb.count {
                let ins = lb[l]
                var s = LobeState()
                guard !gatesDeadNodes || lobeNode[l] < 0 || ns[Int(lobeNode[l])].live else {
                    s.live = false
                    (ls + l).initialize(to: s)
                    continue
                }
                s.p = Material.lobeParameters(ins, regs, minimumAlpha: minimumAlpha)
                if ins.normal >= 0 || ins.rotation >= 0 {
                    if ins.rotation >= 0 {   // (cos, sin) of 0 are the defaults: no libm calls for a bare normal
                        let angle = regs[Int(ins.rotation)].x * (Float.pi / 180)
                        s.cosRot = cosf(angle)
                        s.sinRot = sinf(angle)
                    }
                    let n = ins.normal >= 0 ? xyz(regs[Int(ins.normal)]) : Vec3(0, 0, 1)
                    s.frame = ShadingFrame.make(normal: n, cosRot: s.cosRot, sinRot: s.sinRot)
                }
                s.wi = s.frame.toLocal(wi)
                if cachesConductorFresnel[l] {
                    let fresnelNodes = pointFresnel(regs, l), nz = tables.ggx.nz
                    for j in 0..<nz { (fresnelNodes + j).initialize(to: Fresnel.conductor(AlbedoTables.fresnelNode(j, nz), s.p.color, s.p.color2)) }
                    s.ei = Lobe.albedo(s.p, s.wi.z, tables, conductorFresnel: fresnelNodes)
                } else {
                    s.ei = withFoldedAlbedo(l) { Lobe.albedo(s.p, s.wi.z, tables, folded: $0) }
                }
                (ls + l).initialize(to: s)
            }
        }
        return nodes.withUnsafeBufferPointer { nd -> Float in
            for i in 0..<nd.count {
                var s = NodeScratch()
                switch nd[i] {
                case .lobe(let l): s.ai = ls[Int(l)].ei
                case .layer(let top, let base, let tint, let thick, let ior):
                    let at = clamp01(ns[Int(top)].ai)
                    let k = (Vec3(1, 1, 1) - at)
                    s.transmittanceI = layerT(i, regs, tint, thick, ior, wi.z, wi.z)
                    s.rhoI = clamp01(ns[Int(base)].ai) * s.transmittanceI
                    s.ai = at + k * k * s.rhoI / interreflectionDenominator(i, at, s.rhoI)
                case .mix(let fg, let bg, let w):
                    let t = clamp01(regs[Int(w)].x)
                    s.ai = ns[Int(fg)].ai * t + ns[Int(bg)].ai * (1 - t)
                case .add(let a, let b): s.ai = ns[Int(a)].ai + ns[Int(b)].ai
                case .multiply(let a, let c): s.ai = ns[Int(a)].ai * simd_maxv(xyz(regs[Int(c)]), 0)
                }
                (ns + i).initialize(to: s)
            }
            ns[nd.count - 1].m = Vec3(1, 1, 1)
            var total: Float = 0
            for i in stride(from: nd.count - 1, through: 0, by: -1) {
                let m = ns[i].m
                switch nd[i] {
                case .lobe(let l):
                    let sel = max(mean3(m * ls[Int(l)].ei), 0)
                    ls[Int(l)].selection = sel
                    total += sel
                case .layer(let top, let base, _, _, _):
                    let at = clamp01(ns[Int(top)].ai)
                    let k = (Vec3(1, 1, 1) - at)
                    ns[Int(top)].m = m
                    ns[Int(base)].m = m * k * k * ns[i].transmittanceI / interreflectionDenominator(i, at, ns[i].rhoI)
                case .mix(let fg, let bg, let w):
                    let t = clamp01(regs[Int(w)].x)
                    ns[Int(fg)].m = m * t
                    ns[Int(bg)].m = m * (1 - t)
                case .add(let a, let b):
                    ns[Int(a)].m = m
                    ns[Int(b)].m = m
                case .multiply(let a, let c):
                    ns[Int(a)].m = m * simd_maxv(xyz(regs[Int(c)]), 0)
                }
            }
            return total
        }
    }

    /// Marks the nodes that reach the result at this shading point (read
    /// only while the lobes are prepared; nothing to do without a mix): a mix
    /// whose weight is exactly 0 (or 1) multiplies its foreground (or
    /// background) by 0, so nothing below it is worth preparing or
    /// evaluating — a flake car paint's flake lobe where no flake is. A dead
    /// lobe reads as 0 (value, albedo, selection weight), which is what the
    /// mix made of it, so results are the same bits (for finite lobe values).
    /// Children have lower indices than their parents; a node used twice is
    /// live if any use is.
    @inline(__always) func markLiveNodes(_ regs: UnsafeMutablePointer<Vec4>, _ ns: UnsafeMutablePointer<NodeScratch>) {
        nodes.withUnsafeBufferPointer { nd in
            guard gatesDeadNodes else { return }
            for i in 0..<nd.count {
                var s = NodeScratch()
                s.live = i == nd.count - 1
                (ns + i).initialize(to: s)
            }
            for i in stride(from: nd.count - 1, through: 0, by: -1) where ns[i].live {
                switch nd[i] {
                case .lobe: break
                case .layer(let top, let base, _, _, _):
                    ns[Int(top)].live = true; ns[Int(base)].live = true
                case .mix(let fg, let bg, let w):
                    let t = clamp01(regs[Int(w)].x)
                    if t != 0 { ns[Int(fg)].live = true }
                    if t != 1 { ns[Int(bg)].live = true }
                case .add(let a, let b):
                    ns[Int(a)].live = true; ns[Int(b)].live = true
                case .multiply(let a, _):
                    ns[Int(a)].live = true
                }
            }
        }
    }

    /// f·cos θo and the mixture pdf at wo, after `prepare`.
    @inline(__always) func evaluatePrepared(_ wi: Vec3, _ wo: Vec3, _ total: Float, _ regs: UnsafeMutablePointer<Vec4>,
                                            _ ls: UnsafeMutablePointer<LobeState>,
                                            _ ns: UnsafeMutablePointer<NodeScratch>) -> (Vec3, Float) {
        if wi.z <= 0 || wo.z <= 0 { return (Vec3(), 0) }
        var pdfSum: Float = 0
        let tables = self.tables
        return nodes.withUnsafeBufferPointer { nd -> (Vec3, Float) in
            needsAlbedoAtWo.withUnsafeBufferPointer { needs in
                for i in 0..<nd.count {
                    switch nd[i] {
                    case .lobe(let l):
                        // Read in place: a copy of the ≈ 200-byte state went through memmove.
                        let s = ls + Int(l)
                        guard s.pointee.live else {
                            ns[i].f = Vec3()
                            if needs[i] { ns[i].ao = Vec3() }
                            continue
                        }
                        let woL = s.pointee.frame.toLocal(wo)
                        ns[i].f = Lobe.eval(s.pointee.p, s.pointee.wi, woL, tables)
                        if s.pointee.selection > 0 { pdfSum += s.pointee.selection * Lobe.pdf(s.pointee.p, s.pointee.wi, woL) }
                        if needs[i] {
                            ns[i].ao = cachesConductorFresnel[Int(l)]
                                ? Lobe.albedo(s.pointee.p, woL.z, tables, conductorFresnel: pointFresnel(regs, Int(l)))
                                : withFoldedAlbedo(Int(l)) { Lobe.albedo(s.pointee.p, woL.z, tables, folded: $0) }
                        }
                    case .layer(let top, let base, let tint, let thick, let ior):
                        let ai = clamp01(ns[Int(top)].ai), ao = clamp01(ns[Int(top)].ao)
                        let ki = Vec3(1, 1, 1) - ai, ko = Vec3(1, 1, 1) - ao
                        // ρ(wo) only where the gain or the albedo at wo reads it.
                        let rhoO = interreflects[i] || needs[i]
                            ? clamp01(ns[Int(base)].ao) * layerT(i, regs, tint, thick, ior, wo.z, wo.z) : Vec3()
                        let gain = interreflectionDenominator(i, pointwiseMin(ai, ao), pointwiseMin(ns[i].rhoI, rhoO))
                        ns[i].f = ns[Int(top)].f + ns[Int(base)].f * ki * ko * layerT(i, regs, tint, thick, ior, wi.z, wo.z) / gain
                        if needs[i] {
                            ns[i].ao = ao + ko * ko * rhoO / interreflectionDenominator(i, ao, rhoO)
                        }
                    case .mix(let fg, let bg, let w):
                        let t = clamp01(regs[Int(w)].x)
                        ns[i].f = ns[Int(fg)].f * t + ns[Int(bg)].f * (1 - t)
                        if needs[i] { ns[i].ao = ns[Int(fg)].ao * t + ns[Int(bg)].ao * (1 - t) }
                    case .add(let a, let b):
                        ns[i].f = ns[Int(a)].f + ns[Int(b)].f
                        if needs[i] { ns[i].ao = ns[Int(a)].ao + ns[Int(b)].ao }
                    case .multiply(let a, let c):
                        let col = simd_maxv(xyz(regs[Int(c)]), 0)
                        ns[i].f = ns[Int(a)].f * col
                        if needs[i] { ns[i].ao = ns[Int(a)].ao * col }
                    }
                }
                return (ns[nd.count - 1].f, total > 0 ? pdfSum / total : 0)
            }
        }
    }

    // MARK: public API

    /// f(wi, wo)·|cos θo| (RGB). With a footprint (uv radius, > 0) the value is
    /// the average over 8 fixed Gaussian-distributed uv offsets of that σ
    /// (the texel-footprint filtered BRDF the baker's coarse levels target).
    /// `uv1` and `position`, here and in the other evaluations: the second
    /// texture-coordinate set (glTF TEXCOORD_1) for images that read it, nil =
    /// the same as `uv`; the shading point's object-space position for solid
    /// textures, nil = the UV plane (u, v, 0), the baker's convention.
    public func eval(wi: SIMD3<Float>, wo: SIMD3<Float>, uv: SIMD2<Float>, uv1: SIMD2<Float>? = nil,
                     position: SIMD3<Float>? = nil, footprint: Float? = nil) -> SIMD3<Float> {
        if let fp = footprint, fp > 0, fp.isFinite {
            var sum = Vec3()
            for o in Material.footprintOffsets {
                sum += evalAndPdf(wi: wi, wo: wo, uv: uv + o * fp, uv1: uv1.map { $0 + o * fp }, position: position).value
            }
            return sum / Float(Material.footprintOffsets.count)
        }
        return evalAndPdf(wi: wi, wo: wo, uv: uv, uv1: uv1, position: position).value
    }

    public func pdf(wi: SIMD3<Float>, wo: SIMD3<Float>, uv: SIMD2<Float>, uv1: SIMD2<Float>? = nil,
                    position: SIMD3<Float>? = nil) -> Float {
        evalAndPdf(wi: wi, wo: wo, uv: uv, uv1: uv1, position: position).pdf
    }

    /// eval and pdf in one pass (cheaper than calling both).
    public func evalAndPdf(wi wiIn: SIMD3<Float>, wo woIn: SIMD3<Float>, uv: SIMD2<Float>,
                           uv1: SIMD2<Float>? = nil, position: SIMD3<Float>? = nil) -> (value: SIMD3<Float>, pdf: Float) {
        guard let wi = enteringDirection(wiIn), let wo = enteringDirection(woIn), wi.z > 0, wo.z > 0 else {
            return (Vec3(), 0)
        }
        return withScratch { regs, ls, ns in
            evalAndPdfPrepared(wi, wo, ShadingPoint(uv: uv, uv1: uv1, position: position), regs, ls, ns)
        }
    }

    /// `evalAndPdf` after the direction checks, in caller-provided scratch.
    @inline(__always) func evalAndPdfPrepared(_ wi: Vec3, _ wo: Vec3, _ point: ShadingPoint, _ regs: UnsafeMutablePointer<Vec4>,
                                              _ ls: UnsafeMutablePointer<LobeState>,
                                              _ ns: UnsafeMutablePointer<NodeScratch>) -> (value: SIMD3<Float>, pdf: Float) {
        let total = prepare(wi, regs, ls, ns, point)
        let r = evaluatePrepared(wi, wo, total, regs, ls, ns)
        return (r.0, r.1)
    }

    /// Random numbers outside [0, 1] (or NaN) are not random numbers: a failed sample.
    @inline(__always) static func isUnitInterval(_ u: Vec3) -> Bool {
        u.x >= 0 && u.x <= 1 && u.y >= 0 && u.y <= 1 && u.z >= 0 && u.z <= 1
    }

    /// Draws wo with u ∈ [0,1)³ (u.z picks the lobe, u.xy the direction).
    /// Invalid input (a non-finite or degenerate wi, wi below the horizon, u
    /// outside [0, 1]) gives `BsdfSample.failed`.
    public func sample(wi wiIn: SIMD3<Float>, uv: SIMD2<Float>, uv1: SIMD2<Float>? = nil, position: SIMD3<Float>? = nil,
                       u: SIMD3<Float>) -> BsdfSample {
        guard let wi = enteringDirection(wiIn), wi.z > 0, Material.isUnitInterval(u) else { return .failed }
        return withScratch { regs, ls, ns in
            let total = prepare(wi, regs, ls, ns, ShadingPoint(uv: uv, uv1: uv1, position: position))
            guard let (wo, f, pdf) = samplePrepared(wi, u, total, regs, ls, ns) else { return .failed }
            return BsdfSample(wo: wo, pdf: pdf, weight: f / pdf)
        }
    }

    /// `sample`, then `evalAndPdf` at the sampled direction, in one pass: the
    /// input graph runs once instead of twice (the baker's importance-sampled
    /// training rows need both). `value` and `pdf` are exactly what
    /// `evalAndPdf(wi:wo:uv:)` returns for the returned `wo`; nil where
    /// `sample` fails.
    public func sampleAndEvaluate(wi wiIn: SIMD3<Float>, uv: SIMD2<Float>, u: SIMD3<Float>)
        -> (wo: SIMD3<Float>, value: SIMD3<Float>, pdf: Float)? {
        guard let wi = enteringDirection(wiIn), wi.z > 0, Material.isUnitInterval(u) else { return nil }
        return withScratch { regs, ls, ns in
            sampleAndEvaluatePrepared(wi, u, ShadingPoint(uv: uv, uv1: nil, position: nil), regs, ls, ns)
        }
    }

    /// `sampleAndEvaluate` after the input checks, in caller-provided scratch.
    @inline(__always) func sampleAndEvaluatePrepared(_ wi: Vec3, _ u: Vec3, _ point: ShadingPoint, _ regs: UnsafeMutablePointer<Vec4>,
                                                     _ ls: UnsafeMutablePointer<LobeState>, _ ns: UnsafeMutablePointer<NodeScratch>)
        -> (wo: SIMD3<Float>, value: SIMD3<Float>, pdf: Float)? {
        let total = prepare(wi, regs, ls, ns, point)
        guard let sampled = samplePrepared(wi, u, total, regs, ls, ns),
              let wo = enteringDirection(sampled.wo), wo.z > 0 else { return nil }
        let (f, pdf) = evaluatePrepared(wi, wo, total, regs, ls, ns)
        return (sampled.wo, f, pdf)
    }

    /// Picks a lobe with u.z and draws wo from it with u.xy, after `prepare`;
    /// returns wo with the mixture's f·cos θo and pdf there (nil: no valid sample).
    @inline(__always) func samplePrepared(_ wi: Vec3, _ u: Vec3, _ total: Float, _ regs: UnsafeMutablePointer<Vec4>,
                                          _ ls: UnsafeMutablePointer<LobeState>,
                                          _ ns: UnsafeMutablePointer<NodeScratch>) -> (wo: Vec3, f: Vec3, pdf: Float)? {
        if !(total > 0) { return nil }
        var x = u.z * total
        var pick = -1
        for l in 0..<lobes.count where ls[l].selection > 0 {
            pick = l
            x -= ls[l].selection
            if x < 0 { break }
        }
        if pick < 0 { return nil }
        let s = ls[pick]
        let woL = Lobe.sample(s.p, s.wi, Vec2(u.x, u.y))
        if !(woL.z > 0) { return nil }
        let wo = s.frame.toWorld(woL)
        if !(wo.z > 0) { return nil }
        let (f, pdf) = evaluatePrepared(wi, wo, total, regs, ls, ns)
        if !(pdf > 0) || !pdf.isFinite { return nil }
        return (wo, f, pdf)
    }

    /// Whether the material emits light (an emission input was given).
    public var isEmissive: Bool { emissionRegister >= 0 }

    /// Whether an input reads the shading position (a solid texture): a
    /// uv-parameterised bake sees it on the UV plane only, position = (u, v, 0).
    public var readsPosition: Bool { ops.contains { if case .position = $0 { true } else { false } } }

    /// Emitted radiance at uv (linear Rec.709 RGB, each channel ≥ 0), the
    /// same in every outgoing direction (a diffuse emitter; the path tracer
    /// adds it where a path hits the surface). `lqM_<suffix>_emission` on the GPU.
    public func emission(uv: SIMD2<Float>, uv1: SIMD2<Float>? = nil, position: SIMD3<Float>? = nil) -> SIMD3<Float> {
        guard emissionRegister >= 0 else { return Vec3() }
        return withScratch { regs, _, _ in
            runInputs(ShadingPoint(uv: uv, uv1: uv1, position: position), regs)
            return simd_maxv(xyz(regs[Int(emissionRegister)]), 0)
        }
    }

    /// The directional-albedo estimate A_root(wi) used by the layering (the
    /// same quantity `layeredAlbedo_<suffix>` returns on the GPU).
    public func albedo(wi wiIn: SIMD3<Float>, uv: SIMD2<Float>, uv1: SIMD2<Float>? = nil,
                       position: SIMD3<Float>? = nil) -> SIMD3<Float> {
        guard let wi = enteringDirection(wiIn), wi.z > 0 else { return Vec3() }
        return withScratch { regs, ls, ns in
            _ = prepare(wi, regs, ls, ns, ShadingPoint(uv: uv, uv1: uv1, position: position))
            return ns[nodes.count - 1].ai
        }
    }

    static let footprintOffsets: [Vec2] = (0..<8).map { k in
        // Box–Muller on a rank-1 lattice: deterministic, no hand-typed numbers.
        let u1 = (Float(k) + 0.5) / 8
        let u2 = (Float(k) * 0.618_034).truncatingRemainder(dividingBy: 1)
        let r = (-2 * logf(1 - u1)).squareRoot()
        return Vec2(r * cosf(2 * Float.pi * u2), r * sinf(2 * Float.pi * u2))
    }
}

#if canImport(Glibc)
import Glibc
#endif
