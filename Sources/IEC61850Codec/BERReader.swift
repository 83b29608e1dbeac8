// A small BER (ITU-T X.690) reader specialised for ISO 9506 / ISO 8650 / ISO 8823.

public import IEC61850Model
//
// It reads TLVs from a shared byte array without copying; every length is checked against the bytes
// that remain, indefinite lengths are resolved with a bounded nesting depth, and every failure is an
// `MMSCodecError`.

/// One TLV read by ``BERReader``: its tag and where its content lies in the shared bytes.
public struct BERElement: Sendable {
    /// The tag.
    public let tag: BERTag
    /// The bytes the element was read from (shared, not copied).
    @usableFromInline let bytes: [UInt8]
    /// Index of the first content octet.
    public let contentStart: Int
    /// Index one past the last content octet.
    public let contentEnd: Int
    /// Nesting depth of the element (0 at the top).
    public let depth: Int
    /// The depth limit inherited from the reader.
    @usableFromInline let maxDepth: Int

    /// The number of content octets.
    @inlinable public var length: Int { contentEnd - contentStart }

    /// The content octets.
    @inlinable public var content: ArraySlice<UInt8> { bytes[contentStart..<contentEnd] }

    /// A reader over the content of a constructed element, one level deeper.
    public func children() throws(MMSCodecError) -> BERReader {
        guard depth + 1 <= maxDepth else {
            throw MMSCodecError(.nestingTooDeep, "\(tag) nested deeper than \(maxDepth) levels")
        }
        return BERReader(bytes: bytes, start: contentStart, end: contentEnd, depth: depth + 1, maxDepth: maxDepth)
    }

    /// Throws unless the tag is `expected`.
    @inlinable
    public func expect(_ expected: BERTag, _ what: @autoclosure () -> String) throws(MMSCodecError) {
        guard tag == expected else { throw MMSCodecError(.unexpectedTag, "\(what()): expected \(expected), found \(tag)") }
    }

    // MARK: - Primitive content

    /// Content octet `offset` (the caller checks `offset < length`).
    @inlinable func octet(at offset: Int) -> UInt8 { bytes[contentStart + offset] }

    /// Up to 8 content octets from `offset` read as a big-endian number.
    @inlinable func bigEndianUInt64(from offset: Int = 0) -> UInt64 {
        var value: UInt64 = 0
        var index = contentStart + offset
        let end = min(contentEnd, index + 8)
        while index < end {
            value = value << 8 | UInt64(bytes[index])
            index += 1
        }
        return value
    }

    /// The content as a BOOLEAN (one octet; any non-zero is true).
    public func boolean() throws(MMSCodecError) -> Bool {
        guard length == 1 else { throw MMSCodecError(.invalidLength, "BOOLEAN \(tag) has \(length) octets, expected 1") }
        return bytes[contentStart] != 0
    }

    /// The content as a signed INTEGER of at most 8 octets.
    public func int64() throws(MMSCodecError) -> Int64 {
        guard length >= 1 else { throw MMSCodecError(.invalidLength, "INTEGER \(tag) is empty") }
        guard length <= 8 else { throw MMSCodecError(.integerOverflow, "INTEGER \(tag) has \(length) octets, more than 8") }
        var value: Int64 = bytes[contentStart] & 0x80 != 0 ? -1 : 0
        for index in contentStart..<contentEnd { value = (value << 8) | Int64(bytes[index]) }
        return value
    }

    /// The content as a non-negative INTEGER of at most 64 bits (a leading zero octet is allowed for the 9th).
    public func uint64() throws(MMSCodecError) -> UInt64 {
        guard length >= 1 else { throw MMSCodecError(.invalidLength, "INTEGER \(tag) is empty") }
        var start = contentStart
        if bytes[start] & 0x80 != 0 {
            throw MMSCodecError(.invalidValue, "unsigned INTEGER \(tag) is negative")
        }
        if length == 9, bytes[start] == 0 { start += 1 }
        guard contentEnd - start <= 8 else { throw MMSCodecError(.integerOverflow, "unsigned INTEGER \(tag) has \(length) octets, more than 64 bits") }
        var value: UInt64 = 0
        for index in start..<contentEnd { value = (value << 8) | UInt64(bytes[index]) }
        return value
    }

    /// The content as an unsigned value that must fit `T`.
    public func unsigned<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(MMSCodecError) -> T {
        let value = try uint64()
        guard let result = T(exactly: value) else { throw MMSCodecError(.integerOverflow, "\(what()) \(value) does not fit \(T.self)") }
        return result
    }

