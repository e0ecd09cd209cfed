import Foundation
import XCTest
@testable import Imaging

final class PNGTests: ImagingTestCase {
    func testRoundTripWithClampIsWithinOneCodeValue() throws {
        var image = Image(width: 16, height: 9)
        for y in 0..<9 {
            for x in 0..<16 {
                image[x, y] = SIMD4(Float(x) / 15, Float(y) / 8, 0.5, Float(x + y) / 23)
            }
        }
        let file = path("clamp.png")
        try writePNG(image, to: file, toneMap: .clamp)
        let back = try readPNG(file)
        XCTAssertEqual(back.width, 16)
        XCTAssertEqual(back.height, 9)
        for (a, b) in zip(image.pixels, back.pixels) {
            for c in 0..<3 {
                XCTAssertEqual(SRGB.encode(b[c]), SRGB.encode(a[c]), accuracy: 0.5 / 255 + 1e-5)
            }
            XCTAssertEqual(b.w, a.w, accuracy: 0.5 / 255 + 1e-6)
        }
        XCTAssertEqual(try leftoverTemporaryFiles(), [])
    }

    func testReadMatchesToneMappedBytes() throws {
        let image = gradientImage()
        let file = path("aces.png")
        try writePNG(image, to: file, exposure: -1)
        let expected = image.toneMapped(exposure: -1, operator: .aces)
        let back = try readPNG(file)
        for i in back.pixels.indices {
            XCTAssertEqual(SRGB.encode8(back.pixels[i].x), expected[4 * i])
            XCTAssertEqual(SRGB.encode8(back.pixels[i].z), expected[4 * i + 2])
        }
    }

    func testBadFiles() throws {
        assertImagingError(try readPNG(path("missing.png")), kind: .fileNotFound)
        let garbage = path("garbage.png")
        try writeBytes(garbage, Data((0..<500).map { UInt8($0 % 251) }))
        assertImagingError(try readPNG(garbage), kind: .corrupt)

        let file = path("whole.png")
        try writePNG(gradientImage(width: 64, height: 64), to: file)
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        // Cutting only IEND leaves complete pixels, which libpng rightly accepts.
        for length in [8, 40, data.count / 2, data.count - 20] {
            let cut = path("cut-\(length).png")
            try writeBytes(cut, data.prefix(length))
            assertImagingError(try readPNG(cut))
        }
    }

    func testWriteFailuresLeaveNothing() throws {
        assertImagingError(try writePNG(gradientImage(), to: path("no/dir/x.png")), kind: .writeFailed)
        assertImagingError(try writePNG(Image(width: 0, height: 0), to: path("empty.png")), kind: .invalidInput)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }
}
