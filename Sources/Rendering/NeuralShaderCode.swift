import NeuralMaterial

/// GLSL for the neural decoders of one architecture, with every layer width
/// a compile-time constant so the driver's compiler can unroll the loops into
/// straight FMAs (the "divergent", per-lane execution path of PAPER.md).
/// No [[unroll]] hints: spirv-opt's unroller exhausts memory on the 3×64
/// decoder, while the drivers unroll constant-bound loops themselves. Weights are
/// read from a float32 buffer holding the fp16-rounded values of the .nmat
/// (fp16 storage precision, fp32 arithmetic: on lavapipe fp16 arithmetic was
/// not faster, see PLATFORM.md), laid out exactly like DecoderParameters.
///
/// Defines, for suffix S:
///   void  neuralFrameRaw_S(NeuralWeightsRef W, float lat[8], out float raw[12])
///   vec3  neuralBrdf_S(NeuralWeightsRef W, float lat[8], float raw[12], vec3 wi, vec3 wo)   // f·|cos θo|
///   NeuralMixture neuralSampler_S(NeuralWeightsRef W, float lat[8], float raw[12], vec3 wi)
enum NeuralShaderCode {
    static func suffix(_ a: NeuralArchitecture) -> String {
        "b" + a.brdfHidden.map(String.init).joined(separator: "_") + "s" + a.samplerHidden.map(String.init).joined(separator: "_")
    }

    static func functions(for a: NeuralArchitecture) -> String {
        let p = DecoderParameters(architecture: a)
        let s = suffix(a)
        let c = a.latentChannels
        var out = "// Neural decoders, architecture \(a.description)\n"

        // One dense layer y = W x (+ b) (+ ReLU) into a fresh array.
        func dense(_ input: String, _ output: String, _ shape: DenseLayerShape, weight: Int, bias: Int?, relu: Bool) -> String {
            var code = "    float \(output)[\(shape.outputs)];\n"
            code += "    for (int o = 0; o < \(shape.outputs); ++o) {\n"
            code += "        float acc = \(bias.map { "W.w[\($0) + o]" } ?? "0.0");\n"
            code += "        for (int i = 0; i < \(shape.inputs); ++i) acc += W.w[\(weight) + o * \(shape.inputs) + i] * \(input)[i];\n"
            code += "        \(output)[o] = \(relu ? "max(acc, 0.0)" : "acc");\n    }\n"
            return code
        }

        out += "void neuralFrameRaw_\(s)(NeuralWeightsRef W, float lat[\(c)], out float raw[12]) {\n"
        out += "    for (int o = 0; o < 12; ++o) {\n        float acc = 0.0;\n"
        out += "        for (int i = 0; i < \(c); ++i) acc += W.w[\(p.frameWeightOffset) + o * \(c) + i] * lat[i];\n"
        out += "        raw[o] = acc;\n    }\n}\n\n"

        out += "vec3 neuralBrdf_\(s)(NeuralWeightsRef W, float lat[\(c)], float raw[12], vec3 wi, vec3 wo) {\n"
        out += "    float x0[\(12 + c)];\n"
        out += "    for (int k = 0; k < 2; ++k) {\n"
        out += "        vec3 t, b, n;\n        nmFrame(raw, k, t, b, n);\n"
        out += "        vec3 a = nmToLocal(wi, t, b, n), d = nmToLocal(wo, t, b, n);\n"
        out += "        x0[6 * k] = a.x; x0[6 * k + 1] = a.y; x0[6 * k + 2] = a.z;\n"
        out += "        x0[6 * k + 3] = d.x; x0[6 * k + 4] = d.y; x0[6 * k + 5] = d.z;\n    }\n"
        out += "    for (int i = 0; i < \(c); ++i) x0[12 + i] = lat[i];\n"
        for (i, l) in a.brdfLayers.enumerated() {
            out += dense("x\(i)", "x\(i + 1)", l, weight: p.brdfWeightOffsets[i], bias: p.brdfBiasOffsets[i], relu: i < a.brdfLayers.count - 1)
        }
        let last = "x\(a.brdfLayers.count)"
        out += "    return exp(vec3(\(last)[0], \(last)[1], \(last)[2]) - \(a.outputOffset));\n}\n\n"

        out += "NeuralMixture neuralSampler_\(s)(NeuralWeightsRef W, float lat[\(c)], float raw[12], vec3 wi) {\n"
        out += "    vec3 t, b, n;\n    nmFrame(raw, 0, t, b, n);\n"
        out += "    vec3 wl = nmToLocal(wi, t, b, n);\n"
        out += "    float y0[\(c + 3)];\n"
        out += "    for (int i = 0; i < \(c); ++i) y0[i] = lat[i];\n"
        out += "    y0[\(c)] = wl.x; y0[\(c + 1)] = wl.y; y0[\(c + 2)] = wl.z;\n"
        for (i, l) in a.samplerLayers.enumerated() {
            out += dense("y\(i)", "y\(i + 1)", l, weight: p.samplerWeightOffsets[i], bias: p.samplerBiasOffsets[i], relu: i < a.samplerLayers.count - 1)
        }
        out += "    return nmWarp(y\(a.samplerLayers.count), t, b, n);\n}\n"
        return out
    }
}
