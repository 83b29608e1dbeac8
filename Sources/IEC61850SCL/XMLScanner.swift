// A small, safe XML pull scanner for SCL (IEC 61850-6) files: no DTD or external entities (a DOCTYPE
// is an error), only the five predefined entities and numeric character references, bounded nesting,
// UTF-8 validated, every error with line and column.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A position in the input, 1-based.
public struct XMLPosition: Sendable, Hashable, CustomStringConvertible {
    /// The line.
    public var line: Int
    /// The column, counted in UTF-8 bytes from the start of the line (equal to characters for ASCII text).
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// Why the input is not acceptable XML.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Where.
    public var position: XMLPosition

    /// `line:column: message`.
    public var description: String { "\(position): \(message)" }
}

/// One event of the scanner.
public enum XMLEvent: Sendable, Hashable {
    /// `<name a="v" …>` (or the start of `<name …/>`, followed at once by its end).
    case startElement(name: String, attributes: [(name: String, value: String)], position: XMLPosition)
    /// `</name>` or the end of an empty-element tag.
    case endElement(name: String)
    /// Character data between tags (entities resolved), including whitespace.
    case text(String)

    /// Events are equal when their kind, names, attributes (in order), text and position are.
    public static func == (lhs: XMLEvent, rhs: XMLEvent) -> Bool {
        switch (lhs, rhs) {
        case (.startElement(let a, let x, let p), .startElement(let b, let y, let q)):
            return a == b && p == q && x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        case (.endElement(let a), .endElement(let b)): return a == b
        case (.text(let a), .text(let b)): return a == b
        default: return false
        }
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .startElement(let name, let attributes, let position):
            hasher.combine(0); hasher.combine(name); hasher.combine(position)
            for attribute in attributes { hasher.combine(attribute.name); hasher.combine(attribute.value) }
        case .endElement(let name): hasher.combine(1); hasher.combine(name)
        case .text(let text): hasher.combine(2); hasher.combine(text)
        }
    }
}

/// Scans XML bytes into ``XMLEvent``s.
public struct XMLScanner: Sendable {
    /// The deepest element nesting accepted. SCL needs about 15; the default leaves room.
    public static let defaultMaxDepth = 256

    private let bytes: [UInt8]
    private var index: Int
    private var line = 1
    private var lineStart = 0
    private var stack: [String] = []
    private var pendingEnd: String?
    private var sawRoot = false
    private let maxDepth: Int

    private let reportsWhitespace: Bool

