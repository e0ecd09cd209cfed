import Foundation
import XCTest
@testable import Materials

/// The film-class references (issue 11): the paper's claim is about
/// materials of 2–5 layers, 20–54 graph nodes and 3–16 textures, so the
/// bundled ones must really be of that class — and their textures must
/// really drive them (a texture that failed to matter would make the
/// reference cheaper than claimed).
final class FilmMaterialTests: XCTestCase {
    static let names = ["film_car_paint.json", "film_leather.json"]

    func testFilmMaterialsAreOfThePapersClass() throws {
        for name in Self.names {
            let m = try MaterialLoader.loadMaterial(path: TestPaths.material(name))
            XCTAssertGreaterThanOrEqual(m.layerCount, 3, "\(name): layers")
            XCTAssertLessThanOrEqual(m.layerCount, 5, "\(name): layers")
            XCTAssertTrue((3...16).contains(m.textures.count), "\(name): \(m.textures.count) textures")
            let graphNodes = m.nodeCount + m.inputOperationCount
            XCTAssertTrue((20...54).contains(graphNodes), "\(name): \(graphNodes) graph nodes")
            XCTAssertGreaterThanOrEqual(m.lobeCount, 5, "\(name): lobes")
        }
    }

    /// Different texels give different reflectance: the textures drive the BSDF.
    func testTexturesVaryTheReflectance() throws {
        for name in Self.names {
            let m = try MaterialLoader.loadMaterial(path: TestPaths.material(name))
            func unit(_ v: V3) -> V3 { v / (v * v).sum().squareRoot() }
            let wi = unit(V3(0.3, 0.1, 0.9)), wo = unit(V3(-0.2, 0.4, 0.8))
            var values: [Float] = []
            for k in 0..<64 {
                let uv = V2((Float(k % 8) + 0.37) / 8, (Float(k / 8) + 0.61) / 8)
                let f = m.eval(wi: wi, wo: wo, uv: uv)
                XCTAssertTrue(f.x.isFinite && f.y.isFinite && f.z.isFinite, "\(name) at \(uv)")
                values.append(f.x + f.y + f.z)
            }
            let lo = values.min() ?? 0, hi = values.max() ?? 0
            XCTAssertGreaterThan(hi, 1.5 * lo + 1e-4, "\(name): reflectance should vary over the texture")
        }
    }
}
