/// The one error type of the Imaging module.
///
/// Every failure names the file (or the operation) and says what to do, so a
/// CLI can print `description` as a single line without extra context.
public struct ImagingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Coarse category, so callers and tests can react without parsing text.
    public enum Kind: Sendable, Equatable {
        case fileNotFound
        case unreadable
        case corrupt
        case unsupported
        case nonFinite
        case invalidInput
        case sizeMismatch
        case writeFailed
    }

    public var kind: Kind
    /// The file involved, if any.
    public var path: String?
    /// One line: what went wrong and what to do about it.
    public var message: String

    public init(_ kind: Kind, path: String? = nil, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
