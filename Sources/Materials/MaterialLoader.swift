import Foundation

/// A material named the way users name one: `FILE` or `FILE#NAME`, where
/// NAME selects one material of a file that holds several (a MaterialX
/// document's `surfacematerial`, a glTF file's material). A path that exists as a file is taken
/// whole, so a `#` inside a real file name still works.
public struct MaterialReference: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var name: String?

    public init(path: String, name: String? = nil) {
        self.path = path
        self.name = name
    }

    public init(parsing text: String) {
        if FileManager.default.fileExists(atPath: text) {
            self.init(path: text)
            return
        }
        guard let hash = text.lastIndex(of: "#") else {
            self.init(path: text)
            return
        }
        let name = String(text[text.index(after: hash)...])
        self.init(path: String(text[..<hash]), name: name.isEmpty ? nil : name)
    }

    public var description: String { name.map { "\(path)#\($0)" } ?? path }
}

/// Loads material files by extension: `.json` (Lacquer JSON), `.mtlx`
/// (MaterialX) or `.gltf` / `.glb` (glTF 2.0 materials).
public enum MaterialLoader {
    /// Loads `FILE` or `FILE#NAME` (see `MaterialReference`). Approximations the
    /// reader makes (MaterialX subsurface read as diffuse, …) go to `warn`,
    /// which prints them to standard error unless the caller routes them.
    public static func loadMaterial(path: String, warn: (String) -> Void = MaterialLoader.printWarning) throws -> Material {
        try loadMaterial(MaterialReference(parsing: path), warn: warn)
    }

    public static func loadMaterial(_ ref: MaterialReference, warn: (String) -> Void = MaterialLoader.printWarning) throws -> Material {
        let path = ref.path
        let lower = path.lowercased()
        guard FileManager.default.fileExists(atPath: path) else {
            throw MaterialError(.fileNotFound, file: path, "material file does not exist; check the path")
        }
        if lower.hasSuffix(".json") {
            let m = try JSONMaterialParser.parse(path: path)
            if let name = ref.name, name != m.name {
                throw MaterialError(.unknownNode, file: path, node: name, "no material of that name; the file holds one material, '\(m.name)'")
            }
            return m
        }
        if lower.hasSuffix(".mtlx") {
            let (m, warnings) = try MaterialXParser.parseWithWarnings(path: path, materialName: ref.name)
            for w in warnings { warn("\(path)#\(m.name): \(w)") }
            return m
        }
        if isGLTF(path) {
            let result = try GLTFMaterialParser.parse(document: try GLTFMaterialDocument(path: path), materialName: ref.name)
            for w in result.fileWarnings { warn("\(path): \(w)") }
            for w in result.materialWarnings { warn("\(path)#\(result.material.name): \(w)") }
            return result.material
        }
        throw MaterialError(.unsupported, file: path, unknownExtension)
    }

    static let unknownExtension = "unknown material file extension; use .json (Lacquer), .mtlx (MaterialX), .gltf or .glb (glTF 2.0)"

    static func isGLTF(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".gltf") || lower.hasSuffix(".glb")
    }

    /// The names of the materials in a material file, in file order
    /// (a Lacquer JSON file holds exactly one).
    public static func materialNames(path: String) throws -> [String] {
        let lower = path.lowercased()
        guard FileManager.default.fileExists(atPath: path) else {
            throw MaterialError(.fileNotFound, file: path, "material file does not exist; check the path")
        }
        if lower.hasSuffix(".json") { return [try JSONMaterialParser.parse(path: path).name] }
        if lower.hasSuffix(".mtlx") { return try MaterialXParser.materialNames(path: path) }
        if isGLTF(path) { return try GLTFMaterialParser.materialNames(path: path) }
        throw MaterialError(.unsupported, file: path, unknownExtension)
    }

    /// Writes one "warning: …" line to standard error, each distinct line once
    /// per process: a renderer loads a multi-material file once per material,
    /// and the file's own warnings (an ignored extension) need saying once.
    public static func printWarning(_ message: String) {
        let first = printedWarnings.withLock { $0.insert(message).inserted }
        if first { FileHandle.standardError.write(Data("warning: \(message)\n".utf8)) }
    }

    private static let printedWarnings = LockedSet()
}

/// A set of strings behind a lock (warnings already printed).
final class LockedSet: @unchecked Sendable {
    private var items = Set<String>()
    private let lock = NSLock()
    func withLock<R>(_ body: (inout Set<String>) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&items)
    }
}

extension Material {
    /// Loads a `.json`, `.mtlx`, `.gltf` or `.glb` material, `FILE` or `FILE#NAME` (see `MaterialLoader`).
    public static func loadMaterial(path: String) throws -> Material { try MaterialLoader.loadMaterial(path: path) }
}
