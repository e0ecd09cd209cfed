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
    /// a / b per lane, 0 where b = 0 (so a graph never produces inf / NaN)
    case divide
    /// min(a, b) per lane
    case minimum
    /// max(a, b) per lane
    case maximum
    /// MaterialX smoothstep with (a, b, c) = (in, low, high), per lane:
    /// 0 for in ≤ low, 1 for in ≥ high, else t²(3 − 2t), t = (in − low)/(high − low)
    case smoothstep
    /// sin(a) per lane (radians)
    case sine
    /// cos(a) per lane (radians)
    case cosine
    /// atan2(a, b) per lane: the angle of the point (b, a) in radians,
    /// (−π, π]; 0 at the origin (GLSL's atan(y, x) is undefined there)
    case arcTangent2
}

/// Comparison of MaterialX's conditional nodes (on the first lane of each value).
public enum Comparison: Int32, Sendable {
    /// ifgreater: value1 > value2
    case greater = 0
    /// ifgreatereq: value1 ≥ value2
    case greaterOrEqual
    /// ifequal: value1 = value2
    case equal
}

/// Colour-space conversions of the MaterialX stdlib.
public enum ColorTransform: Int32, Sendable {
    /// HSV (hue in turns, wrapped) → linear RGB (the hexcone model)
    case hsvToRGB = 0
    /// RGB → HSV, hue in [0, 1)
    case rgbToHSV
}

/// The cases with large payloads stay out of the enum: inline, a
/// procedural's settings made it over 100 bytes, and every instruction's
/// `switch` copied it and cleared its tag bits through an outlined helper
/// (≈ 2 % of a car-paint bake). A procedural is an index into the
/// material's `procedurals`: boxed (`indirect`), every evaluation retained
/// and released the box, and the baker's threads evaluating the same
/// material bounced its reference count between the cores (≈ 4 % of a
/// car-paint bake). The hex tiling, rarer and beside a texture fetch, stays boxed.
enum InputOp: Sendable {
    case constant(Vec4)
    /// Image texture (index into the material's textures); `float` splats .x.
    /// `uvSet` 1 places the second texture-coordinate set (glTF TEXCOORD_1),
    /// 0 the first.
    case image(texture: Int32, uv: UVTransform, float: Bool, uvSet: Int32)
    /// MaterialX <hextiledimage>: `texture` hex-tiled (`HexTiling`) at the
    /// placed uv of texture-coordinate set `uvSet`; RGBA.
    indirect case hexTiledImage(texture: Int32, uv: UVTransform, hex: HexTiling, uvSet: Int32)
    /// `procedurals[index]` at uv.
    case procedural(Int32)
    /// Tangent-space normal from a procedural height: n = normalize(−s·∂h/∂x,
    /// −s·∂h/∂y, 1) with central differences of ε = 0.01 procedural units
    /// (converted to uv by the largest |scale|), derivative per procedural unit.
    /// The height is `procedurals[index]`.
    case bump(Int32, strength: Int32)
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
    /// The first lane of up to four registers (−1 = 0) as one vector: combine2/3/4.
    case combine(Int32, Int32, Int32, Int32)
    /// Dot product over the first `channels` lanes (2 or 3), splatted.
    case dot(Int32, Int32, channels: Int32)
    /// (value1, value2, in1, in2): in1 where value1 <comparison> value2, else in2.
    case select(Comparison, Int32, Int32, Int32, Int32)
    case color(ColorTransform, Int32)
    /// The shading point's texture coordinate of set `set` (u, v, 0, 0).
    case texcoord(set: Int32)
    /// The shading point's object-space position (x, y, z, 0); non-finite
    /// components read as 0. Where no position is given (the baker, the CPU
    /// API without one) it is the UV plane: (u, v, 0).
    case position
    /// MaterialX fractal noise of a position register (`SolidNoise.fractal`):
    /// `octaves` is fixed per material (the loop count is code), lacunarity
    /// and diminish are registers; `channels` 1 (float), 2 or 3.
    case fractalNoise3D(position: Int32, octaves: Int32, lacunarity: Int32, diminish: Int32, channels: Int32)

