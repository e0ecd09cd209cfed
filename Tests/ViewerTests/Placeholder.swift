import XCTest
final class ViewerTestsPlaceholder: XCTestCase { func testNothing() {} }
