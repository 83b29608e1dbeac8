// The byte-level core of the XML scanner: tokens that refer to byte ranges of the input, no String or array
// per element. The SCL parser reads it directly; the public `XMLScanner` turns its tokens into `XMLEvent`s.
//
// Safety: every read of `buffer` is preceded by an `index < buffer.count` check (and tests run in debug
// builds, where an unsafe buffer's subscript is range-checked); all offsets grow by one or by a length
// already checked against `buffer.count`, so no arithmetic overflows.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A tokenizer over borrowed UTF-8 bytes. Its owner keeps `buffer` valid while the tokenizer is used.
struct XMLTokenizer {
    /// What ``next()`` found.
    enum Token {
        /// A start tag: its name is the last frame's, its attributes are ``currentAttributes``. An empty-element
        /// tag (`<a/>`) is a start tag followed by an end tag.
        case startTag
        /// An end tag; the element's frame stays the last one until the next call.
        case endTag
        /// Character data: ``text``.
        case text
        /// The end of a well-formed document.
        case endOfDocument
    }

    /// An open element.
    struct Frame {
        var nameStart: Int
        var nameEnd: Int
        /// The index of its first attribute (see `attribute(_:)`).
        var firstAttribute: Int
        var line: Int
        var column: Int
    }

    /// One attribute: byte ranges of its name and of its value (between the quotes).
    struct Attribute {
        var nameStart: Int
        var nameEnd: Int
        var valueStart: Int
        var valueEnd: Int
        /// Where the value starts.
        var line: Int
        var column: Int
        var hasEntity: Bool
    }

    /// A run of character data.
    struct TextSpan {
        enum Kind { case plain, entities, cdata }
        var start = 0
        var end = 0
        var line = 0
        var column = 0
        var kind = Kind.plain
    }

    var buffer: UnsafeBufferPointer<UInt8>
    private(set) var index: Int
    private(set) var line = 1
    private var lineStart: Int
    let maxDepth: Int
    let reportsWhitespace: Bool
    private var sawRoot = false
    private var pendingEnd = false
    private var pendingPop = false
    /// The open elements, outermost first.
    private(set) var frames: [Frame] = []
    /// The attributes of the open elements, in document order: the first `attributeCount` of `attributeStorage`
    /// (entries past it are kept for reuse, so that closing an element frees nothing).
    private var attributeStorage: [Attribute] = []
    private(set) var attributeCount = 0
    /// The last text token.
    private(set) var text = TextSpan()

