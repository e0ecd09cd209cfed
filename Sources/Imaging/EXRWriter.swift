import COpenEXR
import Foundation

/// Writes `image` as a scanline, ZIP-compressed EXR with channels R, G, B, A
/// plus `extraChannels` (AOVs such as `albedo.R` or `depth.Z`).
///
/// Uses the OpenEXR core C API. The file appears atomically (written to
/// `path + ".tmp"`, then renamed). Non-finite pixels are rejected because
/// they poison every later comparison; in `.half` mode finite values beyond
/// the half range saturate at ±65504 instead of becoming infinities.
public func writeEXR(_ image: Image, to path: String, pixelType: EXRPixelType = .half,
                     extraChannels: [EXRChannel] = []) throws {
    try writeEXRFile(image, to: path, pixelType: pixelType, extraChannels: extraChannels, allowNonFinite: false)
}

/// `writeEXR` with the finiteness check optional, so tests can produce the
/// hostile files the reader must reject.
func writeEXRFile(_ image: Image, to path: String, pixelType: EXRPixelType,
                  extraChannels: [EXRChannel], allowNonFinite: Bool) throws {
    let channels = try EXRWriterChannels(image: image, extra: extraChannels, path: path,
                                         allowNonFinite: allowNonFinite)
    try AtomicFile.write(to: path) { tmp in
        try EXRScanlineEncoder.write(channels, width: image.width, height: image.height,
                                     pixelType: pixelType, tmpPath: tmp, path: path)
    }
}

/// The planar float channels to write, validated and keyed by name.
struct EXRWriterChannels {
    var planes: [String: [Float]] = [:]
    /// In the order the caller gave them; the encoder will reorder by name.
    var names: [String] = []

    init(image: Image, extra: [EXRChannel], path: String, allowNonFinite: Bool) throws {
        guard image.width > 0, image.height > 0 else {
            throw ImagingError(.invalidInput, path: path,
                "cannot write an empty \(image.width)x\(image.height) image; render at least one pixel")
        }
        guard image.pixels.count == image.width * image.height else {
            throw ImagingError(.sizeMismatch, path: path,
                "image claims \(image.width)x\(image.height) but holds \(image.pixels.count) pixels; rebuild the Image with matching pixels")
        }
        if !allowNonFinite, let bad = image.pixels.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite && $0.w.isFinite) }) {
            throw ImagingError(.nonFinite, path: path,
                "pixel (\(bad % image.width), \(bad / image.width)) is NaN or infinite; fix or sanitise the render before saving")
        }
        for (index, name) in ["R", "G", "B", "A"].enumerated() {
            planes[name] = image.pixels.map { $0[index] }
            names.append(name)
        }
        for channel in extra {
            guard !channel.name.isEmpty, channel.name.utf8.count <= 255,
                  !channel.name.utf8.contains(0) else {
                throw ImagingError(.invalidInput, path: path,
                    "extra channel name '\(channel.name)' is empty, contains NUL or exceeds 255 bytes; use names like 'albedo.R'")
            }
            guard planes[channel.name] == nil else {
                throw ImagingError(.invalidInput, path: path,
                    "channel '\(channel.name)' is given twice (R, G, B, A are always written); rename the extra channel")
            }
            guard channel.values.count == image.width * image.height else {
                throw ImagingError(.sizeMismatch, path: path,
                    "channel '\(channel.name)' has \(channel.values.count) values but the image has \(image.width * image.height) pixels; pass one value per pixel")
            }
            if !allowNonFinite, let bad = channel.values.firstIndex(where: { !$0.isFinite }) {
                throw ImagingError(.nonFinite, path: path,
                    "channel '\(channel.name)' is NaN or infinite at pixel (\(bad % image.width), \(bad / image.width)); sanitise the AOV before saving")
            }
            planes[channel.name] = channel.values
            names.append(channel.name)
        }
    }
}

/// Drives the core API's write sequence: context, part, header, chunks.
enum EXRScanlineEncoder {
    static func write(_ channels: EXRWriterChannels, width: Int, height: Int,
                      pixelType: EXRPixelType, tmpPath: String, path: String) throws {
        let fail = { (result: exr_result_t, doing: String) throws in
            try EXRCore.check(result, path: path, kind: .writeFailed, doing,
                              advice: "check the directory exists, is writable and has free space")
        }
        guard width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw ImagingError(.invalidInput, path: path, "image of \(width)x\(height) is too large for EXR; render a smaller image")
        }
        let fileType = pixelType == .half ? EXR_PIXEL_HALF : EXR_PIXEL_FLOAT
        let bytesPerValue = pixelType == .half ? 2 : 4

