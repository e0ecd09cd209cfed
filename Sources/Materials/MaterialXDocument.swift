import Foundation

/// A MaterialX document with its XIncludes resolved.
///
/// `<xi:include href="…"/>` children of the root are read relative to the
/// including file; each included document keeps its own root (its
/// `fileprefix`, `colorspace` and directory apply to its own elements only).
/// Top-level elements are looked up by name with the including document's
/// own elements first, then the includes in document order; a document that
/// is already being read (a cycle) is an error, one read twice (a diamond) is
/// read once.
struct MaterialXDocument {
    /// The file as named by the user.
    let path: String
    /// Every document root read (the main one first); they own the element tree.
    private(set) var roots: [XMLElementNode] = []
    /// Top-level elements of every document, in lookup order.
    private(set) var topLevel: [XMLElementNode] = []
    /// Hash of every file's bytes (the main file and its includes).
    private(set) var hash = FNV1a64()

    static let maximumIncludeDepth = 16

    static func load(path: String) throws -> MaterialXDocument {
        var doc = MaterialXDocument(path: path)
        var reading: [String] = []
        var read: Set<String> = []
        try doc.read(path, includedFrom: nil, reading: &reading, read: &read)
        return doc
    }

    static func load(data: Data, path: String) throws -> MaterialXDocument {
        var doc = MaterialXDocument(path: path)
        var reading: [String] = [Self.canonical(path)]
        var read: Set<String> = [Self.canonical(path)]
        try doc.parse(data, file: path, reading: &reading, read: &read)
        return doc
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private mutating func read(_ file: String, includedFrom: String?, reading: inout [String], read done: inout Set<String>) throws {
        let key = Self.canonical(file)
        if reading.contains(key) {
            throw MaterialError(.malformed, file: includedFrom ?? file,
                                "XInclude cycle: '\(file)' includes itself (through \(reading.count) level(s)); remove the include")
        }
        if done.contains(key) { return }
        guard reading.count < Self.maximumIncludeDepth else {
            throw MaterialError(.malformed, file: includedFrom ?? file, "XIncludes nest deeper than \(Self.maximumIncludeDepth) levels")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            if let includedFrom {
                throw MaterialError(.fileNotFound, file: includedFrom, "cannot read the XIncluded file '\(file)'; check the href")
            }
            throw MaterialError(.fileNotFound, file: file, "cannot read the MaterialX file; check the path")
        }
        reading.append(key)
        done.insert(key)
        defer { reading.removeLast() }
        try parse(data, file: file, reading: &reading, read: &done)
    }

    private mutating func parse(_ data: Data, file: String, reading: inout [String], read: inout Set<String>) throws {
        hash.add(data)
        let root = try XMLTreeBuilder.parse(data, file: file)
        guard root.tag == "materialx" else {
            throw MaterialError(.malformed, file: file, "the root element is <\(root.tag)>, not <materialx>")
        }
        if let v = root["version"], !(v.hasPrefix("1.38") || v.hasPrefix("1.39")) {
            throw MaterialError(.unsupported, file: file, "MaterialX version \(v) is not supported; use 1.38 or 1.39")
        }
        let directory = (file as NSString).deletingLastPathComponent
        root.sourceDirectory = directory
        roots.append(root)
        var includes: [String] = []
        for child in root.children {
            if child.tag == "xi:include" || child.tag == "include" {
                guard let href = child["href"], !href.isEmpty else {
                    throw MaterialError(.malformed, file: file, "an <xi:include> has no href; name the document to include")
                }
                includes.append(href.hasPrefix("/") || directory.isEmpty ? href : directory + "/" + href)
            } else {
                topLevel.append(child)
            }
        }
        for inc in includes {
            try self.read(inc, includedFrom: file, reading: &reading, read: &read)
        }
    }

    /// The `surfacematerial` elements of the document and its includes, in order.
    var materials: [XMLElementNode] { topLevel.filter { $0.tag == "surfacematerial" } }

    /// Names of the materials, in document order.
    var materialNames: [String] { materials.enumerated().map { $0.element["name"] ?? "material\($0.offset)" } }

    /// The material called `name`, or the only one when `name` is nil.
    /// Several materials and no name is an error listing them, never a silent first pick.
    func material(named name: String?) throws -> XMLElementNode {
        let all = materials
        let names = materialNames
        if let name {
            guard let i = names.firstIndex(of: name) else {
                throw MaterialError(.unknownNode, file: path, node: name,
                                    "no <surfacematerial> of that name; the document has: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
            }
            return all[i]
        }
        guard let only = all.first else {
            throw MaterialError(.missingInput, file: path, "no <surfacematerial> in the document; add one")
        }
        guard all.count == 1 else {
            throw MaterialError(.unsupported, file: path,
                                "the document has \(all.count) materials (\(names.joined(separator: ", "))); choose one with FILE#NAME")
        }
        return only
    }

    /// An inherited MaterialX attribute (`fileprefix`, `colorspace`): the value
    /// on the element itself or its nearest ancestor inside the same document.
    static func inherited(_ attribute: String, of element: XMLElementNode) -> String? {
        var e: XMLElementNode? = element
        while let cur = e {
            if let v = cur[attribute] { return v }
            if cur.sourceDirectory != nil { return nil }
            e = cur.parent
        }
        return nil
    }

    /// The directory of the document that contains `element`.
    static func directory(of element: XMLElementNode) -> String? {
        var e: XMLElementNode? = element
        while let cur = e {
            if let d = cur.sourceDirectory { return d }
            e = cur.parent
        }
        return nil
    }

    /// A `filename` input's path: the active `fileprefix` (nearest on the input,
    /// its node, nodegraph or document root) + the value, relative to the
    /// directory of the document that holds it.
    static func resolveFilename(_ value: String, at element: XMLElementNode, fallbackDirectory: String) -> String {
        let name = (inherited("fileprefix", of: element) ?? "") + value
        if name.hasPrefix("/") { return name }
        let dir = directory(of: element) ?? fallbackDirectory
        return dir.isEmpty ? name : dir + "/" + name
    }
}
