import COpenEXR
import Foundation

/// Reads RGBA through OpenEXR's C wrapper (ImfCRgbaFile.h), which handles
/// every compression (DWAA/DWAB included), tiles and luminance/chroma files.
///
/// The wrapper delivers half floats, so float files lose precision here (about
/// 3 significant digits) and values beyond ±65504 arrive as infinities, which
/// `readEXR` then reports. Its error message is a process-wide buffer, so calls
/// are serialised.
enum EXRRgbaWrapperReader {
    private static let lock = NSLock()

    static func read(_ path: String) throws -> Image {
        lock.lock()
        defer { lock.unlock() }

        guard let file = ImfOpenInputFile(path) else {
            throw ImagingError(.corrupt, path: path,
                "cannot open as OpenEXR (\(lastMessage())); check that it is a complete .exr image")
        }
        defer { _ = ImfCloseInputFile(file) }
        guard let header = ImfInputHeader(file) else {
            throw ImagingError(.corrupt, path: path, "the EXR header is missing; re-export the file")
        }
        var minX: Int32 = 0, minY: Int32 = 0, maxX: Int32 = -1, maxY: Int32 = -1
        ImfHeaderDataWindow(header, &minX, &minY, &maxX, &maxY)
        let width = Int(maxX) - Int(minX) + 1, height = Int(maxY) - Int(minY) + 1
        guard width > 0, height > 0, width <= 1 << 28, height <= 1 << 28, width * height <= 1 << 28 else {
            throw ImagingError(.unsupported, path: path,
                "data window of \(width)x\(height) pixels is empty or too large; check the file")
        }

        var rgba = [ImfRgba](repeating: ImfRgba(r: 0, g: 0, b: 0, a: 0), count: width * height)
        let ok = rgba.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            // The frame buffer is addressed in data-window coordinates.
            let origin = base.advanced(by: -(Int(minX) + Int(minY) * width))
            guard ImfInputSetFrameBuffer(file, origin, 1, width) != 0 else { return false }
            return ImfInputReadPixels(file, minY, maxY) != 0
        }
        guard ok else {
            throw ImagingError(.corrupt, path: path,
                "cannot decode pixels (\(lastMessage())); the file is damaged or truncated, re-export it")
        }
        let pixels = rgba.map { p in
            SIMD4<Float>(ImfHalfToFloat(p.r), ImfHalfToFloat(p.g), ImfHalfToFloat(p.b), ImfHalfToFloat(p.a))
        }
        return try Image(width: width, height: height, pixels: pixels)
    }

    private static func lastMessage() -> String {
        guard let text = ImfErrorMessage() else { return "unknown error" }
        let message = String(cString: text)
        return message.isEmpty ? "unknown error" : message
    }
}
