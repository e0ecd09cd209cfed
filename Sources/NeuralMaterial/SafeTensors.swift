import Foundation

/// Element types this module reads and writes. The safetensors format knows
/// more (BF16, I64, …); a `.nmat` only ever uses these two, and anything else
/// is rejected with an error naming the tensor.
public enum SafeTensorDType: String, Sendable, CaseIterable {
    case f16 = "F16"
    case f32 = "F32"

    public var byteSize: Int {
        switch self {
        case .f16: return 2
        case .f32: return 4
        }
    }
}

/// One tensor: raw little-endian bytes plus dtype and shape.
public struct SafeTensor: Equatable, Sendable {
    public var name: String
    public var dtype: SafeTensorDType
    public var shape: [Int]
    public var data: Data

    public var elementCount: Int { shape.reduce(1, *) }

    public init(name: String, dtype: SafeTensorDType, shape: [Int], data: Data) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.data = data
    }

    public init(name: String, shape: [Int], float16 values: [Float]) {
        var d = Data(count: values.count * 2)
        d.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: Float16(v).bitPattern.littleEndian, toByteOffset: 2 * i, as: UInt16.self) }
        }
        self.init(name: name, dtype: .f16, shape: shape, data: d)
    }

    public init(name: String, shape: [Int], float32 values: [Float]) {
        var d = Data(count: values.count * 4)
        d.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        self.init(name: name, dtype: .f32, shape: shape, data: d)
    }

    /// Values widened to Float32.
    public func floats() -> [Float] {
        data.withUnsafeBytes { raw -> [Float] in
            switch dtype {
            case .f16:
                return (0..<(raw.count / 2)).map { Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))) }
            case .f32:
                return (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
        }
    }
}

/// A safetensors container (https://github.com/huggingface/safetensors):
///
///     [8 bytes: N, little-endian u64][N bytes: JSON header][tensor bytes]
///
/// header = {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}, …}
/// with offsets relative to the first byte after the header. The writer pads
/// the header with spaces to a multiple of 8 (as the reference writer does)
/// so tensor data is aligned, and lays tensors out in the given order with
/// no gaps.
public struct SafeTensorsFile: Equatable, Sendable {
    public var tensors: [SafeTensor]
    public var metadata: [String: String]

    /// Headers larger than this are rejected before any allocation (a hostile
    /// length field must not make us allocate gigabytes).
    public static let maxHeaderBytes = 16 << 20

