import Foundation
import Logging
import Materials
import NeuralMaterial
import Scenes
import ShaderInterface

/// Which appearance a scene's layered materials render with.
public enum MaterialMode: String, Sendable, CaseIterable {
    /// Neural where a valid, current `.nmat` exists; the layered reference otherwise (with a warning).
    case auto
    /// Every layered material through its neural twin; a missing, stale or
    /// incompatible `.nmat` is an error.
    case neural
    /// Every layered material through its generated reference code.
    case reference
}

/// A scene's materials prepared for the GPU (CPU side only): the generated
/// shader code (layered graphs, neural decoder architectures), the material
/// records, and the neural weights and latents to upload.
public struct SceneMaterials {
    public struct NeuralBinding {
        /// Index into the scene's materials.
        public var materialIndex: Int
        public var file: NeuralMaterialFile
        /// fp16 weights, two per word, in the layout the shaders read (`PackedDecoderWeights`).
        public var weights: [UInt32]

        init(materialIndex: Int, file: NeuralMaterialFile) {
            self.materialIndex = materialIndex
            self.file = file
            weights = PackedDecoderWeights(architecture: file.architecture).pack(file.parameters)
        }
    }

    public var code: SceneShaderCode
    public var records: [LQMaterial]
    public var neural: [NeuralBinding]
    /// Per scene material: "analytic", "reference" or "neural" (for logs and tests).
    public var kinds: [String]

    public init(scene: Scene, mode: MaterialMode = .auto, logger: Logger) throws {
        var code = SceneShaderCode()
        var records: [LQMaterial] = []
        var neural: [NeuralBinding] = []
        var kinds: [String] = []
        var loadedMaterials: [String: Material] = [:]
        var codeIndex: [String: Int] = [:]      // structure hash -> code.layered index
        var dataIndex: [String: (textureBase: Int, parameterBase: Int)] = [:]   // content hash -> first texture, first parameter
        var unbaked: [String] = []               // auto mode: no .nmat file yet

        for (index, named) in scene.materials.enumerated() {
            switch named.source {
            case .analytic(let analytic):
                // A built-in graph: rendered by its generated code like any layered material.
                records.append(Self.layeredRecord(analytic.graph(name: named.name), code: &code, codeIndex: &codeIndex, dataIndex: &dataIndex))
                kinds.append("analytic")
            case .layered(let binding):
                let material: Material
                if let cached = loadedMaterials[binding.source] {
                    material = cached
                } else {
                    do { material = try MaterialLoader.loadMaterial(path: binding.source) } catch {
                        throw RenderError("material \"\(named.name)\": \(error)")
                    }
                    loadedMaterials[binding.source] = material
                }
                if mode == .auto, binding.neural.map({ !FileManager.default.fileExists(atPath: $0) }) ?? true {
                    unbaked.append(named.name)
                } else if mode != .reference, let file = try Self.neuralFile(for: named.name, binding: binding, material: material,
                                                                              required: mode == .neural, logger: logger) {
                    var record = LQMaterial()
                    record.kind = UInt32(LQ_MATERIAL_NEURAL)
                    if let existing = code.neural.firstIndex(of: file.architecture) {
                        record.codeIndex = UInt32(existing)
                    } else {
                        record.codeIndex = UInt32(code.neural.count)
                        code.neural.append(file.architecture)
                    }
                    record.latentImage = UInt32(2 * neural.count)
                    record.latentLevels = UInt32(file.latents.levelCount)
                    record.latentWidth = UInt32(file.latents.width)
                    record.latentHeight = UInt32(file.latents.height)
                    neural.append(NeuralBinding(materialIndex: index, file: file))
                    records.append(record)
                    kinds.append("neural")
                    continue
                }
                records.append(Self.layeredRecord(material, code: &code, codeIndex: &codeIndex, dataIndex: &dataIndex))
                kinds.append("reference")
            }
        }
        if !unbaked.isEmpty {
            logger.notice("\(unbaked.count) layered material(s) have no baked .nmat (\(unbaked.joined(separator: ", "))); rendering their layered references (bake them with Tools/bake-assets or `lacquer bake`)")
        }
        code.latentImageCount = 2 * neural.count
        self.code = code
        self.records = records
        self.neural = neural
        self.kinds = kinds
    }

