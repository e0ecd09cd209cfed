import COpenEXR
import Foundation

/// All channels of an EXR as planar floats, as decoded by the core C API.
public struct EXRChannelSet: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// In file order (alphabetical by name).
    public var channels: [EXRChannel]

    /// The values of the channel called `name`, if present.
    public subscript(name: String) -> [Float]? {
        channels.first { $0.name == name }?.values
    }
}

/// Reads scanline EXRs exactly (half, float and uint channels) with the core
/// C API. The core API in OpenEXR 3.1 cannot decompress DWAA/DWAB and we do
/// not implement tiles or subsampled channels here; for those it reports
/// `.needsRgbaWrapper` so `readEXR` can fall back to ImfCRgbaFile.
enum EXRCoreDecoder {
    enum Outcome {
        case decoded(EXRChannelSet)
        case needsRgbaWrapper(reason: String)
    }

    /// Opens `path` with a silent error handler; the caller must `exr_finish`.
    static func open(_ path: String) throws -> exr_context_t? {
        try checkReadableFile(path)
        EXRCore.clearLastError()
        var initializer = EXRCore.initializer()
        var context: exr_context_t?
        let result = exr_start_read(&context, path, &initializer)
        if result != exr_result_t(EXR_ERR_SUCCESS.rawValue) {
            let kind: ImagingError.Kind = result == exr_result_t(EXR_ERR_FILE_ACCESS.rawValue) ? .unreadable : .corrupt
            throw ImagingError(kind, path: path,
                "not a readable OpenEXR file (\(EXRCore.message(for: result))); check that it is a complete .exr image")
        }
        return context
    }

    /// Channel names from the header of part 0 (works for every compression).
    static func channelNames(_ path: String) throws -> [String] {
        var context = try open(path)
        defer { _ = exr_finish(&context) }
        var list: UnsafePointer<exr_attr_chlist_t>?
        try EXRCore.check(exr_get_channels(context, 0, &list), path: path, kind: .corrupt,
                          "reading the channel list", advice: "re-export the file")
        guard let list else { return [] }
        return (0..<Int(list.pointee.num_channels)).map { String(cString: list.pointee.entries[$0].name.str) }
    }

    /// Most bytes of decoded pixels per byte of stored pixel data. Deflate
    /// (ZIP, ZIPS, PXR24) peaks near 1032:1, RLE at 64:1, PIZ and B44 lower;
    /// 4096 leaves room for headers and rounding.
    static let maxCompressionRatio = 4096

    static func decode(_ path: String) throws -> Outcome {
        var context = try open(path)
        defer { _ = exr_finish(&context) }
        let corrupt = { (result: exr_result_t, doing: String) throws in
            try EXRCore.check(result, path: path, kind: .corrupt, doing,
                              advice: "the file is damaged or truncated; re-export it")
        }

        var storage = EXR_STORAGE_SCANLINE
        try corrupt(exr_get_storage(context, 0, &storage), "reading the storage type")
        switch storage {
        case EXR_STORAGE_SCANLINE: break
        case EXR_STORAGE_TILED: return .needsRgbaWrapper(reason: "tiled")
        default:
            throw ImagingError(.unsupported, path: path, "deep EXR images are not supported; save a flat (non-deep) image")
        }
        var compression = EXR_COMPRESSION_NONE
        try corrupt(exr_get_compression(context, 0, &compression), "reading the compression")
        if compression == EXR_COMPRESSION_DWAA || compression == EXR_COMPRESSION_DWAB {
            return .needsRgbaWrapper(reason: "DWA compression")
        }

        var window = exr_attr_box2i_t()
        try corrupt(exr_get_data_window(context, 0, &window), "reading the data window")
        let minX = Int(window.min.x), minY = Int(window.min.y)
        let width = Int(window.max.x) - minX + 1, height = Int(window.max.y) - minY + 1
        guard width > 0, height > 0, width <= 1 << 28, height <= 1 << 28, width * height <= 1 << 28 else {
            throw ImagingError(.unsupported, path: path,
                "data window of \(width)x\(height) pixels is empty or too large; check the file")
        }

        var list: UnsafePointer<exr_attr_chlist_t>?
        try corrupt(exr_get_channels(context, 0, &list), "reading the channel list")
        guard let list, list.pointee.num_channels > 0 else {
            throw ImagingError(.corrupt, path: path, "the file has no channels; re-export it")
        }
        // Locate every chunk before allocating: a header claiming a huge data
        // window in a file that holds a few bytes must fail here, not after
        // gigabytes of planes were allocated and cleared (found by fuzzing).
        var linesPerChunk: Int32 = 1
        try corrupt(exr_get_scanlines_per_chunk(context, 0, &linesPerChunk), "reading the chunk layout")
        var chunks: [exr_chunk_info_t] = []
        var packedBytes = 0
        for y in stride(from: minY, through: Int(window.max.y), by: Int(max(1, linesPerChunk))) {
            var chunk = exr_chunk_info_t()
            try corrupt(exr_read_scanline_chunk_info(context, 0, Int32(y), &chunk), "locating scanline \(y)")
            chunks.append(chunk)
            packedBytes += Int(clamping: chunk.packed_size)
        }
        let bytesPerPixel = (0..<Int(list.pointee.num_channels)).reduce(0) { $0 + (list.pointee.entries[$1].pixel_type == EXR_PIXEL_HALF ? 2 : 4) }
        guard width * height * bytesPerPixel <= max(packedBytes, 1) * maxCompressionRatio else {
            throw ImagingError(.corrupt, path: path,
                "the header claims \(width)x\(height) pixels but the file holds only \(packedBytes) bytes of pixel data; the file is truncated or damaged, re-export it")
        }

        struct Plane { var name: String; var type: exr_pixel_type_t; var bytes: Int; var buffer: UnsafeMutableRawBufferPointer }
        var planes: [String: Plane] = [:]
        var order: [String] = []
        defer { planes.values.forEach { $0.buffer.deallocate() } }
        for i in 0..<Int(list.pointee.num_channels) {
            let entry = list.pointee.entries[i]
            if entry.x_sampling != 1 || entry.y_sampling != 1 {
                return .needsRgbaWrapper(reason: "subsampled channels")
            }
            let name = String(cString: entry.name.str)
            // A damaged header can list a name twice; a second plane under
            // the same key would orphan the first buffer (found by fuzzing).
            guard planes[name] == nil else {
                throw ImagingError(.corrupt, path: path, "channel '\(name)' is listed twice in the header; the file is damaged, re-export it")
            }
            let bytes = entry.pixel_type == EXR_PIXEL_HALF ? 2 : 4
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: width * height * bytes, alignment: 4)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            planes[name] = Plane(name: name, type: entry.pixel_type, bytes: bytes, buffer: buffer)
            order.append(name)
        }