    var operands: [Int32] {
        switch self {
        case .constant, .image, .hexTiledImage, .procedural, .texcoord, .position: return []
        case .bump(_, let s): return [s]
        case .normalMap(let a, let b): return [a, b]
        case .math(_, let a, let b, let c): return [a, b, c]
        case .remap(let a, let b, let c, let d, let e): return [a, b, c, d, e]
        case .roughnessAnisotropy(let a, let b): return [a, b]
        case .artisticIOR(let a, let b, _): return [a, b]
        case .extract(let a, _): return [a]
        case .combine(let a, let b, let c, let d): return [a, b, c, d]
        case .dot(let a, let b, _): return [a, b]
        case .select(_, let a, let b, let c, let d): return [a, b, c, d]
        case .color(_, let a): return [a]
        case .fractalNoise3D(let p, _, let l, let d, _): return [p, l, d]
        }
    }

    /// Whether the operation reads the second texture-coordinate set.
    var readsSecondUVSet: Bool {
        switch self {
        case .image(_, _, _, let set), .hexTiledImage(_, _, _, let set), .texcoord(let set): return set == 1
        default: return false
        }
    }

    /// Whether the instruction reads the shading point (uv or position)
    /// itself, so it cannot be constant-folded.
    var dependsOnUV: Bool {
        switch self {
        case .image, .hexTiledImage, .procedural, .bump, .texcoord, .position: return true
        default: return false
        }
    }
}

enum InputEval {
    @inline(__always) static func bumpEpsilon(_ p: Procedural) -> Float {
        0.01 / max(max(abs(p.uv.scale.x), abs(p.uv.scale.y)), 1e-6)
    }

    /// One instruction at the shading point.
    @inline(__always) static func run(_ op: InputOp, _ point: ShadingPoint, _ r: UnsafeMutablePointer<Vec4>,
                                      _ textures: UnsafeBufferPointer<MaterialTexture>,
                                      _ procedurals: UnsafeBufferPointer<Procedural>) -> Vec4 {
        withUnsafePointer(to: op) { run($0, point, r, textures, procedurals) }
    }

