import Foundation
import Logging
import Materials
import NeuralMaterial
import Scenes

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

/// What one scene material renders as, decided before any GPU work: a
/// material graph run by its generated code (a built-in type's or a layered
/// file's), or a baked neural twin of a graph.
public enum ResolvedMaterial {
    /// A built-in type's graph (diffuse, conductor, coated diffuse): one or
    /// two lobes, no textures. Kept apart from layered files because a scene
    /// of these alone shades cheaply enough that the megakernel is the faster
    /// integrator on a CPU device (`Integrator.resolved`).
    case analytic(Material)
    /// A layered material file's graph.
    case layered(Material)
    /// The twin and the graph it was baked from (current: their hashes match).
    case neural(NeuralMaterialFile, source: Material)

    /// The kind alone, for logs, tests and the choice of integrator.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case analytic, layered, neural
    }

    public var kind: Kind {
        switch self {
        case .analytic: return .analytic
        case .layered: return .layered
        case .neural: return .neural
        }
    }
}

/// Decides, per scene material binding, what it renders as: loads the
/// layered files (once each), builds the built-in types' graphs, and picks
/// a neural twin where the mode asks for one and it is current. Device-free:
/// no Vulkan, no GPU layouts (SceneMaterials assembles those from the result).
public enum MaterialResolver {
    public static func resolve(scene: Scene, mode: MaterialMode = .auto, logger: Logger) throws -> [ResolvedMaterial] {
        var resolved: [ResolvedMaterial] = []
        var loaded: [String: Material] = [:]
        var unbaked: [String] = []               // auto mode: no .nmat file yet
        for named in scene.materials {
            switch named.source {
            case .analytic(let builtIn):
                resolved.append(.analytic(builtIn.graph(name: named.name)))
            case .layered(let binding):
                let material: Material
                if let cached = loaded[binding.source] {
                    material = cached
                } else {
                    do { material = try MaterialLoader.loadMaterial(path: binding.source) } catch {
                        throw RenderError("material \"\(named.name)\": \(error)")
                    }
                    loaded[binding.source] = material
                }
                if mode == .auto, binding.neural.map({ !FileManager.default.fileExists(atPath: $0) }) ?? true {
                    unbaked.append(named.name)
                    resolved.append(.layered(material))
                } else if mode != .reference, let file = try neuralFile(for: named.name, binding: binding, material: material,
                                                                         required: mode == .neural, logger: logger) {
                    resolved.append(.neural(file, source: material))
                } else {
                    resolved.append(.layered(material))
                }
            }
        }
        if !unbaked.isEmpty {
            logger.notice("\(unbaked.count) layered material(s) have no baked .nmat (\(unbaked.joined(separator: ", "))); rendering their layered references (bake them with Tools/bake-assets or `lacquer bake`)")
        }
        return resolved
    }

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
