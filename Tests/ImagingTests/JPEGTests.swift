import Foundation
import XCTest
@testable import Imaging

/// JPEG reading (libjpeg-turbo) with real files from the MaterialX corpus
/// (`../shared/corpus/materialx` beside the checkout) and damaged copies of them.
final class JPEGTests: XCTestCase {
    static var corpusImages: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path + "/shared/corpus/materialx/resources/Images"
    }

    func corpusJPEG(_ name: String) throws -> (String, Data)? {
        let path = Self.corpusImages + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            XCTFail("the MaterialX corpus is missing: expected \(path) (../shared/corpus/materialx beside the checkout)")
            return nil
        }
        return (path, data)
    }

    func testGreyscaleAndColourFilesDecode() throws {
        guard let (grey, greyData) = try corpusJPEG("brick_mask.jpg"), let (colour, _) = try corpusJPEG("wood_color.jpg") else { return }
        let g = try decodeJPEG8(greyData, path: grey)
        XCTAssertEqual(g.width, 2048)
        XCTAssertEqual(g.height, 2048)
        XCTAssertEqual(g.bytes.count, 2048 * 2048 * 3)
        // Greyscale becomes grey RGB, and a mask uses (nearly) the full range.
        for i in stride(from: 0, to: g.bytes.count, by: 3 * 4099) {
            XCTAssertEqual(g.bytes[i], g.bytes[i + 1]); XCTAssertEqual(g.bytes[i], g.bytes[i + 2])
        }
        XCTAssertLessThan(g.bytes.min() ?? 255, 30)
        XCTAssertGreaterThan(g.bytes.max() ?? 0, 225)
        let image = try readJPEG(colour)
        XCTAssertGreaterThan(image.width, 0)
        let mean = image.pixels.reduce(SIMD4<Float>.zero, +) / Float(image.pixels.count)
        // Wood is brown: red > green > blue, linear values in (0, 1), alpha 1.
        XCTAssertTrue(mean.x > mean.y && mean.y > mean.z && mean.x < 1 && mean.z > 0, "\(mean)")
        XCTAssertEqual(mean.w, 1, accuracy: 1e-6)
    }

    func testDamagedTruncatedAndForeignDataAreTypedErrors() throws {
        guard let (path, data) = try corpusJPEG("brick_mask.jpg") else { return }
        func assertCorrupt(_ bytes: Data, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            do {
                _ = try decodeJPEG8(bytes, path: "x.jpg")
                XCTFail("\(what): expected an error", file: file, line: line)
            } catch let e as ImagingError {
                XCTAssertTrue(e.description.contains("x.jpg"), "\(what): \(e)", file: file, line: line)
                XCTAssertFalse(e.description.contains("\n"), file: file, line: line)
            } catch {
                XCTFail("\(what): unexpected \(type(of: error))", file: file, line: line)
            }
        }
        assertCorrupt(data.prefix(data.count / 2), "truncated")
        assertCorrupt(data.prefix(600), "header only")
        assertCorrupt(Data(), "empty")
        assertCorrupt(Data("this is not a jpeg at all".utf8), "text")
        assertCorrupt(Data([0xFF, 0xD8, 0xFF, 0xD9]), "SOI then EOI")
        var scrambled = data
        for i in stride(from: 2000, to: scrambled.count - 2, by: 97) { scrambled[i] = 0xFF }
        assertCorrupt(scrambled, "scrambled entropy data")
        XCTAssertThrowsError(try readJPEG(path + ".missing"))
    }
}
