import Foundation

/// Every failure the neural-material module reports to a caller.
///
/// Messages are one line and name the file and the tensor or field involved,
/// because they end up in `lacquer info` / `lacquer render` output where the
/// user needs to know *which* file and *what* inside it is wrong.
public enum NeuralMaterialError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read or written at all.
    case io(file: String, reason: String)
    /// The file is shorter than its structure claims (truncated download, partial copy).
    case truncated(file: String, detail: String)
    /// The JSON header is not valid JSON or lacks a required structure.
    case badHeader(file: String, detail: String)
    /// A tensor entry is malformed: dtype, shape or offsets are wrong.
    case badTensor(file: String, tensor: String, detail: String)
    /// A tensor the architecture requires is absent.
    case missingTensor(file: String, tensor: String)
    /// A tensor contains NaN or infinity.
    case nonFinite(file: String, tensor: String, index: Int)
    /// A `__metadata__` field is missing or unparsable.
    case badMetadata(file: String, field: String, detail: String)
    /// The file was written by a format version this build cannot read.
    case unsupportedVersion(file: String, found: String, supported: String)
    /// An architecture description is inconsistent (e.g. a hidden width of 0).
    case invalidArchitecture(detail: String)
    /// An in-memory argument is inconsistent (wrong buffer length etc.).
    case invalidArgument(detail: String)

    public var description: String {
        switch self {
        case let .io(file, reason):
            return "\(file): \(reason)"
        case let .truncated(file, detail):
            return "\(file): file is truncated (\(detail)); re-bake or re-copy the .nmat"
        case let .badHeader(file, detail):
            return "\(file): invalid safetensors header (\(detail))"
        case let .badTensor(file, tensor, detail):
            return "\(file): tensor '\(tensor)': \(detail)"
        case let .missingTensor(file, tensor):
            return "\(file): required tensor '\(tensor)' is missing; the file does not match its architecture"
        case let .nonFinite(file, tensor, index):
            return "\(file): tensor '\(tensor)' has a non-finite value (NaN/inf) at element \(index); the bake diverged, re-bake"
        case let .badMetadata(file, field, detail):
            return "\(file): metadata field '\(field)': \(detail)"
        case let .unsupportedVersion(file, found, supported):
            return "\(file): metadata field 'format_version' is \(found), this build reads \(supported); re-bake with this version of lacquer"
        case let .invalidArchitecture(detail):
            return "invalid neural architecture: \(detail)"
        case let .invalidArgument(detail):
            return "invalid argument: \(detail)"
        }
    }
}
