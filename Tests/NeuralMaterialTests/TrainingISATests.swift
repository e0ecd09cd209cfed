import Foundation
import XCTest
@testable import NeuralMaterial

/// Every instruction-set path this machine can run against the portable one:
/// the three products of a linear layer on random odd shapes (column and row
/// tails, long K), a whole decoder training step, and Adam (bit-identical by
/// construction). Paths the CPU lacks (AVX-512 on the CI machine) are not run.
final class TrainingISATests: XCTestCase {
    private var fastPaths: [TrainingISA] { TrainingISA.available.filter { $0 != .portable } }

    private func gaussians(_ n: Int, _ rng: inout PCG32) -> [Float] { (0..<n).map { _ in rng.nextGaussian() } }

    /// |fast − portable| ≤ 2e-5 · (Σ|a·b| + |initial|) element-wise: both sum
    /// the same products, in different orders and with different rounding.
    private func assertClose(_ fast: [Float], _ portable: [Float], scale: [Float], _ what: String) {
        XCTAssertEqual(fast.count, portable.count)
        var worst: Float = 0, at = -1
        for i in fast.indices {
            let err = abs(fast[i] - portable[i]) / (scale[i] + 1e-6)
            if !(err <= worst) { worst = err; at = i }
        }
        XCTAssertLessThanOrEqual(worst, 2e-5, "\(what): element \(at) differs: \(at >= 0 ? "\(fast[at]) vs \(portable[at])" : "NaN")")
    }

    func testLinearLayerProductsMatchPortable() {
        var rng = PCG32(seed: 1313)
        XCTAssertTrue(TrainingISA.available.contains(.portable))
        for isa in fastPaths {
            for trial in 0..<40 {
                let rows = 1 + rng.nextInt(below: trial < 30 ? 70 : 1300)   // the last trials: long K for the weight gradient
                let inputs = 1 + rng.nextInt(below: 40), outputs = 1 + rng.nextInt(below: 40)
                let x = gaussians(rows * inputs, &rng), w = gaussians(outputs * inputs, &rng)
                let dY = gaussians(rows * outputs, &rng), bias = gaussians(outputs, &rng)
                let relu = rng.nextFloat() < 0.5, useBias = rng.nextFloat() < 0.5
                var wT = [Float](repeating: 0, count: inputs * outputs)
                MatrixKernels.transpose(w, rows: outputs, cols: inputs, into: &wT)
                let shape = "\(isa) rows \(rows) in \(inputs) out \(outputs) relu \(relu) bias \(useBias)"

                func forward(_ path: TrainingISA) -> [Float] {
                    var y = [Float](repeating: .nan, count: rows * outputs)
                    MatrixKernels.linearForward(x: x, rows: rows, inputs: inputs, wT: wT, bias: useBias ? bias : nil, outputs: outputs,
                                                y: &y, relu: relu, isa: path)
                    return y
                }
                var scale = [Float](repeating: 0, count: rows * outputs)
                for r in 0..<rows { for o in 0..<outputs {
                    var s: Float = useBias ? abs(bias[o]) : 0
                    for i in 0..<inputs { s += abs(x[r * inputs + i] * w[o * inputs + i]) }
                    scale[r * outputs + o] = s
                } }
                assertClose(forward(isa), forward(.portable), scale: scale, "forward " + shape)

                func inputGradient(_ path: TrainingISA) -> [Float] {
                    var dX = [Float](repeating: .nan, count: rows * inputs)
                    MatrixKernels.linearBackwardInput(dY: dY, rows: rows, outputs: outputs, w: w, inputs: inputs, dX: &dX, isa: path)
                    return dX
                }
                var dXScale = [Float](repeating: 0, count: rows * inputs)
                for r in 0..<rows { for i in 0..<inputs {
                    for o in 0..<outputs { dXScale[r * inputs + i] += abs(dY[r * outputs + o] * w[o * inputs + i]) }
                } }
                assertClose(inputGradient(isa), inputGradient(.portable), scale: dXScale, "input gradient " + shape)

                let dW0 = gaussians(outputs * inputs, &rng), dB0 = gaussians(outputs, &rng)
                func weightGradient(_ path: TrainingISA) -> [Float] {
                    var dW = dW0, dB = dB0
                    MatrixKernels.linearBackwardWeights(dY: dY, x: x, rows: rows, inputs: inputs, outputs: outputs, dW: &dW, dB: &dB, isa: path)
                    return dW + dB
                }
                var dWScale = dW0.map(abs) + dB0.map(abs)
                for o in 0..<outputs { for r in 0..<rows {
                    for i in 0..<inputs { dWScale[o * inputs + i] += abs(dY[r * outputs + o] * x[r * inputs + i]) }
                    dWScale[outputs * inputs + o] += abs(dY[r * outputs + o])
                } }
                assertClose(weightGradient(isa), weightGradient(.portable), scale: dWScale, "weight gradient " + shape)
            }
        }
    }

