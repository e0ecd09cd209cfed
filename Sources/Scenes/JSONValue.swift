/// A parsed JSON document. Objects keep their keys in file order (materials
/// are indexed in the order they are written) and reject duplicate keys, which
/// Foundation's JSONSerialization would silently merge.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// Every number is a Double; `NaN`/`Infinity` are accepted by the parser
    /// (Python's json module writes them) so validation can reject them by field name.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The JSON type name used in error messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
