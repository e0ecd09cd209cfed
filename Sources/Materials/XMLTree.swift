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
        let builder = XMLTreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        builder.parser = parser
        parser.delegate = builder
        let ok = parser.parse()
        if !ok || builder.root == nil || builder.failure != nil || parser.parserError != nil || !builder.stack.isEmpty {
            let reason = builder.failure ?? parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unclosed elements"
            let line = builder.failure != nil ? builder.failureLine : parser.lineNumber
            throw MaterialError(.malformed, file: file, "not well-formed XML near line \(line) (\(reason)); fix the document")
        }
        guard let root = builder.root else { throw MaterialError(.malformed, file: file, "empty XML document") }
        return root
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
            failure = (parseError as NSError).localizedDescription
            failureLine = parser.lineNumber
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        _ = stack.popLast()
    }
}