    /// The content as a signed value that must fit `T`.
    public func signed<T: FixedWidthInteger & SignedInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(MMSCodecError) -> T {
        let value = try int64()
        guard let result = T(exactly: value) else { throw MMSCodecError(.integerOverflow, "\(what()) \(value) does not fit \(T.self)") }
        return result
    }

    /// The content as text (VisibleString / MMSString / GraphicString), validated as UTF-8.
    public func string() throws(MMSCodecError) -> String {
        guard let text = String(validating: content, as: UTF8.self) else {
            throw MMSCodecError(.invalidValue, "string \(tag) is not valid UTF-8")
        }
        return text
    }

    /// The content as a BIT STRING (first octet: unused bits in the last octet, 0...7).
    public func bitString() throws(MMSCodecError) -> MMSBitString {
        guard length >= 1 else { throw MMSCodecError(.invalidLength, "BIT STRING \(tag) is empty") }
        let unused = Int(bytes[contentStart])
        guard unused <= 7, !(length == 1 && unused != 0) else {
            throw MMSCodecError(.invalidValue, "BIT STRING \(tag) has \(unused) unused bits")
        }
        let count = (length - 1) * 8 - unused
        var bits = [Bool]()
        bits.reserveCapacity(count)
        for index in 0..<count {
            bits.append(bytes[contentStart + 1 + (index >> 3)] & (0x80 >> UInt8(index & 7)) != 0)
        }
        return MMSBitString(bits: bits)
    }

    /// The content as OBJECT IDENTIFIER arcs (ITU-T X.690 §8.19).
    public func objectIdentifier() throws(MMSCodecError) -> [UInt64] {
        guard length >= 1 else { throw MMSCodecError(.invalidLength, "OBJECT IDENTIFIER \(tag) is empty") }
        var subidentifiers: [UInt64] = []
        var current: UInt64 = 0
        var octetsInCurrent = 0
        for index in contentStart..<contentEnd {
            let byte = bytes[index]
            if octetsInCurrent == 0, byte == 0x80 {
                throw MMSCodecError(.invalidValue, "OBJECT IDENTIFIER \(tag) has a non-minimal arc")
            }
            octetsInCurrent += 1
            guard octetsInCurrent <= 9 else { throw MMSCodecError(.integerOverflow, "OBJECT IDENTIFIER \(tag) arc exceeds 63 bits") }
            current = (current << 7) | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                subidentifiers.append(current)
                current = 0
                octetsInCurrent = 0
            }
        }
        guard octetsInCurrent == 0, let first = subidentifiers.first else {
            throw MMSCodecError(.truncated, "OBJECT IDENTIFIER \(tag) ends inside an arc")
        }
        let firstArc: UInt64 = first < 40 ? 0 : (first < 80 ? 1 : 2)
        return [firstArc, first - firstArc * 40] + subidentifiers.dropFirst()
    }
}

/// Reads consecutive BER elements from a range of a shared byte array.
public struct BERReader: Sendable {
    /// Depth limit used when none is given: enough for every ISO 9506 / ACSE / Presentation PDU
    /// and an MMS Data nesting of 10 inside them.
    public static let defaultMaxDepth = 40

    @usableFromInline let bytes: [UInt8]
    /// The read position.
    public private(set) var position: Int
    /// One past the last byte this reader may read.
    public let end: Int
    @usableFromInline let depth: Int
    @usableFromInline let maxDepth: Int

    /// A reader over all of `bytes`.
    public init(bytes: [UInt8], maxDepth: Int = BERReader.defaultMaxDepth) {
        self.init(bytes: bytes, start: 0, end: bytes.count, depth: 0, maxDepth: maxDepth)
    }

    /// A reader over `range` of `bytes` (the range is clamped to the array).
    public init(bytes: [UInt8], range: Range<Int>, maxDepth: Int = BERReader.defaultMaxDepth) {
        let lower = min(max(range.lowerBound, 0), bytes.count)
        let upper = min(max(range.upperBound, lower), bytes.count)
        self.init(bytes: bytes, start: lower, end: upper, depth: 0, maxDepth: maxDepth)
    }

    init(bytes: [UInt8], start: Int, end: Int, depth: Int, maxDepth: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
        self.depth = depth
        self.maxDepth = maxDepth
    }

    /// Whether every byte was read.
    @inlinable public var isAtEnd: Bool { position >= end }