    /// A scanner over `bytes` (a UTF-8 byte order mark is skipped).
    /// - Parameter reportsWhitespace: when `false`, text made only of whitespace (the indentation between
    ///   elements) produces no ``XMLEvent/text(_:)`` event; it is still checked.
    public init(bytes: [UInt8], maxDepth: Int = XMLScanner.defaultMaxDepth, reportsWhitespace: Bool = true) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.reportsWhitespace = reportsWhitespace
        index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        lineStart = index
    }

    private var position: XMLPosition { XMLPosition(line: line, column: index - lineStart + 1) }

    private func error(_ message: String, at position: XMLPosition? = nil) -> XMLError {
        XMLError(message: message, position: position ?? self.position)
    }

    /// The next event, or `nil` at the end of a well-formed document.
    public mutating func next() throws(XMLError) -> XMLEvent? {
        if let name = pendingEnd {
            pendingEnd = nil
            _ = stack.popLast()
            return .endElement(name: name)
        }
        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                let start = position
                if stack.isEmpty || !reportsWhitespace {
                    let whitespaceEnd = index + bytes[index...].prefix { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }.count
                    if whitespaceEnd == bytes.count || bytes[whitespaceEnd] == UInt8(ascii: "<") {
                        while index < whitespaceEnd { advance() }
                        continue
                    }
                    guard !stack.isEmpty else { throw error("text outside the root element", at: start) }
                }
                return .text(try readText())
            }
            // Dispatch on the octet after '<': most tags are start or end tags.
            let second: UInt8 = index + 1 < bytes.count ? bytes[index + 1] : 0
            if second != UInt8(ascii: "!") && second != UInt8(ascii: "?") {
                if second == UInt8(ascii: "/") { return try readEndTag() }
                return try readStartTag()
            }
            if matches("<!--") {
                try skip(past: "-->", what: "comment")
            } else if matches("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if matches("<![CDATA[") {
                guard !stack.isEmpty else { throw error("CDATA outside the root element") }
                let start = index + 9
                let startPosition = position
                try skip(past: "]]>", what: "CDATA section")
                return .text(try decodeUTF8(start..<(index - 3), at: startPosition))
            } else if matches("<!") {
                throw error("DOCTYPE and other declarations are not accepted (no DTD processing)")
            } else if matches("</") {
                return try readEndTag()
            } else {
                return try readStartTag()
            }
        }
        guard stack.isEmpty else { throw error("the document ends inside <\(stack.last ?? "")>") }
        guard sawRoot else { throw error("the document has no root element") }
        return nil
    }

    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { buffer in
            for offset in 0..<count where bytes[index + offset] != buffer[offset] { return false }
            return true
        }
    }

    /// The first index of `byte` in `range`, found with `memchr`.
    private func find(_ byte: UInt8, in range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        return bytes.withUnsafeBytes { buffer -> Int? in
            guard let base = buffer.baseAddress, let hit = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// Moves to `target`, counting the lines passed.
    private mutating func skipLines(to target: Int) {
        while let newline = find(UInt8(ascii: "\n"), in: index..<target) {
            line += 1
            lineStart = newline + 1
            index = newline + 1
        }
        index = target
    }

    private mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        index += 1
    }

    private mutating func skip(past terminator: StaticString, what: String) throws(XMLError) {
        let start = position
        while index < bytes.count {
            if matches(terminator) {
                for _ in 0..<terminator.utf8CodeUnitCount { advance() }
                return
            }
            advance()
        }
        throw error("unterminated \(what)", at: start)
    }

    private mutating func readText() throws(XMLError) -> String {
        let start = index
        let startPosition = position
        var hasEntity = false
        while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
            if bytes[index] == UInt8(ascii: "&") { hasEntity = true }
            advance()
        }
        return hasEntity ? try resolveEntities(start..<index, at: startPosition) : try decodeUTF8(start..<index, at: startPosition)
    }

    private func decodeUTF8(_ range: Range<Int>, at position: XMLPosition) throws(XMLError) -> String {
        let text: String? = bytes.withUnsafeBufferPointer { buffer in
            let slice = UnsafeBufferPointer(rebasing: buffer[range])
            // ASCII (nearly all of SCL) needs no validation; the rest goes through the validating decoder.
            if Self.isASCII(UnsafeRawBufferPointer(slice)) { return String(decoding: slice, as: UTF8.self) }
            return String(validating: slice, as: UTF8.self)
        }
        guard let text else { throw error("invalid UTF-8", at: position) }
        return text
    }

    /// Whether every byte is below 0x80, eight bytes at a time.
    private static func isASCII(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        var bits: UInt64 = 0
        while offset + 8 <= buffer.count {
            bits |= buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < buffer.count {
            bits |= UInt64(buffer[offset])
            offset += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    private func resolveEntities(_ range: Range<Int>, at position: XMLPosition) throws(XMLError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            guard bytes[i] == UInt8(ascii: "&") else {
                out.append(bytes[i])
                i += 1
                continue
            }
            guard let semicolon = bytes[i..<min(range.upperBound, i + 12)].firstIndex(of: UInt8(ascii: ";")) else {
                throw error("'&' that starts no entity reference", at: position)
            }
            let name = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
            switch name {
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "amp": out.append(UInt8(ascii: "&"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let scalar: UInt32?
                if name.hasPrefix("#x") { scalar = UInt32(name.dropFirst(2), radix: 16) } else if name.hasPrefix("#") { scalar = UInt32(name.dropFirst()) } else { scalar = nil }
                guard let value = scalar, let unicode = Unicode.Scalar(value), value != 0 else {
                    throw error("unknown entity '&\(name);' (only the predefined entities and character references are accepted)", at: position)
                }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            }
            i = semicolon + 1
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8", at: position) }
        return text
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    private mutating func readName(_ what: String) throws(XMLError) -> String {
        let start = index
        let startPosition = position
        while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }  // a name holds no newline
        guard index > start else { throw error("expected \(what)") }
        return try decodeUTF8(start..<index, at: startPosition)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): advance()
            default: return
            }
        }
    }

    private mutating func readStartTag() throws(XMLError) -> XMLEvent {
        let tagPosition = position
        advance()  // <
        let name = try readName("an element name")
        guard !(stack.isEmpty && sawRoot) else { throw error("a second root element <\(name)>", at: tagPosition) }
        guard stack.count < maxDepth else { throw error("elements nested deeper than \(maxDepth)", at: tagPosition) }
        var attributes: [(name: String, value: String)] = []
        attributes.reserveCapacity(6)  // one allocation for the usual handful, instead of regrowing 1 → 2 → 4
        var seenNames: Set<String> = []  // only used past 8 attributes: keeps the duplicate check linear
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("the document ends inside the tag <\(name)>", at: tagPosition) }
            if bytes[index] == UInt8(ascii: ">") {
                advance()
                stack.append(name)
                sawRoot = true
                return .startElement(name: name, attributes: attributes, position: tagPosition)
            }
            if matches("/>") {
                advance(); advance()
                stack.append(name)
                sawRoot = true
                pendingEnd = name
                return .startElement(name: name, attributes: attributes, position: tagPosition)
            }
            let attributeName = try readName("an attribute name in <\(name)>")
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw error("expected '=' after attribute \(attributeName)") }
            advance()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw error("expected a quoted value for attribute \(attributeName)")
            }
            let quote = bytes[index]
            advance()
            let start = index
            let valuePosition = position
            // Most values are short: one pass over them. Long ones (a hostile 100 MB attribute) are searched with memchr.
            var hasEntity = false
            var shortEnd: Int?
            let probeEnd = min(bytes.count, index + 64)
            var probe = index
            while probe < probeEnd {
                let byte = bytes[probe]
                if byte == quote {
                    shortEnd = probe
                    break
                }
                if byte == UInt8(ascii: "<") || byte == UInt8(ascii: "\n") {
                    break  // an error, or a line to count: the careful path below handles both
                }
                if byte == UInt8(ascii: "&") { hasEntity = true }
                probe += 1
            }
            if let shortEnd {
                index = shortEnd
            } else {
                guard let end = find(quote, in: index..<bytes.count) else {
                    throw error("unterminated value of attribute \(attributeName)", at: valuePosition)
                }
                if let angle = find(UInt8(ascii: "<"), in: index..<end) {
                    skipLines(to: angle)
                    throw error("'<' inside the value of attribute \(attributeName)")
                }
                hasEntity = find(UInt8(ascii: "&"), in: index..<end) != nil
                skipLines(to: end)
            }
            let value = hasEntity ? try resolveEntities(start..<index, at: valuePosition) : try decodeUTF8(start..<index, at: valuePosition)
            advance()
            let repeated: Bool
            if attributes.count < 8 {
                repeated = attributes.contains { $0.name == attributeName }
            } else {
                if seenNames.isEmpty { seenNames = Set(attributes.map(\.name)) }
                repeated = !seenNames.insert(attributeName).inserted
            }
            guard !repeated else { throw error("attribute \(attributeName) repeated in <\(name)>", at: valuePosition) }
            attributes.append((attributeName, value))
        }
    }

    private mutating func readEndTag() throws(XMLError) -> XMLEvent {
        let tagPosition = position
        advance(); advance()  // </
        let name = try readName("an element name after '</'")
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw error("expected '>' to close </\(name)") }
        advance()
        guard let open = stack.last else { throw error("</\(name)> without an open element", at: tagPosition) }
        guard open == name else { throw error("</\(name)> closes <\(open)>", at: tagPosition) }
        stack.removeLast()
        return .endElement(name: name)
    }
}
