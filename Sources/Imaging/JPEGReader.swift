import CJPEG
import Foundation

/// 8-bit RGB pixels as stored in an image file: 3 bytes per pixel, top row first.
public struct RGB8Image: Sendable {
    public var width: Int
    public var height: Int
    public var bytes: [UInt8]

    /// RGBA floats with each code value mapped through `table` (one entry per code value),
    /// alpha 1; `flipRows` puts the file's top row last.
    public func expanded(table: [Float], flipRows: Bool) -> [SIMD4<Float>] {
        // A short table reads as 0 beyond its end (never out of bounds).
        let table = table.count >= 256 ? table : table + [Float](repeating: 0, count: 256 - table.count)
        let count = width * height
        guard count > 0, bytes.count >= count * 3 else { return [] }
        // Every element is written by lq_rgb8_expand: no zero fill first.
        return [SIMD4<Float>](unsafeUninitializedCapacity: count) { dst, initialized in
            bytes.withUnsafeBufferPointer { src in
                table.withUnsafeBufferPointer { t in
                    if let s = src.baseAddress, let tb = t.baseAddress, let d = dst.baseAddress {
                        UnsafeMutableRawPointer(d).withMemoryRebound(to: Float.self, capacity: count * 4) { f in
                            lq_rgb8_expand(s, width, height, tb, flipRows ? 1 : 0, f)
                        }
                        initialized = count
                    } else {
                        initialized = 0
                    }
                }
            }
        }
    }
}

/// Reads a baseline or progressive JPEG (libjpeg-turbo) as linear RGB: the
/// 8-bit sRGB code values are decoded like PNG's, alpha is 1. Greyscale
/// files become grey RGB; CMYK files, damaged or truncated data and images
/// over 2^28 pixels are refused with a typed one-line error.
public func readJPEG(_ path: String) throws -> Image {
    try checkReadableFile(path)
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ImagingError(.unreadable, path: path, "cannot read the file; check permissions")
    }
    let rgb = try decodeJPEG8(data, path: path)
    let pixels = rgb.expanded(table: (0..<256).map { SRGB.decode8(UInt8($0)) }, flipRows: false)
    return try Image(width: rgb.width, height: rgb.height, pixels: pixels)
}

/// Decodes JPEG bytes to their 8-bit RGB code values (`path` only names them
/// in errors). Material textures use this to apply their own colour space.
public func decodeJPEG8(_ data: Data, path: String) throws -> RGB8Image {
    guard data.count >= 4 else {
        throw ImagingError(.corrupt, path: path, "not a JPEG (only \(data.count) bytes); check that it is a complete .jpg image")
    }
    var pixels: UnsafeMutablePointer<UInt8>?
    var width: Int32 = 0, height: Int32 = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = data.withUnsafeBytes { raw -> Int32 in
        let base = raw.bindMemory(to: UInt8.self).baseAddress
        return message.withUnsafeMutableBufferPointer { m in
            lq_jpeg_decode(base, UInt(raw.count), 1 << 28, &pixels, &width, &height, m.baseAddress, m.count)
        }
    }
    let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    switch status {
    case 0: break
    case 2: throw ImagingError(.unsupported, path: path, "JPEG of \(text) is empty or too large; check the file")
    case 3: throw ImagingError(.corrupt, path: path, "the JPEG data is damaged or truncated (\(text)); re-export the image")
    default: throw ImagingError(.corrupt, path: path, "cannot decode the JPEG (\(text.isEmpty ? "unknown error" : text)); re-export it as baseline RGB JPEG or PNG")
    }
    guard let bytes = pixels else {
        throw ImagingError(.corrupt, path: path, "the JPEG decoder returned no pixels")
    }
    defer { lq_jpeg_free(bytes) }
    let count = Int(width) * Int(height) * 3
    return RGB8Image(width: Int(width), height: Int(height), bytes: Array(UnsafeBufferPointer(start: bytes, count: count)))
}
