import CTrainingKernels

/// Bilinear fetches of a whole batch from one latent level, and their
/// backward: the taps come from `LatentLevel.taps` (the one definition of the
/// addressing), the memory-bound gather and scatter run in C with prefetching
/// (`Sources/CTrainingKernels/BilinearLatents.c`) — at 512²×8 float32 the
/// texture is 8 MB and every tap is a likely cache miss.
///
/// Results equal `LatentPyramid.fetch` and row-ordered
/// `LatentPyramid.scatterGradient` bit for bit.
public enum BilinearBatch {
    /// Taps of rows [lower, upper) of `uv` into `offsets` / `weights` (same row indices).
    public static func taps(level: LatentLevel<Float>, uv: UnsafePointer<SIMD2<Float>>, rows: Range<Int>,
                            offsets: UnsafeMutablePointer<SIMD4<Int>>, weights: UnsafeMutablePointer<SIMD4<Float>>) {
        for r in rows {
            let t = level.taps(uv: uv[r])
            offsets[r] = t.offsets
            weights[r] = t.weights
        }
    }

    /// out[r × C] = the bilinear fetch of row r, for `rows` rows.
    public static func gather(values: UnsafePointer<Float>, channels: Int, offsets: UnsafePointer<SIMD4<Int>>,
                              weights: UnsafePointer<SIMD4<Float>>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        UnsafeRawPointer(offsets).withMemoryRebound(to: Int64.self, capacity: 4 * rows) { o in
            UnsafeRawPointer(weights).withMemoryRebound(to: Float.self, capacity: 4 * rows) { w in
                lq_bilinear_gather(values, o, w, rows, channels, out)
            }
        }
    }

    /// gradient[tap + ch] += weight · dRows[r × C + ch] for every tap whose
    /// element offset lies in `elements`, rows in order (so threads that own
    /// disjoint ranges produce the single-threaded sums).
    public static func scatter(gradient: UnsafeMutablePointer<Float>, channels: Int, offsets: UnsafePointer<SIMD4<Int>>,
                               weights: UnsafePointer<SIMD4<Float>>, rows: Int, dRows: UnsafePointer<Float>, elements: Range<Int>) {
        UnsafeRawPointer(offsets).withMemoryRebound(to: Int64.self, capacity: 4 * rows) { o in
            UnsafeRawPointer(weights).withMemoryRebound(to: Float.self, capacity: 4 * rows) { w in
                lq_bilinear_scatter(gradient, o, w, rows, channels, dRows, Int64(elements.lowerBound), Int64(elements.upperBound))
            }
        }
    }
}
