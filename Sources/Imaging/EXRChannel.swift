/// One extra named float channel (an AOV) stored alongside R, G, B, A in an EXR.
///
/// EXR layers are just dotted channel names, e.g. `albedo.R`, `normal.X`,
/// `depth.Z`; viewers group them by the prefix. `values` is row-major, top row
/// first, `width * height` long, like `Image.pixels`.
public struct EXRChannel: Sendable, Equatable {
    public var name: String
    public var values: [Float]

    public init(name: String, values: [Float]) {
        self.name = name
        self.values = values
    }

    /// The channels of a 3-component layer: `prefix.X`, `prefix.Y`, `prefix.Z`
    /// (or any other suffixes), from one vector per pixel.
    public static func layer(_ prefix: String, suffixes: [String] = ["R", "G", "B"],
                             values: [SIMD4<Float>]) -> [EXRChannel] {
        suffixes.prefix(4).enumerated().map { index, suffix in
            EXRChannel(name: "\(prefix).\(suffix)", values: values.map { $0[index] })
        }
    }
}

/// Storage type of the channels written to an EXR.
public enum EXRPixelType: Sendable, Equatable {
    /// 16-bit float: half the size, ~3 significant digits, max 65504.
    case half
    /// 32-bit float: exact, for references and AOVs such as depth.
    case float
}
