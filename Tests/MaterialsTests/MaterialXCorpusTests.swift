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

    /// Documents (path under Examples/) that load completely.
    static let loads: Set<String> = [
        "GltfPbr/gltf_pbr_carpaint.mtlx",
        "GltfPbr/gltf_pbr_default.mtlx",
        "GltfPbr/gltf_pbr_gold.mtlx",
        "GltfPbr/gltf_pbr_plastic.mtlx",
        "OpenPbr/open_pbr_aluminum_brushed.mtlx",
        "OpenPbr/open_pbr_carpaint.mtlx",
        "OpenPbr/open_pbr_default.mtlx",
        "OpenPbr/open_pbr_ketchup.mtlx",
        "OpenPbr/open_pbr_velvet.mtlx",
        "StandardSurface/standard_surface_carpaint.mtlx",
        "StandardSurface/standard_surface_chrome.mtlx",
        "StandardSurface/standard_surface_copper.mtlx",
        "StandardSurface/standard_surface_default.mtlx",
        "StandardSurface/standard_surface_gold.mtlx",
        "StandardSurface/standard_surface_greysphere.mtlx",
        "StandardSurface/standard_surface_greysphere_calibration.mtlx",
        "StandardSurface/standard_surface_jade.mtlx",
        "StandardSurface/standard_surface_metal_brushed.mtlx",
        "StandardSurface/standard_surface_plastic.mtlx",
        "StandardSurface/standard_surface_velvet.mtlx",
        "UsdPreviewSurface/usd_preview_surface_carpaint.mtlx",
        "UsdPreviewSurface/usd_preview_surface_default.mtlx",
        "UsdPreviewSurface/usd_preview_surface_gold.mtlx",
        "UsdPreviewSurface/usd_preview_surface_plastic.mtlx",
    ]

    /// Documents refused, with a fragment their error must contain (the feature named).
    static let refused: [String: String] = [
        "GltfPbr/gltf_pbr_boombox.mtlx": "input 'emissive'",
        "GltfPbr/gltf_pbr_glass.mtlx": "input 'transmission'",
        "OpenPbr/open_pbr_glass.mtlx": "input 'transmission_weight'",
        "OpenPbr/open_pbr_honey.mtlx": "input 'transmission_weight'",
        "OpenPbr/open_pbr_lightbulb.mtlx": "input 'emission_luminance'",
        "OpenPbr/open_pbr_pearl.mtlx": "input 'thin_film_weight'",
        "OpenPbr/open_pbr_soapbubble.mtlx": "input 'transmission_weight'",
        "StandardSurface/standard_surface_brass_tiled.mtlx": "is neither .png nor .exr",
        "StandardSurface/standard_surface_brick_procedural.mtlx": "is neither .png nor .exr",
        "StandardSurface/standard_surface_chess_set.mtlx": "is neither .png nor .exr",
        "StandardSurface/standard_surface_glass.mtlx": "input 'transmission'",
        "StandardSurface/standard_surface_glass_tinted.mtlx": "input 'transmission'",
        "StandardSurface/standard_surface_look_brass_tiled.mtlx": "is neither .png nor .exr",
        "StandardSurface/standard_surface_look_wood_tiled.mtlx": "is neither .png nor .exr",
        "StandardSurface/standard_surface_marble_solid.mtlx": "<position>",
        "StandardSurface/standard_surface_onyx_hextiled.mtlx": "<hextiledimage>",
        "StandardSurface/standard_surface_thin_film.mtlx": "input 'thin_film_thickness'",
        "StandardSurface/standard_surface_wood_tiled.mtlx": "is neither .png nor .exr",
        "UsdPreviewSurface/usd_preview_surface_brass_tiled.mtlx": "brass_color.jpg' does not exist",
        "UsdPreviewSurface/usd_preview_surface_glass.mtlx": "input 'opacity'",
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

    /// Loads every material of one document (by name, `FILE#NAME`); the first error when one is refused.
    func outcome(_ relative: String) -> Result<[Material], MaterialError> {
        let path = Self.examples + "/" + relative
        do {
            let names = try MaterialLoader.materialNames(path: path)
            return .success(try names.map { try MaterialLoader.loadMaterial(MaterialReference(path: path, name: $0), warn: { _ in }) })
        } catch let e as MaterialError {
            return .failure(e)
        } catch {
            return .failure(MaterialError(.io, file: relative, "unexpected error \(error)"))
        }
    }

    func testCorpusLoadsExactlyTheExpectedSet() throws {
        let docs = try corpusDocuments()
        guard !docs.isEmpty else { return }
        XCTAssertEqual(docs.count, 44, "the corpus README lists 44 documents")
        XCTAssertEqual(Set(docs), Self.loads.union(Self.refused.keys), "every corpus document is listed exactly once")
        XCTAssertTrue(Self.loads.isDisjoint(with: Self.refused.keys))
        var report: [String] = []
        for doc in docs {
            switch outcome(doc) {
            case .success(let materials):
                report.append("LOADS   \(doc) (\(materials.count))")
                XCTAssertTrue(Self.loads.contains(doc), "\(doc) loads but is not listed in `loads`")
                for m in materials { checkFiniteAndLit(m, doc) }
            case .failure(let e):
                report.append("REFUSED \(doc): \(e)")
                XCTAssertFalse(e.description.contains("\n"), "one-line error: \(e)")
                guard let fragment = Self.refused[doc] else {
                    XCTFail("\(doc) is refused but listed as loading: \(e)")
                    continue
                }
                XCTAssertTrue(e.description.contains(fragment), "\(doc): \"\(e)\" does not name \"\(fragment)\"")
            }
        }
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
