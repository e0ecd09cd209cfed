import Foundation
import XCTest
@testable import Imaging

final class EXRBadInputTests: ImagingTestCase {
    func testMissingFile() {
        let error = assertImagingError(try readEXR(path("missing.exr")), kind: .fileNotFound)
        XCTAssertTrue(error?.description.contains("missing.exr") ?? false)
    }

    func testDirectoryIsNotAnImage() {
        assertImagingError(try readEXR(directory.path), kind: .unreadable)
    }

    func testEmptyAndGarbageFiles() throws {
        let empty = path("empty.exr")
        try writeBytes(empty, Data())
        assertImagingError(try readEXR(empty), kind: .corrupt)

        let garbage = path("garbage.exr")
        var bytes = [UInt8](repeating: 0, count: 4096)
        var state: UInt32 = 12345
        for i in bytes.indices { state = state &* 1664525 &+ 1013904223; bytes[i] = UInt8(state >> 24) }
        try writeBytes(garbage, Data(bytes))
        assertImagingError(try readEXR(garbage), kind: .corrupt)

        // Valid magic number, nonsense header.
        let fakeMagic = path("magic.exr")
        try writeBytes(fakeMagic, Data([0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0] + bytes))
        assertImagingError(try readEXR(fakeMagic), kind: .corrupt)

        let text = path("text.exr")
        try writeBytes(text, Data("hello, not an exr\n".utf8))
        assertImagingError(try readEXR(text))
        assertImagingError(try readEXRChannelNames(text))
    }

    func testTruncatedFilesNeverCrash() throws {
        let file = path("whole.exr")
        try writeEXR(gradientImage(width: 64, height: 64), to: file)
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        for length in [4, 20, 100, data.count / 3, data.count / 2, data.count * 9 / 10, data.count - 1] {
            let cut = path("cut-\(length).exr")
            try writeBytes(cut, data.prefix(length))
            assertImagingError(try readEXR(cut))
            assertImagingError(try readEXRChannels(cut))
        }
    }

    func testNonFiniteValuesInFileAreReported() throws {
        // The public writer refuses non-finite pixels, so use its unchecked core.
        let file = path("inf.exr")
        try writeEXRFile(Image(width: 3, height: 2, fill: SIMD4(1, .infinity, 0, 1)), to: file,
                         pixelType: .float, extraChannels: [], allowNonFinite: true)
        let error = assertImagingError(try readEXR(file), kind: .nonFinite)
        XCTAssertTrue(error?.description.contains("inf.exr") ?? false)
    }

    func testTruncatedDWABFileFallsBackAndFailsCleanly() throws {
        let source = "/usr/share/blender/datafiles/studiolights/world/forest.exr"
        guard FileManager.default.fileExists(atPath: source) else {
            throw XCTSkip("blender-data is not installed (apt-get install blender-data)")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        for fraction in [0.05, 0.5, 0.95] {
            let cut = path("forest-\(fraction).exr")
            try writeBytes(cut, data.prefix(Int(Double(data.count) * fraction)))
            assertImagingError(try readEXR(cut))
        }
    }

    /// Hostile files: random byte changes (header-heavy and anywhere) must give
    /// an image or an ImagingError, never a crash. Deterministic seed.
    func testMutatedFilesNeverCrash() throws {
        var state: UInt64 = 987654321
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        let half = path("half.exr"), float = path("float.exr")
        try writeEXR(gradientImage(width: 64, height: 40), to: half)
        try writeEXR(gradientImage(width: 64, height: 40), to: float, pixelType: .float, extraChannels: [
            EXRChannel(name: "depth.Z", values: (0..<(64 * 40)).map(Float.init))])
        var sources = [half, float]
        let forest = "/usr/share/blender/datafiles/studiolights/world/forest.exr"
        if FileManager.default.fileExists(atPath: forest) { sources.append(forest) }
        for source in sources {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
            for round in 0..<40 {
                var bytes = original
                let limit = round % 2 == 0 ? min(bytes.count, 400) : bytes.count
                for _ in 0..<(1 + next() % 8) { bytes[next() % limit] = UInt8(next() % 256) }
                let mutated = path("mutated.exr")
                try writeBytes(mutated, bytes)
                do {
                    _ = try readEXR(mutated)
                } catch let error as ImagingError {
                    XCTAssertTrue(error.description.contains("mutated.exr"), "\(error)")
                }
            }
        }
    }
}
