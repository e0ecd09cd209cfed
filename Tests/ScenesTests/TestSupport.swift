import Foundation
import XCTest
@testable import Scenes

/// A fresh temporary directory per test, removed afterwards.
final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "scenes-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let full = path + "/" + name
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
        return full
    }
}

/// Asserts that `body` throws a SceneError of `kind` whose message contains every fragment.
func assertSceneError<T>(_ kind: SceneError.Kind? = nil, _ fragments: String..., file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected a SceneError containing \(fragments)", file: file, line: line)
    } catch let error as SceneError {
        if let kind { XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line) }
        for f in fragments {
            XCTAssertTrue(error.description.contains(f), "\"\(error)\" does not contain \"\(f)\"", file: file, line: line)
        }
        XCTAssertFalse(error.description.contains("\n"), "error should be one line: \(error)", file: file, line: line)
    } catch {
        XCTFail("expected SceneError, got \(error)", file: file, line: line)
    }
}

func length(_ v: Float3) -> Float { (v.x * v.x + v.y * v.y + v.z * v.z).squareRoot() }
func dot(_ a: Float3, _ b: Float3) -> Float { a.x * b.x + a.y * b.y + a.z * b.z }
func sub(_ a: Float3, _ b: Float3) -> Float3 { Float3(a.x - b.x, a.y - b.y, a.z - b.z) }
func cross(_ a: Float3, _ b: Float3) -> Float3 { Float3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x) }

/// The invariants every mesh of this module must satisfy: well-formed,
/// unit normals, unit tangents perpendicular to the normals, and CCW triangles
/// whose geometric normal agrees with the vertex normals.
func assertMeshInvariants(_ mesh: Mesh, name: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNil(mesh.validationProblem, "\(name): \(mesh.validationProblem ?? "")", file: file, line: line)
    for (n, t) in zip(mesh.normals, mesh.tangents) {
        let tv = Float3(t.x, t.y, t.z)
        if abs(dot(n, tv)) > 1e-3 { XCTFail("\(name): tangent \(t) not perpendicular to normal \(n)", file: file, line: line); return }
    }
    var t = 0
    while t + 2 < mesh.indices.count {
        let a = Int(mesh.indices[t]), b = Int(mesh.indices[t + 1]), c = Int(mesh.indices[t + 2])
        t += 3
        let g = cross(sub(mesh.positions[b], mesh.positions[a]), sub(mesh.positions[c], mesh.positions[a]))
        guard length(g) > 1e-9 else { continue }
        let avg = Float3(mesh.normals[a].x + mesh.normals[b].x + mesh.normals[c].x,
                         mesh.normals[a].y + mesh.normals[b].y + mesh.normals[c].y,
                         mesh.normals[a].z + mesh.normals[b].z + mesh.normals[c].z)
        if dot(g, avg) <= 0 {
            XCTFail("\(name): triangle \(t / 3 - 1) winds against its normals", file: file, line: line); return
        }
    }
}
