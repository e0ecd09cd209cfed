import Foundation

/// MaterialX stdlib nodes beyond the basic arithmetic in `MaterialXParser`:
/// type conversion, channel plumbing, comparisons, trigonometry, colour
/// transforms and texture placement. Each becomes one input-program
/// instruction that the CPU (`InputEval`) and the generated GLSL evaluate
/// the same way (GPU-vs-CPU tests cover every instruction).
///
/// Type rules: registers hold floats splatted over all four lanes, so
/// MaterialX's float broadcasting (`color3 × float`, the `…FA` node
/// signatures) needs no instruction; inputs that MaterialX allows to be a
/// float in a vector node are read as floats (`broadcastType`).
extension MaterialXParser {
    /// The type of an input as written (its `type`, or the `type` of the node
    /// it connects to), nil when neither says.
    func declaredType(_ node: XMLElementNode, _ name: String, scope: XMLElementNode?) throws -> InputType? {
        guard let el = inputElement(node, name) else { return nil }
        if let t = el["type"] { return Self.inputType(t) }
        if let loc = try connectedNode(el, scope: scope, node: node["name"] ?? node.tag) { return Self.inputType(loc.node["type"]) }
        return nil
    }

    /// For inputs with a float variant in MaterialX (in2 of arithmetic, clamp
    /// bounds, remap ranges, …): `.float` when the input is declared float.
    func broadcastType(_ node: XMLElementNode, _ name: String, _ type: InputType) -> InputType {
        guard let t = inputElement(node, name)?["type"] else { return type }
        return t == "float" || t == "integer" ? .float : type
    }

    /// The texture-coordinate set a `<texcoord>` node reads: its `index`, 0
    /// (the mesh's first uv set) or 1 (the second: glTF TEXCOORD_1; a mesh
    /// without one reads set 0 there).
    func texcoordSet(_ node: XMLElementNode) throws -> Int32 {
        try checkInputs(node, ["index"])
        guard let text = inputElement(node, "index")?["value"] else { return 0 }
        guard let i = Int32(text.trimmingCharacters(in: .whitespaces)), i == 0 || i == 1 else {
            throw err(.unsupported, node, "index", "texture-coordinate set '\(text)' is not supported; meshes carry sets 0 and 1")
        }
        return i
    }

    /// Refuses set 1 on `node`'s texcoord input (the procedural noises are
    /// evaluated over the first set only).
    func requireFirstSet(_ set: Int32, of node: XMLElementNode) throws {
        if set != 0 {
            throw err(.unsupported, node, "texcoord", "<\(node.tag)> reads texture-coordinate set 0 only; set 1 is for images and <texcoord> values")
        }
    }

    /// The constant value of input `name` (nil when absent), refused with
    /// "must not vary over the surface (`why`)" when it depends on the shading
    /// point: placements, hex tiling and the like are part of the generated code.
    mutating func fixedInput(_ node: XMLElementNode, _ name: String, _ type: InputType, scope: XMLElementNode?,
                             why: String) throws -> SIMD4<Float>? {
        guard let r = try value(node, name, type, scope: scope) else { return nil }
        guard let v = builder.constantValue(of: r) else {
            throw err(.unsupported, node, name, "must not vary over the surface (\(why))")
        }
        return v
    }

    /// A constant `place2d` of the default texture coordinate as an affine
    /// placement. MaterialX (operationorder 0, "SRT"):
    /// uv' = rot2d((uv − pivot) / scale, rotate) − offset + pivot, where
    /// rot2d turns clockwise by `rotate` degrees — so `UVTransform` gets
    /// scale 1/s, rotation −rotate and offset pivot − offset − R(pivot / s).
    /// Also returns the texture-coordinate set of the `<texcoord>` it places.
    mutating func place2d(_ node: XMLElementNode, scope: XMLElementNode?) throws -> (UVTransform, uvSet: Int32) {
        try checkInputs(node, ["texcoord", "pivot", "scale", "rotate", "offset", "operationorder"])
        var set: Int32 = 0
        if let tc = inputElement(node, "texcoord"), let loc = try connectedNode(tc, scope: scope, node: node["name"] ?? "") {
            guard loc.node.tag == "texcoord" else {
                throw err(.unsupported, node, "texcoord", "place2d must transform a <texcoord> node, not <\(loc.node.tag)>")
            }
            set = try texcoordSet(loc.node)
        }
        return (try placement(node, scope: scope, pivotDefault: SIMD4(0, 0, 0, 0)), set)
    }

