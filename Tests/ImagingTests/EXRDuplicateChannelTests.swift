import Foundation
import Imaging
import XCTest

/// A damaged header that lists one channel name twice is refused, naming the
/// channel (found by fuzzing: the second plane replaced the first in the
/// decoder's table and the first buffer leaked). Reproducer:
/// Fuzz/Corpus/exr/regress-duplicate-channel-leak.exr.
final class EXRDuplicateChannelTests: XCTestCase {
    func testAChannelListedTwiceIsRefused() throws {
        let reproducer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/exr/regress-duplicate-channel-leak.exr").path
        for read in [{ _ = try readEXR(reproducer) }, { _ = try readEXRChannels(reproducer) }] {
            XCTAssertThrowsError(try read()) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("regress-duplicate-channel-leak.exr") && text.contains("listed twice"), text)
                XCTAssertFalse(text.contains("\n"), "one line: \(text)")
            }
        }
    }
}
