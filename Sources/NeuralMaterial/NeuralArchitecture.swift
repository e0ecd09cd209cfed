import Foundation

/// Shape of one fully connected layer, y = W·x (+ b). W is stored row-major
/// as [outputs, inputs] — the PyTorch/safetensors convention — so a `.nmat`
/// opened in numpy reads `y = x @ W.T + b`.
public struct DenseLayerShape: Codable, Equatable, Hashable, Sendable {
    public var inputs: Int
    public var outputs: Int
    public var hasBias: Bool

    public init(inputs: Int, outputs: Int, hasBias: Bool) {
        self.inputs = inputs
        self.outputs = outputs
        self.hasBias = hasBias
    }

    public var weightCount: Int { inputs * outputs }
    public var parameterCount: Int { weightCount + (hasBias ? outputs : 0) }
}

/// The complete description of a neural material's networks (PAPER.md,
/// "Decoders"). It is stored as JSON in the `.nmat` metadata so that a loader
/// knows every tensor shape *before* reading tensors, and so that the GPU
/// shader generator can unroll exactly these widths.
public struct NeuralArchitecture: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Latent channels per texel. The paper uses 8 (two RGBA16F textures).
    public var latentChannels: Int
    /// Hidden widths of the BRDF decoder, e.g. [32, 32].
    public var brdfHidden: [Int]
    /// Hidden widths of the sampling decoder; the paper uses [32, 32, 32].
    public var samplerHidden: [Int]
    /// The BRDF decoder outputs exp(x − outputOffset). An offset of 3 lets a
    /// freshly initialised network (x ≈ 0) start at ≈0.05, a plausible
    /// cosine-weighted reflectance, instead of 1.
    public var outputOffset: Float
    /// The directions the BRDF decoder sees in each learned frame.
    public var frameInputs: FrameInputs
    /// The BRDF decoder's hidden-layer nonlinearity (`HiddenActivation`).
    public var brdfActivation: HiddenActivation

    /// Number of outputs of the frame layer: two frames × (raw normal 3 + raw tangent 3).
    public static let frameOutputs = 12
    /// RGB.
    public static let brdfOutputs = 3
    /// wi in the sampling frame.
    public static let samplerDirectionInputs = 3
    /// αx, αy, ρ, specular slope mean (2), diffuse slope mean (2), two lobe logits.
    public static let samplerOutputs = 9

    public init(latentChannels: Int = 8, brdfHidden: [Int] = [32, 32], samplerHidden: [Int] = [32, 32, 32], outputOffset: Float = 3,
                frameInputs: FrameInputs = .incidentOutgoing, brdfActivation: HiddenActivation = .relu) {
        self.latentChannels = latentChannels
        self.brdfHidden = brdfHidden
        self.samplerHidden = samplerHidden
        self.outputOffset = outputOffset
        self.frameInputs = frameInputs
        self.brdfActivation = brdfActivation
    }

    private enum CodingKeys: String, CodingKey { case latentChannels, brdfHidden, samplerHidden, outputOffset, frameInputs, brdfActivation }

    /// Files written before `frameInputs` (`brdfActivation`) existed hold the paper's wi, wo (ReLU).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        latentChannels = try c.decode(Int.self, forKey: .latentChannels)
        brdfHidden = try c.decode([Int].self, forKey: .brdfHidden)
        samplerHidden = try c.decode([Int].self, forKey: .samplerHidden)
        outputOffset = try c.decode(Float.self, forKey: .outputOffset)
        frameInputs = try c.decodeIfPresent(FrameInputs.self, forKey: .frameInputs) ?? .incidentOutgoing
        brdfActivation = try c.decodeIfPresent(HiddenActivation.self, forKey: .brdfActivation) ?? .relu
    }

    /// The paper's wi, wo and ReLU are left unwritten, so those files keep their bytes
    /// and older readers still open them.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(latentChannels, forKey: .latentChannels)
        try c.encode(brdfHidden, forKey: .brdfHidden)
        try c.encode(samplerHidden, forKey: .samplerHidden)
        try c.encode(outputOffset, forKey: .outputOffset)
        if frameInputs != .incidentOutgoing { try c.encode(frameInputs, forKey: .frameInputs) }
        if brdfActivation != .relu { try c.encode(brdfActivation, forKey: .brdfActivation) }
    }

    /// 2×16: fastest, visibly worse (paper FLIP 0.109).
    public static let brdf2x16 = NeuralArchitecture(brdfHidden: [16, 16])
    /// 2×32: the paper's default real-time size (FLIP 0.055).
    public static let brdf2x32 = NeuralArchitecture(brdfHidden: [32, 32])
    /// 3×64: highest quality (FLIP 0.044).
    public static let brdf3x64 = NeuralArchitecture(brdfHidden: [64, 64, 64])
    /// The paper's default (2×32 on wi, wo). A bake's default decoder is
    /// `BakeSettings.defaultDecoder`, the 2×16 with its training recipe.
    public static let `default` = brdf2x32

    /// Parses the CLI spelling `2x16`, `2x32`, `3x64` (any `NxW` is accepted).
    public init(decoder: String) throws {
        let parts = decoder.lowercased().split(separator: "x")
        guard parts.count == 2, let n = Int(parts[0]), let w = Int(parts[1]), (1...8).contains(n), (1...256).contains(w) else {
            throw NeuralMaterialError.invalidArchitecture(detail: "decoder '\(decoder)' is not of the form LAYERSxWIDTH (e.g. 2x32)")
        }
        self.init(brdfHidden: Array(repeating: w, count: n))
    }

    /// `2x32` style name of the BRDF decoder (uniform widths) or the list.
    public var decoderName: String {
        if let first = brdfHidden.first, brdfHidden.allSatisfy({ $0 == first }) {
            return "\(brdfHidden.count)x\(first)"
        }
        return brdfHidden.map(String.init).joined(separator: "-")
    }

    public var description: String {
        "latents \(latentChannels), \(frameInputs != .incidentOutgoing ? "frame inputs \(frameInputs.rawValue), " : "")BRDF \(brdfInputs)→\(brdfHidden.map(String.init).joined(separator: "→"))→3 (\(brdfActivation == .relu ? "" : "\(brdfActivation.rawValue), ")exp(x−\(outputOffset))), sampler \(samplerInputs)→\(samplerHidden.map(String.init).joined(separator: "→"))→9"
    }

    /// Frame-space direction features: `frameInputs` in frame 1, then in frame 2.
    public var frameFeatures: Int { frameInputs.featureCount }

    /// Frame features + latent.
    public var brdfInputs: Int { frameFeatures + latentChannels }
    /// latent + wi.
    public var samplerInputs: Int { latentChannels + NeuralArchitecture.samplerDirectionInputs }

    /// 8 → 12, no bias, no activation.
    public var frameLayer: DenseLayerShape {
        DenseLayerShape(inputs: latentChannels, outputs: NeuralArchitecture.frameOutputs, hasBias: false)
    }

    public var brdfLayers: [DenseLayerShape] { Self.chain(brdfInputs, brdfHidden, NeuralArchitecture.brdfOutputs) }
    public var samplerLayers: [DenseLayerShape] { Self.chain(samplerInputs, samplerHidden, NeuralArchitecture.samplerOutputs) }

    private static func chain(_ input: Int, _ hidden: [Int], _ output: Int) -> [DenseLayerShape] {
        let widths = [input] + hidden + [output]
        return (0..<(widths.count - 1)).map { DenseLayerShape(inputs: widths[$0], outputs: widths[$0 + 1], hasBias: true) }
    }

    /// Multiply–adds per BRDF evaluation (frame layer + MLP), for throughput reports.
    public var brdfMACs: Int { frameLayer.weightCount + brdfLayers.reduce(0) { $0 + $1.weightCount } }
    public var samplerMACs: Int { frameLayer.weightCount + samplerLayers.reduce(0) { $0 + $1.weightCount } }

    /// Most hidden layers per decoder that a file may declare.
    public static let maxHiddenLayers = 16

    public func validate() throws {
        guard latentChannels >= 1, latentChannels <= 64 else {
            throw NeuralMaterialError.invalidArchitecture(detail: "latentChannels \(latentChannels) outside 1...64")
        }
        // The layer count is bounded too: the parameters are allocated from
        // the architecture before the tensors are checked, so a file listing
        // thousands of 1024-wide layers would exhaust memory instead of failing.
        guard (1...Self.maxHiddenLayers).contains(brdfHidden.count), brdfHidden.allSatisfy({ (1...1024).contains($0) }) else {
            throw NeuralMaterialError.invalidArchitecture(
                detail: "brdfHidden \(brdfHidden.prefix(8))\(brdfHidden.count > 8 ? "…" : "") must have 1...\(Self.maxHiddenLayers) layers, each 1...1024 wide")
        }
        guard (1...Self.maxHiddenLayers).contains(samplerHidden.count), samplerHidden.allSatisfy({ (1...1024).contains($0) }) else {
            throw NeuralMaterialError.invalidArchitecture(
                detail: "samplerHidden \(samplerHidden.prefix(8))\(samplerHidden.count > 8 ? "…" : "") must have 1...\(Self.maxHiddenLayers) layers, each 1...1024 wide")
        }
        guard outputOffset.isFinite, abs(outputOffset) <= 100 else {
            throw NeuralMaterialError.invalidArchitecture(detail: "outputOffset \(outputOffset) must be finite and |offset| <= 100")
        }
    }

    /// JSON text as stored in the `.nmat` metadata (sorted keys: stable bytes).
    public func jsonString() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        guard let data = try? enc.encode(self), let s = String(data: data, encoding: .utf8) else { return "{}" }
        return s
    }

    public static func fromJSON(_ text: String) throws -> NeuralArchitecture {
        do {
            let a = try JSONDecoder().decode(NeuralArchitecture.self, from: Data(text.utf8))
            try a.validate()
            return a
        } catch let e as NeuralMaterialError {
            throw e
        } catch {
            throw NeuralMaterialError.invalidArchitecture(detail: "architecture JSON does not decode: \(error)")
        }
    }
}