    /// The placement inputs (pivot, scale, rotate, offset, operationorder) of
    /// a place2d node — or of a glTF texture node, which carries them itself
    /// with its pivot at (0, 1) — as a fixed UV transform.
    mutating func placement(_ node: XMLElementNode, scope: XMLElementNode?, pivotDefault: SIMD4<Float>) throws -> UVTransform {
        if let order = inputElement(node, "operationorder")?["value"], Int(order) != 0 {
            throw err(.unsupported, node, "operationorder", "only operationorder 0 (scale, rotate, translate) is supported")
        }
        func fixed(_ name: String, _ type: InputType, _ def: SIMD4<Float>) throws -> SIMD4<Float> {
            try fixedInput(node, name, type, scope: scope, why: "texture placement is fixed per material") ?? def
        }
        let pivot = try fixed("pivot", .vector2, pivotDefault)
        let scale = try fixed("scale", broadcastType(node, "scale", .vector2), SIMD4(1, 1, 1, 1))
        let rotate = try fixed("rotate", .float, SIMD4(repeating: 0)).x
        let offset = try fixed("offset", .vector2, SIMD4(0, 0, 0, 0))
        guard scale.x != 0, scale.y != 0 else { throw err(.outOfRange, node, "scale", "scale must not be 0") }
        var t = UVTransform(scale: SIMD2(1 / scale.x, 1 / scale.y), offset: .zero, rotationDegrees: -rotate)
        let p = SIMD2(pivot.x, pivot.y)
        let rotatedPivot = t.apply(p, t.cosR, t.sinR)
        t.offset = p - SIMD2(offset.x, offset.y) - rotatedPivot
        return t
    }

