import Foundation

/// Meshes built from parameters: the plane, box, UV sphere and the classic
/// material-preview shader ball. All follow the module's mesh conventions:
/// CCW triangles seen from outside, unit outward normals, uv origin at the
/// image's top-left with textures appearing upright and unmirrored from
/// outside, and tangents with the bitangent sign in w (see `MeshTangents`).
public enum ProceduralShapes {
    /// A `width` × `depth` rectangle in the y = 0 plane centred on the origin,
    /// facing +y. u runs along +x, v along +z (so the image's top edge is the
    /// far, −z edge when seen from a camera on +z).
    public static func plane(width: Float, depth: Float) -> Mesh {
        var builder = MeshBuilder()
        builder.addQuad(center: .zero, normal: SIMD3(0, 1, 0), right: SIMD3(1, 0, 0),
                        halfRight: width / 2, halfUp: depth / 2)
        return builder.build()
    }

    /// An axis-aligned box of the given full size centred on the origin:
    /// 24 vertices (4 per face, so each face has its own flat normal and a
    /// full 0…1 uv square), 12 triangles.
    public static func box(size: Float3) -> Mesh {
        let h = size.simd / 2
        var builder = MeshBuilder()
        // (outward normal, image-right direction seen from outside)
        let faces: [(SIMD3<Float>, SIMD3<Float>)] = [
            (SIMD3(1, 0, 0), SIMD3(0, 0, -1)), (SIMD3(-1, 0, 0), SIMD3(0, 0, 1)),
            (SIMD3(0, 1, 0), SIMD3(1, 0, 0)), (SIMD3(0, -1, 0), SIMD3(1, 0, 0)),
            (SIMD3(0, 0, 1), SIMD3(1, 0, 0)), (SIMD3(0, 0, -1), SIMD3(-1, 0, 0)),
        ]
        for (n, right) in faces {
            let up = simdCross(n, right)
            builder.addQuad(center: n * abs(simdDot(n, h)), normal: n, right: right,
                            halfRight: abs(simdDot(right, h)), halfUp: abs(simdDot(up, h)))
        }
        return builder.build()
    }

    /// A tessellated sphere (latitude/longitude grid). The scene's `sphere`
    /// shape stays analytic; this is for `uv_sphere` objects and tests.
    /// u goes once around the equator, v from the north pole (0) to the south pole (1).
    public static func uvSphere(center: Float3 = .zero, radius: Float = 1, segments: Int = 64, rings: Int = 32) -> Mesh {
        let r = Double(radius)
        let profile = [LatheProfile.Piece(samples: max(2, rings)) { t in
            let a = t * Double.pi
            return SIMD2(r * sin(a), -r * cos(a))
        }]
        return LatheProfile(pieces: profile).revolve(segments: max(3, segments), offset: center.simd)
    }

