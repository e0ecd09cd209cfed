import Foundation
import XCTest
@testable import Materials

/// Thin-film interference (`ThinFilm`): the Airy reflectance against a
/// direct two-interface formula, the no-film limit, the hue of a known film,
/// the GLSL weight table, and χ² / furnace / albedo for filmed lobes.
final class ThinFilmTests: XCTestCase {
    /// Normal incidence, real indices: R = (a² + b² + 2ab cos δ)/(1 + a²b² + 2ab cos δ)
    /// with a = (1 − n₁)/(1 + n₁), b = (n₁ − n₂)/(n₁ + n₂), δ = 4π n₁ d / λ.
    static func twoInterface(wavelength: Double, thickness: Double, film n1: Double, substrate n2: Double) -> Double {
        let a = (1 - n1) / (1 + n1), b = (n1 - n2) / (n1 + n2)
        let c = cos(4 * Double.pi * n1 * thickness / wavelength)
        return (a * a + b * b + 2 * a * b * c) / (1 + a * a * b * b + 2 * a * b * c)
    }

    func testSingleWavelengthMatchesTheTwoInterfaceFormula() {
        for (n2, d) in [(1.0, 500.0), (2.5, 500.0), (1.2, 320.0)] {
            for lambda in [400.0, 450.0, 500.0, 550.0, 600.0, 700.0] {
                let expected = Self.twoInterface(wavelength: lambda, thickness: d, film: 1.5, substrate: n2)
                let got = ThinFilm.reflectance(cosI: 1, wavelength: Float(lambda), thickness: Float(d), filmIOR: 1.5,
                                               eta: Float(n2), k: 0)
                XCTAssertEqual(Double(got), expected, accuracy: 2e-5, "n₂ = \(n2), d = \(d) nm, λ = \(lambda) nm")
            }
        }
        // A free-standing 500 nm film of IOR 1.5 in air: dark at 500 nm (2n₁d = 3λ), bright at 600 nm (2n₁d = 2.5λ).
        XCTAssertLessThan(ThinFilm.reflectance(cosI: 1, wavelength: 500, thickness: 500, filmIOR: 1.5, eta: 1, k: 0), 1e-6)
        let peak = ThinFilm.reflectance(cosI: 1, wavelength: 600, thickness: 500, filmIOR: 1.5, eta: 1, k: 0)
        XCTAssertEqual(Double(peak), 4 * 0.04 / pow(1 + 0.04, 2), accuracy: 1e-5)
    }

    func testNoFilmIsTheBareFresnel() {
        let eta = V3(0.2, 0.9, 1.4), k = V3(3.9, 2.5, 1.8)
        for cosI: Float in [1, 0.8, 0.5, 0.2, 0.05, 0] {
            let filmed = ThinFilm.rgb(cosI, 0, 1.7, eta, k)
            let bare = Fresnel.conductor(cosI, eta, k)
            for c in 0..<3 { XCTAssertEqual(filmed[c], bare[c], accuracy: 2e-5, "conductor cos = \(cosI)") }
            let d = ThinFilm.rgb(cosI, 0, 1.3, V3(repeating: 1.6), V3())
            XCTAssertEqual(d.x, Fresnel.dielectric(cosI, 1.6), accuracy: 2e-5, "dielectric cos = \(cosI)")
        }
        // Film weight 0 leaves the lobe unchanged.
        var p = LobeParams()
        p.kind = .dielectric
        p.film = V3(0, 500, 1.5)
        XCTAssertEqual(MicrofacetLobe.fresnel(p, 0.7), MicrofacetLobe.bareFresnel(p, 0.7))
    }

