import Foundation
import NeuralMaterial
import XCTest

/// Architectures read from `.nmat` metadata are bounded before anything is
/// allocated from them (found while writing the fuzzing seeds: Fuzz/Corpus/nmat/regress-many-layers.nmat).
final class NeuralArchitectureLimitsTests: XCTestCase {
    func testThousandsOfHiddenLayersAreRefusedBeforeAllocation() {
        let architecture = #"{"brdfHidden":["# + Array(repeating: "1024", count: 2500).joined(separator: ",")
            + #"],"latentChannels":8,"outputOffset":3,"samplerHidden":[32]}"#
        // Every other metadata field is valid, so decoding reaches the parameter allocation.
        let metadata = ["format": NeuralMaterialFile.formatName, "format_version": "1", "architecture": architecture,
                        "latent_resolution": "2x2", "latent_levels": "1", "source_material": "m", "source_hash": "fnv1a64:0",
                        "training": "{}", "seed": "1", "metrics": "{}"]
        let file = SafeTensorsFile(tensors: [], metadata: metadata).serialized()
        XCTAssertThrowsError(try NeuralMaterialFile.decode(file, file: "layers.nmat")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("layers.nmat") && text.contains("architecture") && text.contains("1...16 layers"), text)
            XCTAssertFalse(text.contains("\n"), text)
            XCTAssertLessThan(text.count, 400, "the message lists a few layers, not 2500")
        }
    }

    func testSixteenLayersAreStillAValidArchitecture() throws {
        let text = NeuralArchitecture(brdfHidden: Array(repeating: 8, count: 16), samplerHidden: [8]).jsonString()
        XCTAssertEqual(try NeuralArchitecture.fromJSON(text).brdfHidden.count, 16)
        let tooMany = NeuralArchitecture(brdfHidden: [8], samplerHidden: Array(repeating: 8, count: 17)).jsonString()
        XCTAssertThrowsError(try NeuralArchitecture.fromJSON(tooMany))
    }
}
