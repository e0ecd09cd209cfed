import XCTest
@testable import Scenes

final class MaterialMappingTests: XCTestCase {
    func testRoughnessToAlpha() {
        XCTAssertEqual(GGXRoughness.alpha(roughness: 0.5), 0.25)
        XCTAssertEqual(GGXRoughness.alpha(roughness: 0), 1e-3)
        let iso = GGXRoughness.alphas(roughness: 0.6, anisotropy: 0)
        XCTAssertEqual(iso.x, 0.36, accuracy: 1e-6); XCTAssertEqual(iso.y, 0.36, accuracy: 1e-6)
        let aniso = GGXRoughness.alphas(roughness: 0.6, anisotropy: 0.8)
        XCTAssertGreaterThan(aniso.x, aniso.y)
        XCTAssertEqual((aniso.x * aniso.y).squareRoot(), 0.36, accuracy: 1e-5)
        XCTAssertEqual(aniso.x / aniso.y, 1 / (1 - 0.9 * 0.8), accuracy: 1e-4)
    }

    /// Gulbrandsen's mapping must reproduce the requested reflectivity at
    /// normal incidence for any edge tint.
    func testArtistFriendlyFresnelRoundTrip() {
        for r: Float in [0.02, 0.3, 0.6, 0.95] {
            for g: Float in [0, 0.5, 1] {
                let (eta, k) = ArtistFriendlyFresnel.complexIOR(reflectivity: Float3(r, r, r), edgeTint: Float3(g, g, g))
                XCTAssertGreaterThan(eta.x, 0)
                XCTAssertGreaterThanOrEqual(k.x, 0)
                XCTAssertEqual(ArtistFriendlyFresnel.reflectivity(eta: eta, k: k).x, r, accuracy: 1e-4, "r \(r) g \(g)")
            }
        }
        // g = 0 gives the k = 0 solution n = (1 + √r)/(1 − √r); g = 1 gives n = (1 − r)/(1 + r).
        let (eta0, k0) = ArtistFriendlyFresnel.complexIOR(reflectivity: Float3(0.25, 0.25, 0.25), edgeTint: Float3(0, 0, 0))
        XCTAssertEqual(eta0.x, 3, accuracy: 1e-4); XCTAssertEqual(k0.x, 0, accuracy: 2e-3)
        let (eta1, _) = ArtistFriendlyFresnel.complexIOR(reflectivity: Float3(0.5, 0.5, 0.5), edgeTint: Float3(1, 1, 1))
        XCTAssertEqual(eta1.x, 1.0 / 3.0, accuracy: 1e-5)
        // r = 1 is clamped instead of producing infinities.
        let clamped = ArtistFriendlyFresnel.complexIOR(reflectivity: Float3(1, 1, 1), edgeTint: Float3(0, 0, 0))
        XCTAssertTrue(clamped.eta.x.isFinite && clamped.k.x.isFinite)
    }

    func testMetalPresetsHaveFamiliarColours() {
        func f0(_ m: MetalPreset) -> Float3 { ArtistFriendlyFresnel.reflectivity(eta: m.eta, k: m.k) }
        let gold = f0(.gold), copper = f0(.copper), silver = f0(.silver), aluminium = f0(.aluminium)
        XCTAssertGreaterThan(gold.x, 0.9); XCTAssertLessThan(gold.z, 0.45); XCTAssertGreaterThan(gold.y, gold.z)
        XCTAssertGreaterThan(copper.x, 0.9); XCTAssertLessThan(copper.y, copper.x - 0.15)
        XCTAssertGreaterThan(silver.z, 0.9)
        XCTAssertGreaterThan(aluminium.y, 0.88)
        for m in MetalPreset.allCases {
            let r = f0(m)
            for c in [r.x, r.y, r.z] { XCTAssertTrue(c > 0.3 && c < 1, "\(m) \(r)") }
        }
    }
}