    /// The classic material-preview "shader ball", revolved about +y from a
    /// 2D profile: a round pedestal (radius 0.5, rounded top edge) standing on
    /// y = 0, a neck with a fillet, and a ball of radius 0.4 centred at
    /// y = 0.6 with a shallow groove ring just above its equator that catches
    /// highlights. Total height 1 m; scale it with the object's transform.
    /// Sharp edges (base rim, neck-to-ball joint) get split normals; the
    /// rounded parts and the groove are smooth.
    public static func shaderBall(segments: Int = 96) -> Mesh {
        let ballCenter = 0.6, ballRadius = 0.4, neckRadius = 0.15
        let baseRadius = 0.5, baseHeight = 0.06, bevel = 0.06, fillet = 0.04
        let topOfBase = baseHeight + bevel
        let grooveCenter = 0.62 * Double.pi   // polar angle from the bottom
        let grooveHalfWidth = 0.10, grooveDepth = 0.02
        // Polar angle (from the bottom of the ball) where the neck enters it.
        let neckAngle = asin(neckRadius / ballRadius)
        let neckTop = ballCenter - ballRadius * cos(neckAngle)

        func ball(_ a: Double) -> SIMD2<Double> {
            var r = ballRadius
            let g = (a - (grooveCenter - grooveHalfWidth)) / (2 * grooveHalfWidth)
            if g > 0 && g < 1 {
                // sin² bump: zero value and slope at both ends, so the groove
                // blends smoothly into the sphere.
                let s = sin(g * Double.pi)
                r -= grooveDepth * s * s
            }
            return SIMD2(r * sin(a), ballCenter - r * cos(a))
        }
        func lerp(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> (Double) -> SIMD2<Double> {
            { t in a + (b - a) * t }
        }
        let g0 = grooveCenter - grooveHalfWidth, g1 = grooveCenter + grooveHalfWidth
        let pieces: [LatheProfile.Piece] = [
            // Bottom disc, outwards from the axis.
            .init(samples: 3, lerp(SIMD2(0, 0), SIMD2(baseRadius, 0))),
            // Vertical rim of the pedestal.
            .init(samples: 1, lerp(SIMD2(baseRadius, 0), SIMD2(baseRadius, baseHeight))),
            // Rounded top edge (quarter circle, convex).
            .init(samples: 8) { t in
                let a = t * Double.pi / 2
                return SIMD2(baseRadius - bevel + bevel * cos(a), baseHeight + bevel * sin(a))
            },
            // Flat top of the pedestal, inwards.
            .init(samples: 3, lerp(SIMD2(baseRadius - bevel, topOfBase), SIMD2(neckRadius + fillet, topOfBase))),
            // Concave fillet into the neck (quarter circle from 270° back to 180°).
            .init(samples: 6) { t in
                let a = 1.5 * Double.pi - t * Double.pi / 2
                return SIMD2(neckRadius + fillet + fillet * cos(a), topOfBase + fillet + fillet * sin(a))
            },
            // Neck, straight up into the ball.
            .init(samples: 2, lerp(SIMD2(neckRadius, topOfBase + fillet), SIMD2(neckRadius, neckTop))),
            // Ball below the groove, the groove, and the ball above it to the pole.
            .init(samples: 24) { t in ball(neckAngle + (g0 - neckAngle) * t) },
            .init(samples: 16) { t in ball(g0 + (g1 - g0) * t) },
            .init(samples: 24) { t in ball(g1 + (Double.pi - g1) * t) },
        ]
        return LatheProfile(pieces: pieces).revolve(segments: max(3, segments), offset: .zero)
    }
}

/// Accumulates vertices and triangles for the procedural shapes and finishes
/// them with generated tangents.
struct MeshBuilder {
    var positions: [SIMD3<Float>] = []
    var normals: [SIMD3<Float>] = []
    var uvs: [Float2] = []
    var indices: [UInt32] = []

    /// A flat rectangle facing `normal`; `right` is the image's +u direction
    /// seen from outside, so image-up is cross(normal, right).
    mutating func addQuad(center: SIMD3<Float>, normal: SIMD3<Float>, right: SIMD3<Float>, halfRight: Float, halfUp: Float) {
        let up = simdCross(normal, right)
        let base = UInt32(positions.count)
        let corners: [(Float, Float)] = [(0, 0), (1, 0), (1, 1), (0, 1)]  // TL, TR, BR, BL in uv
        for (u, v) in corners {
            positions.append(center + right * ((2 * u - 1) * halfRight) + up * ((1 - 2 * v) * halfUp))
            normals.append(normal)
            uvs.append(Float2(u, v))
        }
        // (TL, BL, BR) and (TL, BR, TR) are CCW seen from the normal's side.
        indices += [base, base + 3, base + 2, base, base + 2, base + 1]
    }