    private struct Step { var loss: Float; var gradients: [Float]; var dLatents: [Float] }

    /// One BRDF + sampler step through `DecoderTrainer` on an odd-sized batch (several chunks, a short last one).
    private func trainerStep(isa: TrainingISA, workers: Int, architecture: NeuralArchitecture, rows: Int) -> Step {
        var rng = PCG32(seed: 77)
        let C = architecture.latentChannels
        var params = DecoderParameters.initialised(architecture: architecture, seed: 5)
        for i in 0..<(12 * C) { params.values[params.frameWeightOffset + i] = 0.3 * rng.nextGaussian() }
        let latents = (0..<(rows * C)).map { _ in 0.5 * rng.nextGaussian() }
        func upper() -> SIMD3<Float> {
            let v = SIMD3<Float>(rng.nextGaussian(), rng.nextGaussian(), abs(rng.nextGaussian()) + 0.05)
            return v / (v * v).sum().squareRoot()
        }
        let wi = (0..<rows).map { _ in upper() }, wo = (0..<rows).map { _ in upper() }
        let target = (0..<(rows * 3)).map { _ in 0.2 * rng.nextFloat() }
        let weights = (0..<rows).map { _ in rng.nextFloat() }
        let trainer = DecoderTrainer(architecture: architecture, maxBatch: rows, workers: workers, chunkRows: 128, isa: isa)
        var grads = [Float](repeating: 0, count: params.count)
        var dLat = [Float](repeating: 0, count: rows * C)
        let loss = grads.withUnsafeMutableBufferPointer { g in
            dLat.withUnsafeMutableBufferPointer { d in
                trainer.brdfStep(parameters: params, latents: latents, wi: wi, wo: wo, target: target, rows: rows,
                                 gradients: g.baseAddress!, dLatents: d.baseAddress!)
                + trainer.samplerStep(parameters: params, latents: latents, wi: wi, wo: wo, weights: weights, rows: rows,
                                      gradients: g.baseAddress!)
            }
        }
        return Step(loss: loss, gradients: grads, dLatents: dLat)
    }

    func testTrainingStepMatchesPortable() {
        for architecture in [NeuralArchitecture.default, NeuralArchitecture(brdfHidden: [16, 16], brdfActivation: .smoothReLU)] {
            trainingStepMatchesPortable(architecture)
        }
    }

    private func trainingStepMatchesPortable(_ architecture: NeuralArchitecture) {
        let rows = 261
        let portable = trainerStep(isa: .portable, workers: 2, architecture: architecture, rows: rows)
        XCTAssertTrue(portable.gradients.contains { $0 != 0 })
        for isa in fastPaths {
            let fast = trainerStep(isa: isa, workers: 2, architecture: architecture, rows: rows)
            XCTAssertEqual(fast.loss, portable.loss, accuracy: 1e-4 * max(1, abs(portable.loss)), "\(isa) loss")
            // Gradients sum hundreds of rows of mixed sign: compare against the largest magnitude of each tensor kind.
            let gScale = portable.gradients.map { _ in portable.gradients.map(abs).max() ?? 1 }
            assertClose(fast.gradients, portable.gradients, scale: gScale.map { $0 * 10 }, "\(isa) parameter gradients")
            let lScale = portable.dLatents.map { _ in portable.dLatents.map(abs).max() ?? 1 }
            assertClose(fast.dLatents, portable.dLatents, scale: lScale.map { $0 * 10 }, "\(isa) latent gradients")
        }
    }

