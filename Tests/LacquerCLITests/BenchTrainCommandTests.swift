import Foundation
import XCTest

/// `lacquer bench train` and the training-kernel line of `lacquer info`, on a
/// tiny batch (what is checked is the interface, not the speed).
final class BenchTrainCommandTests: XCTestCase {
    func testJSONHasTheRateISAAndThreads() throws {
        let r = try CLI.run(["bench", "train", "--batch", "600", "--resolution", "16", "--steps", "1", "--warmup", "0",
                             "--threads", "2", "--json"], environment: ["LACQUER_ISA": "portable"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
        XCTAssertEqual(object["isa"] as? String, "portable")
        XCTAssertEqual(object["threads"] as? Int, 2)
        XCTAssertGreaterThan(try XCTUnwrap(object["samples_per_second"] as? Double), 0)
        XCTAssertGreaterThan(try XCTUnwrap(object["gflops"] as? Double), 0)
    }

    func testUnknownISAIsAOneLineError() throws {
        let r = try CLI.run(["bench", "train", "--batch", "64", "--steps", "1"], environment: ["LACQUER_ISA": "sse9"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("LACQUER_ISA=sse9"), r.stderr)
        XCTAssertTrue(r.stdout.isEmpty, r.stdout)
    }

    func testInfoNamesTheTrainingKernels() throws {
        let r = try CLI.run(["info"], environment: ["LACQUER_ISA": "portable"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("training kernels: portable"), r.stdout)
    }
}
