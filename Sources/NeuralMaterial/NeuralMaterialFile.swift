import Foundation
import Materials

/// Provenance and results of a bake, stored as `__metadata__` strings.
public struct NeuralMaterialMetadata: Equatable, Sendable {
    public var sourceMaterialName: String
    /// Content hash of the source material file(s), e.g. "fnv1a64:0123456789abcdef"; lets a
    /// renderer notice that a `.nmat` is stale.
    public var sourceContentHash: String
    /// Training settings as a JSON object (preset, budget, batch, schedule…).
    public var trainingSettingsJSON: String
    public var seed: UInt64
    /// Held-out metrics as a JSON object (log-L1, relative error, sampler KL…).
    public var finalMetricsJSON: String

    public init(sourceMaterialName: String, sourceContentHash: String, trainingSettingsJSON: String = "{}", seed: UInt64, finalMetricsJSON: String = "{}") {
        self.sourceMaterialName = sourceMaterialName
        self.sourceContentHash = sourceContentHash
        self.trainingSettingsJSON = trainingSettingsJSON
        self.seed = seed
        self.finalMetricsJSON = finalMetricsJSON
    }
}

/// A `.nmat` neural material: a safetensors file (docs/NMAT_FORMAT.md).
///
/// `parameters` / `latents` hold float32 values. When written, every tensor
/// is stored as F16 (what the renderer uploads); with `includeFloat32Masters`
/// the exact float32 values are stored too under an `f32.` prefix, which is
/// what a checkpoint needs to resume bit-exactly. On load the float32 copies
/// are used when present, the widened F16 values otherwise.
public struct NeuralMaterialFile: Equatable, Sendable {
    public static let formatName = "lacquer-nmat"
    /// Version 2 added `calibration.level_scales`; a file without them is
    /// written as version 1, byte for byte what earlier builds wrote, so only
    /// files that need the new tensor are refused by an older reader, and
    /// with a message about the version rather than an unknown tensor.
    public static let formatVersion = 2
    public static let supportedVersions: ClosedRange<Int> = 1...2
    /// The version this file is written as.
    public var writtenVersion: Int { levelScales == nil ? 1 : 2 }
    public static let float32Prefix = "f32."

    public var architecture: NeuralArchitecture { parameters.architecture }
    public var parameters: DecoderParameters
    public var latents: LatentPyramid<Float>
    public var metadata: NeuralMaterialMetadata
    public var includeFloat32Masters: Bool
    /// Whether the loaded file carried float32 copies.
    public private(set) var loadedFloat32Masters = false
    /// Per latent level, the factor the BRDF output is multiplied by when
    /// the renderer reads that level (RGB; level 0 first). nil = 1 at every
    /// level (files baked before per-level calibration). Why: a twin's
    /// brightness drifts with the level — on a glinty material the coarse
    /// levels' footprint-averaged targets are noisy and the log-L1 fit sits
    /// below their mean (docs/BAKING.md "Energy calibration").
    public var levelScales: [SIMD3<Float>]?

    public static let levelScalesTensorName = "calibration.level_scales"

    public init(parameters: DecoderParameters, latents: LatentPyramid<Float>, metadata: NeuralMaterialMetadata, includeFloat32Masters: Bool = false,
                levelScales: [SIMD3<Float>]? = nil) {
        precondition(levelScales.map { $0.count == latents.levelCount } ?? true, "one level scale per latent level")
        self.parameters = parameters
        self.latents = latents
        self.metadata = metadata
        self.includeFloat32Masters = includeFloat32Masters
        self.levelScales = levelScales
    }

    /// The output factor at `level` (1 without level scales).
    public func levelScale(_ level: Int) -> SIMD3<Float> {
        guard let levelScales, levelScales.indices.contains(level) else { return SIMD3(repeating: 1) }
        return levelScales[level]
    }

    public static func latentTensorName(level: Int) -> String { "latents.\(level)" }

    /// Decoders ready for CPU inference (fp16-rounded weights, as the GPU sees them).
    public func decoders() -> NeuralDecoders { NeuralDecoders(parameters: parameters) }

    // MARK: - Encoding

    public func safetensors() -> SafeTensorsFile {
        var tensors: [SafeTensor] = []
        for (l, lv) in latents.levels.enumerated() {
            tensors.append(SafeTensor(name: Self.latentTensorName(level: l), shape: [lv.height, lv.width, lv.channels], float16: lv.values))
        }
        for t in parameters.layout {
            tensors.append(SafeTensor(name: t.name, shape: t.shape, float16: Array(parameters.values[t.range])))
        }
        if let levelScales {
            tensors.append(SafeTensor(name: Self.levelScalesTensorName, shape: [levelScales.count, 3],
                                      float32: levelScales.flatMap { [$0.x, $0.y, $0.z] }))
        }
        if includeFloat32Masters {
            for (l, lv) in latents.levels.enumerated() {
                tensors.append(SafeTensor(name: Self.float32Prefix + Self.latentTensorName(level: l), shape: [lv.height, lv.width, lv.channels], float32: lv.values))
            }
            for t in parameters.layout {
                tensors.append(SafeTensor(name: Self.float32Prefix + t.name, shape: t.shape, float32: Array(parameters.values[t.range])))
            }
        }
        let md: [String: String] = [
            "format": Self.formatName,
            "format_version": String(writtenVersion),
            "architecture": architecture.jsonString(),
            "latent_resolution": "\(latents.width)x\(latents.height)",
            "latent_levels": String(latents.levelCount),
            "source_material": metadata.sourceMaterialName,
            "source_hash": metadata.sourceContentHash,
            "training": metadata.trainingSettingsJSON,
            "seed": String(metadata.seed),
            "metrics": metadata.finalMetricsJSON,
        ]
        return SafeTensorsFile(tensors: tensors, metadata: md)
    }

