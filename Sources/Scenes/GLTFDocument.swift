import Foundation

/// A parsed glTF 2.0 document plus its binary buffers, loaded lazily (a
/// buffer only used by images is never read). Index fields are checked
/// against the array they point into before use.
struct GLTFDocument {
    let file: String
    let directory: String
    let root: JSONObject
    /// The BIN chunk of a .glb (buffer 0 when it has no uri).
    let glbBinary: [UInt8]?
    private var buffers: [Int: [UInt8]] = [:]

    init(json: [UInt8], binary: [UInt8]?, file: String) throws {
        self.file = file
        self.directory = FilePaths.directory(of: file)
        self.glbBinary = binary
        self.root = try JSONNode(try JSONParser.parse(json, file: file), file: file).object()
        try checkAsset()
    }

    private func checkAsset() throws {
        let asset = try root.require("asset", hint: "every glTF file has an asset object with a version")
        let version = try asset.object().require("version")
        let text = try version.string()
        guard text.hasPrefix("2.") else {
            throw version.error(.unsupported, "glTF version \(text) is not supported; convert the file to glTF 2.0")
        }
        if let required = root.optional("extensionsRequired") {
            for item in try required.array() {
                let name = try item.string()
                // Texture and material extensions do not change geometry; everything
                // else (Draco, meshopt, quantization, …) would be read wrongly.
                let harmless = ["KHR_materials_", "KHR_texture_", "EXT_texture_", "KHR_lights_punctual", "KHR_xmp"]
                guard harmless.contains(where: { name.hasPrefix($0) }) else {
                    let hint = name.contains("draco") || name.contains("meshopt") ? "compressed geometry (Draco/meshopt) cannot be read, re-export without mesh compression" : "re-export the model without it"
                    throw item.error(.unsupported, "required extension \(name) is not supported; \(hint)")
                }
            }
        }
    }

    /// The element `index` of top-level array `name`, with its path for errors.
    /// `reference` is where the index was read, so a dangling index is reported there.
    func element(_ name: String, _ index: Int, referencedBy reference: JSONNode) throws -> JSONObject {
        let items = try root.optional(name)?.array() ?? []
        guard index >= 0 && index < items.count else {
            throw reference.error(.malformed, "\(name) index \(index) does not exist (the file has \(items.count)); the file is corrupt")
        }
        return try items[index].object()
    }

    func count(_ name: String) throws -> Int { try root.optional(name)?.array().count ?? 0 }

    /// The bytes of buffer `index`, at least `byteLength` long.
    mutating func buffer(_ index: Int, referencedBy reference: JSONNode) throws -> [UInt8] {
        if let cached = buffers[index] { return cached }
        let object = try element("buffers", index, referencedBy: reference)
        let lengthNode = try object.require("byteLength")
        let byteLength = try lengthNode.int(in: 1...Int(Int32.max))
        let data: [UInt8]
        if let uriNode = object.optional("uri") {
            data = try load(uri: try uriNode.string(), node: uriNode)
        } else if index == 0, let glbBinary {
            data = glbBinary
        } else {
            throw object.node.error(.malformed, "buffer has no uri and is not the GLB's binary chunk")
        }
        guard data.count >= byteLength else {
            throw lengthNode.error(.malformed, "buffer holds \(data.count) bytes but byteLength says \(byteLength) (truncated file?)")
        }
        buffers[index] = data
        return data
    }

    /// A `data:` URI with base64 payload, or a file path relative to the glTF file.
    private func load(uri: String, node: JSONNode) throws -> [UInt8] {
        if uri.hasPrefix("data:") {
            guard let comma = uri.firstIndex(of: ","), uri[..<comma].hasSuffix(";base64") else {
                throw node.error(.unsupported, "only base64 data URIs are supported")
            }
            let payload = String(uri[uri.index(after: comma)...])
            guard let decoded = Data(base64Encoded: payload) else {
                throw node.error(.malformed, "the data URI is not valid base64")
            }
            return [UInt8](decoded)
        }
        if let colon = uri.firstIndex(of: ":"), !uri[..<colon].contains("/") {
            throw node.error(.unsupported, "remote or non-file URI \"\(uri.prefix(60))\" is not supported; download the buffer next to the glTF file")
        }
        let decodedPath = uri.removingPercentEncoding ?? uri
        let resolved = FilePaths.resolve(decodedPath, relativeTo: directory)
        guard FilePaths.isRegularFile(resolved) else {
            throw node.error(.missingFile, "buffer file not found: \(resolved) (uris are relative to the glTF file)")
        }
        return [UInt8](try FilePaths.read(resolved))
    }
}
