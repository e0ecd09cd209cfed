import Foundation
import FuzzTargets

// Built two ways. `Tools/fuzz` compiles it with -sanitize=fuzzer and
// -D LACQUER_LIBFUZZER: libFuzzer supplies main() and calls
// LLVMFuzzerTestOneInput for the target named by $LACQUER_FUZZ_TARGET.
// A plain `swift build` gives a replay tool instead:
// `lacquer-fuzz TARGET FILE...` runs saved inputs (e.g. a crash reproducer)
// through one target without sanitizers.

#if LACQUER_LIBFUZZER

/// The target chosen once per process; an unknown name stops the run with the list of names.
private let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["LACQUER_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("lacquer-fuzz: error: set LACQUER_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

/// Called by libFuzzer once before the first input (and outside its time-outs).
@_cdecl("LLVMFuzzerInitialize")
public func lacquerFuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    selectedTarget.prepare()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func lacquerFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// libFuzzer's driver (exported by its runtime), declared here because no C header is imported.
@_silgen_name("LLVMFuzzerRunDriver")
private func runLibFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links debug executables with `main` aliased to `<module>_main`
/// (so tests can import executables); with no `@main` here that symbol must
/// exist, and it hands control to libFuzzer exactly as libFuzzer's own main would.
@_cdecl("lacquer_fuzz_main")
public func lacquerFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runLibFuzzerDriver(&count, &arguments, lacquerFuzzTestOneInput)
}

#else

@main
struct LacquerFuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: lacquer-fuzz TARGET FILE... (targets: \(names))\n".utf8))
            exit(2)
        }
        target.prepare()
        for file in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("lacquer-fuzz: error: \(file): cannot read the file; check the path\n".utf8))
                exit(1)
            }
            target.run(data)
            print("\(name): \(file): ok (\(data.count) bytes)")
        }
    }
}

#endif
