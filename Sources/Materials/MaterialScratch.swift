/// Working memory for evaluating one material many times on one thread: the
/// input registers, the lobe states and the node scratch that every
/// evaluation otherwise allocates on the stack.
///
/// Why: the stack-allocating entry points pass `self` into three nested
/// closures, which costs three atomic retains and two releases of the
/// `Material` per evaluation — and the baker's two threads evaluate the same
/// material, so those atomics bounced its reference count between the cores.
/// Callers that evaluate many rows (the baker's training rows) make one
/// scratch per chunk and pass it in; results are the same bits.
public final class MaterialScratch: @unchecked Sendable {
    let registers: UnsafeMutablePointer<Vec4>
    let lobes: UnsafeMutablePointer<LobeState>
    let nodes: UnsafeMutablePointer<NodeScratch>
    /// The material this scratch was sized for.
    public let material: Material
    /// Where the input registers hold the inputs (`Material.bind`); nil once
    /// a call that takes its own uv has overwritten them.
    public internal(set) var boundUV: SIMD2<Float>?

    public init(for material: Material) {
        self.material = material
        registers = .allocate(capacity: material.scratchRegisterCount)
        lobes = .allocate(capacity: max(material.lobeCount, 1))
        nodes = .allocate(capacity: max(material.nodeCount, 1))
    }

    deinit {
        registers.deallocate(); lobes.deallocate(); nodes.deallocate()
    }
}

extension Material {
    /// `evalAndPdf(wi:wo:uv:)` in `scratch` (made for this material), without
    /// per-call allocation or reference counting.
    public func evalAndPdf(wi wiIn: SIMD3<Float>, wo woIn: SIMD3<Float>, uv: SIMD2<Float>,
                           scratch: MaterialScratch) -> (value: SIMD3<Float>, pdf: Float) {
        precondition(scratch.material === self, "MaterialScratch used with another material")
        guard let wi = enteringDirection(wiIn), let wo = enteringDirection(woIn), wi.z > 0, wo.z > 0 else {
            return (Vec3(), 0)
        }
        scratch.boundUV = nil
        return evalAndPdfPrepared(wi, wo, ShadingPoint(uv: uv, uv1: nil, position: nil), scratch.registers, scratch.lobes, scratch.nodes)
    }

    /// `sampleAndEvaluate(wi:uv:u:)` in `scratch` (made for this material).
    public func sampleAndEvaluate(wi wiIn: SIMD3<Float>, uv: SIMD2<Float>, u: SIMD3<Float>,
                                  scratch: MaterialScratch) -> (wo: SIMD3<Float>, value: SIMD3<Float>, pdf: Float)? {
        precondition(scratch.material === self, "MaterialScratch used with another material")
        guard let wi = enteringDirection(wiIn), wi.z > 0, Material.isUnitInterval(u) else { return nil }
        scratch.boundUV = nil
        return sampleAndEvaluatePrepared(wi, u, ShadingPoint(uv: uv, uv1: nil, position: nil), scratch.registers, scratch.lobes, scratch.nodes)
    }
}

/// One shading point, many directions: `bind` runs the input graph at uv
/// into the scratch once, and the calls below evaluate directions there
/// without running it again. A smoothed training target evaluates its point
/// five or six times, the encoder's probe features twelve, and for
/// procedural materials the input graph is most of an evaluation. Each call
/// gives the same bits as its counterpart that takes the uv.
extension Material {
    public func bind(uv: SIMD2<Float>, scratch: MaterialScratch) {
        precondition(scratch.material === self, "MaterialScratch used with another material")
        runInputs(ShadingPoint(uv: uv, uv1: nil, position: nil), scratch.registers)
        scratch.boundUV = uv
    }

    /// `evalAndPdf(wi:wo:uv:)` at the bound point.
    public func evalAndPdfAtBoundPoint(wi wiIn: SIMD3<Float>, wo woIn: SIMD3<Float>,
                                       scratch: MaterialScratch) -> (value: SIMD3<Float>, pdf: Float) {
        precondition(scratch.material === self && scratch.boundUV != nil, "MaterialScratch not bound to a point of this material")
        guard let wi = enteringDirection(wiIn), let wo = enteringDirection(woIn), wi.z > 0, wo.z > 0 else {
            return (Vec3(), 0)
        }
        let total = prepareLobes(wi, scratch.registers, scratch.lobes, scratch.nodes)
        let r = evaluatePrepared(wi, wo, total, scratch.registers, scratch.lobes, scratch.nodes)
        return (r.0, r.1)
    }

    /// `sample(wi:uv:u:)` at the bound point.
    public func sampleAtBoundPoint(wi wiIn: SIMD3<Float>, u: SIMD3<Float>, scratch: MaterialScratch) -> BsdfSample {
        precondition(scratch.material === self && scratch.boundUV != nil, "MaterialScratch not bound to a point of this material")
        guard let wi = enteringDirection(wiIn), wi.z > 0, Material.isUnitInterval(u) else { return .failed }
        let total = prepareLobes(wi, scratch.registers, scratch.lobes, scratch.nodes)
        guard let (wo, f, pdf) = samplePrepared(wi, u, total, scratch.registers, scratch.lobes, scratch.nodes) else { return .failed }
        return BsdfSample(wo: wo, pdf: pdf, weight: f / pdf)
    }

    /// `albedo(wi:uv:)` at the bound point.
    public func albedoAtBoundPoint(wi wiIn: SIMD3<Float>, scratch: MaterialScratch) -> SIMD3<Float> {
        precondition(scratch.material === self && scratch.boundUV != nil, "MaterialScratch not bound to a point of this material")
        guard let wi = enteringDirection(wiIn), wi.z > 0 else { return Vec3() }
        _ = prepareLobes(wi, scratch.registers, scratch.lobes, scratch.nodes)
        return scratch.nodes[nodes.count - 1].ai
    }
}