    public init(tensors: [SafeTensor], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public func tensor(named name: String) -> SafeTensor? { tensors.first { $0.name == name } }

    // MARK: write

    public func serialized() -> Data {
        var header = "{\"__metadata__\":{"
        header += metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }.joined(separator: ",")
        header += "}"
        var offset = 0
        for t in tensors {
            let end = offset + t.data.count
            header += ",\(jsonString(t.name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        header += "}"
        var headerBytes = Data(header.utf8)
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(0x20) }
        var out = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(headerBytes)
        for t in tensors { out.append(t.data) }
        return out
    }

    // MARK: read

    /// Parses and structurally validates a safetensors byte buffer. `file` is
    /// only used in error messages.
    public static func parse(_ data: Data, file: String) throws -> SafeTensorsFile {
        guard data.count >= 8 else {
            throw NeuralMaterialError.truncated(file: file, detail: "\(data.count) bytes, shorter than the 8-byte header length")
        }
        let n = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
        guard n >= 2, n <= UInt64(maxHeaderBytes) else {
            throw NeuralMaterialError.badHeader(file: file, detail: "header length \(n) is implausible (file is \(data.count) bytes)")
        }
        let headerLen = Int(n)
        guard 8 + headerLen <= data.count else {
            throw NeuralMaterialError.truncated(file: file, detail: "header claims \(headerLen) bytes but only \(data.count - 8) follow")
        }
        let headerData = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + headerLen))
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerData, options: [])
        } catch {
            throw NeuralMaterialError.badHeader(file: file, detail: "header is not valid JSON")
        }
        guard let dict = json as? [String: Any] else {
            throw NeuralMaterialError.badHeader(file: file, detail: "header is not a JSON object")
        }
        let dataStart = data.startIndex + 8 + headerLen
        let dataSize = data.count - 8 - headerLen
        var metadata: [String: String] = [:]
        if let m = dict["__metadata__"] {
            guard let md = m as? [String: Any] else {
                throw NeuralMaterialError.badHeader(file: file, detail: "__metadata__ is not an object")
            }
            for (k, v) in md {
                guard let s = v as? String else {
                    throw NeuralMaterialError.badMetadata(file: file, field: k, detail: "value is not a string")
                }
                metadata[k] = s
            }
        }
        var tensors: [(SafeTensor, Int, Int)] = []
        for (name, value) in dict where name != "__metadata__" {
            guard let entry = value as? [String: Any] else {
                throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "header entry is not an object")
            }
            guard let dt = entry["dtype"] as? String else {
                throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "missing dtype")
            }
            guard let dtype = SafeTensorDType(rawValue: dt) else {
                throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "unsupported dtype \(dt) (expected F16 or F32)")
            }
            guard let shapeAny = entry["shape"] as? [Any], let shape = intArray(shapeAny), shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 30 }) else {
                throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "shape is not a list of non-negative integers")
            }
            guard let offAny = entry["data_offsets"] as? [Any], let off = intArray(offAny), off.count == 2 else {
                throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "data_offsets is not [begin, end]")
            }
            let (begin, end) = (off[0], off[1])
            guard begin >= 0, end >= begin else {
                throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "data_offsets [\(begin), \(end)] are reversed or negative")
            }
            guard end <= dataSize else {
                throw NeuralMaterialError.truncated(file: file, detail: "tensor '\(name)' ends at data byte \(end) but the data area has \(dataSize) bytes")
            }
            var count = 1
            for d in shape {
                let (r, o) = count.multipliedReportingOverflow(by: d)
                guard !o, r <= 1 << 32 else {
                    throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "shape \(shape) is too large")
                }
                count = r
            }
            guard count * dtype.byteSize == end - begin else {
                throw NeuralMaterialError.badTensor(file: file, tensor: name, detail: "shape \(shape) × \(dtype.rawValue) needs \(count * dtype.byteSize) bytes but data_offsets span \(end - begin)")
            }
            let bytes = data.subdata(in: (dataStart + begin)..<(dataStart + end))
            tensors.append((SafeTensor(name: name, dtype: dtype, shape: shape, data: bytes), begin, end))
        }
        tensors.sort { ($0.1, $0.0.name) < ($1.1, $1.0.name) }
        for i in tensors.indices.dropFirst() where tensors[i].1 < tensors[i - 1].2 {
            throw NeuralMaterialError.badTensor(file: file, tensor: tensors[i].0.name, detail: "data overlaps tensor '\(tensors[i - 1].0.name)'")
        }
        return SafeTensorsFile(tensors: tensors.map(\.0), metadata: metadata)
    }

    private static func intArray(_ a: [Any]) -> [Int]? {
        var out: [Int] = []
        for x in a {
            if let n = x as? NSNumber {
                let d = n.doubleValue
                guard d.rounded() == d, abs(d) < 9e15 else { return nil }
                if CFGetTypeIDCompat.isBool(n) { return nil }
                out.append(Int(d))
            } else {
                return nil
            }
        }
        return out
    }
}

enum CFGetTypeIDCompat {
    /// JSONSerialization on Linux returns Bool as NSNumber too; `true` must not be a shape.
    static func isBool(_ n: NSNumber) -> Bool { n === (true as NSNumber) || n === (false as NSNumber) }
}

/// JSON string literal with the escapes RFC 8259 requires.
func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                out += String(format: "\\u%04x", u.value)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}
