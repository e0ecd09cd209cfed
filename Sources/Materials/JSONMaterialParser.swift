import Foundation

/// Value types of material inputs (MaterialX names).
public enum InputType: String, Sendable {
    case float, vector2, color3, vector3
}

/// Parses Lacquer JSON materials (docs/MATERIALS.md) into a `Material`.
/// Every key is validated; unknown keys and nodes fail with an error naming them.
public struct JSONMaterialParser {
    let file: String
    let directory: String
    var builder = MaterialBuilder()
    var hash = FNV1a64()
    var named: [String: Any] = [:]
    var namedCache: [String: (InputRef, InputType)] = [:]
    var resolving: Set<String> = []
    /// Nesting of the node being parsed (inline objects and named references);
    /// bounded so a long chain of nodes is an error, not a stack overflow.
    var depth = 0
    static let maxDepth = 100

    public static func parse(path: String) throws -> Material {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MaterialError(.fileNotFound, file: path, "cannot read the material file; check the path")
        }
        return try parse(data: data, path: path)
    }

    /// Parses JSON bytes; `path` names the file in errors and anchors texture paths.
    public static func parse(data: Data, path: String) throws -> Material {
        var p = JSONMaterialParser(file: path, directory: (path as NSString).deletingLastPathComponent)
        p.hash.add(data)
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw MaterialError(.malformed, file: path, "not valid JSON (\(JSONMaterialParser.describe(error))); fix the syntax")
        }
        guard let obj = root as? [String: Any] else {
            throw MaterialError(.malformed, file: path, "the top level must be a JSON object")
        }
        try p.checkKeys(obj, ["lacquer_material", "name", "description", "nodes", "bsdf", "emission"], node: "(top level)")
        guard let version = obj["lacquer_material"] as? NSNumber, version.intValue == 1 else {
            throw MaterialError(.malformed, file: path, node: "(top level)", input: "lacquer_material",
                                "missing or unsupported format version; write \"lacquer_material\": 1")
        }
        let name = (obj["name"] as? String) ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        if let nodes = obj["nodes"] {
            guard let dict = nodes as? [String: Any] else {
                throw MaterialError(.wrongType, file: path, node: "(top level)", input: "nodes", "must be an object of named input nodes")
            }
            p.named = dict
        }
        guard let bsdf = obj["bsdf"] else {
            throw MaterialError(.missingInput, file: path, node: "(top level)", input: "bsdf", "a material needs a \"bsdf\" node")
        }
        let rootRef = try p.bsdf(bsdf, at: "bsdf")
        // Emitted radiance (RGB; a colour input, so textures and nodes drive it).
        if let e = obj["emission"] { p.builder.emission = try p.input(e, .color3, "(top level)", "emission") }
        return p.builder.build(root: rootRef, name: name, sourcePath: path, contentHash: p.hash.value)
    }

    /// JSON true/false (NSNumber 0/1 also casts to Bool on Linux, so look at the class).
    static func isBool(_ v: Any) -> Bool {
        if let n = v as? NSNumber { return String(describing: type(of: n)).contains("Bool") }
        return v is Bool
    }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let d = ns.userInfo["NSDebugDescription"] as? String { return d }
        return ns.localizedDescription
    }

    func checkKeys(_ obj: [String: Any], _ allowed: [String], node: String) throws {
        for key in obj.keys.sorted() where !allowed.contains(key) {
            throw MaterialError(.unknownKey, file: file, node: node, input: key,
                                "unknown key; allowed keys are \(allowed.joined(separator: ", "))")
        }
    }

    // MARK: BSDF nodes

    static let microfacetKeys = ["roughness", "anisotropy", "rotation", "normal", "weight", "scatter_mode",
                                 "thinfilm_thickness", "thinfilm_ior"]

    mutating func bsdf(_ value: Any, at path: String) throws -> BsdfRef {
        try enterNode(path)
        defer { depth -= 1 }
        guard let obj = value as? [String: Any] else {
            throw MaterialError(.wrongType, file: file, node: path, "expected a BSDF node object {\"node\": ...}")
        }
        guard let kind = obj["node"] as? String else {
            throw MaterialError(.missingInput, file: file, node: path, input: "node", "every node needs a \"node\" type")
        }
        switch kind {
        case "layer":
            try checkKeys(obj, ["node", "top", "base", "tint", "thickness", "ior"], node: path)
            let top = try bsdf(try required(obj, "top", path), at: path + ".top")
            let base = try bsdf(try required(obj, "base", path), at: path + ".base")
            let tint = try optionalInput(obj, "tint", .color3, path)
            let thickness = try optionalInput(obj, "thickness", .float, path)
            let ior = try number(obj, "ior", path) ?? 1.5
            guard ior >= 1, ior <= 3 else {
                throw MaterialError(.outOfRange, file: file, node: path, input: "ior", "coat IOR must be in [1, 3]")
            }
            return builder.layer(top: top, base: base, tint: tint, thickness: thickness, ior: ior)
        case "mix":
            try checkKeys(obj, ["node", "fg", "bg", "mix"], node: path)
            let fg = try bsdf(try required(obj, "fg", path), at: path + ".fg")
            let bg = try bsdf(try required(obj, "bg", path), at: path + ".bg")
            let w = try input(try required(obj, "mix", path), .float, path, "mix")
            return builder.mix(fg: fg, bg: bg, weight: w)
        case "add":
            try checkKeys(obj, ["node", "in1", "in2"], node: path)
            let a = try bsdf(try required(obj, "in1", path), at: path + ".in1")
            let b = try bsdf(try required(obj, "in2", path), at: path + ".in2")
            return builder.add(a, b)
        case "multiply":
            try checkKeys(obj, ["node", "in1", "in2"], node: path)
            let a = try bsdf(try required(obj, "in1", path), at: path + ".in1")
            let c = try input(try required(obj, "in2", path), .color3, path, "in2")
            return builder.multiply(a, color: c)
        case "lambert_bsdf":
            try checkKeys(obj, ["node", "weight", "color", "normal"], node: path)
            return builder.lobe(.lambert, name: path, weight: try optionalInput(obj, "weight", .float, path),
                                color: try optionalInput(obj, "color", .color3, path),
                                normal: try optionalInput(obj, "normal", .vector3, path))
        case "oren_nayar_diffuse_bsdf":
            try checkKeys(obj, ["node", "weight", "color", "roughness", "normal", "energy_compensation"], node: path)
            var comp = true
            if let v = obj["energy_compensation"] {
                guard JSONMaterialParser.isBool(v), let b = v as? Bool else {
                    throw MaterialError(.wrongType, file: file, node: path, input: "energy_compensation", "must be true or false")
                }
                comp = b
            }
            return builder.lobe(.orenNayar, name: path, weight: try optionalInput(obj, "weight", .float, path),
                                color: try optionalInput(obj, "color", .color3, path),
                                rough: try optionalInput(obj, "roughness", .float, path),
                                normal: try optionalInput(obj, "normal", .vector3, path), energyCompensation: comp)
        case "conductor_bsdf":
            try checkKeys(obj, ["node", "ior", "extinction", "reflectivity", "edge_color"] + Self.microfacetKeys, node: path)
            try checkScatterMode(obj, path)
            let hasIOR = obj["ior"] != nil || obj["extinction"] != nil
            let hasArtistic = obj["reflectivity"] != nil || obj["edge_color"] != nil
            if hasIOR && hasArtistic {
                throw MaterialError(.malformed, file: file, node: path, input: "reflectivity",
                                    "give either ior + extinction or reflectivity + edge_color, not both")
            }
            let eta: InputRef, k: InputRef
            if hasArtistic {
                let r = try optionalInput(obj, "reflectivity", .color3, path) ?? builder.constant(Vec3(0.9, 0.9, 0.9))
                let g = try optionalInput(obj, "edge_color", .color3, path) ?? builder.constant(Vec3(1, 1, 1))
                eta = builder.artisticIOR(reflectivity: r, edge: g, extinction: false)
                k = builder.artisticIOR(reflectivity: r, edge: g, extinction: true)
            } else {
                // Defaults: gold-like values from MaterialX's conductor_bsdf defaults.
                eta = try optionalInput(obj, "ior", .color3, path) ?? builder.constant(Vec3(0.18, 0.42, 1.37))
                k = try optionalInput(obj, "extinction", .color3, path) ?? builder.constant(Vec3(3.42, 2.35, 1.77))
            }
            let (alpha, rot) = try microfacet(obj, path, defaultRoughness: 0.3)
            return builder.lobe(.conductor, name: path, weight: try optionalInput(obj, "weight", .float, path),
                                color: eta, color2: k, alpha: alpha, rotation: rot,
                                normal: try optionalInput(obj, "normal", .vector3, path), film: try film(obj, path))
        case "dielectric_bsdf":
            try checkKeys(obj, ["node", "tint", "ior"] + Self.microfacetKeys, node: path)
            try checkScatterMode(obj, path)
            let (alpha, rot) = try microfacet(obj, path, defaultRoughness: 0.1)
            return builder.lobe(.dielectric, name: path, weight: try optionalInput(obj, "weight", .float, path),
                                color: try optionalInput(obj, "tint", .color3, path), alpha: alpha,
                                ior: try optionalInput(obj, "ior", .float, path), rotation: rot,
                                normal: try optionalInput(obj, "normal", .vector3, path), film: try film(obj, path))
        case "generalized_schlick_bsdf":
            try checkKeys(obj, ["node", "color0", "color90", "exponent"] + Self.microfacetKeys, node: path)
            try checkScatterMode(obj, path)
            let (alpha, rot) = try microfacet(obj, path, defaultRoughness: 0.3)
            return builder.lobe(.generalizedSchlick, name: path, weight: try optionalInput(obj, "weight", .float, path),
                                color: try optionalInput(obj, "color0", .color3, path),
                                color2: try optionalInput(obj, "color90", .color3, path), alpha: alpha,
                                exponent: try optionalInput(obj, "exponent", .float, path), rotation: rot,
                                normal: try optionalInput(obj, "normal", .vector3, path), film: try film(obj, path))
        case "sheen_bsdf":
            try checkKeys(obj, ["node", "weight", "color", "roughness", "normal", "mode"], node: path)
            if let m = obj["mode"] {
                guard let s = m as? String, s == "conty_kulla" else {
                    throw MaterialError(.unsupported, file: file, node: path, input: "mode",
                                        "only \"conty_kulla\" sheen is supported")
                }
            }
            return builder.lobe(.sheen, name: path, weight: try optionalInput(obj, "weight", .float, path),
                                color: try optionalInput(obj, "color", .color3, path),
                                rough: try optionalInput(obj, "roughness", .float, path),
                                normal: try optionalInput(obj, "normal", .vector3, path))
        default:
            let hint = Self.unsupportedHint(kind)
            throw MaterialError(.unknownNode, file: file, node: path, input: "node",
                                "unknown BSDF node type '\(kind)'\(hint); supported: layer, mix, add, multiply, lambert_bsdf, oren_nayar_diffuse_bsdf, conductor_bsdf, dielectric_bsdf, generalized_schlick_bsdf, sheen_bsdf")
        }
    }

    static func unsupportedHint(_ kind: String) -> String {
        ["subsurface_bsdf", "translucent_bsdf", "thin_film_bsdf", "burley_diffuse_bsdf", "dielectric_transmission"].contains(kind)
            ? " (not supported by Lacquer: reflection-only layered lobes)" : ""
    }

    func checkScatterMode(_ obj: [String: Any], _ path: String) throws {
        if let m = obj["scatter_mode"] {
            guard let s = m as? String, s == "R" else {
                throw MaterialError(.unsupported, file: file, node: path, input: "scatter_mode",
                                    "only reflection (\"R\") is supported; transmission is not")
            }
        }
    }

    /// A microfacet lobe's thin film (`thinfilm_thickness` nm, `thinfilm_ior`,
    /// as MaterialX pbrlib names them), nil without a thickness.
    mutating func film(_ obj: [String: Any], _ path: String) throws -> InputRef? {
        guard let thickness = try optionalInput(obj, "thinfilm_thickness", .float, path) else {
            if obj["thinfilm_ior"] != nil {
                throw MaterialError(.missingInput, file: file, node: path, input: "thinfilm_thickness", "thinfilm_ior needs a thinfilm_thickness (nm)")
            }
            return nil
        }
        let ior = try optionalInput(obj, "thinfilm_ior", .float, path) ?? builder.constant(Float(1.5))
        return builder.film(weight: builder.constant(Float(1)), thickness: thickness, ior: ior)
    }

    mutating func microfacet(_ obj: [String: Any], _ path: String, defaultRoughness: Float) throws -> (InputRef, InputRef?) {
        let r = try optionalInput(obj, "roughness", .float, path) ?? builder.constant(defaultRoughness)
        let a = try optionalInput(obj, "anisotropy", .float, path) ?? builder.constant(Float(0))
        return (builder.roughnessAnisotropy(r, a), try optionalInput(obj, "rotation", .float, path))
    }

    func required(_ obj: [String: Any], _ key: String, _ path: String) throws -> Any {
        guard let v = obj[key] else {
            throw MaterialError(.missingInput, file: file, node: path, input: key, "required input is missing")
        }
        return v
    }

    func number(_ obj: [String: Any], _ key: String, _ path: String) throws -> Float? {
        guard let v = obj[key] else { return nil }
        guard let n = v as? NSNumber, !JSONMaterialParser.isBool(v), n.floatValue.isFinite else {
            throw MaterialError(.wrongType, file: file, node: path, input: key, "expected a number")
        }
        return n.floatValue
    }

    func vec2(_ obj: [String: Any], _ key: String, _ path: String) throws -> Vec2? {
        guard let v = obj[key] else { return nil }
        if let n = v as? NSNumber, n.floatValue.isFinite { return Vec2(repeating: n.floatValue) }
        guard let a = v as? [Any], a.count == 2, let x = a[0] as? NSNumber, let y = a[1] as? NSNumber,
              x.floatValue.isFinite, y.floatValue.isFinite else {
            throw MaterialError(.wrongType, file: file, node: path, input: key, "expected a number or [x, y]")
        }
        return Vec2(x.floatValue, y.floatValue)
    }

    // MARK: inputs

    mutating func optionalInput(_ obj: [String: Any], _ key: String, _ type: InputType, _ path: String) throws -> InputRef? {
        guard let v = obj[key] else { return nil }
        return try input(v, type, path, key)
    }

    mutating func input(_ value: Any, _ type: InputType, _ path: String, _ key: String) throws -> InputRef {
        let (ref, got) = try anyInput(value, path, key, expecting: type)
        if got == type || (got == .float && type != .vector3) { return ref }
        throw MaterialError(.wrongType, file: file, node: path, input: key, "expects \(type.rawValue) but got \(got.rawValue)")
    }

    mutating func anyInput(_ value: Any, _ path: String, _ key: String, expecting: InputType) throws -> (InputRef, InputType) {
        if let n = value as? NSNumber, !JSONMaterialParser.isBool(value) {
            // Checked as Float, the type it is stored in: 1e39 is a finite Double but an infinite Float.
            guard n.floatValue.isFinite else {
                throw MaterialError(.outOfRange, file: file, node: path, input: key, "number is not finite or beyond ±3.4e38")
            }
            return (builder.constant(n.floatValue), .float)
        }
        if let a = value as? [Any] {
            let nums = a.compactMap { ($0 as? NSNumber)?.floatValue }
            guard nums.count == a.count, nums.allSatisfy({ $0.isFinite }), nums.count == 2 || nums.count == 3 else {
                throw MaterialError(.wrongType, file: file, node: path, input: key, "an array value must hold 2 or 3 finite numbers")
            }
            if nums.count == 2 { return (builder.constant(SIMD4<Float>(nums[0], nums[1], 0, 0)), .vector2) }
            return (builder.constant(Vec3(nums[0], nums[1], nums[2])), expecting == .vector3 ? .vector3 : .color3)
        }
        if let s = value as? String {
            if let cached = namedCache[s] { return cached }
            guard let def = named[s] else {
                throw MaterialError(.unknownNode, file: file, node: path, input: key,
                                    "refers to '\(s)', which is not defined under \"nodes\"")
            }
            guard !resolving.contains(s) else {
                throw MaterialError(.malformed, file: file, node: s, "node refers to itself (a cycle); remove the cycle")
            }
            resolving.insert(s)
            let r = try inputNode(def, at: s, expecting: expecting)
            resolving.remove(s)
            namedCache[s] = r
            return r
        }
        if value is [String: Any] { return try inputNode(value, at: path + "." + key, expecting: expecting) }
        throw MaterialError(.wrongType, file: file, node: path, input: key,
                            "expected a number, an array, a node object or the name of a node")
    }

    static let placementKeys = ["scale", "offset", "rotation"]

    func placement(_ obj: [String: Any], _ path: String) throws -> UVTransform {
        UVTransform(scale: try vec2(obj, "scale", path) ?? Vec2(1, 1), offset: try vec2(obj, "offset", path) ?? Vec2(0, 0),
                    rotationDegrees: try number(obj, "rotation", path) ?? 0)
    }

    func seed(_ obj: [String: Any], _ path: String) throws -> UInt32 {
        guard let s = try number(obj, "seed", path) else { return 0 }
        guard s >= 0, s < 4_294_967_296 else {
            throw MaterialError(.outOfRange, file: file, node: path, input: "seed", "seed must be in [0, 2^32)")
        }
        return UInt32(s)
    }

    /// Counts one more level of node nesting; the caller undoes it with `defer { depth -= 1 }`.
    mutating func enterNode(_ path: String) throws {
        guard depth < Self.maxDepth else {
            throw MaterialError(.malformed, file: file, node: path,
                                "nodes nest deeper than \(Self.maxDepth) levels; flatten the graph")
        }
        depth += 1
    }

    mutating func proceduralSpec(_ obj: [String: Any], _ kind: String, _ path: String) throws -> Procedural? {
        var p: Procedural
        switch kind {
        case "fbm":
            try checkKeys(obj, ["node", "octaves", "lacunarity", "gain", "seed"] + Self.placementKeys, node: path)
            p = Procedural(kind: .fbm)
        case "voronoi":
            try checkKeys(obj, ["node", "output", "jitter", "seed"] + Self.placementKeys, node: path)
            let out = (obj["output"] as? String) ?? "value"
            guard out == "value" || out == "distance" else {
                throw MaterialError(.outOfRange, file: file, node: path, input: "output", "must be \"value\" or \"distance\"")
            }
            p = Procedural(kind: out == "value" ? .voronoiValue : .voronoiDistance)
        case "flake_normal":
            try checkKeys(obj, ["node", "jitter", "tilt", "seed"] + Self.placementKeys, node: path)
            p = Procedural(kind: .flakeNormal)
        case "brushed":
            try checkKeys(obj, ["node", "stretch", "octaves", "lacunarity", "gain", "seed"] + Self.placementKeys, node: path)
            p = Procedural(kind: .brushed)
        case "wood":
            try checkKeys(obj, ["node", "frequency", "distortion", "seed"] + Self.placementKeys, node: path)
            p = Procedural(kind: .wood)
        case "checker":
            try checkKeys(obj, ["node"] + Self.placementKeys, node: path)
            p = Procedural(kind: .checker)
        default:
            return nil
        }
        p.uv = try placement(obj, path)
        if let o = try number(obj, "octaves", path) {
            guard o >= 1, o <= 12 else { throw MaterialError(.outOfRange, file: file, node: path, input: "octaves", "must be 1…12") }
            p.octaves = Int32(o)
        }
        p.lacunarity = try number(obj, "lacunarity", path) ?? p.lacunarity
        p.gain = try number(obj, "gain", path) ?? p.gain
        p.jitter = clamp01(try number(obj, "jitter", path) ?? p.jitter)
        p.stretch = max(try number(obj, "stretch", path) ?? p.stretch, 1e-3)
        p.frequency = try number(obj, "frequency", path) ?? p.frequency
        p.distortion = try number(obj, "distortion", path) ?? p.distortion
        p.tilt = min(max(try number(obj, "tilt", path) ?? p.tilt, 0), 89)
        p.seed = try seed(obj, path)
        return p
    }

    mutating func inputNode(_ value: Any, at path: String, expecting: InputType) throws -> (InputRef, InputType) {
        try enterNode(path)
        defer { depth -= 1 }
        guard let obj = value as? [String: Any], let kind = obj["node"] as? String else {
            throw MaterialError(.malformed, file: file, node: path, input: "node", "an input node needs a \"node\" type")
        }
        if let p = try proceduralSpec(obj, kind, path) {
            return (builder.procedural(p), kind == "flake_normal" ? .vector3 : .float)
        }
        switch kind {
        case "constant":
            try checkKeys(obj, ["node", "value"], node: path)
            return try anyInput(try required(obj, "value", path), path, "value", expecting: expecting)
        case "image":
            try checkKeys(obj, ["node", "file", "type", "wrap", "colorspace"] + Self.placementKeys, node: path)
            guard let rel = obj["file"] as? String, !rel.isEmpty else {
                throw MaterialError(.missingInput, file: file, node: path, input: "file", "an image needs a \"file\" path")
            }
            let typeName = (obj["type"] as? String) ?? "color3"
            guard typeName == "color3" || typeName == "float" || typeName == "vector3" else {
                throw MaterialError(.wrongType, file: file, node: path, input: "type", "must be color3, vector3 or float")
            }
            let wrapName = (obj["wrap"] as? String) ?? "repeat"
            let wrap: TextureWrap
            switch wrapName {
            case "repeat", "periodic": wrap = .repeat
            case "clamp": wrap = .clamp
            default:
                throw MaterialError(.unsupported, file: file, node: path, input: "wrap", "must be \"repeat\" or \"clamp\"")
            }
            let cs = (obj["colorspace"] as? String) ?? (typeName == "color3" ? "srgb" : "raw")
            guard cs == "srgb" || cs == "raw" || cs == "linear" else {
                throw MaterialError(.unsupported, file: file, node: path, input: "colorspace", "must be \"srgb\", \"linear\" or \"raw\"")
            }
            let full = rel.hasPrefix("/") ? rel : directory.isEmpty ? rel : directory + "/" + rel
            let fileName = file
            var loadedBytes: Data?
            let index = try builder.texture(key: full + "|" + wrapName + "|" + cs) {
                let (t, bytes) = try TextureLoading.load(path: full, wrap: wrap, raw: cs != "srgb", file: fileName, node: path)
                loadedBytes = bytes
                return t
            }
            if let b = loadedBytes { hash.add(b) }
            let ref = builder.image(texture: index, uv: try placement(obj, path), float: typeName == "float")
            return (ref, InputType(rawValue: typeName) ?? .color3)
        case "bump":
            try checkKeys(obj, ["node", "in", "strength"], node: path)
            guard let inner = obj["in"] as? [String: Any], let ik = inner["node"] as? String,
                  let spec = try proceduralSpec(inner, ik, path + ".in"), ik != "flake_normal" else {
                throw MaterialError(.wrongType, file: file, node: path, input: "in",
                                    "bump needs an inline procedural height node (fbm, voronoi, brushed, wood, checker)")
            }
            let s = try optionalInput(obj, "strength", .float, path) ?? builder.constant(Float(0.5))
            return (builder.bump(spec, strength: s), .vector3)
        case "normalmap":
            try checkKeys(obj, ["node", "in", "scale"], node: path)
            let (c, t) = try anyInput(try required(obj, "in", path), path, "in", expecting: .vector3)
            guard t == .vector3 || t == .color3 else {
                throw MaterialError(.wrongType, file: file, node: path, input: "in", "expects vector3 but got \(t.rawValue)")
            }
            let s = try optionalInput(obj, "scale", .float, path) ?? builder.constant(Float(1))
            return (builder.normalMap(c, scale: s), .vector3)
        case "multiply", "add", "subtract", "power":
            try checkKeys(obj, ["node", "in1", "in2"], node: path)
            let (a, ta) = try anyInput(try required(obj, "in1", path), path, "in1", expecting: expecting)
            let (b, tb) = try anyInput(try required(obj, "in2", path), path, "in2", expecting: expecting)
            let t = try combine(ta, tb, path, "in2")
            let op: MathOp = kind == "multiply" ? .multiply : kind == "add" ? .add : kind == "subtract" ? .subtract : .power
            return (builder.math(op, a, b), t)
        case "mix":
            try checkKeys(obj, ["node", "fg", "bg", "mix"], node: path)
            let (fg, tf) = try anyInput(try required(obj, "fg", path), path, "fg", expecting: expecting)
            let (bg, tb) = try anyInput(try required(obj, "bg", path), path, "bg", expecting: expecting)
            let w = try input(try required(obj, "mix", path), .float, path, "mix")
            return (builder.math(.mix, fg, bg, w), try combine(tf, tb, path, "bg"))
        case "invert":
            try checkKeys(obj, ["node", "in", "amount"], node: path)
            let (a, ta) = try anyInput(try required(obj, "in", path), path, "in", expecting: expecting)
            let amount = try optionalInput(obj, "amount", ta, path) ?? builder.constant(Float(1))
            return (builder.math(.invert, a, amount), ta)
        case "clamp":
            try checkKeys(obj, ["node", "in", "low", "high"], node: path)
            let (a, ta) = try anyInput(try required(obj, "in", path), path, "in", expecting: expecting)
            let lo = try optionalInput(obj, "low", ta, path) ?? builder.constant(Float(0))
            let hi = try optionalInput(obj, "high", ta, path) ?? builder.constant(Float(1))
            return (builder.math(.clamp, a, lo, hi), ta)
        case "remap":
            try checkKeys(obj, ["node", "in", "inlow", "inhigh", "outlow", "outhigh"], node: path)
            let (a, ta) = try anyInput(try required(obj, "in", path), path, "in", expecting: expecting)
            let il = try optionalInput(obj, "inlow", ta, path) ?? builder.constant(Float(0))
            let ih = try optionalInput(obj, "inhigh", ta, path) ?? builder.constant(Float(1))
            let ol = try optionalInput(obj, "outlow", expecting == .float ? ta : expecting, path) ?? builder.constant(Float(0))
            let oh = try optionalInput(obj, "outhigh", expecting == .float ? ta : expecting, path) ?? builder.constant(Float(1))
            let out: InputType = ta == .float && (obj["outlow"] is [Any] || obj["outhigh"] is [Any]) ? .color3 : ta
            return (builder.remap(a, inLow: il, inHigh: ih, outLow: ol, outHigh: oh), out)
        case "extract":
            try checkKeys(obj, ["node", "in", "index"], node: path)
            let (a, _) = try anyInput(try required(obj, "in", path), path, "in", expecting: .color3)
            let i = try number(obj, "index", path) ?? 0
            guard i >= 0, i <= 3 else { throw MaterialError(.outOfRange, file: file, node: path, input: "index", "must be 0…3") }
            return (builder.extract(a, channel: Int(i)), .float)
        default:
            throw MaterialError(.unknownNode, file: file, node: path, input: "node",
                                "unknown input node type '\(kind)'; supported: constant, image, fbm, voronoi, flake_normal, brushed, wood, checker, bump, normalmap, multiply, add, subtract, power, mix, invert, clamp, remap, extract")
        }
    }

    func combine(_ a: InputType, _ b: InputType, _ path: String, _ key: String) throws -> InputType {
        if a == b { return a }
        if a == .float { return b }
        if b == .float { return a }
        throw MaterialError(.wrongType, file: file, node: path, input: key, "operand types \(a.rawValue) and \(b.rawValue) do not match")
    }
}
