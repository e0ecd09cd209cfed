import XCTest
@testable import Scenes

final class ProceduralShapesTests: XCTestCase {
    func testPlane() {
        let plane = ProceduralShapes.plane(width: 4, depth: 2)
        assertMeshInvariants(plane, name: "plane")
        XCTAssertEqual(plane.positions.count, 4); XCTAssertEqual(plane.triangleCount, 2)
        XCTAssertTrue(plane.normals.allSatisfy { $0 == Float3(0, 1, 0) })
        XCTAssertEqual(plane.bounds?.min, Float3(-2, 0, -1)); XCTAssertEqual(plane.bounds?.max, Float3(2, 0, 1))
        // Unmirrored mapping: tangent +x, bitangent (image up) towards −z, w = +1.
        XCTAssertTrue(plane.tangents.allSatisfy { $0 == Float4(1, 0, 0, 1) })
        XCTAssertEqual(Set(plane.uvs.map { [$0.x, $0.y] }), [[0, 0], [1, 0], [1, 1], [0, 1]])
        // uv (0, 0) is the far-left corner.
        if let i = plane.uvs.firstIndex(of: Float2(0, 0)) { XCTAssertEqual(plane.positions[i], Float3(-2, 0, -1)) }
    }

    func testBox() {
        let box = ProceduralShapes.box(size: Float3(2, 4, 6))
        assertMeshInvariants(box, name: "box")
        XCTAssertEqual(box.positions.count, 24); XCTAssertEqual(box.triangleCount, 12)
        XCTAssertEqual(box.bounds?.min, Float3(-1, -2, -3)); XCTAssertEqual(box.bounds?.max, Float3(1, 2, 3))
        XCTAssertTrue(box.tangents.allSatisfy { $0.w == 1 })
        // Flat faces: each vertex's normal is its face's axis, pointing outward.
        for (p, n) in zip(box.positions, box.normals) {
            XCTAssertEqual(length(n), 1)
            XCTAssertGreaterThan(dot(p, n), 0)
            XCTAssertEqual(abs(n.x) + abs(n.y) + abs(n.z), 1)
        }
        // Six distinct normals, four vertices each.
        let counts = Dictionary(grouping: box.normals.map { [$0.x, $0.y, $0.z] }, by: { $0 }).mapValues(\.count)
        XCTAssertEqual(counts.count, 6); XCTAssertTrue(counts.values.allSatisfy { $0 == 4 })
    }

    func testUVSphere() {
        let c = Float3(1, 2, 3)
        let sphere = ProceduralShapes.uvSphere(center: c, radius: 2, segments: 24, rings: 12)
        assertMeshInvariants(sphere, name: "uv sphere")
        for (p, n) in zip(sphere.positions, sphere.normals) {
            let d = sub(p, c)
            XCTAssertEqual(length(d), 2, accuracy: 1e-5)
            XCTAssertGreaterThan(dot(n, d) / 2, 0.999)
        }
        XCTAssertTrue(sphere.tangents.allSatisfy { $0.w == 1 })
    }

    func testShaderBall() {
        let ball = ProceduralShapes.shaderBall(segments: 48)
        assertMeshInvariants(ball, name: "shader ball")
        guard let b = ball.bounds else { return XCTFail() }
        XCTAssertEqual(b.min.y, 0, accuracy: 1e-6); XCTAssertEqual(b.max.y, 1, accuracy: 1e-5)
        XCTAssertEqual(b.max.x, 0.5, accuracy: 1e-5); XCTAssertEqual(b.min.z, -0.5, accuracy: 1e-5)
        // The upper ball's normals point away from its centre (0, 0.6, 0).
        let centre = Float3(0, 0.6, 0)
        var upper = 0, groove = 0
        for (p, n) in zip(ball.positions, ball.normals) where p.y > 0.62 {
            let d = sub(p, centre)
            XCTAssertGreaterThan(dot(n, d), 0)
            upper += 1
            if length(d) < 0.39 { groove += 1 }
        }
        XCTAssertGreaterThan(upper, 100)
        XCTAssertGreaterThan(groove, 0, "the groove ring should dent the ball")
        // The base's underside faces down.
        for (p, n) in zip(ball.positions, ball.normals) where p.y == 0 && (p.x * p.x + p.z * p.z).squareRoot() < 0.49 {
            XCTAssertEqual(n.y, -1, accuracy: 1e-4)
        }
        XCTAssertTrue(ball.tangents.allSatisfy { $0.w == 1 })
        // Closed surface: the signed volume (divergence theorem) is positive and
        // close to the analytic volume of the parts.
        var volume: Float = 0
        var t = 0
        while t + 2 < ball.indices.count {
            let a = ball.positions[Int(ball.indices[t])], bb = ball.positions[Int(ball.indices[t + 1])], c = ball.positions[Int(ball.indices[t + 2])]
            volume += dot(a, cross(bb, c)) / 6
            t += 3
        }
        let sphereVolume = Float(4.0 / 3.0 * Double.pi * 0.064)
        XCTAssertGreaterThan(volume, sphereVolume * 0.95)
        XCTAssertLessThan(volume, sphereVolume + Float(Double.pi * 0.25 * 0.12) * 1.3)
    }
}
