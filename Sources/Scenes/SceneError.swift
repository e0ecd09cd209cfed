/// The one error type of the Scenes module. Every failure names the file, the
/// place in it (a JSON field path such as `objects[2].material`, or an OBJ
/// line number) and what to do, in one line, so a user can fix the input
/// without reading the loader's source.
public struct SceneError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for code that wants to react (tests, the CLI's exit codes).
    public enum Kind: Equatable, Sendable {
        /// The file could not be read.
        case io
        /// A referenced file (mesh, environment map, buffer) does not exist.
        case missingFile
        /// Not valid JSON / OBJ / glTF syntax.
        case syntax
        /// A key the format does not define (usually a typo).
        case unknownKey
        /// A required key is absent.
        case missingField
        /// A value of the wrong JSON type.
        case wrongType
        /// A value of the right type outside its valid range (NaN, negative, …).
        case invalidValue
        /// An object refers to a material that is not defined.
        case unknownMaterial
        /// A valid file using a feature this loader does not implement.
        case unsupported
        /// Structurally inconsistent data (indices or accessors out of bounds, truncated binary).
        case malformed
    }

    /// Where in the file the problem is.
    public enum Location: Equatable, Sendable {
        case none
        /// A JSON field path, e.g. `objects[2].material`.
        case field(String)
        /// A 1-based line number (OBJ, JSON syntax errors).
        case line(Int)
    }

    public var kind: Kind
    /// The file as the user would recognise it (the path given, or resolved for referenced files).
    public var file: String
    public var location: Location
    /// What is wrong and what to do about it.
    public var message: String

    public init(_ kind: Kind, file: String, location: Location = .none, _ message: String) {
        self.kind = kind; self.file = file; self.location = location; self.message = message
    }

    public var description: String {
        switch location {
        case .none: return "\(file): \(message)"
        case .field(let path): return path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
        case .line(let line): return "\(file):\(line): \(message)"
        }
    }
}
