import Foundation

/// The file format of `lacquer bsdf eval|sample`: headerless rows of
/// little-endian float32. It lives in the library (not the CLI) so the row
/// decoding can be fuzzed and unit-tested on its own.
public enum BsdfBatchRows {
    /// Decodes `data` into `floatsPerRow`-wide rows of floats. The size must be
    /// a whole number of rows; `file` names the input in the error.
    public static func decode(_ data: Data, floatsPerRow: Int, file: String) throws -> [Float] {
        let rowBytes = floatsPerRow * 4
        guard floatsPerRow > 0, data.count % rowBytes == 0 else {
            throw MaterialError(.malformed, file: file,
                                "size \(data.count) bytes is not a multiple of the \(rowBytes)-byte row "
                                + "(\(floatsPerRow) float32 values); check the file")
        }
        var values = [Float](repeating: 0, count: data.count / 4)
        data.withUnsafeBytes { raw in
            for i in values.indices {
                values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
        }
        return values
    }

    /// Encodes floats as little-endian float32 bytes (the output rows).
    public static func encode(_ values: [Float]) -> Data {
        var bytes = Data(count: values.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self) }
        }
        return bytes
    }
}
