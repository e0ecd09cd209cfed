import Foundation
import Logging

/// Compiles GLSL to SPIR-V with the `glslc` executable, caching the result
/// on disk keyed by a hash of the source, every include file, the defines
/// and the compiler version. Variants are made with #defines, so this runs
/// at run time; the cache makes the second run free.
public final class ShaderCompiler: @unchecked Sendable {
    public let includeDirectories: [URL]
    public let cacheDirectory: URL?
    let glslc: String
    let logger: Logger
    private let lock = NSLock()
    private var memo: [String: [UInt32]] = [:]
    private lazy var compilerVersion: String = runCapture([glslc, "--version"]) ?? "unknown"
    /// Seconds spent in glslc (cache misses) since creation.
    public private(set) var compileSeconds: Double = 0
    public private(set) var cacheHits = 0
    public private(set) var cacheMisses = 0
    /// glslc is killed after this long.
    static let timeoutSeconds: Double = 300

    /// `cacheDirectory` nil disables the disk cache; by default
    /// `$LACQUER_SHADER_CACHE` or `$XDG_CACHE_HOME/lacquer/shaders` (~/.cache/...).
    public init(includeDirectories: [URL], cacheDirectory: URL? = ShaderCompiler.defaultCacheDirectory(), logger: Logger) throws {
        self.includeDirectories = includeDirectories
        self.cacheDirectory = cacheDirectory
        self.logger = logger
        guard let found = ShaderCompiler.findExecutable("glslc") else {
            throw VulkanError("glslc not found on PATH; run Tools/setup (installs Debian's glslc)")
        }
        glslc = found
    }

    public static func defaultCacheDirectory() -> URL? {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["LACQUER_SHADER_CACHE"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        let base = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("lacquer/shaders")
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// SPIR-V words for `source` (a file) with `defines` (NAME -> value).
    /// `extraIncludeDirectories` come first in the search path (generated,
    /// scene-specific includes).
    public func compile(_ source: URL, defines: [String: String] = [:], extraIncludeDirectories: [URL] = []) throws -> [UInt32] {
        let includeDirectories = extraIncludeDirectories + self.includeDirectories
        guard let text = try? Data(contentsOf: source) else {
            throw VulkanError("cannot read shader \(source.path); the Shaders/ folder is incomplete (set LACQUER_SHADER_DIR to the repository's Shaders folder)")
        }
        var hasher = StableHasher()
        hasher.add(compilerVersion)
        hasher.add(source.lastPathComponent)
        hasher.add(text)
        for (key, value) in defines.sorted(by: { $0.key < $1.key }) { hasher.add("-D\(key)=\(value)") }
        for dir in includeDirectories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.sorted() ?? []
            for file in files where file.hasSuffix(".glsl") || file.hasSuffix(".h") {
                hasher.add(file)
                if let data = try? Data(contentsOf: dir.appendingPathComponent(file)) { hasher.add(data) }
            }
        }
        let key = hasher.hexDigest
        lock.lock()
        if let words = memo[key] { lock.unlock(); return words }
        lock.unlock()

        let cached = cacheDirectory?.appendingPathComponent("\(source.deletingPathExtension().lastPathComponent)-\(key).spv")
        if let cached, let data = try? Data(contentsOf: cached), data.count % 4 == 0, data.count > 20 {
            let words = data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
            if words.first == 0x0723_0203 {
                lock.lock(); memo[key] = words; cacheHits += 1; lock.unlock()
                return words
            }
        }

        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lacquer-\(UUID().uuidString).spv")
        defer { try? FileManager.default.removeItem(at: output) }
        // No spirv-opt (-O): it crashes or exhausts memory on large generated
        // material shaders, and every driver optimises the SPIR-V itself.
        var args = ["--target-env=vulkan1.2", "-o", output.path]
        for dir in includeDirectories { args += ["-I", dir.path] }
        for (key, value) in defines.sorted(by: { $0.key < $1.key }) { args.append("-D\(key)=\(value)") }
        args.append(source.path)
        let start = Date()
        let (status, errors) = run([glslc] + args)
        let elapsed = Date().timeIntervalSince(start)
        guard status == 0, let data = try? Data(contentsOf: output) else {
            throw VulkanError("shader \(source.lastPathComponent) failed to compile:\n\(errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let words = data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        lock.lock()
        memo[key] = words
        compileSeconds += elapsed
        cacheMisses += 1
        lock.unlock()
        logger.debug("compiled \(source.lastPathComponent) in \(String(format: "%.2f", elapsed)) s")
        if let cached, let dir = cacheDirectory {
            // Write-then-rename so a concurrent reader never sees a partial file.
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let temp = dir.appendingPathComponent(".\(UUID().uuidString).tmp")
            if (try? data.write(to: temp)) != nil {
                if rename(temp.path, cached.path) != 0 { try? FileManager.default.removeItem(at: temp) }
            }
        }
        return words
    }

    private func run(_ argv: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        do { try process.run() } catch { return (-1, "cannot run \(argv[0]): \(error)") }
        // A runaway optimiser must not hang a render or a CI run.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.timeoutSeconds, execute: watchdog)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        var text = String(decoding: data, as: UTF8.self)
        if process.terminationReason == .uncaughtSignal {
            text += "\n\(argv[0]) was killed (signal \(process.terminationStatus)) after at most \(Int(Self.timeoutSeconds)) s; the shader is too large to optimise"
        }
        return (process.terminationStatus, text)
    }

    private func runCapture(_ argv: [String]) -> String? {
        let (status, text) = run(argv)
        return status == 0 ? text : nil
    }
}

/// FNV-1a over 128 bits (two independent 64-bit lanes): stable across runs
/// and platforms, unlike Swift's seeded Hasher. Not cryptographic; used for
/// cache keys.
public struct StableHasher {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142
    public init() {}
    public mutating func add(_ data: Data) {
        data.withUnsafeBytes { raw in
            for byte in raw.bindMemory(to: UInt8.self) {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9
            }
        }
        // Separator so ("ab","c") and ("a","bc") differ.
        a = (a ^ 0xff) &* 0x0000_0100_0000_01b3
        b = (b ^ 0xff) &* 0x0000_0100_0000_01b3
    }
    public mutating func add(_ string: String) { add(Data(string.utf8)) }
    public var hexDigest: String { String(format: "%016llx%016llx", a, b) }
}
