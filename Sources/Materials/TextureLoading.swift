import Foundation
import Imaging

/// Loads PNG / JPEG / EXR files into `MaterialTexture`s (rows flipped so the file's
/// top row is at v = 1). PNG and JPEG colour is decoded from sRGB by Imaging; with
/// `raw` (data such as normal maps and masks) the sRGB decoding is undone so
/// the stored values are the file's code values / 255.
enum TextureLoading {
    static func load(path: String, wrap: TextureWrap, raw: Bool, file: String, node: String) throws -> (MaterialTexture, Data) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MaterialError(.fileNotFound, file: file, node: node, input: "file",
                                "texture '\(path)' does not exist; check the path (relative to the material file)")
        }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw MaterialError(.io, file: file, node: node, input: "file", "cannot read texture '\(path)'; check permissions")
        }
        return (try decode(bytes, name: path, path: path, wrap: wrap, raw: raw, file: file, node: node), bytes)
    }

    /// Decodes an image held in memory, its format chosen by `name`'s extension
    /// (.png, .jpg/.jpeg; .exr only from a file at `path`). Used for files and
    /// for images embedded in glTF buffers or data URIs.
    static func decode(_ bytes: Data, name: String, path: String?, wrap: TextureWrap, raw: Bool,
                       file: String, node: String) throws -> MaterialTexture {
        let lower = name.lowercased()
        let image: Image
        do {
            if lower.hasSuffix(".png") {
                image = try decodePNG(bytes, path: name)
            } else if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") {
                return try texture(from: try decodeJPEG8(bytes, path: name), wrap: wrap, raw: raw)
            } else if lower.hasSuffix(".exr"), let path {
                image = try readEXR(path, clampNegative: false)
            } else {
                throw MaterialError(.unsupported, file: file, node: node, input: "file",
                                    "texture '\(name)' is not .png, .jpg or .exr; convert it to one of those")
            }
        } catch let e as MaterialError {
            throw e
        } catch {
            throw MaterialError(.texture, file: file, node: node, input: "file", "cannot decode texture: \(error)")
        }
        guard image.width > 0, image.height > 0 else {
            throw MaterialError(.texture, file: file, node: node, input: "file", "texture '\(name)' is empty")
        }
        // 8-bit formats are decoded from sRGB by Imaging; raw data gets its code values back.
        let isPNG = lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg")
        var pixels = [SIMD4<Float>](repeating: SIMD4<Float>(), count: image.width * image.height)
        for y in 0..<image.height {
            let src = (image.height - 1 - y) * image.width
            for x in 0..<image.width {
                var p = image.pixels[src + x]
                if raw && isPNG { p = SIMD4(srgbEncode(p.x), srgbEncode(p.y), srgbEncode(p.z), p.w) }
                if !(p.x.isFinite && p.y.isFinite && p.z.isFinite && p.w.isFinite) {
                    throw MaterialError(.texture, file: file, node: node, input: "file",
                                        "texture '\(name)' contains non-finite values at pixel (\(x), \(image.height - 1 - y)); fix the image")
                }
                pixels[y * image.width + x] = p
            }
        }
        return MaterialTexture(width: image.width, height: image.height, pixels: pixels, wrap: wrap)
    }

    /// An 8-bit RGB image as a texture (alpha 1), rows flipped: one table
    /// lookup per channel (sRGB-decoded, or code value / 255 when `raw`).
    static func texture(from rgb: RGB8Image, wrap: TextureWrap, raw: Bool) throws -> MaterialTexture {
        let table: [Float] = (0..<256).map { raw ? Float($0) / 255 : SRGB.decode8(UInt8($0)) }
        return MaterialTexture(width: rgb.width, height: rgb.height, pixels: rgb.expanded(table: table, flipRows: true), wrap: wrap)
    }

    static func srgbEncode(_ c: Float) -> Float {
        let x = min(max(c, 0), 1)
        return x <= 0.0031308 ? 12.92 * x : 1.055 * powf(x, 1 / 2.4) - 0.055
    }
}

#if canImport(Glibc)
import Glibc
#endif
