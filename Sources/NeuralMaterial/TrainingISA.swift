import CTrainingKernels
import Foundation

/// The instruction set the training kernels (matrix products, Adam) run on.
///
/// **Decision:** one binary for every x86-64 machine. The fast paths are C
/// functions compiled per instruction set (`Sources/CTrainingKernels`,
/// function-level `target` attributes) and chosen here from the CPU's
/// features at run time, instead of building the whole package for
/// x86-64-v3 (which would crash with SIGILL on older CPUs). `portable` is the
/// Swift SIMD code in `MatrixKernels` (SSE2 on x86-64, NEON on aarch64, where
/// it is the only path).
///
/// Results are deterministic for a given ISA; different ISAs agree within
/// float tolerance (FMA rounds once, the portable path twice), so a bake
/// resumed bit-exactly needs the same ISA — the checkpoint does not pin it.
public enum TrainingISA: String, CaseIterable, Sendable, CustomStringConvertible {
    case portable
    case avx2FMA = "avx2-fma"
    case avx512

    /// Environment variable that forces a path (tests, benchmarks): `portable`, `avx2-fma` or `avx512`.
    public static let overrideVariable = "LACQUER_ISA"

    public var description: String { rawValue }

    /// Whether this CPU (and OS) can run the path.
    public var isSupported: Bool {
        switch self {
        case .portable: return true
        case .avx2FMA: return TrainingISA.cpu.avx2FMA
        case .avx512: return TrainingISA.cpu.avx512
        }
    }

    /// Every path this machine can run, portable first.
    public static var available: [TrainingISA] { allCases.filter(\.isSupported) }

    /// The fastest supported path.
    public static var best: TrainingISA { available.last ?? .portable }

    /// The path the process uses: `LACQUER_ISA` if set and supported, else the
    /// best. An unusable override falls back to the best here; the CLI checks
    /// `selection(environment:)` first and refuses it with a one-line error.
    public static let active: TrainingISA = (try? selection(environment: ProcessInfo.processInfo.environment)) ?? best

    /// Resolves the override in `environment`; a typed error for an unknown or unsupported name.
    public static func selection(environment: [String: String]) throws -> TrainingISA {
        guard let raw = environment[overrideVariable], !raw.isEmpty else { return best }
        return try named(raw, source: "\(overrideVariable)=\(raw)")
    }

    /// The path called `raw` if this CPU runs it; `source` names where the
    /// name came from (an option, the variable) in the one-line error.
    public static func named(_ raw: String, source: String) throws -> TrainingISA {
        guard let isa = TrainingISA(rawValue: raw.lowercased()) else {
            throw NeuralMaterialError.invalidArgument(
                detail: "\(source) is not an instruction-set path; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard isa.isSupported else {
            throw NeuralMaterialError.invalidArgument(
                detail: "\(source): this CPU cannot run it; available here: \(available.map(\.rawValue).joined(separator: ", "))")
        }
        return isa
    }

    /// `self` if this CPU runs it, else portable — so a caller passing an
    /// unsupported ISA (a test on an older machine) gets correct results, never SIGILL.
    @inline(__always)
    var runnable: TrainingISA { isSupported ? self : .portable }

    /// The entry point of a C kernel compiled once per instruction set that
    /// this path runs (the `runnable` one): `isa.kernel(f_portable, f_avx2_fma, f_avx512)(…)`.
    @inline(__always)
    func kernel<F>(_ portable: F, _ avx2FMA: F, _ avx512: F) -> F {
        switch runnable {
        case .portable: return portable
        case .avx2FMA: return avx2FMA
        case .avx512: return avx512
        }
    }

    private struct CPU { let avx2FMA: Bool; let avx512: Bool }
    private static let cpu = CPU(avx2FMA: lq_cpu_supports_avx2_fma() != 0, avx512: lq_cpu_supports_avx512() != 0)
}
