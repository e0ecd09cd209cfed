import Foundation

/// The texture nodes of MaterialX's glTF library (`gltf_image`,
/// `gltf_colorimage`, `gltf_normalmap`), which documents converted from glTF
/// use instead of `image` + `place2d`: each node carries its own placement
/// (pivot at (0, 1), glTF's texture-transform order) and, for the image
/// nodes, a factor that multiplies the texel — exactly what `gltf_pbr`'s
/// inputs expect.
extension MaterialXParser {
    static let gltfTextureInputs = ["file", "default", "texcoord", "pivot", "scale", "rotate", "offset", "operationorder",
                                    "uaddressmode", "vaddressmode", "filtertype"]

    /// Nodes handled here, or nil for the caller to report as unsupported.
    mutating func gltfTextureNode(_ node: XMLElementNode, scope: XMLElementNode?, output: String?) throws -> (InputRef, InputType)? {
        switch node.tag {
        case "gltf_image":
            try checkInputs(node, Self.gltfTextureInputs + ["factor"])
            guard let t = Self.inputType(node["type"]) else {
                throw err(.wrongType, node, nil, "<gltf_image> of type '\(node["type"] ?? "")' is not supported")
            }
            let texel = try gltfTexel(node, scope: scope, type: t)
            guard let factor = try value(node, "factor", t, scope: scope) else { return (texel, t) }
            return (builder.math(.multiply, texel, factor), t)
        case "gltf_colorimage":
            try checkInputs(node, Self.gltfTextureInputs + ["color", "geomcolor"])
            if inputElement(node, "geomcolor") != nil {
                throw err(.unsupported, node, "geomcolor", "vertex colours are not supported")
            }
            let factor = try constantColor4(node, "color") ?? SIMD4(1, 1, 1, 1)
            switch output ?? "outcolor" {
            case "outcolor":
                let texel = try gltfTexel(node, scope: scope, type: .color3)
                return (builder.math(.multiply, texel, builder.constant(factor)), .color3)
            case "outa":
                // The alpha channel is read as data (never colour-managed).
                let texel = try gltfTexel(node, scope: scope, type: .vector3)
                return (builder.math(.multiply, builder.extract(texel, channel: 3), builder.constant(SIMD4(repeating: factor.w))), .float)
            default:
                throw err(.unknownKey, node, output, "gltf_colorimage has outputs outcolor and outa")
            }
        case "gltf_normalmap":
            try checkInputs(node, Self.gltfTextureInputs)
            let texel = try gltfTexel(node, scope: scope, type: .vector3)
            return (builder.normalMap(texel, scale: builder.constant(Float(1))), .vector3)
        default:
            return nil
        }
    }

    /// The texel of a glTF texture node's file under its own placement.
    mutating func gltfTexel(_ node: XMLElementNode, scope: XMLElementNode?, type: InputType) throws -> InputRef {
        guard let fileEl = inputElement(node, "file"), let rel = fileEl["value"], !rel.isEmpty else {
            throw err(.missingInput, node, "file", "a glTF image node needs a file")
        }
        var set: Int32 = 0
        if let tc = inputElement(node, "texcoord"), let loc = try connectedNode(tc, scope: scope, node: node["name"] ?? "") {
            guard loc.node.tag == "texcoord" else {
                throw err(.unsupported, node, "texcoord", "only a <texcoord> node can drive the texture coordinate, not <\(loc.node.tag)>")
            }
            set = try texcoordSet(loc.node)
        }
        if let f = inputElement(node, "filtertype")?["value"], f != "linear" {
            throw err(.unsupported, node, "filtertype", "only linear filtering is supported")
        }
        let u = inputElement(node, "uaddressmode")?["value"] ?? "periodic"
        let v = inputElement(node, "vaddressmode")?["value"] ?? "periodic"
        guard u == v, u == "periodic" || u == "clamp" else {
            throw err(.unsupported, node, "uaddressmode", "address modes must both be periodic or both clamp")
        }
        let place = try placement(node, scope: scope, pivotDefault: SIMD4(0, 1, 0, 0))
        return try imageLookup(node, file: fileEl, relativePath: rel, type: type, wrap: u == "clamp" ? .clamp : .repeat, place: place,
                               uvSet: set)
    }

    /// A constant color4 input (`"r, g, b, a"`), nil when absent.
    func constantColor4(_ node: XMLElementNode, _ name: String) throws -> SIMD4<Float>? {
        guard let input = inputElement(node, name) else { return nil }
        guard input["nodename"] == nil, input["nodegraph"] == nil, input["output"] == nil, let text = input["value"] else {
            throw err(.unsupported, node, name, "must be a constant color4 value")
        }
        let parts = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let r = parts[0], let g = parts[1], let b = parts[2], let a = parts[3], [r, g, b, a].allSatisfy(\.isFinite) else {
            throw err(.wrongType, node, name, "value '\(text)' is not four finite numbers")
        }
        return SIMD4(r, g, b, a)
    }
}
