import Materials

/// The `materials` section: a JSON object from names to analytic material
/// descriptions, kept in file order (object `material` fields index into it).
extension SceneParser {
    func materials(_ node: JSONNode) throws -> [NamedMaterial] {
        let o = try node.object()
        var result: [NamedMaterial] = []
        for key in o.keys {
            guard let entry = o[key] else { continue }
            try entry.check(!key.isEmpty, "material names must not be empty")
            if let type = try? entry.object().optional("type")?.string(), type == "layered" {
                result.append(NamedMaterial(name: key, layered: try layered(entry)))
            } else {
                result.append(NamedMaterial(name: key, material: try material(entry)))
            }
        }
        return result
    }

    /// `{"type": "layered", "source": "car_paint.json" | "paint.mtlx" | "set.mtlx#Pawn_White" | "model.glb#Chrome", "neural": "car_paint.nmat"}`.
    /// The source must exist; `FILE#NAME` picks one material of a file that
    /// holds several (the name is checked when the material is loaded). A
    /// missing `.nmat` is left to the renderer to report (it falls back to the
    /// reference with a warning).
    func layered(_ node: JSONNode) throws -> LayeredBinding {
        let o = try node.object()
        try o.checkKeys(["type", "source", "neural"], context: "for a layered material")
        let sourceNode = try o.require("source", hint: "give a .json, .mtlx, .gltf or .glb material file (FILE or FILE#NAME), relative to the scene file")
        let (source, materialName) = try materialSource(sourceNode)
        let lower = source.lowercased()
        guard [".json", ".mtlx", ".gltf", ".glb"].contains(where: { lower.hasSuffix($0) }) else {
            throw sourceNode.error(.unsupported, "unsupported material format \"\(source)\"; use .json, .mtlx, .gltf or .glb")
        }
        var neural: String?
        if let n = o.optional("neural") {
            let path = try n.string()
            guard path.lowercased().hasSuffix(".nmat") else {
                throw n.error(.invalidValue, "\"neural\" must name a .nmat file (bake one with `lacquer bake`)")
            }
            neural = FilePaths.resolve(path, relativeTo: baseDirectory)
        }
        return LayeredBinding(source: materialName.map { source + "#" + $0 } ?? source, neural: neural)
    }

    /// A material file, `FILE` or `FILE#NAME`: the resolved file path and the
    /// material name. A path that exists as a file is taken whole.
    func materialSource(_ node: JSONNode) throws -> (String, String?) {
        let raw = try node.string()
        try node.check(!raw.isEmpty, "material path must not be empty")
        if FilePaths.isRegularFile(FilePaths.resolve(raw, relativeTo: baseDirectory)) || !raw.contains("#") {
            return (try existingFile(node, what: "material"), nil)
        }
        let hash = raw.lastIndex(of: "#") ?? raw.endIndex
        let file = String(raw[..<hash]), name = String(raw[raw.index(after: hash)...])
        try node.check(!name.isEmpty, "\"\(raw)\": the material name after '#' is empty; write FILE#NAME")
        let resolved = FilePaths.resolve(file, relativeTo: baseDirectory)
        guard FilePaths.isRegularFile(resolved) else {
            throw node.error(.missingFile, "material file not found: \(resolved) (relative paths start at the scene file's directory)")
        }
        return (resolved, name)
    }

    func material(_ node: JSONNode) throws -> AnalyticMaterial {
        let o = try node.object()
        let typeNode = try o.require("type", hint: "use \"diffuse\", \"conductor\", \"coated_diffuse\" or \"layered\"")
        switch try typeNode.string() {
        case "diffuse":
            try o.checkKeys(["type", "albedo"], context: "for a diffuse material")
            return .diffuse(albedo: try albedo(o))
        case "coated_diffuse":
            try o.checkKeys(["type", "albedo", "coat_ior", "coat_roughness"], context: "for a coated_diffuse material")
            var ior: Float = 1.5
            if let n = o.optional("coat_ior") {
                ior = try n.float()
                try n.check(ior >= 1 && ior <= 4, "coat_ior must be in [1, 4] (1.5 is typical for varnish or plastic), got \(ior)")
            }
            let roughness = try unitInterval(o, "coat_roughness", default: 0)
            return .coatedDiffuse(albedo: try albedo(o), coatIOR: ior, roughness: roughness)
        case "conductor":
            return try conductor(o)
        case let other:
            throw typeNode.error(.invalidValue, "unknown material type \"\(other)\"; use \"diffuse\", \"conductor\", \"coated_diffuse\" or \"layered\"")
        }
    }

