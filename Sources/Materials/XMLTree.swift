import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element (just what the MaterialX reader needs).
final class XMLElementNode {
    let tag: String
    let attributes: [String: String]
    var children: [XMLElementNode] = []
    let line: Int
    /// The enclosing element (nil for a document root). For the root of an
    /// XInclude'd document: the including document's root.
    weak var parent: XMLElementNode?
    /// Set on a document root: the directory of the file it was read from
    /// (relative file names inside that document start there).
    var sourceDirectory: String?
    init(tag: String, attributes: [String: String], line: Int) {
        self.tag = tag
        self.attributes = attributes
        self.line = line
    }
    subscript(_ key: String) -> String? { attributes[key] }
}

/// Builds an `XMLElementNode` tree with Foundation's XMLParser.
final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLElementNode] = []
    var root: XMLElementNode?
    var parser: XMLParser?
    var failure: String?
    var failureLine = 0

    static func parse(_ data: Data, file: String) throws -> XMLElementNode {
        // Foundation's XMLParser traps on an element name that is not UTF-8
        // (found by fuzzing), so any other bytes are refused before it runs.
        if let offset = firstInvalidUTF8(data) {
            let line = data.prefix(offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw MaterialError(.malformed, file: file, "line \(line): byte \(offset) is not valid UTF-8; save the document as UTF-8")
        }
        // Foundation's XMLParser also dereferences NULL on a processing
        // instruction without data (`<?name?>`, found by fuzzing); MaterialX
        // needs none besides the XML declaration, so they are refused.
        if let line = processingInstructionLine(data) {
            throw MaterialError(.malformed, file: file, "line \(line): a processing instruction <?…?> other than the XML declaration; "
                                + "MaterialX documents need none, remove it")
        }
        let builder = XMLTreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        builder.parser = parser
        parser.delegate = builder
        // MaterialX needs no DTD; refusing one up front also refuses entity
        // expansion bombs and external entities with a plain message.
        if let line = doctypeLine(data) {
            throw MaterialError(.malformed, file: file, "line \(line): a <!DOCTYPE> or <!ENTITY> declaration; MaterialX documents "
                                + "need none, remove it")
        }
        let ok = parser.parse()
        if !ok || builder.root == nil || builder.failure != nil || parser.parserError != nil || !builder.stack.isEmpty {
            let reason = builder.failure ?? parser.parserError.map(plainReason) ?? "unclosed elements"
            let line = builder.failure != nil ? builder.failureLine : parser.lineNumber
            throw MaterialError(.malformed, file: file, "not well-formed XML near line \(line) (\(reason)); fix the document")
        }
        guard let root = builder.root else { throw MaterialError(.malformed, file: file, "empty XML document") }
        return root
    }

    /// The 1-based line of the first `<?` that does not open the leading `<?xml ` declaration.
    static func processingInstructionLine(_ data: Data) -> Int? {
        let bytes = [UInt8](data)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let declaration = Array("<?xml".utf8)
        var line = 1
        for i in bytes.indices {
            if bytes[i] == 0x0A { line += 1 }
            guard bytes[i] == UInt8(ascii: "<"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "?") else { continue }
            let isDeclaration = i == start && bytes[i...].starts(with: declaration)
                && i + declaration.count < bytes.count && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i + declaration.count])
            if !isDeclaration { return line }
        }
        return nil
    }

    /// The parser's error in words: Foundation describes libxml2's errors only as
    /// "NSXMLParserErrorDomain error N", so the common codes are named here.
    static func plainReason(_ error: Error) -> String {
        let code = (error as NSError).code
        switch code {
        case 4: return "the document is empty"
        case 5: return "the document ends too early"
        case 9: return "an invalid character"
        case 26, 27: return "an undeclared entity"
        case 31, 32: return "an unsupported text encoding; save it as UTF-8"
        case 33, 34, 43, 44: return "an unterminated quoted value"
        case 38, 39, 41: return "a malformed attribute"
        case 42: return "an attribute given twice"
        case 64: return "an XML declaration that is not at the start"
        case 68: return "a missing element or attribute name"
        case 73: return "a missing '>'"
        case 76: return "an end tag that does not match its start tag"
        case 77: return "an unclosed tag"
        case 86: return "extra content after the root element"
        case 89: return "an entity that refers to itself"
        default: return "the XML parser stopped (code \(code))"
        }
    }

    /// The 1-based line of the first <!DOCTYPE or <!ENTITY, if any.
    static func doctypeLine(_ data: Data) -> Int? {
        let bytes = [UInt8](data)
        for marker in ["<!DOCTYPE", "<!ENTITY"] {
            let m = Array(marker.utf8)
            guard bytes.count >= m.count else { continue }
            for i in 0...(bytes.count - m.count) where bytes[i] == m[0] && Array(bytes[i..<(i + m.count)]) == m {
                return bytes[0..<i].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            }
        }
        return nil
    }

    /// The offset of the first byte that does not belong to a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ data: Data) -> Int? {
        var bytes = data.makeIterator()
        var decoder = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch decoder.parseScalar(from: &bytes) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let node = XMLElementNode(tag: elementName, attributes: attributeDict, line: parser.lineNumber)
        if let parent = stack.last {
            parent.children.append(node)
            node.parent = parent
        } else if root == nil {
            root = node
        }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if failure == nil {
            failure = XMLTreeBuilder.plainReason(parseError)
            failureLine = parser.lineNumber
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        _ = stack.popLast()
    }
}
