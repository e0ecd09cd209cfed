import Foundation

/// `gltf_pbr` and `UsdPreviewSurface` mapped onto Lacquer's lobes, following
/// the node graphs MaterialX itself defines for them (α = roughness²):
///
///     gltf_pbr: `GLTFPBRLowering.swift` (shared with glTF 2.0 files)
///
///     UsdPreviewSurface:
///       F0        = useSpecularWorkflow ? specularColor
///                                       : mix(((ior − 1)/(ior + 1))², diffuseColor, metallic)
///       diffuse   = oren_nayar(weight 1 − metallic (1 with the specular workflow), diffuseColor)
///       substrate = layer(generalized_schlick(F0, F90 = 1, α), diffuse)
///       result    = layer(dielectric(weight clearcoat, ior 1.5, α(clearcoatRoughness)), substrate)
///
/// `occlusion` is ignored (it is the renderer's ambient-occlusion hint, not
/// part of the BSDF, also in MaterialX's own generators), as is `alpha` with
/// `alpha_mode` 0 (opaque). gltf_pbr's `iridescence` (weight),
/// `iridescence_ior` and `iridescence_thickness` (nm) are its thin film.
/// Emission: gltf_pbr `emissive` × `emissive_strength`, UsdPreviewSurface
/// `emissiveColor` (the material's emitted radiance).
/// Transmission, volume attenuation, opacity and displacement fail with an error naming the input
/// when they are connected or differ from their defaults.
extension MaterialXParser {
    /// How a shader input is read: as a register with a default, or refused
    /// unless it keeps its default ("" = refused whenever it is connected),
    /// or ignored.
    enum ShaderInput {
        case value(InputType, SIMD4<Float>)
        case refusedUnlessDefault(String, feature: String)
        case ignored
    }

    /// The shader's inputs as registers (absent ones at their defaults) and the
    /// constant value of every input that is a plain constant.
    mutating func shaderInputs(_ node: XMLElementNode, scope: XMLElementNode?, _ spec: [String: ShaderInput])
        throws -> (regs: [String: InputRef], constants: [String: SIMD4<Float>]) {
        var regs: [String: InputRef] = [:]
        var constants: [String: SIMD4<Float>] = [:]
        // Refusals first, so that a document is refused for the feature it
        // uses rather than for whatever node happens to come before it.
        for el in node.children where el.tag == "input" {
            let n = el["name"] ?? ""
            guard let how = spec[n] else {
                throw err(.unknownKey, node, n, "unknown input of <\(node.tag)>")
            }
            let connected = el["nodename"] != nil || el["nodegraph"] != nil || el["interfacename"] != nil
            if case .refusedUnlessDefault(let def, let feature) = how {
                let v = (el["value"] ?? def).replacingOccurrences(of: " ", with: "")
                if connected || (!def.isEmpty && Self.differsFromDefault(v, def)) {
                    throw err(.unsupported, node, n, "\(feature) is not supported by Lacquer (reflection-only layered lobes); remove it or set it to its default \(def.isEmpty ? "(unconnected)" : def)")
                }
            }
        }
        for el in node.children where el.tag == "input" {
            let n = el["name"] ?? ""
            let connected = el["nodename"] != nil || el["nodegraph"] != nil || el["interfacename"] != nil
            switch spec[n] ?? .ignored {
            case .ignored, .refusedUnlessDefault:
                continue
            case .value(let type, _):
                guard let r = try value(node, n, type, scope: scope) else { continue }
                regs[n] = r
                if !connected, let v = el["value"] { constants[n] = try parseValue(v, type, node, n) }
            }
        }
        for (n, how) in spec {
            guard case .value(_, let def) = how, regs[n] == nil else { continue }
            regs[n] = builder.constant(def)
            constants[n] = def
        }
        return (regs, constants)
    }

    /// Compares a value text with a default text numerically, component by component.
    static func differsFromDefault(_ value: String, _ def: String) -> Bool {
        let a = value.split(separator: ",").map { Float($0) }
        let b = def.split(separator: ",").map { Float($0) }
        guard a.count == b.count, !a.contains(nil), !b.contains(nil) else { return value != def }
        return zip(a, b).contains { $0 != $1 }
    }

    /// The value text of an integer / string input given as a constant.
    func constantText(_ node: XMLElementNode, _ name: String) throws -> String? {
        guard let el = inputElement(node, name) else { return nil }
        guard el["nodename"] == nil, el["nodegraph"] == nil, el["interfacename"] == nil else {
            throw err(.unsupported, node, name, "must be a constant value here")
        }
        return el["value"]?.trimmingCharacters(in: .whitespaces)
    }

