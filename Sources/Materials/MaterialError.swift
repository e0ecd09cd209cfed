/// The one error type of the Materials module.
///
/// `description` is a single line naming the file, the node and the input
/// involved (when known) and what to do about it, so a CLI can print it as is.
public struct MaterialError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case fileNotFound
        case malformed
        case unknownKey
        case unknownNode
        case unsupported
        case wrongType
        case missingInput
        case outOfRange
        case texture
        case io
    }

    public var kind: Kind
    public var file: String?
    public var node: String?
    public var input: String?
    public var message: String

    public init(_ kind: Kind, file: String? = nil, node: String? = nil, input: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.node = node
        self.input = input
        self.message = message
    }

    public var description: String {
        var prefix = ""
        if let file { prefix += file + ": " }
        if let node { prefix += "node '\(node)'" + (input != nil ? ", " : ": ") }
        if let input { prefix += "input '\(input)': " }
        return (prefix + message).replacingOccurrences(of: "\n", with: " ")
    }

    /// The same error with the file filled in when it was not known yet.
    func inFile(_ path: String) -> MaterialError {
        var copy = self
        if copy.file == nil { copy.file = path }
        return copy
    }
}

#if canImport(Glibc)
import Glibc
#endif
