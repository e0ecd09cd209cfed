import Foundation

/// Loads material files by extension: `.json` (Lacquer JSON) or `.mtlx` (MaterialX).
public enum MaterialLoader {
    public static func loadMaterial(path: String) throws -> Material {
        let lower = path.lowercased()
        guard FileManager.default.fileExists(atPath: path) else {
            throw MaterialError(.fileNotFound, file: path, "material file does not exist; check the path")
        }
        if lower.hasSuffix(".json") { return try JSONMaterialParser.parse(path: path) }
        if lower.hasSuffix(".mtlx") { return try MaterialXParser.parse(path: path) }
        throw MaterialError(.unsupported, file: path, "unknown material file extension; use .json (Lacquer) or .mtlx (MaterialX)")
    }
}

extension Material {
    /// Loads a `.json` or `.mtlx` material (see `MaterialLoader`).
    public static func loadMaterial(path: String) throws -> Material { try MaterialLoader.loadMaterial(path: path) }
}
