import Foundation
import Materials
import XCTest
@testable import Scenes

final class SceneLoaderTests: XCTestCase {
    static let triangleOBJ = """
    v 0 0 0
    v 1 0 0
    v 0 1 0
    f 1 2 3
    """

    func testFullSceneWithEveryField() throws {
        let dir = try TempDir()
        try dir.write("meshes/tri.obj", Self.triangleOBJ)
        try dir.write("maps/sky.exr", "not really an exr; the loader only checks it exists")
        let path = try dir.write("studio.json", """
        {
          "description": "every field",
          "camera": {"position": [0, 1, 5], "target": [0, 1, 0], "up": [0, 1, 0], "fov": 35,
                     "aperture": 0.01, "focus_distance": 4.5},
          "film": {"width": 320, "height": 200, "spp": 16, "max_depth": 8, "seed": 7},
          "environment": {"type": "map", "path": "maps/sky.exr", "rotation": 90, "intensity": 2},
          "materials": {
            "floor": {"type": "diffuse", "albedo": [0.5, 0.4, 0.3]},
            "grey": {"type": "diffuse", "albedo": 0.18},
            "gold": {"type": "conductor", "metal": "gold", "roughness": 0.3, "anisotropy": 0.5},
            "measured": {"type": "conductor", "eta": [0.2, 0.9, 1.1], "k": [3.9, 2.4, 2.1], "roughness": 0.1},
            "artist": {"type": "conductor", "reflectivity": [0.9, 0.6, 0.5], "edge_tint": [1, 0.8, 0.7], "roughness": 0.2},
            "plastic": {"type": "coated_diffuse", "albedo": [0.1, 0.2, 0.7], "coat_ior": 1.5, "coat_roughness": 0.1}
          },
          "objects": [
            {"name": "ball", "shape": "sphere", "center": [0, 1, 0], "radius": 1, "material": "gold",
             "transform": {"translate": [1, 0, 0]}},
            {"shape": "plane", "size": [10, 8], "material": "floor"},
            {"shape": "box", "size": [1, 2, 3], "material": "plastic", "transform": {"rotate": [0, 45, 0], "scale": 0.5}},
            {"shape": "shader_ball", "material": "artist", "segments": 32},
            {"shape": "uv_sphere", "radius": 0.5, "segments": 16, "material": "measured"},
            {"shape": "mesh", "path": "meshes/tri.obj", "material": "grey",
             "transform": {"matrix": [1,0,0,2, 0,1,0,3, 0,0,1,4, 0,0,0,1]}}
          ]
        }
        """)
        let scene = try SceneLoader.load(path: path)
        XCTAssertEqual(scene.camera.position, Float3(0, 1, 5))
        XCTAssertEqual(scene.camera.target, Float3(0, 1, 0))
        XCTAssertEqual(scene.camera.fovY, 35)
        XCTAssertEqual(scene.camera.apertureRadius, 0.01)
        XCTAssertEqual(scene.camera.focusDistance, 4.5)
        XCTAssertEqual(scene.film, Film(width: 320, height: 200, samplesPerPixel: 16, maxDepth: 8, seed: 7))
        guard case .map(let envPath, let rotation, let intensity) = scene.environment else { return XCTFail("expected a map") }
        XCTAssertTrue(envPath.hasPrefix("/") && envPath.hasSuffix("/maps/sky.exr"), envPath)
        XCTAssertTrue(FileManager.default.fileExists(atPath: envPath))
        XCTAssertEqual(rotation, 90); XCTAssertEqual(intensity, 2)

        XCTAssertEqual(scene.materials.map(\.name), ["floor", "grey", "gold", "measured", "artist", "plastic"])
        XCTAssertEqual(scene.materials[0].material, .diffuse(albedo: Float3(0.5, 0.4, 0.3)))
        XCTAssertEqual(scene.materials[1].material, .diffuse(albedo: Float3(0.18, 0.18, 0.18)))
        guard case .conductor(let eta, let k, let roughness, let anisotropy) = scene.materials[2].material else { return XCTFail() }
        XCTAssertEqual(eta, MetalPreset.gold.eta); XCTAssertEqual(k, MetalPreset.gold.k)
        XCTAssertEqual(roughness, 0.3); XCTAssertEqual(anisotropy, 0.5)
        guard case .conductor(let mEta, let mK, let mRoughness, let mAnisotropy) = scene.materials[3].material else { return XCTFail() }
        XCTAssertEqual(mEta, Float3(0.2, 0.9, 1.1)); XCTAssertEqual(mK, Float3(3.9, 2.4, 2.1))
        XCTAssertEqual(mRoughness, 0.1); XCTAssertEqual(mAnisotropy, 0)
        guard case .conductor(let aEta, let aK, _, _) = scene.materials[4].material else { return XCTFail() }
        let r = BuiltInMaterials.normalReflectance(eta: aEta.simd, k: aK.simd)
        XCTAssertEqual(r.x, 0.9, accuracy: 1e-3); XCTAssertEqual(r.y, 0.6, accuracy: 1e-3); XCTAssertEqual(r.z, 0.5, accuracy: 1e-3)
        guard case .coatedDiffuse(let albedo, let ior, let coatRoughness) = scene.materials[5].material else { return XCTFail() }
        XCTAssertEqual(albedo, Float3(0.1, 0.2, 0.7)); XCTAssertEqual(ior, 1.5); XCTAssertEqual(coatRoughness, 0.1)

        XCTAssertEqual(scene.objects.count, 6)
        XCTAssertEqual(scene.objects[0].name, "ball")
        XCTAssertEqual(scene.objects[0].shape, .sphere(center: Float3(0, 1, 0), radius: 1))
        XCTAssertEqual(scene.objects[0].materialIndex, 2)
        XCTAssertEqual(scene.objects[0].transform, .translation(Float3(1, 0, 0)))
        XCTAssertEqual(scene.objects[1].name, "plane1")
        XCTAssertEqual(scene.objects[1].materialIndex, 0)
        guard case .mesh(let plane) = scene.objects[1].shape else { return XCTFail() }
        XCTAssertEqual(plane.bounds?.min, Float3(-5, 0, -4)); XCTAssertEqual(plane.bounds?.max, Float3(5, 0, 4))
        guard case .mesh(let box) = scene.objects[2].shape else { return XCTFail() }
        XCTAssertEqual(box.positions.count, 24)
        guard case .mesh(let tri) = scene.objects[5].shape else { return XCTFail() }
        XCTAssertEqual(tri.triangleCount, 1)
        XCTAssertEqual(scene.objects[5].transform.translationPart, SIMD3(2, 3, 4))
        for object in scene.objects { if case .mesh(let m) = object.shape { assertMeshInvariants(m, name: object.name) } }
    }

