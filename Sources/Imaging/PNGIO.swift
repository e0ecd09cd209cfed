import CPNG
import Foundation

/// Writes `image` as an 8-bit sRGB RGBA PNG after exposure and tone mapping.
///
/// Uses libpng's simplified API; the file appears atomically (via
/// `path + ".tmp"` and rename). Use `toneMap: .clamp` for images that are
/// already display values in [0, 1], such as heatmaps and comparison sheets.
public func writePNG(_ image: Image, to path: String, exposure: Float = 0,
                     toneMap: ToneMapOperator = .aces) throws {
    guard image.width > 0, image.height > 0, image.pixels.count == image.width * image.height,
          image.width <= Int(UInt32.max / 4), image.height <= Int(UInt32.max) else {
        throw ImagingError(.invalidInput, path: path,
            "cannot write a \(image.width)x\(image.height) image with \(image.pixels.count) pixels as PNG; pass a non-empty, consistent image")
    }
    let bytes = image.toneMapped(exposure: exposure, operator: toneMap)
    try AtomicFile.write(to: path) { tmp in
        var png = png_image()
        png.version = LQ_PNG_IMAGE_VERSION
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.format = LQ_PNG_FORMAT_RGBA
        let ok = bytes.withUnsafeBytes { raw in
            png_image_write_to_file(&png, tmp, 0, raw.baseAddress, 0, nil)
        }
        let message = pngMessage(&png)
        png_image_free(&png)
        guard ok != 0 else {
            throw ImagingError(.writeFailed, path: path,
                "libpng could not write the PNG (\(message)); check the directory exists, is writable and has free space")
        }
    }
}

/// Reads a PNG (any bit depth or colour type) as a linear float image.
///
/// libpng converts to 8-bit sRGB RGBA; the colour is then decoded to linear
/// so the result can be compared with rendered images directly.
public func readPNG(_ path: String) throws -> Image {
    try checkReadableFile(path)
    var png = png_image()
    png.version = LQ_PNG_IMAGE_VERSION
    guard png_image_begin_read_from_file(&png, path) != 0 else {
        let message = pngMessage(&png)
        png_image_free(&png)
        throw ImagingError(.corrupt, path: path, "not a readable PNG (\(message)); check that it is a complete .png image")
    }
    return try finishPNGRead(&png, path: path)
}

/// Decodes PNG bytes held in memory (an image embedded in a .glb or a data
/// URI) exactly as `readPNG` decodes a file; `path` names it in errors.
public func decodePNG(_ data: Data, path: String) throws -> Image {
    // libpng keeps a pointer to the memory until the read finishes: one scope for both halves.
    try data.withUnsafeBytes { raw in
        var png = png_image()
        png.version = LQ_PNG_IMAGE_VERSION
        guard let base = raw.baseAddress, raw.count > 0, png_image_begin_read_from_memory(&png, base, raw.count) != 0 else {
            let message = raw.count == 0 ? "no bytes" : pngMessage(&png)
            png_image_free(&png)
            throw ImagingError(.corrupt, path: path, "not a readable PNG (\(message)); check that it is a complete .png image")
        }
        return try finishPNGRead(&png, path: path)
    }
}

/// The second half of a simplified-API read: 8-bit sRGB RGBA decoded to linear.
private func finishPNGRead(_ png: inout png_image, path: String) throws -> Image {
    png.format = LQ_PNG_FORMAT_RGBA
    let width = Int(png.width), height = Int(png.height)
    guard width > 0, height > 0, width <= 1 << 28, height <= 1 << 28, width * height <= 1 << 28 else {
        png_image_free(&png)
        throw ImagingError(.unsupported, path: path, "PNG of \(width)x\(height) pixels is empty or too large; check the file")
    }
    var bytes = [UInt8](repeating: 0, count: width * height * 4)
    let ok = bytes.withUnsafeMutableBytes { raw in
        png_image_finish_read(&png, nil, raw.baseAddress, 0, nil)
    }
    let message = pngMessage(&png)
    png_image_free(&png)
    guard ok != 0 else {
        throw ImagingError(.corrupt, path: path, "cannot decode the PNG (\(message)); the file is damaged or truncated, re-export it")
    }
    var pixels = [SIMD4<Float>](repeating: .zero, count: width * height)
    for i in pixels.indices {
        pixels[i] = SIMD4(SRGB.decode8(bytes[4 * i]), SRGB.decode8(bytes[4 * i + 1]),
                          SRGB.decode8(bytes[4 * i + 2]), Float(bytes[4 * i + 3]) / 255)
    }
    return try Image(width: width, height: height, pixels: pixels)
}

/// libpng keeps its message in a fixed char[64] inside png_image.
private func pngMessage(_ png: inout png_image) -> String {
    let text = withUnsafeBytes(of: &png.message) { raw -> String in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
    return text.isEmpty ? "unknown error" : text
}