    /// The tag of the next element, without reading it; `nil` at the end or on a malformed tag.
    public func peekTag() -> BERTag? {
        var copy = self
        return try? copy.readTag()
    }

    /// How many elements remain (stops counting at the first malformed one, which `read` then reports).
    public func countElements() -> Int {
        var copy = self
        var count = 0
        while !copy.isAtEnd, (try? copy.read()) != nil { count += 1 }
        return count
    }

    /// Reads the next element (tag, length, content bounds) and moves past it.
    public mutating func read() throws(MMSCodecError) -> BERElement {
        let tag = try readTag()
        let (length, isIndefinite) = try readLength(for: tag)
        let contentStart = position
        let contentEnd: Int
        if isIndefinite {
            guard tag.constructed else {
                throw MMSCodecError(.indefiniteLengthNotAllowed, "primitive \(tag) has an indefinite length")
            }
            guard depth + 1 <= maxDepth else {
                throw MMSCodecError(.nestingTooDeep, "\(tag) nested deeper than \(maxDepth) levels")
            }
            var inner = BERReader(bytes: bytes, start: position, end: end, depth: depth + 1, maxDepth: maxDepth)
            while true {
                guard inner.end - inner.position >= 2 else {
                    throw MMSCodecError(.truncated, "\(tag) with indefinite length has no end-of-contents")
                }
                if inner.bytes[inner.position] == 0, inner.bytes[inner.position + 1] == 0 { break }
                _ = try inner.read()
            }
            contentEnd = inner.position
            position = inner.position + 2
        } else {
            contentEnd = contentStart + length
            position = contentEnd
        }
        return BERElement(tag: tag, bytes: bytes, contentStart: contentStart, contentEnd: contentEnd, depth: depth, maxDepth: maxDepth)
    }

    /// Reads the next element and checks its tag.
    public mutating func read(_ expected: BERTag, _ what: @autoclosure () -> String) throws(MMSCodecError) -> BERElement {
        let element = try read()
        try element.expect(expected, what())
        return element
    }

    /// Reads the next element if its tag is `tag`.
    public mutating func readIfPresent(_ tag: BERTag) throws(MMSCodecError) -> BERElement? {
        guard peekTag() == tag else { return nil }
        return try read()
    }

    /// Throws unless every byte was read.
    public func expectEnd(_ what: @autoclosure () -> String) throws(MMSCodecError) {
        guard isAtEnd else { throw MMSCodecError(.invalidLength, "\(what()): \(end - position) unexpected trailing octets") }
    }

    @usableFromInline
    mutating func readTag() throws(MMSCodecError) -> BERTag {
        guard position < end else { throw MMSCodecError(.truncated, "expected a tag, found the end of the data") }
        let first = bytes[position]
        position += 1
        let tagClass = BERTag.TagClass(rawValue: first >> 6) ?? .universal
        let constructed = first & 0x20 != 0
        var number = UInt32(first & 0x1F)
        if number == 0x1F {
            number = 0
            var count = 0
            while true {
                guard position < end else { throw MMSCodecError(.truncated, "tag number ends early") }
                let byte = bytes[position]
                position += 1
                count += 1
                guard count <= 4 else { throw MMSCodecError(.integerOverflow, "tag number longer than 4 octets") }
                number = (number << 7) | UInt32(byte & 0x7F)
                if byte & 0x80 == 0 { break }
            }
        }
        return BERTag(tagClass, constructed: constructed, number: number)
    }

    @usableFromInline
    mutating func readLength(for tag: BERTag) throws(MMSCodecError) -> (Int, Bool) {
        guard position < end else { throw MMSCodecError(.truncated, "\(tag) has no length octet") }
        let first = bytes[position]
        position += 1
        if first < 0x80 {
            guard Int(first) <= end - position else {
                throw MMSCodecError(.truncated, "\(tag) announces \(first) octets, \(end - position) remain")
            }
            return (Int(first), false)
        }
        if first == 0x80 { return (0, true) }
        let count = Int(first & 0x7F)
        guard count <= 4 else { throw MMSCodecError(.invalidLength, "\(tag) length has \(count) octets, at most 4 accepted") }
        guard count <= end - position else { throw MMSCodecError(.truncated, "\(tag) length octets end early") }
        var length = 0
        for _ in 0..<count {
            length = (length << 8) | Int(bytes[position])
            position += 1
        }
        guard length <= end - position else {
            throw MMSCodecError(.truncated, "\(tag) announces \(length) octets, \(end - position) remain")
        }
        return (length, false)
    }
}
