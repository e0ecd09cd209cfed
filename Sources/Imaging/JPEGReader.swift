import CJPEG
import Foundation

/// 8-bit RGB pixels as stored in an image file: 3 bytes per pixel, top row first.
public struct RGB8Image: Sendable {
    public var width: Int
    public var height: Int
    public var bytes: [UInt8]
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
    var out = [SIMD4<Float>](repeating: .zero, count: rgb.width * rgb.height)
    let table = (0..<256).map { SRGB.decode8(UInt8($0)) }
    for i in out.indices {
        out[i] = SIMD4(table[Int(rgb.bytes[3 * i])], table[Int(rgb.bytes[3 * i + 1])], table[Int(rgb.bytes[3 * i + 2])], 1)
    }
    return try Image(width: rgb.width, height: rgb.height, pixels: out)
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
