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
        return evalAndPdfPrepared(wi, wo, ShadingPoint(uv: uv, uv1: nil, position: nil), scratch.registers, scratch.lobes, scratch.nodes)
    }

    /// `sampleAndEvaluate(wi:uv:u:)` in `scratch` (made for this material).
    public func sampleAndEvaluate(wi wiIn: SIMD3<Float>, uv: SIMD2<Float>, u: SIMD3<Float>,
                                  scratch: MaterialScratch) -> (wo: SIMD3<Float>, value: SIMD3<Float>, pdf: Float)? {
        precondition(scratch.material === self, "MaterialScratch used with another material")
        guard let wi = enteringDirection(wiIn), wi.z > 0, Material.isUnitInterval(u) else { return nil }
        return sampleAndEvaluatePrepared(wi, u, ShadingPoint(uv: uv, uv1: nil, position: nil), scratch.registers, scratch.lobes, scratch.nodes)
    }
}
