import Foundation

/// glTF 2.0 materials (`.gltf` / `.glb`) as layered graphs: the material's
/// factors and textures become input registers, which feed the shared
/// `gltf_pbr` lowering (`GLTFPBRLowering.swift`).
///
/// Read: pbrMetallicRoughness (baseColor factor × texture, metallicRoughness
/// texture B = metallic, G = roughness), normalTexture (+ scale),
/// KHR_texture_transform on every texture, samplers' wrap modes,
/// KHR_materials_clearcoat, _sheen, _specular, _ior, _anisotropy,
/// _iridescence (a thin film on the specular and metal lobes: factor × texture
/// R, IOR, thickness = mix(minimum, maximum, thickness texture G), or the
/// maximum without a texture), emission (emissiveFactor ⊙ emissiveTexture ×
/// _emissive_strength: the material's emitted radiance). Warned about and left out:
/// alphaMode MASK/BLEND (rendered opaque), texture-coordinate sets ≥ 2 (meshes
/// carry TEXCOORD_0 and TEXCOORD_1; set 0 is used), set 1 on primitives without
/// TEXCOORD_1 (they read set 0 there), mirrored or per-axis wrap modes, the direction
/// channels of an anisotropy texture. occlusionTexture is not part of the BSDF
/// and is ignored. A required extension outside these is an error.
public enum GLTFMaterialParser {
    /// The names of the file's materials, in order (see `GLTFMaterialDocument.materialNames`).
    public static func materialNames(path: String) throws -> [String] {
        try GLTFMaterialDocument(path: path).materialNames
    }

    /// The `FILE#NAME` name of each entry of the file's `materials` array, and
    /// of glTF's default material when a primitive has none (else nil).
    public static func selectionNames(path: String) throws -> (materials: [String], defaultMaterial: String?) {
        let doc = try GLTFMaterialDocument(path: path)
        let names = doc.materialNames
        let count = doc.array("materials").count
        return (Array(names.prefix(count)), names.count > count ? names.last : nil)
    }

    /// One material (`materialName`, or the only one) and the warnings about
    /// what was left out or approximated; file-level warnings come first.
    public static func parseWithWarnings(path: String, materialName: String? = nil) throws -> (material: Material, warnings: [String]) {
        let result = try parse(document: try GLTFMaterialDocument(path: path), materialName: materialName)
        return (result.material, result.fileWarnings + result.materialWarnings)
    }

    /// Every material of the file, in order.
    public static func parseAll(path: String) throws -> (materials: [Material], warnings: [String]) {
        try parseAll(document: try GLTFMaterialDocument(path: path))
    }

    /// Every material of .gltf or .glb bytes; `path` names the file and anchors relative uris.
    public static func parseAll(bytes: [UInt8], path: String) throws -> (materials: [Material], warnings: [String]) {
        try parseAll(document: try GLTFMaterialDocument(bytes: bytes, path: path))
    }

    static func parseAll(document doc: GLTFMaterialDocument) throws -> (materials: [Material], warnings: [String]) {
        try doc.checkRequiredExtensions()
        let names = doc.materialNames
        var warnings = doc.extensionWarnings
        var materials: [Material] = []
        for index in names.indices {
            let result = try build(document: doc, index: index, names: names)
            materials.append(result.material)
            warnings += result.materialWarnings.filter { !warnings.contains($0) }
        }
        return (materials, warnings)
    }

    /// A material with the warnings about its file (ignored extensions) and about itself.
    struct Result {
        var material: Material
        var fileWarnings: [String]
        var materialWarnings: [String]
    }

