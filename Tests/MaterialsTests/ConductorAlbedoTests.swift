import Foundation
import XCTest
@testable import Materials

/// A conductor whose Fresnel is the same all over the surface takes its
/// albedo estimate from a table with that Fresnel folded in (one bilinear
/// lookup, `AlbedoTable.contracted`); one whose colours vary sums the nz
/// Fresnel-weighted slices at every shading point. Both must be the same
/// function: a material that reaches the same colours through a varying
/// input gives the same albedos and values. Layered, so the albedos at wi
/// and at wo both shape the result; two conductors with different colours,
/// so each lobe must read its own folded table.
final class ConductorAlbedoTests: XCTestCase {
    func coatedFlakes(varying: Bool) throws -> Material {
        func color(_ c: String) -> String {
            varying ? #"{ "node": "mix", "fg": \#(c), "bg": \#(c), "mix": { "node": "fbm", "scale": 3, "seed": 2 } }"# : c
        }
        let json = """
        {
          "lacquer_material": 1,
          "name": "two_metals",
          "bsdf": {
            "node": "layer", "tint": [0.9, 0.95, 0.97], "thickness": 0.4, "ior": 1.5,
            "top": { "node": "dielectric_bsdf", "ior": 1.5, "roughness": 0.15 },
            "base": {
              "node": "mix", "mix": { "node": "voronoi", "scale": 9, "seed": 4 },
              "fg": { "node": "conductor_bsdf", "reflectivity": \(color("[0.95, 0.64, 0.54]")),
                      "edge_color": \(color("[0.99, 0.9, 0.8]")), "roughness": 0.35 },
              "bg": { "node": "conductor_bsdf", "reflectivity": \(color("[0.56, 0.57, 0.58]")),
                      "edge_color": \(color("[0.7, 0.72, 0.75]")), "roughness": 0.12 }
            }
          }
        }
        """
        let dir = try TempDir()
        return try MaterialLoader.loadMaterial(path: try dir.write("metals.json", json), warn: { _ in })
    }

    func testFoldedTableEqualsTheSliceSumLobeByLobe() throws {
        let folded = try coatedFlakes(varying: false), summed = try coatedFlakes(varying: true)
        XCTAssertEqual(folded.hasConductorAlbedo.filter { $0 }.count, 2, "both constant conductors must use the folded table")
        XCTAssertEqual(summed.hasConductorAlbedo.filter { $0 }.count, 0, "varying colours must not use a folded table")
        XCTAssertEqual(summed.cachesConductorFresnel.filter { $0 }.count, 2, "varying colours sum the slices per shading point")
        for k in 0..<2000 {   // a rank-1 lattice over (uv, wi, wo): deterministic, spread out
            func u(_ g: Float) -> Float { (Float(k) * g + 0.5 / 2000).truncatingRemainder(dividingBy: 1) }
            let uv = V2(u(0.754878), u(0.569840))
            let wi = direction(thetaDegrees: 89 * u(0.438447), phiDegrees: 360 * u(0.318201))
            let wo = direction(thetaDegrees: 89 * u(0.236068), phiDegrees: 360 * u(0.141421))
            let pairs = [(folded.albedo(wi: wi, uv: uv), summed.albedo(wi: wi, uv: uv)),
                         (folded.eval(wi: wi, wo: wo, uv: uv), summed.eval(wi: wi, wo: wo, uv: uv))]
            for (a, b) in pairs {
                for c in 0..<3 {
                    XCTAssertLessThan(abs(a[c] - b[c]) / max(abs(b[c]), 1e-3), 1e-4,
                                      "uv \(uv) wi \(wi) wo \(wo): folded \(a) vs summed \(b)")
                }
            }
        }
    }
}
