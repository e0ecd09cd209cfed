import XCTest
import CTrainingKernels
@testable import Materials

/// The procedurals' value-noise fBm and Voronoi cells are computed by vector
/// kernels (CTrainingKernels/ProceduralNoise.c). Their definitions — what the
/// GLSL generator's `lqProcedural` and every bake before the kernels
/// computed — are the scalar loops below; each instruction-set path must give
/// their bits exactly: for one point and a bump's four, across lattice
/// lines, negative coordinates, the ±1e6 clamp, NaN and more than 16 octaves.
final class ProceduralKernelTests: XCTestCase {
    typealias Kernel = (UnsafePointer<Float>, Int32, Int32, Float, Float, UInt32, UnsafeMutablePointer<Float>) -> Void

    /// The reference definition, scalar, in the order the kernel must keep.
    static func referenceFbm(_ p: SIMD2<Float>, _ octaves: Int32, _ lac: Float, _ gain: Float, _ seed: UInt32) -> Float {
        func noise(_ p: SIMD2<Float>, _ seed: UInt32) -> Float {
            let q = SIMD2(ProceduralMath.safe(p.x), ProceduralMath.safe(p.y))
            let fl = SIMD2(q.x.rounded(.down), q.y.rounded(.down))
            let f = q - fl
            let u = f * f * f * (f * (f * 6 - 15) + 10)
            let ix = Int32(fl.x), iy = Int32(fl.y)
            func corner(_ dx: Int32, _ dy: Int32) -> Float { ProceduralMath.unit(ProceduralMath.hash2(ix &+ dx, iy &+ dy, seed)) }
            func mix(_ a: Float, _ b: Float, _ t: Float) -> Float { a + (b - a) * t }
            return mix(mix(corner(0, 0), corner(1, 0), u.x), mix(corner(0, 1), corner(1, 1), u.x), u.y)
        }
        var sum: Float = 0, amp: Float = 1, norm: Float = 0, freq: Float = 1
        for o in 0..<max(octaves, 1) {
            sum += amp * noise(p * freq, seed &+ UInt32(o))
            norm += amp
            amp *= gain
            freq *= lac
        }
        return sum / norm
    }

    var kernels: [(String, Kernel)] {
        var list: [(String, Kernel)] = [("portable", lq_fbm_portable), ("dispatched", lq_fbm)]
        if lq_cpu_supports_avx2_fma() != 0 { list.append(("avx2", lq_fbm_avx2_fma)) }
        if lq_cpu_supports_avx512() != 0 { list.append(("avx512", lq_fbm_avx512)) }
        return list
    }

