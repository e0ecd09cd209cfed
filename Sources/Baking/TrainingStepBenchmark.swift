import Dispatch
import Foundation
import NeuralMaterial

/// The peers' training step (issue 13, `lacquer bench train`), built from the
/// baker's own pieces on synthetic, seeded data:
///
///  1. bilinear fetch with wrap addressing from one 512²×8 float32 latent
///     texture (`LatentPyramid.taps`, as the baker fetches);
///  2. `DecoderTrainer.brdfStep`: frame layer 8→12 (no bias), BRDF decoder
///     (12+8)→32→32→3 with ReLU and exp output, log-L1 loss, backward through
///     all of it down to dL/dlatent;
///  3. `DecoderTrainer.samplerStep`: sampler (8+3)→32→32→32→9 → mixture pdf →
///     KL loss, backward (the baker's sampler loss; more work per row than a
///     plain regression head);
///  4. dL/dlatent scattered to the 4 taps of every row;
///  5. Adam on every decoder parameter and, densely, on every latent.
///
/// Everything but the scatter's ownership split is the baker's code path;
/// data generation from the reference material is not part of the step.
/// Deterministic for a given ISA and any worker count: the decoder sums are
/// chunk-ordered (`DecoderTrainer`), each worker scatters into the texel
/// rows it owns in batch-row order, and Adam is element-wise.
public final class TrainingStepBenchmark {
    public struct Result: Codable, Sendable {
        public var samplesPerSecond: Double
        public var gflops: Double
        public var isa: String
        public var threads: Int
        public var batch: Int
        public var medianStepSeconds: Double
        /// Median process CPU time of a step (all threads): on a shared machine
        /// the rate per CPU-second is steadier than the wall-clock rate.
        public var medianStepCPUSeconds: Double
        public var samplesPerCPUSecond: Double
        public var steps: Int

        enum CodingKeys: String, CodingKey {
            case samplesPerSecond = "samples_per_second", gflops, isa, threads, batch
            case medianStepSeconds = "median_step_seconds", medianStepCPUSeconds = "median_step_cpu_seconds"
            case samplesPerCPUSecond = "samples_per_cpu_second", steps
        }
    }

    public let batch: Int
    public let resolution: Int
    public let threads: Int
    public let isa: TrainingISA
    public let architecture: NeuralArchitecture

    private var parameters: DecoderParameters
    private var decoderAdam: AdamOptimizer
    private var latents: LatentPyramid<Float>
    private let trainer: DecoderTrainer
    private let uv: [SIMD2<Float>]
    private let wi: [SIMD3<Float>]
    private let wo: [SIMD3<Float>]
    private let target: [Float]
    private let weights: [Float]
    /// Per-row bilinear taps and fetched latents, written by the fetch and read by the scatter.
    private let tapOffsets: UnsafeMutablePointer<SIMD4<Int>>
    private let tapWeights: UnsafeMutablePointer<SIMD4<Float>>
    private let latentRows: UnsafeMutablePointer<Float>
    private var dLatents: [Float]
    private var gradients: [Float]
    private var latentGradient: [Float]
    private var latentM: [Float]
    private var latentV: [Float]
    private var latentStep = 0

    public init(batch: Int = 65536, resolution: Int = 512, threads: Int, isa: TrainingISA,
                architecture: NeuralArchitecture = .brdf2x32, seed: UInt64 = 13) {
        self.batch = max(1, batch)
        self.resolution = max(1, resolution)
        self.threads = max(1, threads)
        self.isa = isa
        self.architecture = architecture
        let C = architecture.latentChannels
        parameters = DecoderParameters.initialised(architecture: architecture, seed: seed)
        decoderAdam = AdamOptimizer(parameterCount: parameters.count)
        latents = LatentPyramid.random(width: self.resolution, height: self.resolution, channels: C, levelCount: 1, seed: seed)
        trainer = DecoderTrainer(architecture: architecture, maxBatch: self.batch, workers: self.threads, isa: isa)
        var rng = PCG32(seed: seed, stream: 0x7472_6169_6e)
        func hemisphere() -> SIMD3<Float> {
            let v = SIMD3<Float>(rng.nextGaussian(), rng.nextGaussian(), abs(rng.nextGaussian()) + 1e-3)
            return v / (v * v).sum().squareRoot()
        }
        let n = self.batch
        uv = (0..<n).map { _ in SIMD2(rng.nextFloat(), rng.nextFloat()) }
        wi = (0..<n).map { _ in hemisphere() }
        wo = (0..<n).map { _ in hemisphere() }
        target = (0..<(3 * n)).map { _ in 0.3 * rng.nextFloat() }
        weights = (0..<n).map { _ in rng.nextFloat() }
        tapOffsets = .allocate(capacity: n); tapOffsets.initialize(repeating: .zero, count: n)
        tapWeights = .allocate(capacity: n); tapWeights.initialize(repeating: .zero, count: n)
        latentRows = .allocate(capacity: n * C); latentRows.initialize(repeating: 0, count: n * C)
        dLatents = [Float](repeating: 0, count: n * C)
        gradients = [Float](repeating: 0, count: parameters.count)
        latentGradient = [Float](repeating: 0, count: latents.totalValueCount)
        latentM = latentGradient
        latentV = latentGradient
    }

    deinit {
        tapOffsets.deallocate(); tapWeights.deallocate(); latentRows.deallocate()
    }

    /// Matrix FLOPs per sample (2 per multiply-add): every product of the
    /// step — forward, weight gradient and the input gradients that are
    /// needed (not the sampler's first layer: latents are detached there).
    public var flopsPerSample: Double {
        let C = architecture.latentChannels
        let frame = Double(12 * C)
        let brdf = architecture.brdfLayers.reduce(0.0) { $0 + Double($1.weightCount) }
        let sampler = architecture.samplerLayers.reduce(0.0) { $0 + Double($1.weightCount) }
        let samplerFirst = Double(architecture.samplerLayers.first?.weightCount ?? 0)
        let multiplyAdds = 3 * frame + 3 * brdf + frame + 3 * sampler - samplerFirst
        return 2 * multiplyAdds
    }

