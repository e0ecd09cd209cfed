/// The in-memory scene description that `SceneLoader` produces from a JSON
/// scene file and `Rendering` consumes. Plain values only: no GPU state, no
/// file handles. Units are metres, angles in degrees, colours linear Rec.709.

/// A 3-component vector stored as three floats (not `SIMD3<Float>`, which is
/// 16 bytes on Linux) so arrays of it can be copied straight into GPU buffers.
public struct Float3: Equatable, Sendable, Codable {
    public var x: Float, y: Float, z: Float
    public init(_ x: Float, _ y: Float, _ z: Float) { self.x = x; self.y = y; self.z = z }
    public static let zero = Float3(0, 0, 0)
    public static let one = Float3(1, 1, 1)
    public var simd: SIMD3<Float> { SIMD3(x, y, z) }
    public init(_ v: SIMD3<Float>) { self.init(v.x, v.y, v.z) }
}

public struct Float2: Equatable, Sendable, Codable {
    public var x: Float, y: Float
    public init(_ x: Float, _ y: Float) { self.x = x; self.y = y }
}

public struct Float4: Equatable, Sendable, Codable {
    public var x: Float, y: Float, z: Float, w: Float
    public init(_ x: Float, _ y: Float, _ z: Float, _ w: Float) { self.x = x; self.y = y; self.z = z; self.w = w }
}

/// Affine transform, row-major 3×4 (the layout of VkTransformMatrixKHR):
/// `p' = M * (p, 1)`.
public struct Transform: Equatable, Sendable {
    /// rows[r] = (m[r][0], m[r][1], m[r][2], m[r][3])
    public var rows: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
    public init(rows: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)) { self.rows = rows }
    public static let identity = Transform(rows: (SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 1, 0)))
    public static func == (a: Transform, b: Transform) -> Bool {
        a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2
    }
    /// The 12 floats in row-major order.
    public var floats: [Float] {
        [rows.0.x, rows.0.y, rows.0.z, rows.0.w,
         rows.1.x, rows.1.y, rows.1.z, rows.1.w,
         rows.2.x, rows.2.y, rows.2.z, rows.2.w]
    }
}

public struct Camera: Equatable, Sendable {
    public var position: Float3
    public var target: Float3
    public var up: Float3
    /// Vertical field of view in degrees.
    public var fovY: Float
    /// Thin-lens aperture radius in metres; 0 = pinhole.
    public var apertureRadius: Float
    /// Distance to the plane in focus; defaults to |target − position|.
    public var focusDistance: Float
    public init(position: Float3, target: Float3, up: Float3, fovY: Float,
                apertureRadius: Float = 0, focusDistance: Float) {
        self.position = position; self.target = target; self.up = up; self.fovY = fovY
        self.apertureRadius = apertureRadius; self.focusDistance = focusDistance
    }
}

public struct Film: Equatable, Sendable {
    /// The largest width or height the renderer accepts (scene files, CLI options
    /// and the render session all check against this one number).
    public static let maximumSide = 16384
    public var width: Int
    public var height: Int
    public var samplesPerPixel: Int
    /// Maximum number of path vertices (camera vertex excluded); the paper uses 6.
    public var maxDepth: Int
    public var seed: UInt32
    public init(width: Int = 512, height: Int = 512, samplesPerPixel: Int = 64, maxDepth: Int = 6, seed: UInt32 = 0) {
        self.width = width; self.height = height; self.samplesPerPixel = samplesPerPixel
        self.maxDepth = maxDepth; self.seed = seed
    }
}

public enum Environment: Equatable, Sendable {
    /// Constant radiance in every direction.
    case constant(Float3)
    /// Lat-long (equirectangular) EXR map. `rotation` turns it about +y in
    /// degrees; `intensity` scales it. `url` is already resolved against the scene file.
    case map(path: String, rotation: Float, intensity: Float)
}