    static func parse(document doc: GLTFMaterialDocument, materialName: String?) throws -> Result {
        try doc.checkRequiredExtensions()
        let names = doc.materialNames
        let index: Int
        if let materialName {
            guard let i = names.firstIndex(of: materialName) else {
                throw MaterialError(.unknownNode, file: doc.file, node: materialName,
                                    "no material of that name; the file has: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
            }
            index = i
        } else {
            guard names.count == 1 else {
                throw MaterialError(names.isEmpty ? .missingInput : .unsupported, file: doc.file, names.isEmpty
                                    ? "the file has no materials"
                                    : "the file has \(names.count) materials (\(names.joined(separator: ", "))); choose one with FILE#NAME")
            }
            index = 0
        }
        return try build(document: doc, index: index, names: names)
    }

    /// Material `index` of `names` (an index past the file's `materials` is glTF's default material).
    static func build(document doc: GLTFMaterialDocument, index: Int, names: [String]) throws -> Result {
        let materials = doc.array("materials")
        let object: [String: Any]
        if index < materials.count {
            guard let o = materials[index] as? [String: Any] else {
                throw MaterialError(.wrongType, file: doc.file, node: "materials[\(index)]", "a material must be a JSON object")
            }
            object = o
        } else {
            object = [:]  // glTF's default material: every property at its default.
        }
        var reader = GLTFMaterialReader(doc: doc, name: names[index], path: "materials[\(index)]")
        reader.hash.add(doc.json)
        reader.hash.add(names[index])
        let root = try reader.read(object)
        let material = reader.builder.build(root: root, name: names[index], sourcePath: doc.file, contentHash: reader.hash.value)
        if material.readsSecondUVSet, let missing = primitivesWithoutSecondUVSet(doc, materialIndex: index, materialCount: materials.count) {
            reader.warn(missing)
        }
        return Result(material: material, fileWarnings: doc.extensionWarnings, materialWarnings: reader.warnings)
    }

    /// A warning when primitives drawn with material `materialIndex` (an index
    /// past the file's materials: primitives without one) lack TEXCOORD_1:
    /// the loader gives them set 1 = set 0, so the material renders, but
    /// not as the author meant; nil when every such primitive has it.
    static func primitivesWithoutSecondUVSet(_ doc: GLTFMaterialDocument, materialIndex: Int, materialCount: Int) -> String? {
        var missing: [String] = []
        for (m, mesh) in doc.array("meshes").enumerated() {
            let primitives = (mesh as? [String: Any])?["primitives"] as? [Any] ?? []
            for (p, primitive) in primitives.enumerated() {
                guard let primitive = primitive as? [String: Any] else { continue }
                let material = (primitive["material"] as? NSNumber)?.intValue ?? materialCount
                let attributes = primitive["attributes"] as? [String: Any] ?? [:]
                if material == materialIndex && attributes["TEXCOORD_1"] == nil { missing.append("meshes[\(m)].primitives[\(p)]") }
            }
        }
        guard let first = missing.first else { return nil }
        let more = missing.count > 1 ? " and \(missing.count - 1) more" : ""
        return "a texture reads texture-coordinate set 1 but \(first)\(more) using this material \(missing.count > 1 ? "have" : "has") no TEXCOORD_1; set 0 is used there (export the second uv set)"
    }
}

/// The state of reading one glTF material into a `MaterialBuilder`.
struct GLTFMaterialReader {
    var doc: GLTFMaterialDocument
    let name: String
    /// Where the material sits in the JSON, for error messages.
    let path: String
    var builder = MaterialBuilder()
    var hash = FNV1a64()
    var warnings: [String] = []

    init(doc: GLTFMaterialDocument, name: String, path: String) {
        self.doc = doc
        self.name = name
        self.path = path
    }

