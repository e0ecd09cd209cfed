import XCTest
@testable import Imaging

final class ImageMetricsTests: XCTestCase {
    func testIdenticalImages() throws {
        let image = Image(width: 7, height: 5, fill: SIMD4(0.3, 2, 0, 1))
        let result = try compareImages(image, image)
        XCTAssertEqual(result.psnr, .infinity)
        XCTAssertEqual(result.relativeMSE, 0)
        XCTAssertEqual(result.smape, 0)
    }

    func testKnownOffset() throws {
        let reference = Image(width: 4, height: 3, fill: SIMD4(0.5, 0.5, 0.5, 1))
        let test = Image(width: 4, height: 3, fill: SIMD4(0.625, 0.625, 0.625, 0))
        let result = try compareImages(test, reference)
        // MSE = 1/64 -> PSNR = 10·log10(64).
        XCTAssertEqual(result.psnr, 10 * log10(64.0), accuracy: 1e-9)
        XCTAssertEqual(result.relativeMSE, 0.015625 / (0.25 + 0.01), accuracy: 1e-12)
        XCTAssertEqual(result.smape, 0.25 / (1.125 + 0.01), accuracy: 1e-12)
    }

    func testPSNRClampsToDisplayRange() throws {
        let a = Image(width: 2, height: 2, fill: SIMD4(5, 1, -1, 1))
        let b = Image(width: 2, height: 2, fill: SIMD4(1, 1, 0, 1))
        XCTAssertEqual(try compareImages(a, b).psnr, .infinity)
        XCTAssertGreaterThan(try compareImages(a, b).relativeMSE, 0)
    }

    func testSizeMismatchThrows() {
        let a = Image(width: 2, height: 2), b = Image(width: 2, height: 3)
        XCTAssertThrowsError(try compareImages(a, b)) { error in
            XCTAssertEqual((error as? ImagingError)?.kind, .sizeMismatch)
        }
        XCTAssertThrowsError(try errorHeatmap(a, b))
        XCTAssertThrowsError(try comparisonSheet(a, b))
    }

    func testMeansAndStandardError() {
        var image = Image(width: 2, height: 2)
        image.pixels = [SIMD4(1, 2, 3, 1), SIMD4(3, 2, 1, 1), SIMD4(1, 2, 3, 1), SIMD4(3, 2, 1, 1)]
        XCTAssertEqual(image.mean, SIMD4(2, 2, 2, 1))
        XCTAssertEqual(image.meanRGB, 2)
        let stats = image.statistics()
        // R = {1,3,1,3}: sample variance 4/3, SE = sqrt(4/3)/2.
        XCTAssertEqual(stats.standardError.x, (4.0 / 3).squareRoot() / 2, accuracy: 1e-12)
        XCTAssertEqual(stats.standardError.y, 0)
        XCTAssertEqual(stats.meanRGB, 2)
        XCTAssertEqual(stats.standardErrorRGB, 0) // every pixel's RGB average is 2

        let (mean, se) = meanAndStandardError([2.0, 4, 4, 4, 5, 5, 7, 9])
        XCTAssertEqual(mean, 5)
        XCTAssertEqual(se, (32.0 / 7).squareRoot() / 8.0.squareRoot(), accuracy: 1e-12)
        XCTAssertTrue(meanAndStandardError([1.0]).standardError.isNaN)
    }
}
