import Foundation
import XCTest

/// `lacquer bake --decoder 2x16` trains with the 2026 follow-up's recipe
/// (smooth ReLU, half and difference vectors, four copies) unless an option
/// says otherwise; the twin file records what it was trained with.
final class CompactDecoderRecipeCLITests: XCTestCase {
    /// Bakes lambert.json starved (these tests are about settings, not quality)
    /// and returns the `--json` summary and `lacquer info`'s decoder line.
    func bake(_ extra: [String], decoder: String? = "2x16") throws -> (summary: [String: Any], decoderLine: String) {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("twin.nmat").path
        let tiny = ["--preset", "quick", "--resolution", "4", "--samples", "2048", "--quiet", "--allow-poor", "--json"]
        let bake = try CLI.run(["bake", "Assets/Materials/lambert.json", "-o", out] + (decoder.map { ["--decoder", $0] } ?? []) + tiny + extra)
        XCTAssertEqual(bake.status, 0, bake.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bake.stdout.utf8)) as? [String: Any], bake.stdout)
        let info = try CLI.run(["info", out])
        XCTAssertEqual(info.status, 0, info.stderr)
        let line = try XCTUnwrap(info.stdout.split(separator: "\n").first { $0.contains("decoder") }, info.stdout)
        return (summary, String(line))
    }

    /// No `--decoder`: the 2×16 with its recipe (the default since every bundled
    /// material's 2×16 came within 10 % of its 2×32); `--decoder 2x32` trains
    /// as the paper does.
    func testTheDefaultDecoderIsTheRecipesTwoBySixteen() throws {
        let d = try bake([], decoder: nil)
        XCTAssertEqual(d.summary["decoder"] as? String, "2x16")
        XCTAssertEqual(d.summary["copies"] as? Int, 4)
        XCTAssertEqual(d.summary["frame_inputs"] as? String, "h-d-l")
        XCTAssertEqual(d.summary["activation"] as? String, "smelu")
        let big = try bake([], decoder: "2x32")
        XCTAssertEqual(big.summary["copies"] as? Int, 1)
        XCTAssertEqual(big.summary["frame_inputs"] as? String, "wi-wo")
        XCTAssertEqual(big.summary["activation"] as? String, "relu")
        XCTAssertTrue(big.decoderLine.contains("2x32: latents 8, BRDF 20→32→32→3 (exp"), big.decoderLine)   // the paper's: wi, wo, ReLU
    }

    func testTheTwoBySixteenTrainsWithTheFollowUpsRecipe() throws {
        let r = try bake([])
        XCTAssertEqual(r.summary["decoder"] as? String, "2x16")
        XCTAssertEqual(r.summary["activation"] as? String, "smelu")
        XCTAssertEqual(r.summary["frame_inputs"] as? String, "h-d-l")
        XCTAssertEqual(r.summary["copies"] as? Int, 4)
        // 8 latents + 2 frames × 9 h-d-l features; smooth hidden layers.
        XCTAssertTrue(r.decoderLine.contains("frame inputs h-d-l") && r.decoderLine.contains("BRDF 26→16→16→3 (smelu"), r.decoderLine)
    }

    func testEachPartOfTheRecipeCanBeOverridden() throws {
        let plain = try bake(["--activation", "relu", "--frame-inputs", "wi-wo", "--copies", "1"])
        XCTAssertEqual(plain.summary["activation"] as? String, "relu")
        XCTAssertEqual(plain.summary["frame_inputs"] as? String, "wi-wo")
        XCTAssertEqual(plain.summary["copies"] as? Int, 1)
        // The paper's 2×16: 8 latents + 2 frames × (wi, wo); ReLU.
        XCTAssertTrue(plain.decoderLine.contains("BRDF 20→16→16→3 (exp"), plain.decoderLine)

        let two = try bake(["--copies", "2", "--frame-inputs", "wi-wo-h"])
        XCTAssertEqual(two.summary["activation"] as? String, "smelu")
        XCTAssertEqual(two.summary["frame_inputs"] as? String, "wi-wo-h")
        XCTAssertEqual(two.summary["copies"] as? Int, 2)
    }
}