    /// Fixed chunks summed in chunk order: any worker count gives the same bits.
    func testTrainingStepIsIndependentOfWorkerCount() {
        for isa in TrainingISA.available {
            let one = trainerStep(isa: isa, workers: 1, architecture: .brdf2x16, rows: 300)
            let three = trainerStep(isa: isa, workers: 3, architecture: .brdf2x16, rows: 300)
            XCTAssertEqual(one.loss, three.loss, "\(isa)")
            let gradientDiffs = zip(one.gradients, three.gradients).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
            XCTAssertTrue(gradientDiffs.isEmpty, "\(isa): \(gradientDiffs.count) parameter gradients differ, first at \(gradientDiffs.prefix(5))")
            let latentDiffs = zip(one.dLatents, three.dLatents).filter { $0.0 != $0.1 }.count
            XCTAssertEqual(latentDiffs, 0, "\(isa): latent gradients differ")
        }
    }

    func testAdamIsBitIdenticalOnEveryPath() {
        var rng = PCG32(seed: 9)
        let n = 1000 + 13
        let p0 = gaussians(n, &rng), g1 = gaussians(n, &rng), g2 = gaussians(n, &rng)
        // The scalar update as AdamOptimizer documents it.
        var reference = p0, m = [Float](repeating: 0, count: n), v = m
        for (t, g) in [g1, g2].enumerated() {
            let c1 = 1 - pow(0.9, Double(t + 1)), c2 = 1 - pow(0.999, Double(t + 1))
            let stepSize = Float(1e-3 / c1), inv = Float(1 / c2.squareRoot())
            let b1 = Float(0.9 as Double), b2 = Float(0.999 as Double), eps = Float(1e-7 as Double)
            for i in 0..<n {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                reference[i] -= stepSize * m[i] / (v[i].squareRoot() * inv + eps)
            }
        }
        for isa in TrainingISA.available {
            var adam = AdamOptimizer(parameterCount: n)
            var p = p0
            adam.update(parameters: &p, gradients: g1, learningRate: 1e-3, isa: isa)
            adam.update(parameters: &p, gradients: g2, learningRate: 1e-3, isa: isa)
            XCTAssertEqual(p, reference, "\(isa)")
        }
    }

    /// The bias gradient's column sums keep every column's rows in order on
    /// every path (16 columns per vector, a tail read across row ends, the
    /// last rows scalar): the scalar loop's sums bit for bit. ReLU backward too.
    func testColumnSumsAndReluBackwardAreBitIdenticalOnEveryPath() {
        var rng = PCG32(seed: 12)
        for (rows, cols) in [(1, 3), (5, 3), (512, 3), (37, 9), (512, 12), (19, 16), (64, 20), (33, 32), (7, 33)] {
            let m = gaussians(rows * cols, &rng), initial = gaussians(cols, &rng)
            var expected = initial
            for r in 0..<rows { for c in 0..<cols { expected[c] += m[r * cols + c] } }
            for isa in TrainingISA.available {
                var sums = initial
                m.withUnsafeBufferPointer { mp in
                    sums.withUnsafeMutableBufferPointer { MatrixKernels.addColumnSums(mp.baseAddress!, rows: rows, columns: cols, into: $0.baseAddress!, isa: isa) }
                }
                XCTAssertEqual(sums.map(\.bitPattern), expected.map(\.bitPattern), "\(isa) column sums of \(rows)×\(cols)")
            }
        }
        let y = gaussians(1000 + 5, &rng), d = gaussians(1000 + 5, &rng)
        let expected = zip(y, d).map { $0 > 0 ? $1 : 0 }
        for isa in TrainingISA.available {
            var dY = d
            y.withUnsafeBufferPointer { yp in dY.withUnsafeMutableBufferPointer { MatrixKernels.reluBackward(y: yp.baseAddress!, dY: $0.baseAddress!, count: yp.count, isa: isa) } }
            XCTAssertEqual(dY, expected, "\(isa) ReLU backward")
        }
    }

