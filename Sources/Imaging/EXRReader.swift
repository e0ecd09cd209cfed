import Foundation

/// Reads the RGBA of an EXR as a linear float image (row 0 = top of the data window).
///
/// Scanline files (uncompressed, RLE, ZIP(S), PIZ, PXR24, B44(A)) are decoded
/// exactly by the core C API; DWAA/DWAB, tiled and subsampled files go through
/// the RGBA C wrapper (half precision). Files with only `Y` become grey; a
/// missing alpha reads as 1.
///
/// NaN or infinite values are an error naming the file: letting them through
/// would silently poison sums, metrics and importance sampling.
/// `clampNegative` clamps negative values to 0, which lossy DWA files
/// produce in dark regions; environment-map loading sets it.
public func readEXR(_ path: String, clampNegative: Bool = false) throws -> Image {
    var image: Image
    switch try EXRCoreDecoder.decode(path) {
    case .decoded(let set):
        image = try rgbaImage(from: set, path: path)
    case .needsRgbaWrapper:
        image = try EXRRgbaWrapperReader.read(path)
    }
    if let bad = image.pixels.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite && $0.w.isFinite) }) {
        let count = image.pixels.lazy.filter { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite && $0.w.isFinite) }.count
        throw ImagingError(.nonFinite, path: path,
            "\(count) pixel(s) are NaN or infinite (first at (\(bad % image.width), \(bad / image.width))); fix the file in an image editor or re-render it")
    }
    if clampNegative {
        let zero = SIMD4<Float>(repeating: 0)
        for i in image.pixels.indices { image.pixels[i] = pointwiseMax(image.pixels[i], zero) }
    }
    return image
}

/// Every channel of a scanline EXR as exact floats (for AOVs such as
/// `albedo.R` or `depth.Z`). DWA-compressed, tiled and subsampled files are
/// not supported here; `readEXR` still reads their RGBA.
public func readEXRChannels(_ path: String) throws -> EXRChannelSet {
    switch try EXRCoreDecoder.decode(path) {
    case .decoded(let set):
        return set
    case .needsRgbaWrapper(let reason):
        throw ImagingError(.unsupported, path: path,
            "reading individual channels of \(reason) files is not supported; re-save with ZIP or PIZ compression, or use readEXR for RGBA")
    }
}

/// Channel names in file order (alphabetical), read from the header only.
public func readEXRChannelNames(_ path: String) throws -> [String] {
    try EXRCoreDecoder.channelNames(path)
}

private func rgbaImage(from set: EXRChannelSet, path: String) throws -> Image {
    let count = set.width * set.height
    let red = set["R"], green = set["G"], blue = set["B"], luminance = set["Y"]
    guard red != nil || green != nil || blue != nil || luminance != nil else {
        let names = set.channels.map(\.name).prefix(8).joined(separator: ", ")
        throw ImagingError(.unsupported, path: path,
            "no R, G, B or Y channel (found: \(names)); save the beauty pass as R, G, B")
    }
    let zeros = [Float](repeating: 0, count: count)
    let r: [Float], g: [Float], b: [Float]
    if red == nil && green == nil && blue == nil, let luminance {
        (r, g, b) = (luminance, luminance, luminance)
    } else {
        (r, g, b) = (red ?? zeros, green ?? zeros, blue ?? zeros)
    }
    let a = set["A"] ?? [Float](repeating: 1, count: count)
    var pixels = [SIMD4<Float>](repeating: .zero, count: count)
    for i in 0..<count { pixels[i] = SIMD4(r[i], g[i], b[i], a[i]) }
    return try Image(width: set.width, height: set.height, pixels: pixels)
}