        var pipeline = exr_decode_pipeline_t()
        var pipelineStarted = false
        defer { if pipelineStarted { _ = exr_decoding_destroy(context, &pipeline) } }

        for var chunk in chunks {
            let y = Int(chunk.start_y)
            if pipelineStarted {
                try corrupt(exr_decoding_update(context, 0, &chunk, &pipeline), "preparing scanline \(y)")
            } else {
                try corrupt(exr_decoding_initialize(context, 0, &chunk, &pipeline), "preparing the decoder")
                pipelineStarted = true
            }
            let row = Int(chunk.start_y) - minY
            guard row >= 0, row + Int(chunk.height) <= height, Int(chunk.width) == width else {
                throw ImagingError(.corrupt, path: path, "scanline chunk at y=\(chunk.start_y) lies outside the data window; re-export the file")
            }
            for c in 0..<Int(pipeline.channel_count) {
                let name = String(cString: pipeline.channels[c].channel_name)
                guard let plane = planes[name], let base = plane.buffer.baseAddress else { continue }
                // Decode in the file's own type: 3.1's half->float conversion is unreliable.
                pipeline.channels[c].user_bytes_per_element = Int16(plane.bytes)
                pipeline.channels[c].user_data_type = UInt16(plane.type.rawValue)
                pipeline.channels[c].user_pixel_stride = Int32(plane.bytes)
                pipeline.channels[c].user_line_stride = Int32(plane.bytes * width)
                let start = base.advanced(by: row * width * plane.bytes).assumingMemoryBound(to: UInt8.self)
                lq_exr_set_decode_ptr(&pipeline.channels[c], start)
            }
            try corrupt(exr_decoding_choose_default_routines(context, 0, &pipeline), "choosing the decoder")
            try corrupt(exr_decoding_run(context, 0, &pipeline), "decompressing scanline \(y)")
        }

        let channels = order.compactMap { name -> EXRChannel? in
            guard let plane = planes[name] else { return nil }
            let count = width * height
            var values = [Float](repeating: 0, count: count)
            switch plane.type {
            case EXR_PIXEL_HALF:
                let halves = plane.buffer.bindMemory(to: UInt16.self)
                for i in 0..<count { values[i] = Float(Float16(bitPattern: halves[i])) }
            case EXR_PIXEL_FLOAT:
                let floats = plane.buffer.bindMemory(to: Float.self)
                for i in 0..<count { values[i] = floats[i] }
            default:
                let uints = plane.buffer.bindMemory(to: UInt32.self)
                for i in 0..<count { values[i] = Float(uints[i]) }
            }
            return EXRChannel(name: name, values: values)
        }
        return .decoded(EXRChannelSet(width: width, height: height, channels: channels))
    }
}

/// Distinguishes "no such file" and "is a directory" from decoding errors,
/// because those need different fixes from the user.
func checkReadableFile(_ path: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ImagingError(.fileNotFound, path: path, "no such file; check the path")
    }
    guard !isDirectory.boolValue else {
        throw ImagingError(.unreadable, path: path, "is a directory, not an image file; pass the image's path")
    }
    guard FileManager.default.isReadableFile(atPath: path) else {
        throw ImagingError(.unreadable, path: path, "permission denied; make the file readable")
    }
}
