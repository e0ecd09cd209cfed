import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads MaterialX 1.38/1.39 documents: one `surfacematerial` (chosen by
/// name when the document has several, see `MaterialXDocument`), whose
/// `surfaceshader` is an `open_pbr_surface`, a `standard_surface`, a
/// `gltf_pbr`, a `UsdPreviewSurface` or a pbrlib `surface` over a BSDF graph.
/// Inputs may be constants, `interfacename`s, or connections to nodes /
/// nodegraph outputs built from the supported nodes (docs/MATERIALS.md lists
/// them). Anything else fails with an error naming the node, the input and
/// the file — never a silent approximation.
public struct MaterialXParser {
    let file: String
    let directory: String
    var builder = MaterialBuilder()
    var hash = FNV1a64()
    var topNodes: [String: XMLElementNode] = [:]
    var graphs: [String: XMLElementNode] = [:]
    var inputCache: [String: (InputRef, InputType)] = [:]
    var depth = 0
    /// Non-fatal approximations made while reading (e.g. subsurface → diffuse).
    var warnings: [String] = []

    public static func parse(path: String, materialName: String? = nil) throws -> Material {
        try parse(document: try MaterialXDocument.load(path: path), materialName: materialName).material
    }

    public static func parse(data: Data, path: String, materialName: String? = nil) throws -> Material {
        try parse(document: try MaterialXDocument.load(data: data, path: path), materialName: materialName).material
    }

    /// The names of the document's materials (its XIncludes included), in order.
    public static func materialNames(path: String) throws -> [String] {
        try MaterialXDocument.load(path: path).materialNames
    }

    /// The material and the warnings about approximations made while reading it.
    public static func parseWithWarnings(path: String, materialName: String? = nil) throws -> (material: Material, warnings: [String]) {
        try parse(document: try MaterialXDocument.load(path: path), materialName: materialName)
    }

    static func parse(document doc: MaterialXDocument, materialName: String?) throws -> (material: Material, warnings: [String]) {
        let path = doc.path
        var p = MaterialXParser(file: path, directory: (path as NSString).deletingLastPathComponent)
        p.hash = doc.hash
        for child in doc.topLevel {
            guard let name = child["name"] else { continue }
            if child.tag == "nodegraph" {
                if p.graphs[name] == nil { p.graphs[name] = child }
            } else if p.topNodes[name] == nil {
                p.topNodes[name] = child
            }
        }
        let material = try doc.material(named: materialName)
        let matName = material["name"] ?? "material"
        p.hash.add(matName)
        guard let ssInput = material.children.first(where: { $0.tag == "input" && $0["name"] == "surfaceshader" }) else {
            throw MaterialError(.missingInput, file: path, node: matName, input: "surfaceshader", "the material has no surface shader")
        }
        guard let shader = try p.connectedNode(ssInput, scope: nil, node: matName) else {
            throw MaterialError(.missingInput, file: path, node: matName, input: "surfaceshader", "must connect to a shader node")
        }
        let rootRef: BsdfRef
        switch shader.node.tag {
        case "open_pbr_surface", "standard_surface":
            rootRef = try p.surface(shader.node, scope: shader.scope)
        case "gltf_pbr":
            rootRef = try p.gltfSurface(shader.node, scope: shader.scope)
        case "UsdPreviewSurface":
            rootRef = try p.usdPreviewSurface(shader.node, scope: shader.scope)
        case "surface":
            try p.checkInputs(shader.node, ["bsdf", "edf", "opacity"])
            if shader.node.children.contains(where: { $0["name"] == "edf" && ($0["nodename"] != nil || $0["nodegraph"] != nil) }) {
                throw MaterialError(.unsupported, file: path, node: shader.node["name"], input: "edf", "emission is not supported")
            }
            guard let b = try p.bsdfInput(shader.node, "bsdf", scope: shader.scope) else {
                throw MaterialError(.missingInput, file: path, node: shader.node["name"], input: "bsdf", "connect a BSDF")
            }
            rootRef = b
        default:
            throw MaterialError(.unsupported, file: path, node: shader.node["name"] ?? shader.node.tag, input: "surfaceshader",
                                "shader <\(shader.node.tag)> is not supported; use open_pbr_surface, standard_surface, gltf_pbr, UsdPreviewSurface or surface")
        }
        let m = p.builder.build(root: rootRef, name: matName, sourcePath: path, contentHash: p.hash.value)
        return (m, p.warnings)
    }

    // MARK: graph plumbing

    struct Located { var node: XMLElementNode; var scope: XMLElementNode? }

    func err(_ kind: MaterialError.Kind, _ node: XMLElementNode?, _ input: String?, _ msg: String) -> MaterialError {
        MaterialError(kind, file: file, node: node.map { $0["name"] ?? "<\($0.tag)>" }, input: input, msg)
    }

    func findNode(_ name: String, scope: XMLElementNode?) -> XMLElementNode? {
        if let g = scope { return g.children.first { $0["name"] == name && $0.tag != "input" && $0.tag != "output" } }
        return topNodes[name]
    }

    /// The node an <input> (or <output>) is connected to, if any.
    func connectedNode(_ input: XMLElementNode, scope: XMLElementNode?, node: String) throws -> Located? {
        if let ng = input["nodegraph"] {
            guard let graph = graphs[ng] else {
                throw MaterialError(.unknownNode, file: file, node: node, input: input["name"], "nodegraph '\(ng)' does not exist")
            }
            let outs = graph.children.filter { $0.tag == "output" }
            let outName = input["output"]
            guard let out = outName.map({ n in outs.first { $0["name"] == n } }) ?? (outs.count == 1 ? outs.first : nil) else {
                throw MaterialError(.unknownNode, file: file, node: node, input: input["name"],
                                    "nodegraph '\(ng)' has no output '\(outName ?? "")'")
            }
            return try connectedNode(out, scope: graph, node: ng)
        }
        if let nn = input["nodename"] {
            guard let n = findNode(nn, scope: scope) else {
                throw MaterialError(.unknownNode, file: file, node: node, input: input["name"], "refers to node '\(nn)', which does not exist")
            }
            return Located(node: n, scope: scope)
        }
        return nil
    }

    func inputElement(_ node: XMLElementNode, _ name: String) -> XMLElementNode? {
        node.children.first { $0.tag == "input" && $0["name"] == name }
    }

    func checkInputs(_ node: XMLElementNode, _ allowed: [String]) throws {
        for c in node.children where c.tag == "input" {
            let n = c["name"] ?? ""
            if !allowed.contains(n) {
                throw err(.unknownKey, node, n, "<\(node.tag)> has no input '\(n)' supported by Lacquer; allowed: \(allowed.joined(separator: ", "))")
            }
        }
    }

    static func inputType(_ s: String?) -> InputType? {
        switch s {
        case "float", "integer": return .float
        case "vector2": return .vector2
        case "color3": return .color3
        case "vector3": return .vector3
        default: return nil
        }
    }

    func parseValue(_ text: String, _ type: InputType, _ node: XMLElementNode, _ input: String) throws -> SIMD4<Float> {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let nums = parts.compactMap { Float($0) }
        let want = type == .float ? 1 : type == .vector2 ? 2 : 3
        guard nums.count == parts.count, nums.count == want, nums.allSatisfy({ $0.isFinite }) else {
            throw err(.wrongType, node, input, "value '\(text)' is not a valid \(type.rawValue)")
        }
        switch want {
        case 1: return SIMD4(repeating: nums[0])
        case 2: return SIMD4(nums[0], nums[1], 0, 0)
        default: return SIMD4(nums[0], nums[1], nums[2], 0)
        }
    }

    func constantValue(_ node: XMLElementNode, _ name: String, _ type: InputType) throws -> SIMD4<Float>? {
        guard let el = inputElement(node, name) else { return nil }
        guard el["nodename"] == nil, el["nodegraph"] == nil, el["interfacename"] == nil else {
            throw err(.unsupported, node, name, "must be a constant value here")
        }
        guard let v = el["value"] else { return nil }
        return try parseValue(v, type, node, name)
    }

    /// A value input of `node` as a register (nil when absent).
    mutating func value(_ node: XMLElementNode, _ name: String, _ type: InputType, scope: XMLElementNode?) throws -> InputRef? {
        guard let el = inputElement(node, name) else { return nil }
        if let t = el["type"], let got = Self.inputType(t) {
            if got != type { throw err(.wrongType, node, name, "expects \(type.rawValue) but the input has type \(t)") }
        } else if let t = el["type"] {
            throw err(.wrongType, node, name, "expects \(type.rawValue) but the input has type \(t)")
        }
        if let iface = el["interfacename"] {
            guard let g = scope, inputElement(g, iface) != nil else {
                throw err(.unknownNode, node, name, "interfacename '\(iface)' is not an input of the enclosing nodegraph")
            }
            return try value(g, iface, type, scope: nil)
        }
        if let loc = try connectedNode(el, scope: scope, node: node["name"] ?? node.tag) {
            let (ref, got) = try inputNode(loc.node, scope: loc.scope, output: el["output"])
            if got != type && !(got == .float && type == .float) {
                throw err(.wrongType, node, name, "expects \(type.rawValue) but node '\(loc.node["name"] ?? "")' outputs \(got.rawValue)")
            }
            return ref
        }
        guard let v = el["value"] else { return nil }
        return builder.constant(try parseValue(v, type, node, name))
    }

    // MARK: input nodes

    mutating func inputNode(_ node: XMLElementNode, scope: XMLElementNode?, output: String?) throws -> (InputRef, InputType) {
        let key = "\(scope?["name"] ?? "")/\(node["name"] ?? "")/\(output ?? "")"
        if let c = inputCache[key] { return c }
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { throw err(.malformed, node, nil, "the graph is cyclic or too deep") }
        let r = try inputNodeUncached(node, scope: scope, output: output)
        inputCache[key] = r
        return r
    }

    mutating func inputNodeUncached(_ node: XMLElementNode, scope: XMLElementNode?, output: String?) throws -> (InputRef, InputType) {
        let typeName = node["type"] ?? ""
        let outType = Self.inputType(typeName)
        func req(_ n: String, _ t: InputType) throws -> InputRef {
            guard let r = try value(node, n, t, scope: scope) else { throw err(.missingInput, node, n, "required input is missing") }
            return r
        }
        func opt(_ n: String, _ t: InputType, _ d: Float) throws -> InputRef {
            try value(node, n, t, scope: scope) ?? builder.constant(SIMD4<Float>(repeating: d))
        }
        func typed() throws -> InputType {
            guard let t = outType else { throw err(.wrongType, node, nil, "<\(node.tag)> of type '\(typeName)' is not supported") }
            return t
        }
        switch node.tag {
        case "constant":
            try checkInputs(node, ["value"])
            return (try req("value", try typed()), try typed())
        case "image", "tiledimage", "hextiledimage":
            let hex = node.tag == "hextiledimage"
            let tiled = node.tag == "tiledimage" || hex
            try checkInputs(node, hex ? ["file", "default", "texcoord", "tiling", "rotation", "rotationrange", "scale", "scalerange",
                                         "offset", "offsetrange", "falloff", "falloffcontrast", "lumacoeffs"]
                                : tiled ? ["file", "default", "texcoord", "uvtiling", "uvoffset", "filtertype", "realworldimagesize", "realworldtilesize"]
                                        : ["file", "default", "texcoord", "uaddressmode", "vaddressmode", "filtertype", "layer", "frameoffset", "frameendaction"])
            let t = try typed()
            if hex && t != .color3 {
                throw err(.wrongType, node, nil, "<hextiledimage> must be of type color3 here, not '\(typeName)'")
            }
            guard let fileEl = inputElement(node, "file"), let rel = fileEl["value"], !rel.isEmpty else {
                throw err(.missingInput, node, "file", "an image needs a file")
            }
            var place = UVTransform()
            var set: Int32 = 0
            if let tc = inputElement(node, "texcoord"), let loc = try connectedNode(tc, scope: scope, node: node["name"] ?? "") {
                switch loc.node.tag {
                case "texcoord":
                    set = try texcoordSet(loc.node)
                case "place2d" where !tiled:
                    (place, set) = try place2d(loc.node, scope: loc.scope)
                default:
                    throw err(.unsupported, node, "texcoord",
                              "only a <texcoord> node\(tiled ? "" : " or a <place2d> of it") can drive the texture coordinate, not <\(loc.node.tag)>")
                }
            }
            if let f = inputElement(node, "filtertype")?["value"], f != "linear" {
                throw err(.unsupported, node, "filtertype", "only linear filtering is supported")
            }
            var wrap = TextureWrap.repeat
            if !tiled {
                let u = inputElement(node, "uaddressmode")?["value"] ?? "periodic"
                let v = inputElement(node, "vaddressmode")?["value"] ?? "periodic"
                guard u == v, u == "periodic" || u == "clamp" else {
                    throw err(.unsupported, node, "uaddressmode", "address modes must both be periodic or both clamp")
                }
                wrap = u == "clamp" ? .clamp : .repeat
            }
            if tiled {
                func fixed(_ n: String) throws -> SIMD4<Float>? {
                    try fixedInput(node, n, broadcastType(node, n, .vector2), scope: scope, why: "texture placement is fixed per material")
                }
                if let s = try fixed(hex ? "tiling" : "uvtiling") { place.scale = SIMD2(s.x, s.y) }
                if let o = try fixed("uvoffset") { place.offset = SIMD2(o.x, o.y) }
            }
            let hexTiling = hex ? try hexTilingParameters(node, scope: scope) : nil
            return (try imageLookup(node, file: fileEl, relativePath: rel, type: t, wrap: wrap, place: place, uvSet: set, hex: hexTiling), t)
        case "multiply", "add", "subtract", "power", "divide", "min", "max":
            try checkInputs(node, ["in1", "in2"])
            let t = try typed()
            let a = try req("in1", t)
            let identity: Float = node.tag == "add" || node.tag == "subtract" ? 0 : 1
            let b = try value(node, "in2", broadcastType(node, "in2", t), scope: scope) ?? builder.constant(SIMD4<Float>(repeating: identity))
            let ops: [String: MathOp] = ["multiply": .multiply, "add": .add, "subtract": .subtract, "power": .power,
                                         "divide": .divide, "min": .minimum, "max": .maximum]
            return (builder.math(ops[node.tag] ?? .multiply, a, b), t)
        case "mix":
            try checkInputs(node, ["fg", "bg", "mix"])
            let t = try typed()
            return (builder.math(.mix, try req("fg", t), try req("bg", t), try opt("mix", .float, 0)), t)
        case "invert":
            try checkInputs(node, ["in", "amount"])
            let t = try typed()
            return (builder.math(.invert, try req("in", t), try opt("amount", broadcastType(node, "amount", t), 1)), t)
        case "clamp":
            try checkInputs(node, ["in", "low", "high"])
            let t = try typed()
            return (builder.math(.clamp, try req("in", t), try opt("low", broadcastType(node, "low", t), 0),
                                 try opt("high", broadcastType(node, "high", t), 1)), t)
        case "remap":
            try checkInputs(node, ["in", "inlow", "inhigh", "outlow", "outhigh"])
            let t = try typed()
            func bt(_ n: String) -> InputType { broadcastType(node, n, t) }
            return (builder.remap(try req("in", t), inLow: try opt("inlow", bt("inlow"), 0), inHigh: try opt("inhigh", bt("inhigh"), 1),
                                  outLow: try opt("outlow", bt("outlow"), 0), outHigh: try opt("outhigh", bt("outhigh"), 1)), t)
        case "extract":
            try checkInputs(node, ["in", "index"])
            guard let inEl = inputElement(node, "in"), let inType = Self.inputType(inEl["type"]) else {
                throw err(.missingInput, node, "in", "extract needs a typed input")
            }
            let a = try req("in", inType)
            let i = Int(try constantValue(node, "index", .float)?.x ?? 0)
            return (builder.extract(a, channel: i), .float)
        case "normalmap":
            try checkInputs(node, ["in", "scale", "space", "normal", "tangent", "bitangent"])
            if let s = inputElement(node, "space")?["value"], s != "tangent" {
                throw err(.unsupported, node, "space", "only tangent-space normal maps are supported")
            }
            for k in ["normal", "tangent", "bitangent"] where inputElement(node, k) != nil {
                throw err(.unsupported, node, k, "custom frames for normalmap are not supported")
            }
            return (builder.normalMap(try req("in", .vector3), scale: try opt("scale", .float, 1)), .vector3)
        case "roughness_anisotropy":
            try checkInputs(node, ["roughness", "anisotropy"])
            return (builder.roughnessAnisotropy(try opt("roughness", .float, 0), try opt("anisotropy", .float, 0)), .vector2)
        case "artistic_ior":
            try checkInputs(node, ["reflectivity", "edge_color"])
            let r = try opt("reflectivity", .color3, 0.944)
            let g = try opt("edge_color", .color3, 0.998)
            guard output == nil || output == "ior" || output == "extinction" else {
                throw err(.unknownKey, node, output, "artistic_ior has outputs ior and extinction")
            }
            return (builder.artisticIOR(reflectivity: r, edge: g, extinction: output == "extinction"), .color3)
        default:
            if let r = try stdlibNode(node, scope: scope, output: output) { return r }
            if let r = try gltfTextureNode(node, scope: scope, output: output) { return r }
            if node.tag.hasPrefix("lacquer_") {
                return try lacquerProcedural(node, scope: scope)
            }
            throw err(.unknownNode, node, nil, "node type <\(node.tag)> is not supported by Lacquer (see docs/MATERIALS.md)")
        }
    }

    /// One texture lookup of an image node's `file` (loaded once per file,
    /// wrap mode and colour handling; its bytes join the content hash).
    mutating func imageLookup(_ node: XMLElementNode, file fileEl: XMLElementNode, relativePath rel: String,
                              type t: InputType, wrap: TextureWrap, place: UVTransform, uvSet: Int32 = 0,
                              hex: HexTiling? = nil) throws -> InputRef {
        let srgb = try imageIsSRGB(fileEl, node: node, type: t)
        let full = MaterialXDocument.resolveFilename(rel, at: fileEl, fallbackDirectory: directory)
        let nodeName = node["name"] ?? node.tag
        let fileName = file
        var bytes: Data?
        let index = try builder.texture(key: full + "|" + wrap.rawValue + "|" + (srgb ? "srgb" : "raw")) {
            let (tex, b) = try TextureLoading.load(path: full, wrap: wrap, raw: !srgb, file: fileName, node: nodeName)
            bytes = b
            return tex
        }
        if let b = bytes { hash.add(b) }
        if let hex { return builder.hexTiledImage(texture: index, uv: place, hex: hex, uvSet: uvSet) }
        return builder.image(texture: index, uv: place, float: t == .float, uvSet: uvSet)
    }

    /// A <hextiledimage>'s tiling parameters (MaterialX's defaults where an
    /// input is absent); like an image's placement they are fixed per material.
    mutating func hexTilingParameters(_ node: XMLElementNode, scope: XMLElementNode?) throws -> HexTiling {
        func fixed(_ n: String, _ t: InputType) throws -> SIMD4<Float>? {
            try fixedInput(node, n, t, scope: scope, why: "hex tiling is fixed per material")
        }
        var h = HexTiling()
        if let v = try fixed("rotation", .float) { h.rotation = v.x }
        if let v = try fixed("rotationrange", .vector2) { h.rotationRange = SIMD2(v.x, v.y) }
        if let v = try fixed("scale", .float) { h.scale = v.x }
        if let v = try fixed("scalerange", .vector2) {
            guard v.x > 0, v.y > 0 else { throw err(.outOfRange, node, "scalerange", "both ends of the scale range must be positive") }
            h.scaleRange = SIMD2(v.x, v.y)
        }
        if let v = try fixed("offset", .float) { h.offset = v.x }
        if let v = try fixed("offsetrange", .vector2) { h.offsetRange = SIMD2(v.x, v.y) }
        if let v = try fixed("falloff", .float) { h.falloff = v.x }
        if let v = try fixed("falloffcontrast", .float) { h.falloffContrast = v.x }
        if let v = try fixed("lumacoeffs", .color3) { h.lumaCoefficients = SIMD3(v.x, v.y, v.z) }
        return h
    }

    /// Lacquer's procedural nodes in MaterialX: <lacquer_fbm>, <lacquer_voronoi>,
    /// <lacquer_flake_normal>, <lacquer_brushed>, <lacquer_wood>, <lacquer_checker>
    /// and <lacquer_bump> with the JSON node's inputs as constant MaterialX inputs.
    mutating func lacquerProcedural(_ node: XMLElementNode, scope: XMLElementNode?) throws -> (InputRef, InputType) {
        let kind = String(node.tag.dropFirst("lacquer_".count))
        var dict: [String: Any] = ["node": kind]
        var strength: InputRef?
        for c in node.children where c.tag == "input" {
            guard let n = c["name"] else { continue }
            if kind == "bump" && n == "in" {
                guard let loc = try connectedNode(c, scope: scope, node: node["name"] ?? ""), loc.node.tag.hasPrefix("lacquer_") else {
                    throw err(.wrongType, node, "in", "lacquer_bump needs a connected lacquer procedural node")
                }
                var inner: [String: Any] = ["node": String(loc.node.tag.dropFirst("lacquer_".count))]
                for ic in loc.node.children where ic.tag == "input" {
                    if let iname = ic["name"] { inner[iname] = try plainValue(ic, loc.node) }
                }
                dict["in"] = inner
                continue
            }
            if kind == "bump" && n == "strength" {
                strength = try value(node, "strength", .float, scope: scope)
                continue
            }
            dict[n] = try plainValue(c, node)
        }
        var jp = JSONMaterialParser(file: file, directory: directory)
        if kind == "bump" {
            guard let inner = dict["in"] as? [String: Any], let ik = inner["node"] as? String,
                  let spec = try jp.proceduralSpec(inner, ik, (node["name"] ?? "") + ".in") else {
                throw err(.missingInput, node, "in", "lacquer_bump needs an input 'in'")
            }
            return (builder.bump(spec, strength: strength ?? builder.constant(Float(0.5))), .vector3)
        }
        guard let spec = try jp.proceduralSpec(dict, kind, node["name"] ?? node.tag) else {
            throw err(.unknownNode, node, nil, "node type <\(node.tag)> is not a Lacquer procedural")
        }
        return (builder.procedural(spec), kind == "flake_normal" ? .vector3 : .float)
    }

    func plainValue(_ c: XMLElementNode, _ node: XMLElementNode) throws -> Any {
        guard let v = c["value"], c["nodename"] == nil, c["nodegraph"] == nil else {
            throw err(.unsupported, node, c["name"], "procedural parameters must be constant values")
        }
        if c["type"] == "string" { return v }
        let nums = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.compactMap { Double($0) }
        guard !nums.isEmpty else { throw err(.wrongType, node, c["name"], "value '\(v)' is not numeric") }
        return nums.count == 1 ? NSNumber(value: nums[0]) as Any : nums.map { NSNumber(value: $0) } as Any
    }

    /// MaterialX colour management of an image: the `colorspace` on the file
    /// input, else inherited from its node, nodegraph or document. Only colour
    /// outputs are transformed (MaterialX leaves float and vector data alone).
    /// `srgb_texture` is decoded; `lin_rec709`, `none` and `raw` are read as is.
    func imageIsSRGB(_ fileEl: XMLElementNode, node: XMLElementNode, type: InputType) throws -> Bool {
        let cs = MaterialXDocument.inherited("colorspace", of: fileEl) ?? ""
        switch cs {
        case "srgb_texture":
            return type == .color3
        case "", "lin_rec709", "none", "raw":
            return false
        default:
            guard type == .color3 else { return false }
            throw err(.unsupported, node, "file",
                      "colorspace '\(cs)' is not supported; use srgb_texture, lin_rec709 or raw (convert the image)")
        }
    }

    // MARK: BSDF nodes

    mutating func bsdfInput(_ node: XMLElementNode, _ name: String, scope: XMLElementNode?) throws -> BsdfRef? {
        guard let el = inputElement(node, name) else { return nil }
        if let t = el["type"], t != "BSDF" { throw err(.wrongType, node, name, "expects BSDF but the input has type \(t)") }
        if let iface = el["interfacename"] {
            throw err(.unsupported, node, name, "BSDF interface inputs ('\(iface)') are not supported")
        }
        guard let loc = try connectedNode(el, scope: scope, node: node["name"] ?? node.tag) else { return nil }
        return try bsdf(loc.node, scope: loc.scope)
    }

    static let unsupportedBSDF: Set<String> = ["burley_diffuse_bsdf", "translucent_bsdf", "subsurface_bsdf", "thin_film_bsdf",
                                               "chiang_hair_bsdf", "uniform_edf", "conical_edf", "measured_edf",
                                               "absorption_vdf", "anisotropic_vdf"]

    mutating func microfacetAlpha(_ node: XMLElementNode, scope: XMLElementNode?) throws -> InputRef {
        try value(node, "roughness", .vector2, scope: scope) ?? builder.constant(SIMD4<Float>(0.05, 0.05, 0, 0))
    }

    func checkMicrofacetExtras(_ node: XMLElementNode) throws {
        if let d = inputElement(node, "distribution")?["value"], d != "ggx" {
            throw err(.unsupported, node, "distribution", "only the ggx distribution is supported")
        }
        if let s = inputElement(node, "scatter_mode")?["value"], s != "R" {
            throw err(.unsupported, node, "scatter_mode", "only reflection (R) is supported; transmission is not")
        }
        if let t = inputElement(node, "tangent"), t["nodename"] != nil || t["nodegraph"] != nil {
            throw err(.unsupported, node, "tangent", "custom tangents are not supported (use the geometric tangent)")
        }
    }

    /// The pbrlib microfacet nodes' own thin film (`thinfilm_thickness` nm,
    /// `thinfilm_ior`), nil when the thickness is absent or the constant 0.
    mutating func microfacetFilm(_ node: XMLElementNode, scope: XMLElementNode?) throws -> InputRef? {
        guard let t = inputElement(node, "thinfilm_thickness") else { return nil }
        if t["nodename"] == nil && t["nodegraph"] == nil && t["interfacename"] == nil && (Float(t["value"] ?? "0") ?? 1) == 0 { return nil }
        guard let thickness = try value(node, "thinfilm_thickness", .float, scope: scope) else { return nil }
        let ior = try value(node, "thinfilm_ior", .float, scope: scope) ?? builder.constant(Float(1.5))
        return builder.film(weight: builder.constant(Float(1)), thickness: thickness, ior: ior)
    }

    mutating func bsdf(_ node: XMLElementNode, scope: XMLElementNode?) throws -> BsdfRef {
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { throw err(.malformed, node, nil, "the BSDF graph is cyclic or too deep") }
        if let t = node["type"], t != "BSDF" {
            throw err(.wrongType, node, nil, "a BSDF was expected but <\(node.tag)> has type \(t)")
        }
        let name = node["name"] ?? node.tag
        let mfKeys = ["weight", "roughness", "normal", "tangent", "distribution", "thinfilm_thickness", "thinfilm_ior", "scatter_mode"]
        switch node.tag {
        case "layer":
            try checkInputs(node, ["top", "base"])
            guard let top = try bsdfInput(node, "top", scope: scope) else { throw err(.missingInput, node, "top", "connect a BSDF") }
            guard let base = try bsdfInput(node, "base", scope: scope) else { throw err(.missingInput, node, "base", "connect a BSDF") }
            return builder.layer(top: top, base: base)
        case "mix":
            try checkInputs(node, ["fg", "bg", "mix"])
            guard let fg = try bsdfInput(node, "fg", scope: scope) else { throw err(.missingInput, node, "fg", "connect a BSDF") }
            guard let bg = try bsdfInput(node, "bg", scope: scope) else { throw err(.missingInput, node, "bg", "connect a BSDF") }
            let w = try value(node, "mix", .float, scope: scope) ?? builder.constant(Float(0))
            return builder.mix(fg: fg, bg: bg, weight: w)
        case "add":
            try checkInputs(node, ["in1", "in2"])
            guard let a = try bsdfInput(node, "in1", scope: scope) else { throw err(.missingInput, node, "in1", "connect a BSDF") }
            guard let b = try bsdfInput(node, "in2", scope: scope) else { throw err(.missingInput, node, "in2", "connect a BSDF") }
            return builder.add(a, b)
        case "multiply":
            try checkInputs(node, ["in1", "in2"])
            guard let a = try bsdfInput(node, "in1", scope: scope) else { throw err(.missingInput, node, "in1", "connect a BSDF") }
            let t = Self.inputType(inputElement(node, "in2")?["type"]) ?? .color3
            guard t == .color3 || t == .float else { throw err(.wrongType, node, "in2", "expects color3 or float") }
            let c = try value(node, "in2", t, scope: scope) ?? builder.constant(Float(1))
            return builder.multiply(a, color: c)
        case "oren_nayar_diffuse_bsdf":
            try checkInputs(node, ["weight", "color", "roughness", "normal", "energy_compensation"])
            let comp = inputElement(node, "energy_compensation")?["value"].map { $0 == "true" } ?? true
            return builder.lobe(.orenNayar, name: name, weight: try value(node, "weight", .float, scope: scope),
                                color: try value(node, "color", .color3, scope: scope) ?? builder.constant(Float(0.18)),
                                rough: try value(node, "roughness", .float, scope: scope),
                                normal: try value(node, "normal", .vector3, scope: scope), energyCompensation: comp)
        case "dielectric_bsdf":
            try checkInputs(node, mfKeys + ["tint", "ior"])
            try checkMicrofacetExtras(node)
            return builder.lobe(.dielectric, name: name, weight: try value(node, "weight", .float, scope: scope),
                                color: try value(node, "tint", .color3, scope: scope), alpha: try microfacetAlpha(node, scope: scope),
                                ior: try value(node, "ior", .float, scope: scope),
                                normal: try value(node, "normal", .vector3, scope: scope), film: try microfacetFilm(node, scope: scope))
        case "conductor_bsdf":
            try checkInputs(node, mfKeys + ["ior", "extinction"])
            try checkMicrofacetExtras(node)
            return builder.lobe(.conductor, name: name, weight: try value(node, "weight", .float, scope: scope),
                                color: try value(node, "ior", .color3, scope: scope) ?? builder.constant(Vec3(0.183, 0.421, 1.373)),
                                color2: try value(node, "extinction", .color3, scope: scope) ?? builder.constant(Vec3(3.424, 2.346, 1.770)),
                                alpha: try microfacetAlpha(node, scope: scope),
                                normal: try value(node, "normal", .vector3, scope: scope), film: try microfacetFilm(node, scope: scope))
        case "generalized_schlick_bsdf":
            try checkInputs(node, mfKeys + ["color0", "color82", "color90", "exponent"])
            try checkMicrofacetExtras(node)
            if let c82 = inputElement(node, "color82"), c82["nodename"] != nil || (c82["value"].map { $0.replacingOccurrences(of: " ", with: "") != "1,1,1" } ?? false) {
                throw err(.unsupported, node, "color82", "the F82 tint is not supported (leave it at 1, 1, 1)")
            }
            return builder.lobe(.generalizedSchlick, name: name, weight: try value(node, "weight", .float, scope: scope),
                                color: try value(node, "color0", .color3, scope: scope),
                                color2: try value(node, "color90", .color3, scope: scope),
                                alpha: try microfacetAlpha(node, scope: scope),
                                exponent: try value(node, "exponent", .float, scope: scope),
                                normal: try value(node, "normal", .vector3, scope: scope), film: try microfacetFilm(node, scope: scope))
        case "sheen_bsdf":
            try checkInputs(node, ["weight", "color", "roughness", "normal", "mode"])
            if let m = inputElement(node, "mode")?["value"], m != "conty_kulla" {
                throw err(.unsupported, node, "mode", "only conty_kulla sheen is supported")
            }
            return builder.lobe(.sheen, name: name, weight: try value(node, "weight", .float, scope: scope),
                                color: try value(node, "color", .color3, scope: scope),
                                rough: try value(node, "roughness", .float, scope: scope),
                                normal: try value(node, "normal", .vector3, scope: scope))
        default:
            if Self.unsupportedBSDF.contains(node.tag) {
                throw err(.unsupported, node, nil, "<\(node.tag)> is not supported (Lacquer layers reflection-only lobes)")
            }
            throw err(.unknownNode, node, nil, "node type <\(node.tag)> is not a supported BSDF node")
        }
    }
}
