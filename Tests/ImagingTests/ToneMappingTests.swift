import XCTest
@testable import Imaging

final class ToneMappingTests: XCTestCase {
    func testOperatorsAreMonotonicAndBounded() {
        let xs = stride(from: Float(0), through: 64, by: 0.01).map { $0 }
        for op in ToneMapOperator.allCases {
            var previous: Float = -1
            for x in xs {
                let y = op.apply(x)
                XCTAssertGreaterThanOrEqual(y, previous, "\(op) at \(x)")
                XCTAssertTrue((0...1).contains(y), "\(op) at \(x)")
                previous = y
            }
            XCTAssertEqual(op.apply(0), 0, accuracy: 1e-6)
            XCTAssertEqual(op.apply(-3), op.apply(0))
            XCTAssertEqual(op.apply(.nan), 0)
            XCTAssertEqual(op.apply(.infinity), 1)
        }
        XCTAssertEqual(ToneMapOperator.reinhard.apply(1), 0.5)
        XCTAssertEqual(ToneMapOperator.clamp.apply(0.25), 0.25)
        XCTAssertGreaterThan(ToneMapOperator.aces.apply(100), 0.99)
    }

    func testSRGBEncodeDecodeAreInverse() {
        for i in 0...1000 {
            let x = Float(i) / 1000
            XCTAssertEqual(SRGB.decode(SRGB.encode(x)), x, accuracy: 2e-6)
            XCTAssertEqual(SRGB.encode(SRGB.decode(x)), x, accuracy: 2e-6)
        }
        for code in 0...255 {
            XCTAssertEqual(SRGB.encode8(SRGB.decode8(UInt8(code))), UInt8(code))
        }
        XCTAssertEqual(SRGB.encode8(0.5), 188) // the textbook value of linear 0.5
        XCTAssertEqual(SRGB.encode(0.0031308), 12.92 * 0.0031308, accuracy: 1e-6)
    }

    func testExposureDoublesPerStop() {
        let image = Image(width: 1, height: 1, fill: SIMD4(0.1, 0.2, 0.4, 1))
        let brighter = Image(width: 1, height: 1, fill: SIMD4(0.2, 0.4, 0.8, 1))
        XCTAssertEqual(image.toneMapped(exposure: 1, operator: .reinhard),
                       brighter.toneMapped(exposure: 0, operator: .reinhard))
        let bytes = Image(width: 2, height: 1, fill: SIMD4(1, 0, 0.5, 0.5)).toneMapped(operator: .clamp)
        XCTAssertEqual(bytes, [255, 0, 188, 128, 255, 0, 188, 128])
    }
}
