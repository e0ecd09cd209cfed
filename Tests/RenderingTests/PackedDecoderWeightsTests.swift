import NeuralMaterial
import Rendering
import XCTest

/// The packed fp16 layout the shaders read: every weight and bias lands in
/// its documented word and half, rounded like `roundedToHalf`, padding is zero.
final class PackedDecoderWeightsTests: XCTestCase {
    func testEveryParameterIsWhereTheShaderReadsIt() {
        for architecture in [NeuralArchitecture.brdf2x16, .brdf2x32, .brdf3x64] {
            var parameters = DecoderParameters(architecture: architecture)
            for i in parameters.values.indices { parameters.values[i] = Float(i % 97) * 0.013 - 0.6 }
            let rounded = parameters.roundedToHalf()
            let layout = PackedDecoderWeights(architecture: architecture)
            let words = layout.pack(parameters)
            XCTAssertEqual(words.count, layout.wordCount)
            func half(_ word: Int, high: Bool) -> Float {
                Float(Float16(bitPattern: UInt16(truncatingIfNeeded: words[word] >> (high ? 16 : 0))))
            }
            var seen = 0
            func check(_ layer: PackedDecoderWeights.Layer, weightOffset: Int, biasOffset: Int?) {
                let n = layer.shape.inputs
                for o in 0..<layer.shape.outputs {
                    for i in 0..<n {
                        XCTAssertEqual(half(layer.weightWord + o * layer.rowWords + i / 2, high: i % 2 == 1),
                                       rounded.values[weightOffset + o * n + i])
                        seen += 1
                    }
                    if n % 2 == 1 { XCTAssertEqual(words[layer.weightWord + o * layer.rowWords + n / 2] >> 16, 0, "padding") }
                    if let biasWord = layer.biasWord, let biasOffset {
                        XCTAssertEqual(half(biasWord + o, high: false), rounded.values[biasOffset + o])
                        XCTAssertEqual(words[biasWord + o] >> 16, 0)
                        seen += 1
                    }
                }
            }
            check(layout.frame, weightOffset: parameters.frameWeightOffset, biasOffset: nil)
            for (i, l) in layout.brdf.enumerated() { check(l, weightOffset: parameters.brdfWeightOffsets[i], biasOffset: parameters.brdfBiasOffsets[i]) }
            for (i, l) in layout.sampler.enumerated() { check(l, weightOffset: parameters.samplerWeightOffsets[i], biasOffset: parameters.samplerBiasOffsets[i]) }
            XCTAssertEqual(seen, parameters.count, "every parameter checked once")
        }
    }
}
