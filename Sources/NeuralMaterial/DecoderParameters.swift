/// One named tensor inside the flat parameter array.
public struct ParameterTensor: Equatable, Hashable, Sendable {
    public var name: String
    /// [outputs, inputs] for weights, [outputs] for biases.
    public var shape: [Int]
    public var offset: Int
    public var count: Int { shape.reduce(1, *) }
    public var range: Range<Int> { offset..<(offset + count) }
}

/// All decoder weights (frame layer, BRDF MLP, sampler MLP) in ONE flat
/// float32 array.
///
/// Why flat: Adam, gradient accumulation across threads, checkpointing and
/// the safetensors writer all become loops over one buffer, and a gradient
/// buffer is just another `[Float]` with the same layout. Named views
/// (`layout`) map it to the tensors stored in `.nmat`.
///
/// Order: `frame.weight` [12, C], then `brdf.{i}.weight`/`.bias`, then
/// `sampler.{i}.weight`/`.bias`. The BRDF part (frame + brdf) and the sampler
/// part are contiguous (`brdfRange`, `samplerRange`) so that a baker may run a
/// separate optimiser on each: the sampler loss never touches the frame
/// layer (the frames belong to the BRDF decoder; the sampler only reads them).
public struct DecoderParameters: Equatable, Sendable {
    public let architecture: NeuralArchitecture
    public var values: [Float]
    public let layout: [ParameterTensor]

    public let frameWeightOffset: Int
    public let brdfWeightOffsets: [Int]
    public let brdfBiasOffsets: [Int]
    public let samplerWeightOffsets: [Int]
    public let samplerBiasOffsets: [Int]
    public let brdfRange: Range<Int>
    public let samplerRange: Range<Int>

    public var count: Int { values.count }

    /// Zero-filled parameters (also the shape of a gradient buffer).
    public init(architecture: NeuralArchitecture) {
        self.architecture = architecture
        var layout: [ParameterTensor] = []
        var offset = 0
        func add(_ name: String, _ shape: [Int]) -> Int {
            let t = ParameterTensor(name: name, shape: shape, offset: offset)
            layout.append(t)
            offset += t.count
            return t.offset
        }
        let fl = architecture.frameLayer
        frameWeightOffset = add("frame.weight", [fl.outputs, fl.inputs])
        var bw: [Int] = [], bb: [Int] = []
        for (i, l) in architecture.brdfLayers.enumerated() {
            bw.append(add("brdf.\(i).weight", [l.outputs, l.inputs]))
            bb.append(add("brdf.\(i).bias", [l.outputs]))
        }
        let brdfEnd = offset
        var sw: [Int] = [], sb: [Int] = []
        for (i, l) in architecture.samplerLayers.enumerated() {
            sw.append(add("sampler.\(i).weight", [l.outputs, l.inputs]))
            sb.append(add("sampler.\(i).bias", [l.outputs]))
        }
        brdfWeightOffsets = bw; brdfBiasOffsets = bb
        samplerWeightOffsets = sw; samplerBiasOffsets = sb
        brdfRange = 0..<brdfEnd
        samplerRange = brdfEnd..<offset
        self.layout = layout
        values = [Float](repeating: 0, count: offset)
    }

    /// He-normal initialisation for the ReLU layers, small output layers.
    ///
    /// - frame layer ~ N(0, 0.01²): both learned frames start at the shading
    ///   frame (raw ≈ 0 ⇒ n = z, t = x), so early training sees sane inputs.
    /// - last BRDF layer ~ N(0, (0.1·He)²), biases 0: output ≈ exp(−offset).
    /// - last sampler layer ~ N(0, 0.01²): α ≈ 0.5, ρ ≈ 0, means ≈ 0, weights ½/½.
    public static func initialised(architecture: NeuralArchitecture, seed: UInt64) -> DecoderParameters {
        var p = DecoderParameters(architecture: architecture)
        var rng = PCG32(seed: seed, stream: 0x6e6d_6174_696e_6974)
        func fill(_ offset: Int, _ count: Int, _ std: Float) {
            for i in 0..<count { p.values[offset + i] = std * rng.nextGaussian() }
        }
        fill(p.frameWeightOffset, architecture.frameLayer.weightCount, 0.01)
        for (i, l) in architecture.brdfLayers.enumerated() {
            let he = (2 / Float(l.inputs)).squareRoot()
            fill(p.brdfWeightOffsets[i], l.weightCount, i == architecture.brdfLayers.count - 1 ? 0.1 * he : he)
        }
        for (i, l) in architecture.samplerLayers.enumerated() {
            let he = (2 / Float(l.inputs)).squareRoot()
            fill(p.samplerWeightOffsets[i], l.weightCount, i == architecture.samplerLayers.count - 1 ? 0.01 : he)
        }
        return p
    }

    public func tensor(named name: String) -> ParameterTensor? { layout.first { $0.name == name } }

    /// Rounds every value through fp16, i.e. what a `.nmat` reader and the GPU see.
    public func roundedToHalf() -> DecoderParameters {
        var p = self
        for i in p.values.indices { p.values[i] = Float(Float16(p.values[i])) }
        return p
    }
}
