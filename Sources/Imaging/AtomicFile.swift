import Foundation

/// Writes through `path + ".tmp"` and renames, so readers never observe a
/// half-written image and a failed write leaves no debris behind.
enum AtomicFile {
    static func temporaryPath(for path: String) -> String { path + ".tmp" }

    /// Runs `write` with the temporary path, then renames it onto `path`.
    /// On any failure the temporary file is removed and the error rethrown.
    static func write(to path: String, _ write: (String) throws -> Void) throws {
        let tmp = temporaryPath(for: path)
        do {
            try write(tmp)
        } catch {
            unlink(tmp)
            throw error
        }
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw ImagingError(.writeFailed, path: path,
                "cannot move the finished temporary file into place (\(reason)); check the directory is writable")
        }
    }
}
