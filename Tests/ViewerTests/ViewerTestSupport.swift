import Foundation
import XCTest

/// Runs the built `lacquer` executable (it sits next to the test bundle)
/// with a deadline, and a private Xvfb server for the window tests.
enum ViewerTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    final class BundleAnchor {}

    /// The products of the same build sit next to the test bundle. On Linux
    /// `Bundle(for:)` of a class in the test executable is the directory
    /// holding it, elsewhere the .xctest bundle itself: try both, then the
    /// running executable's directory.
    static var executable: URL {
        let bundle = Bundle(for: BundleAnchor.self).bundleURL
        let candidates = [
            bundle.appendingPathComponent("lacquer"),
            bundle.deletingLastPathComponent().appendingPathComponent("lacquer"),
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("lacquer"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    struct Result {
        var status: Int32
        var exitedNormally: Bool
        var timedOut: Bool
        var stdout: String
        var stderr: String
    }

    /// Runs `lacquer arguments` in the repository root. `environment`
    /// entries override, `removing` deletes variables.
    static func lacquer(_ arguments: [String], environment: [String: String] = [:], removing: [String] = [],
                        timeout: TimeInterval = 180) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw XCTSkip("the lacquer executable is not built at \(executable.path) (run `swift build` first)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        for k in removing { env.removeValue(forKey: k) }
        process.environment = env
        let dir = FileManager.default.temporaryDirectory
        let outURL = dir.appendingPathComponent("lacquer-viewer-out-\(UUID().uuidString)")
        let errURL = dir.appendingPathComponent("lacquer-viewer-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                process.terminate()
                Thread.sleep(forTimeInterval: 1)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Result(status: process.terminationStatus, exitedNormally: process.terminationReason == .exit,
                      timedOut: timedOut,
                      stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
                      stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-viewer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A private X server (Xvfb) on a free display number, for the duration of a test.
final class XvfbServer {
    let display: String
    private let process: Process

    /// Skips the test when Xvfb is not installed (Tools/setup installs it).
    init() throws {
        guard let xvfb = ViewerTestSupport.findExecutable("Xvfb") else {
            throw XCTSkip("Xvfb is not installed (run Tools/setup); the window tests need it")
        }
        var lastError = "no free display number"
        for _ in 0..<8 {
            let number = 90 + Int.random(in: 0..<400)
            if FileManager.default.fileExists(atPath: "/tmp/.X\(number)-lock")
                || FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(number)") { continue }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: xvfb)
            p.arguments = [":\(number)", "-screen", "0", "1024x768x24", "-nolisten", "tcp"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let deadline = Date().addingTimeInterval(15)
            while p.isRunning && Date() < deadline
                    && !FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(number)") {
                Thread.sleep(forTimeInterval: 0.05)
            }
            if p.isRunning && FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(number)") {
                display = ":\(number)"
                process = p
                return
            }
            if p.isRunning { p.terminate(); p.waitUntilExit() }
            lastError = "Xvfb :\(number) did not start within 15 s"
        }
        throw XCTSkip("could not start Xvfb: \(lastError)")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
