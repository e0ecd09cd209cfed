import XCTest
@testable import Materials

/// The scene format's built-in materials as Materials graphs: one roughness
/// mapping and α floor (the lobes'), Materials' Fresnel, energy conservation,
/// and one structure (so one shading kernel) per type whatever the values.
final class BuiltInMaterialTests: XCTestCase {
    /// Monte-Carlo directional albedo ∫ f·cos dωo by the material's own sampling
    /// (the test suite's furnace estimator).
    func sampledAlbedo(_ m: Material, theta: Float, count: Int = 40000) -> V3 {
        furnace(m, wi: V3(sin(theta), 0, cos(theta)), uv: V2(0.5, 0.5), samples: count, seed: 7).sampled
    }

    func testWhiteDiffuseIsAWhiteFurnace() {
        let white = BuiltInMaterials.diffuse(albedo: V3(1, 1, 1))
        for theta: Float in [0, 0.6, 1.2, 1.5] {
            let a = sampledAlbedo(white, theta: theta)
            for c in [a.x, a.y, a.z] { XCTAssertEqual(c, 1, accuracy: 1e-5, "θ \(theta)") }
        }
        let wi = V3(0.3, 0.1, 0.95) / (V3(0.3, 0.1, 0.95) * V3(0.3, 0.1, 0.95)).sum().squareRoot()
        let f = white.eval(wi: wi, wo: V3(0, 0, 1), uv: V2(0, 0))
        XCTAssertEqual(f.x, 1 / Float.pi, accuracy: 1e-6, "f·cos at the normal is albedo/π")
    }

    func testCoatedDiffuseConservesEnergyAndShowsItsBase() {
        let white = BuiltInMaterials.coatedDiffuse(albedo: V3(1, 1, 1), coatIOR: 1.5, roughness: 0.3)
        for theta: Float in [0, 0.7, 1.3, 1.5] {
            let a = sampledAlbedo(white, theta: theta)
            XCTAssertLessThanOrEqual(a.x, 1.01, "θ \(theta): no energy created")
            XCTAssertGreaterThan(a.x, 0.85, "θ \(theta): a white base under a clear coat stays near white")
        }
        let red = BuiltInMaterials.coatedDiffuse(albedo: V3(0.8, 0.1, 0.1), coatIOR: 1.5, roughness: 0.3)
        let a = sampledAlbedo(red, theta: 0.3)
        XCTAssertGreaterThan(a.x, 3 * a.y, "the base colour shows through the coat")
    }

    func testConductorUsesMaterialsFresnelAndRoughnessMapping() {
        let eta = V3(0.18299, 0.42108, 1.3734), k = V3(3.4242, 2.3459, 1.7704)   // gold
        let gold = BuiltInMaterials.conductor(eta: eta, k: k, roughness: 0.05)
        // A smooth conductor's albedo at normal incidence is its normal-incidence Fresnel reflectance.
        let f0 = BuiltInMaterials.normalReflectance(eta: eta, k: k)
        let a = gold.albedo(wi: V3(0, 0, 1), uv: V2(0, 0))
        for c in 0..<3 { XCTAssertEqual(a[c], f0[c], accuracy: 0.02 * f0[c], "channel \(c)") }
        // Gulbrandsen (the conductor_bsdf node's reflectivity/edge_color): reflectivity is F0.
        for r: Float in [0.05, 0.5, 0.9] {
            let ior = BuiltInMaterials.conductorIOR(reflectivity: V3(r, r, r), edgeTint: V3(0.5, 0.5, 0.5))
            XCTAssertEqual(BuiltInMaterials.normalReflectance(eta: ior.eta, k: ior.k).x, r, accuracy: 1e-3)
        }
        // OpenPBR's anisotropy mapping and the lobes' α floor, as every graph has them.
        let aniso = BuiltInMaterials.conductor(eta: eta, k: k, roughness: 0.6, anisotropy: 0.5)
        let alphaRegister = aniso.lobes[0].alpha
        let alpha = aniso.baseRegisters[Int(alphaRegister)]
        let ax = 0.36 * (2 / (1 + 0.25) as Float).squareRoot()
        XCTAssertEqual(alpha.x, ax, accuracy: 1e-6)
        XCTAssertEqual(alpha.y, 0.5 * ax, accuracy: 1e-6)
        let mirror = BuiltInMaterials.conductor(eta: eta, k: k, roughness: 0)
        var p = LobeParams()
        p.alpha = V2(mirror.baseRegisters[Int(mirror.lobes[0].alpha)].x, mirror.baseRegisters[Int(mirror.lobes[0].alpha)].y)
        Lobe.sanitize(&p)
        XCTAssertEqual(p.alpha.x, 1e-4, "one α floor: Materials'")
    }

    func testEachTypeHasOneStructureWhateverItsValues() {
        func structure(_ m: Material) -> String { generateGLSL(for: m, functionSuffix: "x").structureHashHex }
        // Equal values (0 = 0, eta = k) must not merge registers and change the code.
        let diffuse = [BuiltInMaterials.diffuse(albedo: V3(0.5, 0.5, 0.5)), BuiltInMaterials.diffuse(albedo: V3(0.9, 0.1, 0))]
        let conductors = [BuiltInMaterials.conductor(eta: V3(1, 1, 1), k: V3(1, 1, 1), roughness: 0, anisotropy: 0),
                          BuiltInMaterials.conductor(eta: V3(0.2, 0.4, 1.3), k: V3(3, 2, 1), roughness: 0.4, anisotropy: 0.7)]
        let coated = [BuiltInMaterials.coatedDiffuse(albedo: V3(0, 0, 0), coatIOR: 1, roughness: 0),
                      BuiltInMaterials.coatedDiffuse(albedo: V3(0.2, 0.3, 0.4), coatIOR: 1.6, roughness: 0.2)]
        for group in [diffuse, conductors, coated] {
            XCTAssertEqual(structure(group[0]), structure(group[1]))
            XCTAssertNotEqual(group[0].contentHash, group[1].contentHash, "different values, different content")
        }
        XCTAssertEqual(Set([diffuse[0], conductors[0], coated[0]].map(structure)).count, 3)
    }
}
