import Foundation
import XCTest
@testable import NeuralMaterial

final class NeuralMaterialFileTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("nmat-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func sample(masters: Bool = false, arch: NeuralArchitecture = .default) -> NeuralMaterialFile {
        NeuralMaterialFile(parameters: DecoderParameters.initialised(architecture: arch, seed: 5),
                           latents: LatentPyramid<Float>.random(width: 8, height: 4, seed: 6),
                           metadata: NeuralMaterialMetadata(sourceMaterialName: "rough_gold", sourceContentHash: "sha256:abc",
                                                            trainingSettingsJSON: #"{"preset":"quick"}"#, seed: 42,
                                                            finalMetricsJSON: #"{"log_l1":0.031}"#),
                           includeFloat32Masters: masters)
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// F16 tensors reload bit-exactly (to their fp16 rounding), F32 masters exactly.
    func testRoundTripIsBitExact() throws {
        let f = sample()
        try f.write(to: path("a.nmat"))
        let g = try NeuralMaterialFile.load(path: path("a.nmat"))
        XCTAssertEqual(g.architecture, f.architecture)
        XCTAssertEqual(g.metadata, f.metadata)
        XCTAssertEqual(g.parameters.values.map { Float16($0).bitPattern }, f.parameters.values.map { Float16($0).bitPattern })
        XCTAssertEqual(g.parameters.values, f.parameters.roundedToHalf().values)
        XCTAssertEqual(g.latents.levels.map { $0.values }, f.latents.toHalf().map(to: Float.self).levels.map { $0.values })
        XCTAssertFalse(g.loadedFloat32Masters)
        // Serialising the loaded file again gives the same bytes.
        XCTAssertEqual(g.serialized(), try Data(contentsOf: URL(fileURLWithPath: path("a.nmat"))))

        let m = sample(masters: true, arch: .brdf3x64)
        try m.write(to: path("m.nmat"))
        let n = try NeuralMaterialFile.load(path: path("m.nmat"))
        XCTAssertTrue(n.loadedFloat32Masters)
        XCTAssertEqual(n.parameters.values.map(\.bitPattern), m.parameters.values.map(\.bitPattern))
        XCTAssertEqual(n.latents, m.latents)
        // No temporary files left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.nmat", "m.nmat"])
    }

    /// The half-vector input set survives the file; files without the key
    /// (every bake before it) read as the paper's wi, wo, and wi, wo is not
    /// written, so those files keep their bytes.
    func testFrameInputsRoundTripAndDefault() throws {
        for (inputs, brdfInputs) in [(FrameInputs.withHalfVector, 26), (.halfDifference, 24)] {
            let arch = NeuralArchitecture(brdfHidden: [32, 32], frameInputs: inputs)
            XCTAssertEqual(arch.brdfInputs, brdfInputs)
            let f = sample(arch: arch)
            try f.write(to: path("h.nmat"))
            let g = try NeuralMaterialFile.load(path: path("h.nmat"))
            XCTAssertEqual(g.architecture, arch)
            let d = NeuralDecoders(parameters: g.parameters)
            let latent = (0..<8).map { Float($0) * 0.1 - 0.3 }
            let wi = SIMD3<Float>(0.3, 0.1, 0.95), wo = SIMD3<Float>(-0.4, 0.2, 0.89)
            let scalar = d.evalBRDFScalar(latent: latent, wi: wi, wo: wo), batched = try d.evalBRDF(latents: latent, wi: [wi], wo: [wo])[0]
            for k in 0..<3 { XCTAssertEqual(scalar[k], batched[k], accuracy: 1e-5 * scalar[k]) }
            XCTAssertTrue(arch.jsonString().contains(#""frameInputs":"\#(inputs.rawValue)""#))
        }
        XCTAssertFalse(NeuralArchitecture.default.jsonString().contains("frameInputs"))
        let old = #"{"brdfHidden":[32,32],"latentChannels":8,"outputOffset":3,"samplerHidden":[32,32,32]}"#
        XCTAssertEqual(try NeuralArchitecture.fromJSON(old), .default)
        XCTAssertThrowsError(try NeuralArchitecture.fromJSON(#"{"brdfHidden":[32,32],"latentChannels":8,"outputOffset":3,"samplerHidden":[32,32,32],"frameInputs":"h"}"#))
    }

    /// The smooth ReLU survives the file, the paper's ReLU is not written
    /// (older files keep their bytes and read as ReLU), and an unknown
    /// activation is refused.
    func testActivationRoundTripAndDefault() throws {
        let smooth = NeuralArchitecture(brdfHidden: [16, 16], brdfActivation: .smoothReLU)
        try sample(arch: smooth).write(to: path("m.nmat"))
        let g = try NeuralMaterialFile.load(path: path("m.nmat"))
        XCTAssertEqual(g.architecture, smooth)
        XCTAssertNotEqual(g.architecture, NeuralArchitecture.brdf2x16)
        XCTAssertTrue(smooth.jsonString().contains(#""brdfActivation":"smelu""#))
        XCTAssertFalse(NeuralArchitecture.brdf2x16.jsonString().contains("brdfActivation"))
        let old = #"{"brdfHidden":[16,16],"latentChannels":8,"outputOffset":3,"samplerHidden":[32,32,32]}"#
        XCTAssertEqual(try NeuralArchitecture.fromJSON(old).brdfActivation, .relu)
        XCTAssertThrowsError(try NeuralArchitecture.fromJSON(#"{"brdfHidden":[16,16],"latentChannels":8,"outputOffset":3,"samplerHidden":[32,32,32],"brdfActivation":"gelu"}"#))
    }

    /// Level scales round-trip exactly (F32) in a version-2 file; a file
    /// without them stays version 1; bad scales are refused with the tensor's name.
    func testLevelScalesRoundTripAndValidation() throws {
        var f = sample()
        XCTAssertEqual(f.writtenVersion, 1)
        XCTAssertEqual(f.levelScale(3), SIMD3(1, 1, 1))
        let scales: [SIMD3<Float>] = [SIMD3(1, 1, 1), SIMD3(1.1, 1.2, 1.3), SIMD3(0.7, 0.71, 0.72), SIMD3(2.5, 1e-3, 3)]
        f.levelScales = scales
        try f.write(to: path("scaled.nmat"))
        let g = try NeuralMaterialFile.load(path: path("scaled.nmat"))
        XCTAssertEqual(g.levelScales, scales)
        XCTAssertEqual(g.levelScale(1), SIMD3(1.1, 1.2, 1.3))
        XCTAssertEqual(g.writtenVersion, 2)
        XCTAssertTrue(g.summary().contains("level scales"))
        let data = f.serialized()
        let n = Int(data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        let json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
        XCTAssertEqual((json["__metadata__"] as? [String: String])?["format_version"], "2")
        XCTAssertEqual((json[NeuralMaterialFile.levelScalesTensorName] as? [String: Any])?["shape"] as? [Int], [4, 3])

        func rebuilt(_ edit: (inout [String: Any]) -> Void, values: [Float]? = nil) throws -> Data {
            var j = json
            edit(&j)
            var area = data.subdata(in: (8 + n)..<data.count)
            if let values {   // overwrite the scales' bytes in place
                let range = ((j[NeuralMaterialFile.levelScalesTensorName] as! [String: Any])["data_offsets"] as! [Int])
                var bytes = Data()
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
                area.replaceSubrange(range[0]..<range[1], with: bytes)
            }
            let header = try JSONSerialization.data(withJSONObject: j)
            var out = Data()
            withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
            return out + header + area
        }
        expectError(try rebuilt { j in
            var md = j["__metadata__"] as! [String: String]; md["format_version"] = "1"; j["__metadata__"] = md
        }, [NeuralMaterialFile.levelScalesTensorName, "format_version 2"])
        expectError(try rebuilt({ _ in }, values: [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1]), [NeuralMaterialFile.levelScalesTensorName, "not positive", "index 6"])
        expectError(try rebuilt({ _ in }, values: [1, 1, 1, 1, 1, 1, 1, .nan, 1, 1, 1, 1]), [NeuralMaterialFile.levelScalesTensorName, "non-finite"])
        expectError(try rebuilt { j in
            var e = j[NeuralMaterialFile.levelScalesTensorName] as! [String: Any]; e["shape"] = [3, 4]; j[NeuralMaterialFile.levelScalesTensorName] = e
        }, [NeuralMaterialFile.levelScalesTensorName, "[4, 3]"])
    }

    func testHeaderIsStandardSafetensors() throws {
        let data = sample().serialized()
        let n = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        XCTAssertEqual((8 + Int(n)) % 8, 0)
        let json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + Int(n)))) as? [String: Any]
        let md = json?["__metadata__"] as? [String: String]
        XCTAssertEqual(md?["format_version"], "1")
        XCTAssertEqual(md?["latent_resolution"], "8x4")
        XCTAssertEqual(md?["latent_levels"], "4")
        let l0 = json?["latents.0"] as? [String: Any]
        XCTAssertEqual(l0?["dtype"] as? String, "F16")
        XCTAssertEqual(l0?["shape"] as? [Int], [4, 8, 8])
        XCTAssertEqual((json?["brdf.0.weight"] as? [String: Any])?["shape"] as? [Int], [32, 20])
    }

    func testSummaryMentionsTheEssentials() {
        let s = sample().summary(file: "x.nmat")
        for needle in ["x.nmat", "rough_gold", "sha256:abc", "2x32", "8x4x8", "4 levels", "seed           42", "log_l1"] {
            XCTAssertTrue(s.contains(needle), "summary lacks '\(needle)':\n\(s)")
        }
    }

    // MARK: - Bad files

    private func expectError(_ data: Data, _ needles: [String], file: StaticString = #filePath, line: UInt = #line) {
        let p = path("bad.nmat")
        XCTAssertTrue(FileManager.default.createFile(atPath: p, contents: data))
        XCTAssertThrowsError(try NeuralMaterialFile.load(path: p), file: file, line: line) { e in
            let msg = "\(e)"
            XCTAssertTrue(msg.hasPrefix(p), "message must start with the file: \(msg)", file: file, line: line)
            XCTAssertFalse(msg.contains("\n"), file: file, line: line)
            for n in needles { XCTAssertTrue(msg.contains(n), "'\(msg)' lacks '\(n)'", file: file, line: line) }
        }
    }

    /// Rebuilds a file with an edited header (same data area).
    private func withHeader(_ edit: (inout [String: Any]) -> Void) throws -> Data {
        let data = sample().serialized()
        let n = Int(data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        var json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
        edit(&json)
        let header = try JSONSerialization.data(withJSONObject: json)
        var out = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(header)
        out.append(data.subdata(in: (8 + n)..<data.count))
        return out
    }

    func testTruncatedFiles() throws {
        let data = sample().serialized()
        expectError(data.prefix(5), ["truncated", "8-byte"])
        expectError(data.prefix(100), ["truncated", "header claims"])
        expectError(data.prefix(data.count - 10), ["truncated", "tensor '"])
    }

    func testGarbledHeader() throws {
        var data = sample().serialized()
        data[12] = 0x7b; data[13] = 0x7b; data[14] = 0x22   // "{{\"" — not JSON
        expectError(data, ["invalid safetensors header", "not valid JSON"])
        var huge = data
        huge.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Data($0) })
        expectError(huge, ["header length", "implausible"])
        expectError(try withHeader { $0["latents.0"] = ["dtype": "F16", "shape": [4, 8, 8], "data_offsets": [64, 0]] }, ["latents.0", "reversed"])
        expectError(try withHeader { j in
            var e = j["brdf.0.bias"] as! [String: Any]; let o = (j["brdf.0.weight"] as! [String: Any])["data_offsets"] as! [Int]
            e["data_offsets"] = [o[0], o[0] + 64]; j["brdf.0.bias"] = e
        }, ["overlaps"])
        expectError(try withHeader { j in var e = j["frame.weight"] as! [String: Any]; e["dtype"] = "BF16"; j["frame.weight"] = e }, ["frame.weight", "unsupported dtype BF16"])
    }

    func testNaNTensor() throws {
        let f = sample()
        var bad = f
        bad.parameters.values[bad.parameters.tensor(named: "sampler.2.weight")!.offset + 7] = .nan
        expectError(bad.serialized(), ["sampler.2.weight", "non-finite", "element 7"])
        var badLatent = f
        badLatent.latents.levels[2].values[3] = .infinity
        expectError(badLatent.serialized(), ["latents.2", "non-finite"])
    }

    func testShapeMismatchAndMissingTensors() throws {
        // 2x32 weights declared as 2x16 architecture in the metadata.
        expectError(try withHeader { j in
            var md = j["__metadata__"] as! [String: String]; md["architecture"] = NeuralArchitecture.brdf2x16.jsonString(); j["__metadata__"] = md
        }, ["brdf.0.weight", "shape [32, 20]", "requires [16, 20]"])
        expectError(try withHeader { j in j.removeValue(forKey: "sampler.3.bias") }, ["sampler.3.bias", "missing"])
        expectError(try withHeader { j in
            var md = j["__metadata__"] as! [String: String]; md["latent_resolution"] = "16x4"; j["__metadata__"] = md
        }, ["latents.0", "shape [4, 8, 8]", "requires [4, 16, 8]"])
        expectError(try withHeader { j in j["extra.tensor"] = ["dtype": "F16", "shape": [0], "data_offsets": [0, 0]] }, ["extra.tensor", "not part of architecture"])
        expectError(try withHeader { j in
            var e = j["frame.weight"] as! [String: Any]; e["shape"] = [12, 9]; j["frame.weight"] = e
        }, ["frame.weight", "needs 216 bytes"])
    }

    func testVersionAndMetadataErrors() throws {
        expectError(try withHeader { j in
            var md = j["__metadata__"] as! [String: String]; md["format_version"] = "3"; j["__metadata__"] = md
        }, ["format_version", "is 3", "1...2"])
        expectError(try withHeader { j in
            var md = j["__metadata__"] as! [String: String]; md.removeValue(forKey: "seed"); j["__metadata__"] = md
        }, ["'seed'", "missing"])
        expectError(try withHeader { j in
            var md = j["__metadata__"] as! [String: String]; md["architecture"] = "{nope"; j["__metadata__"] = md
        }, ["'architecture'"])
        expectError(try withHeader { j in
            var md = j["__metadata__"] as! [String: String]; md["metrics"] = "[1,2]"; j["__metadata__"] = md
        }, ["'metrics'", "JSON object"])
    }

    func testMissingFileAndUnwritableDirectory() {
        XCTAssertThrowsError(try NeuralMaterialFile.load(path: path("nope.nmat"))) { e in
            XCTAssertTrue("\(e)".contains("nope.nmat") && "\(e)".contains("cannot read"))
        }
        XCTAssertThrowsError(try sample().write(to: path("no/such/dir/x.nmat"))) { e in
            XCTAssertTrue("\(e)".contains("x.nmat"), "\(e)")
        }
    }
}