    /// Every layered material replaced by a neural material of `architecture`
    /// with seeded random weights and latents (`latentResolution`², full mip
    /// chain): for speed benchmarks only, where the cost depends on the
    /// architecture and not on the trained values.
    public static func synthetic(scene: Scene, architecture: NeuralArchitecture, latentResolution: Int = 512,
                                 logger: Logger) throws -> SceneMaterials {
        var prepared = try SceneMaterials(scene: scene, mode: .reference, logger: logger)
        // Keep the code of the built-in materials that stay; the layered files' code goes.
        var kept: [Int: Int] = [:]
        var layered: [SceneShaderCode.LayeredFunctions] = []
        for (index, kind) in prepared.kinds.enumerated() where kind != "reference" {
            let old = Int(prepared.records[index].codeIndex)
            if kept[old] == nil { kept[old] = layered.count; layered.append(prepared.code.layered[old]) }
            prepared.records[index].codeIndex = UInt32(kept[old]!)
        }
        prepared.code.layered = layered
        prepared.code.neural = [architecture]
        prepared.neural = []
        for (index, kind) in prepared.kinds.enumerated() where kind == "reference" {
            var parameters = DecoderParameters.initialised(architecture: architecture, seed: UInt64(index + 1))
            var rng = PCG32(seed: UInt64(index + 101))
            for i in parameters.values.indices { parameters.values[i] += 0.1 * (rng.nextFloat() * 2 - 1) }
            let latents = LatentPyramid<Float>.random(width: latentResolution, height: latentResolution, channels: 8,
                                                      levelCount: nil, seed: UInt64(index + 201), std: 0.5)
            let file = NeuralMaterialFile(parameters: parameters, latents: latents,
                                          metadata: NeuralMaterialMetadata(sourceMaterialName: "synthetic", sourceContentHash: "none", seed: 0))
            var record = LQMaterial()
            record.kind = UInt32(LQ_MATERIAL_NEURAL)
            record.codeIndex = 0
            record.latentImage = UInt32(2 * prepared.neural.count)
            record.latentLevels = UInt32(latents.levelCount)
            record.latentWidth = UInt32(latents.width)
            record.latentHeight = UInt32(latents.height)
            prepared.records[index] = record
            prepared.kinds[index] = "neural"
            prepared.neural.append(NeuralBinding(materialIndex: index, file: file))
        }
        prepared.code.latentImageCount = 2 * prepared.neural.count
        return prepared
    }

    /// The record of a layered material, adding its code (once per graph
    /// structure) and its textures and parameters (once per content) to `code`.
    static func layeredRecord(_ material: Material, code: inout SceneShaderCode, codeIndex: inout [String: Int],
                              dataIndex: inout [String: (textureBase: Int, parameterBase: Int)]) -> LQMaterial {
        var record = LQMaterial()
        record.kind = UInt32(LQ_MATERIAL_LAYERED)
        // One copy of the code per distinct graph structure, named by
        // its structure hash: materials that differ only in constants
        // share it (and so one compiled shading kernel), in every scene.
        // Textures and parameters are data, one copy per distinct content.
        let generated = generateGLSL(for: material, functionSuffix: "s")
        let structure = generated.structureHashHex
        let suffix = "s" + structure.prefix(16)
        if let existing = codeIndex[structure] {
            record.codeIndex = UInt32(existing)
        } else {
            codeIndex[structure] = code.layered.count
            record.codeIndex = UInt32(code.layered.count)
            code.layered.append(.init(source: generateGLSL(for: material, functionSuffix: suffix).source, suffix: suffix))
        }
        let hash = material.contentHashHex
        if let existing = dataIndex[hash] {
            record.textureBase = UInt32(existing.textureBase)
            record.parameterBase = UInt32(existing.parameterBase)
        } else {
            dataIndex[hash] = (code.textures.count, code.parameters.count)
            record.textureBase = UInt32(code.textures.count)
            record.parameterBase = UInt32(code.parameters.count)
            code.textures += generated.textures.map {
                SceneShaderCode.Texture(width: $0.width, height: $0.height, pixels: $0.pixels, clamp: $0.wrap == .clamp)
            }
            code.parameters += generated.parameters
        }
        return record
    }

    /// The shading unit of each scene material: materials with equal units
    /// share one compiled wavefront shading kernel.
    public var shadingUnits: [ShadingUnit] { records.map(ShadingUnit.init(record:)) }

    /// The neural twin to use, or nil to use the reference. A missing, stale
    /// (source changed since the bake) or unreadable `.nmat` is an error
    /// when `required`, otherwise a warning and the reference is used.
    static func neuralFile(for name: String, binding: LayeredBinding, material: Material,
                           required: Bool, logger: Logger) throws -> NeuralMaterialFile? {
        func problem(_ message: String) throws -> NeuralMaterialFile? {
            if required { throw RenderError(message) }
            logger.warning("\(message); rendering the layered reference instead")
            return nil
        }
        guard let path = binding.neural else {
            if required {
                throw RenderError("material \"\(name)\" has no \"neural\" file; bake one with `lacquer bake \(binding.source) -o NAME.nmat` and add it to the scene, or use --materials reference")
            }
            return nil
        }
        guard FileManager.default.fileExists(atPath: path) else {
            return try problem("material \"\(name)\": \(path) does not exist; bake it with `lacquer bake \(binding.source) -o \(path)`")
        }
        let file: NeuralMaterialFile
        do { file = try NeuralMaterialFile.load(path: path) } catch {
            return try problem("material \"\(name)\": \(error)")
        }
        let expected = "fnv1a64:" + material.contentHashHex
        guard file.metadata.sourceContentHash == expected else {
            return try problem("material \"\(name)\": \(path) is stale (baked from \(file.metadata.sourceContentHash), the source is now \(expected)); re-bake it with `lacquer bake \(binding.source) -o \(path)`")
        }
        guard file.architecture.latentChannels == 8 else {
            return try problem("material \"\(name)\": \(path) has \(file.architecture.latentChannels) latent channels; the renderer supports 8 (two RGBA16F images)")
        }
        return file
    }
}
