import Foundation
import Logging
import Materials
import NeuralMaterial
import Scenes
import ShaderInterface

/// A scene's materials assembled for the GPU (CPU side only) from what
/// `MaterialResolver` decided for each binding: the generated shader code
/// (one per layered graph structure, one per neural decoder architecture),
/// the material records, the layered materials' textures and parameters,
/// and the neural weights and latents to upload.
public struct SceneMaterials {
    public struct NeuralBinding {
        /// Index into the scene's materials.
        public var materialIndex: Int
        public var file: NeuralMaterialFile
        /// fp16 weights, two per word, then the level scales, in the layout the shaders read (`PackedDecoderWeights`).
        public var weights: [UInt32]

        init(materialIndex: Int, file: NeuralMaterialFile) {
            self.materialIndex = materialIndex
            self.file = file
            weights = PackedDecoderWeights(architecture: file.architecture).pack(file)
        }
    }

    /// What each scene material renders as.
    public let resolved: [ResolvedMaterial]
    public var code: SceneShaderCode
    public var records: [LQMaterial]
    public var neural: [NeuralBinding]
    /// Per scene material: its kind (for logs and tests).
    public var kinds: [ResolvedMaterial.Kind] { resolved.map(\.kind) }

    /// Resolves the scene's bindings (`MaterialResolver`) and assembles them.
    public init(scene: Scene, mode: MaterialMode = .auto, logger: Logger) throws {
        self.init(resolved: try MaterialResolver.resolve(scene: scene, mode: mode, logger: logger))
    }

    public init(resolved: [ResolvedMaterial]) {
        var code = SceneShaderCode()
        var records: [LQMaterial] = []
        var neural: [NeuralBinding] = []
        var codeIndex: [String: Int] = [:]      // structure hash -> code.layered index
        var dataIndex: [String: (textureBase: Int, parameterBase: Int)] = [:]   // content hash -> first texture, first parameter
        for (index, material) in resolved.enumerated() {
            switch material {
            case .analytic(let graph), .layered(let graph):
                records.append(Self.layeredRecord(graph, code: &code, codeIndex: &codeIndex, dataIndex: &dataIndex))
            case .neural(let file, _):
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
            }
        }
        code.latentImageCount = 2 * neural.count
        code.analyticOnly = !resolved.isEmpty && resolved.allSatisfy { $0.kind == .analytic }
        self.resolved = resolved
        self.code = code
        self.records = records
        self.neural = neural
    }

    /// Every layered material file replaced by a neural material of
    /// `architecture` with seeded random weights and latents
    /// (`latentResolution`², full mip chain); built-in types stay. For speed
    /// benchmarks only, where the cost depends on the architecture and not
    /// on the trained values.
    public static func synthetic(scene: Scene, architecture: NeuralArchitecture, latentResolution: Int = 512,
                                 logger: Logger) throws -> SceneMaterials {
        var resolved = try MaterialResolver.resolve(scene: scene, mode: .reference, logger: logger)
        for (index, named) in scene.materials.enumerated() {
            guard case .layered = named.source, case .layered(let graph) = resolved[index] else { continue }
            var parameters = DecoderParameters.initialised(architecture: architecture, seed: UInt64(index + 1))
            var rng = PCG32(seed: UInt64(index + 101))
            for i in parameters.values.indices { parameters.values[i] += 0.1 * (rng.nextFloat() * 2 - 1) }
            let latents = LatentPyramid<Float>.random(width: latentResolution, height: latentResolution, channels: 8,
                                                      levelCount: nil, seed: UInt64(index + 201), std: 0.5)
            let file = NeuralMaterialFile(parameters: parameters, latents: latents,
                                          metadata: NeuralMaterialMetadata(sourceMaterialName: "synthetic", sourceContentHash: "none", seed: 0))
            resolved[index] = .neural(file, source: graph)
        }
        return SceneMaterials(resolved: resolved)
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
}