    func testDefaults() throws {
        let scene = try SceneLoader.parse(data: Data(#"{"camera": {"position": [0, 0, 3], "target": [0, 0, 0]}}"#.utf8),
                                          file: "min.json", baseDirectory: "/")
        XCTAssertEqual(scene.camera.up, Float3(0, 1, 0))
        XCTAssertEqual(scene.camera.fovY, 40)
        XCTAssertEqual(scene.camera.apertureRadius, 0)
        XCTAssertEqual(scene.camera.focusDistance, 3)
        XCTAssertEqual(scene.film, Film())
        XCTAssertEqual(scene.environment, .constant(.one))
        XCTAssertTrue(scene.materials.isEmpty && scene.objects.isEmpty)
    }

    func testConstantEnvironmentAndDefaultMaterialValues() throws {
        let json = """
        {"camera": {"position": [0, 0, 3], "target": [0, 0, 0]},
         "environment": {"type": "constant", "radiance": [0.5, 0.6, 0.7]},
         "materials": {"d": {"type": "diffuse"}, "c": {"type": "coated_diffuse"}, "m": {"type": "conductor", "metal": "aluminum"}},
         "objects": [{"shape": "sphere", "material": "d"}]}
        """
        let scene = try SceneLoader.parse(data: Data(json.utf8), file: "s.json", baseDirectory: "/")
        XCTAssertEqual(scene.environment, .constant(Float3(0.5, 0.6, 0.7)))
        XCTAssertEqual(scene.materials[0].material, .diffuse(albedo: Float3(0.8, 0.8, 0.8)))
        XCTAssertEqual(scene.materials[1].material, .coatedDiffuse(albedo: Float3(0.8, 0.8, 0.8), coatIOR: 1.5, roughness: 0))
        XCTAssertEqual(scene.materials[2].material, .conductor(eta: MetalPreset.aluminium.eta, k: MetalPreset.aluminium.k, roughness: 0, anisotropy: 0))
        XCTAssertEqual(scene.objects[0].shape, .sphere(center: .zero, radius: 1))
        XCTAssertEqual(scene.objects[0].name, "sphere0")
    }

    func testRelativePathsResolveAgainstSceneDirectory() throws {
        let dir = try TempDir()
        try dir.write("assets/models/tri.obj", Self.triangleOBJ)
        try dir.write("assets/env.exr", "x")
        let path = try dir.write("scenes/nested/s.json", """
        {"camera": {"position": [0, 0, 3], "target": [0, 0, 0]},
         "environment": {"type": "map", "path": "../../assets/env.exr"},
         "materials": {"m": {"type": "diffuse"}},
         "objects": [{"shape": "mesh", "path": "../../assets/models/tri.obj", "material": "m"},
                     {"shape": "mesh", "path": "\(dir.path)/assets/models/tri.obj", "material": "m"}]}
        """)
        // Load from a different working directory's point of view: the path is absolute.
        let scene = try SceneLoader.load(path: path)
        guard case .map(let env, _, _) = scene.environment else { return XCTFail() }
        XCTAssertEqual(env, URL(fileURLWithPath: dir.path + "/assets/env.exr").standardizedFileURL.path)
        XCTAssertEqual(scene.objects.count, 2)
        XCTAssertEqual(scene.objects[0].shape, scene.objects[1].shape)

        // A relative scene path works too (resolved against the current directory).
        let cwd = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        FileManager.default.changeCurrentDirectoryPath(dir.path)
        XCTAssertEqual(try SceneLoader.load(path: "scenes/nested/s.json").objects.count, 2)
    }

    func testObjectMaterialIndicesFollowFileOrder() throws {
        let json = """
        {"camera": {"position": [0, 0, 3], "target": [0, 0, 0]},
         "materials": {"z": {"type": "diffuse"}, "a": {"type": "diffuse"}, "m": {"type": "diffuse"}},
         "objects": [{"shape": "sphere", "material": "m"}, {"shape": "sphere", "material": "z"}]}
        """
        let scene = try SceneLoader.parse(data: Data(json.utf8), file: "s.json", baseDirectory: "/")
        XCTAssertEqual(scene.objects.map(\.materialIndex), [2, 0])
    }
}
