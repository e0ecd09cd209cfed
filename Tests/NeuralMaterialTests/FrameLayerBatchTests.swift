import XCTest
@testable import NeuralMaterial

/// The C batch kernels of the learned frames (`FrameLayerBatch`) against the
/// per-row Swift definitions (`FrameLayer`), bit for bit, on every
/// instruction-set path this machine runs: 16-row blocks plus a tail, rows
/// with a near-degenerate raw normal (the length floor), strided outputs.
final class FrameLayerBatchTests: XCTestCase {
    private let rows = 37   // two full 16-lane blocks and a tail of 5

    private func inputs() -> (raw: [Float], wi: [SIMD3<Float>], wo: [SIMD3<Float>], dFeatures: [Float]) {
        var rng = PCG32(seed: 11, stream: 3)
        var raw = (0..<(rows * 12)).map { _ in 0.7 * rng.nextGaussian() }
        // Row 5, frame 1: raw normal cancels the fixed axis (|vn|² below the floor);
        // row 20, frame 2: tangent parallel to the normal (t̂ ≈ 0).
        raw[5 * 12 + 0] = 0; raw[5 * 12 + 1] = 0; raw[5 * 12 + 2] = -1
        raw[20 * 12 + 6] = 0; raw[20 * 12 + 7] = 0; raw[20 * 12 + 8] = 0
        raw[20 * 12 + 9] = -1; raw[20 * 12 + 10] = 0; raw[20 * 12 + 11] = 1
        func direction() -> SIMD3<Float> {
            let v = SIMD3<Float>(rng.nextGaussian(), rng.nextGaussian(), abs(rng.nextGaussian()) + 0.01)
            return v / (v * v).sum().squareRoot()
        }
        let wi = (0..<rows).map { _ in direction() }
        let wo = (0..<rows).map { _ in direction() }
        let dFeatures = (0..<(rows * 26)).map { _ in rng.nextGaussian() }   // wide enough for 18 features + the latent
        return (raw, wi, wo, dFeatures)
    }

    private func assertBitIdentical(_ a: [Float], _ b: [Float], _ what: String) {
        XCTAssertEqual(a.count, b.count, what)
        for i in a.indices where a[i].bitPattern != b[i].bitPattern {
            XCTFail("\(what): element \(i) is \(a[i]), the Swift definition gives \(b[i])")
            return
        }
    }

    func testFeaturesBackwardAndLocalEqualTheDefinitionOnEveryPath() {
        for frameInputs in FrameInputs.allCases { checkEveryPath(frameInputs) }
    }

    private func checkEveryPath(_ frameInputs: FrameInputs) {
        let (raw, wi, wo, dF) = inputs()
        let F = frameInputs.featureCount
        let stride = F + 8   // the BRDF input row: the features, then the latent
        var expectedFeatures = [Float](repeating: 0, count: rows * F)
        var expectedBackward = [Float](repeating: 0, count: rows * 12)
        // [frame k][wi, wo]
        var expectedLocal = [[[Float]]](repeating: [[Float]](repeating: [Float](repeating: 0, count: rows * 3), count: 2), count: 2)
        raw.withUnsafeBufferPointer { r in
            dF.withUnsafeBufferPointer { g in
                for i in 0..<rows {
                    expectedFeatures.withUnsafeMutableBufferPointer {
                        FrameLayer.features(raw: r.baseAddress! + 12 * i, wi: wi[i], wo: wo[i], inputs: frameInputs, into: $0.baseAddress! + F * i)
                    }
                    expectedBackward.withUnsafeMutableBufferPointer {
                        FrameLayer.backward(raw: r.baseAddress! + 12 * i, wi: wi[i], wo: wo[i], inputs: frameInputs, dFeatures: g.baseAddress! + stride * i,
                                            dRaw: $0.baseAddress! + 12 * i)
                    }
                    for k in 0..<2 {
                        let frame = FrameLayer.frame(raw: r.baseAddress! + 12 * i, index: k)
                        for (j, v) in [wi[i], wo[i]].enumerated() {
                            let l = frame.toLocal(v)
                            expectedLocal[k][j][3 * i] = l.x; expectedLocal[k][j][3 * i + 1] = l.y; expectedLocal[k][j][3 * i + 2] = l.z
                        }
                    }
                }
            }
        }
        XCTAssertTrue(expectedBackward.allSatisfy(\.isFinite), "the degenerate rows must stay finite")
        for isa in TrainingISA.available {
            var features = [Float](repeating: .nan, count: rows * stride)
            var backward = [Float](repeating: .nan, count: rows * 12)
            var local = [[[Float]]](repeating: [[Float]](), count: 2)
            raw.withUnsafeBufferPointer { r in
                features.withUnsafeMutableBufferPointer {
                    FrameLayerBatch.features(raw: r.baseAddress!, wi: wi, wo: wo, inputs: frameInputs, rows: rows, into: $0.baseAddress!,
                                             outStride: stride, isa: isa)
                }
                dF.withUnsafeBufferPointer { g in
                    backward.withUnsafeMutableBufferPointer {
                        FrameLayerBatch.backward(raw: r.baseAddress!, wi: wi, wo: wo, inputs: frameInputs, dFeatures: g.baseAddress!, dStride: stride,
                                                 rows: rows, dRaw: $0.baseAddress!, isa: isa)
                    }
                }
                for k in 0..<2 {
                    var wiLocal = [Float](repeating: .nan, count: rows * 3), woLocal = wiLocal
                    wiLocal.withUnsafeMutableBufferPointer { a in
                        woLocal.withUnsafeMutableBufferPointer { b in
                            FrameLayerBatch.toLocal(raw: r.baseAddress!, index: k, wi: wi, wo: wo, rows: rows,
                                                    wiInto: a.baseAddress!, wiStride: 3, woInto: b.baseAddress!, woStride: 3, isa: isa)
                        }
                    }
                    local[k] = [wiLocal, woLocal]
                }
            }
            let packed = (0..<rows).flatMap { features[($0 * stride)..<($0 * stride + F)] }
            assertBitIdentical(packed, expectedFeatures, "\(isa) \(frameInputs.rawValue) features")
            XCTAssertTrue((0..<rows).allSatisfy { r in features[(r * stride + F)..<(r * stride + stride)].allSatisfy(\.isNaN) },
                          "\(isa) features wrote past the \(F) feature columns")
            assertBitIdentical(backward, expectedBackward, "\(isa) \(frameInputs.rawValue) backward")
            for k in 0..<2 {
                assertBitIdentical(local[k][0], expectedLocal[k][0], "\(isa) wi in frame \(k + 1)")
                assertBitIdentical(local[k][1], expectedLocal[k][1], "\(isa) wo in frame \(k + 1)")
            }
        }
    }
}
