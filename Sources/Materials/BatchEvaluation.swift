import Dispatch

/// Multi-threaded batch evaluation for the baker and the `lacquer bsdf` CLI.
/// Rows are split into chunks of `chunkSize` spread over
/// DispatchQueue.concurrentPerform; the per-row path allocates nothing.
extension Material {
    public static let batchChunkSize = 4096

    /// Input rows of 8 floats [wi(3), wo(3), u, v]; output rows of 4 floats
    /// [f·|cos θo| (RGB), pdf]. `output.count` must be ≥ rows·4.
    public func evalBatch(_ input: UnsafeBufferPointer<Float>, stride: Int = 8, output: UnsafeMutableBufferPointer<Float>,
                          defaultUV: SIMD2<Float> = SIMD2(0.5, 0.5), uvFromRows: Bool = true) {
        forEachRow(input, stride: stride, output: output, outputStride: 4, defaultUV: defaultUV, uvFromRows: uvFromRows) { p, uv, o in
            let (f, pdf) = evalAndPdf(wi: SIMD3<Float>(p[0], p[1], p[2]), wo: SIMD3<Float>(p[3], p[4], p[5]), uv: uv)
            o[0] = f.x; o[1] = f.y; o[2] = f.z; o[3] = pdf
        }
    }

    /// Input rows of `stride` floats [wi(3), u0, u1, u2, (u, v)]; output rows of 7
    /// floats [wo(3), pdf, weight(RGB)] (pdf = weight = 0 for a failed sample).
    public func sampleBatch(_ input: UnsafeBufferPointer<Float>, stride: Int = 8, output: UnsafeMutableBufferPointer<Float>,
                            defaultUV: SIMD2<Float> = SIMD2(0.5, 0.5), uvFromRows: Bool = true) {
        forEachRow(input, stride: stride, output: output, outputStride: 7, defaultUV: defaultUV, uvFromRows: uvFromRows) { p, uv, o in
            let s = sample(wi: SIMD3<Float>(p[0], p[1], p[2]), uv: uv, u: SIMD3<Float>(p[3], p[4], p[5]))
            o[0] = s.wo.x; o[1] = s.wo.y; o[2] = s.wo.z; o[3] = s.pdf
            o[4] = s.weight.x; o[5] = s.weight.y; o[6] = s.weight.z
        }
    }

    /// The batch driver: rows in chunks of `batchChunkSize` over all cores;
    /// `body(row input, uv, row output)` runs once per row without allocating.
    private func forEachRow(_ input: UnsafeBufferPointer<Float>, stride: Int, output: UnsafeMutableBufferPointer<Float>,
                            outputStride: Int, defaultUV: SIMD2<Float>, uvFromRows: Bool,
                            _ body: @Sendable (UnsafePointer<Float>, SIMD2<Float>, UnsafeMutablePointer<Float>) -> Void) {
        let rows = input.count / stride
        precondition(output.count >= rows * outputStride, "output buffer too small")
        guard let inBase = input.baseAddress, let outBase = output.baseAddress, rows > 0 else { return }
        nonisolated(unsafe) let src = inBase
        nonisolated(unsafe) let dst = outBase
        let chunks = (rows + Material.batchChunkSize - 1) / Material.batchChunkSize
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let start = c * Material.batchChunkSize, end = min(rows, start + Material.batchChunkSize)
            for r in start..<end {
                let p = src + r * stride
                let uv = uvFromRows && stride >= 8 ? SIMD2<Float>(p[6], p[7]) : defaultUV
                body(p, uv, dst + r * outputStride)
            }
        }
    }

    /// Typed convenience: evaluates `queries` in parallel into `results`.
    public func evalBatch(wi: [SIMD3<Float>], wo: [SIMD3<Float>], uv: [SIMD2<Float>]) -> [(value: SIMD3<Float>, pdf: Float)] {
        let n = min(wi.count, wo.count, uv.count)
        var flat = [Float](repeating: 0, count: n * 8)
        for i in 0..<n {
            flat[i * 8 + 0] = wi[i].x; flat[i * 8 + 1] = wi[i].y; flat[i * 8 + 2] = wi[i].z
            flat[i * 8 + 3] = wo[i].x; flat[i * 8 + 4] = wo[i].y; flat[i * 8 + 5] = wo[i].z
            flat[i * 8 + 6] = uv[i].x; flat[i * 8 + 7] = uv[i].y
        }
        var out = [Float](repeating: 0, count: n * 4)
        flat.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { o in evalBatch(i, output: o) } }
        return (0..<n).map { (SIMD3(out[$0 * 4], out[$0 * 4 + 1], out[$0 * 4 + 2]), out[$0 * 4 + 3]) }
    }
}
