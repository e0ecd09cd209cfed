import XCTest
@testable import Materials

/// Every bundled material: χ² at θi ∈ {0°, 30°, 60°, 85°} and several uv
/// points, white furnace up to 89°, weight = eval/pdf.
final class BundledMaterialTests: XCTestCase {
    static let angles: [Float] = [0, 30, 60, 85]
    static let uvs: [V2] = [V2(0.13, 0.71), V2(0.58, 0.27), V2(0.91, 0.49), V2(0.37, 0.05),
                            V2(0.66, 0.93), V2(0.02, 0.44), V2(0.81, 0.12), V2(0.45, 0.58)]

    static func load() throws -> [(String, Material)] {
        try TestPaths.bundled.map { ($0, try MaterialLoader.loadMaterial(path: TestPaths.material($0))) }
    }

    func testSuiteIsComplete() throws {
        let names = Set(TestPaths.bundled.map { ($0 as NSString).deletingPathExtension })
        for n in ["car_paint", "lacquered_wood", "brushed_aluminium", "ceramic_glaze", "velvet", "worn_leather",
                  "lambert", "oren_nayar", "conductor", "dielectric", "generalized_schlick", "sheen"] {
            XCTAssertTrue(names.contains(n), "missing bundled material \(n)")
        }
        XCTAssertGreaterThanOrEqual(TestPaths.bundled.filter { $0.hasSuffix(".mtlx") }.count, 2)
        for (name, m) in try Self.load() where !["lambert", "oren_nayar", "conductor", "dielectric", "generalized_schlick", "sheen"]
            .contains((name as NSString).deletingPathExtension) {
            XCTAssertTrue((2...5).contains(m.lobeCount), "\(name) has \(m.lobeCount) lobes")
        }
    }

