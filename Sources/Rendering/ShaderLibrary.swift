import Foundation

/// Finds the GLSL sources at run time. Shaders are compiled by the
/// run-time compiler service (variants via #defines), so the binary needs
/// the Shaders/ folder: `$LACQUER_SHADER_DIR`, else a `Shaders` folder
/// beside or above the executable (a checkout's .build/<config>/lacquer),
/// else the checkout this module was compiled from.
public struct ShaderLibrary: Sendable {
    public let shaderDirectory: URL
    public let includeDirectories: [URL]

    public init() throws {
        let fm = FileManager.default
        func valid(_ dir: URL) -> Bool { fm.fileExists(atPath: dir.appendingPathComponent("pathtrace.rgen").path) }
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["LACQUER_SHADER_DIR"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("Shaders"))
            candidates.append(dir.appendingPathComponent("share/lacquer/Shaders"))
            dir = dir.deletingLastPathComponent()
        }
        // Sources/Rendering/ShaderLibrary.swift -> repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent("Shaders"))
        guard let found = candidates.first(where: valid) else {
            throw RenderError("cannot find Lacquer's Shaders folder (looked beside the executable and in the source checkout); set LACQUER_SHADER_DIR to the repository's Shaders directory")
        }
        shaderDirectory = found
        let repo = found.deletingLastPathComponent()
        var includes = [found.appendingPathComponent("include")]
        let interface = repo.appendingPathComponent("Sources/ShaderInterface/include")
        if fm.fileExists(atPath: interface.appendingPathComponent("ShaderInterface.h").path) {
            includes.append(interface)
        } else if fm.fileExists(atPath: found.appendingPathComponent("include/ShaderInterface.h").path) == false {
            throw RenderError("cannot find ShaderInterface.h next to \(found.path); reinstall Lacquer or set LACQUER_SHADER_DIR")
        }
        includeDirectories = includes
    }

    public func url(_ name: String) -> URL { shaderDirectory.appendingPathComponent(name) }
}

/// A rendering failure with a one-line, actionable message.
public struct RenderError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
