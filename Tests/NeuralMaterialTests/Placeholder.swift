import XCTest
final class NeuralMaterialTestsPlaceholder: XCTestCase { func testNothing() {} }
