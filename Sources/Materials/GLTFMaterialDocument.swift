import Foundation

/// A glTF 2.0 file (`.gltf` or `.glb`) read for its materials: the JSON, the
/// material names users select with `FILE#NAME`, the extension policy, and
/// the bytes of images (files next to the glTF, data URIs, or buffer views
/// of the GLB's binary chunk). Geometry is the Scenes module's business.
struct GLTFMaterialDocument {
    let file: String
    let directory: String
    let root: [String: Any]
    /// The JSON bytes (part of every material's content hash).
    let json: [UInt8]
    let glbBinary: [UInt8]?
    private var buffers: [Int: [UInt8]] = [:]

    /// Extensions whose material meaning Lacquer reads.
    static let supportedExtensions: Set<String> = [
        "KHR_texture_transform", "KHR_materials_clearcoat", "KHR_materials_sheen", "KHR_materials_specular",
        "KHR_materials_ior", "KHR_materials_anisotropy", "KHR_materials_emissive_strength", "KHR_materials_iridescence",
    ]
    /// Extensions that are read and approximated: allowed when optional, refused when required.
    static let approximatedExtensions: [String: String] = [:]
    /// Extensions that only concern geometry (the Scenes mesh reader refuses what it cannot read).
    static let geometryExtensions: Set<String> = [
        "KHR_mesh_quantization", "KHR_draco_mesh_compression", "EXT_meshopt_compression", "EXT_mesh_gpu_instancing",
    ]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MaterialError(.fileNotFound, file: path, "cannot read the glTF file; check the path")
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    init(bytes: [UInt8], path: String) throws {
        file = path
        directory = (path as NSString).deletingLastPathComponent
        if GLBContainer.isGLB(bytes) {
            do {
                let glb = try GLBContainer.parse(bytes)
                json = glb.json
                glbBinary = glb.binary
            } catch {
                throw MaterialError(error.unsupported ? .unsupported : .malformed, file: path, error.message)
            }
        } else {
            if path.lowercased().hasSuffix(".glb") {
                throw MaterialError(.malformed, file: path, "invalid GLB: missing the \"glTF\" magic number; re-export the file")
            }
            json = bytes
            glbBinary = nil
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(json), options: []) } catch {
            throw MaterialError(.malformed, file: path, "not valid glTF JSON (\(JSONMaterialParser.describe(error))); re-export the file")
        }
        guard let object = parsed as? [String: Any] else {
            throw MaterialError(.malformed, file: path, "the top level of a glTF file must be a JSON object")
        }
        root = object
        let version = (root["asset"] as? [String: Any])?["version"] as? String
        guard let version, version.hasPrefix("2.") else {
            throw MaterialError(.unsupported, file: path, node: "asset", input: "version",
                                "glTF version \(version ?? "(missing)") is not supported; convert the file to glTF 2.0")
        }
    }

    /// Refuses a required extension whose meaning Lacquer cannot reproduce.
    func checkRequiredExtensions() throws {
        for name in root["extensionsRequired"] as? [String] ?? [] {
            if Self.supportedExtensions.contains(name) || Self.geometryExtensions.contains(name) { continue }
            let why = Self.approximatedExtensions[name].map { " (\($0))" } ?? ""
            throw MaterialError(.unsupported, file: file, node: "extensionsRequired", input: name,
                                "the file requires extension \(name), which Lacquer does not support\(why); re-export the model without it")
        }
    }

    /// One warning per optional extension that is used but ignored.
    var extensionWarnings: [String] {
        let used = root["extensionsUsed"] as? [String] ?? []
        return used.filter { !Self.supportedExtensions.contains($0) && Self.approximatedExtensions[$0] == nil && !Self.geometryExtensions.contains($0) }
            .map { "extension \($0) is not supported by Lacquer and is ignored" }
    }

    func array(_ key: String) -> [Any] { root[key] as? [Any] ?? [] }

    /// The user-visible material names, in file order: the material's `name`,
    /// else `material<i>`; a repeated name gets `_<i>`. When some primitive has
    /// no material, glTF's default material is listed last as `default`.
    var materialNames: [String] {
        var names: [String] = []
        var seen = Set<String>()
        for (i, item) in array("materials").enumerated() {
            var name = ((item as? [String: Any])?["name"] as? String) ?? ""
            if name.isEmpty || name.contains("#") { name = name.isEmpty ? "material\(i)" : name.replacingOccurrences(of: "#", with: "_") }
            if seen.contains(name) { name += "_\(i)" }
            seen.insert(name)
            names.append(name)
        }
        if usesDefaultMaterial {
            var name = "default"
            while seen.contains(name) { name += "_" }
            names.append(name)
        }
        return names
    }

    /// Whether a mesh primitive has no `material` (it renders with glTF's default material).
    var usesDefaultMaterial: Bool {
        array("meshes").contains { mesh in
            ((mesh as? [String: Any])?["primitives"] as? [Any] ?? []).contains { ($0 as? [String: Any])?["material"] == nil }
        }
    }

    // MARK: images

    /// The encoded bytes of image `index` and a name whose extension says the format.
    mutating func image(_ index: Int, context: String) throws -> (bytes: Data, name: String) {
        let images = array("images")
        guard index >= 0, index < images.count, let image = images[index] as? [String: Any] else {
            throw MaterialError(.malformed, file: file, node: context, "image \(index) does not exist (the file has \(images.count)); the file is corrupt")
        }
        let mime = image["mimeType"] as? String
        if let uri = image["uri"] as? String {
            if uri.hasPrefix("data:") {
                let header = uri.prefix { $0 != "," }
                return (try dataURI(uri, context: context), "image\(index)" + Self.fileExtension(mime: String(header.dropFirst(5).prefix { $0 != ";" })))
            }
            if let colon = uri.firstIndex(of: ":"), !uri[..<colon].contains("/") {
                throw MaterialError(.unsupported, file: file, node: context, "remote image \"\(uri.prefix(60))\" is not supported; download it next to the glTF file")
            }
            let path = (directory as NSString).appendingPathComponent(uri.removingPercentEncoding ?? uri)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MaterialError(.fileNotFound, file: file, node: context, "image file not found: \(path) (uris are relative to the glTF file)")
            }
            return (data, path)
        }
        guard let view = image["bufferView"] as? NSNumber else {
            throw MaterialError(.malformed, file: file, node: context, "image \(index) has neither a uri nor a bufferView")
        }
        guard let mime else {
            throw MaterialError(.malformed, file: file, node: context, "image \(index) in a bufferView needs a mimeType")
        }
        return (Data(try bufferView(view.intValue, context: context)), "image\(index)" + Self.fileExtension(mime: mime))
    }

    static func fileExtension(mime: String) -> String {
        switch mime.lowercased() {
        case "image/png": return ".png"
        case "image/jpeg", "image/jpg": return ".jpg"
        default: return "." + (mime.split(separator: "/").last.map(String.init) ?? "unknown")
        }
    }

    private func dataURI(_ uri: String, context: String) throws -> Data {
        guard let comma = uri.firstIndex(of: ","), uri[..<comma].hasSuffix(";base64"),
              let data = Data(base64Encoded: String(uri[uri.index(after: comma)...])) else {
            throw MaterialError(.malformed, file: file, node: context, "only valid base64 data URIs are supported")
        }
        return data
    }

    private mutating func bufferView(_ index: Int, context: String) throws -> ArraySlice<UInt8> {
        let views = array("bufferViews")
        guard index >= 0, index < views.count, let view = views[index] as? [String: Any],
              let bufferIndex = (view["buffer"] as? NSNumber)?.intValue, let length = (view["byteLength"] as? NSNumber)?.intValue else {
            throw MaterialError(.malformed, file: file, node: context, "bufferView \(index) is missing or incomplete; the file is corrupt")
        }
        let offset = (view["byteOffset"] as? NSNumber)?.intValue ?? 0
        let buffer = try self.buffer(bufferIndex, context: context)
        guard offset >= 0, length >= 0, offset <= buffer.count, length <= buffer.count - offset else {
            throw MaterialError(.malformed, file: file, node: context, "bufferView \(index) runs past the end of buffer \(bufferIndex) (truncated file?)")
        }
        return buffer[offset..<offset + length]
    }

    private mutating func buffer(_ index: Int, context: String) throws -> [UInt8] {
        if let cached = buffers[index] { return cached }
        let items = array("buffers")
        guard index >= 0, index < items.count, let object = items[index] as? [String: Any] else {
            throw MaterialError(.malformed, file: file, node: context, "buffer \(index) does not exist; the file is corrupt")
        }
        let data: [UInt8]
        if let uri = object["uri"] as? String {
            if uri.hasPrefix("data:") {
                data = [UInt8](try dataURI(uri, context: context))
            } else {
                let path = (directory as NSString).appendingPathComponent(uri.removingPercentEncoding ?? uri)
                guard let bytes = FileManager.default.contents(atPath: path) else {
                    throw MaterialError(.fileNotFound, file: file, node: context, "buffer file not found: \(path) (uris are relative to the glTF file)")
                }
                data = [UInt8](bytes)
            }
        } else if index == 0, let glbBinary {
            data = glbBinary
        } else {
            throw MaterialError(.malformed, file: file, node: context, "buffer \(index) has no uri and is not the GLB's binary chunk")
        }
        buffers[index] = data
        return data
    }
}
