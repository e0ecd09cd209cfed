import XCTest
@testable import NeuralMaterial

/// Finite-difference checks (float64, central differences) of every
/// differentiable piece that is written generically: the frame layer
/// (normalisation, Gram–Schmidt, cross product), the sampler warps and
/// softmax, the mixture pdf and both losses.
final class AnalyticGradientTests: XCTestCase {
    let h = 1e-6

    func testFrameLayerBackwardMatchesFiniteDifferences() {
        for inputs in FrameInputs.allCases {
            var rng = PCG32(seed: 11)
            let F = inputs.featureCount
            for trial in 0..<20 {
                let scale = trial < 10 ? 0.3 : 1.5
                let raw = (0..<12).map { _ in scale * Double(rng.nextGaussian()) }
                let wi = cast3(randomUnit(&rng), to: Double.self), wo = cast3(randomUnit(&rng), to: Double.self)
                let g = (0..<F).map { _ in Double(rng.nextGaussian()) }
                func loss(_ r: [Double]) -> Double {
                    var f = [Double](repeating: 0, count: F)
                    r.withUnsafeBufferPointer { rp in
                        f.withUnsafeMutableBufferPointer { FrameLayer.features(raw: rp.baseAddress!, wi: wi, wo: wo, inputs: inputs, into: $0.baseAddress!) }
                    }
                    return zip(f, g).reduce(0) { $0 + $1.0 * $1.1 }
                }
                var dRaw = [Double](repeating: 0, count: 12)
                raw.withUnsafeBufferPointer { rp in g.withUnsafeBufferPointer { gp in dRaw.withUnsafeMutableBufferPointer {
                    FrameLayer.backward(raw: rp.baseAddress!, wi: wi, wo: wo, inputs: inputs, dFeatures: gp.baseAddress!, dRaw: $0.baseAddress!)
                } } }
                for i in 0..<12 {
                    var p = raw, m = raw
                    p[i] += h; m[i] -= h
                    assertClose(dRaw[i], (loss(p) - loss(m)) / (2 * h), rtol: 1e-5, atol: 1e-7, "\(inputs.rawValue) frame raw[\(i)] trial \(trial)")
                }
            }
        }
    }

    func testFramesAreOrthonormalAndStartAtShadingFrame() {
        var rng = PCG32(seed: 5)
        let identity = FrameLayer.frame(raw: [Float](repeating: 0, count: 12), index: 1)
        XCTAssertEqual(identity.t, SIMD3(1, 0, 0)); XCTAssertEqual(identity.n, SIMD3(0, 0, 1)); XCTAssertEqual(identity.b, SIMD3(0, 1, 0))
        for _ in 0..<100 {
            let raw = (0..<12).map { _ in 2 * rng.nextGaussian() }
            for k in 0..<2 {
                let f = FrameLayer.frame(raw: raw, index: k)
                XCTAssertEqual(dot3(f.t, f.t), 1, accuracy: 1e-5)
                XCTAssertEqual(dot3(f.n, f.n), 1, accuracy: 1e-5)
                XCTAssertEqual(dot3(f.t, f.n), 0, accuracy: 1e-5)
                XCTAssertEqual(dot3(f.b, f.b), 1, accuracy: 1e-5)
            }
        }
    }

    func testWarpsAndSoftmaxBackward() {
        var rng = PCG32(seed: 12)
        for _ in 0..<30 {
            let x = (0..<9).map { _ in 2 * Double(rng.nextGaussian()) }
            let g = MixtureParameters<Double>(alphaX: Double(rng.nextGaussian()), alphaY: Double(rng.nextGaussian()), rho: Double(rng.nextGaussian()),
                                              specularMean: SIMD2(Double(rng.nextGaussian()), Double(rng.nextGaussian())),
                                              diffuseMean: SIMD2(Double(rng.nextGaussian()), Double(rng.nextGaussian())),
                                              specularWeight: Double(rng.nextGaussian()), diffuseWeight: Double(rng.nextGaussian()))
            func loss(_ v: [Double]) -> Double { zip(SamplerWarps.forward(v).array, g.array).reduce(0) { $0 + $1.0 * $1.1 } }
            let d = SamplerWarps.backward(x, g)
            for i in 0..<9 {
                var p = x, m = x; p[i] += h; m[i] -= h
                assertClose(d[i], (loss(p) - loss(m)) / (2 * h), rtol: 1e-6, atol: 1e-8, "warp raw[\(i)]")
            }
        }
        let w = SamplerWarps.forward([0, 0, 0, 0, 0, 0, 0, 3, -1] as [Double])
        XCTAssertEqual(w.specularWeight + w.diffuseWeight, 1, accuracy: 1e-12)
        XCTAssertEqual(w.alphaX, 0.5 + 1e-4, accuracy: 1e-12)
        XCTAssertEqual(w.rho, 0)
    }

