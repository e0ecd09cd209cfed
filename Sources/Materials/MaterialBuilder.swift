/// A register of the input program under construction.
public struct InputRef: Sendable, Equatable {
    public let index: Int32
}

/// A BSDF node under construction.
public struct BsdfRef: Sendable, Equatable {
    public let index: Int32
}

/// Builds a compiled `Material`: parsers call it while walking their files,
/// so both formats share one lowering. Constants are de-duplicated.
public struct MaterialBuilder {
    var ops: [InputOp] = []
    var lobes: [LobeInstr] = []
    var nodes: [BsdfOp] = []
    var textures: [MaterialTexture] = []
    /// The procedural instructions' settings (`InputOp.procedural` indexes them).
    var procedurals: [Procedural] = []
    var textureKeys: [String: Int32] = [:]
    var constantCache: [Vec4: Int32] = [:]
    /// The material's emitted radiance (RGB, colour × strength), nil: none.
    public var emission: InputRef?

    public init() {}

    mutating func push(_ op: InputOp) -> InputRef {
        ops.append(op)
        return InputRef(index: Int32(ops.count - 1))
    }

    public mutating func constant(_ v: SIMD4<Float>) -> InputRef {
        if let r = constantCache[v] { return InputRef(index: r) }
        let r = push(.constant(v))
        constantCache[v] = r.index
        return r
    }
    public mutating func constant(_ x: Float) -> InputRef { constant(SIMD4<Float>(repeating: x)) }
    public mutating func constant(_ c: SIMD3<Float>) -> InputRef { constant(SIMD4<Float>(c.x, c.y, c.z, 0)) }

    /// Registers a texture (de-duplicated by key, e.g. path + wrap) and returns its index.
    public mutating func texture(key: String, _ make: () throws -> MaterialTexture) rethrows -> Int32 {
        if let i = textureKeys[key] { return i }
        textures.append(try make())
        let i = Int32(textures.count - 1)
        textureKeys[key] = i
        return i
    }

    public mutating func image(texture: Int32, uv: UVTransform, float: Bool, uvSet: Int32 = 0) -> InputRef {
        push(.image(texture: texture, uv: uv, float: float, uvSet: uvSet))
    }
    public mutating func hexTiledImage(texture: Int32, uv: UVTransform, hex: HexTiling, uvSet: Int32 = 0) -> InputRef {
        push(.hexTiledImage(texture: texture, uv: uv, hex: hex, uvSet: uvSet))
    }
    public mutating func procedural(_ p: Procedural) -> InputRef { push(.procedural(appendProcedural(p))) }
    public mutating func bump(_ p: Procedural, strength: InputRef) -> InputRef {
        push(.bump(appendProcedural(p), strength: strength.index))
    }
    private mutating func appendProcedural(_ p: Procedural) -> Int32 {
        procedurals.append(p)
        return Int32(procedurals.count - 1)
    }
    public mutating func normalMap(_ c: InputRef, scale: InputRef) -> InputRef { push(.normalMap(c.index, scale: scale.index)) }
    public mutating func math(_ op: MathOp, _ a: InputRef, _ b: InputRef? = nil, _ c: InputRef? = nil) -> InputRef {
        push(.math(op, a.index, b?.index ?? -1, c?.index ?? -1))
    }
    public mutating func remap(_ x: InputRef, inLow: InputRef, inHigh: InputRef, outLow: InputRef, outHigh: InputRef) -> InputRef {
        push(.remap(x.index, inLow.index, inHigh.index, outLow.index, outHigh.index))
    }
    public mutating func roughnessAnisotropy(_ r: InputRef, _ a: InputRef) -> InputRef {
        push(.roughnessAnisotropy(r.index, a.index))
    }
    public mutating func artisticIOR(reflectivity: InputRef, edge: InputRef, extinction: Bool) -> InputRef {
        push(.artisticIOR(reflectivity.index, edge.index, k: extinction))
    }
    public mutating func extract(_ a: InputRef, channel: Int) -> InputRef { push(.extract(a.index, channel: Int32(channel))) }
    /// The first lane of each given register as one vector (missing lanes 0).
    public mutating func combine(_ lanes: [InputRef]) -> InputRef {
        let i = lanes.prefix(4).map(\.index) + [Int32](repeating: -1, count: max(0, 4 - lanes.count))
        return push(.combine(i[0], i[1], i[2], i[3]))
    }
    public mutating func dot(_ a: InputRef, _ b: InputRef, channels: Int) -> InputRef {
        push(.dot(a.index, b.index, channels: Int32(channels)))
    }
    public mutating func select(_ comparison: Comparison, _ value1: InputRef, _ value2: InputRef,
                                ifTrue: InputRef, ifFalse: InputRef) -> InputRef {
        push(.select(comparison, value1.index, value2.index, ifTrue.index, ifFalse.index))
    }
    public mutating func color(_ transform: ColorTransform, _ a: InputRef) -> InputRef { push(.color(transform, a.index)) }
    public mutating func texcoord(set: Int32 = 0) -> InputRef { push(.texcoord(set: set)) }
    public mutating func position() -> InputRef { push(.position) }
    /// MaterialX fractal noise of `position` (see `SolidNoise.fractal`); `octaves` is fixed.
    public mutating func fractalNoise3D(position: InputRef, octaves: Int, lacunarity: InputRef, diminish: InputRef,
                                        channels: Int) -> InputRef {
        push(.fractalNoise3D(position: position.index, octaves: Int32(octaves), lacunarity: lacunarity.index,
                             diminish: diminish.index, channels: Int32(channels)))
    }

