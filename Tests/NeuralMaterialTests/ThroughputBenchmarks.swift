import Foundation
import XCTest
import NeuralMaterial

/// Throughput numbers for docs (not a timed pass/fail test — DESIGN.md keeps
/// performance out of unit tests). Runs only with LACQUER_NM_BENCH=1:
///
///     LACQUER_NM_BENCH=1 swift test -c release --scratch-path .build-neural \
///         --filter NeuralMaterialTests.ThroughputBenchmarks
final class ThroughputBenchmarks: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["LACQUER_NM_BENCH"] == "1", "set LACQUER_NM_BENCH=1 to run benchmarks")
    }

    private func time(_ reps: Int, _ body: () -> Void) -> Double {
        body()
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<reps { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 / Double(reps)
    }

    func testGemmGFLOPs() {
        var rng = PCG32(seed: 1)
        for (rows, k, n) in [(256, 32, 32), (4096, 32, 32), (4096, 20, 32), (4096, 64, 64), (4096, 32, 3)] {
            let x = (0..<(rows * k)).map { _ in rng.nextGaussian() }
            let wT = (0..<(k * n)).map { _ in rng.nextGaussian() }
            let bias = [Float](repeating: 0.1, count: n)
            var y = [Float](repeating: 0, count: rows * n)
            var dX = [Float](repeating: 0, count: rows * k)
            var dW = [Float](repeating: 0, count: n * k)
            let flops = 2.0 * Double(rows * k * n)
            let reps = max(20, 200_000_000 / Int(flops))
            let tf = x.withUnsafeBufferPointer { xp in wT.withUnsafeBufferPointer { wp in bias.withUnsafeBufferPointer { bp in y.withUnsafeMutableBufferPointer { yp in
                time(reps) { MatrixKernels.linearForward(x: xp.baseAddress!, rows: rows, inputs: k, wT: wp.baseAddress!, bias: bp.baseAddress!, outputs: n, y: yp.baseAddress!, relu: true) }
            } } } }
            // dX = dY·W with W [n×k] (wT reused as a same-sized stand-in)
            let tb = y.withUnsafeBufferPointer { yp in wT.withUnsafeBufferPointer { wp in dX.withUnsafeMutableBufferPointer { dp in
                time(reps) { MatrixKernels.linearBackwardInput(dY: yp.baseAddress!, rows: rows, outputs: n, w: wp.baseAddress!, inputs: k, dX: dp.baseAddress!) }
            } } }
            let tw = y.withUnsafeBufferPointer { yp in x.withUnsafeBufferPointer { xp in dW.withUnsafeMutableBufferPointer { dp in
                time(reps) { MatrixKernels.linearBackwardWeights(dY: yp.baseAddress!, x: xp.baseAddress!, rows: rows, inputs: k, outputs: n, dW: dp.baseAddress!, dB: nil) }
            } } }
            print(String(format: "BENCH gemm 1 thread  rows %5d  %2d→%2d   fwd Y=XWᵀ+b %6.2f GFLOP/s   dX=dY·W %6.2f GFLOP/s   dW=dYᵀX %6.2f GFLOP/s",
                         rows, k, n, flops / tf / 1e9, flops / tb / 1e9, flops / tw / 1e9))
        }
    }

    func testInferenceEvalsPerSecond() throws {
        for arch in [NeuralArchitecture.brdf2x16, .brdf2x32, .brdf3x64] {
            let dec = NeuralDecoders(parameters: DecoderParameters.initialised(architecture: arch, seed: 2))
            var rng = PCG32(seed: 3)
            let rows = 1 << 18
            let lat = (0..<(rows * 8)).map { _ in 0.5 * rng.nextGaussian() }
            let wi = (0..<rows).map { _ in SIMD3<Float>(0.3, 0.2, 0.93) }, wo = (0..<rows).map { _ in SIMD3<Float>(-0.3, 0.1, 0.95) }
            var out = [SIMD3<Float>](repeating: .zero, count: rows)
            var samplers = [NeuralSampler<Float>](repeating: NeuralSampler(frame: ShadingFrame(t: .zero, b: .zero, n: .zero), distribution: MixtureDistribution(.zero)), count: rows)
            let t = lat.withUnsafeBufferPointer { l in wi.withUnsafeBufferPointer { a in wo.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { o in
                time(5) { try? dec.evalBRDF(latents: l, wi: a, wo: b, output: o) }
            } } } }
            let ts = lat.withUnsafeBufferPointer { l in wi.withUnsafeBufferPointer { a in samplers.withUnsafeMutableBufferPointer { o in
                time(5) { try? dec.samplers(latents: l, wi: a, output: o) }
            } } }
            let single = NeuralDecoders(parameters: DecoderParameters.initialised(architecture: arch, seed: 2), maxWorkers: 1)
            let t1 = lat.withUnsafeBufferPointer { l in wi.withUnsafeBufferPointer { a in wo.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { o in
                time(5) { try? single.evalBRDF(latents: l, wi: a, wo: b, output: o) }
            } } } }
            let nScalar = 20_000
            let l0 = Array(lat[0..<8])
            var acc = SIMD3<Float>.zero
            let tsc = time(1) { for i in 0..<nScalar { acc += dec.evalBRDFScalar(latent: l0, wi: wi[i], wo: wo[i]) } }
            print(String(format: "BENCH inference %@  evalBRDF batched 2 threads %.2f M/s (1 thread %.2f M/s, %.1f GFLOP/s)  sampler decode %.2f M/s  scalar reference %.3f M/s %@",
                         arch.decoderName, Double(rows) / t / 1e6, Double(rows) / t1 / 1e6, 2 * Double(arch.brdfMACs) * Double(rows) / t / 1e9,
                         Double(rows) / ts / 1e6, Double(nScalar) / tsc / 1e6, acc.x > 0 ? "" : " "))
        }
    }

    func testTrainingStepSamplesPerSecond() {
        for arch in [NeuralArchitecture.brdf2x32, .brdf2x16] {
            for workers in [1, 2] {
                let batch = 4096
                let params = DecoderParameters.initialised(architecture: arch, seed: 4)
                let trainer = DecoderTrainer(architecture: arch, maxBatch: batch, workers: workers)
                var rng = PCG32(seed: 5)
                let lat = (0..<(batch * 8)).map { _ in 0.5 * rng.nextGaussian() }
                let wi = (0..<batch).map { _ in SIMD3<Float>(0.3, 0.2, 0.93) }, wo = (0..<batch).map { _ in SIMD3<Float>(-0.3, 0.1, 0.95) }
                let target = (0..<(batch * 3)).map { _ in 0.1 * rng.nextFloat() }
                let weights = (0..<batch).map { _ in rng.nextFloat() }
                var grads = [Float](repeating: 0, count: params.count)
                var dLat = [Float](repeating: 0, count: batch * 8)
                var adam = AdamOptimizer(parameterCount: params.count)
                var p = params
                let (tb, tsm) = lat.withUnsafeBufferPointer { l in wi.withUnsafeBufferPointer { a in wo.withUnsafeBufferPointer { o in target.withUnsafeBufferPointer { t in weights.withUnsafeBufferPointer { w in
                    grads.withUnsafeMutableBufferPointer { g in dLat.withUnsafeMutableBufferPointer { d in
                        (time(30) { trainer.brdfStep(parameters: params, latents: l.baseAddress!, wi: a.baseAddress!, wo: o.baseAddress!, target: t.baseAddress!, rows: batch, gradients: g.baseAddress!, dLatents: d.baseAddress!) },
                         time(30) { trainer.samplerStep(parameters: params, latents: l.baseAddress!, wi: a.baseAddress!, wo: o.baseAddress!, weights: w.baseAddress!, rows: batch, gradients: g.baseAddress!) })
                    } } } } } } }
                let ta = time(100) { adam.update(parameters: &p.values, gradients: grads, learningRate: 1e-3) }
                let brdfFlops = 6.0 * Double(arch.brdfMACs)
                let samplerFlops = 6.0 * Double(arch.samplerMACs)
                print(String(format: "BENCH train %@ batch %d workers %d: BRDF fwd+bwd %.2f M samples/s (%.1f GFLOP/s)  sampler fwd+bwd %.2f M/s (%.1f GFLOP/s)  BRDF+sampler+Adam %.2f M samples/s",
                             arch.decoderName, batch, workers, Double(batch) / tb / 1e6, brdfFlops * Double(batch) / tb / 1e9,
                             Double(batch) / tsm / 1e6, samplerFlops * Double(batch) / tsm / 1e9, Double(batch) / (tb + tsm + ta) / 1e6))
            }
        }
    }
}
