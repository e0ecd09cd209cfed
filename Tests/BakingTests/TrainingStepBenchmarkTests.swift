import XCTest
@testable import Baking
import NeuralMaterial

/// `lacquer bench train`'s step: it trains (the loss falls on its fixed
/// batch) and every worker count gives the same bits (chunk-ordered decoder
/// sums, owner-computes latent scatter, element-wise Adam).
final class TrainingStepBenchmarkTests: XCTestCase {
    func testStepTrainsAndIsIndependentOfWorkerCount() {
        let one = TrainingStepBenchmark(batch: 700, resolution: 8, threads: 1, isa: .active)
        let three = TrainingStepBenchmark(batch: 700, resolution: 8, threads: 3, isa: .active)
        let latentsBefore = one.latentValues
        var losses: [Float] = []
        for _ in 0..<12 {
            let l1 = one.step(), l3 = three.step()
            XCTAssertEqual(l1, l3)
            losses.append(l1)
        }
        XCTAssertTrue(losses.allSatisfy(\.isFinite))
        XCTAssertLessThan(losses.last!, losses.first!, "\(losses)")
        XCTAssertNotEqual(one.latentValues, latentsBefore, "Adam must update the latents")
        XCTAssertTrue(one.latentValues == three.latentValues, "latents differ between 1 and 3 workers")
        XCTAssertTrue(one.decoderValues == three.decoderValues, "decoder parameters differ between 1 and 3 workers")
        XCTAssertGreaterThan(one.flopsPerSample, 10_000)
    }
}
