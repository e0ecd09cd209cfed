/// Register operations of the compiled input program. Every register holds a
/// SIMD4: scalars are stored in all four lanes, colours in xyz, vector2 in xy,
/// normals (tangent space, z = surface normal) in xyz. Operands are register
/// indices of earlier instructions (−1 = absent).
public enum MathOp: Int32, Sendable {
    /// a ⊙ b
    case multiply = 0
    /// a + b
    case add
    /// a − b
    case subtract
    /// MaterialX mix: bg·(1 − t) + fg·t with (a, b, c) = (fg, bg, t)
    case mix
    /// MaterialX invert: amount − in with (a, b) = (in, amount)
    case invert
    /// clamp(a, b, c)
    case clamp
    /// max(a, 0)^b
    case power
}

enum InputOp: Sendable {
    case constant(Vec4)
    /// Image texture (index into the material's textures); `float` splats .x.
    case image(texture: Int32, uv: UVTransform, float: Bool)
    case procedural(Procedural)
    /// Tangent-space normal from a procedural height: n = normalize(−s·∂h/∂x,
    /// −s·∂h/∂y, 1) with central differences of ε = 0.01 procedural units
    /// (converted to uv by the largest |scale|), derivative per procedural unit.
    case bump(Procedural, strength: Int32)
    /// MaterialX normalmap: n = normalize((2c − 1) with xy·scale).
    case normalMap(Int32, scale: Int32)
    case math(MathOp, Int32, Int32, Int32)
    /// (in − inLow)/(inHigh − inLow)·(outHigh − outLow) + outLow
    case remap(Int32, Int32, Int32, Int32, Int32)
    /// OpenPBR roughness + anisotropy → (αx, αy):
    /// αx = r²·√(2/(1 + (1 − a)²)), αy = (1 − a)·αx.
    case roughnessAnisotropy(Int32, Int32)
    /// Gulbrandsen: reflectivity, edge colour → η (k = false) or k (k = true).
    case artisticIOR(Int32, Int32, k: Bool)
    /// One channel of a register, splatted.
    case extract(Int32, channel: Int32)

    var operands: [Int32] {
        switch self {
        case .constant, .image, .procedural: return []
        case .bump(_, let s): return [s]
        case .normalMap(let a, let b): return [a, b]
        case .math(_, let a, let b, let c): return [a, b, c]
        case .remap(let a, let b, let c, let d, let e): return [a, b, c, d, e]
        case .roughnessAnisotropy(let a, let b): return [a, b]
        case .artisticIOR(let a, let b, _): return [a, b]
        case .extract(let a, _): return [a]
        }
    }

    var dependsOnUV: Bool {
        switch self {
        case .image, .procedural, .bump: return true
        default: return false
        }
    }
}

enum InputEval {
    @inline(__always) static func bumpEpsilon(_ p: Procedural) -> Float {
        0.01 / max(max(abs(p.uv.scale.x), abs(p.uv.scale.y)), 1e-6)
    }

    @inline(__always) static func run(_ op: InputOp, _ uv: Vec2, _ r: UnsafeMutablePointer<Vec4>,
                                      _ textures: UnsafeBufferPointer<MaterialTexture>) -> Vec4 {
        switch op {
        case .constant(let v):
            return v
        case .image(let t, let place, let isFloat):
            let c = place.cosR, s = place.sinR
            let v = textures[Int(t)].sample(place.apply(uv, c, s))
            return isFloat ? splat4(v.x) : v
        case .procedural(let p):
            return p.evaluate(uv)
        case .bump(let p, let strength):
            let e = bumpEpsilon(p)
            let hx = p.evaluate(uv + Vec2(e, 0)).x - p.evaluate(uv - Vec2(e, 0)).x
            let hy = p.evaluate(uv + Vec2(0, e)).x - p.evaluate(uv - Vec2(0, e)).x
            let s = r[Int(strength)].x / 0.02
            let n = normalize3(Vec3(-s * hx, -s * hy, 1))
            return Vec4(n.x, n.y, n.z, 0)
        case .normalMap(let a, let scale):
            let c = r[Int(a)]
            let s = r[Int(scale)].x
            let n = normalize3(Vec3((2 * c.x - 1) * s, (2 * c.y - 1) * s, 2 * c.z - 1))
            return Vec4(n.x, n.y, n.z, 0)
        case .math(let op, let a, let b, let c):
            let x = r[Int(a)]
            switch op {
            case .multiply: return x * r[Int(b)]
            case .add: return x + r[Int(b)]
            case .subtract: return x - r[Int(b)]
            case .mix:
                let bg = r[Int(b)], t = r[Int(c)]
                return bg + (x - bg) * t
            case .invert: return r[Int(b)] - x
            case .clamp:
                let lo = r[Int(b)], hi = r[Int(c)]
                return Vec4(min(max(x.x, lo.x), hi.x), min(max(x.y, lo.y), hi.y),
                            min(max(x.z, lo.z), hi.z), min(max(x.w, lo.w), hi.w))
            case .power:
                let e = r[Int(b)]
                return Vec4(pw(x.x, e.x), pw(x.y, e.y), pw(x.z, e.z), pw(x.w, e.w))
            }
        case .remap(let x, let il, let ih, let ol, let oh):
            let d = r[Int(ih)] - r[Int(il)]
            var t = r[Int(x)] - r[Int(il)]
            for i in 0..<4 { t[i] = d[i] != 0 ? t[i] / d[i] : 0 }
            return r[Int(ol)] + (r[Int(oh)] - r[Int(ol)]) * t
        case .roughnessAnisotropy(let rr, let aa):
            let rough = clamp01(r[Int(rr)].x)
            let a = clamp01(r[Int(aa)].x)
            let ax = rough * rough * (2 / (1 + (1 - a) * (1 - a))).squareRoot()
            return Vec4(ax, (1 - a) * ax, 0, 0)
        case .artisticIOR(let refl, let edge, let wantK):
            let nk = Fresnel.gulbrandsen(reflectivity: xyz(r[Int(refl)]), edge: xyz(r[Int(edge)]))
            let v = wantK ? nk.k : nk.n
            return Vec4(v.x, v.y, v.z, 0)
        case .extract(let a, let ch):
            return splat4(r[Int(a)][Int(min(max(ch, 0), 3))])
        }
    }

    @inline(__always) static func pw(_ x: Float, _ e: Float) -> Float {
        let b = max(x, 0)
        return b > 0 ? powf(b, e) : 0
    }
}

#if canImport(Glibc)
import Glibc
#endif
