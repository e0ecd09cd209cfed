import NeuralMaterial

/// The decoder weights as the shaders read them: fp16, two per 32-bit word.
///
/// Why packed: on lavapipe every weight read by a lane is a gather (the
/// compiler cannot prove the lanes of a SIMD group read the same material),
/// and those gathers were ≈ 75 % of the neural shading time. Two halves per
/// word halve the gathers; `unpackHalf2x16` is one conversion instruction.
/// It also halves the memory a material's weights take on any device.
///
/// Layout per dense layer: each weight row (one output) starts on a word
/// boundary and holds `inputs` halves, zero-padded to an even count; biases
/// follow, one word each (the value in the low half). Layers are in
/// `DecoderParameters` order: frame, BRDF layers, sampler layers. After the
/// layers, from `levelScaleWord`: the twin's output factor per latent level,
/// three fp32 words (RGB) per level (`NeuralMaterialFile.levelScales`, 1
/// where the file has none) — read once per hit, so kept exact.
public struct PackedDecoderWeights: Equatable, Sendable {
    public struct Layer: Equatable, Sendable {
        public var shape: DenseLayerShape
        /// First word of the weight rows.
        public var weightWord: Int
        /// First word of the biases (nil for the bias-free frame layer).
        public var biasWord: Int?
        /// Words per weight row: ⌈inputs / 2⌉.
        public var rowWords: Int { (shape.inputs + 1) / 2 }
    }

    public let frame: Layer
    public let brdf: [Layer]
    public let sampler: [Layer]
    /// Words of the layers; the level scales start here.
    public let wordCount: Int
    public var levelScaleWord: Int { wordCount }

    public init(architecture a: NeuralArchitecture) {
        var next = 0
        func layer(_ shape: DenseLayerShape, bias: Bool) -> Layer {
            let weightWord = next
            next += shape.outputs * ((shape.inputs + 1) / 2)
            var biasWord: Int?
            if bias { biasWord = next; next += shape.outputs }
            return Layer(shape: shape, weightWord: weightWord, biasWord: biasWord)
        }
        frame = layer(a.frameLayer, bias: false)
        brdf = a.brdfLayers.map { layer($0, bias: true) }
        sampler = a.samplerLayers.map { layer($0, bias: true) }
        wordCount = next
    }

    /// The words to upload for a twin: its layers, then its level scales.
    public func pack(_ file: NeuralMaterialFile) -> [UInt32] {
        pack(file.parameters) + (0..<file.latents.levelCount).flatMap { level -> [UInt32] in
            let s = file.levelScale(level)
            return [s.x.bitPattern, s.y.bitPattern, s.z.bitPattern]
        }
    }

    /// The layers' words for `parameters` (rounded to fp16, round to nearest even).
    public func pack(_ parameters: DecoderParameters) -> [UInt32] {
        var words = [UInt32](repeating: 0, count: wordCount)
        func half(_ v: Float) -> UInt32 { UInt32(Float16(v).bitPattern) }
        func fill(_ layer: Layer, weightOffset: Int, biasOffset: Int?) {
            let inputs = layer.shape.inputs
            for o in 0..<layer.shape.outputs {
                for i in 0..<inputs {
                    let word = layer.weightWord + o * layer.rowWords + i / 2
                    words[word] |= half(parameters.values[weightOffset + o * inputs + i]) << (16 * UInt32(i % 2))
                }
                if let biasWord = layer.biasWord, let biasOffset {
                    words[biasWord + o] = half(parameters.values[biasOffset + o])
                }
            }
        }
        fill(frame, weightOffset: parameters.frameWeightOffset, biasOffset: nil)
        for (i, l) in brdf.enumerated() {
            fill(l, weightOffset: parameters.brdfWeightOffsets[i], biasOffset: parameters.brdfBiasOffsets[i])
        }
        for (i, l) in sampler.enumerated() {
            fill(l, weightOffset: parameters.samplerWeightOffsets[i], biasOffset: parameters.samplerBiasOffsets[i])
        }
        return words
    }
}
