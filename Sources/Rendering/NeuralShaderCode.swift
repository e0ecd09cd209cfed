import NeuralMaterial

/// GLSL for the neural decoders of one architecture, with every layer width
/// a compile-time constant so the driver's compiler can unroll the loops into
/// straight FMAs (the "divergent", per-lane execution path of PAPER.md).
/// No [[unroll]] hints: spirv-opt's unroller exhausts memory on the 3×64
/// decoder, while the drivers unroll constant-bound loops themselves. Weights
/// are fp16, two per word (`PackedDecoderWeights`), unpacked and multiplied
/// in fp32 (on lavapipe fp16 arithmetic was not faster, see PLATFORM.md).
///
/// Defines, for suffix S:
///   void  neuralFrameRaw_S(NeuralWeightsRef W, float lat[8], out float raw[12])
///   vec3  neuralBrdf_S(NeuralWeightsRef W, float lat[8], float raw[12], vec3 wi, vec3 wo)   // f·|cos θo|
///   NeuralMixture neuralSampler_S(NeuralWeightsRef W, float lat[8], float raw[12], vec3 wi)
enum NeuralShaderCode {
    static func suffix(_ a: NeuralArchitecture) -> String {
        "b" + a.brdfHidden.map(String.init).joined(separator: "_") + "s" + a.samplerHidden.map(String.init).joined(separator: "_")
            + inputsSuffix(a.frameInputs) + (a.brdfActivation == .relu ? "" : "m")
    }

    private static func inputsSuffix(_ inputs: FrameInputs) -> String {
        switch inputs {
        case .incidentOutgoing: return ""
        case .withHalfVector: return "h"
        case .halfDifference: return "hd"
        case .halfDifferenceLogAngle: return "hdl"
        }
    }

    /// One dense layer `output = W·input (+ b)`, then `activation` (nil:
    /// linear); `declare` adds the output array's declaration.
    static func dense(_ input: String, _ output: String, _ layer: PackedDecoderWeights.Layer, activation: HiddenActivation?, declare: Bool = true) -> String {
        let inputs = layer.shape.inputs, pairs = inputs / 2
        let row = "\(layer.weightWord) + o * \(layer.rowWords)"
        var code = declare ? "    float \(output)[\(layer.shape.outputs)];\n" : ""
        code += "    for (int o = 0; o < \(layer.shape.outputs); ++o) {\n"
        code += "        float acc = \(layer.biasWord.map { "unpackHalf2x16(W.h[\($0) + o]).x" } ?? "0.0");\n"
        code += "        for (int i = 0; i < \(pairs); ++i) {\n"
        code += "            vec2 w = unpackHalf2x16(W.h[\(row) + i]);\n"
        code += "            acc += w.x * \(input)[2 * i] + w.y * \(input)[2 * i + 1];\n        }\n"
        if inputs % 2 == 1 {
            code += "        acc += unpackHalf2x16(W.h[\(row) + \(pairs)]).x * \(input)[\(inputs - 1)];\n"
        }
        code += "        \(output)[o] = \(activation?.glsl("acc") ?? "acc");\n    }\n"
        return code
    }

    static func functions(for a: NeuralArchitecture) -> String {
        let p = PackedDecoderWeights(architecture: a)
        let s = suffix(a)
        let c = a.latentChannels
        var out = "// Neural decoders, architecture \(a.description)\n"

        out += "void neuralFrameRaw_\(s)(NeuralWeightsRef W, float lat[\(c)], out float raw[12]) {\n"
        out += dense("lat", "raw", p.frame, activation: nil, declare: false)
        out += "}\n\n"

        out += "vec3 neuralBrdf_\(s)(NeuralWeightsRef W, float lat[\(c)], float raw[12], vec3 wi, vec3 wo) {\n"
        let features = a.frameFeatures, perFrame = features / 2
        out += "    float x0[\(features + c)];\n"
        if a.frameInputs.usesHalfVector { out += "    vec3 hv = nmNormalize(wi + wo);\n" }
        out += "    for (int k = 0; k < 2; ++k) {\n"
        out += "        vec3 t, b, n;\n        nmFrame(raw, k, t, b, n);\n"
        out += "        vec3 a = nmToLocal(wi, t, b, n), d = nmToLocal(wo, t, b, n);\n"
        func store(_ slot: Int, _ value: String) -> String { "x0[\(perFrame) * k + \(slot)] = \(value);" }
        func store3(_ slot: Int, _ v: String) -> String { [0, 1, 2].map { store(slot + $0, "\(v).\(["x", "y", "z"][$0])") }.joined(separator: " ") }
        switch a.frameInputs {
        case .incidentOutgoing, .withHalfVector:
            out += "        \(store3(0, "a"))\n        \(store3(3, "d"))\n"
            if a.frameInputs == .withHalfVector {
                out += "        vec3 e = nmToLocal(hv, t, b, n);\n        \(store3(6, "e"))\n"
            }
        case .halfDifference, .halfDifferenceLogAngle:
            let softening = GLSLLiteral.float(FrameLayer.differencePoleSoftening)
            out += "        vec3 e = nmToLocal(hv, t, b, n), f = nmDifference(a, e, \(softening));\n"
            out += "        \(store3(0, "e"))\n        \(store3(3, "f"))\n        \(store(6, "a.z")) \(store(7, "d.z"))\n"
            if a.frameInputs == .halfDifferenceLogAngle {
                let scale = GLSLLiteral.float(FrameLayer.logHalfAngleScale), floor = GLSLLiteral.float(FrameLayer.logHalfAngleFloor)
                out += "        \(store(8, "1.0 + \(scale) * log(e.x * e.x + e.y * e.y + \(floor))"))\n"
            }
        }
        out += "    }\n"
        out += "    for (int i = 0; i < \(c); ++i) x0[\(features) + i] = lat[i];\n"
        for (i, l) in p.brdf.enumerated() {
            out += dense("x\(i)", "x\(i + 1)", l, activation: i < p.brdf.count - 1 ? a.brdfActivation : nil)
        }
        let last = "x\(p.brdf.count)"
        out += "    return exp(vec3(\(last)[0], \(last)[1], \(last)[2]) - \(a.outputOffset));\n}\n\n"

        out += "NeuralMixture neuralSampler_\(s)(NeuralWeightsRef W, float lat[\(c)], float raw[12], vec3 wi) {\n"
        out += "    vec3 t, b, n;\n    nmFrame(raw, 0, t, b, n);\n"
        out += "    vec3 wl = nmToLocal(wi, t, b, n);\n"
        out += "    float y0[\(c + 3)];\n"
        out += "    for (int i = 0; i < \(c); ++i) y0[i] = lat[i];\n"
        out += "    y0[\(c)] = wl.x; y0[\(c + 1)] = wl.y; y0[\(c + 2)] = wl.z;\n"
        for (i, l) in p.sampler.enumerated() {
            out += dense("y\(i)", "y\(i + 1)", l, activation: i < p.sampler.count - 1 ? .relu : nil)
        }
        out += "    return nmWarp(y\(p.sampler.count), t, b, n);\n}\n"
        return out
    }
}