    /// 500 nm of IOR 1.5 on a substrate of IOR 1 (a free film): no reflection
    /// without the film; with it, the spectral average of the direct formula —
    /// dark green (destructive at 500 nm), red and blue (peaks at 600 and 429 nm).
    func testKnownFilmGivesTheExpectedHue() {
        var p = LobeParams()
        p.kind = .dielectric
        p.ior = 1
        XCTAssertEqual(MicrofacetLobe.fresnel(p, 1), V3(), "no film, no reflection")
        p.film = V3(1, 500, 1.5)
        let rgb = MicrofacetLobe.fresnel(p, 1)
        var expected = SIMD3<Double>()
        for j in 0..<ThinFilm.wavelengthCount {
            let w = ThinFilm.channelWeights[j]
            let r = Self.twoInterface(wavelength: Double(ThinFilm.wavelength(j)), thickness: 500, film: 1.5, substrate: 1)
            expected += SIMD3<Double>(Double(w.x), Double(w.y), Double(w.z)) * r
        }
        for c in 0..<3 { XCTAssertEqual(Double(rgb[c]), expected[c], accuracy: 1e-5) }
        XCTAssertGreaterThan(rgb.x, 1.25 * rgb.y, "red above green: \(rgb)")
        XCTAssertGreaterThan(rgb.z, 1.25 * rgb.y, "blue above green: \(rgb)")
        XCTAssertGreaterThan(rgb.x, 0.05)
        // The weights: non-negative, each channel sums to 1.
        let sum = ThinFilm.channelWeights.reduce(V3(), +)
        for c in 0..<3 { XCTAssertEqual(sum[c], 1, accuracy: 1e-5) }
        XCTAssertFalse(ThinFilm.channelWeights.contains { $0.min() < 0 })
    }

