import Foundation
import Imaging

/// An 8-bit sRGB-encoded RGBA picture, top row first: what the viewer shows.
public struct DisplayFrame: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var rgba: [UInt8]

    public init(width: Int, height: Int, rgba: [UInt8]) {
        self.width = width; self.height = height; self.rgba = rgba
    }

    /// Decoded back to linear floats, e.g. to write it with `writePNG(toneMap: .clamp)`
    /// (which re-encodes every 8-bit value exactly).
    public var linearImage: Image {
        var image = Image(width: width, height: height)
        for i in 0..<(width * height) {
            image.pixels[i] = SIMD4(SRGB.decode8(rgba[4 * i]), SRGB.decode8(rgba[4 * i + 1]),
                                    SRGB.decode8(rgba[4 * i + 2]), Float(rgba[4 * i + 3]) / 255)
        }
        return image
    }
}

/// Turns the sessions' mean radiance into the picture on screen: tone
/// mapping with the viewer's exposure (ACES, as `lacquer render --png`),
/// split-screen and error-heatmap compositing, and the final fit to the
/// swapchain's size and byte order. CPU only; testable without a GPU.
public enum DisplayComposer {
    public static let dividerColor: (UInt8, UInt8, UInt8) = (255, 255, 255)

    public static func toneMapped(_ image: Image, exposure: Float) -> DisplayFrame {
        DisplayFrame(width: image.width, height: image.height, rgba: opaque(image.toneMapped(exposure: exposure, operator: .aces)))
    }

    /// What `mode` shows. `neural` must be given for every mode but
    /// `.reference` (and `reference` for every mode but `.neural`); both have
    /// the same size. `divider` is the split position as a width fraction.
    public static func compose(mode: DisplayMode, reference: Image?, neural: Image?,
                               exposure: Float, divider: Double = 0.5) throws -> DisplayFrame {
        switch mode {
        case .reference:
            guard let reference else { throw ViewerError("internal: reference image missing") }
            return toneMapped(reference, exposure: exposure)
        case .neural:
            guard let neural else { throw ViewerError("internal: neural image missing") }
            return toneMapped(neural, exposure: exposure)
        case .split:
            guard let reference, let neural else { throw ViewerError("internal: split view needs both images") }
            return try split(left: toneMapped(neural, exposure: exposure), right: toneMapped(reference, exposure: exposure),
                             divider: divider)
        case .heatmap:
            guard let reference, let neural else { throw ViewerError("internal: heatmap needs both images") }
            let heat = try errorHeatmap(neural, reference)
            return DisplayFrame(width: heat.width, height: heat.height, rgba: opaque(heat.toneMapped(exposure: 0, operator: .clamp)))
        }
    }

    /// Columns left of the divider from `left`, the rest from `right`, and a
    /// one-pixel white line at the divider.
    public static func split(left: DisplayFrame, right: DisplayFrame, divider: Double) throws -> DisplayFrame {
        guard left.width == right.width, left.height == right.height else {
            throw ViewerError("internal: split halves differ in size (\(left.width)×\(left.height) vs \(right.width)×\(right.height))")
        }
        let w = left.width, h = left.height
        let column = min(max(Int((divider * Double(w)).rounded()), 0), max(w - 1, 0))
        var out = right.rgba
        left.rgba.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let row = y * w * 4
                    for i in row..<(row + column * 4) { dst[i] = src[i] }
                    let d = row + column * 4
                    dst[d] = dividerColor.0; dst[d + 1] = dividerColor.1; dst[d + 2] = dividerColor.2; dst[d + 3] = 255
                }
            }
        }
        return DisplayFrame(width: w, height: h, rgba: out)
    }

    /// `frame` scaled (nearest neighbour) to `width`×`height` and written in
    /// the swapchain's byte order: the reduced-resolution frames while the
    /// camera moves are enlarged here.
    public static func fit(_ frame: DisplayFrame, width: Int, height: Int, bgra: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height * 4)
        guard frame.width > 0, frame.height > 0, width > 0, height > 0 else { return out }
        let sameSize = frame.width == width && frame.height == height
        let xs = (0..<width).map { min($0 * frame.width / width, frame.width - 1) }
        frame.rgba.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let sy = sameSize ? y : min(y * frame.height / height, frame.height - 1)
                    let srcRow = sy * frame.width * 4
                    var d = y * width * 4
                    for x in 0..<width {
                        let s = srcRow + (sameSize ? x : xs[x]) * 4
                        if bgra {
                            dst[d] = src[s + 2]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s]
                        } else {
                            dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                        }
                        dst[d + 3] = src[s + 3]
                        d += 4
                    }
                }
            }
        }
        return out
    }

    /// The window is opaque: alpha 255 everywhere (the renderer's alpha is 1 anyway).
    static func opaque(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        var i = 3
        while i < bytes.count { bytes[i] = 255; i += 4 }
        return bytes
    }
}
