import Foundation
import Scenes

/// An orbit camera: a target point, a distance and two angles (yaw about
/// the scene's up vector, pitch above the plane perpendicular to it).
/// Mouse deltas are in window pixels; `viewportHeight` scales them so a
/// drag feels the same at any window size.
public struct OrbitCamera: Equatable, Sendable {
    public var target: SIMD3<Float>
    public var distance: Float
    /// Radians about `up`; 0 = the initial camera's side.
    public var yaw: Float
    /// Radians above the horizon, kept inside (−90°, 90°).
    public var pitch: Float
    public let up: SIMD3<Float>
    /// Unit vectors spanning the horizon plane (yaw 0 and yaw 90°).
    let axis0: SIMD3<Float>
    let axis1: SIMD3<Float>
    public var fovY: Float
    public var apertureRadius: Float

    static let pitchLimit: Float = .pi / 2 - 0.01
    public static let minimumDistance: Float = 1e-3
    public static let maximumDistance: Float = 1e6

    public init(camera: Camera) {
        let position = camera.position.simd
        target = camera.target.simd
        fovY = camera.fovY
        apertureRadius = camera.apertureRadius
        up = normalized(camera.up.simd) ?? SIMD3(0, 1, 0)
        let offset = position - target
        distance = max(length(offset), Self.minimumDistance)
        let direction = normalized(offset) ?? SIMD3(0, 0, 1)
        // Horizon axes: yaw 0 points at the initial camera when it is not
        // looking straight along `up`.
        let horizontal = direction - up * dot(direction, up)
        let fallback = abs(up.x) < 0.9 ? SIMD3<Float>(1, 0, 0) : SIMD3<Float>(0, 0, 1)
        axis0 = normalized(horizontal) ?? normalized(fallback - up * dot(fallback, up)) ?? SIMD3(0, 0, 1)
        axis1 = cross(up, axis0)
        pitch = min(max(asin(min(max(dot(direction, up), -1), 1)), -Self.pitchLimit), Self.pitchLimit)
        yaw = atan2(dot(direction, axis1), dot(direction, axis0))
    }

    /// Unit vector from the target towards the camera.
    public var direction: SIMD3<Float> {
        cos(pitch) * (cos(yaw) * axis0 + sin(yaw) * axis1) + sin(pitch) * up
    }

    public var position: SIMD3<Float> { target + distance * direction }

    /// The camera's right and up vectors on screen.
    var screenAxes: (right: SIMD3<Float>, up: SIMD3<Float>) {
        let forward = -direction
        let right = normalized(cross(forward, up)) ?? axis1
        return (right, cross(right, forward))
    }

    /// The scene camera for this orbit state. A thin lens focuses on the target.
    public var camera: Camera {
        Camera(position: Float3(position), target: Float3(target), up: Float3(up), fovY: fovY,
               apertureRadius: apertureRadius, focusDistance: apertureRadius > 0 ? distance : 0)
    }

    /// Left drag: the scene turns with the cursor (half a turn per window height).
    public mutating func orbit(dx: Double, dy: Double, viewportHeight: Int) {
        let radiansPerPixel = Float.pi / Float(max(viewportHeight, 1))
        yaw -= Float(dx) * radiansPerPixel
        pitch = min(max(pitch + Float(dy) * radiansPerPixel, -Self.pitchLimit), Self.pitchLimit)
        yaw = remainder(yaw, 2 * .pi)
    }

    /// Middle or shift drag: the point under the cursor (at the target's
    /// depth) follows it.
    public mutating func pan(dx: Double, dy: Double, viewportHeight: Int) {
        let worldPerPixel = 2 * distance * tan(fovY * .pi / 360) / Float(max(viewportHeight, 1))
        let axes = screenAxes
        target += (-Float(dx) * axes.right + Float(dy) * axes.up) * worldPerPixel
    }

    /// Scroll: each step up moves 15% closer to the target.
    public mutating func zoom(steps: Double) {
        distance = min(max(distance * Float(pow(0.85, steps)), Self.minimumDistance), Self.maximumDistance)
    }

