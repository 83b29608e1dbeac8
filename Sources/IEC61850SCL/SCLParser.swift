// Stage one of SCL loading: XML events → typed document, driven by each element type's schema.

/// Reads an SCL document from XML events. Recursion follows the XML nesting, which the scanner bounds.
struct SCLParser {
    private var scanner: XMLScanner
    private var stack: [SCLStartTag] = []
    private(set) var warnings: [SCLWarning] = []

    init(bytes: [UInt8]) {
        scanner = XMLScanner(bytes: bytes, reportsWhitespace: false)
    }

    /// Parses the whole document: the root must be `<SCL>`.
    mutating func parseDocument() throws(SCLError) -> SCLDocument {
        while true {
            switch try nextEvent() {
            case .startElement(let name, let attributes, let position):
                let tag = SCLStartTag(name: name, attributes: attributes, position: position)
                guard name == "SCL" || name.hasSuffix(":SCL") else {
                    throw SCLError(.notSCL, "the root element is <\(name)>, not <SCL>", location: location(tag), path: name)
                }
                let document = try parse(SCLDocument.self, tag)
                while let event = try nextEvent() {
                    if case .startElement = event { break }  // the scanner refuses a second root
                }
                return document
            case .text, .endElement:
                continue
            case nil:
                throw SCLError(.malformedXML, "the document has no root element")
            }
        }
    }

    private mutating func nextEvent() throws(SCLError) -> XMLEvent? {
        do {
            return try scanner.next()
        } catch {
            throw SCLError(.malformedXML, error.message, location: SCLSourceLocation(line: error.position.line, column: error.position.column),
                           path: currentPath)
        }
    }

    func location(_ tag: SCLStartTag) -> SCLSourceLocation {
        SCLSourceLocation(line: tag.position.line, column: tag.position.column)
    }

    /// The element path of the elements being read, e.g. `SCL/IED[name="A"]/AccessPoint[name="P1"]`.
    var currentPath: String {
        SCLPath.render(stack.map { tag in (tag.name, { name in tag.attributes.first { $0.name == name }?.value }) })
    }

    mutating func warn(_ kind: SCLError.Kind, _ message: String, at tag: SCLStartTag, attribute: String? = nil) {
        stack.append(tag)
        warnings.append(SCLWarning(kind, message, location: location(tag), path: currentPath, attribute: attribute))
        stack.removeLast()
    }

    /// Reads the element that `tag` starts as a `N`.
    mutating func parse<N: SCLNode>(_ type: N.Type, _ tag: SCLStartTag) throws(SCLError) -> N {
        let schema = N.schema
        var node = N()
        node.location = location(tag)
        stack.append(tag)
        defer { stack.removeLast() }
        var seen: UInt64 = 0  // schemas have fewer than 64 attributes (checked when a schema is built)
        for attribute in tag.attributes {
            guard let index = schema.attributeIndex[attribute.name] else {
                node.otherAttributes.append(SCLAttribute(name: attribute.name, value: attribute.value))
                continue
            }
            seen |= 1 << UInt64(index)
            do {
                try schema.attributes[index].read(&node, attribute.value)
            } catch {
                throw SCLError(.invalidValue, error.message, location: node.location, path: currentPath, attribute: attribute.name)
            }
        }
        for (index, attribute) in schema.attributes.enumerated() where attribute.required && seen & (1 << UInt64(index)) == 0 {
            throw SCLError(.missingAttribute, "<\(tag.name)> has no \(attribute.name)", location: node.location, path: currentPath,
                           attribute: attribute.name)
        }
        var text = ""
        while true {
            guard let event = try nextEvent() else {
                throw SCLError(.malformedXML, "the document ends inside <\(tag.name)>", location: node.location, path: currentPath)
            }
            switch event {
            case .startElement(let name, let attributes, let position):
                let child = SCLStartTag(name: name, attributes: attributes, position: position)
                if let index = schema.childIndex[name] {
                    try schema.children[index].parse(&node, child, &self)
                } else {
                    node.otherContent.append(try parseElement(child))
                }
            case .text(let characters):
                if schema.text != nil { text += characters }
            case .endElement:
                if let reader = schema.text {
                    do {
                        try reader.read(&node, SCLLexical.trim(text))
                    } catch {
                        throw SCLError(.invalidValue, error.message, location: node.location, path: currentPath)
                    }
                }
                return node
            }
        }
    }

    /// Reads an element this library does not model, as it is.
    mutating func parseElement(_ tag: SCLStartTag) throws(SCLError) -> SCLElement {
        var element = SCLElement(name: tag.name, attributes: tag.attributes.map { SCLAttribute(name: $0.name, value: $0.value) })
        stack.append(tag)
        defer { stack.removeLast() }
        var text = ""
        while true {
            guard let event = try nextEvent() else {
                throw SCLError(.malformedXML, "the document ends inside <\(tag.name)>", location: location(tag), path: currentPath)
            }
            switch event {
            case .startElement(let name, let attributes, let position):
                element.children.append(try parseElement(SCLStartTag(name: name, attributes: attributes, position: position)))
            case .text(let characters):
                text += characters
            case .endElement:
                element.text = SCLLexical.trim(text)
                return element
            }
        }
    }
}

/// Element paths in errors: `SCL/IED[name="IED1"]/…/LN[lnClass="GGIO",inst="1"]`.
enum SCLPath {
    /// The attributes that identify an element among its siblings, per element name.
    static func identifyingAttributes(of element: String) -> [String] {
        switch element {
        case "LDevice": return ["inst"]
        case "LN", "LN0": return ["prefix", "lnClass", "inst"]
        case "LNodeType", "DOType", "DAType", "EnumType": return ["id"]
        case "ConnectedAP": return ["iedName", "apName"]
        case "GSE", "SMV": return ["ldInst", "cbName"]
        case "FCDA": return ["ldInst", "prefix", "lnClass", "lnInst", "doName", "daName", "fc"]
        case "ExtRef": return ["iedName", "ldInst", "prefix", "lnClass", "lnInst", "doName", "daName", "intAddr"]
        case "EnumVal": return ["ord"]
        case "LNode", "ClientLN": return ["iedName", "ldInst", "prefix", "lnClass", "lnInst"]
        case "P": return ["type"]
        default: return ["name"]
        }
    }

    static func render(_ elements: [(name: String, attribute: (String) -> String?)]) -> String {
        elements.map { element in
            let parts = identifyingAttributes(of: element.name).compactMap { name -> String? in
                guard let value = element.attribute(name), !value.isEmpty else { return nil }
                return "\(name)=\"\(value)\""
            }
            return parts.isEmpty ? element.name : "\(element.name)[\(parts.joined(separator: ","))]"
        }.joined(separator: "/")
    }

    /// One path segment.
    static func segment(_ element: String, _ attributes: KeyValuePairs<String, String?>) -> String {
        let parts = attributes.compactMap { pair -> String? in
            guard let value = pair.value, !value.isEmpty else { return nil }
            return "\(pair.key)=\"\(value)\""
        }
        return parts.isEmpty ? element : "\(element)[\(parts.joined(separator: ","))]"
    }
}
