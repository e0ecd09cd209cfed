import Foundation
import Materials

/// The `objects` list: each entry is a shape, a material reference and an
/// optional transform. A glTF mesh without a `material` renders with the
/// file's own materials: one object per material its primitives use, bound
/// to `FILE#NAME` layered materials that are added to the scene's list.
extension SceneParser {
    static let shapeNames = ["sphere", "uv_sphere", "plane", "box", "shader_ball", "mesh"]

    mutating func object(_ node: JSONNode, index: Int, materials: inout [NamedMaterial]) throws -> [SceneObject] {
        let o = try node.object()
        let shapeNode = try o.require("shape", hint: "one of \(Self.shapeNames.joined(separator: ", "))")
        let shapeName = try shapeNode.string()
        let common = ["name", "shape", "material", "transform"]
        let specific: [String]
        switch shapeName {
        case "sphere": specific = ["center", "radius"]
        case "uv_sphere": specific = ["center", "radius", "segments"]
        case "plane", "box": specific = ["size"]
        case "shader_ball": specific = ["segments"]
        case "mesh": specific = ["path"]
        default:
            var message = "unknown shape \"\(shapeName)\""
            if let guess = JSONObject.closest(to: shapeName, in: Self.shapeNames) { message += " (did you mean \"\(guess)\"?)" }
            throw shapeNode.error(.invalidValue, message + "; known: \(Self.shapeNames.joined(separator: ", "))")
        }
        try o.checkKeys(common + specific, context: "for a \(shapeName)")

        var name = "\(shapeName)\(index)"
        if let n = o.optional("name") { name = try n.string() }

        let transform = try o.optional("transform").map(TransformParser.parse) ?? .identity
        if shapeName == "mesh", o.optional("material") == nil, let pathNode = o.optional("path"),
           ["gltf", "glb"].contains(MeshLoader.fileExtension(try pathNode.string())) {
            return try gltfObjects(name: name, pathNode: pathNode, transform: transform, materials: &materials)
        }
        let materialNode = try o.require("material", hint: "name one of the materials defined under \"materials\" (a glTF mesh may omit it to use its own materials)")
        let materialName = try materialNode.string()
        guard let materialIndex = materials.firstIndex(where: { $0.name == materialName }) else {
            let known = materials.map(\.name)
            var message = "unknown material \"\(materialName)\""
            if let guess = JSONObject.closest(to: materialName, in: known) { message += " (did you mean \"\(guess)\"?)" }
            message += known.isEmpty ? "; no materials are defined, add one under \"materials\"" : "; known: \(known.joined(separator: ", "))"
            throw materialNode.error(.unknownMaterial, message)
        }

        let shape = try self.shape(shapeName, o)
        return [SceneObject(name: name, shape: shape, materialIndex: materialIndex, transform: transform)]
    }

    /// One object per material of a glTF file (named `NAME/MATERIAL` when there
    /// are several), each bound to the layered material `FILE#MATERIAL`. A scene
    /// material of that source is reused — one the user declared (with its
    /// baked `neural` twin) or one added for an earlier object.
    private mutating func gltfObjects(name: String, pathNode: JSONNode, transform: Transform,
                                      materials: inout [NamedMaterial]) throws -> [SceneObject] {
        let resolved = try existingFile(pathNode, what: "mesh")
        let parts: [GLTFPart]
        if let cached = partsCache[resolved] {
            parts = cached
        } else {
            parts = try GLTFLoader.loadParts(path: resolved)
            partsCache[resolved] = parts
        }
        let names: (materials: [String], defaultMaterial: String?)
        do { names = try GLTFMaterialParser.selectionNames(path: resolved) } catch {
            throw pathNode.error(.invalidValue, "cannot read the materials of \(resolved): \(error)")
        }
        let fileName = (resolved as NSString).lastPathComponent
        // Lookups by source and by name, kept current as materials are added.
        var indexBySource: [String: Int] = [:]
        for (i, m) in materials.enumerated() {
            if case .layered(let b) = m.source, indexBySource[b.source] == nil { indexBySource[b.source] = i }
        }
        var takenNames = Set(materials.map(\.name))
        return try parts.map { part in
            let materialName: String
            if let i = part.materialIndex, i < names.materials.count {
                materialName = names.materials[i]
            } else if let d = names.defaultMaterial {
                materialName = d
            } else {
                throw pathNode.error(.invalidValue, "\(resolved): a primitive's material has no name (the file is corrupt)")
            }
            let source = resolved + "#" + materialName
            let index: Int
            if let existing = indexBySource[source] {
                index = existing
            } else {
                var sceneName = fileName + "#" + materialName
                while takenNames.contains(sceneName) { sceneName += "_" }
                takenNames.insert(sceneName)
                materials.append(NamedMaterial(name: sceneName, layered: LayeredBinding(source: source)))
                index = materials.count - 1
                indexBySource[source] = index
            }
            let objectName = parts.count == 1 ? name : name + "/" + materialName
            return SceneObject(name: objectName, shape: .mesh(part.mesh), materialIndex: index, transform: transform)
        }
    }

    private mutating func shape(_ kind: String, _ o: JSONObject) throws -> Shape {
        switch kind {
        case "sphere", "uv_sphere":
            let center = try o.optional("center")?.float3() ?? .zero
            var radius: Float = 1
            if let n = o.optional("radius") {
                radius = try n.float()
                try n.check(radius > 0, "radius must be > 0, got \(radius)")
            }
            if kind == "sphere" { return .sphere(center: center, radius: radius) }
            let segments = try o.optional("segments")?.int(in: 3...4096) ?? 64
            return .mesh(ProceduralShapes.uvSphere(center: center, radius: radius, segments: segments, rings: max(2, segments / 2)))
        case "plane":
            var size = Float2(1, 1)
            if let n = o.optional("size") {
                let items = try n.array(count: 2)
                size = Float2(try items[0].float(), try items[1].float())
                try n.check(size.x > 0 && size.y > 0, "size [width, depth] must be > 0, got [\(size.x), \(size.y)]")
            }
            return .mesh(ProceduralShapes.plane(width: size.x, depth: size.y))
        case "box":
            var size = Float3.one
            if let n = o.optional("size") {
                size = try n.uniformOrFloat3()
                try n.check(size.x > 0 && size.y > 0 && size.z > 0, "size must be > 0 on every axis, got \(Self.show(size))")
            }
            return .mesh(ProceduralShapes.box(size: size))
        case "shader_ball":
            let segments = try o.optional("segments")?.int(in: 3...4096) ?? 96
            return .mesh(ProceduralShapes.shaderBall(segments: segments))
        default:  // "mesh"
            let pathNode = try o.require("path", hint: "give an .obj, .gltf or .glb file, relative to the scene file")
            let resolved = try existingFile(pathNode, what: "mesh")
            if let cached = meshCache[resolved] { return .mesh(cached) }
            guard MeshLoader.supports(path: resolved) else {
                throw pathNode.error(.unsupported, "unsupported mesh format \"\(resolved)\"; use .obj, .gltf or .glb")
            }
            let mesh = try MeshLoader.load(path: resolved)
            meshCache[resolved] = mesh
            return .mesh(mesh)
        }
    }
}