    /// ∂pdf/∂(αx, αy, ρ, μs, μd, weights) against central differences, over
    /// anisotropic, correlated and offset parameter sets.
    func testMixturePdfGradient() {
        var rng = PCG32(seed: 13)
        var checked = 0
        for trial in 0..<40 {
            let params = MixtureParameters<Double>(
                alphaX: 0.05 + 0.6 * rng.nextDouble(), alphaY: 0.05 + 0.6 * rng.nextDouble(), rho: 1.8 * rng.nextDouble() - 0.9,
                specularMean: SIMD2(0.8 * Double(rng.nextGaussian()), 0.8 * Double(rng.nextGaussian())),
                diffuseMean: SIMD2(0.5 * Double(rng.nextGaussian()), 0.5 * Double(rng.nextGaussian())),
                specularWeight: 0.6, diffuseWeight: 0.4)
            let wi = cast3(randomUpper(&rng), to: Double.self)
            var dist = MixtureDistribution(params)
            let wo = dist.sample(wi: wi, u: SIMD3(rng.nextDouble(), rng.nextDouble(), rng.nextDouble())).wo
            let (p0, g) = dist.pdfGradient(wi: wi, wo: wo)
            XCTAssertEqual(p0, dist.pdf(wi: wi, wo: wo), accuracy: 1e-12 * max(1, p0))
            guard p0 > 1e-6 else { continue }
            let names = ["alphaX", "alphaY", "rho", "mus.x", "mus.y", "mud.x", "mud.y", "ws", "wd"]
            for i in 0..<9 {
                func with(_ delta: Double) -> Double {
                    var a = params.array; a[i] += delta
                    dist.parameters = MixtureParameters(alphaX: a[0], alphaY: a[1], rho: a[2], specularMean: SIMD2(a[3], a[4]),
                                                        diffuseMean: SIMD2(a[5], a[6]), specularWeight: a[7], diffuseWeight: a[8])
                    return dist.pdf(wi: wi, wo: wo)
                }
                let num = (with(h) - with(-h)) / (2 * h)
                assertClose(g.array[i], num, rtol: 1e-4, atol: 1e-6 * max(1, p0), "pdf ∂\(names[i]) trial \(trial)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 200)
    }

    func testLogL1LossGradient() {
        var rng = PCG32(seed: 14)
        let y = (0..<30).map { _ in exp(2 * Double(rng.nextGaussian())) }
        let t = (0..<30).map { _ in exp(2 * Double(rng.nextGaussian())) }
        let (l, g) = LogL1Loss.forwardBackward(prediction: y, target: t)
        XCTAssertEqual(l, zip(y, t).reduce(0) { $0 + abs(log($1.0 + LogL1Loss.offset) - log($1.1 + LogL1Loss.offset)) } / 30, accuracy: 1e-12)
        for i in 0..<30 {
            var p = y, m = y; p[i] += h; m[i] -= h
            let num = (LogL1Loss.forwardBackward(prediction: p, target: t).loss - LogL1Loss.forwardBackward(prediction: m, target: t).loss) / (2 * h)
            assertClose(g[i], num, rtol: 1e-5, atol: 1e-9, "log-L1 y[\(i)]")
        }
    }

    func testSamplerKLLossGradient() {
        var rng = PCG32(seed: 15)
        let q = (0..<25).map { _ in exp(Double(rng.nextGaussian())) }
        let w = (0..<25).map { _ in rng.nextDouble() }
        let (_, g) = SamplerKLLoss.forwardBackward(pdf: q, weights: w)
        for i in 0..<25 {
            var p = q, m = q; p[i] += h; m[i] -= h
            let num = (SamplerKLLoss.forwardBackward(pdf: p, weights: w).loss - SamplerKLLoss.forwardBackward(pdf: m, weights: w).loss) / (2 * h)
            assertClose(g[i], num, rtol: 1e-5, atol: 1e-9, "KL q[\(i)]")
        }
        // The estimator is minimised when q ∝ the target: KL(p‖p) ≤ KL(p‖q) for another q.
        let target = w.map { $0 / w.reduce(0, +) }
        XCTAssertLessThan(SamplerKLLoss.forwardBackward(pdf: target, weights: w).loss, SamplerKLLoss.forwardBackward(pdf: q.map { $0 / q.reduce(0, +) }, weights: w).loss)
    }
}