    mutating func read(_ m: [String: Any]) throws -> BsdfRef {
        let pbr = try object(m, "pbrMetallicRoughness") ?? [:]
        let ext = try object(m, "extensions") ?? [:]
        let one = builder.constant(Float(1))

        let baseFactor = try vector(pbr, "baseColorFactor", count: 4, default: [1, 1, 1, 1], in: 0...1, at: "pbrMetallicRoughness")
        var baseColor = builder.constant(SIMD3(baseFactor[0], baseFactor[1], baseFactor[2]))
        if let t = try texture(pbr, "baseColorTexture", srgb: true, at: "pbrMetallicRoughness") {
            baseColor = builder.math(.multiply, baseColor, t)
        }
        var metallic = builder.constant(try number(pbr, "metallicFactor", default: 1, in: 0...1, at: "pbrMetallicRoughness"))
        var roughness = builder.constant(try number(pbr, "roughnessFactor", default: 1, in: 0...1, at: "pbrMetallicRoughness"))
        if let t = try texture(pbr, "metallicRoughnessTexture", srgb: false, at: "pbrMetallicRoughness") {
            metallic = builder.math(.multiply, metallic, builder.extract(t, channel: 2))
            roughness = builder.math(.multiply, roughness, builder.extract(t, channel: 1))
        }
        let normal = try normalMap(m, "normalTexture", at: "") ?? builder.constant(SIMD3<Float>(0, 0, 1))

        var inputs = GLTFPBRInputs(
            baseColor: baseColor, metallic: metallic, roughness: roughness, normal: normal,
            specular: one, specularColor: builder.constant(SIMD3<Float>(1, 1, 1)), ior: builder.constant(Float(1.5)),
            clearcoat: builder.constant(Float(0)), clearcoatRoughness: builder.constant(Float(0)),
            clearcoatNormal: builder.constant(SIMD3<Float>(0, 0, 1)),
            sheenColor: builder.constant(SIMD3<Float>(0, 0, 0)), sheenRoughness: builder.constant(Float(0)))

        if let e = try object(ext, "KHR_materials_ior") {
            let ior = try number(e, "ior", default: 1.5, in: 1...10, at: "extensions.KHR_materials_ior")
            inputs.ior = builder.constant(ior)
        }
        if let e = try object(ext, "KHR_materials_specular") {
            let at = "extensions.KHR_materials_specular"
            inputs.specular = builder.constant(try number(e, "specularFactor", default: 1, in: 0...1, at: at))
            if let t = try texture(e, "specularTexture", srgb: false, at: at) {
                inputs.specular = builder.math(.multiply, inputs.specular, builder.extract(t, channel: 3))
            }
            let c = try vector(e, "specularColorFactor", count: 3, default: [1, 1, 1], in: 0...Float.greatestFiniteMagnitude, at: at)
            inputs.specularColor = builder.constant(SIMD3(c[0], c[1], c[2]))
            if let t = try texture(e, "specularColorTexture", srgb: true, at: at) {
                inputs.specularColor = builder.math(.multiply, inputs.specularColor, t)
            }
        }
        if let e = try object(ext, "KHR_materials_clearcoat") {
            let at = "extensions.KHR_materials_clearcoat"
            inputs.clearcoat = builder.constant(try number(e, "clearcoatFactor", default: 0, in: 0...1, at: at))
            if let t = try texture(e, "clearcoatTexture", srgb: false, at: at) {
                inputs.clearcoat = builder.math(.multiply, inputs.clearcoat, builder.extract(t, channel: 0))
            }
            inputs.clearcoatRoughness = builder.constant(try number(e, "clearcoatRoughnessFactor", default: 0, in: 0...1, at: at))
            if let t = try texture(e, "clearcoatRoughnessTexture", srgb: false, at: at) {
                inputs.clearcoatRoughness = builder.math(.multiply, inputs.clearcoatRoughness, builder.extract(t, channel: 1))
            }
            if let n = try normalMap(e, "clearcoatNormalTexture", at: at) { inputs.clearcoatNormal = n }
        }
        if let e = try object(ext, "KHR_materials_sheen") {
            let at = "extensions.KHR_materials_sheen"
            let c = try vector(e, "sheenColorFactor", count: 3, default: [0, 0, 0], in: 0...1, at: at)
            inputs.sheenColor = builder.constant(SIMD3(c[0], c[1], c[2]))
            if let t = try texture(e, "sheenColorTexture", srgb: true, at: at) {
                inputs.sheenColor = builder.math(.multiply, inputs.sheenColor, t)
            }
            inputs.sheenRoughness = builder.constant(try number(e, "sheenRoughnessFactor", default: 0, in: 0...1, at: at))
            if let t = try texture(e, "sheenRoughnessTexture", srgb: false, at: at) {
                inputs.sheenRoughness = builder.math(.multiply, inputs.sheenRoughness, builder.extract(t, channel: 3))
            }
        }
        if let e = try object(ext, "KHR_materials_anisotropy") {
            let at = "extensions.KHR_materials_anisotropy"
            var strength = builder.constant(try number(e, "anisotropyStrength", default: 0, in: 0...1, at: at))
            let rotation = try number(e, "anisotropyRotation", default: 0, in: -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude, at: at)
            var angle = builder.constant(rotation)
            if let t = try texture(e, "anisotropyTexture", srgb: false, at: at) {
                // Red, green: the direction in [−1, 1] in tangent/bitangent
                // space, turned by anisotropyRotation; blue scales the strength.
                strength = builder.math(.multiply, strength, builder.extract(t, channel: 2))
                let two = builder.constant(Float(2)), one = builder.constant(Float(1))
                let x = builder.math(.subtract, builder.math(.multiply, builder.extract(t, channel: 0), two), one)
                let y = builder.math(.subtract, builder.math(.multiply, builder.extract(t, channel: 1), two), one)
                angle = builder.math(.add, builder.math(.arcTangent2, y, x), angle)
            }
            inputs.anisotropyStrength = strength
            inputs.anisotropyRotation = angle
        }
        if let e = try object(ext, "KHR_materials_iridescence") {
            let at = "extensions.KHR_materials_iridescence"
            let factor = try number(e, "iridescenceFactor", default: 0, in: 0...1, at: at)
            let ior = try number(e, "iridescenceIor", default: 1.3, in: 1...10, at: at)
            let lo = try number(e, "iridescenceThicknessMinimum", default: 100, in: 0...Float.greatestFiniteMagnitude, at: at)
            let hi = try number(e, "iridescenceThicknessMaximum", default: 400, in: 0...Float.greatestFiniteMagnitude, at: at)
            var weight = builder.constant(factor)
            if let t = try texture(e, "iridescenceTexture", srgb: false, at: at) {
                weight = builder.math(.multiply, weight, builder.extract(t, channel: 0))
            }
            var thickness = builder.constant(hi)
            if let t = try texture(e, "iridescenceThicknessTexture", srgb: false, at: at) {
                thickness = builder.math(.mix, builder.constant(hi), builder.constant(lo), builder.extract(t, channel: 1))
            }
            if factor > 0 && (hi > 0 || lo > 0) {
                inputs.film = builder.film(weight: weight, thickness: thickness, ior: builder.constant(ior))
            }
        }
        try readEmission(m, ext)
        if let mode = m["alphaMode"] as? String, mode != "OPAQUE" {
            warn("alphaMode \(mode) is ignored: the material is rendered opaque")
        }
        guard let root = builder.gltfPBR(inputs, name: name) else {
            throw MaterialError(.malformed, file: doc.file, node: name, "no lobe left")
        }
        return root
    }

