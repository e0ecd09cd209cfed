import Foundation
import XCTest
@testable import Scenes

final class TransformTests: XCTestCase {
    private func parse(_ json: String) throws -> Transform {
        try TransformParser.parse(JSONNode(try JSONParser.parse(Array(json.utf8), file: "t.json"), path: "transform", file: "t.json"))
    }

    private func assertClose(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ tol: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThan(simdLength(a - b), tol, "\(a) vs \(b)", file: file, line: line)
    }

    func testOrderIsScaleThenRotateXYZThenTranslate() throws {
        let t = try parse(#"{"translate": [1, 2, 3], "rotate": [90, 0, 0], "scale": [2, 1, 1]}"#)
        assertClose(t.apply(point: SIMD3(1, 0, 0)), SIMD3(3, 2, 3))     // scaled x, unaffected by rotation about x
        assertClose(t.apply(point: SIMD3(0, 1, 0)), SIMD3(1, 2, 4))     // +y rotates to +z about x
        let yx = try parse(#"{"rotate": [90, 90, 0]}"#)
        // Rx first: +y → +z; then Ry(90): +z → +x.
        assertClose(yx.apply(point: SIMD3(0, 1, 0)), SIMD3(1, 0, 0))
        let z = try parse(#"{"rotate": [0, 0, 90]}"#)
        assertClose(z.apply(point: SIMD3(1, 0, 0)), SIMD3(0, 1, 0))
        XCTAssertEqual(try parse(#"{"scale": 3}"#), .scaling(Float3(3, 3, 3)))
        XCTAssertEqual(try parse("{}"), .identity)
    }

    func testMatrixIsRowMajor() throws {
        let t = try parse(#"{"matrix": [0,-1,0,5, 1,0,0,6, 0,0,1,7, 0,0,0,1]}"#)
        assertClose(t.apply(point: SIMD3(1, 0, 0)), SIMD3(5, 7, 7))
        XCTAssertEqual(t.floats, [0, -1, 0, 5, 1, 0, 0, 6, 0, 0, 1, 7])
    }

    func testCompositionInverseAndNormals() throws {
        let a = try parse(#"{"translate": [1, -2, 0.5], "rotate": [30, 40, 50], "scale": [1, 2, 3]}"#)
        let b = try parse(#"{"rotate": [-10, 5, 70], "translate": [0, 3, 0]}"#)
        let p = SIMD3<Float>(0.3, -0.7, 1.1)
        assertClose((a * b).apply(point: p), a.apply(point: b.apply(point: p)))
        guard let inv = a.inverse else { return XCTFail("invertible") }
        assertClose(inv.apply(point: a.apply(point: p)), p, 1e-4)
        assertClose((a * inv).apply(point: p), p, 1e-4)
        XCTAssertNil(Transform.scaling(Float3(1, 0, 1)).inverse)
        XCTAssertEqual(a.determinant, 6, accuracy: 1e-4)
        // Normals stay perpendicular to transformed tangent vectors, and outward under mirroring.
        let n = SIMD3<Float>(0, 0, 1), t1 = SIMD3<Float>(1, 0, 0), t2 = SIMD3<Float>(0, 1, 0)
        let tn = a.apply(normal: n)
        XCTAssertEqual(simdDot(tn, a.apply(vector: t1)), 0, accuracy: 1e-4)
        XCTAssertEqual(simdDot(tn, a.apply(vector: t2)), 0, accuracy: 1e-4)
        let mirror = Transform.scaling(Float3(1, 1, -1))
        XCTAssertEqual(mirror.apply(normal: n).z, -1)
    }

    func testQuaternion() {
        // 90° about +y: (0, sin 45°, 0, cos 45°).
        let s = Float(0.5).squareRoot()
        let q = Transform.rotation(quaternion: Float4(0, s, 0, s))
        assertClose(q.apply(point: SIMD3(1, 0, 0)), Transform.rotationY(degrees: 90).apply(point: SIMD3(1, 0, 0)))
        assertClose(q.apply(point: SIMD3(1, 0, 0)), SIMD3(0, 0, -1))
    }

    func testMirroredMeshKeepsOutwardWinding() {
        let box = ProceduralShapes.box(size: Float3(1, 2, 3))
        let mirrored = box.transformed(by: .scaling(Float3(-1, 1, 1)) * .rotationZ(degrees: 20))
        assertMeshInvariants(mirrored, name: "mirrored box")
        for (p, n) in zip(mirrored.positions, mirrored.normals) { XCTAssertGreaterThan(dot(p, n), 0) }
        let squashed = ProceduralShapes.uvSphere(segments: 12, rings: 6).transformed(by: .scaling(Float3(3, 0.5, 1)))
        assertMeshInvariants(squashed, name: "squashed sphere")
    }
}
