import Foundation
import Materials
import XCTest

/// The `lacquer bsdf` row file format (BsdfBatchRows), now in the library.
final class BsdfBatchRowsTests: XCTestCase {
    func testRoundTripKeepsEveryBitPattern() throws {
        let values: [Float] = [0.5, -0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, 1e-20, -3]
        let decoded = try BsdfBatchRows.decode(BsdfBatchRows.encode(values), floatsPerRow: 4, file: "rows.bin")
        XCTAssertEqual(decoded.map(\.bitPattern), values.map(\.bitPattern))
    }

    func testLittleEndianLayout() throws {
        XCTAssertEqual([UInt8](BsdfBatchRows.encode([1])), [0x00, 0x00, 0x80, 0x3F])
        XCTAssertEqual(try BsdfBatchRows.decode(Data([0x00, 0x00, 0x80, 0x3F]), floatsPerRow: 1, file: "x"), [1])
    }

    func testPartialRowIsOneLineErrorNamingTheFile() {
        XCTAssertThrowsError(try BsdfBatchRows.decode(Data(count: 25), floatsPerRow: 6, file: "rows.bin")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("rows.bin: size 25 bytes is not a multiple of the 24-byte row"), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    func testEmptyFileIsZeroRows() throws {
        XCTAssertEqual(try BsdfBatchRows.decode(Data(), floatsPerRow: 6, file: "x"), [])
    }
}
