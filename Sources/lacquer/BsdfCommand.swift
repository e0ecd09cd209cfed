import ArgumentParser
import Foundation
import Materials

/// `lacquer bsdf eval|sample`: a batch protocol over raw little-endian float32
/// files for external test harnesses (no header; output written atomically).
struct BsdfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bsdf",
        abstract: "Evaluate or sample a layered material on batches of directions (raw float32 files).",
        subcommands: [Eval.self, Sample.self])

    struct Options: ParsableArguments {
        @Option(help: "Material file (.json, .mtlx, .gltf or .glb), FILE#NAME for one material of a file with several.")
        var material: String
        @Option(help: "Texture coordinate U,V for every row (default 0.5,0.5).")
        var uv: String?
        @Option(name: .customLong("in"), help: "Input file of float32 rows.")
        var input: String
        @Option(help: "Output file of float32 rows (written atomically).")
        var out: String
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rows [wi(3), wo(3)] -> rows [f*|cos(theta_o)| (RGB), pdf].")
        @OptionGroup var options: Options
        func run() throws {
            BsdfCommand.run(options, inFloats: 6, outFloats: 4, sample: false)
        }
    }

    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rows [wi(3), u0, u1, u2] -> rows [wo(3), pdf, weight(RGB)]; pdf = weight = 0 for a failed sample.")
        @OptionGroup var options: Options
        func run() throws {
            BsdfCommand.run(options, inFloats: 6, outFloats: 7, sample: true)
        }
    }

    struct BsdfCommandError: Error { let message: String }

    /// `process`, with every error turned into the one-line failure.
    static func run(_ o: Options, inFloats: Int, outFloats: Int, sample: Bool) {
        do { try process(o, inFloats: inFloats, outFloats: outFloats, sample: sample) } catch let e as BsdfCommandError {
            CommandSupport.fail(e.message)
        } catch {
            CommandSupport.fail("\(error)")
        }
    }

    static func parseUV(_ text: String?) throws -> SIMD2<Float> {
        guard let text else { return SIMD2(0.5, 0.5) }
        let parts = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let u = parts[0], let v = parts[1], u.isFinite, v.isFinite else {
            throw BsdfCommandError(message: "--uv '\(text)' is not two finite numbers U,V; write e.g. --uv 0.25,0.5")
        }
        return SIMD2(u, v)
    }

    static func process(_ o: Options, inFloats: Int, outFloats: Int, sample: Bool) throws {
        let uv = try parseUV(o.uv)
        if let problem = CommandSupport.outputPathProblem(o.out, option: "--out") { throw BsdfCommandError(message: problem) }
        if let problem = CommandSupport.inputPathProblem(o.input, what: "--in rows") { throw BsdfCommandError(message: problem) }
        let material = try MaterialLoader.loadMaterial(path: o.material)
        guard let data = FileManager.default.contents(atPath: o.input) else {
            throw BsdfCommandError(message: "\(o.input): cannot read the input file; check the path")
        }
        let input = try BsdfBatchRows.decode(data, floatsPerRow: inFloats, file: o.input)
        let rows = input.count / inFloats
        var output = [Float](repeating: 0, count: rows * outFloats)
        input.withUnsafeBufferPointer { i in
            output.withUnsafeMutableBufferPointer { out in
                if sample {
                    material.sampleBatch(i, stride: inFloats, output: out, defaultUV: uv, uvFromRows: false)
                } else {
                    material.evalBatch(i, stride: inFloats, output: out, defaultUV: uv, uvFromRows: false)
                }
            }
        }
        let bytes = BsdfBatchRows.encode(output)
        let tmp = o.out + ".tmp.\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: bytes) else {
            throw BsdfCommandError(message: "\(o.out): cannot write the output (temporary file \(tmp)); check the directory")
        }
        if rename(tmp, o.out) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw BsdfCommandError(message: "\(o.out): cannot move the finished output into place (\(reason))")
        }
    }
}