    func build() -> Mesh {
        let tangents = MeshTangents.generate(positions: positions, normals: normals, uvs: uvs, indices: indices)
        return Mesh(positions: positions.map(Float3.init), normals: normals.map(Float3.init),
                    uvs: uvs, tangents: tangents, indices: indices)
    }
}

/// A 2D profile (radius r ≥ 0, height y) made of smooth pieces, revolved
/// about +y. Consecutive pieces share end points but not vertices, so the
/// joints can be creases; normals come from the profile's derivative.
struct LatheProfile {
    struct Piece {
        /// Number of intervals the piece is cut into.
        var samples: Int
        /// Point on the piece for t in [0, 1]; must stay defined slightly outside that range.
        var curve: (Double) -> SIMD2<Double>
        init(samples: Int, _ curve: @escaping (Double) -> SIMD2<Double>) { self.samples = samples; self.curve = curve }
    }

    var pieces: [Piece]

    /// Revolves the profile: u = φ/2π around, increasing to the right seen
    /// from outside (points are (r cos φ, y, −r sin φ)), v = arc length from
    /// the top (0) to the bottom (1). Tangents are analytic (∂p/∂u).
    func revolve(segments: Int, offset: SIMD3<Float>) -> Mesh {
        // Sample the profile, with outward 2D normals (dy, −dr) of a profile
        // traversed bottom-to-top.
        var rings: [[(p: SIMD2<Double>, n: SIMD2<Double>, s: Double)]] = []
        var arc = 0.0
        var last: SIMD2<Double>?
        for piece in pieces {
            var ring: [(SIMD2<Double>, SIMD2<Double>, Double)] = []
            for k in 0...piece.samples {
                let t = Double(k) / Double(piece.samples)
                let p = piece.curve(t)
                let h = 1e-5
                let d = piece.curve(t + h) - piece.curve(t - h)
                let len = (d.x * d.x + d.y * d.y).squareRoot()
                let n = len > 0 ? SIMD2(d.y, -d.x) / len : SIMD2(0, 1)
                if let l = last { arc += ((p - l) * (p - l)).sum().squareRoot() }
                last = p
                ring.append((p, n, arc))
            }
            rings.append(ring)
        }
        let total = max(arc, 1e-9)

        var builder = MeshBuilder()
        var tangents: [Float4] = []
        for ring in rings {
            let first = UInt32(builder.positions.count)
            for sample in ring {
                for j in 0...segments {
                    let phi = 2 * Double.pi * Double(j) / Double(segments)
                    let (c, s) = (cos(phi), sin(phi))
                    let r = max(sample.p.x, 0)
                    builder.positions.append(SIMD3(Float(r * c), Float(sample.p.y), Float(-r * s)) + offset)
                    let n = SIMD3(Float(sample.n.x * c), Float(sample.n.y), Float(-sample.n.x * s))
                    builder.normals.append(simdNormalizedOrNil(n) ?? SIMD3(0, 1, 0))
                    builder.uvs.append(Float2(Float(j) / Float(segments), Float(1 - sample.s / total)))
                    // ∂p/∂u is horizontal and always perpendicular to the normal;
                    // cross(n, t) runs up the profile (decreasing v), so w = +1.
                    tangents.append(Float4(Float(-s), 0, Float(-c), 1))
                }
            }
            let columns = UInt32(segments + 1)
            for k in 0..<(ring.count - 1) {
                let lowerOnAxis = ring[k].p.x <= 0, upperOnAxis = ring[k + 1].p.x <= 0
                for j in 0..<UInt32(segments) {
                    let a = first + UInt32(k) * columns + j      // (k, j)
                    let b = a + columns                          // (k+1, j)
                    let c = b + 1                                // (k+1, j+1)
                    let d = a + 1                                // (k, j+1)
                    if !upperOnAxis { builder.indices += [a, c, b] }
                    if !lowerOnAxis { builder.indices += [a, d, c] }
                }
            }
        }
        return Mesh(positions: builder.positions.map(Float3.init), normals: builder.normals.map(Float3.init),
                    uvs: builder.uvs, tangents: tangents, indices: builder.indices)
    }
}
