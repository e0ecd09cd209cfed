import XCTest
@testable import NeuralMaterial

final class InferenceTests: XCTestCase {
    private func model(_ arch: NeuralArchitecture, seed: UInt64) -> DecoderParameters {
        var p = DecoderParameters.initialised(architecture: arch, seed: seed)
        var rng = PCG32(seed: seed &+ 1)
        for i in 0..<(12 * arch.latentChannels) { p.values[p.frameWeightOffset + i] = 0.3 * rng.nextGaussian() }
        for i in p.samplerRange { p.values[i] += 0.1 * rng.nextGaussian() }
        return p
    }

    /// The batched multi-threaded path equals the scalar reference (the GPU oracle).
    func testBatchedEqualsScalar() throws {
        for arch in [NeuralArchitecture.brdf2x16, .brdf2x32, .brdf3x64, NeuralArchitecture(brdfHidden: [16, 16], brdfActivation: .smoothReLU)] {
            let dec = NeuralDecoders(parameters: model(arch, seed: 40), maxWorkers: 2)
            dec.chunkRows = 64
            var rng = PCG32(seed: 41)
            let rows = 301
            let lat = (0..<(rows * 8)).map { _ in 0.5 * rng.nextGaussian() }
            let wi = (0..<rows).map { _ in randomUpper(&rng) }, wo = (0..<rows).map { _ in randomUnit(&rng) }
            let u = (0..<rows).map { _ in SIMD3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat()) }
            let f = try dec.evalBRDF(latents: lat, wi: wi, wo: wo)
            let pdf = try dec.pdf(latents: lat, wi: wi, wo: wo)
            let smp = try dec.sample(latents: lat, wi: wi, u: u)
            for r in 0..<rows {
                let l = Array(lat[(8 * r)..<(8 * r + 8)])
                let fs = dec.evalBRDFScalar(latent: l, wi: wi[r], wo: wo[r])
                for c in 0..<3 { XCTAssertEqual(f[r][c], fs[c], accuracy: 1e-5 * max(1, fs[c])) }
                let ps = dec.pdfScalar(latent: l, wi: wi[r], wo: wo[r])
                XCTAssertEqual(pdf[r], ps, accuracy: 1e-4 * max(1, ps))
                let ss = dec.sampleScalar(latent: l, wi: wi[r], u: u[r])
                XCTAssertEqual(smp[r].pdf, ss.pdf, accuracy: 1e-3 * max(1, ss.pdf))
                XCTAssertEqual(Double(dot3(smp[r].wo - ss.wo, smp[r].wo - ss.wo)), 0, accuracy: 1e-6)
                // Re-evaluating the pdf at the returned wo must give the returned pdf — except
                // next to wo = −wi, where h = normalize(wi + wo) is ill-conditioned and the
                // 1/|wi·h| Jacobian amplifies the last-bit rounding of the frame change.
                guard dot3(wi[r], smp[r].wo) > -0.999 else { continue }
                let back = dec.pdfScalar(latent: l, wi: wi[r], wo: smp[r].wo)
                XCTAssertEqual(smp[r].pdf, back, accuracy: 1e-3 * max(1, smp[r].pdf), "wi·wo = \(dot3(wi[r], smp[r].wo)) ss.pdf \(ss.pdf) params \(dec.samplerScalar(latent: l, wi: wi[r]).distribution.parameters)")
            }
        }
    }

    func testBatchRejectsMismatchedBuffers() {
        let dec = NeuralDecoders(parameters: DecoderParameters.initialised(architecture: .default, seed: 1))
        XCTAssertThrowsError(try dec.evalBRDF(latents: [0, 0, 0], wi: [SIMD3(0, 0, 1)], wo: [SIMD3(0, 0, 1)])) { e in
            XCTAssertTrue("\(e)".contains("latent"), "\(e)")
        }
        XCTAssertEqual(try dec.evalBRDF(latents: [], wi: [], wo: []), [])
        XCTAssertEqual(try dec.sample(latents: [], wi: [], u: []), [])
    }

    /// A freshly initialised decoder outputs ≈ exp(−offset) and the neural
    /// sampler's pdf integrates to one over the sphere (frame change is a rotation).
    func testInitialOutputAndNeuralPdfNormalisation() {
        let dec = NeuralDecoders(parameters: model(.default, seed: 42))
        var rng = PCG32(seed: 43)
        let latent = (0..<8).map { _ in 0.5 * rng.nextGaussian() }
        let f = dec.evalBRDFScalar(latent: latent, wi: SIMD3(0, 0, 1), wo: SIMD3(0, 0, 1))
        XCTAssertEqual(f.x, expf(-3), accuracy: 0.05)
        let s = dec.samplerScalar(latent: latent, wi: SIMD3(0.3, 0.2, 0.93) / (SIMD3<Float>(0.3, 0.2, 0.93) * SIMD3<Float>(0.3, 0.2, 0.93)).sum().squareRoot())
        let wi = SIMD3<Float>(0.3, 0.2, 0.93) / (SIMD3<Float>(0.3, 0.2, 0.93) * SIMD3<Float>(0.3, 0.2, 0.93)).sum().squareRoot()
        var sum = 0.0
        let n = 200_000
        for _ in 0..<n {
            let d = uniformSphere(rng.nextDouble(), rng.nextDouble())
            sum += Double(s.pdf(wi: wi, wo: cast3(d, to: Float.self)))
        }
        XCTAssertEqual(4 * Double.pi * sum / Double(n), 1, accuracy: 0.03)
    }

    func testFloat16IsNative() {
        XCTAssertEqual(MemoryLayout<Float16>.size, 2)
        XCTAssertEqual(Float16(1).bitPattern, 0x3c00)
        XCTAssertEqual(Float(Float16(bitPattern: 0x7bff)), 65504)
    }

    func testPyramidShapesFetchWrapAndLOD() {
        let p = LatentPyramid<Float>.random(width: 8, height: 4, seed: 1)
        XCTAssertEqual(p.levelCount, 4)
        XCTAssertEqual(p.levels.map(\.width), [8, 4, 2, 1]); XCTAssertEqual(p.levels.map(\.height), [4, 2, 1, 1])
        // At a texel centre the fetch returns that texel exactly.
        let v = p.fetch(level: 0, uv: SIMD2((2 + 0.5) / 8, (1 + 0.5) / 4))
        XCTAssertEqual(v, Array(p.levels[0].values[((1 * 8 + 2) * 8)..<((1 * 8 + 2) * 8 + 8)]))
        // Wrap: u and u+1 (and negative) fetch the same.
        for uv in [SIMD2<Float>(0.01, 0.02), SIMD2(0.7, 0.99)] {
            let a = p.fetch(level: 0, uv: uv), b = p.fetch(level: 0, uv: uv + SIMD2(1, -2))
            for c in 0..<8 { XCTAssertEqual(a[c], b[c], accuracy: 1e-5) }
        }
        // Between the last and the first column the fetch blends both (wrap, not clamp).
        let edge = p.fetch(level: 0, uv: SIMD2(0, (0.5) / 4))
        for c in 0..<8 {
            XCTAssertEqual(edge[c], 0.5 * p.levels[0].values[7 * 8 + c] + 0.5 * p.levels[0].values[c], accuracy: 1e-6)
        }
        // Stochastic LOD: frequency of the coarser level = frac(lod).
        var rng = PCG32(seed: 2)
        var hits = [0, 0, 0, 0]
        for _ in 0..<20_000 { hits[LatentPyramid<Float>.chooseLevel(lod: 1.3, u: rng.nextFloat(), levelCount: 4)] += 1 }
        XCTAssertEqual(hits[0] + hits[3], 0)
        XCTAssertEqual(Double(hits[2]) / 20_000, 0.3, accuracy: 0.015)
        XCTAssertEqual(LatentPyramid<Float>.chooseLevel(lod: 9, u: 0.5, levelCount: 4), 3)
        XCTAssertEqual(LatentPyramid<Float>.chooseLevel(lod: -2, u: 0.0, levelCount: 4), 0)
        XCTAssertEqual(LatentPyramid<Float>.chooseLevel(lod: .nan, u: 0.0, levelCount: 4), 0)
        // fp16 storage copy fetches the same within half precision.
        let h = p.toHalf()
        let a = p.fetch(level: 1, uv: SIMD2(0.33, 0.71)), b = h.fetch(level: 1, uv: SIMD2(0.33, 0.71))
        for c in 0..<8 { XCTAssertEqual(a[c], b[c], accuracy: 1e-3) }
    }

    func testArchitectureParsingAndCodable() throws {
        XCTAssertEqual(try NeuralArchitecture(decoder: "3x64"), .brdf3x64)
        XCTAssertEqual(NeuralArchitecture.default.brdfLayers.map(\.inputs), [20, 32, 32])
        XCTAssertEqual(NeuralArchitecture.default.samplerLayers.map(\.outputs), [32, 32, 32, 9])
        XCTAssertEqual(NeuralArchitecture.default.samplerInputs, 11)
        XCTAssertThrowsError(try NeuralArchitecture(decoder: "big"))
        let json = NeuralArchitecture.brdf2x16.jsonString()
        XCTAssertEqual(try NeuralArchitecture.fromJSON(json), .brdf2x16)
    }

    /// Adam on f(x) = Σ c_i (x_i − t_i)² converges to t; cosine schedule endpoints.
    func testAdamMinimisesQuadratic() throws {
        let target: [Float] = [1, -2, 0.5, 3, -0.25]
        let c: [Float] = [1, 10, 0.1, 2, 5]
        var x = [Float](repeating: 0, count: 5)
        var adam = AdamOptimizer(parameterCount: 5)
        let schedule = CosineSchedule(initial: 5e-2, final: 1e-3, totalSteps: 3000)
        for step in 0..<3000 {
            let g = (0..<5).map { 2 * c[$0] * (x[$0] - target[$0]) }
            adam.update(parameters: &x, gradients: g, learningRate: schedule.learningRate(step: step))
        }
        for i in 0..<5 { XCTAssertEqual(x[i], target[i], accuracy: 1e-2) }
        XCTAssertEqual(CosineSchedule(totalSteps: 100).learningRate(step: 0), 1e-3, accuracy: 1e-12)
        XCTAssertEqual(CosineSchedule(totalSteps: 100).learningRate(step: 100), 1e-4, accuracy: 1e-12)
        XCTAssertEqual(CosineSchedule(totalSteps: 100).learningRate(step: 50), 5.5e-4, accuracy: 1e-12)
        // State round-trips through Codable and continues identically.
        let data = try JSONEncoder().encode(adam)
        var restored = try JSONDecoder().decode(AdamOptimizer.self, from: data)
        var y = x
        let g: [Float] = [0.1, -0.2, 0.3, 0, 1]
        adam.update(parameters: &x, gradients: g, learningRate: 1e-3)
        restored.update(parameters: &y, gradients: g, learningRate: 1e-3)
        XCTAssertEqual(x, y)
        XCTAssertEqual(restored.step, 3001)
    }

    /// A short end-to-end fit: decoders + latents learn a simple analytic
    /// BRDF (Lambert albedo varying in u) — the pieces compose into training.
    func testTinyTrainingLoopReducesLoss() {
        let arch = NeuralArchitecture.brdf2x16
        var params = DecoderParameters.initialised(architecture: arch, seed: 7)
        var pyramid = LatentPyramid<Float>.random(width: 4, height: 4, levelCount: 1, seed: 8)
        let rows = 256
        let trainer = DecoderTrainer(architecture: arch, maxBatch: rows, workers: 2)
        var adam = AdamOptimizer(parameterCount: params.count)
        var latAdam = AdamOptimizer(parameterCount: pyramid.levels[0].values.count)
        var rng = PCG32(seed: 9)
        var first: Float = 0, last: Float = 0
        for step in 0..<150 {
            var uvs: [SIMD2<Float>] = [], lat: [Float] = [], wi: [SIMD3<Float>] = [], wo: [SIMD3<Float>] = [], target: [Float] = []
            for _ in 0..<rows {
                let uv = SIMD2(rng.nextFloat(), rng.nextFloat())
                uvs.append(uv); lat += pyramid.fetch(level: 0, uv: uv)
                let a = randomUpper(&rng), b = randomUpper(&rng)
                wi.append(a); wo.append(b)
                let albedo: Float = uv.x < 0.5 ? 0.8 : 0.1
                target += [albedo / .pi * b.z, albedo / .pi * b.z, 0.5 * albedo / .pi * b.z]
            }
            var grads = [Float](repeating: 0, count: params.count)
            var dLat = [Float](repeating: 0, count: rows * 8)
            let loss = lat.withUnsafeBufferPointer { l in wi.withUnsafeBufferPointer { a in wo.withUnsafeBufferPointer { o in target.withUnsafeBufferPointer { t in
                grads.withUnsafeMutableBufferPointer { g in dLat.withUnsafeMutableBufferPointer { d in
                    trainer.brdfStep(parameters: params, latents: l.baseAddress!, wi: a.baseAddress!, wo: o.baseAddress!, target: t.baseAddress!, rows: rows,
                                     gradients: g.baseAddress!, dLatents: d.baseAddress!)
                } } } } } }
            var latGrad = LatentPyramid<Float>(width: 4, height: 4, levelCount: 1)
            dLat.withUnsafeBufferPointer { d in for r in 0..<rows { latGrad.scatterGradient(level: 0, uv: uvs[r], dLatent: d.baseAddress! + 8 * r) } }
            adam.update(parameters: &params.values, gradients: grads, learningRate: 1e-2)
            latAdam.update(parameters: &pyramid.levels[0].values, gradients: latGrad.levels[0].values, learningRate: 1e-2)
            if step == 0 { first = loss }
            last = loss
        }
        XCTAssertLessThan(last, 0.25 * first, "loss \(first) → \(last)")
    }
}
