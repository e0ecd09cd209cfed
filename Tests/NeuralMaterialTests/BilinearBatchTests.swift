import XCTest
@testable import NeuralMaterial

/// The batched C gather/scatter equal the pyramid's own fetch and
/// row-ordered scatter bit for bit, including wrap-around taps, and an
/// owner split of the texture adds up to the whole scatter.
final class BilinearBatchTests: XCTestCase {
    func testGatherAndScatterMatchPyramid() {
        var rng = PCG32(seed: 21)
        let pyramid = LatentPyramid<Float>.random(width: 7, height: 5, channels: 8, levelCount: 1, seed: 3)
        let level = pyramid.levels[0]
        let rows = 300, C = 8
        // Some uv outside [0, 1) to exercise wrapping.
        let uv = (0..<rows).map { _ in SIMD2<Float>(3 * rng.nextFloat() - 1, 3 * rng.nextFloat() - 1) }
        let dRows = (0..<(rows * C)).map { _ in rng.nextGaussian() }
        var offsets = [SIMD4<Int>](repeating: .zero, count: rows), weights = [SIMD4<Float>](repeating: .zero, count: rows)
        var fetched = [Float](repeating: .nan, count: rows * C)
        uv.withUnsafeBufferPointer { u in
            BilinearBatch.taps(level: level, uv: u.baseAddress!, rows: 0..<rows, offsets: &offsets, weights: &weights)
        }
        level.values.withUnsafeBufferPointer { v in
            BilinearBatch.gather(values: v.baseAddress!, channels: C, offsets: offsets, weights: weights, rows: rows, into: &fetched)
        }
        for r in 0..<rows {
            XCTAssertEqual(Array(fetched[(r * C)..<((r + 1) * C)]), pyramid.fetch(level: 0, uv: uv[r]), "row \(r)")
        }
        var expected = LatentPyramid<Float>(width: 7, height: 5, channels: C, levelCount: 1)
        dRows.withUnsafeBufferPointer { d in
            for r in 0..<rows { expected.scatterGradient(level: 0, uv: uv[r], dLatent: d.baseAddress! + r * C) }
        }
        var split = [Float](repeating: 0, count: level.values.count)
        let half = (level.texelCount / 2) * C
        for range in [0..<half, half..<level.values.count] {
            BilinearBatch.scatter(gradient: &split, channels: C, offsets: offsets, weights: weights, rows: rows, dRows: dRows, elements: range)
        }
        XCTAssertEqual(split, expected.levels[0].values)
    }

    /// The taps' fast wrap (uv in [0, 1): no remainder, no integer division)
    /// gives the offsets of the general wrap, at the edges and beyond them.
    func testTapsEqualTheGeneralWrap() {
        let level = LatentPyramid<Float>.random(width: 7, height: 5, channels: 8, levelCount: 1, seed: 3).levels[0]
        func general(_ i: Float, _ n: Int) -> Int {
            guard i.isFinite else { return 0 }
            let m = Int(i.remainder(dividingBy: Float(n))) % n
            return m < 0 ? m + n : m
        }
        var rng = PCG32(seed: 8)
        var coordinates: [Float] = [0, -0.0, 1, 1e-7, 0.0714, 0.0715, 0.5, 0.9999999, -0.5, -1, 2.5, -7.3, 1e6, .infinity, .nan]
        coordinates += (0..<200).map { _ in 4 * rng.nextFloat() - 2 }
        for u in coordinates {
            for v in coordinates.prefix(20) {
                let t = level.taps(uv: SIMD2(u, v))
                let x = u * 7 - 0.5, y = v * 5 - 0.5
                let x0 = general(x.rounded(.down), 7), y0 = general(y.rounded(.down), 5)
                let x1 = (x0 + 1) % 7, y1 = (y0 + 1) % 5
                let expected = SIMD4((y0 * 7 + x0) * 8, (y0 * 7 + x1) * 8, (y1 * 7 + x0) * 8, (y1 * 7 + x1) * 8)
                XCTAssertEqual(t.offsets, expected, "uv (\(u), \(v))")
            }
        }
    }
}
