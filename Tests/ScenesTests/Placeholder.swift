import XCTest
final class ScenesTestsPlaceholder: XCTestCase { func testNothing() {} }