        // Planar buffers in the file's storage type, so the library only copies
        // and compresses (no type conversion inside the encoder).
        var buffers: [String: UnsafeMutableRawBufferPointer] = [:]
        defer { buffers.values.forEach { $0.deallocate() } }
        for (name, values) in channels.planes {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: values.count * bytesPerValue,
                                                                alignment: 4)
            buffers[name] = buffer
            switch pixelType {
            case .half:
                let halves = buffer.bindMemory(to: UInt16.self)
                for i in values.indices {
                    let clamped = min(max(values[i], -65504), 65504)
                    halves[i] = Float16(clamped).bitPattern
                }
            case .float:
                let floats = buffer.bindMemory(to: Float.self)
                for i in values.indices { floats[i] = values[i] }
            }
        }

        EXRCore.clearLastError()
        var initializer = EXRCore.initializer()
        var context: exr_context_t?
        try fail(exr_start_write(&context, tmpPath, EXR_WRITE_FILE_DIRECTLY, &initializer), "creating the EXR file")
        defer { _ = exr_finish(&context) }

        var part: Int32 = 0
        try fail(exr_add_part(context, nil, EXR_STORAGE_SCANLINE, &part), "adding the image part")
        try fail(exr_initialize_required_attr_simple(context, part, Int32(width), Int32(height),
                                                     EXR_COMPRESSION_ZIP), "setting the EXR header")
        for name in channels.names {
            let percept = ["R", "G", "B"].contains(name) ? EXR_PERCEPTUALLY_LOGARITHMIC : EXR_PERCEPTUALLY_LINEAR
            try fail(exr_add_channel(context, part, name, fileType, percept, 1, 1), "adding channel '\(name)'")
        }
        try fail(exr_write_header(context), "writing the EXR header")

        var linesPerChunk: Int32 = 1
        try fail(exr_get_scanlines_per_chunk(context, part, &linesPerChunk), "querying the chunk size")
        var pipeline = exr_encode_pipeline_t()
        var pipelineStarted = false
        defer { if pipelineStarted { _ = exr_encoding_destroy(context, &pipeline) } }

        for y in stride(from: 0, to: height, by: Int(max(1, linesPerChunk))) {
            var chunk = exr_chunk_info_t()
            try fail(exr_write_scanline_chunk_info(context, part, Int32(y), &chunk), "preparing scanline \(y)")
            if pipelineStarted {
                try fail(exr_encoding_update(context, part, &chunk, &pipeline), "preparing scanline \(y)")
            } else {
                try fail(exr_encoding_initialize(context, part, &chunk, &pipeline), "preparing the encoder")
                pipelineStarted = true
            }
            // The encoder lists channels in file (alphabetical) order: match by name.
            for c in 0..<Int(pipeline.channel_count) {
                let name = String(cString: pipeline.channels[c].channel_name)
                guard let buffer = buffers[name], let base = buffer.baseAddress else {
                    throw ImagingError(.writeFailed, path: path,
                        "encoder asked for unknown channel '\(name)'; this is a bug in Lacquer's EXR writer, please report it")
                }
                pipeline.channels[c].user_bytes_per_element = Int16(bytesPerValue)
                pipeline.channels[c].user_data_type = UInt16(fileType.rawValue)
                pipeline.channels[c].user_pixel_stride = Int32(bytesPerValue)
                pipeline.channels[c].user_line_stride = Int32(bytesPerValue * width)
                let start = base.advanced(by: y * width * bytesPerValue).assumingMemoryBound(to: UInt8.self)
                lq_exr_set_encode_ptr(&pipeline.channels[c], start)
            }
            try fail(exr_encoding_choose_default_routines(context, part, &pipeline), "choosing the encoder")
            try fail(exr_encoding_run(context, part, &pipeline), "compressing scanline \(y)")
        }
        if pipelineStarted {
            _ = exr_encoding_destroy(context, &pipeline)
            pipelineStarted = false
        }
        let finished = exr_finish(&context)
        try fail(finished, "finishing the EXR file")
    }
}
