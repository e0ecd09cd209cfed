import XCTest
@testable import Imaging

final class HeatmapTests: XCTestCase {
    func testRampIsOrderedDarkToBright() {
        func luminance(_ c: SIMD3<Float>) -> Float { 0.2126 * c.x + 0.7152 * c.y + 0.0722 * c.z }
        var previous: Float = -1
        for i in 0...100 {
            let l = luminance(ColorRamp.color(Float(i) / 100))
            XCTAssertGreaterThan(l, previous)
            previous = l
        }
        XCTAssertEqual(ColorRamp.color(-1), ColorRamp.color(0))
        XCTAssertEqual(ColorRamp.color(7), ColorRamp.color(1))
    }

    func testHeatmapScalesErrors() throws {
        let b = Image(width: 3, height: 1, fill: SIMD4(0, 0, 0, 1))
        var a = b
        a[1, 0] = SIMD4(0.5, 0.5, 0.5, 1)
        a[2, 0] = SIMD4(1, 1, 1, 1)
        let map = try errorHeatmap(a, b, maxError: 1)
        XCTAssertEqual(map[0, 0], SIMD4(ColorRamp.color(0), 1))
        XCTAssertEqual(map[1, 0], SIMD4(ColorRamp.color(0.5), 1))
        XCTAssertEqual(map[2, 0], SIMD4(ColorRamp.color(1), 1))
        let auto = try errorHeatmap(b, b)
        XCTAssertTrue(auto.pixels.allSatisfy { $0 == SIMD4(ColorRamp.color(0), 1) })
    }

    func testComparisonSheetLayout() throws {
        let a = Image(width: 5, height: 4, fill: SIMD4(1, 0, 0, 1))
        let b = Image(width: 5, height: 4, fill: SIMD4(0, 1, 0, 1))
        let sheet = try comparisonSheet(a, b)
        XCTAssertEqual(sheet.width, 15 + 2 * 4)
        XCTAssertEqual(sheet.height, 4)
        XCTAssertEqual(sheet[4, 3], a[0, 0])
        XCTAssertEqual(sheet[5, 0], SIMD4(0, 0, 0, 1)) // gap
        XCTAssertEqual(sheet[9, 2], b[0, 0])
        XCTAssertEqual(sheet[18, 1], try errorHeatmap(a, b)[0, 0])
    }
}