    /// Looks at `bounds` from the current direction so its bounding sphere
    /// fills the narrower field of view.
    public mutating func frame(_ bounds: SceneBounds, aspect: Float) {
        target = bounds.center
        let halfY = fovY * .pi / 360
        let halfX = atan(tan(halfY) * max(aspect, 1e-3))
        let half = min(halfY, halfX)
        let radius = max(bounds.radius, 1e-3)
        distance = min(max(radius / sin(half) * 1.05, Self.minimumDistance), Self.maximumDistance)
    }
}

/// An axis-aligned box around the interesting part of a scene.
public struct SceneBounds: Equatable, Sendable {
    public var min: SIMD3<Float>
    public var max: SIMD3<Float>
    public var center: SIMD3<Float> { (min + max) / 2 }
    /// Radius of the bounding sphere of the box.
    public var radius: Float { length(max - min) / 2 }

    public init(min: SIMD3<Float>, max: SIMD3<Float>) { self.min = min; self.max = max }

    func union(_ other: SceneBounds) -> SceneBounds {
        SceneBounds(min: pointwiseMin(min, other.min), max: pointwiseMax(max, other.max))
    }

    /// Flat objects (ground planes, backdrops: one side under 1% of the
    /// longest) are left out when anything else exists, so framing shows the
    /// objects rather than a 20 m floor. Nil for an empty scene.
    public init?(scene: Scene) {
        var solid: SceneBounds?
        var everything: SceneBounds?
        for object in scene.objects {
            guard let box = Self.bounds(of: object) else { continue }
            everything = everything.map { $0.union(box) } ?? box
            let extent = box.max - box.min
            let longest = Swift.max(extent.x, extent.y, extent.z)
            let shortest = Swift.min(extent.x, extent.y, extent.z)
            if shortest >= 0.01 * longest { solid = solid.map { $0.union(box) } ?? box }
        }
        guard let chosen = solid ?? everything else { return nil }
        self = chosen
    }

    static func bounds(of object: SceneObject) -> SceneBounds? {
        let t = object.transform
        switch object.shape {
        case let .sphere(center, radius):
            let c = t.apply(point: center.simd)
            let rows = t.linearRows
            // Largest stretch of the linear part bounds the transformed radius.
            let columns = [SIMD3(rows.0.x, rows.1.x, rows.2.x), SIMD3(rows.0.y, rows.1.y, rows.2.y), SIMD3(rows.0.z, rows.1.z, rows.2.z)]
            let scale = columns.map(length).max() ?? 1
            let r = SIMD3<Float>(repeating: abs(radius) * scale)
            guard c.x.isFinite, c.y.isFinite, c.z.isFinite, r.x.isFinite else { return nil }
            return SceneBounds(min: c - r, max: c + r)
        case let .mesh(mesh):
            guard let local = mesh.bounds else { return nil }
            var lo = SIMD3<Float>(repeating: .infinity), hi = SIMD3<Float>(repeating: -.infinity)
            for i in 0..<8 {
                let corner = SIMD3(i & 1 == 0 ? local.min.x : local.max.x,
                                   i & 2 == 0 ? local.min.y : local.max.y,
                                   i & 4 == 0 ? local.min.z : local.max.z)
                let p = t.apply(point: corner)
                lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
            }
            guard lo.x.isFinite, hi.x.isFinite, lo.y.isFinite, hi.y.isFinite, lo.z.isFinite, hi.z.isFinite else { return nil }
            return SceneBounds(min: lo, max: hi)
        }
    }
}

// Small vector helpers (SIMD3<Float> has no dot/cross in the standard library).
func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }
func length(_ v: SIMD3<Float>) -> Float { dot(v, v).squareRoot() }
func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
func normalized(_ v: SIMD3<Float>) -> SIMD3<Float>? {
    let l = length(v)
    return l > 1e-12 && l.isFinite ? v / l : nil
}
