/// The binary glTF container (.glb): a 12-byte header (magic "glTF",
/// version 2, total length), a JSON chunk, and an optional BIN chunk. Every
/// length is checked against the bytes actually present, so a truncated or
/// hostile file gives an error instead of an out-of-bounds read.
/// Shared by the geometry reader (Scenes) and the material reader.
public struct GLBContainer: Sendable {
    public var json: [UInt8]
    public var binary: [UInt8]?

    /// Why a .glb could not be read: `unsupported` for a valid container of
    /// another version, otherwise a malformed file. The message names no file.
    public struct FormatError: Error, Sendable {
        public var unsupported: Bool
        public var message: String
    }

    static let magic: UInt32 = 0x4654_6C67      // "glTF"
    static let jsonChunk: UInt32 = 0x4E4F_534A  // "JSON"
    static let binChunk: UInt32 = 0x004E_4942   // "BIN\0"

    public static func isGLB(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && readU32(bytes, 0) == magic
    }

    public static func parse(_ bytes: [UInt8]) throws(FormatError) -> GLBContainer {
        func fail(_ message: String) -> FormatError {
            FormatError(unsupported: false, message: "invalid GLB: \(message); re-export the file")
        }
        guard bytes.count >= 12 else { throw fail("only \(bytes.count) bytes, shorter than the 12-byte header (truncated?)") }
        guard readU32(bytes, 0) == magic else { throw fail("missing the \"glTF\" magic number") }
        let version = readU32(bytes, 4)
        guard version == 2 else {
            throw FormatError(unsupported: true, message: "GLB version \(version) is not supported; only glTF 2.0 is")
        }
        let length = Int(readU32(bytes, 8))
        guard length <= bytes.count else { throw fail("header says \(length) bytes but the file has \(bytes.count) (truncated?)") }
        guard length == bytes.count else { throw fail("header says \(length) bytes but the file has \(bytes.count)") }

        var offset = 12
        var json: [UInt8]?
        var binary: [UInt8]?
        var chunkIndex = 0
        while offset < length {
            guard offset + 8 <= length else { throw fail("chunk \(chunkIndex) header at byte \(offset) runs past the end (truncated?)") }
            let chunkLength = Int(readU32(bytes, offset))
            let chunkType = readU32(bytes, offset + 4)
            let start = offset + 8
            guard chunkLength <= length - start else {
                throw fail("chunk \(chunkIndex) claims \(chunkLength) bytes but only \(length - start) remain (truncated?)")
            }
            let body = Array(bytes[start..<start + chunkLength])
            if chunkIndex == 0 {
                guard chunkType == jsonChunk else { throw fail("the first chunk must be JSON") }
                json = body
            } else if chunkType == binChunk {
                guard binary == nil else { throw fail("more than one BIN chunk") }
                binary = body
            } else if chunkType == jsonChunk {
                throw fail("more than one JSON chunk")
            }  // Other chunk types are reserved for extensions and skipped, as the spec requires.
            offset = start + chunkLength
            chunkIndex += 1
        }
        guard let json else { throw fail("no JSON chunk") }
        return GLBContainer(json: json, binary: binary)
    }

    public static func readU32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}
