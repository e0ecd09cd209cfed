import ArgumentParser
import Foundation
import Imaging

/// `lacquer compare A B`: error metrics between two renders of the same
/// view (B is the reference), an error heatmap and a side-by-side sheet.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two images (B is the reference): PSNR, relative MSE, SMAPE, heatmap, sheet.",
        discussion: "FLIP (the reference implementation) is computed by Tools/flip A.exr B.exr, which installs flip-evaluator from PyPI.")

    @Argument(help: "Test image (.exr or .png).") var a: String
    @Argument(help: "Reference image (.exr or .png).") var b: String
    @Option(help: "Write the error heatmap PNG here.") var heatmap: String?
    @Option(help: "Write the side-by-side sheet (A | B | error) PNG here.") var sheet: String?
    @Option(parsing: .unconditional, help: "Exposure in stops for the A and B columns of the sheet.") var exposure: Float = 0
    @Flag(help: "Print the metrics as JSON.") var json = false

    /// Every option and output path, before the images are read.
    func validate() throws {
        if let problem = CommandSupport.finiteProblem(Double(exposure), option: "--exposure") { throw ValidationError(problem) }
        for (option, path) in [("--heatmap", heatmap), ("--sheet", sheet)] {
            guard let path else { continue }
            if !path.lowercased().hasSuffix(".png") { throw ValidationError("\(option) \(path): the path must end in .png") }
            if let problem = CommandSupport.outputPathProblem(path, option: option) { throw ValidationError(problem) }
        }
    }

    static func load(_ path: String) throws -> Image {
        if let problem = CommandSupport.inputPathProblem(path, what: "image") { CommandSupport.fail(problem) }
        let lower = path.lowercased()
        if lower.hasSuffix(".exr") { return try readEXR(path) }
        if lower.hasSuffix(".png") { return try readPNG(path) }
        throw ValidationError("\(path): unsupported image type; use .exr or .png")
    }

    func run() throws {
        let imageA: Image, imageB: Image, metrics: ImageComparison
        do {
            imageA = try Self.load(a)
            imageB = try Self.load(b)
            guard imageA.width == imageB.width, imageA.height == imageB.height else {
                CommandSupport.fail("\(a) is \(imageA.width)×\(imageA.height) but \(b) is \(imageB.width)×\(imageB.height); render both at the same size")
            }
            metrics = try compareImages(imageA, imageB)
            if let heatmap { try writePNG(try errorHeatmap(imageA, imageB), to: heatmap, toneMap: .clamp) }
            if let sheet {
                try writePNG(try comparisonSheet(imageA, imageB, displayToneMap: .aces, exposure: exposure), to: sheet, toneMap: .clamp)
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            CommandSupport.fail("\(error)")
        }
        if json {
            let object: [String: Any] = ["a": a, "b": b, "width": imageA.width, "height": imageA.height,
                                         "psnr": metrics.psnr.isFinite ? metrics.psnr : 999.0,
                                         "relative_mse": metrics.relativeMSE, "smape": metrics.smape]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "PSNR %.2f dB, relative MSE %.5f, SMAPE %.5f (%d×%d, reference %@)",
                         metrics.psnr, metrics.relativeMSE, metrics.smape, imageA.width, imageA.height, b))
        }
    }
}
