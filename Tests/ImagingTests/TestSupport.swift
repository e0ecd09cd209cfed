import Foundation
import XCTest
@testable import Imaging

/// A fresh temporary directory per test, removed afterwards.
class ImagingTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lacquer-imaging-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A deterministic HDR test image (no randomness, so failures reproduce).
    func gradientImage(width: Int = 37, height: Int = 21, scale: Float = 4) -> Image {
        var image = Image(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let u = Float(x) / Float(width), v = Float(y) / Float(height)
                image[x, y] = SIMD4(u * scale, v * scale * 0.5, (u * v + 0.01) * scale * 10, 0.25 + 0.5 * u)
            }
        }
        return image
    }

    /// Asserts that `body` throws an `ImagingError`, and returns it.
    @discardableResult
    func assertImagingError<T>(_ body: @autoclosure () throws -> T, kind: ImagingError.Kind? = nil,
                               file: StaticString = #filePath, line: UInt = #line) -> ImagingError? {
        do {
            _ = try body()
            XCTFail("expected an ImagingError", file: file, line: line)
        } catch let error as ImagingError {
            if let kind { XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line) }
            XCTAssertFalse(error.description.contains("\n"), "message must be one line", file: file, line: line)
            if ProcessInfo.processInfo.environment["LQ_PRINT_ERRORS"] != nil { print("ImagingError:", error) }
            return error
        } catch {
            XCTFail("expected ImagingError, got \(error)", file: file, line: line)
        }
        return nil
    }

    func writeBytes<D: Sequence>(_ path: String, _ bytes: D) throws where D.Element == UInt8 {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func leftoverTemporaryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
    }
}
