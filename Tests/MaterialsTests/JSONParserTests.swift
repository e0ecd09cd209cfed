import XCTest
import Imaging
@testable import Materials

final class JSONParserTests: XCTestCase {
    func write(_ dir: TempDir, _ name: String = "m.json", _ bsdf: String, nodes: String? = nil) throws -> String {
        let n = nodes.map { ", \"nodes\": \($0)" } ?? ""
        return try dir.write(name, "{ \"lacquer_material\": 1, \"name\": \"t\"\(n), \"bsdf\": \(bsdf) }")
    }

    func testEveryBundledJSONParses() throws {
        for name in TestPaths.bundled where name.hasSuffix(".json") {
            let m = try MaterialLoader.loadMaterial(path: TestPaths.material(name))
            XCTAssertGreaterThan(m.lobeCount, 0, name)
            XCTAssertNotEqual(m.contentHash, 0)
        }
    }

    func testUnknownKeysAndNodesAreNamed() throws {
        let dir = try TempDir()
        let p1 = try write(dir, "a.json", #"{ "node": "lambert_bsdf", "colour": [1, 0, 0] }"#)
        assertMaterialError("a.json", "bsdf", "colour", "unknown key") { try MaterialLoader.loadMaterial(path: p1) }
        let p2 = try write(dir, "b.json", #"{ "node": "glass_bsdf" }"#)
        assertMaterialError("b.json", "glass_bsdf") { try MaterialLoader.loadMaterial(path: p2) }
        let p3 = try write(dir, "c.json", #"{ "node": "lambert_bsdf", "color": { "node": "perlin" } }"#)
        assertMaterialError("c.json", "bsdf.color", "perlin") { try MaterialLoader.loadMaterial(path: p3) }
        let p4 = try dir.write("d.json", #"{ "lacquer_material": 1, "bsdf": { "node": "lambert_bsdf" }, "extra": 1 }"#)
        assertMaterialError("d.json", "extra") { try MaterialLoader.loadMaterial(path: p4) }
        let p5 = try write(dir, "e.json", #"{ "node": "lambert_bsdf", "color": "nowhere" }"#)
        assertMaterialError("e.json", "nowhere") { try MaterialLoader.loadMaterial(path: p5) }
        let p6 = try write(dir, "f.json", #"{ "node": "dielectric_bsdf", "scatter_mode": "RT" }"#)
        assertMaterialError("f.json", "scatter_mode", "transmission") { try MaterialLoader.loadMaterial(path: p6) }
    }

    func testWrongTypesMalformedAndMissing() throws {
        let dir = try TempDir()
        let p1 = try write(dir, "a.json", #"{ "node": "lambert_bsdf", "color": [1, 0] }"#)
        assertMaterialError("a.json", "color", "color3") { try MaterialLoader.loadMaterial(path: p1) }
        let p2 = try dir.write("b.json", #"{ "lacquer_material": 1, "bsdf": { "node": "lambert_bsdf" "#)
        assertMaterialError("b.json", "JSON") { try MaterialLoader.loadMaterial(path: p2) }
        let p3 = try dir.write("c.json", #"{ "bsdf": { "node": "lambert_bsdf" } }"#)
        assertMaterialError("c.json", "lacquer_material") { try MaterialLoader.loadMaterial(path: p3) }
        let p4 = try write(dir, "d.json", #"{ "node": "layer", "top": { "node": "sheen_bsdf" } }"#)
        assertMaterialError("d.json", "base", "missing") { try MaterialLoader.loadMaterial(path: p4) }
        let p5 = try write(dir, "e.json", #"{ "node": "lambert_bsdf", "color": { "node": "image", "file": "missing.png" } }"#)
        assertMaterialError("e.json", "missing.png", "file") { try MaterialLoader.loadMaterial(path: p5) }
        let p6 = try write(dir, "f.json", #"{ "node": "lambert_bsdf", "color": "a" }"#, nodes: #"{ "a": { "node": "mix", "fg": "a", "bg": [0,0,0], "mix": 0.5 } }"#)
        assertMaterialError("f.json", "cycle") { try MaterialLoader.loadMaterial(path: p6) }
        let p7 = try write(dir, "g.json", #"{ "node": "lambert_bsdf", "normal": { "node": "fbm" } }"#)
        assertMaterialError("g.json", "normal", "vector3", "float") { try MaterialLoader.loadMaterial(path: p7) }
        let p8 = try dir.write("h.json", "")
        assertMaterialError("h.json") { try MaterialLoader.loadMaterial(path: p8) }
        let p9 = try dir.write("i.json", "[1, 2]")
        assertMaterialError("i.json", "object") { try MaterialLoader.loadMaterial(path: p9) }
        assertMaterialError("does-not-exist.json") { try MaterialLoader.loadMaterial(path: dir.path + "/does-not-exist.json") }
        let p10 = try dir.write("j.txt", "{}")
        assertMaterialError("j.txt", ".json") { try MaterialLoader.loadMaterial(path: p10) }
    }

    func testImageTextureSamplingRule() throws {
        let dir = try TempDir()
        var img = Image(width: 4, height: 2, fill: SIMD4(0, 0, 0, 1))
        for x in 0..<4 { img[x, 0] = SIMD4(Float(x) / 3, 0, 0, 1); img[x, 1] = SIMD4(0, 1, 0, 1) }
        try writePNG(img, to: dir.path + "/t.png", toneMap: .clamp)
        let p = try write(dir, "tex.json", #"{ "node": "lambert_bsdf", "color": { "node": "image", "file": "t.png", "wrap": "clamp" } }"#)
        let m = try MaterialLoader.loadMaterial(path: p)
        let t = m.textures[0]
        XCTAssertEqual(t.width, 4); XCTAssertEqual(t.height, 2)
        // Row 0 (v = 0) is the file's bottom row (green); the top row is at v = 1.
        XCTAssertEqual(t.sample(SIMD2(0.125, 0.25)).y, 1, accuracy: 1e-3)
        XCTAssertEqual(t.sample(SIMD2(0.375, 0.75)).x, 1.0 / 3, accuracy: 6e-3)
        // Halfway between texel centres 1 and 2 of the top row.
        XCTAssertEqual(t.sample(SIMD2(0.5, 0.75)).x, 0.5, accuracy: 6e-3)
        // Clamp vs repeat at the left edge.
        XCTAssertEqual(t.sample(SIMD2(-0.5, 0.75)).x, 0, accuracy: 1e-6)
        var r = t; r.wrap = .repeat
        XCTAssertEqual(r.sample(SIMD2(0.0, 0.75)).x, 0.5, accuracy: 6e-3)  // blend of texel 3 (1.0) and 0 (0.0)
        XCTAssertEqual(r.sample(SIMD2(.nan, 0.75)).x.isFinite, true)
    }

    func testContentHashIsStableAndSensitive() throws {
        let dir = try TempDir()
        let p1 = try write(dir, "a.json", #"{ "node": "lambert_bsdf", "color": [0.5, 0.5, 0.5] }"#)
        let h1 = try MaterialLoader.loadMaterial(path: p1).contentHash
        XCTAssertEqual(try MaterialLoader.loadMaterial(path: p1).contentHash, h1)
        let p2 = try write(dir, "a.json", #"{ "node": "lambert_bsdf", "color": [0.5, 0.5, 0.6] }"#)
        XCTAssertNotEqual(try MaterialLoader.loadMaterial(path: p2).contentHash, h1)
        var f = FNV1a64(); f.add("a")
        XCTAssertEqual(f.hex, "af63dc4c8601ec8c")
    }

    func testBatchMatchesScalarAndRawParameters() throws {
        let m = try MaterialLoader.loadMaterial(path: TestPaths.material("car_paint.json"))
        var rng = PCG32(seed: 3)
        var wi: [V3] = [], wo: [V3] = [], uv: [V2] = []
        for _ in 0..<5000 {
            wi.append(Sampling.uniformHemisphere(V2(rng.nextFloat(), rng.nextFloat())))
            wo.append(Sampling.uniformHemisphere(V2(rng.nextFloat(), rng.nextFloat())))
            uv.append(V2(rng.nextFloat(), rng.nextFloat()))
        }
        let batch = m.evalBatch(wi: wi, wo: wo, uv: uv)
        for i in stride(from: 0, to: 5000, by: 97) {
            let (f, p) = m.evalAndPdf(wi: wi[i], wo: wo[i], uv: uv[i])
            XCTAssertEqual(batch[i].value, f)
            XCTAssertEqual(batch[i].pdf, p)
        }
        let raw = m.rawParameters(uv: V2(0.3, 0.4))
        XCTAssertEqual(raw.count, m.lobeCount * Material.rawParametersPerLobe)
        XCTAssertTrue(raw.allSatisfy { $0.isFinite })
        // Footprint filtering averages nearby uv: finite and close to the point value for a tiny footprint.
        let a = m.eval(wi: wi[0], wo: wo[0], uv: uv[0], footprint: 1e-7)
        XCTAssertLessThan((a - batch[0].value).abs().max(), 1e-3 * max(1, a.max()))
    }

    func testAlbedoTablesAreCachedAndReloaded() throws {
        let dir = try TempDir()
        setenv("LACQUER_CACHE_DIR", dir.path, 1)
        defer { unsetenv("LACQUER_CACHE_DIR") }
        let t = AlbedoTables.loadOrCompute("sheen", 8, 8, 1, AlbedoTables.computeSheen)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/albedo")
        XCTAssertEqual(files.count, 1)
        let again = AlbedoTables.loadOrCompute("sheen", 8, 8, 1) { _, _, _ in XCTFail("should come from the cache"); return [] }
        XCTAssertEqual(t.data, again.data)
        XCTAssertTrue(t.data.allSatisfy { $0.x >= 0 && $0.x <= 1.001 }, "\(t.data.map(\.x))")
        for table in AlbedoTables.shared.all {
            let maxE = table.data.map(\.x).max() ?? 0
            XCTAssertLessThanOrEqual(maxE, 1.001, table.name)
            XCTAssertGreaterThanOrEqual(table.data.map(\.x).min() ?? -1, 0, table.name)
        }
    }
}
