import XCTest
@testable import Materials

/// A bump's four samples, evaluated together (`Procedural.evaluateX4`, which
/// shares lattice hashes between points in one cell), are the four separate
/// evaluations bit for bit — for every kind, and for points that straddle
/// lattice lines, where the sharing must not apply.
final class ProceduralBatchTests: XCTestCase {
    func testFourPointEvaluationIsFourEvaluationsBitForBit() {
        var state: UInt32 = 12345
        func random() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / 16_777_216
        }
        let kinds: [ProceduralKind] = [.fbm, .voronoiValue, .voronoiDistance, .flakeNormal, .brushed, .wood, .checker, .gradientNoise]
        var straddling = 0
        for kind in kinds {
            for trial in 0..<400 {
                var p = Procedural(kind: kind)
                p.uv = UVTransform(scale: SIMD2(1 + 9 * random(), 1 + 9 * random()), offset: SIMD2(random(), random()),
                                   rotationDegrees: trial % 3 == 0 ? 0 : 360 * random())
                p.octaves = Int32(1 + trial % 6)
                p.lacunarity = 1.5 + random()
                p.gain = 0.3 + 0.4 * random()
                p.stretch = 1 + 40 * random()
                p.frequency = 2 + 8 * random()
                p.distortion = random()
                p.seed = UInt32(trial)
                // Every fourth trial sits on a lattice line of the first octave (uv = (k + offset) / scale).
                var uv = SIMD2(random(), random())
                if trial % 4 == 0 { uv.x = (Float(trial % 7) - p.uv.offset.x) / p.uv.scale.x }
                let e = InputEval.bumpEpsilon(p)
                let points = (uv + SIMD2(e, 0), uv - SIMD2(e, 0), uv + SIMD2(0, e), uv - SIMD2(0, e))
                let together = p.evaluateX4(points.0, points.1, points.2, points.3)
                let apart = SIMD4(p.evaluate(points.0).x, p.evaluate(points.1).x, p.evaluate(points.2).x, p.evaluate(points.3).x)
                XCTAssertEqual(together, apart, "\(kind), trial \(trial)")
                if kind == .fbm, (p.uv.apply(points.0, p.uv.cosR, p.uv.sinR).x.rounded(.down)
                                  != p.uv.apply(points.1, p.uv.cosR, p.uv.sinR).x.rounded(.down)) { straddling += 1 }
            }
        }
        XCTAssertGreaterThan(straddling, 10, "some fbm samples must straddle a lattice line")
    }
}