    init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int, reportsWhitespace: Bool) {
        self.buffer = buffer
        self.maxDepth = maxDepth
        self.reportsWhitespace = reportsWhitespace
        let bom = buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
        index = bom ? 3 : 0
        lineStart = index
        frames.reserveCapacity(32)
        attributeStorage.reserveCapacity(64)
    }

    /// A tokenizer for a chunk of the root element's content: it starts at `start` (a child's start tag, on line
    /// `line` whose first byte is `lineStart`) inside `root`, and reports ``Token/endOfDocument`` where `buffer`
    /// (the input up to the chunk's end) ends between two children.
    init(chunkOf buffer: UnsafeBufferPointer<UInt8>, start: Int, line: Int, lineStart: Int, root: Frame, maxDepth: Int) {
        self.buffer = buffer
        self.maxDepth = maxDepth
        reportsWhitespace = false
        index = start
        self.line = line
        self.lineStart = lineStart
        sawRoot = true
        chunkDepth = 1
        frames = [Frame(nameStart: root.nameStart, nameEnd: root.nameEnd, firstAttribute: 0, line: root.line, column: root.column)]
        attributeStorage.reserveCapacity(64)
    }

    /// The offset where the current line starts.
    var currentLineStart: Int { lineStart }

    /// Whether the start tag just read was an empty-element tag (its end is the next token).
    var endsImmediately: Bool { pendingEnd }

    /// Set for a chunk tokenizer: the depth at which the end of the buffer is the end of the chunk.
    private var chunkDepth: Int?

    /// Moves to `target` (the root's end tag, after its content was read in chunks) on `line` starting at `lineStart`.
    mutating func jump(to target: Int, line: Int, lineStart: Int) {
        index = target
        self.line = line
        self.lineStart = lineStart
    }

    var position: XMLPosition { XMLPosition(line: line, column: index - lineStart + 1) }

    private func error(_ message: String, at position: XMLPosition? = nil) -> XMLError {
        XMLError(message: message, position: position ?? self.position)
    }

    /// The attributes of the innermost open element.
    var currentAttributes: Range<Int> {
        (frames.last?.firstAttribute ?? attributeCount)..<attributeCount
    }

    /// The attribute at `index` (below ``attributeCount``).
    @inline(__always)
    func attribute(_ index: Int) -> Attribute { attributeStorage[index] }

    // MARK: - Tokens

    /// The next token.
    mutating func next() throws(XMLError) -> Token {
        if pendingPop {
            pendingPop = false
            if let frame = frames.popLast() { attributeCount = frame.firstAttribute }
        }
        if pendingEnd {
            pendingEnd = false
            pendingPop = true
            return .endTag
        }
        let count = buffer.count
        while index < count {
            if buffer[index] != UInt8(ascii: "<") {
                let start = position
                let startIndex = index
                // Whitespace between tags (the indentation) is skipped unless asked for; lines are counted here.
                let saved = (line, lineStart)
                skipWhitespace()
                if (index == count || buffer[index] == UInt8(ascii: "<")) && (frames.isEmpty || !reportsWhitespace) { continue }
                (index, line, lineStart) = (startIndex, saved.0, saved.1)
                guard !frames.isEmpty else { throw error("text outside the root element", at: start) }
                readText(from: startIndex, at: start)
                return .text
            }
            let second: UInt8 = index + 1 < count ? buffer[index + 1] : 0
            if second == UInt8(ascii: "/") { return try readEndTag() }
            if second != UInt8(ascii: "!") && second != UInt8(ascii: "?") { return try readStartTag() }
            if matches("<!--") {
                try skip(past: "-->", what: "comment")
            } else if matches("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if matches("<![CDATA[") {
                guard !frames.isEmpty else { throw error("CDATA outside the root element") }
                let start = position
                let contentStart = index + 9
                try skip(past: "]]>", what: "CDATA section")
                text = TextSpan(start: contentStart, end: index - 3, line: start.line, column: start.column + 9, kind: .cdata)
                return .text
            } else {
                throw error("DOCTYPE and other declarations are not accepted (no DTD processing)")
            }
        }
        if let chunkDepth, frames.count == chunkDepth { return .endOfDocument }
        if let open = frames.last { throw error("the document ends inside <\(name(open.nameStart..<open.nameEnd))>") }
        guard sawRoot else { throw error("the document has no root element") }
        return .endOfDocument
    }

    private func matches(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard length <= buffer.count - index else { return false }
        return literal.withUTF8Buffer { expected in
            for offset in 0..<length where buffer[index + offset] != expected[offset] { return false }
            return true
        }
    }

    private mutating func skip(past terminator: StaticString, what: String) throws(XMLError) {
        let start = position
        while index < buffer.count {
            if matches(terminator) {
                index += terminator.utf8CodeUnitCount
                return
            }
            if buffer[index] == 0x0A {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        throw error("unterminated \(what)", at: start)
    }

    private mutating func readText(from start: Int, at position: XMLPosition) {
        var hasEntity = false
        var cursor = start
        let count = buffer.count
        while cursor < count {
            let byte = buffer[cursor]
            if byte == UInt8(ascii: "<") { break }
            if byte == 0x0A {
                line += 1
                lineStart = cursor + 1
            } else if byte == UInt8(ascii: "&") {
                hasEntity = true
            }
            cursor += 1
        }
        index = cursor
        text = TextSpan(start: start, end: cursor, line: position.line, column: position.column, kind: hasEntity ? .entities : .plain)
    }

    /// Name characters: letters, digits, `_ : - .` and every non-ASCII byte (checked as UTF-8 when decoded).
    @inline(__always)
    static func isNameByte(_ byte: UInt8) -> Bool {
        if byte >= 0x80 { return true }
        // Bits 0x2D '-', 0x2E '.', 0x30…0x39 digits, 0x3A ':'.
        let low: UInt64 = (1 << 0x2D) | (1 << 0x2E) | (0x3FF << 0x30) | (1 << 0x3A)
        // Bits (minus 0x40) 0x41…0x5A 'A'…'Z', 0x5F '_', 0x61…0x7A 'a'…'z'.
        let high: UInt64 = (0x3FF_FFFF << 0x01) | (1 << 0x1F) | (0x3FF_FFFF << 0x21)
        return byte < 0x40 ? (low >> UInt64(byte)) & 1 == 1 : (high >> UInt64(byte - 0x40)) & 1 == 1
    }

    /// Advances over a name; `false` when there is none.
    @inline(__always)
    private mutating func scanName() -> Bool {
        let start = index
        while index < buffer.count, Self.isNameByte(buffer[index]) { index += 1 }  // a name holds no newline
        return index > start
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while index < buffer.count {
            let byte = buffer[index]
            if byte == 0x0A {
                line += 1
                lineStart = index + 1
            } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
                return
            }
            index += 1
        }
    }

    private mutating func readStartTag() throws(XMLError) -> Token {
        let tagLine = line
        let tagColumn = index - lineStart + 1
        let tagPosition = XMLPosition(line: tagLine, column: tagColumn)
        index += 1  // <
        let nameStart = index
        guard scanName() else { throw error("expected an element name") }
        let nameEnd = index
        guard !(frames.isEmpty && sawRoot) else { throw error("a second root element <\(name(nameStart..<nameEnd))>", at: tagPosition) }
        guard frames.count < maxDepth else { throw error("elements nested deeper than \(maxDepth)", at: tagPosition) }
        let firstAttribute = attributeCount
        let count = buffer.count
        while true {
            skipWhitespace()
            guard index < count else { throw error("the document ends inside the tag <\(name(nameStart..<nameEnd))>", at: tagPosition) }
            let byte = buffer[index]
            if byte == UInt8(ascii: ">") || (byte == UInt8(ascii: "/") && index + 1 < count && buffer[index + 1] == UInt8(ascii: ">")) {
                index += byte == UInt8(ascii: ">") ? 1 : 2
                frames.append(Frame(nameStart: nameStart, nameEnd: nameEnd, firstAttribute: firstAttribute, line: tagLine, column: tagColumn))
                sawRoot = true
                pendingEnd = byte == UInt8(ascii: "/")
                return .startTag
            }
            let attributeStart = index
            guard scanName() else { throw error("expected an attribute name in <\(name(nameStart..<nameEnd))>") }
            let attributeEnd = index
            skipWhitespace()
            guard index < count, buffer[index] == UInt8(ascii: "=") else {
                throw error("expected '=' after attribute \(name(attributeStart..<attributeEnd))")
            }
            index += 1
            skipWhitespace()
            guard index < count, buffer[index] == UInt8(ascii: "\"") || buffer[index] == UInt8(ascii: "'") else {
                throw error("expected a quoted value for attribute \(name(attributeStart..<attributeEnd))")
            }
            let quote = buffer[index]
            index += 1
            let valueStart = index
            let valueLine = line
            let valueColumn = index - lineStart + 1
            var hasEntity = false
            while index < count {
                let byte = buffer[index]
                if byte == quote { break }
                if byte == UInt8(ascii: "<") { throw error("'<' inside the value of attribute \(name(attributeStart..<attributeEnd))") }
                if byte == UInt8(ascii: "&") {
                    hasEntity = true
                } else if byte == 0x0A {
                    line += 1
                    lineStart = index + 1
                }
                index += 1
            }
            guard index < count else {
                throw error("unterminated value of attribute \(name(attributeStart..<attributeEnd))",
                            at: XMLPosition(line: valueLine, column: valueColumn))
            }
            let valueEnd = index
            index += 1
            if isRepeated(attributeStart..<attributeEnd, since: firstAttribute) {
                throw error("attribute \(name(attributeStart..<attributeEnd)) repeated in <\(name(nameStart..<nameEnd))>",
                            at: XMLPosition(line: valueLine, column: valueColumn))
            }
            let attribute = Attribute(nameStart: attributeStart, nameEnd: attributeEnd, valueStart: valueStart, valueEnd: valueEnd,
                                      line: valueLine, column: valueColumn, hasEntity: hasEntity)
            if attributeCount < attributeStorage.count {
                attributeStorage[attributeCount] = attribute
            } else {
                attributeStorage.append(attribute)
            }
            attributeCount += 1
        }
    }

    /// Whether the tag being read already has an attribute of this name: pairwise for the usual handful,
    /// through a set past 32 so that a tag with 100 000 attributes stays linear.
    private mutating func isRepeated(_ name: Range<Int>, since first: Int) -> Bool {
        let seen = attributeCount - first
        if seen < 32 {
            for index in first..<attributeCount {
                let attribute = attributeStorage[index]
                if equal(attribute.nameStart..<attribute.nameEnd, name) { return true }
            }
            return false
        }
        if seen == 32 || duplicateNames.isEmpty {
            duplicateNames = Set(attributeStorage[first..<attributeCount].map { self.name($0.nameStart..<$0.nameEnd) })
        }
        return !duplicateNames.insert(self.name(name)).inserted
    }

    private var duplicateNames: Set<String> = []

    /// Where the last end tag read starts.
    private(set) var lastEndTag = XMLRootSplits.Mark(offset: 0, line: 0, lineStart: 0)

    private mutating func readEndTag() throws(XMLError) -> Token {
        let tagPosition = position
        lastEndTag = XMLRootSplits.Mark(offset: index, line: line, lineStart: lineStart)
        index += 2  // </
        let nameStart = index
        guard scanName() else { throw error("expected an element name after '</'") }
        let nameEnd = index
        skipWhitespace()
        guard index < buffer.count, buffer[index] == UInt8(ascii: ">") else { throw error("expected '>' to close </\(name(nameStart..<nameEnd))") }
        index += 1
        guard let open = frames.last else { throw error("</\(name(nameStart..<nameEnd))> without an open element", at: tagPosition) }
        guard equal(open.nameStart..<open.nameEnd, nameStart..<nameEnd) else {
            throw error("</\(name(nameStart..<nameEnd))> closes <\(name(open.nameStart..<open.nameEnd))>", at: tagPosition)
        }
        pendingPop = true
        return .endTag
    }

    // MARK: - Bytes to values

    /// Whether two ranges of the input hold the same bytes.
    @inline(__always)
    func equal(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        if a.count <= 16 {  // names: a loop beats a call
            for offset in 0..<a.count where buffer[a.lowerBound + offset] != buffer[b.lowerBound + offset] { return false }
            return true
        }
        guard let base = buffer.baseAddress else { return a.isEmpty }
        return memcmp(base + a.lowerBound, base + b.lowerBound, a.count) == 0
    }

    /// Whether a range of the input holds `bytes`.
    @inline(__always)
    func equal(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == bytes.count else { return false }
        guard let base = buffer.baseAddress, let other = bytes.baseAddress else { return range.isEmpty }
        return memcmp(base + range.lowerBound, other, range.count) == 0
    }

    /// A name for a message (invalid UTF-8 repaired: names are validated where they become values).
    func name(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// The name of an open element, validated.
    func elementName(_ frame: Frame) throws(XMLError) -> String {
        try decode(frame.nameStart..<frame.nameEnd, at: XMLPosition(line: frame.line, column: frame.column + 1))
    }

    /// An attribute's name, validated.
    func attributeName(_ attribute: Attribute) throws(XMLError) -> String {
        try decode(attribute.nameStart..<attribute.nameEnd, at: XMLPosition(line: attribute.line, column: attribute.column))
    }

    /// An attribute's value, entities resolved and validated.
    func value(_ attribute: Attribute) throws(XMLError) -> String {
        let position = XMLPosition(line: attribute.line, column: attribute.column)
        let range = attribute.valueStart..<attribute.valueEnd
        return attribute.hasEntity ? try resolveEntities(range, at: position) : try decode(range, at: position)
    }

    /// A text span's characters, entities resolved and validated; trimmed of XML whitespace when asked.
    func string(_ span: TextSpan, trimmed: Bool = false) throws(XMLError) -> String {
        var range = span.start..<span.end
        if trimmed {
            var low = range.lowerBound
            var high = range.upperBound
            while low < high, Self.isSpace(buffer[low]) { low += 1 }
            while high > low, Self.isSpace(buffer[high - 1]) { high -= 1 }
            range = low..<high
        }
        let position = XMLPosition(line: span.line, column: span.column)
        return span.kind == .entities ? try resolveEntities(range, at: position) : try decode(range, at: position)
    }

    /// Checks that a text span is valid (UTF-8, entities) without keeping it.
    func validate(_ span: TextSpan) throws(XMLError) {
        let range = span.start..<span.end
        let position = XMLPosition(line: span.line, column: span.column)
        if span.kind == .entities {
            _ = try resolveEntities(range, at: position)
        } else if !Self.isASCII(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[range])) {
            _ = try decode(range, at: position)
        }
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    private func decode(_ range: Range<Int>, at position: XMLPosition) throws(XMLError) -> String {
        let slice = UnsafeBufferPointer(rebasing: buffer[range])
        // ASCII (nearly all of SCL) needs no validation; the rest goes through the validating decoder.
        if Self.isASCII(UnsafeRawBufferPointer(slice)) { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else { throw error("invalid UTF-8", at: position) }
        return text
    }

    /// Whether every byte is below 0x80, eight bytes at a time.
    static func isASCII(_ buffer: UnsafeRawBufferPointer) -> Bool {
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
            guard buffer[i] == UInt8(ascii: "&") else {
                out.append(buffer[i])
                i += 1
                continue
            }
            var semicolon = i + 1
            let limit = min(range.upperBound, i + 12)
            while semicolon < limit, buffer[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
            guard semicolon < limit else { throw error("'&' that starts no entity reference", at: position) }
            let name = self.name((i + 1)..<semicolon)
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
}

/// Where a large document's root content may be split for reading on several threads: before the start tags of
/// elements that SCL allows only as children of the root (`IED`, `Substation`), found near equally spaced offsets
/// with `memchr`, without reading the structure. A candidate can be wrong (inside a comment, a CDATA section or a
/// processing instruction); the reader verifies each split as it goes: the chunk before a split must end there,
/// between two children of the root, or the document is read again sequentially.
enum XMLRootSplits {
    /// A place in the input with its line (1-based) and the offset where that line starts.
    struct Mark {
        var offset: Int
        var line: Int
        var lineStart: Int
    }

    /// Up to `count - 1` split points after `start`, in increasing order, each with its line.
    static func find(in buffer: UnsafeBufferPointer<UInt8>, start: Mark, count: Int) -> [Mark] {
        guard let base = buffer.baseAddress, count > 1, start.offset < buffer.count else { return [] }
        let total = buffer.count - start.offset
        /// The first candidate at or after `from`, before `limit`.
        func candidate(from: Int, limit: Int) -> Int? {
            var cursor = from
            while cursor < limit, let hit = memchr(base + cursor, Int32(UInt8(ascii: "<")), limit - cursor) {
                let open = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                for name: StaticString in ["IED", "Substation"] {
                    let length = name.utf8CodeUnitCount
                    guard open + 1 + length < buffer.count, memcmp(base + open + 1, name.utf8Start, length) == 0 else { continue }
                    switch buffer[open + 1 + length] {
                    case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ">"), UInt8(ascii: "/"): return open
                    default: continue
                    }
                }
                cursor = open + 1
            }
            return nil
        }
        var offsets: [Int] = []
        for part in 1..<count {
            let previous = offsets.last ?? start.offset
            let target = max(start.offset + total / count * part, previous + 1)
            let nextTarget = part + 1 < count ? max(start.offset + total / count * (part + 1), target) : buffer.count
            // Between this target and the next one; failing that (a small document), the first one after the previous
            // split. The windows keep the search linear: a file of nothing but '<' is not scanned once per part.
            guard let found = candidate(from: target, limit: nextTarget) ?? candidate(from: previous + 1, limit: target) else { continue }
            if found > previous { offsets.append(found) }
        }
        // Lines at each split, counted once.
        var marks: [Mark] = []
        var line = start.line
        var lineStart = start.lineStart
        var cursor = start.offset
        for offset in offsets {
            while cursor < offset, let hit = memchr(base + cursor, 0x0A, offset - cursor) {
                let newline = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                line += 1
                lineStart = newline + 1
                cursor = newline + 1
            }
            cursor = offset
            marks.append(Mark(offset: offset, line: line, lineStart: lineStart))
        }
        return marks
    }
}
