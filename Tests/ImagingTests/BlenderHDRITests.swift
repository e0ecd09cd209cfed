import Foundation
import XCTest
@testable import Imaging

/// Real DWAB-compressed float HDRIs from Debian's blender-data package.
final class BlenderHDRITests: ImagingTestCase {
    static let directory = "/usr/share/blender/datafiles/studiolights/world"

    func hdri(_ name: String) throws -> String {
        let file = "\(Self.directory)/\(name)"
        guard FileManager.default.fileExists(atPath: file) else {
            throw XCTSkip("\(file) is absent (apt-get install blender-data)")
        }
        return file
    }

    func testDWABEnvironmentMapReadsWithSaneValues() throws {
        let file = try hdri("forest.exr")
        let names = try readEXRChannelNames(file)
        XCTAssertTrue(Set(["R", "G", "B"]).isSubset(of: Set(names)), "\(names)")

        let image = try readEXR(file, clampNegative: true)
        XCTAssertEqual(image.width, 1024)
        XCTAssertEqual(image.height, 512)
        XCTAssertTrue(image.pixels.allSatisfy { p in
            (0..<4).allSatisfy { p[$0].isFinite && p[$0] >= 0 }
        })
        let mean = image.meanRGB
        XCTAssertGreaterThan(mean, 0.001)
        XCTAssertLessThan(mean, 100)
        XCTAssertGreaterThan(Double(image.pixels.map { max($0.x, $0.y, $0.z) }.max() ?? 0), mean)
    }

    func testWithoutClampLossyNegativesArePreserved() throws {
        let image = try readEXR(try hdri("forest.exr"))
        XCTAssertTrue(image.pixels.allSatisfy { $0.x.isFinite && $0.y.isFinite && $0.z.isFinite })
        XCTAssertGreaterThan(image.pixels.map { min($0.x, $0.y, $0.z) }.min() ?? 0, -0.1)
    }

    func testIndividualChannelsOfDWAFilesAreUnsupportedNotCrashing() throws {
        assertImagingError(try readEXRChannels(try hdri("studio.exr")), kind: .unsupported)
    }

    func testRewriteAsFloatZipIsExact() throws {
        let image = try readEXR(try hdri("city.exr"), clampNegative: true)
        let file = path("city-zip.exr")
        try writeEXR(image, to: file, pixelType: .float)
        XCTAssertEqual(try readEXR(file), image)
    }

    func testEveryStudioLightReads() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.directory))?
            .filter { $0.hasSuffix(".exr") }.sorted() ?? []
        guard !names.isEmpty else { throw XCTSkip("blender-data is not installed") }
        for name in names {
            let image = try readEXR("\(Self.directory)/\(name)", clampNegative: true)
            XCTAssertGreaterThan(image.pixelCount, 0, name)
            XCTAssertTrue(image.pixels.allSatisfy { $0.min() >= 0 && $0.max().isFinite }, name)
        }
    }
}
