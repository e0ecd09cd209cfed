import Foundation
import Logging

/// Shared CLI plumbing: logging to stderr and user-facing error exits.
enum CommandSupport {
    static func makeLogger(verbose: Bool = false) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .info
            return handler
        }
        return Logger(label: "lacquer")
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        exit(1)
    }

    /// Why `path` cannot receive an output file, or nil when it can: checked
    /// before any work starts so that a finished render or bake is never lost
    /// to a typo. `option` names the flag in the message ("-o", "--png").
    static func outputPathProblem(_ path: String, option: String) -> String? {
        if path.isEmpty { return "\(option): the path is empty; name a file" }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (fm.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            return "\(option) \(path): is a directory; name a file inside it"
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard fm.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "\(option) \(path): the folder \(dir) does not exist; create it or choose another path"
        }
        guard access(dir, W_OK) == 0 else { return "\(option) \(path): the folder \(dir) is not writable; choose another path" }
        return nil
    }

    /// Why `path` cannot be read as an input file, or nil when it can.
    static func inputPathProblem(_ path: String, what: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "\(path): no such file; check the \(what) path"
        }
        if isDirectory.boolValue { return "\(path): is a directory, not a \(what) file; pass the file itself" }
        guard access(path, R_OK) == 0 else { return "\(path): not readable (permissions); check the \(what) file" }
        return nil
    }

    /// A numeric option must be a finite number ("nan" and "inf" parse as Floats).
    static func finiteProblem(_ value: Double?, option: String) -> String? {
        guard let value, !value.isFinite else { return nil }
        return "\(option) \(value): must be a finite number"
    }

    static func formatSeconds(_ s: Double) -> String {
        if s < 1 { return String(format: "%.0f ms", s * 1000) }
        if s < 120 { return String(format: "%.2f s", s) }
        return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
    }

    static func formatRate(_ r: Double) -> String {
        if r >= 1e9 { return String(format: "%.2f G", r / 1e9) }
        if r >= 1e6 { return String(format: "%.2f M", r / 1e6) }
        if r >= 1e3 { return String(format: "%.1f k", r / 1e3) }
        return String(format: "%.0f ", r)
    }
}

/// A progress bar with an ETA on a terminal; plain periodic lines otherwise.
final class ProgressReporter {
    let label: String
    let start = Date()
    let terminal = CommandSupport.stderrIsTerminal
    var lastPlainPercent = -1

    init(label: String) { self.label = label }

    func update(done: Int, total: Int, unit: String) {
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let elapsed = Date().timeIntervalSince(start)
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        if terminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = String(format: "\r%@ [%@] %3d%% %d/%d %@  ETA %@ ", label, bar, Int(fraction * 100), done, total, unit,
                              CommandSupport.formatSeconds(eta))
            FileHandle.standardError.write(Data(line.utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let percent = Int(fraction * 10) * 10
            if percent != lastPlainPercent {
                lastPlainPercent = percent
                FileHandle.standardError.write(Data("\(label): \(percent)% (\(done)/\(total) \(unit), ETA \(CommandSupport.formatSeconds(eta)))\n".utf8))
            }
        }
    }
}

/// Shows that the first dispatch is still working: on lavapipe the driver
/// compiles the whole pipeline then (seconds to minutes, more with more lobes),
/// and without a sign of life a user cannot tell it from a hang. On a terminal
/// a line counts the seconds until `stop()`; otherwise one plain line says
/// what is happening. Thread rule: the ticking and `stop()` both run on
/// `queue`, so the line is never written after `stop()` returns.
final class FirstDispatchIndicator: @unchecked Sendable {
    private let queue = DispatchQueue(label: "lacquer.first-dispatch")
    private var timer: DispatchSourceTimer?
    private let start = Date()
    private let label: String

    init(label: String) {
        self.label = label
        if CommandSupport.stderrIsTerminal {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler { [weak self] in self?.tick() }
            self.timer = timer
            timer.resume()
        } else {
            FileHandle.standardError.write(Data("\(label): first dispatch: the driver compiles the pipeline (on lavapipe this can take minutes)\n".utf8))
        }
    }

    private func tick() {
        let seconds = Int(Date().timeIntervalSince(start))
        FileHandle.standardError.write(Data("\r\(label): first dispatch, the driver is compiling the pipeline… \(seconds) s ".utf8))
    }

    /// Ends the indicator (idempotent) and clears its line on a terminal.
    func stop() {
        queue.sync {
            guard let timer else { return }
            timer.cancel()
            self.timer = nil
            FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 72) + "\r").utf8))
        }
    }
}
