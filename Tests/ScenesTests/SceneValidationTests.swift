import Foundation
import XCTest
@testable import Scenes

/// Each kind of mistake in a scene file gives a one-line error naming the
/// file, the field path and what to do.
final class SceneValidationTests: XCTestCase {
    private let camera = #""camera": {"position": [0, 0, 3], "target": [0, 0, 0]}"#

    private func parse(_ json: String, file: String = "studio.json", base: String = "/") throws -> Scene {
        try SceneLoader.parse(data: Data(json.utf8), file: file, baseDirectory: base)
    }

    /// A scene whose only object uses material `m`, with `materialJSON` spliced in.
    private func withMaterial(_ materialJSON: String) -> String {
        #"{\#(camera), "materials": {"m": \#(materialJSON)}, "objects": [{"shape": "sphere", "material": "m"}]}"#
    }

    private func withObject(_ objectJSON: String) -> String {
        #"{\#(camera), "materials": {"m": {"type": "diffuse"}}, "objects": [\#(objectJSON)]}"#
    }

    func testUnknownKeys() {
        assertSceneError(.unknownKey, "studio.json: camrea: unknown key \"camrea\"", "did you mean \"camera\"") {
            try parse(#"{"camrea": {}}"#)
        }
        assertSceneError(.unknownKey, "objects[0].radus: unknown key \"radus\"", "did you mean \"radius\"", "allowed keys:") {
            try parse(withObject(#"{"shape": "sphere", "radus": 2, "material": "m"}"#))
        }
        assertSceneError(.unknownKey, "objects[0].size: unknown key \"size\" for a sphere") {
            try parse(withObject(#"{"shape": "sphere", "size": 2, "material": "m"}"#))
        }
        assertSceneError(.unknownKey, "materials.m.roughness: unknown key \"roughness\" for a diffuse material") {
            try parse(withMaterial(#"{"type": "diffuse", "roughness": 0.5}"#))
        }
        assertSceneError(.unknownKey, "film.samples: unknown key") { try parse(#"{\#(camera), "film": {"samples": 4}}"#) }
        assertSceneError(.unknownKey, "objects[0].transform.rotation: unknown key", "did you mean \"rotate\"") {
            try parse(withObject(#"{"shape": "sphere", "material": "m", "transform": {"rotation": [0, 1, 0]}}"#))
        }
    }

    func testWrongTypes() {
        assertSceneError(.wrongType, "studio.json: camera.fov: expected a number, got a string") {
            try parse(#"{"camera": {"position": [0, 0, 3], "target": [0, 0, 0], "fov": "40"}}"#)
        }
        assertSceneError(.wrongType, "camera.position: expected an array of 3 numbers, got a number") {
            try parse(#"{"camera": {"position": 3, "target": [0, 0, 0]}}"#)
        }
        assertSceneError(.invalidValue, "camera.position: expected an array of 3 numbers, got 2 elements") {
            try parse(#"{"camera": {"position": [0, 3], "target": [0, 0, 0]}}"#)
        }
        assertSceneError(.wrongType, "objects: expected an array, got an object") { try parse(#"{\#(camera), "objects": {}}"#) }
        assertSceneError(.wrongType, "objects[0].material: expected a string, got a number") {
            try parse(withObject(#"{"shape": "sphere", "material": 3}"#))
        }
        assertSceneError(.wrongType, "materials.m: expected an object, got an array") { try parse(withMaterial("[1]")) }
        assertSceneError(.invalidValue, "film.width: must be a whole number, got 512.5") {
            try parse(#"{\#(camera), "film": {"width": 512.5}}"#)
        }
    }

    func testUnknownMaterialListsKnownOnes() {
        let json = #"{\#(camera), "materials": {"chrome": {"type": "conductor", "metal": "chrome"}, "floor": {"type": "diffuse"}}, "objects": [{"shape": "sphere", "material": "chrome"}, {"shape": "sphere", "material": "chrome"}, {"shape": "sphere", "material": "gold"}]}"#
        assertSceneError(.unknownMaterial, #"studio.json: objects[2].material: unknown material "gold"; known: chrome, floor"#) { try parse(json) }
        assertSceneError(.unknownMaterial, "did you mean \"floor\"") {
            try parse(#"{\#(camera), "materials": {"floor": {"type": "diffuse"}}, "objects": [{"shape": "sphere", "material": "flor"}]}"#)
        }
        assertSceneError(.unknownMaterial, "no materials are defined") {
            try parse(#"{\#(camera), "objects": [{"shape": "sphere", "material": "x"}]}"#)
        }
    }

    func testNonFiniteNumbers() {
        assertSceneError(.invalidValue, "materials.m.albedo[0]: must be a finite number, got nan") {
            try parse(withMaterial(#"{"type": "diffuse", "albedo": [NaN, 0, 0]}"#))
        }
        assertSceneError(.invalidValue, "objects[0].radius: must be a finite number, got inf") {
            try parse(withObject(#"{"shape": "sphere", "radius": Infinity, "material": "m"}"#))
        }
        assertSceneError(.invalidValue, "camera.position[1]: must be a finite number") {
            try parse(#"{"camera": {"position": [0, 1e999, 3], "target": [0, 0, 0]}}"#)
        }
        assertSceneError(.invalidValue, "camera.target[0]: ", "too large for a 32-bit float") {
            try parse(#"{"camera": {"position": [0, 0, 3], "target": [1e300, 0, 0]}}"#)
        }
    }

    func testRanges() {
        assertSceneError(.invalidValue, "materials.m.albedo: albedo must be in [0, 1]") { try parse(withMaterial(#"{"type": "diffuse", "albedo": [1.2, 0, 0]}"#)) }
        assertSceneError(.invalidValue, "materials.m.albedo: albedo must be in [0, 1]") { try parse(withMaterial(#"{"type": "diffuse", "albedo": -0.1}"#)) }
        assertSceneError(.invalidValue, "objects[0].radius: radius must be > 0") { try parse(withObject(#"{"shape": "sphere", "radius": 0, "material": "m"}"#)) }
        assertSceneError(.invalidValue, "camera.fov: fov", "(0, 180)") {
            try parse(#"{"camera": {"position": [0, 0, 3], "target": [0, 0, 0], "fov": 180}}"#)
        }
        assertSceneError(.invalidValue, "camera.aperture: ") { try parse(#"{"camera": {"position": [0, 0, 3], "target": [0, 0, 0], "aperture": -1}}"#) }
        assertSceneError(.invalidValue, "camera.focus_distance: ") { try parse(#"{"camera": {"position": [0, 0, 3], "target": [0, 0, 0], "focus_distance": 0}}"#) }
        assertSceneError(.invalidValue, "film.width: must be in 1...") { try parse(#"{\#(camera), "film": {"width": 0}}"#) }
        assertSceneError(.invalidValue, "film.height: must be in 1...") { try parse(#"{\#(camera), "film": {"height": -4}}"#) }
        assertSceneError(.invalidValue, "film.spp: must be in 1...") { try parse(#"{\#(camera), "film": {"spp": 0}}"#) }
        assertSceneError(.invalidValue, "film.max_depth: must be in 1...64, got 65") { try parse(#"{\#(camera), "film": {"max_depth": 65}}"#) }
        assertSceneError(.invalidValue, "film.max_depth: must be in 1...64, got 0") { try parse(#"{\#(camera), "film": {"max_depth": 0}}"#) }
        assertSceneError(.invalidValue, "film.seed: must be in 0...4294967295") { try parse(#"{\#(camera), "film": {"seed": -1}}"#) }
        XCTAssertEqual(try parse(#"{\#(camera), "film": {"seed": 4294967295}}"#).film.seed, UInt32.max)
        assertSceneError(.invalidValue, "materials.m.roughness: roughness must be in [0, 1]") {
            try parse(withMaterial(#"{"type": "conductor", "metal": "gold", "roughness": 1.5}"#))
        }
        assertSceneError(.invalidValue, "materials.m.coat_ior: ") { try parse(withMaterial(#"{"type": "coated_diffuse", "coat_ior": 0.5}"#)) }
        assertSceneError(.invalidValue, "materials.m.eta: eta must be > 0") { try parse(withMaterial(#"{"type": "conductor", "eta": [0, 1, 1], "k": 1}"#)) }
        assertSceneError(.invalidValue, "materials.m.k: k must be ≥ 0") { try parse(withMaterial(#"{"type": "conductor", "eta": 1, "k": -1}"#)) }
        assertSceneError(.invalidValue, "environment.radiance: radiance must be ≥ 0") {
            try parse(#"{\#(camera), "environment": {"type": "constant", "radiance": [-1, 0, 0]}}"#)
        }
        assertSceneError(.invalidValue, "objects[0].size: size [width, depth] must be > 0") {
            try parse(withObject(#"{"shape": "plane", "size": [1, 0], "material": "m"}"#))
        }
    }

    func testCameraGeometry() {
        assertSceneError(.invalidValue, "camera.target: target must differ from position") {
            try parse(#"{"camera": {"position": [1, 2, 3], "target": [1, 2, 3]}}"#)
        }
        assertSceneError(.invalidValue, "camera.up: ", "parallel to the viewing direction") {
            try parse(#"{"camera": {"position": [0, 5, 0], "target": [0, 0, 0], "up": [0, 1, 0]}}"#)
        }
        assertSceneError(.missingField, "studio.json: missing required field \"camera\"") { try parse("{}") }
        assertSceneError(.missingField, "camera: missing required field \"target\"") { try parse(#"{"camera": {"position": [0, 0, 0]}}"#) }
    }

    func testMaterialStructure() {
        assertSceneError(.invalidValue, "materials.m.type: unknown material type \"glass\"") { try parse(withMaterial(#"{"type": "glass"}"#)) }
        assertSceneError(.missingField, "materials.m: missing required field \"type\"") { try parse(withMaterial(#"{"albedo": 0.5}"#)) }
        assertSceneError(.invalidValue, "materials.m.metal: unknown metal \"unobtainium\"; known: gold, silver, copper, aluminium, iron, chrome") {
            try parse(withMaterial(#"{"type": "conductor", "metal": "unobtainium"}"#))
        }
        assertSceneError(.invalidValue, "materials.m: a conductor takes only one of eta/k, metal") {
            try parse(withMaterial(#"{"type": "conductor", "metal": "gold", "eta": 1, "k": 1}"#))
        }
        assertSceneError(.missingField, "materials.m: a conductor needs") { try parse(withMaterial(#"{"type": "conductor"}"#)) }
        assertSceneError(.missingField, "materials.m: missing required field \"k\"") { try parse(withMaterial(#"{"type": "conductor", "eta": 1}"#)) }
        assertSceneError(.missingField, "materials.m: missing required field \"reflectivity\"") {
            try parse(withMaterial(#"{"type": "conductor", "edge_tint": 1}"#))
        }
        assertSceneError(.unknownKey, "materials[\"my mat\"].colour: unknown key") {
            try parse(#"{\#(camera), "materials": {"my mat": {"type": "diffuse", "colour": 1}}}"#)
        }
    }

    func testShapesAndFiles() throws {
        assertSceneError(.invalidValue, "objects[0].shape: unknown shape \"spehre\" (did you mean \"sphere\"?)") {
            try parse(withObject(#"{"shape": "spehre", "material": "m"}"#))
        }
        assertSceneError(.missingField, "objects[0]: missing required field \"shape\"") { try parse(withObject(#"{"material": "m"}"#)) }
        assertSceneError(.missingField, "objects[0]: missing required field \"material\"") { try parse(withObject(#"{"shape": "box"}"#)) }
        let dir = try TempDir()
        assertSceneError(.missingFile, "studio.json: objects[0].path: mesh file not found: \(dir.path)/missing/teapot.obj") {
            try parse(withObject(#"{"shape": "mesh", "path": "missing/teapot.obj", "material": "m"}"#), base: dir.path)
        }
        assertSceneError(.missingFile, "environment.path: environment map file not found") {
            try parse(#"{\#(camera), "environment": {"type": "map", "path": "nope.exr"}}"#, base: dir.path)
        }
        assertSceneError(.missingField, "environment: missing required field \"path\"") { try parse(#"{\#(camera), "environment": {"type": "map"}}"#) }
        assertSceneError(.invalidValue, "environment.type: unknown environment type \"sky\"") { try parse(#"{\#(camera), "environment": {"type": "sky"}}"#) }
        try dir.write("model.fbx", "x")
        assertSceneError(.unsupported, "objects[0].path: unsupported mesh format") {
            try parse(withObject(#"{"shape": "mesh", "path": "model.fbx", "material": "m"}"#), base: dir.path)
        }
        // Errors inside a referenced mesh name the mesh file and line.
        try dir.write("bad.obj", "v 0 0 0\nv 1 0 0\nf 1 2 3\n")
        assertSceneError(.malformed, "bad.obj:3: vertex index 3") {
            try parse(withObject(#"{"shape": "mesh", "path": "bad.obj", "material": "m"}"#), base: dir.path)
        }
        assertSceneError(.missingFile, "nowhere.json: file not found") { try SceneLoader.load(path: dir.path + "/nowhere.json") }
        assertSceneError(.io, "is a directory") { try SceneLoader.load(path: dir.path) }
    }

    func testTransformErrors() {
        assertSceneError(.invalidValue, "objects[0].transform.matrix: matrix must be affine") {
            try parse(withObject(#"{"shape": "box", "material": "m", "transform": {"matrix": [1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,1,1]}}"#))
        }
        assertSceneError(.invalidValue, "objects[0].transform.matrix: expected an array of 16 numbers, got 12 elements") {
            try parse(withObject(#"{"shape": "box", "material": "m", "transform": {"matrix": [1,0,0,0, 0,1,0,0, 0,0,1,0]}}"#))
        }
        assertSceneError(.invalidValue, "objects[0].transform: give either \"matrix\" or translate/rotate/scale") {
            try parse(withObject(#"{"shape": "box", "material": "m", "transform": {"matrix": [1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1], "scale": 2}}"#))
        }
        assertSceneError(.invalidValue, "objects[0].transform.scale: scale must be non-zero") {
            try parse(withObject(#"{"shape": "box", "material": "m", "transform": {"scale": [1, 0, 1]}}"#))
        }
        assertSceneError(.invalidValue, "objects[0].transform: transform is singular") {
            try parse(withObject(#"{"shape": "box", "material": "m", "transform": {"matrix": [1,0,0,0, 0,0,0,0, 0,0,1,0, 0,0,0,1]}}"#))
        }
    }

    func testJSONSyntaxErrorsNameTheLine() {
        assertSceneError(.syntax, "studio.json:3: invalid JSON", "expected ',' or '}'") {
            try parse("{\n\"camera\": {\"position\": [0, 0, 3]\n\"target\": [0, 0, 0]}}")
        }
        assertSceneError(.syntax, "studio.json:2: invalid JSON: duplicate key \"camera\"") { try parse("{\"camera\": {},\n\"camera\": {}}") }
        assertSceneError(.syntax, "no trailing commas") { try parse(#"{"camera": {"position": [0, 0, 3], "target": [0, 0, 0],}}"#) }
        assertSceneError(.syntax, "unexpected end of file") { try parse(#"{"camera": {"#) }
        assertSceneError(.syntax, "after the end of the JSON document") { try parse("{} {}") }
        assertSceneError(.syntax, "strings need double quotes") { try parse("{\"camera\": 'x'}") }
        assertSceneError(.syntax, "nesting deeper") { try parse(String(repeating: "[", count: 10_000)) }
        assertSceneError(.wrongType, "studio.json: expected an object, got an array") { try parse("[]") }
    }
}
