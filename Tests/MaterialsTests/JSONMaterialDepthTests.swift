import Foundation
import Materials
import XCTest

/// Deep node graphs in material JSON are refused with one line instead of
/// overflowing the stack (found while fuzzing; reproducer:
/// Fuzz/Corpus/material-json/regress-node-chain.json).
final class JSONMaterialDepthTests: XCTestCase {
    /// `count` named mix nodes, each referring to the next, ending in a constant.
    func chain(_ count: Int) -> Data {
        var nodes: [String: Any] = [:]
        for i in 0..<count { nodes["n\(i)"] = ["node": "mix", "fg": "n\(i + 1)", "bg": 0.5, "mix": 0.5] }
        nodes["n\(count)"] = ["node": "mix", "fg": 0.5, "bg": 0.5, "mix": 0.5]
        let root: [String: Any] = ["lacquer_material": 1, "nodes": nodes, "bsdf": ["node": "lambert_bsdf", "color": "n0"]]
        return (try? JSONSerialization.data(withJSONObject: root)) ?? Data()
    }

    func testLongChainOfNamedNodesIsAnErrorNotAStackOverflow() {
        XCTAssertThrowsError(try JSONMaterialParser.parse(data: chain(5000), path: "chain.json")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("chain.json: ") && text.contains("nest deeper than 100 levels"), text)
        }
    }

    func testDeepButBoundedChainStillParses() throws {
        XCTAssertNoThrow(try JSONMaterialParser.parse(data: chain(90), path: "chain.json"))
    }

    func testDeeplyNestedLayersAreAnError() throws {
        var bsdf: [String: Any] = ["node": "lambert_bsdf", "color": [0.5, 0.5, 0.5]]
        for _ in 0..<150 { bsdf = ["node": "layer", "top": ["node": "dielectric_bsdf", "roughness": 0.3], "base": bsdf] }
        let data = try JSONSerialization.data(withJSONObject: ["lacquer_material": 1, "bsdf": bsdf])
        XCTAssertThrowsError(try JSONMaterialParser.parse(data: data, path: "layers.json")) { error in
            XCTAssertTrue("\(error)".contains("nest deeper than 100 levels"), "\(error)")
        }
    }
}

/// Numbers beyond the Float range are refused where they enter (the check
/// used Double, so 1e39 became an infinite roughness). Seen while writing the
/// fuzzing seeds.
final class JSONMaterialNumberRangeTests: XCTestCase {
    func testNumbersBeyondFloatRangeAreRefused() {
        let bsdfs = [
            #"{"node": "dielectric_bsdf", "roughness": -1e39}"#,
            #"{"node": "dielectric_bsdf", "ior": 3.5e38}"#,
            #"{"node": "lambert_bsdf", "color": {"node": "fbm", "scale": [1e39, 4]}}"#,
            #"{"node": "lambert_bsdf", "color": {"node": "fbm", "scale": 4, "seed": 1e40}}"#,
        ]
        for bsdf in bsdfs {
            let json = #"{"lacquer_material": 1, "bsdf": \#(bsdf)}"#
            XCTAssertThrowsError(try JSONMaterialParser.parse(data: Data(json.utf8), path: "m.json"), bsdf) { error in
                XCTAssertTrue("\(error)".hasPrefix("m.json: "), "\(error)")
            }
        }
    }

    func testLargestFloatIsStillAccepted() {
        let json = #"{"lacquer_material": 1, "bsdf": {"node": "lambert_bsdf", "color": {"node": "fbm", "scale": [3e38, 4]}}}"#
        XCTAssertNoThrow(try JSONMaterialParser.parse(data: Data(json.utf8), path: "m.json"))
    }
}