    /// One instruction, read in place: the per-shading-point loop passes a
    /// pointer into the program, because passing the enum (up to 144 bytes
    /// with a procedural's settings) by value made two library copies of it
    /// per operation — 7 % of a car-paint bake.
    @inline(__always) static func run(_ op: UnsafePointer<InputOp>, _ point: ShadingPoint, _ r: UnsafeMutablePointer<Vec4>,
                                      _ textures: UnsafeBufferPointer<MaterialTexture>,
                                      _ procedurals: UnsafeBufferPointer<Procedural>) -> Vec4 {
        let uv = point.uv
        switch op.pointee {
        case .constant(let v):
            return v
        case .image(let t, let place, let isFloat, let set):
            let c = place.cosR, s = place.sinR
            let v = textures[Int(t)].sample(place.apply(set == 1 ? point.uv1 : uv, c, s))
            return isFloat ? splat4(v.x) : v
        case .hexTiledImage(let t, let place, let hex, let set):
            return hex.sample(textures[Int(t)], place.apply(set == 1 ? point.uv1 : uv, place.cosR, place.sinR))
        case .procedural(let i):
            return procedurals[Int(i)].evaluate(uv)
        case .bump(let i, let strength):
            let p = procedurals[Int(i)]
            let e = bumpEpsilon(p)
            let h = p.evaluateX4(uv + Vec2(e, 0), uv - Vec2(e, 0), uv + Vec2(0, e), uv - Vec2(0, e))
            let hx = h[0] - h[1], hy = h[2] - h[3]
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
            case .divide:
                let d = r[Int(b)]
                var q = Vec4()
                for i in 0..<4 { q[i] = d[i] != 0 ? x[i] / d[i] : 0 }
                return q
            case .minimum:
                let y = r[Int(b)]
                return Vec4(min(x.x, y.x), min(x.y, y.y), min(x.z, y.z), min(x.w, y.w))
            case .maximum:
                let y = r[Int(b)]
                return Vec4(max(x.x, y.x), max(x.y, y.y), max(x.z, y.z), max(x.w, y.w))
            case .smoothstep:
                let lo = r[Int(b)], hi = r[Int(c)]
                var q = Vec4()
                for i in 0..<4 { q[i] = smoothstep(x[i], lo[i], hi[i]) }
                return q
            case .sine:
                return Vec4(sinf(x.x), sinf(x.y), sinf(x.z), sinf(x.w))
            case .cosine:
                return Vec4(cosf(x.x), cosf(x.y), cosf(x.z), cosf(x.w))
            case .arcTangent2:
                let y = r[Int(b)]
                var q = Vec4()
                for i in 0..<4 { q[i] = x[i] == 0 && y[i] == 0 ? 0 : atan2f(x[i], y[i]) }
                return q
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
        case .combine(let a, let b, let c, let d):
            func lane(_ i: Int32) -> Float { i >= 0 ? r[Int(i)].x : 0 }
            return Vec4(lane(a), lane(b), lane(c), lane(d))
        case .dot(let a, let b, let n):
            let x = r[Int(a)], y = r[Int(b)]
            return splat4(n == 2 ? x.x * y.x + x.y * y.y : x.x * y.x + x.y * y.y + x.z * y.z)
        case .select(let cmp, let v1, let v2, let in1, let in2):
            let a = r[Int(v1)].x, b = r[Int(v2)].x
            let pick: Bool
            switch cmp {
            case .greater: pick = a > b
            case .greaterOrEqual: pick = a >= b
            case .equal: pick = a == b
            }
            return r[Int(pick ? in1 : in2)]
        case .color(let t, let a):
            let c = r[Int(a)]
            let v = t == .hsvToRGB ? hsvToRGB(xyz(c)) : rgbToHSV(xyz(c))
            return Vec4(v.x, v.y, v.z, 0)
        case .texcoord(let set):
            let t = set == 1 ? point.uv1 : uv
            return Vec4(t.x, t.y, 0, 0)
        case .position:
            return Vec4(point.position.x, point.position.y, point.position.z, 0)
        case .fractalNoise3D(let p, let octaves, let lacunarity, let diminish, let channels):
            return SolidNoise.fractal(xyz(r[Int(p)]), octaves: octaves, lacunarity: r[Int(lacunarity)].x,
                                      diminish: r[Int(diminish)].x, channels: channels)
        }
    }

    @inline(__always) static func smoothstep(_ x: Float, _ lo: Float, _ hi: Float) -> Float {
        if x >= hi { return 1 }
        if x <= lo { return 0 }
        let t = (x - lo) / (hi - lo)
        return t * t * (3 - 2 * t)
    }

    /// Hexcone HSV → RGB; the hue wraps (h − ⌊h⌋), saturation and value are used as given.
    static func hsvToRGB(_ hsv: Vec3) -> Vec3 {
        let h = 6 * (hsv.x - hsv.x.rounded(.down))
        let sector = min(max(Int(h.rounded(.down)), 0), 5)
        let f = h - Float(sector)
        let v = hsv.z, s = hsv.y
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        switch sector {
        case 0: return Vec3(v, t, p)
        case 1: return Vec3(q, v, p)
        case 2: return Vec3(p, v, t)
        case 3: return Vec3(p, q, v)
        case 4: return Vec3(t, p, v)
        default: return Vec3(v, p, q)
        }
    }

    /// RGB → HSV (hexcone): hue in [0, 1), 0 for greys; saturation 0 for black.
    static func rgbToHSV(_ c: Vec3) -> Vec3 {
        let hi = max(c.x, max(c.y, c.z)), lo = min(c.x, min(c.y, c.z))
        let delta = hi - lo
        let s: Float = hi > 0 ? delta / hi : 0
        var h: Float = 0
        if delta > 0 {
            if c.x == hi { h = (c.y - c.z) / delta } else if c.y == hi { h = 2 + (c.z - c.x) / delta } else { h = 4 + (c.x - c.y) / delta }
            h /= 6
            if h < 0 { h += 1 }
        }
        return Vec3(h, s, hi)
    }

    @inline(__always) static func pw(_ x: Float, _ e: Float) -> Float {
        let b = max(x, 0)
        return b > 0 ? powf(b, e) : 0
    }
}

#if canImport(Glibc)
import Glibc
#endif
