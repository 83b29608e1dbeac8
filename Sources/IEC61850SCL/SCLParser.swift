// Stage one of SCL loading: XML tokens → typed document, driven by each element type's schema. Names are
// matched as bytes of the input; only values that the document keeps become Strings.

/// Reads an SCL document from XML tokens. Recursion follows the XML nesting, which the tokenizer bounds.
struct SCLParser {
    private var tokenizer: XMLTokenizer
    private(set) var warnings: [SCLWarning] = []

    /// A parser over `buffer`, which must stay valid while the parser is used.
    init(buffer: UnsafeBufferPointer<UInt8>) {
        tokenizer = XMLTokenizer(buffer: buffer, maxDepth: XMLScanner.defaultMaxDepth, reportsWhitespace: false)
    }

    /// Parses the whole document: the root must be `<SCL>`.
    mutating func parseDocument() throws(SCLError) -> SCLDocument {
        while true {
            switch try nextToken() {
            case .startTag:
                let name = try elementName()
                guard name == "SCL" || name.hasSuffix(":SCL") else {
                    throw SCLError(.notSCL, "the root element is <\(name)>, not <SCL>", location: currentLocation, path: name)
                }
                let document = try parse(SCLDocument.self)
                while try nextToken() != .endOfDocument {}  // the tokenizer refuses a second root and text after the root
                return document
            case .text, .endTag:
                continue
            case .endOfDocument:
                throw SCLError(.malformedXML, "the document has no root element")
            }
        }
    }

    private mutating func nextToken() throws(SCLError) -> XMLTokenizer.Token {
        do {
            return try tokenizer.next()
        } catch {
            throw wrap(error)
        }
    }

    private func wrap(_ error: XMLError) -> SCLError {
        SCLError(.malformedXML, error.message, location: SCLSourceLocation(line: error.position.line, column: error.position.column),
                 path: currentPath)
    }

    /// Where the innermost open element starts.
    private var currentLocation: SCLSourceLocation {
        guard let frame = tokenizer.frames.last else { return SCLSourceLocation() }
        return SCLSourceLocation(line: frame.line, column: frame.column)
    }

    /// The innermost open element's name, validated.
    private func elementName() throws(SCLError) -> String {
        guard let frame = tokenizer.frames.last else { return "" }
        do {
            return try tokenizer.elementName(frame)
        } catch {
            throw wrap(error)
        }
    }

    /// The element path of the open elements, e.g. `SCL/IED[name="A"]/AccessPoint[name="P1"]`.
    var currentPath: String {
        let frames = tokenizer.frames
        return SCLPath.render(frames.indices.map { index in
            let frame = frames[index]
            let attributeEnd = index + 1 < frames.count ? frames[index + 1].firstAttribute : tokenizer.attributeCount
            let attributes = (frame.firstAttribute..<attributeEnd).map { tokenizer.attribute($0) }
            return (tokenizer.name(frame.nameStart..<frame.nameEnd), { name in
                attributes.first { tokenizer.name($0.nameStart..<$0.nameEnd) == name }.map { (try? tokenizer.value($0)) ?? "" }
            })
        })
    }

    /// Records a tolerated deviation at the innermost open element.
    mutating func warn(_ kind: SCLError.Kind, _ message: String, attribute: String? = nil) {
        warnings.append(SCLWarning(kind, message, location: currentLocation, path: currentPath, attribute: attribute))
    }

    /// Reads the element whose start tag was just read as a `N`.
    mutating func parse<N: SCLNode>(_ type: N.Type) throws(SCLError) -> N {
        let schema = N.schema
        var node = N()
        node.location = currentLocation
        var seen: UInt64 = 0
        for index in tokenizer.currentAttributes {
            let attribute = tokenizer.attribute(index)
            let value: String
            do {
                value = try tokenizer.value(attribute)
            } catch {
                throw wrap(error)
            }
            guard let slot = schema.attributeTable.lookup(attribute.nameStart..<attribute.nameEnd, in: tokenizer) else {
                do {
                    node.otherAttributes.append(SCLAttribute(name: try tokenizer.attributeName(attribute), value: value))
                } catch {
                    throw wrap(error)
                }
                continue
            }
            seen |= 1 << UInt64(slot)
            do {
                try schema.attributes[slot].read(&node, value)
            } catch {
                throw SCLError(.invalidValue, error.message, location: node.location, path: currentPath, attribute: schema.attributes[slot].name)
            }
        }
        if seen & schema.requiredMask != schema.requiredMask {
            for (index, attribute) in schema.attributes.enumerated() where attribute.required && seen & (1 << UInt64(index)) == 0 {
                throw SCLError(.missingAttribute, "<\(try elementName())> has no \(attribute.name)", location: node.location, path: currentPath,
                               attribute: attribute.name)
            }
        }
        // Character data: usually one run, decoded once at the end; several runs (around comments) are joined.
        var firstText: XMLTokenizer.TextSpan?
        var joinedText: String?
        while true {
            switch try nextToken() {
            case .startTag:
                guard let frame = tokenizer.frames.last else { continue }
                if let entry = schema.childTable.lookup(frame.nameStart..<frame.nameEnd, in: tokenizer) {
                    try schema.children[entry >> 8].parse(&node, entry & 0xFF, &self)
                } else {
                    node.otherContent.append(try parseElement())
                }
            case .text:
                do {
                    if schema.text == nil {
                        try tokenizer.validate(tokenizer.text)
                    } else if let first = firstText {
                        let head: String
                        if let joinedText { head = joinedText } else { head = try tokenizer.string(first) }
                        joinedText = head + (try tokenizer.string(tokenizer.text))
                    } else {
                        firstText = tokenizer.text
                    }
                } catch {
                    throw wrap(error)
                }
            case .endTag:
                if let reader = schema.text {
                    let text: String
                    do {
                        if let joinedText {
                            text = SCLLexical.trim(joinedText)
                        } else if let firstText {
                            text = try tokenizer.string(firstText, trimmed: true)
                        } else {
                            text = ""
                        }
                    } catch {
                        throw wrap(error)
                    }
                    do {
                        try reader.read(&node, text)
                    } catch {
                        throw SCLError(.invalidValue, error.message, location: node.location, path: currentPath)
                    }
                }
                return node
            case .endOfDocument:
                throw SCLError(.malformedXML, "the document ends inside <\(try elementName())>", location: node.location, path: currentPath)
            }
        }
    }

    /// Reads an element this library does not model, as it is.
    mutating func parseElement() throws(SCLError) -> SCLElement {
        var element = SCLElement(name: try elementName())
        do {
            for index in tokenizer.currentAttributes {
                let attribute = tokenizer.attribute(index)
                element.attributes.append(SCLAttribute(name: try tokenizer.attributeName(attribute), value: try tokenizer.value(attribute)))
            }
        } catch {
            throw wrap(error)
        }
        let location = currentLocation
        var text = ""
        while true {
            switch try nextToken() {
            case .startTag:
                element.children.append(try parseElement())
            case .text:
                do {
                    text += try tokenizer.string(tokenizer.text)
                } catch {
                    throw wrap(error)
                }
            case .endTag:
                element.text = SCLLexical.trim(text)
                return element
            case .endOfDocument:
                throw SCLError(.malformedXML, "the document ends inside <\(element.name)>", location: location, path: currentPath)
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