    /// The smooth ReLU: the scalar definition (which the CPU decoder uses)
    /// bit for bit on every path, continuous where its pieces meet; its
    /// backward, which recovers the slope from the output, within float
    /// rounding of the slope at the pre-activation, and the same bits on every path.
    func testSmoothReLUMatchesItsDefinitionOnEveryPath() {
        let a = HiddenActivation.halfWidth, k = HiddenActivation.leak
        var rng = PCG32(seed: 14)
        let z = (0..<2001).map { -3 + 6 * Float($0) / 2000 } + [a, -a, a.nextUp, a.nextDown, (-a).nextUp, (-a).nextDown, 0, -0.0, 40, -40]
            + gaussians(333, &rng)
        let f = HiddenActivation.smoothReLU
        XCTAssertEqual(f(a), a, accuracy: 1e-7)
        XCTAssertEqual(f(a.nextDown), a, accuracy: 1e-6, "the quadratic meets the identity")
        XCTAssertEqual(f((-a).nextUp), -k * a, accuracy: 1e-6, "the quadratic meets the leaky line")
        XCTAssertEqual(f(-2), -2 * k)
        XCTAssertEqual(f(2), 2)
        let slopeAt: (Float) -> Float = { z in z >= a ? 1 : (z <= -a ? k : 2 * HiddenActivation.quadraticA * z + HiddenActivation.quadraticB) }
        let d = gaussians(z.count, &rng)
        var firstBackward: [Float]?
        for isa in TrainingISA.available {
            var y = z
            y.withUnsafeMutableBufferPointer { MatrixKernels.activate(.smoothReLU, $0.baseAddress!, count: $0.count, isa: isa) }
            XCTAssertEqual(y.map(\.bitPattern), z.map { f($0).bitPattern }, "\(isa) forward")
            var dY = d
            y.withUnsafeBufferPointer { yp in
                dY.withUnsafeMutableBufferPointer { MatrixKernels.activationBackward(.smoothReLU, y: yp.baseAddress!, dY: $0.baseAddress!, count: yp.count, isa: isa) }
            }
            for i in z.indices {
                XCTAssertEqual(dY[i], d[i] * slopeAt(z[i]), accuracy: 2e-3 * abs(d[i]), "\(isa) slope at z = \(z[i])")
            }
            if let firstBackward { XCTAssertEqual(dY.map(\.bitPattern), firstBackward.map(\.bitPattern), "\(isa) backward") } else { firstBackward = dY }
        }
    }

    /// The BRDF output activation: within 2 ulp of expf over the whole float
    /// range of exp, the same bits on every path, the edge cases of expf.
    func testExpOffsetIsCloseToExpfAndBitIdenticalOnEveryPath() {
        let n = 20_001
        let x = (0..<n).map { -95 + 190 * Float($0) / Float(n - 1) } + [.nan, .infinity, -.infinity, 88.72, 88.73, -87.3, -120, 0, -0.0]
        var first: [Float]?
        for isa in TrainingISA.available {
            var y = x
            y.withUnsafeMutableBufferPointer { MatrixKernels.expOffset($0.baseAddress!, count: $0.count, offset: 3, isa: isa) }
            for i in x.indices {
                let e = expf(x[i] - 3)
                if e.isNaN { XCTAssertTrue(y[i].isNaN, "\(isa) exp(\(x[i]) − 3)"); continue }
                if e > 1e-37, e.isFinite {
                    XCTAssertLessThanOrEqual(abs(y[i] - e), 2.5e-7 * e, "\(isa) exp(\(x[i]) − 3) = \(y[i]), expf \(e)")
                } else if e.isInfinite {
                    XCTAssertEqual(y[i], e, "\(isa) exp(\(x[i]) − 3)")
                } else {
                    XCTAssertLessThanOrEqual(y[i], 1.2e-37, "\(isa) exp(\(x[i]) − 3)")
                }
            }
            if let first { XCTAssertEqual(y.map(\.bitPattern), first.map(\.bitPattern), "\(isa) differs from portable") } else { first = y }
        }
    }

    func testOverrideVariable() throws {
        XCTAssertEqual(try TrainingISA.selection(environment: [:]), TrainingISA.best)
        XCTAssertEqual(try TrainingISA.selection(environment: ["LACQUER_ISA": "portable"]), .portable)
        XCTAssertThrowsError(try TrainingISA.selection(environment: ["LACQUER_ISA": "sse9"])) { error in
            XCTAssertTrue("\(error)".contains("LACQUER_ISA=sse9"), "\(error)")
        }
        for isa in TrainingISA.allCases where !isa.isSupported {
            XCTAssertThrowsError(try TrainingISA.selection(environment: ["LACQUER_ISA": isa.rawValue]))
        }
    }
}
