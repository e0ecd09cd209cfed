/// A JSON value together with its field path and file, so every typed accessor
/// can throw a `SceneError` that says exactly where the bad value is
/// (`studio.json: objects[2].radius: …`). Used by the scene and glTF loaders.
struct JSONNode {
    let value: JSONValue
    /// Dotted path from the document root, e.g. `objects[2].transform.scale`; empty at the root.
    let path: String
    let file: String

    init(_ value: JSONValue, path: String = "", file: String) {
        self.value = value; self.path = path; self.file = file
    }

    func error(_ kind: SceneError.Kind, _ message: String) -> SceneError {
        SceneError(kind, file: file, location: .field(path), message)
    }

    /// Throws `.invalidValue` with `message` unless `condition` holds.
    func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw error(.invalidValue, message()) }
    }

    private func wrongType(_ expected: String) -> SceneError {
        error(.wrongType, "expected \(expected), got \(value.typeName)")
    }

    func object() throws -> JSONObject {
        guard case .object(let fields) = value else { throw wrongType("an object") }
        return JSONObject(node: self, fields: fields)
    }

    func array(count: Int? = nil) throws -> [JSONNode] {
        guard case .array(let items) = value else {
            throw wrongType(count.map { "an array of \($0) numbers" } ?? "an array")
        }
        if let count, items.count != count {
            throw error(.invalidValue, "expected an array of \(count) numbers, got \(items.count) elements")
        }
        return items.enumerated().map { JSONNode($1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw wrongType("a string") }
        return s
    }

    func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw wrongType("true or false") }
        return b
    }

    /// A finite number (NaN and ±Infinity are rejected by name).
    func double() throws -> Double {
        guard case .number(let d) = value else { throw wrongType("a number") }
        guard d.isFinite else { throw error(.invalidValue, "must be a finite number, got \(d)") }
        return d
    }

    /// A finite number that also fits in a Float.
    func float() throws -> Float {
        let d = try double()
        let f = Float(d)
        try check(f.isFinite, "\(d) is too large for a 32-bit float")
        return f
    }

    /// An integer (a JSON number with no fractional part) in `range`.
    func int(in range: ClosedRange<Int> = Int(Int32.min)...Int(Int32.max)) throws -> Int {
        let d = try double()
        guard d.rounded() == d else { throw error(.invalidValue, "must be a whole number, got \(d)") }
        guard d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
            throw error(.invalidValue, "must be in \(range.lowerBound)...\(range.upperBound), got \(Self.format(d))")
        }
        return Int(d)
    }

    /// `[x, y, z]` of finite floats.
    func float3() throws -> Float3 {
        let items = try array(count: 3)
        return Float3(try items[0].float(), try items[1].float(), try items[2].float())
    }

    /// An RGB colour written as `[r, g, b]` or as one number meaning grey.
    func color() throws -> Float3 {
        if case .number = value { let v = try float(); return Float3(v, v, v) }
        guard case .array = value else { throw wrongType("a number or an array of 3 numbers [r, g, b]") }
        return try float3()
    }

    /// A number or `[x, y, z]`; a number `s` means `[s, s, s]` (used by `scale`).
    func uniformOrFloat3() throws -> Float3 {
        if case .number = value { let v = try float(); return Float3(v, v, v) }
        guard case .array = value else { throw wrongType("a number or an array of 3 numbers") }
        return try float3()
    }

    /// Formats a number for messages without a trailing ".0" on whole values.
    static func format(_ d: Double) -> String {
        if d.rounded() == d && abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

/// A JSON object with its path; looks fields up by key and rejects keys the
/// format does not define, suggesting the nearest valid key for typos.
struct JSONObject {
    let node: JSONNode
    let fields: [(key: String, value: JSONValue)]

    var keys: [String] { fields.map(\.key) }

    func childPath(_ key: String) -> String {
        let simple = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        let component = simple ? key : "[\"\(key)\"]"
        if node.path.isEmpty { return component }
        return simple ? "\(node.path).\(component)" : "\(node.path)\(component)"
    }

    subscript(key: String) -> JSONNode? {
        guard let v = fields.first(where: { $0.key == key })?.value else { return nil }
        return JSONNode(v, path: childPath(key), file: node.file)
    }

    /// Like the subscript but treats an explicit `null` as absent.
    func optional(_ key: String) -> JSONNode? {
        guard let n = self[key] else { return nil }
        if case .null = n.value { return nil }
        return n
    }

    func require(_ key: String, hint: String = "") throws -> JSONNode {
        if let n = optional(key) { return n }
        throw node.error(.missingField, "missing required field \"\(key)\"\(hint.isEmpty ? "" : "; \(hint)")")
    }

    /// Every key must be in `allowed`; the error names the first unknown key,
    /// the closest allowed spelling and the full list.
    func checkKeys(_ allowed: [String], context: String = "") throws {
        for key in keys where !allowed.contains(key) {
            let path = childPath(key)
            var message = "unknown key \"\(key)\"\(context.isEmpty ? "" : " \(context)")"
            if let guess = Self.closest(to: key, in: allowed) { message += " (did you mean \"\(guess)\"?)" }
            message += "; allowed keys: \(allowed.joined(separator: ", "))"
            throw SceneError(.unknownKey, file: node.file, location: .field(path), message)
        }
    }

    /// The candidate within edit distance 2 (case-insensitive), if any.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let w = Array(word.lowercased())
        var best: (String, Int)?
        for c in candidates {
            let cl = Array(c.lowercased())
            let d = editDistance(w, cl)
            // Close in spelling, or sharing a long stem ("rotation" → "rotate").
            let stem = zip(w, cl).prefix { $0 == $1 }.count
            if d <= max(1, min(2, w.count / 3)) || stem >= 4, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
