import XCTest
@testable import Materials

/// White furnace over the whole grazing range, θ = 0 … 89.9°: every lobe (white
/// where it has a colour), every bundled material and a conductor layered over
/// white Lambert reflect at most 1, by two Monte-Carlo estimators (see
/// `albedo`); the tolerance is 4 standard errors plus 0.003 for table
/// interpolation and float rounding.
final class GrazingFurnaceTests: XCTestCase {
    static let thetas: [Float] = [0, 30, 60, 75, 85, 88, 89, 89.5, 89.8, 89.9]

    static func lobes() -> [(String, Material)] {
        var out: [(String, Material)] = []
        func make(_ name: String, _ f: (inout MaterialBuilder) -> BsdfRef) {
            var b = MaterialBuilder()
            let root = f(&b)
            out.append((name, b.build(root: root, name: name)))
        }
        let white = V3(1, 1, 1)
        make("lambert") { b in b.lobe(.lambert, color: b.constant(white)) }
        for sigma: Float in [0.5, 1] {
            make("eon σ=\(sigma)") { b in b.lobe(.orenNayar, color: b.constant(white), rough: b.constant(sigma)) }
        }
        for r: Float in [0.05, 0.3, 1] {
            make("sheen r=\(r)") { b in b.lobe(.sheen, color: b.constant(white), rough: b.constant(r)) }
        }
        for rough: Float in [0.1, 0.5] {
            make("conductor edge 1 roughness \(rough)") { b in
                let r = b.constant(V3(0.05, 0.5, 0.95)), g = b.constant(white)
                let eta = b.artisticIOR(reflectivity: r, edge: g, extinction: false)
                let k = b.artisticIOR(reflectivity: r, edge: g, extinction: true)
                return b.lobe(.conductor, color: eta, color2: k, alpha: b.roughnessAnisotropy(b.constant(rough), b.constant(Float(0))))
            }
            make("schlick F0=F90=1 roughness \(rough)") { b in
                b.lobe(.generalizedSchlick, color: b.constant(white), color2: b.constant(white),
                       alpha: b.roughnessAnisotropy(b.constant(rough), b.constant(Float(0))), exponent: b.constant(Float(5)))
            }
            make("dielectric ior 3 roughness \(rough)") { b in
                b.lobe(.dielectric, color: b.constant(white), alpha: b.roughnessAnisotropy(b.constant(rough), b.constant(Float(0))),
                       ior: b.constant(Float(3)))
            }
        }
        out.append(("conductor over white lambert", conductorOverWhiteLambert()))
        return out
    }

    /// The stack: reflectivity 0.05, edge tint 1, roughness 0.3 over white Lambert (1.072 at 75°).
    static func conductorOverWhiteLambert() -> Material {
        var b = MaterialBuilder()
        let r = b.constant(V3(0.05, 0.05, 0.05)), g = b.constant(V3(1, 1, 1))
        let eta = b.artisticIOR(reflectivity: r, edge: g, extinction: false)
        let k = b.artisticIOR(reflectivity: r, edge: g, extinction: true)
        let top = b.lobe(.conductor, color: eta, color2: k, alpha: b.roughnessAnisotropy(b.constant(Float(0.3)), b.constant(Float(0))))
        let base = b.lobe(.lambert, color: b.constant(V3(1, 1, 1)))
        let root = b.layer(top: top, base: base)
        return b.build(root: root, name: "conductor over white lambert")
    }

    /// Two estimates of the directional albedo, each the mean of `replicates`
    /// independent stratified (side × side) estimates, with the standard error
    /// of that mean: the sample weights (the renderer's estimator; precise for
    /// glossy lobes) and a uniform-hemisphere integral of eval (precise for the
    /// wide lobes at grazing, where the weights vary most).
    static func albedo(_ m: Material, theta: Float, uv: V2, side: Int, replicates: Int,
                       seed: UInt64) -> [(mean: SIMD3<Double>, sigma: SIMD3<Double>)] {
        var rng = PCG32(seed: seed)
        let wi = direction(thetaDegrees: theta, phiDegrees: 30)
        var estimates: [[SIMD3<Double>]] = [[], []]
        for _ in 0..<replicates {
            var sampled = SIMD3<Double>(), uniform = SIMD3<Double>()
            for k in 0..<(side * side) {
                let a = (Float(k % side) + rng.nextFloat()) / Float(side), b = (Float(k / side) + rng.nextFloat()) / Float(side)
                let w = m.sample(wi: wi, uv: uv, u: V3(a, b, rng.nextFloat())).weight
                sampled += SIMD3<Double>(Double(w.x), Double(w.y), Double(w.z))
                let f = m.eval(wi: wi, wo: Sampling.uniformHemisphere(V2(a, b)), uv: uv) * (2 * .pi)
                uniform += SIMD3<Double>(Double(f.x), Double(f.y), Double(f.z))
            }
            estimates[0].append(sampled / Double(side * side))
            estimates[1].append(uniform / Double(side * side))
        }
        return estimates.map { e in
            let n = Double(e.count)
            let mean = e.reduce(SIMD3<Double>(), +) / n
            let variance = e.reduce(SIMD3<Double>()) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) / n
            return (mean, SIMD3(variance.x.squareRoot(), variance.y.squareRoot(), variance.z.squareRoot()))
        }
    }

    func check(_ subjects: [(String, Material)], thetas: [Float], uvs: [V2], side: Int) {
        let failures = Collected()
        let configs = subjects.count * thetas.count
        parallelFor(configs) { k in
            let (name, m) = subjects[k / thetas.count]
            let theta = thetas[k % thetas.count]
            let uv = uvs[k % uvs.count]
            let estimates = Self.albedo(m, theta: theta, uv: uv, side: side, replicates: 8, seed: UInt64(k + 11))
            for (label, r) in zip(["sampled", "uniform"], estimates) {
                if ProcessInfo.processInfo.environment["FURNACE_PRINT"] != nil {
                    print(String(format: "FURNACE %@ θ=%.1f %@ %.4f %.4f %.4f ± %.4f", name, theta, label, r.mean.x, r.mean.y, r.mean.z,
                                 r.sigma.max()))
                }
                for c in 0..<3 where r.mean[c] > 1 + 4 * r.sigma[c] + 0.003 {
                    failures.add(String(format: "%@ θ=%.1f° uv=(%.2f, %.2f): %@ albedo %.4f ± %.4f > 1", name, theta, uv.x, uv.y,
                                        label, r.mean[c], r.sigma[c]))
                    break
                }
            }
        }
        XCTAssertEqual(failures.items.sorted(), [], "albedo above 1")
    }

    func testEveryLobeAndTheConductorStack() {
        check(Self.lobes(), thetas: Self.thetas, uvs: [V2(0.5, 0.5)], side: 16)
    }

    func testEveryBundledMaterial() throws {
        let materials = try TestPaths.bundled.map { ($0, try MaterialLoader.loadMaterial(path: TestPaths.material($0))) }
        check(materials, thetas: [0, 70, 85, 89, 89.9], uvs: [V2(0.5, 0.5), V2(0.13, 0.71), V2(0.82, 0.27)], side: 12)
    }
}
