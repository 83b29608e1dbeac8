// The SCL writer: typed document → XML text, driven by the same schemas that read it, so that
// parse → write → parse gives an equal document.

/// Writes elements as indented XML.
struct SCLXMLWriter {
    private(set) var output = ""
    private var depth = 0

    init() {}

    mutating func write<N: SCLNode>(_ node: N, element: String) {
        let schema = N.schema
        indent()
        output += "<" + element
        for attribute in schema.attributes {
            if let value = attribute.write(node) { writeAttribute(attribute.name, value) }
        }
        for attribute in node.otherAttributes { writeAttribute(attribute.name, attribute.value) }
        if let text = schema.text {
            let value = text.write(node)
            if value.isEmpty && node.otherContent.isEmpty {
                output += "/>\n"
            } else {
                output += ">"
                if !node.otherContent.isEmpty {
                    output += "\n"
                    depth += 1
                    for element in node.otherContent { write(element) }
                    depth -= 1
                    indent()
                }
                output += Self.escape(value, quote: false) + "</" + element + ">\n"
            }
            return
        }
        output += ">\n"
        let contentStart = output.utf8.count
        depth += 1
        for element in node.otherContent { write(element) }
        for child in schema.children { child.write(node, &self) }
        depth -= 1
        if output.utf8.count == contentStart {
            output.removeLast(2)
            output += "/>\n"
        } else {
            indent()
            output += "</" + element + ">\n"
        }
    }

    mutating func write(_ element: SCLElement) {
        indent()
        output += "<" + element.name
        for attribute in element.attributes { writeAttribute(attribute.name, attribute.value) }
        if element.children.isEmpty && element.text.isEmpty {
            output += "/>\n"
            return
        }
        output += ">"
        if !element.children.isEmpty {
            output += "\n"
            depth += 1
            for child in element.children { write(child) }
            depth -= 1
            indent()
        }
        output += Self.escape(element.text, quote: false) + "</" + element.name + ">\n"
    }

    private mutating func indent() {
        output += String(repeating: "\t", count: depth)
    }

    private mutating func writeAttribute(_ name: String, _ value: String) {
        output += " " + name + "=\"" + Self.escape(value, quote: true) + "\""
    }

    static func escape(_ text: String, quote: Bool) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || (quote && ($0 == 0x22 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09)) }) else {
            return text
        }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"" where quote: escaped += "&quot;"
            case "\n" where quote: escaped += "&#10;"
            case "\r" where quote: escaped += "&#13;"
            case "\t" where quote: escaped += "&#9;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