    /// A conductor is specified by exactly one of: measured `eta` + `k`,
    /// artist-friendly `reflectivity` + `edge_tint`, or a `metal` preset name.
    private func conductor(_ o: JSONObject) throws -> AnalyticMaterial {
        try o.checkKeys(["type", "eta", "k", "reflectivity", "edge_tint", "metal", "roughness", "anisotropy"],
                        context: "for a conductor material")
        let forms = [("eta/k", o.optional("eta") != nil || o.optional("k") != nil),
                     ("reflectivity/edge_tint", o.optional("reflectivity") != nil || o.optional("edge_tint") != nil),
                     ("metal", o.optional("metal") != nil)].filter(\.1).map(\.0)
        guard forms.count == 1 else {
            let message = forms.isEmpty
                ? "a conductor needs \"metal\" (a preset), \"eta\" + \"k\", or \"reflectivity\" (+ optional \"edge_tint\")"
                : "a conductor takes only one of \(forms.joined(separator: ", ")); remove the others"
            throw o.node.error(forms.isEmpty ? .missingField : .invalidValue, message)
        }
        let eta: Float3, k: Float3
        switch forms[0] {
        case "metal":
            let n = try o.require("metal")
            let name = try n.string()
            guard let preset = MetalPreset(rawValue: name) ?? (name == "aluminum" ? .aluminium : nil) else {
                let known = MetalPreset.allCases.map(\.rawValue)
                throw n.error(.invalidValue, "unknown metal \"\(name)\"; known: \(known.joined(separator: ", "))")
            }
            (eta, k) = (preset.eta, preset.k)
        case "eta/k":
            let etaNode = try o.require("eta", hint: "\"eta\" and \"k\" go together")
            let kNode = try o.require("k", hint: "\"eta\" and \"k\" go together")
            eta = try etaNode.color()
            k = try kNode.color()
            try etaNode.check(eta.x > 0 && eta.y > 0 && eta.z > 0, "eta must be > 0 in every channel, got \(Self.show(eta))")
            try kNode.check(k.x >= 0 && k.y >= 0 && k.z >= 0, "k must be ≥ 0 in every channel, got \(Self.show(k))")
        default:
            let rNode = try o.require("reflectivity", hint: "\"edge_tint\" needs a \"reflectivity\"")
            let r = try rNode.color()
            try Self.checkUnit(r, rNode, "reflectivity")
            var g = r
            if let gNode = o.optional("edge_tint") {
                g = try gNode.color()
                try Self.checkUnit(g, gNode, "edge_tint")
            }
            let ior = BuiltInMaterials.conductorIOR(reflectivity: r.simd, edgeTint: g.simd)
            (eta, k) = (Float3(ior.eta), Float3(ior.k))
        }
        let roughness = try unitInterval(o, "roughness", default: 0)
        let anisotropy = try unitInterval(o, "anisotropy", default: 0)
        return .conductor(eta: eta, k: k, roughness: roughness, anisotropy: anisotropy)
    }

    private func albedo(_ o: JSONObject) throws -> Float3 {
        guard let n = o.optional("albedo") else { return Float3(0.8, 0.8, 0.8) }
        let c = try n.color()
        try Self.checkUnit(c, n, "albedo")
        return c
    }

    private func unitInterval(_ o: JSONObject, _ key: String, default value: Float) throws -> Float {
        guard let n = o.optional(key) else { return value }
        let v = try n.float()
        try n.check(v >= 0 && v <= 1, "\(key) must be in [0, 1], got \(v)")
        return v
    }

    static func checkUnit(_ c: Float3, _ node: JSONNode, _ name: String) throws {
        try node.check([c.x, c.y, c.z].allSatisfy { $0 >= 0 && $0 <= 1 },
                       "\(name) must be in [0, 1] in every channel (it is a reflectance), got \(show(c))")
    }
}
