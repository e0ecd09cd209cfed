import Foundation
import FuzzTargets
import XCTest

/// Replays the seed corpora (Fuzz/Corpus/<target>/) in the ordinary test
/// build, without sanitizers: every file through every target must return
/// (a crash fails the whole run), and each target's `valid-*` seeds must be
/// accepted, so the fuzzer starts from inputs that reach deep into the parser.
/// Crash reproducers found by `Tools/fuzz` are kept as `regress-*` seeds.
final class FuzzReplayTests: XCTestCase {
    static let corpusRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    func seeds(of target: FuzzTarget) throws -> [URL] {
        let folder = Self.corpusRoot.appendingPathComponent(target.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return names.map { folder.appendingPathComponent($0) }
    }

    func testEveryTargetHasValidAndBrokenSeeds() throws {
        for target in FuzzTarget.allCases {
            let names = try seeds(of: target).map(\.lastPathComponent)
            XCTAssertTrue(names.contains { $0.hasPrefix("valid-") }, "\(target.rawValue): no valid-* seed")
            XCTAssertTrue(names.contains { $0.hasPrefix("broken-") }, "\(target.rawValue): no broken-* seed")
        }
    }

    func testValidSeedsAreAccepted() throws {
        for target in FuzzTarget.allCases {
            for file in try seeds(of: target) where file.lastPathComponent.hasPrefix("valid-") {
                let data = try Data(contentsOf: file)
                XCTAssertNoThrow(try target.parse(data), "\(target.rawValue)/\(file.lastPathComponent)")
            }
        }
    }

    func testBrokenSeedsAreRefusedWithOneLine() throws {
        for target in FuzzTarget.allCases where target != .bsdfRows {
            for file in try seeds(of: target) where file.lastPathComponent.hasPrefix("broken-") {
                let data = try Data(contentsOf: file)
                do {
                    try target.parse(data)
                    XCTFail("\(target.rawValue)/\(file.lastPathComponent): accepted")
                } catch {
                    let text = "\(error)"
                    XCTAssertFalse(text.isEmpty || text.contains("\n"), "\(target.rawValue)/\(file.lastPathComponent): \(text)")
                }
            }
        }
    }

    /// Every corpus file through every target: cross-feeding formats is cheap extra coverage.
    func testEveryCorpusFileThroughEveryTarget() throws {
        let files = try FuzzTarget.allCases.flatMap { try seeds(of: $0) }
        XCTAssertGreaterThan(files.count, 0)
        for target in FuzzTarget.allCases {
            for file in files {
                target.run(try Data(contentsOf: file))
            }
        }
    }
}
