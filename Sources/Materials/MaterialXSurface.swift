import Foundation

/// Mapping of `open_pbr_surface` and `standard_surface` onto Lacquer's lobes:
///
///     diffuse   = oren_nayar(base_weight, base_color, diffuse roughness, normal)
///     dielBase  = layer(dielectric(specular weight, tint = specular colour, ior,
///                                   roughness/anisotropy, rotation, normal), diffuse)
///     metal     = conductor(Gulbrandsen(reflectivity = base colour, edge = specular
///                           colour), same roughness; weight = base weight)
///     (the specular and metal lobes carry the thin film, `ThinFilm`: weight
///      `thin_film_weight` (standard_surface: 1), thickness in nm
///      (standard_surface `thin_film_thickness` is in nm, OpenPBR's in µm),
///      `thin_film_IOR` / `thin_film_ior`)
///     substrate = mix(fg = metal, bg = dielBase, mix = metalness)
///     coated    = layer(dielectric(coat weight, coat ior, coat roughness, coat normal),
///                       substrate, tint = coat colour, thickness = coat weight)
///     result    = layer(sheen(fuzz/sheen weight, colour, roughness), coated)
///
/// Lobes whose weight is the constant 0 (and the unused side of a constant
/// metalness 0 or 1) are left out. Subsurface is approximated by the diffuse
/// lobe (colour = mix(base colour, subsurface colour, subsurface weight)),
/// with a warning, as MaterialX's GLSL generators do. Emission (the
/// material's emitted radiance, not a lobe) = emission colour × `emission`
/// (standard_surface) or × `emission_luminance`/1000 (OpenPBR, nits: Lacquer's
/// radiance 1 is 1000 nits). Transmission, opacity ≠ 1, thin-walled and custom tangents fail with an error
/// when they are connected or differ from their defaults.
extension MaterialXParser {
    enum Role: String { case baseWeight, baseColor, baseRough, metal, specWeight, specColor, specRough, specIOR, specAniso, specRot,
                            coatWeight, coatColor, coatRough, coatAniso, coatRot, coatIOR, coatNormal, fuzzWeight, fuzzColor,
                            fuzzRough, normal, subsurfaceWeight, subsurfaceColor, filmWeight, filmThickness, filmIOR,
                            emissionWeight, emissionColor }

    struct SurfaceSpec {
        var roles: [String: (Role, InputType, SIMD4<Float>)]
        var unsupported: [String: String]   // input → default value text ("" = must be unconnected)
        var ignoredPrefixes: [String]
        var ignored: [String]
        var rotationScale: Float
        /// Film thickness unit → nm.
        var filmThicknessScale: Float
        /// Emission weight unit → Lacquer radiance (OpenPBR's nits: 1/1000).
        var emissionScale: Float
    }

    static func f(_ x: Float) -> SIMD4<Float> { SIMD4(repeating: x) }
    static func c(_ x: Float, _ y: Float, _ z: Float) -> SIMD4<Float> { SIMD4(x, y, z, 0) }

    static let openPBR = SurfaceSpec(roles: [
        "base_weight": (.baseWeight, .float, f(1)), "base_color": (.baseColor, .color3, c(0.8, 0.8, 0.8)),
        "base_diffuse_roughness": (.baseRough, .float, f(0)), "base_metalness": (.metal, .float, f(0)),
        "specular_weight": (.specWeight, .float, f(1)), "specular_color": (.specColor, .color3, c(1, 1, 1)),
        "specular_roughness": (.specRough, .float, f(0.3)), "specular_ior": (.specIOR, .float, f(1.5)),
        "specular_roughness_anisotropy": (.specAniso, .float, f(0)),
        "coat_weight": (.coatWeight, .float, f(0)), "coat_color": (.coatColor, .color3, c(1, 1, 1)),
        "coat_roughness": (.coatRough, .float, f(0)), "coat_roughness_anisotropy": (.coatAniso, .float, f(0)),
        "coat_ior": (.coatIOR, .float, f(1.6)), "geometry_coat_normal": (.coatNormal, .vector3, c(0, 0, 1)),
        "fuzz_weight": (.fuzzWeight, .float, f(0)), "fuzz_color": (.fuzzColor, .color3, c(1, 1, 1)),
        "fuzz_roughness": (.fuzzRough, .float, f(0.5)), "geometry_normal": (.normal, .vector3, c(0, 0, 1)),
        "subsurface_weight": (.subsurfaceWeight, .float, f(0)), "subsurface_color": (.subsurfaceColor, .color3, c(0.8, 0.8, 0.8)),
        "thin_film_weight": (.filmWeight, .float, f(0)), "thin_film_thickness": (.filmThickness, .float, f(0.5)),
        "thin_film_ior": (.filmIOR, .float, f(1.4)),
        "emission_luminance": (.emissionWeight, .float, f(0)), "emission_color": (.emissionColor, .color3, c(1, 1, 1)),
    ], unsupported: ["transmission_weight": "0",
                     "geometry_opacity": "1", "geometry_thin_walled": "false", "geometry_tangent": "", "geometry_coat_tangent": ""],
       ignoredPrefixes: ["transmission_", "subsurface_"],
       ignored: ["coat_darkening", "specular_weight_anisotropy"], rotationScale: 360, filmThicknessScale: 1000,
       emissionScale: 0.001)