    public func serialized() -> Data { safetensors().serialized() }

    /// Writes atomically: a temporary file in the same directory, then
    /// rename(2), so a reader (or a crash) never sees a partial `.nmat`.
    public func write(to path: String) throws {
        try Self.atomicWrite(serialized(), to: path)
    }

    public static func atomicWrite(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: tmp)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw NeuralMaterialError.io(file: path, reason: "cannot write temporary file in \(dir.path): \(error.localizedDescription)")
        }
        if rename(tmp.path, url.path) != 0 {
            let e = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw NeuralMaterialError.io(file: path, reason: "cannot move the finished file into place: \(e)")
        }
    }

    // MARK: - Decoding

    public static func load(path: String) throws -> NeuralMaterialFile {
        let data: Data
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NeuralMaterialError.io(file: path, reason: "cannot read: no such file; check the path")
        }
        guard !isDirectory.boolValue else {
            throw NeuralMaterialError.io(file: path, reason: "is a directory, not a .nmat file; pass the file itself")
        }
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            // Foundation's description names an error domain and a number; say it plainly.
            throw NeuralMaterialError.io(file: path, reason: "cannot read the file; check its permissions")
        }
        return try decode(data, file: path)
    }

    /// Parses and validates a `.nmat` (see the class doc for what is checked).
    public static func decode(_ data: Data, file: String) throws -> NeuralMaterialFile {
        let st = try SafeTensorsFile.parse(data, file: file)
        let md = st.metadata
        func field(_ k: String) throws -> String {
            guard let v = md[k] else { throw NeuralMaterialError.badMetadata(file: file, field: k, detail: "missing") }
            return v
        }
        if let f = md["format"], f != formatName {
            throw NeuralMaterialError.badMetadata(file: file, field: "format", detail: "is '\(f)', expected '\(formatName)'")
        }
        let versionText = try field("format_version")
        guard let version = Int(versionText) else {
            throw NeuralMaterialError.badMetadata(file: file, field: "format_version", detail: "'\(versionText)' is not an integer")
        }
        guard supportedVersions.contains(version) else {
            throw NeuralMaterialError.unsupportedVersion(file: file, found: versionText, supported: "\(supportedVersions.lowerBound)...\(supportedVersions.upperBound)")
        }
        let arch: NeuralArchitecture
        do {
            arch = try NeuralArchitecture.fromJSON(try field("architecture"))
        } catch let e as NeuralMaterialError {
            if case .badMetadata = e { throw e }
            throw NeuralMaterialError.badMetadata(file: file, field: "architecture", detail: e.description)
        }
        let resText = try field("latent_resolution")
        let res = resText.split(separator: "x").compactMap { Int($0) }
        guard res.count == 2, res.allSatisfy({ (1...65536).contains($0) }) else {
            throw NeuralMaterialError.badMetadata(file: file, field: "latent_resolution", detail: "'\(resText)' is not WIDTHxHEIGHT")
        }
        let levelsText = try field("latent_levels")
        guard let levelCount = Int(levelsText), levelCount >= 1, levelCount <= LatentPyramid<Float>.fullLevelCount(width: res[0], height: res[1]) else {
            throw NeuralMaterialError.badMetadata(file: file, field: "latent_levels", detail: "'\(levelsText)' is not 1...\(LatentPyramid<Float>.fullLevelCount(width: res[0], height: res[1])) for \(resText)")
        }
        let seedText = try field("seed")
        guard let seed = UInt64(seedText) else {
            throw NeuralMaterialError.badMetadata(file: file, field: "seed", detail: "'\(seedText)' is not an unsigned integer")
        }
        for k in ["training", "metrics"] {
            let v = try field(k)
            guard (try? JSONSerialization.jsonObject(with: Data(v.utf8))) is [String: Any] else {
                throw NeuralMaterialError.badMetadata(file: file, field: k, detail: "is not a JSON object")
            }
        }
        let metadata = NeuralMaterialMetadata(sourceMaterialName: try field("source_material"), sourceContentHash: try field("source_hash"),
                                              trainingSettingsJSON: try field("training"), seed: seed, finalMetricsJSON: try field("metrics"))

        // Expected tensors and shapes.
        var expected: [(String, [Int])] = []
        let C = arch.latentChannels
        for l in 0..<levelCount {
            expected.append((latentTensorName(level: l), [max(1, res[1] >> l), max(1, res[0] >> l), C]))
        }
        var params = DecoderParameters(architecture: arch)
        for t in params.layout { expected.append((t.name, t.shape)) }
        let byName = Dictionary(st.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let expectedNames = Set(expected.map(\.0))
        for t in st.tensors where t.name != levelScalesTensorName {
            let base = t.name.hasPrefix(float32Prefix) ? String(t.name.dropFirst(float32Prefix.count)) : t.name
            guard expectedNames.contains(base) else {
                throw NeuralMaterialError.badTensor(file: file, tensor: t.name, detail: "is not part of architecture \(arch.decoderName) with \(levelCount) latent levels")
            }
        }
        var hasMasters = false
        func values(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let t = byName[name] else { throw NeuralMaterialError.missingTensor(file: file, tensor: name) }
            guard t.dtype == .f16 else {
                throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "dtype \(t.dtype.rawValue), expected F16")
            }
            guard t.shape == shape else {
                throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "shape \(t.shape), architecture requires \(shape)")
            }
            var v = try finite(t, file: file)
            if let m = byName[float32Prefix + name] {
                guard m.dtype == .f32 else {
                    throw NeuralMaterialError.badTensor(file: file, tensor: m.name, detail: "dtype \(m.dtype.rawValue), expected F32")
                }
                guard m.shape == shape else {
                    throw NeuralMaterialError.badTensor(file: file, tensor: m.name, detail: "shape \(m.shape), architecture requires \(shape)")
                }
                v = try finite(m, file: file)
                hasMasters = true
            }
            return v
        }
        var levels: [LatentLevel<Float>] = []
        for l in 0..<levelCount {
            let (name, shape) = expected[l]
            levels.append(LatentLevel(width: shape[1], height: shape[0], channels: C, values: try values(name, shape)))
        }
        for t in params.layout {
            let v = try values(t.name, t.shape)
            params.values.replaceSubrange(t.range, with: v)
        }
        var scales: [SIMD3<Float>]?
        if let t = byName[levelScalesTensorName] {
            guard version >= 2 else {
                throw NeuralMaterialError.badTensor(file: file, tensor: t.name, detail: "needs format_version 2, the file says \(version)")
            }
            guard t.dtype == .f32, t.shape == [levelCount, 3] else {
                throw NeuralMaterialError.badTensor(file: file, tensor: t.name, detail: "\(t.dtype.rawValue) \(t.shape), expected F32 [\(levelCount), 3] (one RGB factor per latent level)")
            }
            let v = try finite(t, file: file)
            if let i = v.firstIndex(where: { !($0 > 0) }) {
                throw NeuralMaterialError.badTensor(file: file, tensor: t.name, detail: "value \(v[i]) at index \(i) is not positive; re-bake the material")
            }
            scales = (0..<levelCount).map { SIMD3(v[3 * $0], v[3 * $0 + 1], v[3 * $0 + 2]) }
        }
        var f = NeuralMaterialFile(parameters: params, latents: LatentPyramid(levels: levels), metadata: metadata, includeFloat32Masters: hasMasters,
                                   levelScales: scales)
        f.loadedFloat32Masters = hasMasters
        return f
    }

    private static func finite(_ t: SafeTensor, file: String) throws -> [Float] {
        let v = t.floats()
        if let i = v.firstIndex(where: { !$0.isFinite }) {
            throw NeuralMaterialError.nonFinite(file: file, tensor: t.name, index: i)
        }
        return v
    }

    // MARK: - Summary

    /// Human-readable description for `lacquer info FILE.nmat`.
    public func summary(file: String? = nil) -> String {
        let a = architecture
        let latentBytes = latents.totalValueCount * 2
        let paramCount = parameters.count
        var lines: [String] = []
        if let file { lines.append("neural material  \(file)") }
        lines.append("  format         \(Self.formatName) v\(writtenVersion)")
        lines.append("  source         \(metadata.sourceMaterialName) (\(metadata.sourceContentHash))")
        lines.append("  decoder        \(a.decoderName): \(a.description)")
        lines.append("  latents        \(latents.width)x\(latents.height)x\(a.latentChannels), \(latents.levelCount) levels, fp16, \(String(format: "%.2f", Double(latentBytes) / 1_048_576)) MiB")
        lines.append("  parameters     \(paramCount) decoder weights (fp16), \(a.brdfMACs) MAC/BRDF eval, \(a.samplerMACs) MAC/sampler eval")
        if let levelScales {
            let scales = levelScales.map { String(format: "%.3f", luminance($0.x, $0.y, $0.z)) }
            lines.append("  level scales   \(scales.joined(separator: " ")) (luminance, level 0 first)")
        }
        lines.append("  float32 copies \(includeFloat32Masters ? "yes (checkpoint)" : "no")")
        lines.append("  seed           \(metadata.seed)")
        lines.append("  training       \(metadata.trainingSettingsJSON)")
        lines.append("  metrics        \(metadata.finalMetricsJSON)")
        return lines.joined(separator: "\n")
    }
}