    /// Nodes handled here, or nil for the caller to report as unsupported.
    mutating func stdlibNode(_ node: XMLElementNode, scope: XMLElementNode?, output: String?) throws -> (InputRef, InputType)? {
        let typeName = node["type"] ?? ""
        func typed() throws -> InputType {
            guard let t = Self.inputType(typeName) else { throw err(.wrongType, node, nil, "<\(node.tag)> of type '\(typeName)' is not supported") }
            return t
        }
        func req(_ n: String, _ t: InputType) throws -> InputRef {
            guard let r = try value(node, n, t, scope: scope) else { throw err(.missingInput, node, n, "required input is missing") }
            return r
        }
        func opt(_ n: String, _ t: InputType, _ d: SIMD4<Float>) throws -> InputRef {
            try value(node, n, t, scope: scope) ?? builder.constant(d)
        }
        func inType(_ n: String) throws -> InputType {
            guard let t = try declaredType(node, n, scope: scope) else {
                throw err(.wrongType, node, n, "the input's type is unknown or unsupported; give it a float, vector2, vector3 or color3 type")
            }
            return t
        }
        let zero = SIMD4<Float>(repeating: 0)
        switch node.tag {
        case "texcoord":
            return (builder.texcoord(set: try texcoordSet(node)), .vector2)
        case "convert":
            try checkInputs(node, ["in"])
            let to = try typed(), from = try inType("in")
            let a = try req("in", from)
            switch (from, to) {
            case (.float, .float), (.color3, .color3), (.vector3, .vector3), (.vector2, .vector2), (.color3, .vector3), (.vector3, .color3):
                return (a, to)
            case (.float, .vector2):
                return (builder.combine([a, a]), to)
            case (.float, _):
                return (builder.combine([a, a, a]), to)
            case (.vector2, _):
                return (builder.combine([a, builder.extract(a, channel: 1)]), to)
            case (_, .vector2):
                return (builder.combine([a, builder.extract(a, channel: 1)]), to)
            default:
                throw err(.wrongType, node, "in", "cannot convert \(from.rawValue) to \(to.rawValue)")
            }
        case "combine2", "combine3":
            let n = node.tag == "combine2" ? 2 : 3
            let names = (1...n).map { "in\($0)" }
            try checkInputs(node, names)
            let t = try typed()
            guard (n == 2 && t == .vector2) || (n == 3 && (t == .color3 || t == .vector3)) else {
                throw err(.wrongType, node, nil, "<\(node.tag)> of type '\(typeName)' is not supported")
            }
            return (builder.combine(try names.map { try opt($0, .float, zero) }), t)
        case "separate2", "separate3":
            try checkInputs(node, ["in"])
            let from = try inType("in")
            let lanes: [String]
            switch (node.tag, from) {
            case ("separate2", .vector2): lanes = ["outx", "outy"]
            case ("separate3", .color3): lanes = ["outr", "outg", "outb"]
            case ("separate3", .vector3): lanes = ["outx", "outy", "outz"]
            default: throw err(.wrongType, node, "in", "<\(node.tag)> cannot split a \(from.rawValue)")
            }
            guard let out = output, let i = lanes.firstIndex(of: out) else {
                throw err(.unknownKey, node, output, "<\(node.tag)> of a \(from.rawValue) has outputs \(lanes.joined(separator: ", "))")
            }
            return (builder.extract(try req("in", from), channel: i), .float)
        case "combine4", "separate4":
            throw err(.unsupported, node, nil, "<\(node.tag)> needs color4 / vector4 values, which Lacquer's input programs do not carry")
        case "sin", "cos":
            try checkInputs(node, ["in"])
            let t = try typed()
            return (builder.math(node.tag == "sin" ? .sine : .cosine, try req("in", t)), t)
        case "atan2":
            // MaterialX: atan2(in1, in2) = the angle of (in2, in1); defaults in1 = 0, in2 = 1.
            try checkInputs(node, ["in1", "in2"])
            let t = try typed()
            return (builder.math(.arcTangent2, try opt("in1", t, zero), try opt("in2", broadcastType(node, "in2", t), SIMD4(repeating: 1))), t)
        case "smoothstep":
            try checkInputs(node, ["in", "low", "high"])
            let t = try typed()
            return (builder.math(.smoothstep, try req("in", t), try opt("low", broadcastType(node, "low", t), zero),
                                 try opt("high", broadcastType(node, "high", t), SIMD4(repeating: 1))), t)
        case "dotproduct":
            try checkInputs(node, ["in1", "in2"])
            let t = try inType("in1")
            guard t != .float else { throw err(.wrongType, node, "in1", "dotproduct needs vector inputs") }
            return (builder.dot(try req("in1", t), try opt("in2", t, zero), channels: t == .vector2 ? 2 : 3), .float)
        case "ifgreater", "ifgreatereq", "ifequal":
            try checkInputs(node, ["value1", "value2", "in1", "in2"])
            let t = try typed()
            let cmp: Comparison = node.tag == "ifgreater" ? .greater : node.tag == "ifgreatereq" ? .greaterOrEqual : .equal
            if let vt = try declaredType(node, "value1", scope: scope), vt != .float {
                throw err(.wrongType, node, "value1", "only float comparisons are supported")
            }
            let v1 = try opt("value1", .float, SIMD4(repeating: node.tag == "ifequal" ? 0 : 1))
            let v2 = try opt("value2", .float, zero)
            return (builder.select(cmp, v1, v2, ifTrue: try opt("in1", t, zero), ifFalse: try opt("in2", t, zero)), t)
        case "luminance":
            try checkInputs(node, ["in", "lumacoeffs"])
            guard try typed() == .color3 else { throw err(.wrongType, node, nil, "luminance of a '\(typeName)' is not supported; use color3") }
            let coeffs = try opt("lumacoeffs", .color3, SIMD4(0.2722287, 0.6740818, 0.0536895, 0))
            let l = builder.dot(try req("in", .color3), coeffs, channels: 3)
            return (builder.combine([l, l, l]), .color3)
        case "hsvtorgb", "rgbtohsv":
            try checkInputs(node, ["in"])
            guard try typed() == .color3 else { throw err(.wrongType, node, nil, "<\(node.tag)> of a '\(typeName)' is not supported; use color3") }
            return (builder.color(node.tag == "hsvtorgb" ? .hsvToRGB : .rgbToHSV, try req("in", .color3)), .color3)
        case "position":
            try checkPositionNode(node)
            return (builder.position(), .vector3)
        case "normal", "tangent", "bitangent", "geomcolor", "geompropvalue":
            throw err(.unsupported, node, nil,
                      "<\(node.tag)> is not available: Lacquer's material inputs depend only on the texture coordinate and the position")
        case "noise2d", "cellnoise2d", "worleynoise2d":
            return try noise2d(node, scope: scope)
        case "noise3d", "fractal3d":
            return try solidNoise(node, scope: scope)
        case "fractal2d", "cellnoise3d", "worleynoise3d", "unifiednoise2d", "unifiednoise3d":
            throw err(.unsupported, node, nil,
                      "<\(node.tag)> is not implemented yet; use noise2d / cellnoise2d / worleynoise2d / noise3d / fractal3d, Lacquer's procedural nodes (lacquer_fbm, lacquer_voronoi) or bake it to an image")
        default:
            return nil
        }
    }

