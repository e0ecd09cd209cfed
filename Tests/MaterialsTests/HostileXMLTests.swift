import XCTest
@testable import Materials

/// Malformed and hostile XML is refused with one plain line naming the file
/// and the line: no "NSXMLParserErrorDomain error N", no entity expansion.
final class HostileXMLTests: XCTestCase {
    func assertPlainRefusal(_ name: String, _ text: String, _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try TempDir()
        let path = try dir.write(name, text)
        do {
            _ = try MaterialLoader.loadMaterial(path: path)
            XCTFail("\(name) was accepted", file: file, line: line)
        } catch {
            let message = "\(error)"
            XCTAssertTrue(message.contains(name), message, file: file, line: line)
            for f in fragments { XCTAssertTrue(message.contains(f), "\"\(message)\" lacks \"\(f)\"", file: file, line: line) }
            XCTAssertFalse(message.contains("Domain"), message, file: file, line: line)
            XCTAssertFalse(message.contains("error 7"), message, file: file, line: line)
            XCTAssertFalse(message.contains("\n"), message, file: file, line: line)
        }
    }

    func testMismatchedTagNamesLineAndCause() throws {
        try assertPlainRefusal("mismatch.mtlx", "<?xml version=\"1.0\"?>\n<materialx version=\"1.39\">\n  <nodegraph name=\"a\">\n</materialx>\n",
                               "line 4", "does not match")
    }

    func testBillionLaughsIsRefusedUpFront() throws {
        var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for k in 1...9 { doc += " <!ENTITY lol\(k) \"" + String(repeating: "&lol\(k == 1 ? "" : String(k - 1));", count: 10) + "\">\n" }
        doc += "]>\n<materialx version=\"1.39\">&lol9;</materialx>\n"
        try assertPlainRefusal("laughs.mtlx", doc, "line 2", "DOCTYPE")
    }

    func testExternalEntityIsRefused() throws {
        let doc = "<?xml version=\"1.0\"?>\n\n<!DOCTYPE m [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<materialx>&xxe;</materialx>\n"
        try assertPlainRefusal("xxe.mtlx", doc, "line 3", "DOCTYPE")
    }

    func testGarbageIsPlain() throws {
        try assertPlainRefusal("garbage.mtlx", "\u{1}\u{2}not xml at all", "XML")
        try assertPlainRefusal("empty.mtlx", "", "empty")
    }
}
