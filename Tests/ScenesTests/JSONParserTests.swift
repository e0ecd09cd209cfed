import XCTest
@testable import Scenes

final class JSONParserTests: XCTestCase {
    private func parse(_ s: String) throws -> JSONValue { try JSONParser.parse(Array(s.utf8), file: "t.json") }

    func testValues() throws {
        XCTAssertEqual(try parse(#" {"a": [1, -2.5e2, true, false, null, "x"], "b": {}} "#),
                       .object([("a", .array([.number(1), .number(-250), .bool(true), .bool(false), .null, .string("x")])), ("b", .object([]))]))
        XCTAssertEqual(try parse(#""\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#), .string("\"\\/\u{8}\u{c}\n\r\té😀"))
        XCTAssertEqual(try parse("-Infinity"), .number(-.infinity))
        XCTAssertEqual(try parse("\u{FEFF}0"), .number(0))
    }

    func testKeyOrderIsPreserved() throws {
        guard case .object(let fields) = try parse(#"{"z": 1, "a": 2, "m": 3}"#) else { return XCTFail() }
        XCTAssertEqual(fields.map(\.key), ["z", "a", "m"])
    }

    func testMalformedNumbersAndStrings() {
        for bad in ["01", "1.", "-", "1e", "\"abc", "\"\\x\"", "\"\\ud800\"", "tru", "[1,]", "\"a\nb\""] {
            assertSceneError(.syntax, "t.json:") { try parse(bad) }
        }
    }
}
