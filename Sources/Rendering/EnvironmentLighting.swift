import Foundation
import Imaging
import Logging
import Scenes
import Materials

/// The environment as the GPU sees it: a constant colour, or a lat-long
/// radiance map with its alias table (weights ∝ luminance · sin θ, so
/// sampling matches the solid angle each texel covers).
public struct EnvironmentLighting {
    public enum Source: Equatable { case constant, map(String), proceduralSky }
    public var source: Source
    public var constant: Float3 = .one
    public var width = 1
    public var height = 1
    public var pixels: [SIMD4<Float>] = [SIMD4(1, 1, 1, 1)]
    public var alias: AliasTable = AliasTable(weights: [1])
    public var rotationDegrees: Float = 0
    public var intensity: Float = 1

    /// Loads what `environment` describes. A missing map falls back to a
    /// procedural sky with a warning, so a scene still renders; an existing
    /// but unreadable map is an error.
    public static func load(_ environment: Scenes.Environment, logger: Logger) throws -> EnvironmentLighting {
        switch environment {
        case .constant(let c):
            var e = EnvironmentLighting(source: .constant)
            e.constant = c
            return e
        case let .map(path, rotation, intensity):
            var e: EnvironmentLighting
            if FileManager.default.fileExists(atPath: path) {
                let image: Image
                do { image = try readEXR(path, clampNegative: true) } catch {
                    throw RenderError("environment map \(path): \(error)")
                }
                e = EnvironmentLighting(source: .map(path))
                e.width = image.width
                e.height = image.height
                e.pixels = image.pixels.map { SIMD4($0.x, $0.y, $0.z, 1) }
            } else {
                logger.warning("environment map \(path) not found; using a procedural sky instead (run Tools/setup to install blender-data's HDRIs)")
                e = proceduralSky()
            }
            e.rotationDegrees = rotation
            e.intensity = intensity
            e.alias = AliasTable(weights: e.samplingWeights())
            return e
        }
    }

    /// Texel weights for the alias table: luminance · sin θ, where the
    /// luminance is the brightest of the texel's 3×3 neighbourhood (wrapping
    /// in u). Why the neighbourhood: `envRadiance` filters bilinearly, so a
    /// dark texel beside a bright window shows up to half the window's
    /// radiance; with a pdf from the dark texel alone those directions would
    /// be sampled rarely and return huge weights (fireflies that survive
    /// hundreds of spp). The dilated weights keep radiance/pdf bounded.
    func samplingWeights() -> [Double] {
        var texelLuminance = [Double](repeating: 0, count: width * height)
        for i in 0..<(width * height) {
            let p = pixels[i]
            let lum = luminance(Double(p.x), Double(p.y), Double(p.z))
            texelLuminance[i] = lum.isFinite ? max(lum, 0) : 0
        }
        var weights = [Double](repeating: 0, count: width * height)
        for y in 0..<height {
            let sinTheta = sin(Double.pi * (Double(y) + 0.5) / Double(height))
            for x in 0..<width {
                var brightest = 0.0
                for ny in max(y - 1, 0)...min(y + 1, height - 1) {
                    for dx in -1...1 {
                        let nx = (x + dx + width) % width
                        brightest = max(brightest, texelLuminance[ny * width + nx])
                    }
                }
                weights[y * width + x] = brightest * sinTheta
            }
        }
        return weights
    }

    /// A daylight-like sky: blue gradient above, warm ground below, a small bright sun.
    static func proceduralSky(width: Int = 256, height: Int = 128) -> EnvironmentLighting {
        var e = EnvironmentLighting(source: .proceduralSky)
        e.width = width
        e.height = height
        let sunDirection = SIMD3<Float>(0.4, 0.75, 0.5) / simd_length3(SIMD3<Float>(0.4, 0.75, 0.5))
        e.pixels = (0..<(width * height)).map { i in
            let x = i % width, y = i / width
            let theta = Float.pi * (Float(y) + 0.5) / Float(height)
            let phi = (( Float(x) + 0.5) / Float(width) - 0.5) * 2 * Float.pi
            let d = SIMD3<Float>(sin(theta) * sin(phi), cos(theta), -sin(theta) * cos(phi))
            var c: SIMD3<Float>
            if d.y >= 0 {
                let t = pow(d.y, 0.5)
                c = SIMD3<Float>(0.9, 0.95, 1.0) * (1 - t) + SIMD3<Float>(0.25, 0.45, 0.9) * t
            } else {
                c = SIMD3<Float>(0.25, 0.22, 0.2)
            }
            let sun = simd_dot3(d, sunDirection)
            if sun > 0.9995 { c += SIMD3<Float>(400, 380, 340) }
            return SIMD4(c.x, c.y, c.z, 1)
        }
        return e
    }
}

func simd_dot3(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }
func simd_length3(_ a: SIMD3<Float>) -> Float { simd_dot3(a, a).squareRoot() }
