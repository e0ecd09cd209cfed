/// Chooses the mesh reader by file extension (case-insensitive).
public enum MeshLoader {
    public static let extensions = ["obj", "gltf", "glb"]

    public static func supports(path: String) -> Bool {
        extensions.contains(fileExtension(path))
    }

    /// Loads `.obj`, `.gltf` or `.glb` into one object-space mesh.
    public static func load(path: String) throws -> Mesh {
        switch fileExtension(path) {
        case "obj": return try OBJLoader.load(path: path)
        case "gltf", "glb": return try GLTFLoader.load(path: path)
        default:
            throw SceneError(.unsupported, file: path, "unsupported mesh format; use .obj, .gltf or .glb")
        }
    }

    static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
