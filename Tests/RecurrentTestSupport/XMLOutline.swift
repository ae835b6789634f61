import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What an XML document holds, as read by Foundation's own parser: how many elements of each
/// name, each element's attributes in document order, and the text inside each `<text>`.
/// Building it fails when the document is not well-formed XML.
public struct XMLOutline {
    public var elementCounts: [String: Int] = [:]
    public var elements: [(name: String, attributes: [String: String])] = []
    public var texts: [String] = []
    public var rootName: String?

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String) throws {
        let delegate = Collector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw ParseError(description: "not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber): "
                             + "\(parser.parserError.map { "\($0)" } ?? "unknown error")")
        }
        self = delegate.outline
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var outline = XMLOutline(empty: ())
        private var insideText = false
        private var currentText = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if outline.rootName == nil { outline.rootName = name }
            outline.elementCounts[name, default: 0] += 1
            outline.elements.append((name, attributes))
            if name == "text" { insideText = true; currentText = "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if insideText { currentText += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" {
                outline.texts.append(currentText)
                insideText = false
            }
        }
    }

    private init(empty: Void) {}

    public func count(_ name: String) -> Int { elementCounts[name] ?? 0 }
}
