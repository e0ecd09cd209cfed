import Materials
/// Reading glTF accessors: typed views into buffer views. Every offset is
/// validated (accessor inside its buffer view, view inside its buffer) with
/// overflow-safe arithmetic before a single byte is read, so hostile counts,
/// offsets or strides become errors.
extension GLTFDocument {
    static let componentSizes: [Int: Int] = [5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4]
    static let componentNames: [Int: String] = [5120: "BYTE", 5121: "UNSIGNED_BYTE", 5122: "SHORT",
                                                5123: "UNSIGNED_SHORT", 5125: "UNSIGNED_INT", 5126: "FLOAT"]
    static let typeComponents: [String: Int] = ["SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16]
    /// Accessors without a buffer view are all zeros; cap them so a tiny file cannot demand gigabytes.
    static let maxZeroAccessorCount = 1 << 24

    /// A validated accessor: where its elements are and how to decode them.
    struct AccessorView {
        var node: JSONNode
        var count: Int
        var components: Int
        var componentType: Int
        var normalized: Bool
        /// nil = no buffer view (all zeros).
        var bytes: [UInt8]?
        var start: Int
        var stride: Int
    }

    /// Resolves and bounds-checks accessor `index`. `forIndices` applies the
    /// index-buffer rule that elements are tightly packed.
    mutating func accessor(_ index: Int, referencedBy reference: JSONNode, forIndices: Bool = false) throws -> AccessorView {
        let o = try element("accessors", index, referencedBy: reference)
        let node = o.node
        if o.optional("sparse") != nil {
            throw node.error(.unsupported, "sparse accessors are not supported; re-export the model without sparse data")
        }
        let typeNode = try o.require("type")
        let typeName = try typeNode.string()
        guard let components = Self.typeComponents[typeName] else {
            throw typeNode.error(.malformed, "unknown accessor type \"\(typeName)\"")
        }
        let ctNode = try o.require("componentType")
        let componentType = try ctNode.int()
        guard let componentSize = Self.componentSizes[componentType] else {
            throw ctNode.error(.malformed, "unknown componentType \(componentType)")
        }
        let countNode = try o.require("count")
        let count = try countNode.int(in: 1...Int(Int32.max))
        let normalized = try o.optional("normalized")?.bool() ?? false
        let accessorOffsetNode = o.optional("byteOffset")
        let accessorOffset = try accessorOffsetNode?.int(in: 0...Int(Int32.max)) ?? 0
        let elementSize = components * componentSize

        guard let viewNode = o.optional("bufferView") else {
            try countNode.check(count <= Self.maxZeroAccessorCount, "count \(count) is too large for an accessor without a bufferView")
            return AccessorView(node: node, count: count, components: components, componentType: componentType,
                                normalized: normalized, bytes: nil, start: 0, stride: elementSize)
        }
        let viewIndex = try viewNode.int(in: 0...Int(Int32.max))
        let view = try element("bufferViews", viewIndex, referencedBy: viewNode)
        let bufferNode = try view.require("buffer")
        let viewOffset = try view.optional("byteOffset")?.int(in: 0...Int(Int32.max)) ?? 0
        let viewLengthNode = try view.require("byteLength")
        let viewLength = try viewLengthNode.int(in: 1...Int(Int32.max))
        var stride = elementSize
        if !forIndices, let strideNode = view.optional("byteStride") {
            stride = try strideNode.int(in: 4...252)
            try strideNode.check(stride >= elementSize,
                                 "byteStride \(stride) is smaller than one \(typeName) element (\(elementSize) bytes)")
        }
        let bytes = try buffer(try bufferNode.int(in: 0...Int(Int32.max)), referencedBy: bufferNode)
        // All quantities are < 2³¹, so these Int (64-bit) sums and the one product cannot overflow.
        guard viewOffset + viewLength <= bytes.count else {
            throw view.node.error(.malformed, "byteOffset \(viewOffset) + byteLength \(viewLength) exceeds the buffer's \(bytes.count) bytes")
        }
        let needed = accessorOffset + stride * (count - 1) + elementSize
        guard needed <= viewLength else {
            throw node.error(.malformed, "\(count) elements of \(elementSize) bytes (stride \(stride), offset \(accessorOffset)) need \(needed) bytes but bufferViews[\(viewIndex)] has \(viewLength)")
        }
        return AccessorView(node: node, count: count, components: components, componentType: componentType,
                            normalized: normalized, bytes: bytes, start: viewOffset + accessorOffset, stride: stride)
    }

    /// Float data, flattened (count × components). Integer components are
    /// accepted only when `allowNormalizedIntegers` and `normalized`, and are
    /// mapped to [0, 1] / [−1, 1] as the spec defines.
    mutating func floats(_ index: Int, referencedBy reference: JSONNode, components: Int, allowNormalizedIntegers: Bool = false) throws -> (values: [Float], count: Int) {
        let a = try accessor(index, referencedBy: reference)
        guard a.components == components else {
            throw reference.error(.malformed, "accessor \(index) has \(a.components) components per element, expected \(components)")
        }
        let isFloat = a.componentType == 5126
        let okInteger = allowNormalizedIntegers && a.normalized && [5120, 5121, 5122, 5123].contains(a.componentType)
        guard isFloat || okInteger else {
            let name = Self.componentNames[a.componentType] ?? "?"
            throw reference.error(.unsupported, "accessor \(index) stores \(a.normalized ? "normalized " : "")\(name); expected FLOAT\(allowNormalizedIntegers ? " or normalized UNSIGNED_BYTE/UNSIGNED_SHORT" : "") (quantized meshes are not supported)")
        }
        var out = [Float](repeating: 0, count: a.count * components)
        guard let b = a.bytes else { return (out, a.count) }
        let size = Self.componentSizes[a.componentType] ?? 4
        for e in 0..<a.count {
            let base = a.start + e * a.stride
            for c in 0..<components {
                let o = base + c * size
                let value: Float
                switch a.componentType {
                case 5126: value = Float(bitPattern: GLBContainer.readU32(b, o))
                case 5121: value = Float(b[o]) / 255
                case 5120: value = max(Float(Int8(bitPattern: b[o])) / 127, -1)
                case 5123: value = Float(UInt16(b[o]) | UInt16(b[o + 1]) << 8) / 65535
                default: value = max(Float(Int16(bitPattern: UInt16(b[o]) | UInt16(b[o + 1]) << 8)) / 32767, -1)
                }
                out[e * components + c] = value
            }
        }
        return (out, a.count)
    }

    /// Index data (UNSIGNED_BYTE/SHORT/INT scalars), each checked against `vertexCount`.
    mutating func indices(_ index: Int, referencedBy reference: JSONNode, vertexCount: Int) throws -> [UInt32] {
        let a = try accessor(index, referencedBy: reference, forIndices: true)
        guard a.components == 1, [5121, 5123, 5125].contains(a.componentType) else {
            throw reference.error(.malformed, "index accessor \(index) must be a SCALAR of UNSIGNED_BYTE, UNSIGNED_SHORT or UNSIGNED_INT")
        }
        var out = [UInt32](repeating: 0, count: a.count)
        guard let b = a.bytes else { return out }
        for e in 0..<a.count {
            let o = a.start + e * a.stride
            let v: UInt32
            switch a.componentType {
            case 5121: v = UInt32(b[o])
            case 5123: v = UInt32(b[o]) | UInt32(b[o + 1]) << 8
            default: v = GLBContainer.readU32(b, o)
            }
            guard Int(v) < vertexCount else {
                throw reference.error(.malformed, "index \(v) at position \(e) is out of range (\(vertexCount) vertices)")
            }
            out[e] = v
        }
        return out
    }
}
