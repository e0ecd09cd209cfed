import Foundation
import Imaging
import Materials
import NeuralMaterial
import Scenes

/// One parser or protocol that takes bytes from outside, as a fuzzing entry
/// point. `run` must never crash, hang or leak for any input: a thrown,
/// typed error is the expected answer to bad bytes, so it is discarded here.
/// The same functions serve libFuzzer (`Tools/fuzz`) and the corpus replay
/// in the ordinary test suite.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case sceneJSON = "scene-json"
    case materialJSON = "material-json"
    case materialX = "materialx"
    /// glTF JSON and binary GLB (the loader tells them apart by the magic
    /// number): geometry, then materials (whose errors do not decide acceptance).
    case gltf
    case obj
    /// `.nmat` files, and with them the SafeTensors container they use.
    case nmat
    case exr
    case png
    /// JPEG textures (libjpeg-turbo, decoded from memory).
    case jpeg
    /// The row files of `lacquer bsdf eval|sample`, evaluated on a bundled material.
    case bsdfRows = "bsdf-rows"

    /// One-time set-up outside the per-input time limit: the workspace, and
    /// the albedo tables that the first material build computes (seconds
    /// under the address sanitizer; cached on disk afterwards).
    public func prepare() {
        _ = FuzzWorkspace.shared
        switch self {
        case .bsdfRows: _ = BundledMaterials.all
        case .materialJSON, .materialX, .gltf: _ = AlbedoTables.shared
        default: break
        }
    }

    /// Feeds one input to the parser behind this target; errors are discarded.
    public func run(_ bytes: UnsafeRawBufferPointer) {
        _ = try? parse(Data(bytes))
    }

    /// Convenience for tests and the replay tool.
    public func run(_ data: Data) {
        _ = try? parse(data)
    }

    /// Parses one input, throwing the parser's error for bad input, and
    /// exercises what an accepted input produced (a material is evaluated,
    /// a neural material's decoders run). The replay test uses the error to
    /// check that the `valid-*` seeds really are accepted.
    public func parse(_ data: Data) throws {
        let workspace = FuzzWorkspace.shared
        switch self {
        case .sceneJSON:
            _ = try SceneLoader.parse(data: data, file: "fuzz.json", baseDirectory: workspace.directory)
        case .materialJSON:
            MaterialProbe.exercise(try JSONMaterialParser.parse(data: data, path: workspace.path("fuzz.json")))
        case .materialX:
            MaterialProbe.exercise(try MaterialXParser.parse(data: data, path: workspace.path("fuzz.mtlx")))
        case .gltf:
            let bytes = [UInt8](data)
            if let materials = try? GLTFMaterialParser.parseAll(bytes: bytes, path: workspace.path("fuzz.gltf")).materials {
                for m in materials { MaterialProbe.exercise(m) }
            }
            _ = try GLTFLoader.parse(bytes: bytes, file: workspace.path("fuzz.gltf"))
        case .obj:
            _ = try OBJLoader.parse(data: data, file: workspace.path("fuzz.obj"))
        case .nmat:
            NeuralMaterialProbe.exercise(try NeuralMaterialFile.decode(data, file: "fuzz.nmat"))
        case .exr:
            // The readers take paths only (OpenEXR opens the file itself).
            let path = try workspace.writeScratch(data, extension: "exr")
            _ = try? readEXRChannelNames(path)
            _ = try? readEXRChannels(path)
            _ = try readEXR(path, clampNegative: true)
        case .png:
            _ = try readPNG(try workspace.writeScratch(data, extension: "png"))
        case .jpeg:
            _ = try decodeJPEG8(data, path: "fuzz.jpg")
        case .bsdfRows:
            try BsdfRowsProbe.run(data)
        }
    }
}