    mutating func gltfSurface(_ node: XMLElementNode, scope: XMLElementNode?) throws -> BsdfRef {
        let f = Self.f, c = Self.c
        let spec: [String: ShaderInput] = [
            "base_color": .value(.color3, c(1, 1, 1)), "metallic": .value(.float, f(1)), "roughness": .value(.float, f(1)),
            "normal": .value(.vector3, c(0, 0, 1)), "specular": .value(.float, f(1)), "specular_color": .value(.color3, c(1, 1, 1)),
            "ior": .value(.float, f(1.5)), "clearcoat": .value(.float, f(0)), "clearcoat_roughness": .value(.float, f(0)),
            "clearcoat_normal": .value(.vector3, c(0, 0, 1)), "sheen_color": .value(.color3, c(0, 0, 0)),
            "sheen_roughness": .value(.float, f(0)),
            "occlusion": .ignored, "alpha": .ignored, "alpha_mode": .ignored, "alpha_cutoff": .ignored,
            "emissive": .value(.color3, c(0, 0, 0)), "emissive_strength": .value(.float, f(1)), "iridescence": .value(.float, f(0)), "iridescence_ior": .value(.float, f(1.3)),
            "iridescence_thickness": .value(.float, f(100)),
            "attenuation_distance": .ignored, "attenuation_color": .ignored, "thickness": .ignored,
            "anisotropy_rotation": .ignored,
            "transmission": .refusedUnlessDefault("0", feature: "transmission"),
            "anisotropy_strength": .refusedUnlessDefault("0", feature: "glTF anisotropy"),
            "tangent": .refusedUnlessDefault("", feature: "a custom tangent"),
        ]
        if let mode = try constantText(node, "alpha_mode"), mode != "0" {
            throw err(.unsupported, node, "alpha_mode", "alpha_mode \(mode) (mask / blend) is not supported; use 0 (opaque)")
        }
        let (regs, constants) = try shaderInputs(node, scope: scope, spec)
        func r(_ n: String) -> InputRef { regs[n] ?? builder.constant(Float(0)) }
        var inputs = GLTFPBRInputs(
            baseColor: r("base_color"), metallic: r("metallic"), roughness: r("roughness"), normal: r("normal"),
            specular: r("specular"), specularColor: r("specular_color"), ior: r("ior"),
            clearcoat: r("clearcoat"), clearcoatRoughness: r("clearcoat_roughness"), clearcoatNormal: r("clearcoat_normal"),
            sheenColor: r("sheen_color"), sheenRoughness: r("sheen_roughness"))
        if constants["iridescence"]?.x != 0 && constants["iridescence_thickness"]?.x != 0 {
            inputs.film = builder.film(weight: r("iridescence"), thickness: r("iridescence_thickness"), ior: r("iridescence_ior"))
        }
        if constants["emissive"].map({ $0 != SIMD4<Float>() }) ?? true, constants["emissive_strength"]?.x != 0 {
            builder.emission = builder.math(.multiply, r("emissive"), r("emissive_strength"))
        }
        guard let result = builder.gltfPBR(inputs, name: node["name"] ?? node.tag) else {
            throw err(.malformed, node, nil, "no lobe left")
        }
        return result
    }

    mutating func usdPreviewSurface(_ node: XMLElementNode, scope: XMLElementNode?) throws -> BsdfRef {
        let f = Self.f, c = Self.c
        let spec: [String: ShaderInput] = [
            "diffuseColor": .value(.color3, c(0.18, 0.18, 0.18)), "specularColor": .value(.color3, c(0, 0, 0)),
            "metallic": .value(.float, f(0)), "roughness": .value(.float, f(0.5)), "clearcoat": .value(.float, f(0)),
            "clearcoatRoughness": .value(.float, f(0.01)), "ior": .value(.float, f(1.5)), "normal": .value(.vector3, c(0, 0, 1)),
            "occlusion": .ignored, "opacityMode": .ignored, "opacityThreshold": .ignored, "useSpecularWorkflow": .ignored,
            "emissiveColor": .value(.color3, c(0, 0, 0)),
            "opacity": .refusedUnlessDefault("1", feature: "opacity (transmission)"),
            "displacement": .refusedUnlessDefault("0", feature: "displacement"),
        ]
        let specularWorkflow = try constantText(node, "useSpecularWorkflow").map { $0 != "0" } ?? false
        let (regs, constants) = try shaderInputs(node, scope: scope, spec)
        func r(_ n: String) -> InputRef { regs[n] ?? builder.constant(Float(0)) }
        func isConst(_ n: String, _ v: Float) -> Bool { constants[n].map { $0.x == v && $0.y == v && $0.z == v } ?? false }
        if !isConst("emissiveColor", 0) { builder.emission = r("emissiveColor") }
        let name = node["name"] ?? node.tag
        let normal = constants["normal"] == nil ? regs["normal"] : nil
        let zero = builder.constant(Float(0)), one = builder.constant(Float(1))
        let alpha = builder.roughnessAnisotropy(r("roughness"), zero)
        let f0: InputRef
        let diffuseWeight: InputRef
        if specularWorkflow {
            f0 = r("specularColor")
            diffuseWeight = one
        } else {
            // ((ior − 1)/(ior + 1))² from registers: (ior − 1)² / (ior + 1)² via remap-free math.
            let ior = r("ior")
            let num = builder.math(.subtract, ior, one)
            let den = builder.math(.add, ior, one)
            let ratio = builder.math(.divide, num, den)
            let dielectricF0 = builder.math(.multiply, ratio, ratio)
            f0 = builder.math(.mix, r("diffuseColor"), dielectricF0, r("metallic"))
            diffuseWeight = builder.math(.subtract, one, r("metallic"))
        }
        let specular = builder.lobe(.generalizedSchlick, name: name + ".specular", weight: one, color: f0,
                                    color2: builder.constant(Vec3(1, 1, 1)), alpha: alpha, exponent: builder.constant(Float(5)),
                                    normal: normal)
        var result: BsdfRef
        if !specularWorkflow && isConst("metallic", 1) {
            result = specular
        } else {
            let diffuse = builder.lobe(.orenNayar, name: name + ".diffuse", weight: diffuseWeight, color: r("diffuseColor"),
                                       rough: zero, normal: normal)
            result = builder.layer(top: specular, base: diffuse)
        }
        if !isConst("clearcoat", 0) {
            let coat = builder.lobe(.dielectric, name: name + ".clearcoat", weight: r("clearcoat"), color: builder.constant(Vec3(1, 1, 1)),
                                    alpha: builder.roughnessAnisotropy(r("clearcoatRoughness"), zero),
                                    ior: builder.constant(Float(1.5)), normal: normal)
            result = builder.layer(top: coat, base: result)
        }
        return result
    }
}
