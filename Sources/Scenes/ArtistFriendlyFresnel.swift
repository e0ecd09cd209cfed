/// Gulbrandsen 2014, "Artist Friendly Metallic Fresnel" (JCGT 3(4)): maps an
/// artist's reflectivity r (the colour at normal incidence) and edge tint g
/// (the colour towards grazing angles) to a complex IOR (n, k) per channel, so
/// the physically based conductor Fresnel reproduces r exactly at normal
/// incidence. Derived from the conductor Fresnel equations:
///
///   n_min = (1 − r) / (1 + r)            (g = 1: smallest n, most absorption, brightest edge)
///   n_max = (1 + √r) / (1 − √r)          (g = 0: the k = 0 solution, dimmest edge)
///   n     = g · n_min + (1 − g) · n_max
///   k²    = (r·(n + 1)² − (n − 1)²) / (1 − r)
///
/// The inverse (`reflectivity(eta:k:)`) is the normal-incidence Fresnel
/// reflectance ((n−1)² + k²) / ((n+1)² + k²).
public enum ArtistFriendlyFresnel {
    /// r is clamped to [0, 0.99] (r = 1 has no finite IOR) and g to [0, 1].
    public static func complexIOR(reflectivity r: Float3, edgeTint g: Float3) -> (eta: Float3, k: Float3) {
        let a = channel(r.x, g.x), b = channel(r.y, g.y), c = channel(r.z, g.z)
        return (Float3(a.n, b.n, c.n), Float3(a.k, b.k, c.k))
    }

    static func channel(_ reflectivity: Float, _ edgeTint: Float) -> (n: Float, k: Float) {
        let r = Double(min(max(reflectivity, 0), 0.99))
        let g = Double(min(max(edgeTint, 0), 1))
        let sr = r.squareRoot()
        let nMin = (1 - r) / (1 + r)
        let nMax = (1 + sr) / (1 - sr)
        let n = g * nMin + (1 - g) * nMax
        let k2 = (r * (n + 1) * (n + 1) - (n - 1) * (n - 1)) / (1 - r)
        return (Float(n), Float(max(k2, 0).squareRoot()))
    }

    /// Normal-incidence reflectance of a conductor with complex IOR eta + i·k.
    public static func reflectivity(eta: Float3, k: Float3) -> Float3 {
        func f(_ n: Float, _ k: Float) -> Float { ((n - 1) * (n - 1) + k * k) / ((n + 1) * (n + 1) + k * k) }
        return Float3(f(eta.x, k.x), f(eta.y, k.y), f(eta.z, k.z))
    }
}
