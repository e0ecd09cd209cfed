import Materials
import XCTest
@testable import Scenes

/// The scene's built-in materials become Materials graphs with the scene
/// file's parameters; the metal presets have their familiar colours under
/// Materials' conductor Fresnel.
final class MaterialMappingTests: XCTestCase {
    func testBuiltInTypesBecomeGraphs() {
        let diffuse = AnalyticMaterial.diffuse(albedo: Float3(0.5, 0.4, 0.3)).graph(name: "floor")
        XCTAssertEqual(diffuse.name, "floor")
        XCTAssertEqual(diffuse.lobeKinds, [.lambert])
        let f = diffuse.albedo(wi: SIMD3(0, 0, 1), uv: SIMD2(0, 0))
        XCTAssertEqual(f.x, 0.5, accuracy: 1e-6); XCTAssertEqual(f.z, 0.3, accuracy: 1e-6)
        let metal = AnalyticMaterial.conductor(eta: MetalPreset.gold.eta, k: MetalPreset.gold.k, roughness: 0.3, anisotropy: 0.5).graph(name: "gold")
        XCTAssertEqual(metal.lobeKinds, [.conductor])
        let coated = AnalyticMaterial.coatedDiffuse(albedo: Float3(0.1, 0.2, 0.7), coatIOR: 1.5, roughness: 0.1).graph(name: "plastic")
        XCTAssertEqual(coated.lobeKinds, [.dielectric, .lambert])
        XCTAssertEqual(coated.layerCount, 1)
    }

    func testMetalPresetsHaveFamiliarColours() {
        func f0(_ m: MetalPreset) -> SIMD3<Float> { BuiltInMaterials.normalReflectance(eta: m.eta.simd, k: m.k.simd) }
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