    /// A shading point copies only the constant registers something reads
    /// (`liveConstantRegisters`): where that list is used it is under half
    /// the program (the larger graphs), every one of them is a constant, and every
    /// register a lobe or node reads is either copied or computed.
    func testShadingPointsCopyOnlyTheConstantsTheyRead() throws {
        var reduced = 0
        for (name, m) in try Self.load() {
            guard let live = m.liveConstantRegisters else { continue }
            reduced += 1
            XCTAssertLessThan(2 * live.count, m.inputCount, name)
            let varying = Set(m.varyingOps)
            XCTAssertTrue(live.allSatisfy { !varying.contains($0) }, "\(name): a varying register in the constant list")
            let available = Set(live).union(varying)
            for l in m.lobes {
                for r in [l.weight, l.color, l.color2, l.alpha, l.rough, l.ior, l.exponent, l.rotation, l.normal, l.film] where r >= 0 {
                    XCTAssertTrue(available.contains(r), "\(name): lobe \(l.name) reads register \(r), which is neither copied nor computed")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(reduced, 1, "no bundled material copies a reduced register list")
    }

    /// One run of the inputs for many directions (`Material.bind`) gives the
    /// bits of the calls that take the uv, for every bundled material, in any
    /// order of directions — including after a call that overwrote the
    /// registers and a re-bind, and for directions below the horizon.
    func testBoundPointEvaluationIsTheSameBits() throws {
        var state: UInt32 = 99
        func random() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / 16_777_216
        }
        func direction() -> SIMD3<Float> {
            let z = 2 * random() - 0.9, phi = 2 * Float.pi * random(), s = max(0, 1 - z * z).squareRoot()
            return SIMD3(s * cosf(phi), s * sinf(phi), z)
        }
        for (name, m) in try Self.load() {
            let scratch = MaterialScratch(for: m)
            for point in 0..<40 {
                let uv = SIMD2(random(), random())
                m.bind(uv: uv, scratch: scratch)
                XCTAssertEqual(scratch.boundUV, uv)
                for _ in 0..<6 {
                    let wi = direction(), wo = direction(), u = SIMD3(random(), random(), random())
                    let bound = m.evalAndPdfAtBoundPoint(wi: wi, wo: wo, scratch: scratch)
                    let plain = m.evalAndPdf(wi: wi, wo: wo, uv: uv)
                    XCTAssertEqual(bound.value, plain.value, "\(name) point \(point)")
                    XCTAssertEqual(bound.pdf.bitPattern, plain.pdf.bitPattern, "\(name) point \(point)")
                    let a = m.sampleAtBoundPoint(wi: wi, u: u, scratch: scratch), b = m.sample(wi: wi, uv: uv, u: u)
                    XCTAssertEqual(a.wo, b.wo, "\(name) point \(point)")
                    XCTAssertEqual(a.pdf.bitPattern, b.pdf.bitPattern, "\(name) point \(point)")
                    XCTAssertEqual(m.albedoAtBoundPoint(wi: wi, scratch: scratch), m.albedo(wi: wi, uv: uv), "\(name) point \(point)")
                }
                if point % 5 == 0 {   // a call with its own uv overwrites the registers and drops the binding
                    _ = m.evalAndPdf(wi: SIMD3(0, 0, 1), wo: SIMD3(0, 0, 1), uv: SIMD2(random(), random()), scratch: scratch)
                    XCTAssertNil(scratch.boundUV)
                }
            }
        }
    }

    func testChi2EveryMaterial() throws {
        let materials = try Self.load()
        // Default: each θi at its own uv (4 uv points per material), 5000 samples.
        // LACQUER_THOROUGH_TESTS=1: two uv points per θi and 20000 samples.
        let thorough = ProcessInfo.processInfo.environment["LACQUER_THOROUGH_TESTS"] == "1"
        let uvPerAngle = thorough ? 2 : 1
        let samples = thorough ? 20_000 : 5_000
        let perMaterial = Self.angles.count * uvPerAngle
        let configs = materials.count * perMaterial
        let alpha = Stats.sidak(0.01, tests: configs)
        let failures = Collected()
        parallelFor(configs) { k in
            let (name, m) = materials[k / perMaterial]
            let j = k % perMaterial
            let theta = Self.angles[j / uvPerAngle]
            let uv = Self.uvs[(j + k / perMaterial) % Self.uvs.count]
            let wi = direction(thetaDegrees: theta, phiDegrees: 23)
            let r = Chi2.test(m, wi: wi, uv: uv, samples: samples, seed: UInt64(1000 + k), significance: alpha)
            if !r.passed { failures.add("\(name) θi=\(theta) uv=\(uv): \(r.message)") }
        }
        XCTAssertEqual(failures.items, [], "χ² failures")
    }

    func testWhiteFurnace() throws {
        let materials = try Self.load()
        let thetas: [Float] = [0, 45, 75, 89]
        let failures = Collected()
        parallelFor(materials.count * thetas.count) { k in
            let (name, m) = materials[k / thetas.count]
            let theta = thetas[k % thetas.count]
            let uv = Self.uvs[(k * 3) % Self.uvs.count]
            let r = furnace(m, wi: direction(thetaDegrees: theta, phiDegrees: 70), uv: uv, samples: 4_096, seed: UInt64(k))
            for c in 0..<3 {
                if r.sampled[c] > 1 + 3 * r.sampledSigma[c] + 0.01 || r.uniform[c] > 1 + 3 * r.uniformSigma[c] + 0.01 {
                    failures.add("\(name) θ=\(theta): albedo \(r.sampled) / \(r.uniform) > 1")
                }
                let tol = 3 * (r.sampledSigma[c] * r.sampledSigma[c] + r.uniformSigma[c] * r.uniformSigma[c]).squareRoot() + 0.01
                if abs(r.sampled[c] - r.uniform[c]) > tol {
                    failures.add("\(name) θ=\(theta) uv=\(uv): sampled \(r.sampled) ± \(r.sampledSigma) vs uniform \(r.uniform) ± \(r.uniformSigma)")
                }
            }
        }
        XCTAssertEqual(failures.items, [])
    }

    /// Non-unit, grazing, NaN and huge inputs never produce NaN or negative values.
    func testHostileInputsStayFinite() throws {
        var rng = PCG32(seed: 77)
        let uvs: [V2] = [V2(.nan, 0.5), V2(1e9, -1e9), V2(-3.7, 12.2), V2(0, 0), V2(1, 1)]
        for (name, m) in try Self.load() {
            for k in 0..<300 {
                let scale: Float = k % 3 == 0 ? 1.05 : k % 3 == 1 ? 0.9 : 1
                let wi = direction(thetaDegrees: Float(k % 90), phiDegrees: Float(k * 13)) * scale
                let wo = direction(thetaDegrees: Float((k * 7) % 91), phiDegrees: Float(k * 29)) * scale
                let uv = k < uvs.count ? uvs[k] : V2(rng.nextFloat() * 4 - 2, rng.nextFloat() * 4 - 2)
                let (f, p) = m.evalAndPdf(wi: wi, wo: wo, uv: uv)
                let s = m.sample(wi: wi, uv: uv, u: V3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat()))
                let a = m.albedo(wi: wi, uv: uv)
                for v in [f.x, f.y, f.z, p, s.pdf, s.weight.x, s.weight.y, s.weight.z, a.x, a.y, a.z] {
                    XCTAssertTrue(v.isFinite && v >= 0, "\(name): wi \(wi) wo \(wo) uv \(uv): \(f) \(p) \(s) \(a)")
                }
            }
            XCTAssertEqual(m.eval(wi: V3(0, 0, -1), wo: V3(0, 0, 1), uv: V2()), V3())
            XCTAssertEqual(m.sample(wi: V3(.nan, 0, 1), uv: V2(), u: V3(0.5, 0.5, 0.5)).weight.x.isFinite, true)
        }
    }

    func testWeightEqualsEvalOverPdf() throws {
        var rng = PCG32(seed: 5)
        for (name, m) in try Self.load() {
            for k in 0..<200 {
                let wi = direction(thetaDegrees: Float(k % 89), phiDegrees: Float(k * 7))
                let uv = V2(rng.nextFloat(), rng.nextFloat())
                let s = m.sample(wi: wi, uv: uv, u: V3(rng.nextFloat(), rng.nextFloat(), rng.nextFloat()))
                guard s.pdf > 0 else { XCTAssertEqual(s.weight, V3(), name); continue }
                let (f, p) = m.evalAndPdf(wi: wi, wo: s.wo, uv: uv)
                XCTAssertEqual(p, s.pdf, accuracy: 1e-3 * p, name)
                XCTAssertLessThan((s.weight - f / p).abs().max(), 1e-3 * max(1, s.weight.max()), name)
                XCTAssertTrue(s.weight.min() >= 0 && s.weight.max().isFinite, "\(name): weight \(s.weight)")
            }
        }
    }
}

extension SIMD3 where Scalar == Float {
    func abs() -> SIMD3<Float> { SIMD3(Swift.abs(x), Swift.abs(y), Swift.abs(z)) }
}
