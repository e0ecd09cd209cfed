import Foundation
import XCTest
@testable import Scenes

/// The README and docs/ promise what the code does: the film size limit, the
/// missing-environment-map behaviour and the .nmat source-hash format.
final class DocumentedLimitsTests: XCTestCase {
    static func repositoryFile(_ relative: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../" + relative).standardizedFileURL
        return try String(contentsOf: url, encoding: .utf8)
    }

    private let camera = #""camera": {"position": [0, 0, 3], "target": [0, 0, 0]}"#

    private func parse(_ json: String) throws -> Scene {
        try SceneLoader.parse(data: Data(json.utf8), file: "limits.json", baseDirectory: "/")
    }

    /// The scene format's limit is the renderer's (it used to allow 32768 while rendering stopped at 16384).
    func testFilmSizeLimitMatchesTheRendererAndTheDocs() throws {
        let side = Film.maximumSide
        XCTAssertEqual(try parse(#"{\#(camera), "film": {"width": \#(side), "height": 8}}"#).film.width, side)
        assertSceneError(.invalidValue, "film.width") { try parse(#"{\#(camera), "film": {"width": \#(side + 1)}}"#) }
        assertSceneError(.invalidValue, "film.height") { try parse(#"{\#(camera), "film": {"height": 32768}}"#) }
        let doc = try Self.repositoryFile("docs/SCENE_FORMAT.md")
        let widthRow = doc.split(separator: "\n").first { $0.hasPrefix("| `width`") }.map(String.init) ?? ""
        XCTAssertTrue(widthRow.contains("1 … \(side)"), "SCENE_FORMAT.md width row: \(widthRow)")
        XCTAssertFalse(doc.contains("32768"), "SCENE_FORMAT.md still mentions 32768")
    }

    /// A missing environment map is an error naming the file; the README must not promise a fallback sky.
    func testMissingEnvironmentMapIsAnErrorAsDocumented() throws {
        assertSceneError(.missingFile, "nowhere/sky.exr") {
            try parse(#"{\#(camera), "environment": {"type": "map", "path": "nowhere/sky.exr"}}"#)
        }
        let readme = try Self.repositoryFile("README.md").replacingOccurrences(of: "\n", with: " ")
        XCTAssertFalse(readme.contains("falls back to a procedural sky"), "README promises a fallback sky")
    }

    /// .nmat files record "fnv1a64:<16 hex>" (Baker, SceneMaterials); the format doc must say so.
    func testNmatDocShowsTheHashTheFilesHold() throws {
        let doc = try Self.repositoryFile("docs/NMAT_FORMAT.md")
        let row = doc.split(separator: "\n").first { $0.hasPrefix("| `source_hash`") }.map(String.init) ?? ""
        XCTAssertTrue(row.contains("`fnv1a64:"), "NMAT_FORMAT.md source_hash row: \(row)")
        XCTAssertFalse(doc.contains("sha256"), "NMAT_FORMAT.md still mentions sha256")
        let baker = try Self.repositoryFile("Sources/Baking/Baker.swift")
        XCTAssertTrue(baker.contains("sourceContentHash: \"fnv1a64:\""), "the baker no longer writes fnv1a64: hashes")
    }
}
