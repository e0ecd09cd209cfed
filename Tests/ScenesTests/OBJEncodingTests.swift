import Foundation
import XCTest
@testable import Scenes

/// An OBJ that is not UTF-8 text is refused in one line, instead of being
/// parsed into errors that print raw NUL and replacement characters.
final class OBJEncodingTests: XCTestCase {
    let text = "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"

    func testUTF16IsRefusedAsNotUTF8() {
        var le = Data([0xFF, 0xFE]); le.append(text.data(using: .utf16LittleEndian)!)
        var be = Data([0xFE, 0xFF]); be.append(text.data(using: .utf16BigEndian)!)
        let bomless = text.data(using: .utf16LittleEndian)!
        for (name, data) in [("le.obj", le), ("be.obj", be), ("bomless.obj", bomless)] {
            XCTAssertThrowsError(try OBJLoader.parse(data: data, file: name)) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(name) && message.contains("not UTF-8 text") && message.contains("UTF-16"), message)
                XCTAssertFalse(message.contains("\u{0}") || message.contains("\u{FFFD}"), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
    }

    func testInvalidUTF8IsRefusedAndUTF8Accepted() throws {
        var latin1 = Data("# caf".utf8); latin1.append(0xE9); latin1.append(Data("\n".utf8)); latin1.append(Data(text.utf8))
        XCTAssertThrowsError(try OBJLoader.parse(data: latin1, file: "latin1.obj")) { error in
            XCTAssertTrue("\(error)".contains("not UTF-8 text"), "\(error)")
        }
        let mesh = try OBJLoader.parse(data: Data(("# café\n" + text).utf8), file: "utf8.obj")
        XCTAssertEqual(mesh.indices.count, 3)
    }
}