    /// Emitted radiance = emissiveFactor ⊙ emissiveTexture (sRGB) × KHR_materials_emissive_strength.
    mutating func readEmission(_ m: [String: Any], _ ext: [String: Any]) throws {
        let factor = try vector(m, "emissiveFactor", count: 3, default: [0, 0, 0], in: 0...1, at: "")
        var strength: Float = 1
        if let e = try object(ext, "KHR_materials_emissive_strength") {
            strength = try number(e, "emissiveStrength", default: 1, in: 0...Float.greatestFiniteMagnitude, at: "extensions.KHR_materials_emissive_strength")
        }
        guard factor.contains(where: { $0 > 0 }) && strength > 0 else { return }
        var emission = builder.constant(SIMD3(factor[0] * strength, factor[1] * strength, factor[2] * strength))
        if let t = try texture(m, "emissiveTexture", srgb: true, at: "") {
            emission = builder.math(.multiply, emission, t)
        }
        builder.emission = emission
    }

    mutating func warn(_ message: String) {
        if !warnings.contains(message) { warnings.append(message) }
    }

    // MARK: textures

    /// A tangent-space normal from a normal-texture info (`scale` applies to x and y).
    mutating func normalMap(_ o: [String: Any], _ key: String, at: String) throws -> InputRef? {
        guard let info = try object(o, key) else { return nil }
        let scale = try number(info, "scale", default: 1, in: -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude, at: field(at, key))
        guard let t = try texture(o, key, srgb: false, at: at) else { return nil }
        return builder.normalMap(t, scale: builder.constant(scale))
    }

    /// The RGBA register of a texture-info object `o[key]` (nil when absent):
    /// its image decoded (sRGB colour or raw data), its sampler's wrap mode and
    /// its KHR_texture_transform placement.
    mutating func texture(_ o: [String: Any], _ key: String, srgb: Bool, at: String) throws -> InputRef? {
        guard let info = try object(o, key) else { return nil }
        let here = field(at, key)
        guard let index = (info["index"] as? NSNumber)?.intValue else {
            throw error(.missingInput, here, "a texture reference needs an integer \"index\"")
        }
        var texCoord = (info["texCoord"] as? NSNumber)?.intValue ?? 0
        var transform = GLTFTextureTransform()
        if let t = try object(try object(info, "extensions") ?? [:], "KHR_texture_transform") {
            let at = here + ".extensions.KHR_texture_transform"
            let offset = try vector(t, "offset", count: 2, default: [0, 0], in: -1e6...1e6, at: at)
            let scale = try vector(t, "scale", count: 2, default: [1, 1], in: -1e6...1e6, at: at)
            transform = GLTFTextureTransform(offset: SIMD2(offset[0], offset[1]),
                                             rotation: try number(t, "rotation", default: 0, in: -1e6...1e6, at: at),
                                             scale: SIMD2(scale[0], scale[1]))
            if let set = (t["texCoord"] as? NSNumber)?.intValue { texCoord = set }
        }
        if texCoord != 0 && texCoord != 1 {
            warn("\(here): texture-coordinate set \(texCoord) is not available (Lacquer meshes carry TEXCOORD_0 and TEXCOORD_1); set 0 is used")
        }
        let textures = doc.array("textures")
        guard index >= 0, index < textures.count, let texture = textures[index] as? [String: Any] else {
            throw error(.malformed, here, "texture \(index) does not exist (the file has \(textures.count)); the file is corrupt")
        }
        guard let source = (texture["source"] as? NSNumber)?.intValue else {
            let kinds = (texture["extensions"] as? [String: Any])?.keys.sorted().joined(separator: ", ") ?? ""
            throw error(.unsupported, here, "texture \(index) has no PNG or JPEG source\(kinds.isEmpty ? "" : " (only \(kinds))"); re-export it with PNG or JPEG images")
        }
        let wrap = try wrapMode(texture["sampler"] as? NSNumber, at: here)
        let key = "image\(source)|\(wrap)|\(srgb ? "srgb" : "raw")"
        let materialName = name
        // The image read caches buffers in the document; the closure cannot
        // capture `self` while `builder` is being mutated, so it works on a copy.
        var doc = self.doc
        var added: Data?
        let slot = try builder.texture(key: key) {
            let (bytes, imageName) = try doc.image(source, context: materialName)
            added = bytes
            return try TextureLoading.decode(bytes, name: imageName, path: nil, wrap: wrap, raw: !srgb, file: doc.file, node: materialName)
        }
        self.doc = doc
        if let added { hash.add(added) }
        return builder.image(texture: slot, uv: transform.lacquerPlacement, float: false, uvSet: texCoord == 1 ? 1 : 0)
    }

