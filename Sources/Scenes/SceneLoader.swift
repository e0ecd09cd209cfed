import Foundation

/// Reads a JSON scene file (format: docs/SCENE_FORMAT.md) into a `Scene`.
///
/// Validation is strict on purpose: unknown keys, wrong types, non-finite or
/// out-of-range numbers and dangling references are errors that name the file
/// and field, because a silently ignored typo in a render job costs hours.
/// Paths inside the file resolve against the scene file's directory.
public enum SceneLoader {
    /// Loads and validates the scene at `path` and every mesh it references.
    public static func load(path: String) throws -> Scene {
        let data = try FilePaths.read(path)
        return try parse(data: data, file: path, baseDirectory: FilePaths.directory(of: path))
    }

    /// Parses scene JSON held in memory. `file` is used in error messages;
    /// relative paths resolve against `baseDirectory`.
    public static func parse(data: Data, file: String, baseDirectory: String) throws -> Scene {
        let root = JSONNode(try JSONParser.parse([UInt8](data), file: file), file: file)
        var context = SceneParser(file: file, baseDirectory: baseDirectory)
        return try context.scene(root)
    }
}

/// The state of one scene parse: where relative paths point and the meshes
/// already loaded (a mesh file used by several objects is read once).
struct SceneParser {
    let file: String
    let baseDirectory: String
    var meshCache: [String: Mesh] = [:]
    /// glTF files split by material (objects that use the file's own materials).
    var partsCache: [String: [GLTFPart]] = [:]

    init(file: String, baseDirectory: String) {
        self.file = file; self.baseDirectory = baseDirectory
    }

    mutating func scene(_ root: JSONNode) throws -> Scene {
        let object = try root.object()
        try object.checkKeys(["description", "camera", "film", "environment", "materials", "objects"], context: "at the top level")
        if let d = object.optional("description") { _ = try d.string() }
        let camera = try self.camera(try object.require("camera"))
        let film = try object.optional("film").map(self.film) ?? Film()
        let environment = try object.optional("environment").map(self.environment) ?? .constant(.one)
        var materials = try object.optional("materials").map(self.materials) ?? []
        var objects: [SceneObject] = []
        if let list = object.optional("objects") {
            for (i, item) in try list.array().enumerated() {
                objects += try self.object(item, index: i, materials: &materials)
            }
        }
        return Scene(camera: camera, film: film, environment: environment, materials: materials, objects: objects)
    }

    func camera(_ node: JSONNode) throws -> Camera {
        let o = try node.object()
        try o.checkKeys(["position", "target", "up", "fov", "aperture", "focus_distance"])
        let positionNode = try o.require("position")
        let position = try positionNode.float3()
        let targetNode = try o.require("target")
        let target = try targetNode.float3()
        let forward = target.simd - position.simd
        try targetNode.check(simdLength(forward) > 1e-6, "target must differ from position (the camera needs a viewing direction)")
        var up = Float3(0, 1, 0)
        if let upNode = o.optional("up") {
            up = try upNode.float3()
            try upNode.check(simdLength(up.simd) > 0, "up must not be the zero vector")
        }
        let sideways = simdCross(forward / simdLength(forward), simdNormalizedOrNil(up.simd) ?? SIMD3(0, 1, 0))
        try (o.optional("up") ?? targetNode).check(simdLength(sideways) > 1e-4,
            "up \(Self.show(up)) is parallel to the viewing direction; choose a different up or target")
        var fov: Float = 40
        if let n = o.optional("fov") {
            fov = try n.float()
            try n.check(fov > 0 && fov < 180, "fov is the vertical field of view in degrees and must be in (0, 180), got \(fov)")
        }
        var aperture: Float = 0
        if let n = o.optional("aperture") {
            aperture = try n.float()
            try n.check(aperture >= 0, "aperture is the lens radius in metres and must be ≥ 0 (0 = pinhole), got \(aperture)")
        }
        var focus = simdLength(forward)
        if let n = o.optional("focus_distance") {
            focus = try n.float()
            try n.check(focus > 0, "focus_distance must be > 0 metres, got \(focus)")
        }
        return Camera(position: position, target: target, up: up, fovY: fov, apertureRadius: aperture, focusDistance: focus)
    }

    func film(_ node: JSONNode) throws -> Film {
        let o = try node.object()
        try o.checkKeys(["width", "height", "spp", "max_depth", "seed"])
        var film = Film()
        if let n = o.optional("width") { film.width = try n.int(in: 1...Film.maximumSide) }
        if let n = o.optional("height") { film.height = try n.int(in: 1...Film.maximumSide) }
        if let n = o.optional("spp") { film.samplesPerPixel = try n.int(in: 1...1_048_576) }
        if let n = o.optional("max_depth") { film.maxDepth = try n.int(in: 1...64) }
        if let n = o.optional("seed") { film.seed = UInt32(try n.int(in: 0...Int(UInt32.max))) }
        return film
    }

    func environment(_ node: JSONNode) throws -> Environment {
        let o = try node.object()
        let typeNode = try o.require("type", hint: "use \"constant\" or \"map\"")
        switch try typeNode.string() {
        case "constant":
            try o.checkKeys(["type", "radiance"], context: "for a constant environment")
            guard let n = o.optional("radiance") else { return .constant(.one) }
            let radiance = try n.color()
            try n.check(radiance.x >= 0 && radiance.y >= 0 && radiance.z >= 0, "radiance must be ≥ 0 in every channel, got \(Self.show(radiance))")
            return .constant(radiance)
        case "map":
            try o.checkKeys(["type", "path", "rotation", "intensity"], context: "for an environment map")
            let pathNode = try o.require("path", hint: "give the lat-long EXR file, relative to the scene file")
            let resolved = try existingFile(pathNode, what: "environment map")
            var rotation: Float = 0, intensity: Float = 1
            if let n = o.optional("rotation") { rotation = try n.float() }
            if let n = o.optional("intensity") {
                intensity = try n.float()
                try n.check(intensity >= 0, "intensity must be ≥ 0, got \(intensity)")
            }
            return .map(path: resolved, rotation: rotation, intensity: intensity)
        case let other:
            throw typeNode.error(.invalidValue, "unknown environment type \"\(other)\"; use \"constant\" or \"map\"")
        }
    }

    /// Resolves a path field against the scene directory; the file must exist.
    func existingFile(_ node: JSONNode, what: String) throws -> String {
        let raw = try node.string()
        try node.check(!raw.isEmpty, "\(what) path must not be empty")
        let resolved = FilePaths.resolve(raw, relativeTo: baseDirectory)
        guard FilePaths.isRegularFile(resolved) else {
            throw node.error(.missingFile, "\(what) file not found: \(resolved) (relative paths start at the scene file's directory)")
        }
        return resolved
    }

    static func show(_ v: Float3) -> String { "[\(v.x), \(v.y), \(v.z)]" }
}
