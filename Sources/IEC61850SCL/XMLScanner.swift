// A small, safe XML pull scanner for SCL (IEC 61850-6) files: no DTD or external entities (a DOCTYPE
// is an error), only the five predefined entities and numeric character references, bounded nesting,
// UTF-8 validated, every error with line and column.


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
public struct XMLScanner {
    /// The deepest element nesting accepted. SCL needs about 15; the default leaves room.
    public static let defaultMaxDepth = 256

    private let bytes: [UInt8]
    private var tokenizer: XMLTokenizer

    /// A scanner over `bytes` (a UTF-8 byte order mark is skipped).
    /// - Parameter reportsWhitespace: when `false`, text made only of whitespace (the indentation between
    ///   elements) produces no ``XMLEvent/text(_:)`` event; it is still checked.
    public init(bytes: [UInt8], maxDepth: Int = XMLScanner.defaultMaxDepth, reportsWhitespace: Bool = true) {
        self.bytes = bytes
        // The tokenizer is handed the array's storage afresh on every call (see `next()`).
        tokenizer = bytes.withUnsafeBufferPointer { XMLTokenizer(buffer: $0, maxDepth: maxDepth, reportsWhitespace: reportsWhitespace) }
    }

    /// The next event, or `nil` at the end of a well-formed document.
    public mutating func next() throws(XMLError) -> XMLEvent? {
        try bytes.withUnsafeBufferPointer { (buffer) throws(XMLError) -> XMLEvent? in
            tokenizer.buffer = buffer
            defer { tokenizer.buffer = UnsafeBufferPointer(start: nil, count: 0) }
            switch try tokenizer.next() {
            case .startTag:
                guard let frame = tokenizer.frames.last else { return nil }
                var attributes: [(name: String, value: String)] = []
                attributes.reserveCapacity(tokenizer.currentAttributes.count)
                for index in tokenizer.currentAttributes {
                    let attribute = tokenizer.attribute(index)
                    attributes.append((try tokenizer.attributeName(attribute), try tokenizer.value(attribute)))
                }
                return .startElement(name: try tokenizer.elementName(frame), attributes: attributes,
                                     position: XMLPosition(line: frame.line, column: frame.column))
            case .endTag:
                guard let frame = tokenizer.frames.last else { return nil }
                return .endElement(name: try tokenizer.elementName(frame))
            case .text:
                return .text(try tokenizer.string(tokenizer.text))
            case .endOfDocument:
                return nil
            }
        }
    }
}

// The tokenizer's only non-Sendable part is its buffer pointer, which is empty between calls and, during
// `next()`, points into `bytes`: an immutable array owned by this same value. A copy sent elsewhere sets it
// to its own `bytes` before any read, so no pointer is shared across threads.
extension XMLScanner: @unchecked Sendable {}
