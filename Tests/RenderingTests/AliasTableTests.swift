import Rendering
import XCTest

final class AliasTableTests: XCTestCase {
    func testReproducesTheDistribution() {
        let weights: [Double] = [0, 1, 2, 3, 10, 0.5, 0, 7]
        let table = AliasTable(weights: weights)
        let total = weights.reduce(0, +)
        for (p, w) in zip(table.effectiveProbabilities(), weights) {
            XCTAssertEqual(p, w / total, accuracy: 1e-6)
        }
        for (e, w) in zip(table.entries, weights) { XCTAssertEqual(Double(e.pdf), w / total, accuracy: 1e-6) }
    }

    func testAllZeroWeightsAreUniform() {
        let table = AliasTable(weights: [0, 0, 0, 0])
        for p in table.effectiveProbabilities() { XCTAssertEqual(p, 0.25, accuracy: 1e-9) }
    }

    func testLargeRandomTable() {
        var state: UInt64 = 12345
        let weights = (0..<4096).map { _ -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 40) / Double(1 << 24)
        }
        let table = AliasTable(weights: weights)
        let total = weights.reduce(0, +)
        for (p, w) in zip(table.effectiveProbabilities(), weights) { XCTAssertEqual(p, w / total, accuracy: 1e-6) }
    }
}