    /// A `<position>` node: vector3 only. Object and world space are the same
    /// here (meshes are baked into world space); model space is not known.
    func checkPositionNode(_ node: XMLElementNode) throws {
        try checkInputs(node, ["space"])
        guard node["type"] == "vector3" else {
            throw err(.wrongType, node, nil, "<position> of type '\(node["type"] ?? "")' is not supported; use vector3")
        }
        for space in [inputElement(node, "space")?["value"], node["space"]].compactMap({ $0 }) where space != "object" && space != "world" {
            throw err(.unsupported, node, "space", "space '\(space)' is not supported; use object or world (the same space in Lacquer)")
        }
    }

    /// MaterialX `noise3d` (amplitude · noise + pivot) and `fractal3d`
    /// (amplitude · Σ diminishⁱ · noise(lacunarityⁱ · p) over `octaves`) over
    /// a vector3 position (default: the shading position), float, vector2,
    /// vector3 or color3 outputs (`SolidNoise`). `octaves` must be a constant
    /// or interface value: the loop count is fixed per material.
    mutating func solidNoise(_ node: XMLElementNode, scope: XMLElementNode?) throws -> (InputRef, InputType) {
        let typeName = node["type"] ?? ""
        guard let t = Self.inputType(typeName), typeName != "integer" else {
            throw err(.wrongType, node, nil, "<\(node.tag)> of type '\(typeName)' is not supported; use float, vector2, vector3 or color3")
        }
        let channels = t == .float ? 1 : t == .vector2 ? 2 : 3
        let fractal = node.tag == "fractal3d"
        try checkInputs(node, fractal ? ["amplitude", "octaves", "lacunarity", "diminish", "position"] : ["amplitude", "pivot", "position"])
        let position = try value(node, "position", .vector3, scope: scope) ?? builder.position()
        // MaterialX declares the color3 variants' amplitude as a vector3.
        var amplitudeType = broadcastType(node, "amplitude", t)
        if t == .color3, inputElement(node, "amplitude")?["type"] == "vector3" { amplitudeType = .vector3 }
        let amplitude = try value(node, "amplitude", amplitudeType, scope: scope) ?? builder.constant(Float(1))
        guard fractal else {
            let n = builder.fractalNoise3D(position: position, octaves: 1, lacunarity: builder.constant(Float(2)),
                                           diminish: builder.constant(Float(0.5)), channels: channels)
            let pivot = try value(node, "pivot", .float, scope: scope) ?? builder.constant(Float(0))
            return (builder.math(.add, builder.math(.multiply, n, amplitude), pivot), t)
        }
        let octaves = try fixedOctaves(node, scope: scope)
        let lacunarity = try value(node, "lacunarity", .float, scope: scope) ?? builder.constant(Float(2))
        let diminish = try value(node, "diminish", .float, scope: scope) ?? builder.constant(Float(0.5))
        let n = builder.fractalNoise3D(position: position, octaves: octaves, lacunarity: lacunarity, diminish: diminish, channels: channels)
        return (builder.math(.multiply, n, amplitude), t)
    }