    /// The value of a register when it does not depend on the texture
    /// coordinate or the position (for inputs that must be fixed per material, such as a
    /// texture's tiling), nil when it varies.
    public func constantValue(of ref: InputRef) -> SIMD4<Float>? {
        let n = Int(ref.index) + 1
        guard ref.index >= 0, n <= ops.count else { return nil }
        var varying = [Bool](repeating: false, count: n)
        var regs = [Vec4](repeating: Vec4(), count: n)
        textures.withUnsafeBufferPointer { tex in
            procedurals.withUnsafeBufferPointer { procs in
                regs.withUnsafeMutableBufferPointer { r in
                    for i in 0..<n {
                        let op = ops[i]
                        varying[i] = op.dependsOnUV || op.operands.contains { $0 >= 0 && varying[Int($0)] }
                        if !varying[i], let base = r.baseAddress { r[i] = InputEval.run(op, .origin, base, tex, procs) }
                    }
                }
            }
        }
        return varying[n - 1] ? nil : regs[n - 1]
    }

    /// A thin film's parameter register (weight, thickness nm, IOR) for `lobe(film:)`.
    public mutating func film(weight: InputRef, thickness: InputRef, ior: InputRef) -> InputRef {
        combine([weight, thickness, ior])
    }

    /// A lobe. Parameters left nil take the lobe's defaults (see `LobeParams`).
    public mutating func lobe(_ kind: LobeKind, name: String = "", weight: InputRef? = nil, color: InputRef? = nil,
                              color2: InputRef? = nil, alpha: InputRef? = nil, rough: InputRef? = nil,
                              ior: InputRef? = nil, exponent: InputRef? = nil, rotation: InputRef? = nil,
                              normal: InputRef? = nil, film: InputRef? = nil, energyCompensation: Bool = true) -> BsdfRef {
        var l = LobeInstr(kind: kind)
        l.name = name
        l.weight = weight?.index ?? -1
        l.color = color?.index ?? -1
        l.color2 = color2?.index ?? -1
        l.alpha = alpha?.index ?? -1
        l.rough = rough?.index ?? -1
        l.ior = ior?.index ?? -1
        l.exponent = exponent?.index ?? -1
        l.rotation = rotation?.index ?? -1
        l.normal = normal?.index ?? -1
        l.film = film?.index ?? -1
        l.energyCompensation = energyCompensation
        lobes.append(l)
        nodes.append(.lobe(Int32(lobes.count - 1)))
        return BsdfRef(index: Int32(nodes.count - 1))
    }

    public mutating func layer(top: BsdfRef, base: BsdfRef, tint: InputRef? = nil, thickness: InputRef? = nil,
                               ior: Float = 1.5) -> BsdfRef {
        nodes.append(.layer(top: top.index, base: base.index, tint: tint?.index ?? -1,
                            thickness: thickness?.index ?? -1, ior: min(max(ior, 1), 3)))
        return BsdfRef(index: Int32(nodes.count - 1))
    }
    public mutating func mix(fg: BsdfRef, bg: BsdfRef, weight: InputRef) -> BsdfRef {
        nodes.append(.mix(fg: fg.index, bg: bg.index, weight: weight.index))
        return BsdfRef(index: Int32(nodes.count - 1))
    }
    public mutating func add(_ a: BsdfRef, _ b: BsdfRef) -> BsdfRef {
        nodes.append(.add(a.index, b.index))
        return BsdfRef(index: Int32(nodes.count - 1))
    }
    public mutating func multiply(_ a: BsdfRef, color: InputRef) -> BsdfRef {
        nodes.append(.multiply(a.index, color: color.index))
        return BsdfRef(index: Int32(nodes.count - 1))
    }

    /// Finishes the material with `root` as its output. Nodes not reachable
    /// from the root are dropped and the rest renumbered children-first.
    public func build(root: BsdfRef, name: String, sourcePath: String? = nil, contentHash: UInt64 = 0,
                      tables: AlbedoTables = .shared) -> Material {
        var order: [Int32] = []
        var newLobes: [LobeInstr] = []
        var newNodes: [BsdfOp] = []
        var remap: [Int32: Int32] = [:]
        func visit(_ n: Int32) -> Int32 {
            if let r = remap[n] { return r }
            let op: BsdfOp
            switch nodes[Int(n)] {
            case .lobe(let l):
                newLobes.append(lobes[Int(l)])
                op = .lobe(Int32(newLobes.count - 1))
            case .layer(let t, let b, let tint, let th, let ior):
                let nt = visit(t), nb = visit(b)
                op = .layer(top: nt, base: nb, tint: tint, thickness: th, ior: ior)
            case .mix(let a, let b, let w):
                let na = visit(a), nb = visit(b)
                op = .mix(fg: na, bg: nb, weight: w)
            case .add(let a, let b):
                let na = visit(a), nb = visit(b)
                op = .add(na, nb)
            case .multiply(let a, let c):
                op = .multiply(visit(a), color: c)
            }
            newNodes.append(op)
            let r = Int32(newNodes.count - 1)
            remap[n] = r
            order.append(n)
            return r
        }
        _ = visit(root.index)
        return Material(name: name, sourcePath: sourcePath, contentHash: contentHash, textures: textures,
                        ops: ops, procedurals: procedurals, lobes: newLobes, nodes: newNodes, tables: tables, emission: emission?.index ?? -1)
    }
}

#if canImport(Glibc)
import Glibc
#endif
