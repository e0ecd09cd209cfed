import XCTest
@testable import NeuralMaterial

/// The training step's C log-L1 kernel (`LogL1Loss.trainingChunk`) against
/// the generic definition (`LogL1Loss.forwardBackward`): the same gradient
/// on every path (its sign comes from y − t instead of the log difference),
/// the loss equal up to the logarithms' rounding, every path bit-identical,
/// a NaN prediction still gives a NaN loss (the baker's divergence check).
final class LogL1LossKernelTests: XCTestCase {
    func testKernelMatchesTheDefinitionOnEveryPath() {
        var rng = PCG32(seed: 5, stream: 9)
        let count = 3 * 171   // vector blocks and a tail
        var y = (0..<count).map { _ in expf(3 * rng.nextGaussian()) * 0.1 }
        var t = (0..<count).map { _ in expf(3 * rng.nextGaussian()) * 0.1 }
        y[0] = -0.5; t[1] = -2; y[2] = 0; t[3] = t[3]; y[3] = t[3]; y[4] = 1e-30; t[4] = 0
        let (expectedLoss, expectedGradient) = LogL1Loss.forwardBackward(prediction: y, target: t)
        var first: [Float]?
        for isa in TrainingISA.available {
            var g = [Float](repeating: .nan, count: count)
            let loss = y.withUnsafeBufferPointer { yp in
                t.withUnsafeBufferPointer { tp in
                    g.withUnsafeMutableBufferPointer {
                        LogL1Loss.trainingChunk(prediction: yp.baseAddress!, target: tp.baseAddress!, count: count,
                                                gradient: $0.baseAddress!, scale: 1, isa: isa)
                    }
                }
            }
            XCTAssertEqual(loss, expectedLoss, accuracy: 1e-5 * expectedLoss, "\(isa) loss")
            for i in 0..<count {
                XCTAssertEqual(g[i], expectedGradient[i], accuracy: 1e-6 * abs(expectedGradient[i]), "\(isa) gradient \(i)")
            }
            XCTAssertEqual(g[3], 0, "\(isa): y = t has no gradient")
            XCTAssertEqual(g[0], 0, "\(isa): a negative prediction has no gradient")
            if let first { XCTAssertEqual(g.map(\.bitPattern), first.map(\.bitPattern), "\(isa) differs from portable") } else { first = g }
        }
        y[7] = .nan
        var g = [Float](repeating: 0, count: count)
        let nanLoss = y.withUnsafeBufferPointer { yp in
            t.withUnsafeBufferPointer { tp in
                g.withUnsafeMutableBufferPointer {
                    LogL1Loss.trainingChunk(prediction: yp.baseAddress!, target: tp.baseAddress!, count: count, gradient: $0.baseAddress!, scale: 1)
                }
            }
        }
        XCTAssertTrue(nanLoss.isNaN, "a NaN prediction must make the loss NaN")
        XCTAssertEqual(g[7], 0)
    }
}
