import Foundation
import XCTest
@testable import Materials

/// Every document of the MaterialX example corpus (`../shared/corpus/materialx`
/// beside the package root): the exact set that loads, and for every refused
/// document the feature its one-line error names. When support grows, move a
/// document from `refused` to `loads` — the test fails on any unlisted change.
final class MaterialXCorpusTests: XCTestCase {
    static var corpusRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().path + "/shared/corpus/materialx"
    }
    static var examples: String { corpusRoot + "/resources/Materials/Examples" }

    /// Materials (`DOC#NAME`, DOC relative to Examples/) that load.
    static let loads: Set<String> = [
        "GltfPbr/gltf_pbr_boombox.mtlx#Material_boombox",
        "GltfPbr/gltf_pbr_carpaint.mtlx#PBR_Car_Paint",
        "GltfPbr/gltf_pbr_default.mtlx#Default",
        "GltfPbr/gltf_pbr_gold.mtlx#PBR_Gold",
        "GltfPbr/gltf_pbr_plastic.mtlx#PBR_Plastic",
        "OpenPbr/open_pbr_aluminum_brushed.mtlx#Aluminum_Brushed",
        "OpenPbr/open_pbr_carpaint.mtlx#Car_Paint",
        "OpenPbr/open_pbr_default.mtlx#Default",
        "OpenPbr/open_pbr_ketchup.mtlx#Ketchup",
        "OpenPbr/open_pbr_lightbulb.mtlx#Light_Bulb",
        "OpenPbr/open_pbr_pearl.mtlx#Pearl",
        "OpenPbr/open_pbr_velvet.mtlx#Velvet",
        "StandardSurface/standard_surface_brick_procedural.mtlx#M_BrickPattern",
        "StandardSurface/standard_surface_carpaint.mtlx#Car_Paint",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Bishop_B",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Bishop_W",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Castle_B",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Castle_W",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Chessboard",
        "StandardSurface/standard_surface_chess_set.mtlx#M_King_B",
        "StandardSurface/standard_surface_chess_set.mtlx#M_King_W",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Knight_B",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Knight_W",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Pawn_Body_B",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Pawn_Body_W",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Queen_B",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Queen_W",
        "StandardSurface/standard_surface_chrome.mtlx#Chrome",
        "StandardSurface/standard_surface_copper.mtlx#Copper",
        "StandardSurface/standard_surface_default.mtlx#Default",
        "StandardSurface/standard_surface_gold.mtlx#Gold",
        "StandardSurface/standard_surface_greysphere.mtlx#Greysphere",
        "StandardSurface/standard_surface_greysphere_calibration.mtlx#Greysphere_Calibration",
        "StandardSurface/standard_surface_jade.mtlx#Jade",
        "StandardSurface/standard_surface_marble_solid.mtlx#Marble_3D",
        "StandardSurface/standard_surface_look_brass_tiled.mtlx#Greysphere_Calibration",
        "StandardSurface/standard_surface_look_wood_tiled.mtlx#Tiled_Wood",
        "StandardSurface/standard_surface_look_wood_tiled.mtlx#Greysphere_Calibration",
        "StandardSurface/standard_surface_metal_brushed.mtlx#Metal_Brushed",
        "StandardSurface/standard_surface_plastic.mtlx#Plastic",
        "StandardSurface/standard_surface_thin_film.mtlx#ThinFilm",
        "StandardSurface/standard_surface_velvet.mtlx#Velvet",
        "StandardSurface/standard_surface_wood_tiled.mtlx#Tiled_Wood",
        "UsdPreviewSurface/usd_preview_surface_carpaint.mtlx#USD_Car_Paint",
        "UsdPreviewSurface/usd_preview_surface_default.mtlx#USD_Default",
        "UsdPreviewSurface/usd_preview_surface_gold.mtlx#USD_Gold",
        "UsdPreviewSurface/usd_preview_surface_plastic.mtlx#USD_Plastic",
    ]

    /// Materials refused, with a fragment their error must contain (the feature named).
    static let refused: [String: String] = [
        "GltfPbr/gltf_pbr_glass.mtlx#PBR_Glass": "input 'transmission'",
        "OpenPbr/open_pbr_glass.mtlx#Glass": "input 'transmission_weight'",
        "OpenPbr/open_pbr_honey.mtlx#Honey": "input 'transmission_weight'",
        "OpenPbr/open_pbr_soapbubble.mtlx#Soap_Bubble": "input 'transmission_weight'",
        "StandardSurface/standard_surface_brass_tiled.mtlx#Tiled_Brass": "brass_color.jpg' does not exist",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Pawn_Top_B": "input 'transmission'",
        "StandardSurface/standard_surface_chess_set.mtlx#M_Pawn_Top_W": "input 'transmission'",
        "StandardSurface/standard_surface_glass.mtlx#Glass": "input 'transmission'",
        "StandardSurface/standard_surface_glass_tinted.mtlx#GlassTinted": "input 'transmission'",
        "StandardSurface/standard_surface_look_brass_tiled.mtlx#Tiled_Brass": "brass_color.jpg' does not exist",
        "StandardSurface/standard_surface_onyx_hextiled.mtlx#M_OnyxHextiled": "onyx_color.jpg' does not exist",
        "UsdPreviewSurface/usd_preview_surface_brass_tiled.mtlx#USD_Tiled_Brass": "brass_color.jpg' does not exist",
        "UsdPreviewSurface/usd_preview_surface_glass.mtlx#USD_Glass": "input 'opacity'",
    ]

    /// Relative paths of all corpus documents; fails with the expected location when missing.
    func corpusDocuments() throws -> [String] {
        let root = Self.examples
        guard FileManager.default.fileExists(atPath: root) else {
            XCTFail("the MaterialX corpus is missing: expected it at \(Self.corpusRoot) (../shared/corpus/materialx beside the checkout)")
            return []
        }
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".mtlx") }.sorted()
    }

    /// The outcome of every material of one document, keyed `DOC#NAME`
    /// (or `DOC` when the document cannot even be listed). Materials are
    /// loaded one at a time and released before the next: textures are large.
    func outcomes(_ doc: String) -> [(key: String, error: MaterialError?)] {
        let path = Self.examples + "/" + doc
        let names: [String]
        do { names = try MaterialLoader.materialNames(path: path) } catch {
            return [(doc, error as? MaterialError ?? MaterialError(.io, file: doc, "unexpected error \(error)"))]
        }
        return names.map { name in
            do {
                let m = try MaterialLoader.loadMaterial(MaterialReference(path: path, name: name), warn: { _ in })
                checkFiniteAndLit(m, doc)
                return (doc + "#" + name, nil)
            } catch {
                return (doc + "#" + name, error as? MaterialError ?? MaterialError(.io, file: doc, "unexpected error \(error)"))
            }
        }
    }

    func testCorpusLoadsExactlyTheExpectedSet() throws {
        let docs = try corpusDocuments()
        guard !docs.isEmpty else { return }
        XCTAssertEqual(docs.count, 44, "the corpus README lists 44 documents")
        XCTAssertTrue(Self.loads.isDisjoint(with: Self.refused.keys))
        var report: [String] = []
        var seen: Set<String> = []
        for doc in docs {
            for (key, error) in outcomes(doc) {
                seen.insert(key)
                guard let e = error else {
                    report.append("LOADS   \(key)")
                    XCTAssertTrue(Self.loads.contains(key), "\(key) loads but is not listed in `loads`")
                    continue
                }
                report.append("REFUSED \(key): \(e)")
                XCTAssertFalse(e.description.contains("\n"), "one-line error: \(e)")
                guard let fragment = Self.refused[key] else {
                    XCTFail("\(key) is refused but listed as loading: \(e)")
                    continue
                }
                XCTAssertTrue(e.description.contains(fragment), "\(key): \"\(e)\" does not name \"\(fragment)\"")
            }
        }
        XCTAssertEqual(seen, Self.loads.union(Self.refused.keys), "every corpus material is listed exactly once")
        if let out = ProcessInfo.processInfo.environment["LACQUER_CORPUS_REPORT"] {
            try? report.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
        }
    }

    /// A loaded material's albedo is finite and, unless the material is black, not zero.
    func checkFiniteAndLit(_ m: Material, _ doc: String) {
        var total = V3(repeating: 0)
        for (i, uv) in [V2(0.25, 0.25), V2(0.7, 0.4), V2(0.5, 0.9)].enumerated() {
            let a = m.albedo(wi: direction(thetaDegrees: Float(15 + 25 * i)), uv: uv)
            XCTAssertTrue(a.x.isFinite && a.y.isFinite && a.z.isFinite, "\(doc) '\(m.name)': albedo \(a) is not finite")
            XCTAssertLessThanOrEqual(a.max(), 1.02, "\(doc) '\(m.name)': albedo \(a) > 1")
            total += a
        }
        XCTAssertGreaterThan(total.max(), 0.01, "\(doc) '\(m.name)' reflects nothing")
    }
}