    /// The wrap mode of sampler `index` (repeat without one). Lacquer wraps
    /// both axes alike and has no mirrored repeat: other combinations are
    /// warned about and use repeat.
    mutating func wrapMode(_ index: NSNumber?, at: String) throws -> TextureWrap {
        guard let index = index?.intValue else { return .repeat }
        let samplers = doc.array("samplers")
        guard index >= 0, index < samplers.count, let sampler = samplers[index] as? [String: Any] else {
            throw error(.malformed, at, "sampler \(index) does not exist (the file has \(samplers.count)); the file is corrupt")
        }
        let names = [10497: "REPEAT", 33071: "CLAMP_TO_EDGE", 33648: "MIRRORED_REPEAT"]
        let s = (sampler["wrapS"] as? NSNumber)?.intValue ?? 10497
        let t = (sampler["wrapT"] as? NSNumber)?.intValue ?? 10497
        for (axis, mode) in [("wrapS", s), ("wrapT", t)] where names[mode] == nil {
            throw error(.outOfRange, "samplers[\(index)].\(axis)", "unknown wrap mode \(mode); use 10497 (REPEAT), 33071 (CLAMP_TO_EDGE) or 33648 (MIRRORED_REPEAT)")
        }
        if s == 33071 && t == 33071 { return .clamp }
        if s == 10497 && t == 10497 { return .repeat }
        warn("sampler \(index): wrapS \(names[s] ?? "") / wrapT \(names[t] ?? "") is not supported (Lacquer wraps both axes alike, without mirroring); REPEAT is used")
        return .repeat
    }

    // MARK: JSON values

    func field(_ at: String, _ key: String) -> String { at.isEmpty ? key : at + "." + key }

    func error(_ kind: MaterialError.Kind, _ field: String, _ message: String) -> MaterialError {
        MaterialError(kind, file: doc.file, node: name, input: field, message)
    }

    func object(_ o: [String: Any], _ key: String) throws -> [String: Any]? {
        guard let v = o[key] else { return nil }
        guard let d = v as? [String: Any] else { throw error(.wrongType, key, "must be a JSON object") }
        return d
    }

    func number(_ o: [String: Any], _ key: String, default value: Float, in range: ClosedRange<Float>, at: String) throws -> Float {
        guard let v = o[key] else { return value }
        return try number(v, field: field(at, key), in: range)
    }

    func vector(_ o: [String: Any], _ key: String, count: Int, default value: [Float], in range: ClosedRange<Float>, at: String) throws -> [Float] {
        guard let v = o[key] else { return value }
        guard let items = v as? [Any], items.count == count else {
            throw error(.wrongType, field(at, key), "must be an array of \(count) numbers")
        }
        return try items.enumerated().map { i, item in try number(item, field: field(at, key) + "[\(i)]", in: range) }
    }

    /// A JSON number (not a boolean), finite and inside `range`.
    func number(_ v: Any, field: String, in range: ClosedRange<Float>) throws -> Float {
        guard let n = v as? NSNumber, !JSONMaterialParser.isBool(v), n.floatValue.isFinite else {
            throw error(.wrongType, field, "must be a finite number")
        }
        let x = n.floatValue
        guard range.contains(x) else {
            throw error(.outOfRange, field, "must be in [\(range.lowerBound), \(range.upperBound)], got \(x)")
        }
        return x
    }
}
