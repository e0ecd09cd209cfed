import Foundation
import Imaging
import XCTest

/// A header that claims a huge data window over a file with 4 bytes of pixel data is
/// refused before any plane is allocated (found by fuzzing: 2 GB were
/// allocated and cleared first). Reproducer: Fuzz/Corpus/exr/regress-window-without-data.exr.
final class EXRAllocationTests: XCTestCase {
    func testHugeWindowWithoutPixelDataIsRefusedBeforeAllocating() throws {
        let reproducer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/exr/regress-window-without-data.exr").path
        for read in [{ _ = try readEXR(reproducer) }, { _ = try readEXRChannels(reproducer) }] {
            XCTAssertThrowsError(try read()) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("regress-window-without-data.exr") && text.contains("268435456x1"), text)
            }
        }
    }
}