    static let standard = SurfaceSpec(roles: [
        "base": (.baseWeight, .float, f(1)), "base_color": (.baseColor, .color3, c(0.8, 0.8, 0.8)),
        "diffuse_roughness": (.baseRough, .float, f(0)), "metalness": (.metal, .float, f(0)),
        "specular": (.specWeight, .float, f(1)), "specular_color": (.specColor, .color3, c(1, 1, 1)),
        "specular_roughness": (.specRough, .float, f(0.2)), "specular_IOR": (.specIOR, .float, f(1.5)),
        "specular_anisotropy": (.specAniso, .float, f(0)), "specular_rotation": (.specRot, .float, f(0)),
        "coat": (.coatWeight, .float, f(0)), "coat_color": (.coatColor, .color3, c(1, 1, 1)),
        "coat_roughness": (.coatRough, .float, f(0.1)), "coat_anisotropy": (.coatAniso, .float, f(0)),
        "coat_rotation": (.coatRot, .float, f(0)), "coat_IOR": (.coatIOR, .float, f(1.5)),
        "coat_normal": (.coatNormal, .vector3, c(0, 0, 1)),
        "sheen": (.fuzzWeight, .float, f(0)), "sheen_color": (.fuzzColor, .color3, c(1, 1, 1)),
        "sheen_roughness": (.fuzzRough, .float, f(0.3)), "normal": (.normal, .vector3, c(0, 0, 1)),
        "subsurface": (.subsurfaceWeight, .float, f(0)), "subsurface_color": (.subsurfaceColor, .color3, c(1, 1, 1)),
        "thin_film_thickness": (.filmThickness, .float, f(0)), "thin_film_IOR": (.filmIOR, .float, f(1.5)),
        "emission": (.emissionWeight, .float, f(0)), "emission_color": (.emissionColor, .color3, c(1, 1, 1)),
    ], unsupported: ["transmission": "0",
                     "opacity": "1,1,1", "thin_walled": "false", "tangent": ""],
       ignoredPrefixes: ["transmission_", "subsurface_"],
       ignored: ["coat_affect_color", "coat_affect_roughness", "diffuse_roughness_anisotropy"], rotationScale: 360, filmThicknessScale: 1,
       emissionScale: 1)

