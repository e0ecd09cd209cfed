import Foundation
import Materials

/// The `lacquer bsdf eval|sample` protocol under the fuzzer. Input layout:
/// byte 0 picks a bundled material, bit 0 of byte 1 picks sample (1) or
/// eval (0), the rest is the row file exactly as the CLI reads it.
enum BsdfRowsProbe {
    /// Rows per input are capped so one input stays a few milliseconds.
    static let maxRows = 256

    static func run(_ data: Data) throws {
        let materials = BundledMaterials.all
        guard !materials.isEmpty else { throw MaterialError(.fileNotFound, file: "Assets/Materials", "no bundled material could be loaded") }
        guard data.count >= 2 else { throw MaterialError(.malformed, file: "fuzz.bin", "shorter than the 2-byte selector") }
        let material = materials[Int(data[data.startIndex]) % materials.count]
        let sample = data[data.startIndex + 1] & 1 == 1
        let rowBytes = Data(data.dropFirst(2))
        let rows = try BsdfBatchRows.decode(rowBytes, floatsPerRow: 6, file: "fuzz.bin")
        let input = Array(rows.prefix(maxRows * 6))
        let count = input.count / 6
        var output = [Float](repeating: 0, count: count * (sample ? 7 : 4))
        input.withUnsafeBufferPointer { i in
            output.withUnsafeMutableBufferPointer { o in
                if sample {
                    material.sampleBatch(i, stride: 6, output: o, uvFromRows: false)
                } else {
                    material.evalBatch(i, stride: 6, output: o, uvFromRows: false)
                }
            }
        }
        _ = BsdfBatchRows.encode(output)
    }
}

/// The repository's bundled materials (`Assets/Materials` of the checkout
/// this file was compiled from), sorted by file name; loaded once.
enum BundledMaterials {
    static let all: [Material] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Assets/Materials")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        return names.compactMap { try? MaterialLoader.loadMaterial(path: folder.appendingPathComponent($0).path) }
    }()
}
