import Foundation
import XCTest
@testable import Materials

/// A lobe whose albedo table has a constant third axis takes its albedo
/// estimate from that table folded to two axes (one bilinear lookup): a
/// conductor whose Fresnel is the same all over the surface
/// (`AlbedoTable.contracted`; one whose colours vary sums the nz
/// Fresnel-weighted slices at every shading point), a dielectric whose ior
/// does not vary (`AlbedoTable.sliced`; one whose ior varies interpolates
/// three axes). Both forms must be the same function: a material that
/// reaches the same inputs through a varying input gives the same albedos
/// and values. Layered, so the albedos at wi and at wo both shape the
/// result; two conductors with different colours, so each lobe must read
/// its own folded table.
final class FoldedAlbedoTests: XCTestCase {
    /// `value` as a constant, or (`varying`) as a mix of it with itself
    /// driven by noise: the same number through a register that varies.
    func input(_ value: String, varying: Bool) -> String {
        varying ? #"{ "node": "mix", "fg": \#(value), "bg": \#(value), "mix": { "node": "fbm", "scale": 3, "seed": 2 } }"# : value
    }

    func coatedFlakes(varyingColors: Bool, varyingIOR: Bool = false) throws -> Material {
        func color(_ c: String) -> String { input(c, varying: varyingColors) }
        let json = """
        {
          "lacquer_material": 1,
          "name": "two_metals",
          "bsdf": {
            "node": "layer", "tint": [0.9, 0.95, 0.97], "thickness": 0.4, "ior": 1.5,
            "top": { "node": "dielectric_bsdf", "ior": \(input("1.37", varying: varyingIOR)), "roughness": 0.15 },
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

    /// Lobe order: the coat, then the two conductors.
    func testFoldedTableEqualsTheSliceSumLobeByLobe() throws {
        let folded = try coatedFlakes(varyingColors: false), summed = try coatedFlakes(varyingColors: true)
        XCTAssertEqual(folded.hasFoldedAlbedo, [true, true, true], "both constant conductors and the coat must use folded tables")
        XCTAssertEqual(summed.hasFoldedAlbedo, [true, false, false], "varying colours must not use a folded table")
        XCTAssertEqual(summed.cachesConductorFresnel.filter { $0 }.count, 2, "varying colours sum the slices per shading point")
        try assertSameFunction(folded, summed)
    }

    /// The coat's ior between two nodes of the table's ior axis (1.37: z = 0.185),
    /// so the fold's interpolation along z is exercised.
    func testFoldedDielectricEqualsTheTrilinearLookup() throws {
        let folded = try coatedFlakes(varyingColors: false), trilinear = try coatedFlakes(varyingColors: false, varyingIOR: true)
        XCTAssertEqual(trilinear.hasFoldedAlbedo, [false, true, true], "a varying ior must not use a folded table")
        try assertSameFunction(folded, trilinear)
    }

    func assertSameFunction(_ folded: Material, _ summed: Material) throws {
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