    /// fractal3d's `octaves`: a constant or an interface value, 1 … 16 (default 3).
    mutating func fixedOctaves(_ node: XMLElementNode, scope: XMLElementNode?) throws -> Int {
        guard let el = inputElement(node, "octaves") else { return 3 }
        if el["nodename"] != nil || el["nodegraph"] != nil {
            throw err(.unsupported, node, "octaves", "must be a constant or an interface value, not a connected node (the octave count is fixed per material)")
        }
        guard let ref = try value(node, "octaves", .float, scope: scope) else { return 3 }
        guard let v = builder.constantValue(of: ref)?.x else {
            throw err(.unsupported, node, "octaves", "must not vary over the surface (the octave count is fixed per material)")
        }
        guard v == v.rounded(), v >= 1, v <= Float(SolidNoise.maximumOctaves) else {
            throw err(.outOfRange, node, "octaves", "octaves \(v) must be a whole number from 1 to \(SolidNoise.maximumOctaves)")
        }
        return Int(v)
    }

    /// The 2D noises of the stdlib over the texture coordinate (a `<texcoord>`
    /// or a constant `<place2d>` of it), float outputs only:
    /// - noise2d: amplitude · gradient noise + pivot (signed noise, about [−1, 1]);
    /// - cellnoise2d: one random value in [0, 1) per integer cell;
    /// - worleynoise2d: distance to the nearest feature point jittered by `jitter`.
    /// The noise functions are Lacquer's own (CPU and GLSL agree), of the same
    /// kind as MaterialX's but not the same pattern or exact range.
    mutating func noise2d(_ node: XMLElementNode, scope: XMLElementNode?) throws -> (InputRef, InputType) {
        let typeName = node["type"] ?? ""
        guard typeName == "float" else {
            throw err(.unsupported, node, nil, "<\(node.tag)> of type '\(typeName)' is not supported; use the float variant")
        }
        var place = UVTransform()
        if let tc = inputElement(node, "texcoord"), let loc = try connectedNode(tc, scope: scope, node: node["name"] ?? "") {
            switch loc.node.tag {
            case "texcoord": try requireFirstSet(try texcoordSet(loc.node), of: node)
            case "place2d":
                let (p, set) = try place2d(loc.node, scope: loc.scope)
                try requireFirstSet(set, of: node)
                place = p
            default:
                throw err(.unsupported, node, "texcoord", "only a <texcoord> node or a <place2d> of it can drive the noise, not <\(loc.node.tag)>")
            }
        }
        switch node.tag {
        case "noise2d":
            try checkInputs(node, ["amplitude", "pivot", "texcoord"])
            var p = Procedural(kind: .gradientNoise)
            p.uv = place
            let n = builder.procedural(p)
            let amplitude = try value(node, "amplitude", .float, scope: scope) ?? builder.constant(Float(1))
            let pivot = try value(node, "pivot", .float, scope: scope) ?? builder.constant(Float(0))
            return (builder.math(.add, builder.math(.multiply, n, amplitude), pivot), .float)
        case "cellnoise2d":
            try checkInputs(node, ["texcoord"])
            var p = Procedural(kind: .voronoiValue)
            p.jitter = 0
            p.uv = place
            return (builder.procedural(p), .float)
        default:
            try checkInputs(node, ["texcoord", "jitter", "style"])
            if let style = inputElement(node, "style")?["value"], style != "0" {
                throw err(.unsupported, node, "style", "only style 0 (distance to the nearest point) is supported")
            }
            var p = Procedural(kind: .voronoiDistance)
            if let j = try value(node, "jitter", .float, scope: scope) {
                guard let v = builder.constantValue(of: j) else {
                    throw err(.unsupported, node, "jitter", "must not vary over the surface")
                }
                p.jitter = min(max(v.x, 0), 1)
            }
            p.uv = place
            return (builder.procedural(p), .float)
        }
    }
}
