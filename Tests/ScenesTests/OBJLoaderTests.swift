import Foundation
import XCTest
@testable import Scenes

final class OBJLoaderTests: XCTestCase {
    private func parse(_ text: String, file: String = "m.obj") throws -> Mesh {
        try OBJLoader.parse(data: Data(text.utf8), file: file)
    }

    func testAllIndexFormsGiveTheSameQuad() throws {
        let header = """
        # a unit quad in the xy plane, facing +z
        mtllib m.mtl
        o quad
        g group
        s 1
        usemtl red
        v 0 0 0
        v 1 0 0
        v 1 1 0
        v 0 1 0
        vt 0 0
        vt 1 0
        vt 1 1
        vt 0 1
        vn 0 0 1

        """
        let forms = ["f 1 2 3 4", "f 1/1 2/2 3/3 4/4", "f 1//1 2//1 3//1 4//1", "f 1/1/1 2/2/1 3/3/1 4/4/1",
                     "f -4/-4/-1 -3/-3/-1 -2/-2/-1 -1/-1/-1"]
        let hasUV = [false, true, false, true, true]
        for (form, uv) in zip(forms, hasUV) {
            let mesh = try parse(header + form + "\n")
            assertMeshInvariants(mesh, name: form)
            XCTAssertEqual(mesh.triangleCount, 2, form)
            XCTAssertEqual(mesh.positions.count, 4, form)
            for n in mesh.normals { XCTAssertEqual(n.z, 1, accuracy: 1e-6, form) }
            if uv {
                // OBJ's v is flipped to the top-left origin; tangent +x, w = +1.
                if let i = mesh.positions.firstIndex(of: Float3(0, 0, 0)) { XCTAssertEqual(mesh.uvs[i], Float2(0, 1), form) }
                XCTAssertTrue(mesh.tangents.allSatisfy { abs($0.x - 1) < 1e-5 && $0.w == 1 }, form)
            } else {
                XCTAssertTrue(mesh.uvs.allSatisfy { $0 == Float2(0, 0) }, form)
            }
        }
    }

    func testPolygonFanAndSmoothNormals() throws {
        // A pentagon plus a pyramid without normals: smooth normals shared by position.
        let mesh = try parse("""
        v 0 0 0
        v 2 0 0
        v 3 1 0
        v 1 2 0
        v -1 1 0
        f 1 2 3 4 5
        """)
        XCTAssertEqual(mesh.triangleCount, 3)
        XCTAssertEqual(mesh.indices, [0, 1, 2, 0, 2, 3, 0, 3, 4])
        assertMeshInvariants(mesh, name: "pentagon")

        let pyramid = try parse("""
        v -1 0 -1
        v 1 0 -1
        v 1 0 1
        v -1 0 1
        v 0 1 0
        f 1 2 3 4
        f 2 1 5
        f 3 2 5
        f 4 3 5
        f 1 4 5
        """)
        assertMeshInvariants(pyramid, name: "pyramid")
        let apex = pyramid.positions.firstIndex(of: Float3(0, 1, 0)) ?? -1
        XCTAssertEqual(pyramid.normals[apex].y, 1, accuracy: 1e-5)
        XCTAssertEqual(pyramid.positions.count, 5)
    }

    func testNegativeIndicesAreRelativeToEachPoint() throws {
        let mesh = try parse("""
        v 0 0 0
        v 1 0 0
        v 0 1 0
        f -3 -2 -1
        v 5 0 0
        v 6 0 0
        v 5 1 0
        f -3 -2 -1
        """)
        XCTAssertEqual(mesh.triangleCount, 2)
        XCTAssertEqual(mesh.positions[Int(mesh.indices[3])], Float3(5, 0, 0))
    }

    func testIgnoredStatementsAndLineContinuations() throws {
        let mesh = try parse("v 0 0 0 1\r\nv 1 0 0 0.5 0.5 0.5\r\nv 0 1 0\r\nl 1 2\r\nf 1 \\\n 2 3 # comment\r\n")
        XCTAssertEqual(mesh.triangleCount, 1)
    }

    func testMalformedLinesNameFileAndLine() {
        assertSceneError(.syntax, "m.obj:2: 'v' needs 3 to 7 numbers, got 2") { try parse("v 0 0 0\nv 1 2\n") }
        assertSceneError(.syntax, "m.obj:1: 'x' is not a number") { try parse("v 0 x 0\n") }
        assertSceneError(.invalidValue, "m.obj:1: non-finite value 'nan'") { try parse("v 0 nan 0\n") }
        assertSceneError(.malformed, "m.obj:4: vertex index 4 in '4' is out of range (3 vertexs") { try parse("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n") }
        assertSceneError(.malformed, "m.obj:4: vertex index -4") { try parse("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 -4\n") }
        assertSceneError(.syntax, "m.obj:4: vertex index 0") { try parse("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n") }
        assertSceneError(.malformed, "m.obj:4: normal index 1") { try parse("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1//1 2//1 3//1\n") }
        assertSceneError(.syntax, "m.obj:4: a face needs at least 3 vertices") { try parse("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2\n") }
        assertSceneError(.syntax, "m.obj:4: malformed face vertex '1/2/3/4'") { try parse("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1/2/3/4 2 3\n") }
        assertSceneError(.syntax, "m.obj:4: 'a' in face vertex") { try parse("v 0 0 0\nv 1 0 0\nv 0 1 0\nf a 2 3\n") }
        assertSceneError(.syntax, "m.obj:1: unknown OBJ statement 'vx'") { try parse("vx 1 2 3\n") }
        assertSceneError(.unsupported, "m.obj:1: free-form geometry") { try parse("cstype bspline\n") }
        assertSceneError(.malformed, "m.obj: contains no faces") { try parse("v 0 0 0\n") }
        assertSceneError(.missingFile, "/nonexistent/x.obj: file not found") { try OBJLoader.load(path: "/nonexistent/x.obj") }
    }

    func testDegenerateUVsStillGiveOrthonormalTangents() throws {
        let mesh = try parse("v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0.5 0.5\nf 1/1 2/1 3/1\n")
        assertMeshInvariants(mesh, name: "degenerate uv")
    }

    func testBundledCube() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Assets/Meshes/cube.obj").standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("Assets/Meshes/cube.obj not present") }
        let cube = try OBJLoader.load(path: path)
        assertMeshInvariants(cube, name: "cube.obj")
        XCTAssertEqual(cube.triangleCount, 12); XCTAssertEqual(cube.positions.count, 24)
        for (p, n) in zip(cube.positions, cube.normals) { XCTAssertGreaterThan(dot(p, n), 0) }
    }
}