/// The scene format's built-in material types, described by their scene-file
/// parameters. Each is a built-in graph of Materials (`graph`), so it
/// renders, samples and evaluates on the CPU exactly like a layered material.
public enum AnalyticMaterial: Equatable, Sendable {
    /// Lambertian, `albedo` in [0, 1].
    case diffuse(albedo: Float3)
    /// GGX rough conductor with complex IOR (eta + i·k) per RGB channel;
    /// perceptual `roughness` and `anisotropy` in [0, 1], mapped to GGX α by
    /// Materials (OpenPBR's mapping, like every other microfacet lobe).
    case conductor(eta: Float3, k: Float3, roughness: Float, anisotropy: Float)
    /// A rough GGX dielectric coat (IOR `coatIOR`, perceptual `roughness`) over a Lambertian base.
    case coatedDiffuse(albedo: Float3, coatIOR: Float, roughness: Float)
}

/// A layered material graph file (Lacquer JSON or MaterialX) and,
/// optionally, its baked neural twin. Paths are resolved against the scene file.
public struct LayeredBinding: Equatable, Sendable {
    public var source: String
    /// A `.nmat` file; nil when the material has not been baked.
    public var neural: String?
    public init(source: String, neural: String? = nil) { self.source = source; self.neural = neural }
}

/// What a scene material is: one of the analytic materials, or a layered
/// graph (optionally with a neural twin).
public enum MaterialSource: Equatable, Sendable {
    case analytic(AnalyticMaterial)
    case layered(LayeredBinding)
}

public struct NamedMaterial: Equatable, Sendable {
    public var name: String
    public var source: MaterialSource
    public init(name: String, material: AnalyticMaterial) { self.name = name; self.source = .analytic(material) }
    public init(name: String, layered: LayeredBinding) { self.name = name; self.source = .layered(layered) }
    /// The analytic material, or nil for a layered one.
    public var material: AnalyticMaterial? {
        if case .analytic(let m) = source { return m }
        return nil
    }
    public var isLayered: Bool { material == nil }
}

/// An indexed triangle mesh in object space. All attribute arrays have
/// `positions.count` entries; `tangents.w` is the bitangent sign
/// (bitangent = w · cross(normal, tangent)).
public struct Mesh: Equatable, Sendable {
    public var positions: [Float3]
    public var normals: [Float3]
    public var uvs: [Float2]
    /// The second texture-coordinate set (glTF TEXCOORD_1), one per vertex;
    /// nil when the source has none: set 1 is then set 0 (`secondUVs`), so
    /// a material that reads set 1 still renders.
    public var uvs1: [Float2]?
    public var tangents: [Float4]
    public var indices: [UInt32]
    public init(positions: [Float3], normals: [Float3], uvs: [Float2], tangents: [Float4], indices: [UInt32],
                uvs1: [Float2]? = nil) {
        self.positions = positions; self.normals = normals; self.uvs = uvs
        self.tangents = tangents; self.indices = indices; self.uvs1 = uvs1
    }
    /// Texture-coordinate set 1 per vertex: `uvs1`, or set 0 without one.
    public var secondUVs: [Float2] { uvs1 ?? uvs }
    public var triangleCount: Int { indices.count / 3 }
}

public enum Shape: Equatable, Sendable {
    /// An analytic sphere (intersected exactly on the GPU) of the given
    /// centre and radius in object space.
    case sphere(center: Float3, radius: Float)
    case mesh(Mesh)
}

public struct SceneObject: Equatable, Sendable {
    public var name: String
    public var shape: Shape
    /// Index into `Scene.materials`.
    public var materialIndex: Int
    public var transform: Transform
    public init(name: String, shape: Shape, materialIndex: Int, transform: Transform = .identity) {
        self.name = name; self.shape = shape; self.materialIndex = materialIndex; self.transform = transform
    }
}

public struct Scene: Equatable, Sendable {
    public var camera: Camera
    public var film: Film
    public var environment: Environment
    public var materials: [NamedMaterial]
    public var objects: [SceneObject]
    public init(camera: Camera, film: Film, environment: Environment, materials: [NamedMaterial], objects: [SceneObject]) {
        self.camera = camera; self.film = film; self.environment = environment
        self.materials = materials; self.objects = objects
    }
}