    func testEveryPathIsTheScalarDefinitionBitForBit() {
        var state: UInt32 = 777
        func random() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / 16_777_216
        }
        let special: [SIMD2<Float>] = [SIMD2(0, 0), SIMD2(-0.0, -0.0), SIMD2(-1, 3), SIMD2(2e6, -3e6), SIMD2(.nan, 0.25),
                                       SIMD2(-.infinity, .infinity), SIMD2(999_999.5, -999_999.5), SIMD2(-0.5, -1e-7)]
        var checked = 0
        for (name, kernel) in kernels {
            for trial in 0..<600 {
                let octaves = Int32(trial % 7 == 0 ? 17 + trial % 5 : 1 + trial % 6)
                let lac = 1.5 + random(), gain = 0.3 + 0.4 * random(), seed = UInt32(trial &* 2654435761 % 1000)
                let scale = trial % 3 == 0 ? Float(1) : 1 + 200 * random()
                var points = (0..<4).map { _ in SIMD2((random() - 0.5) * scale, (random() - 0.5) * scale) }
                if trial < special.count { points[0] = special[trial] }
                if trial % 5 == 1 { points[1].x = points[1].x.rounded(.down) }     // on a lattice line
                let count = 1 + trial % 4
                var out = [Float](repeating: -1, count: 4)
                let xy = points.flatMap { [$0.x, $0.y] }
                kernel(xy, Int32(count), octaves, lac, gain, seed, &out)
                for i in 0..<count {
                    let expected = Self.referenceFbm(points[i], octaves, lac, gain, seed)
                    XCTAssertEqual(out[i].bitPattern, expected.bitPattern,
                                   "\(name): trial \(trial), point \(points[i]), octaves \(octaves): \(out[i]) vs \(expected)")
                    checked += 1
                }
                for i in count..<4 { XCTAssertEqual(out[i], -1, "\(name) wrote past count") }
            }
        }
        XCTAssertGreaterThan(checked, 1500)
    }

    /// The Materials code paths (one point, a bump's four) use the kernel.
    func testProceduralFbmMatchesTheDefinition() {
        let p = SIMD2<Float>(3.7, -12.25)
        XCTAssertEqual(ProceduralMath.fbm(p, 5, 2, 0.5, 9), Self.referenceFbm(p, 5, 2, 0.5, 9))
        let four = ProceduralMath.fbm4((p, p + 0.01, p - 0.01, -p), 3, 2.1, 0.45, 4)
        for (i, q) in [p, p + 0.01, p - 0.01, -p].enumerated() {
            XCTAssertEqual(four[i], Self.referenceFbm(q, 3, 2.1, 0.45, 4))
        }
    }

    /// The reference definition of the Voronoi search.
    static func referenceVoronoi(_ p: SIMD2<Float>, _ jitter: Float, _ seed: UInt32) -> (Float, Int32, Int32) {
        let q = SIMD2(ProceduralMath.safe(p.x), ProceduralMath.safe(p.y))
        let cx = Int32(q.x.rounded(.down)), cy = Int32(q.y.rounded(.down))
        var best: Float = 1e30
        var bx = cx, by = cy
        for dy in Int32(-1)...1 {
            for dx in Int32(-1)...1 {
                let x = cx &+ dx, y = cy &+ dy
                let hx = ProceduralMath.unit(ProceduralMath.hash2(x, y, seed))
                let hy = ProceduralMath.unit(ProceduralMath.hash2(x, y, seed ^ 0x9E37_79B9))
                let fp = SIMD2(Float(x) + 0.5 + jitter * (hx - 0.5), Float(y) + 0.5 + jitter * (hy - 0.5))
                let d = fp - q
                let d2 = d.x * d.x + d.y * d.y
                if d2 < best { best = d2; bx = x; by = y }
            }
        }
        return (best, bx, by)
    }

    func testVoronoiOnEveryPathIsTheScalarDefinitionBitForBit() {
        var paths: [(String, VoronoiKernel)] = [("portable", lq_voronoi_portable), ("dispatched", lq_voronoi)]
        if lq_cpu_supports_avx2_fma() != 0 { paths.append(("avx2", lq_voronoi_avx2_fma)) }
        if lq_cpu_supports_avx512() != 0 { paths.append(("avx512", lq_voronoi_avx512)) }
        var state: UInt32 = 4242
        func random() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / 16_777_216
        }
        let special: [SIMD2<Float>] = [SIMD2(0, 0), SIMD2(-0.0, 2), SIMD2(.nan, -7.5), SIMD2(3e6, -3e6),
                                       SIMD2(-.infinity, 1), SIMD2(999_999.75, -999_999.25), SIMD2(-1, -1)]
        for (name, kernel) in paths {
            for trial in 0..<2000 {
                let scale: Float = trial % 2 == 0 ? 4 : 400
                var p = SIMD2((random() - 0.5) * scale, (random() - 0.5) * scale)
                if trial < special.count { p = special[trial] }
                // jitter 0 puts every feature point at its cell's centre: ties between cells.
                let jitter: Float = trial % 5 == 0 ? 0 : trial % 7 == 0 ? .nan : random()
                let seed = UInt32(truncatingIfNeeded: trial &* 7919)
                Self.checkVoronoi(kernel, p, jitter, seed, "\(name): trial \(trial)")
            }
        }
    }

    /// Four queries at once (a bump's samples, `lq_voronoi4`) are the
    /// scalar definition's four answers on every path: points in one cell
    /// (the shared neighbourhood), points straddling a cell line, far apart,
    /// and special values.
    func testFourVoronoiQueriesAreTheScalarDefinitionBitForBit() {
        typealias Kernel4 = (UnsafePointer<Float>, Float, UInt32, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Int32>) -> Void
        var paths: [(String, Kernel4)] = [("portable", lq_voronoi4_portable), ("dispatched", lq_voronoi4)]
        if lq_cpu_supports_avx2_fma() != 0 { paths.append(("avx2", lq_voronoi4_avx2_fma)) }
        if lq_cpu_supports_avx512() != 0 { paths.append(("avx512", lq_voronoi4_avx512)) }
        var state: UInt32 = 99
        func random() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / 16_777_216
        }
        var shared = 0, split = 0
        for (name, kernel) in paths {
            for trial in 0..<1500 {
                let centre = SIMD2((random() - 0.5) * 200, (random() - 0.5) * 200)
                // A bump's ε, a step that crosses cell lines, or unrelated points.
                let e: Float = trial % 3 == 0 ? 0.004 : trial % 3 == 1 ? 0.3 : 40
                var points = [centre + SIMD2(e, 0), centre - SIMD2(e, 0), centre + SIMD2(0, e), centre - SIMD2(0, e)]
                if trial % 50 == 0 { points[trial / 50 % 4] = [SIMD2(.nan, 1), SIMD2(3e6, -0.0), SIMD2(-.infinity, 2)][trial / 50 % 3] }
                let jitter: Float = trial % 11 == 0 ? 0 : random()
                let seed = UInt32(truncatingIfNeeded: trial &* 104_729)
                var xy = points.flatMap { [$0.x, $0.y] }
                var d2 = [Float](repeating: -1, count: 4), cells = [Int32](repeating: 0, count: 8)
                kernel(&xy, jitter, seed, &d2, &cells)
                let floors = Set(points.map { SIMD2(ProceduralMath.safe($0.x).rounded(.down), ProceduralMath.safe($0.y).rounded(.down)) })
                if floors.count == 1 { shared += 1 } else { split += 1 }
                for i in 0..<4 {
                    let expected = Self.referenceVoronoi(points[i], jitter, seed)
                    XCTAssertEqual(d2[i].bitPattern, expected.0.bitPattern, "\(name) trial \(trial) point \(i): \(points[i])")
                    XCTAssertEqual([cells[2 * i], cells[2 * i + 1]], [expected.1, expected.2], "\(name) trial \(trial) point \(i)")
                }
            }
        }
        XCTAssertGreaterThan(shared, 500, "most bump-sized quadruples share a cell")
        XCTAssertGreaterThan(split, 500)
    }

    /// `lq_voronoi` answers a repeated query from its per-thread memo: a
    /// repeat must give the same answer, and a query that differs from the
    /// last in any one field (including only the sign of a zero, or a NaN)
    /// must be computed afresh.
    func testRepeatedVoronoiQueriesGiveTheDefinitionsAnswer() {
        let queries: [(SIMD2<Float>, Float, UInt32)] = [
            (SIMD2(12.3, 45.6), 0.9, 7), (SIMD2(12.3, 45.6), 0.9, 7),      // repeat
            (SIMD2(12.3, 45.6), 0.9, 8),                                   // seed only
            (SIMD2(12.3, 45.6), 0.5, 8),                                   // jitter only
            (SIMD2(12.3, 45.7), 0.5, 8),                                   // y only
            (SIMD2(0, 3), 0, 1), (SIMD2(-0.0, 3), 0, 1), (SIMD2(0, 3), 0, 1), // signed zero
            (SIMD2(.nan, 3), 0.9, 1), (SIMD2(.nan, 3), 0.9, 1),
            (SIMD2(12.3, 45.6), 0.9, 7),
        ]
        for (k, (p, jitter, seed)) in queries.enumerated() { Self.checkVoronoi(lq_voronoi, p, jitter, seed, "query \(k)") }
    }

    typealias VoronoiKernel = (Float, Float, Float, UInt32, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Int32>) -> Void

    /// One query through `kernel` against the scalar definition, bit for bit.
    static func checkVoronoi(_ kernel: VoronoiKernel, _ p: SIMD2<Float>, _ jitter: Float, _ seed: UInt32, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        var d2: Float = -1
        var cell = [Int32](repeating: 0, count: 2)
        kernel(p.x, p.y, jitter, seed, &d2, &cell)
        let expected = referenceVoronoi(p, jitter, seed)
        XCTAssertEqual(d2.bitPattern, expected.0.bitPattern, "\(what): p \(p), jitter \(jitter), seed \(seed)", file: file, line: line)
        XCTAssertEqual(cell, [expected.1, expected.2], "\(what): p \(p), jitter \(jitter), seed \(seed)", file: file, line: line)
    }
}
