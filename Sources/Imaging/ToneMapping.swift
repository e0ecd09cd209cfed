import Foundation

/// How scene-linear values are squeezed into [0, 1] for display.
public enum ToneMapOperator: String, Sendable, CaseIterable {
    /// Linear: values above 1 clip. Use for images already in [0, 1] (heatmaps, albedo).
    case clamp
    /// A rational fit of the ACES filmic RRT+ODT curve: soft shoulder, slight toe.
    case aces
    /// x / (1 + x): never clips, flattens highlights.
    case reinhard

    /// Maps one non-negative linear value to [0, 1]. NaN maps to 0.
    public func apply(_ x: Float) -> Float {
        guard !x.isNaN else { return 0 }
        let v = max(x, 0)
        switch self {
        case .clamp:
            return min(v, 1)
        case .reinhard:
            return v.isInfinite ? 1 : v / (1 + v)
        case .aces:
            guard v.isFinite else { return 1 }
            // Rational fit (a x^2 + b x) / (c x^2 + d x + e) of the ACES reference
            // curve, with the customary 0.6 input scale so mid grey stays near 0.18.
            let s = v * 0.6
            let mapped = (s * (2.51 * s + 0.03)) / (s * (2.43 * s + 0.59) + 0.14)
            return min(max(mapped, 0), 1)
        }
    }
}

/// The sRGB transfer functions (IEC 61966-2-1), used only at the 8-bit boundary.
public enum SRGB {
    /// Linear [0, 1] -> encoded [0, 1].
    public static func encode(_ linear: Float) -> Float {
        let x = min(max(linear.isNaN ? 0 : linear, 0), 1)
        return x <= 0.0031308 ? 12.92 * x : 1.055 * Float(pow(Double(x), 1 / 2.4)) - 0.055
    }

    /// Encoded [0, 1] -> linear [0, 1].
    public static func decode(_ encoded: Float) -> Float {
        let x = min(max(encoded.isNaN ? 0 : encoded, 0), 1)
        return x <= 0.04045 ? x / 12.92 : Float(pow((Double(x) + 0.055) / 1.055, 2.4))
    }

    /// Linear -> 8-bit code value, rounded to nearest.
    public static func encode8(_ linear: Float) -> UInt8 {
        UInt8(min(max((encode(linear) * 255).rounded(), 0), 255))
    }

    /// 8-bit code -> linear, via a 256-entry table computed once.
    public static func decode8(_ code: UInt8) -> Float { decodeTable[Int(code)] }

    private static let decodeTable: [Float] = (0...255).map { decode(Float($0) / 255) }
}

extension Image {
    /// Display-ready 8-bit sRGB RGBA, row-major top row first.
    ///
    /// Colour is scaled by 2^exposure, tone mapped per channel, then sRGB
    /// encoded; alpha is clamped to [0, 1] and stored linearly (PNG convention).
    public func toneMapped(exposure: Float = 0, operator op: ToneMapOperator = .aces) -> [UInt8] {
        let scale = Float(pow(2, Double(exposure)))
        var bytes = [UInt8](repeating: 0, count: pixels.count * 4)
        for (i, p) in pixels.enumerated() {
            bytes[4 * i + 0] = SRGB.encode8(op.apply(p.x * scale))
            bytes[4 * i + 1] = SRGB.encode8(op.apply(p.y * scale))
            bytes[4 * i + 2] = SRGB.encode8(op.apply(p.z * scale))
            let alpha = p.w.isNaN ? 0 : min(max(p.w, 0), 1)
            bytes[4 * i + 3] = UInt8((alpha * 255).rounded())
        }
        return bytes
    }
}
