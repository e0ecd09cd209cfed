/// Direction sampling helpers, identical to Shaders/include/sampling.glsl.
enum Sampling {
    @inline(__always) static func concentricDisk(_ u: Vec2) -> Vec2 {
        let o = 2 * u - 1
        if o.x == 0 && o.y == 0 { return Vec2(0, 0) }
        let r: Float, theta: Float
        if abs(o.x) > abs(o.y) {
            r = o.x; theta = (Float.pi / 4) * (o.y / o.x)
        } else {
            r = o.y; theta = (Float.pi / 2) - (Float.pi / 4) * (o.x / o.y)
        }
        return Vec2(r * cosf(theta), r * sinf(theta))
    }

    /// Cosine-weighted hemisphere direction (pdf = z/π).
    @inline(__always) static func cosineHemisphere(_ u: Vec2) -> Vec3 {
        let d = concentricDisk(u)
        let z = max(0, 1 - (d.x * d.x + d.y * d.y)).squareRoot()
        return Vec3(d.x, d.y, z)
    }

    /// Uniform hemisphere direction (pdf = 1/2π).
    @inline(__always) static func uniformHemisphere(_ u: Vec2) -> Vec3 {
        let z = u.x
        let r = max(0, 1 - z * z).squareRoot()
        let phi = 2 * Float.pi * u.y
        return Vec3(r * cosf(phi), r * sinf(phi), z)
    }
}

#if canImport(Glibc)
import Glibc
#endif
