import XCTest
final class MaterialsTestsPlaceholder: XCTestCase { func testNothing() {} }
