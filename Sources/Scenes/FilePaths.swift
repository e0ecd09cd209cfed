import Foundation

/// Path handling shared by the loaders: every path written in a file is
/// resolved against the directory of the file that mentions it, so scenes and
/// glTF assets can be moved as a folder.
enum FilePaths {
    /// `path` if absolute, else `path` relative to `directory`, normalised.
    static func resolve(_ path: String, relativeTo directory: String) -> String {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
        let base = URL(fileURLWithPath: directory.isEmpty ? "." : directory, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
    }

    /// The directory containing `file` ("." for a bare file name).
    static func directory(of file: String) -> String {
        let url = URL(fileURLWithPath: file)
        return url.deletingLastPathComponent().path
    }

    static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Reads a whole file, mapping every failure to a `SceneError` that names it.
    static func read(_ path: String, displayName: String? = nil) throws -> Data {
        let name = displayName ?? path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SceneError(.missingFile, file: name, "file not found; check the path")
        }
        guard !isDirectory.boolValue else {
            throw SceneError(.io, file: name, "is a directory, expected a file")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            // Foundation's description names an error domain and a number; say it plainly.
            throw SceneError(.io, file: name, "cannot read the file; check its permissions")
        }
    }
}
