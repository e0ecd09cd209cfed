import Foundation
import Imaging

/// A private temporary directory for one fuzzing process: small valid files
/// that seed inputs may reference (`cube.obj`, `texture.png`, `texture.exr`),
/// so file references resolve and the code behind them runs, plus a scratch
/// file for the readers that only take a path. Removed when the process exits.
public final class FuzzWorkspace: Sendable {
    public static let shared = FuzzWorkspace()

    public let directory: String

    private init() {
        let base = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("lacquer-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", isDirectory: true)
        directory = base.path
        try? FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        FuzzWorkspace.writeFixtures(into: directory)
        FuzzWorkspaceCleanup.register(directory)
    }

    public func path(_ name: String) -> String { directory + "/" + name }

    /// Writes `data` to this process's scratch file and returns its path.
    func writeScratch(_ data: Data, extension ext: String) throws -> String {
        let path = self.path("scratch." + ext)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    private static func writeFixtures(into directory: String) {
        let obj = """
            v -0.5 -0.5 0\nv 0.5 -0.5 0\nv 0.5 0.5 0\nv -0.5 0.5 0
            vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1
            vn 0 0 1
            f 1/1/1 2/2/1 3/3/1 4/4/1

            """
        _ = FileManager.default.createFile(atPath: directory + "/cube.obj", contents: Data(obj.utf8))
        let pixels: [SIMD4<Float>] = [SIMD4(0.2, 0.4, 0.6, 1), SIMD4(0.8, 0.1, 0.3, 1), SIMD4(0.5, 0.5, 0.5, 1), SIMD4(1, 1, 1, 1)]
        if let image = try? Image(width: 2, height: 2, pixels: pixels) {
            try? writePNG(image, to: directory + "/texture.png", toneMap: .clamp)
            try? writeEXR(image, to: directory + "/texture.exr")
        }
    }
}

/// Removes the workspace at process exit (atexit takes a plain C function,
/// so the path lives in a global written once before registration).
enum FuzzWorkspaceCleanup {
    nonisolated(unsafe) private static var directory: String?

    static func register(_ path: String) {
        directory = path
        atexit {
            if let path = FuzzWorkspaceCleanup.directory { try? FileManager.default.removeItem(atPath: path) }
        }
    }
}