    mutating func surface(_ node: XMLElementNode, scope: XMLElementNode?) throws -> BsdfRef {
        let spec = node.tag == "open_pbr_surface" ? Self.openPBR : Self.standard
        var regs: [Role: InputRef] = [:]
        var constants: [Role: SIMD4<Float>] = [:]
        // Refusals first: a document is refused for the feature it uses, not
        // for whatever input happens to come before it.
        for el in node.children where el.tag == "input" {
            let n = el["name"] ?? ""
            guard let def = spec.unsupported[n] else { continue }
            let connected = el["nodename"] != nil || el["nodegraph"] != nil || el["interfacename"] != nil
            let v = (el["value"] ?? def).replacingOccurrences(of: " ", with: "")
            let differs = def.isEmpty ? connected : connected || Self.differsFromDefault(v, def)
            if differs {
                throw err(.unsupported, node, n, "is not supported by Lacquer (reflection-only layered lobes); remove it or set it to its default")
            }
        }
        for el in node.children where el.tag == "input" {
            let n = el["name"] ?? ""
            if spec.unsupported[n] != nil { continue }
            let known = spec.roles[n]
            if known == nil && (spec.ignored.contains(n) || spec.ignoredPrefixes.contains(where: { n.hasPrefix($0) })) { continue }
            guard let (role, type, _) = known else {
                throw err(.unknownKey, node, n, "unknown input of <\(node.tag)>")
            }
            guard let r = try value(node, n, type, scope: scope) else { continue }
            regs[role] = r
            if el["nodename"] == nil && el["nodegraph"] == nil && el["interfacename"] == nil, let v = el["value"] {
                constants[role] = try parseValue(v, type, node, n)
            }
        }
        for (_, (role, _, def)) in spec.roles where regs[role] == nil {
            if role == .normal || role == .coatNormal { continue }
            regs[role] = builder.constant(def)
            constants[role] = def
        }
        func r(_ role: Role) -> InputRef { regs[role] ?? builder.constant(Float(0)) }
        func isConst(_ role: Role, _ v: Float) -> Bool { constants[role].map { $0.x == v } ?? false }
        let name = node["name"] ?? node.tag
        var rotation: InputRef?
        if regs[.specRot] != nil && !isConst(.specRot, 0) {
            rotation = builder.math(.multiply, r(.specRot), builder.constant(spec.rotationScale))
        }
        let specAlpha = builder.roughnessAnisotropy(r(.specRough), r(.specAniso))
        var film: InputRef?
        let hasFilmWeight = spec.roles.values.contains { $0.0 == .filmWeight }
        if !(hasFilmWeight && isConst(.filmWeight, 0)) && !isConst(.filmThickness, 0) {
            let weight = hasFilmWeight ? r(.filmWeight) : builder.constant(Float(1))
            let nm = spec.filmThicknessScale == 1 ? r(.filmThickness)
                : builder.math(.multiply, r(.filmThickness), builder.constant(spec.filmThicknessScale))
            film = builder.film(weight: weight, thickness: nm, ior: r(.filmIOR))
        }
        var substrate: BsdfRef?
        if !isConst(.metal, 1) {
            // Subsurface scattering is approximated by the diffuse lobe, as
            // MaterialX's own GLSL generators do: its colour is the mix of the
            // base and subsurface colours by the subsurface weight.
            var diffuseColor = r(.baseColor)
            if !isConst(.subsurfaceWeight, 0) {
                diffuseColor = builder.math(.mix, r(.subsurfaceColor), r(.baseColor), r(.subsurfaceWeight))
                warnings.append("node '\(name)': subsurface scattering is approximated by a diffuse lobe (subsurface colour mixed into the base colour)")
            }
            let diffuse = builder.lobe(.orenNayar, name: name + ".base", weight: r(.baseWeight), color: diffuseColor,
                                       rough: r(.baseRough), normal: regs[.normal])
            if isConst(.specWeight, 0) {
                substrate = diffuse
            } else {
                let spec = builder.lobe(.dielectric, name: name + ".specular", weight: r(.specWeight), color: r(.specColor),
                                        alpha: specAlpha, ior: r(.specIOR), rotation: rotation, normal: regs[.normal], film: film)
                substrate = builder.layer(top: spec, base: diffuse)
            }
        }
        if !isConst(.metal, 0) {
            let eta = builder.artisticIOR(reflectivity: r(.baseColor), edge: r(.specColor), extinction: false)
            let k = builder.artisticIOR(reflectivity: r(.baseColor), edge: r(.specColor), extinction: true)
            let metal = builder.lobe(.conductor, name: name + ".metal", weight: r(.baseWeight), color: eta, color2: k,
                                     alpha: specAlpha, rotation: rotation, normal: regs[.normal], film: film)
            substrate = substrate.map { builder.mix(fg: metal, bg: $0, weight: r(.metal)) } ?? metal
        }
        guard var result = substrate else { throw err(.malformed, node, nil, "no lobe left") }
        if !isConst(.emissionWeight, 0) {
            var strength = r(.emissionWeight)
            if spec.emissionScale != 1 { strength = builder.math(.multiply, strength, builder.constant(spec.emissionScale)) }
            builder.emission = builder.math(.multiply, r(.emissionColor), strength)
        }
        if !isConst(.coatWeight, 0) {
            var coatRot: InputRef?
            if regs[.coatRot] != nil && !isConst(.coatRot, 0) {
                coatRot = builder.math(.multiply, r(.coatRot), builder.constant(spec.rotationScale))
            }
            let coat = builder.lobe(.dielectric, name: name + ".coat", weight: r(.coatWeight), color: builder.constant(Vec3(1, 1, 1)),
                                    alpha: builder.roughnessAnisotropy(r(.coatRough), r(.coatAniso)), ior: r(.coatIOR),
                                    rotation: coatRot, normal: regs[.coatNormal])
            let coatIOR = constants[.coatIOR]?.x ?? 1.5
            result = builder.layer(top: coat, base: result, tint: r(.coatColor), thickness: r(.coatWeight), ior: coatIOR)
        }
        if !isConst(.fuzzWeight, 0) {
            let fuzz = builder.lobe(.sheen, name: name + ".fuzz", weight: r(.fuzzWeight), color: r(.fuzzColor),
                                    rough: r(.fuzzRough), normal: regs[.normal])
            result = builder.layer(top: fuzz, base: result)
        }
        return result
    }
}