    /// One whole step; returns the BRDF + sampler loss.
    @discardableResult
    public func step() -> Float {
        let C = architecture.latentChannels, n = batch, workers = threads
        let chunk = 4096, chunks = (n + chunk - 1) / chunk
        fetch(chunk: chunk, chunks: chunks)
        // 2–3. Decoders.
        for i in gradients.indices { gradients[i] = 0 }
        let loss = gradients.withUnsafeMutableBufferPointer { g in
            dLatents.withUnsafeMutableBufferPointer { dl in
                trainer.brdfStep(parameters: parameters, latents: latentRows, wi: wi, wo: wo, target: target, rows: n,
                                 gradients: g.baseAddress!, dLatents: dl.baseAddress!)
                + trainer.samplerStep(parameters: parameters, latents: latentRows, wi: wi, wo: wo, weights: weights, rows: n,
                                      gradients: g.baseAddress!)
            }
        }
        // 4. Scatter: worker w owns texels [w·T/W, (w+1)·T/W) and adds in batch-row order.
        let texels = latents.levels[0].texelCount
        dLatents.withUnsafeBufferPointer { dl in
            latentGradient.withUnsafeMutableBufferPointer { lg in
                let box = SendableBox((tapOffsets, tapWeights, dl.baseAddress!, lg.baseAddress!))
                parallelChunks(workers, workers: workers) { w in
                    let (offsets, weights, d, g) = box.value
                    let lo = (w * texels / workers) * C, hi = ((w + 1) * texels / workers) * C
                    BilinearBatch.scatter(gradient: g, channels: C, offsets: offsets, weights: weights, rows: n, dRows: d, elements: lo..<hi)
                }
            }
        }
        // 5. Adam: decoders, then every latent (dense), gradient cleared as it is consumed.
        decoderAdam.update(parameters: &parameters.values, gradients: gradients, learningRate: 1e-3, isa: isa)
        latentStep += 1
        let c1 = 1 - pow(0.9, Double(latentStep)), c2 = 1 - pow(0.999, Double(latentStep))
        let stepSize = Float(1e-3 / c1), invSqrtC2 = Float(1 / c2.squareRoot())
        let total = latentGradient.count, slices = max(1, workers * 4)
        let isa = self.isa
        latents.levels[0].values.withUnsafeMutableBufferPointer { p in
            latentM.withUnsafeMutableBufferPointer { m in
                latentV.withUnsafeMutableBufferPointer { v in
                    latentGradient.withUnsafeMutableBufferPointer { g in
                        let box = SendableBox((p.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!))
                        parallelChunks(slices, workers: workers) { s in
                            let (pp, mm, vv, gg) = box.value
                            let lo = s * total / slices, hi = (s + 1) * total / slices
                            AdamOptimizer.apply(p: pp + lo, m: mm + lo, v: vv + lo, g: gg + lo, count: hi - lo,
                                                beta1: 0.9, beta2: 0.999, stepSize: stepSize, invSqrtC2: invSqrtC2, epsilon: 1e-7, isa: isa)
                            (gg + lo).update(repeating: 0, count: hi - lo)
                        }
                    }
                }
            }
        }
        return loss
    }

    /// Bilinear taps and fetched latents of every row. A method of its own so
    /// that its copy of the texture dies before Adam mutates it in place.
    private func fetch(chunk: Int, chunks: Int) {
        let C = architecture.latentChannels, n = batch
        let level = latents.levels[0]
        let box = SendableBox((tapOffsets, tapWeights, latentRows))
        level.values.withUnsafeBufferPointer { values in
            let v = values.baseAddress!
            uv.withUnsafeBufferPointer { uvp in
                let uvBase = uvp.baseAddress!
                parallelChunks(chunks, workers: threads) { c in
                    let (offsets, weights, rows) = box.value
                    let lo = c * chunk, hi = min(n, (c + 1) * chunk)
                    BilinearBatch.taps(level: level, uv: uvBase, rows: lo..<hi, offsets: offsets, weights: weights)
                    BilinearBatch.gather(values: v, channels: C, offsets: offsets + lo, weights: weights + lo, rows: hi - lo, into: rows + lo * C)
                }
            }
        }
    }

    /// `warmup` untimed steps, then `steps` timed ones; rates from the median step.
    public func run(steps: Int, warmup: Int) -> Result {
        for _ in 0..<max(0, warmup) { step() }
        var times: [Double] = [], cpuTimes: [Double] = []
        func processCPUSeconds() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        for _ in 0..<max(1, steps) {
            let t0 = DispatchTime.now().uptimeNanoseconds, c0 = processCPUSeconds()
            step()
            cpuTimes.append(processCPUSeconds() - c0)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        times.sort(); cpuTimes.sort()
        let median = times[times.count / 2], cpuMedian = cpuTimes[cpuTimes.count / 2]
        let rate = Double(batch) / median
        return Result(samplesPerSecond: rate, gflops: rate * flopsPerSample / 1e9, isa: isa.rawValue, threads: threads,
                      batch: batch, medianStepSeconds: median, medianStepCPUSeconds: cpuMedian,
                      samplesPerCPUSecond: Double(batch) / max(cpuMedian, 1e-9), steps: times.count)
    }

    /// The latent texture's values (tests: determinism across worker counts).
    public var latentValues: [Float] { latents.levels[0].values }
    /// The decoder parameters (tests).
    public var decoderValues: [Float] { parameters.values }
}
