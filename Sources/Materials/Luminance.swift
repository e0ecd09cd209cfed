/// Luminance of linear Rec. 709 RGB (the weights of Shaders/include/sampling.glsl's
/// `luminance`): one definition for every place that reduces an RGB value
/// to one brightness — the baker's sampler weights, energy ratios and
/// verdict, a twin's level-scale summary, the environment's light sampling.
@inlinable @inline(__always)
public func luminance<T: BinaryFloatingPoint>(_ r: T, _ g: T, _ b: T) -> T {
    0.2126 * r + 0.7152 * g + 0.0722 * b
}