    /// layered_common.glsl holds ThinFilm.channelWeights as literals.
    func testGLSLWeightTableIsCurrent() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let glsl = try String(contentsOf: url.appendingPathComponent("Shaders/include/layered_common.glsl"), encoding: .utf8)
        let start = try XCTUnwrap(glsl.range(of: "LQ_FILM_WEIGHTS[32] = vec3[32]("))
        let end = try XCTUnwrap(glsl.range(of: ");", range: start.upperBound..<glsl.endIndex))
        let numbers = glsl[start.upperBound..<end.lowerBound].replacingOccurrences(of: "vec3", with: " ")
            .components(separatedBy: CharacterSet(charactersIn: "(), \n")).compactMap { Float($0) }
        XCTAssertEqual(numbers.count, 3 * ThinFilm.wavelengthCount)
        XCTAssertTrue(glsl.contains("LQ_FILM_MAX_THICKNESS = \(ThinFilm.maximumThickness)"))
        for j in 0..<min(numbers.count / 3, ThinFilm.wavelengthCount) {
            for c in 0..<3 {
                XCTAssertEqual(numbers[3 * j + c], ThinFilm.channelWeights[j][c], accuracy: 1e-8, "weight \(j).\(c)")
            }
        }
    }

    static func filmed() -> [(String, Material)] {
        var out: [(String, Material)] = []
        func make(_ name: String, _ f: (inout MaterialBuilder) -> BsdfRef) {
            var b = MaterialBuilder()
            let root = f(&b)
            out.append((name, b.build(root: root, name: name)))
        }
        for rough: Float in [0.05, 0.4] {
            make("filmed dielectric ior 1.1 roughness \(rough) over white lambert") { b in
                let film = b.film(weight: b.constant(Float(1)), thickness: b.constant(Float(450)), ior: b.constant(Float(2.2)))
                let top = b.lobe(.dielectric, color: b.constant(V3(1, 1, 1)), alpha: b.roughnessAnisotropy(b.constant(rough), b.constant(Float(0))),
                                 ior: b.constant(Float(1.1)), film: film)
                return b.layer(top: top, base: b.lobe(.lambert, color: b.constant(V3(1, 1, 1))))
            }
            make("filmed conductor roughness \(rough)") { b in
                let film = b.film(weight: b.constant(Float(0.8)), thickness: b.constant(Float(700)), ior: b.constant(Float(1.5)))
                return b.lobe(.conductor, color: b.constant(V3(0.2, 0.9, 1.4)), color2: b.constant(V3(3.9, 2.5, 1.8)),
                              alpha: b.roughnessAnisotropy(b.constant(rough), b.constant(Float(0.5))), film: film)
            }
            make("filmed schlick white roughness \(rough)") { b in
                let film = b.film(weight: b.constant(Float(1)), thickness: b.constant(Float(300)), ior: b.constant(Float(1.3)))
                return b.lobe(.generalizedSchlick, color: b.constant(V3(1, 1, 1)), color2: b.constant(V3(1, 1, 1)),
                              alpha: b.roughnessAnisotropy(b.constant(rough), b.constant(Float(0))), exponent: b.constant(Float(5)), film: film)
            }
        }
        return out
    }

    func testChi2OfFilmedLobes() {
        let subjects = Self.filmed().filter { $0.0.contains("0.4") }
        let failures = Collected()
        let thetas: [Float] = [30, 80]
        let significance = Stats.sidak(0.01, tests: subjects.count * thetas.count)
        parallelFor(subjects.count * thetas.count) { k in
            let (name, m) = subjects[k / thetas.count]
            let theta = thetas[k % thetas.count]
            let r = Chi2.test(m, wi: direction(thetaDegrees: theta, phiDegrees: 20), uv: V2(0.5, 0.5),
                              seed: UInt64(100 + k), significance: significance)
            if !r.passed { failures.add("\(name) θ=\(theta): \(r.message)") }
        }
        XCTAssertEqual(failures.items.sorted(), [])
    }

    /// White furnace at grazing and the albedo estimate the layering uses:
    /// ≤ 1, and not below the Monte-Carlo albedo of the lobe alone.
    func testFurnaceAndAlbedoOfFilmedLobes() {
        let failures = Collected()
        let all = Self.filmed(), grazing: [Float] = [0, 75, 89, 89.9]
        parallelFor(all.count * grazing.count) { k in
            let (name, m) = all[k / grazing.count]
            let theta = grazing[k % grazing.count]
            let estimates = GrazingFurnaceTests.albedo(m, theta: theta, uv: V2(0.5, 0.5), side: 12, replicates: 6, seed: UInt64(k + 31))
            for (label, r) in zip(["sampled", "uniform"], estimates) {
                for c in 0..<3 where r.mean[c] > 1 + 4 * r.sigma[c] + 0.003 {
                    failures.add(String(format: "%@ θ=%.1f°: %@ albedo %.4f ± %.4f > 1", name, theta, label, r.mean[c], r.sigma[c]))
                    break
                }
            }
        }
        let subjects = Self.filmed().filter { !$0.0.contains("lambert") }
        let thetas: [Float] = [0, 60, 85]
        parallelFor(subjects.count * thetas.count) { k in
            let (name, m) = subjects[k / thetas.count]
            let wi = direction(thetaDegrees: thetas[k % thetas.count], phiDegrees: 20)
            let estimate = m.albedo(wi: wi, uv: V2(0.5, 0.5))
            let r = furnace(m, wi: wi, uv: V2(0.5, 0.5), samples: 10_000, seed: UInt64(7 + k))
            for c in 0..<3 {
                let mc = r.sampled[c], tol = 4 * r.sampledSigma[c] + 0.01
                if estimate[c] > 1 || abs(estimate[c] - mc) > tol + 0.05 * mc {
                    failures.add(String(format: "%@ θ=%.0f ch %d: estimate %.4f vs Monte Carlo %.4f ± %.4f", name,
                                        thetas[k % thetas.count], c, estimate[c], mc, r.sampledSigma[c]))
                }
            }
        }
        XCTAssertEqual(failures.items.sorted(), [])
    }

    func testMaterialXAndGLTFFilmsReachTheLobes() throws {
        let dir = try TempDir()
        let std = try dir.write("film.mtlx", """
        <?xml version="1.0"?>
        <materialx version="1.39">
          <standard_surface name="S" type="surfaceshader">
            <input name="base" type="float" value="0" />
            <input name="specular_IOR" type="float" value="1.0" />
            <input name="specular_roughness" type="float" value="0.2" />
            <input name="thin_film_thickness" type="float" value="500" />
            <input name="thin_film_IOR" type="float" value="1.5" />
          </standard_surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="S" /></surfacematerial>
        </materialx>
        """)
        let openPBR = try dir.write("film_open.mtlx", """
        <?xml version="1.0"?>
        <materialx version="1.39">
          <open_pbr_surface name="S" type="surfaceshader">
            <input name="base_weight" type="float" value="0" />
            <input name="specular_ior" type="float" value="1.0" />
            <input name="specular_roughness" type="float" value="0.2" />
            <input name="thin_film_weight" type="float" value="1" />
            <input name="thin_film_thickness" type="float" value="0.5" />
            <input name="thin_film_ior" type="float" value="1.5" />
          </open_pbr_surface>
          <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="S" /></surfacematerial>
        </materialx>
        """)
        let gltf = try dir.write("film.gltf", """
        {"asset": {"version": "2.0"}, "extensionsUsed": ["KHR_materials_iridescence"], "extensionsRequired": ["KHR_materials_iridescence"],
         "materials": [{"name": "Bubble", "pbrMetallicRoughness": {"baseColorFactor": [0, 0, 0, 1], "metallicFactor": 0, "roughnessFactor": 0.2},
                        "extensions": {"KHR_materials_ior": {"ior": 1.0},
                                       "KHR_materials_iridescence": {"iridescenceFactor": 1, "iridescenceIor": 1.5, "iridescenceThicknessMaximum": 500}}}]}
        """)
        // The same film (500 nm, IOR 1.5, on an IOR-1 specular over a black base) in three formats.
        var colours: [V3] = []
        for path in [std, openPBR, gltf] {
            var warnings: [String] = []
            let m = try MaterialLoader.loadMaterial(path: path, warn: { warnings.append($0) })
            XCTAssertFalse(warnings.contains { $0.contains("iridescence") || $0.contains("thin") }, "\(path): \(warnings)")
            colours.append(m.albedo(wi: V3(0, 0, 1), uv: V2(0.5, 0.5)))
        }
        for c in colours {
            XCTAssertGreaterThan(c.x, 1.25 * c.y, "the film's red-magenta hue: \(colours)")
            XCTAssertGreaterThan(c.z, 1.25 * c.y, "the film's red-magenta hue: \(colours)")
        }
        // standard_surface (nm) and OpenPBR (µm) mean the same film.
        for c in 0..<3 { XCTAssertEqual(colours[0][c], colours[1][c], accuracy: 1e-6) }
    }

    /// MaterialX pbrlib: the microfacet nodes' own thinfilm_thickness / thinfilm_ior.
    func testPbrlibThinFilmInputs() throws {
        let dir = try TempDir()
        func doc(_ film: String) throws -> Material {
            let path = try dir.write("pbrlib\(film.count).mtlx", """
            <?xml version="1.0"?>
            <materialx version="1.38">
              <dielectric_bsdf name="d" type="BSDF">
                <input name="ior" type="float" value="1.0" />
                <input name="roughness" type="vector2" value="0.04, 0.04" />\(film)
              </dielectric_bsdf>
              <surface name="s" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="d" /></surface>
              <surfacematerial name="M" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s" /></surfacematerial>
            </materialx>
            """)
            return try MaterialLoader.loadMaterial(path: path, warn: { _ in })
        }
        let bare = try doc("").albedo(wi: V3(0, 0, 1), uv: V2(0, 0))
        XCTAssertEqual(bare.max(), 0, accuracy: 1e-6, "IOR 1 reflects nothing")
        let filmed = try doc(#"<input name="thinfilm_thickness" type="float" value="500" /><input name="thinfilm_ior" type="float" value="1.5" />"#)
            .albedo(wi: V3(0, 0, 1), uv: V2(0, 0))
        XCTAssertGreaterThan(filmed.x, 1.25 * filmed.y, "\(filmed)")
        XCTAssertGreaterThan(filmed.z, 1.25 * filmed.y, "\(filmed)")
        let zero = try doc(#"<input name="thinfilm_thickness" type="float" value="0" />"#).albedo(wi: V3(0, 0, 1), uv: V2(0, 0))
        XCTAssertEqual(zero, bare, "thickness 0: no film")
    }

    func testJSONFilm() throws {
        let dir = try TempDir()
        let path = try dir.write("film.json", """
        {"lacquer_material": 1, "name": "film", "bsdf": {"node": "dielectric_bsdf", "ior": 1.0, "roughness": 0.1, "thinfilm_thickness": 500, "thinfilm_ior": 1.5}}
        """)
        let m = try MaterialLoader.loadMaterial(path: path, warn: { _ in })
        let a = m.albedo(wi: V3(0, 0, 1), uv: V2(0, 0))
        XCTAssertGreaterThan(a.x, 1.25 * a.y, "\(a)")
        let bad = try dir.write("bad.json", """
        {"lacquer_material": 1, "name": "bad", "bsdf": {"node": "dielectric_bsdf", "thinfilm_ior": 1.5}}
        """)
        assertMaterialError("bad.json", "thinfilm_thickness") { try MaterialLoader.loadMaterial(path: bad, warn: { _ in }) }
    }
}
