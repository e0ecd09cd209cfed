import XCTest
final class LacquerCLITestsPlaceholder: XCTestCase { func testNothing() {} }
