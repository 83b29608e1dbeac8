// ISO 9506-2 §14.4.1 Data, encoded with BER.
//
// Data ::= CHOICE {
//   array [1] IMPLICIT SEQUENCE OF Data, structure [2] IMPLICIT SEQUENCE OF Data,
//   boolean [3] IMPLICIT BOOLEAN, bit-string [4] IMPLICIT BIT STRING, integer [5] IMPLICIT INTEGER,
//   unsigned [6] IMPLICIT INTEGER, floating-point [7] IMPLICIT FloatingPoint,
//   octet-string [9] IMPLICIT OCTET STRING, visible-string [10] IMPLICIT VisibleString,
//   generalized-time [11] IMPLICIT GeneralizedTime, binary-time [12] IMPLICIT TimeOfDay,
//   bcd [13] IMPLICIT INTEGER, booleanArray [14] IMPLICIT BIT STRING, objId [15] IMPLICIT OBJECT IDENTIFIER,
//   mMSString [16] IMPLICIT MMSString, utc-time [17] IMPLICIT UtcTime }

public import IEC61850Model

extension MMSValue {
    /// The default limit on structure/array nesting accepted from the wire (the
    /// `dataStructureNestingLevel` we propose in Initiate).
    public static let defaultMaxNesting = 10

    /// Decodes one `Data` element.
    ///
    /// - Parameter maxNesting: how many structure/array levels may enclose a leaf.
    public init(ber element: BERElement, maxNesting: Int = MMSValue.defaultMaxNesting) throws(MMSCodecError) {
        self = try Self.decode(element, nesting: 0, maxNesting: maxNesting)
    }

    static func decode(_ element: BERElement, nesting: Int, maxNesting: Int) throws(MMSCodecError) -> MMSValue {
        let tag = element.tag
        guard tag.tagClass == .contextSpecific else {
            throw MMSCodecError(.unexpectedTag, "Data: expected a context tag, found \(tag)")
        }
        switch (tag.number, tag.constructed) {
        case (1, true), (2, true):
            guard nesting < maxNesting else {
                throw MMSCodecError(.nestingTooDeep, "Data nests deeper than \(maxNesting) structure/array levels")
            }
            var children = try element.children()
            var items: [MMSValue] = []
            items.reserveCapacity(children.countElements())
            while !children.isAtEnd {
                items.append(try decode(children.read(), nesting: nesting + 1, maxNesting: maxNesting))
            }
            return tag.number == 1 ? .array(items) : .structure(items)
        case (3, false):
            return .boolean(try element.boolean())
        case (4, false):
            return .bitString(try element.bitString())
        case (5, false):
            return .integer(try element.int64())
        case (6, false):
            return .unsigned(try element.uint64())
        case (7, false):
            return try decodeFloat(element)
        case (9, false):
            return .octetString(Array(element.content))
        case (10, false):
            return .visibleString(try element.string())
        case (11, false):
            return .generalizedTime(try element.string())
        case (12, false):
            let c = Array(element.content)
            guard c.count == 4 || c.count == 6 else {
                throw MMSCodecError(.invalidLength, "binary-time has \(c.count) octets, expected 4 or 6")
            }
            let ms = UInt32(c[0]) << 24 | UInt32(c[1]) << 16 | UInt32(c[2]) << 8 | UInt32(c[3])
            let days: UInt16? = c.count == 6 ? UInt16(c[4]) << 8 | UInt16(c[5]) : nil
            return .binaryTime(MMSBinaryTime(milliseconds: ms, days: days))
        case (13, false):
            return .bcd(try element.uint64())
        case (14, false):
            return .booleanArray(try element.bitString())
        case (15, false):
            return .objectIdentifier(try element.objectIdentifier())
        case (16, false):
            return .mmsString(try element.string())
        case (17, false):
            guard element.length == 8 else {
                throw MMSCodecError(.invalidLength, "utc-time has \(element.length) octets, expected 8")
            }
            let raw = element.bigEndianUInt64()
            return .utcTime(MMSUTCTime(seconds: UInt32(truncatingIfNeeded: raw >> 32),
                                       fraction: UInt32(truncatingIfNeeded: raw >> 8) & 0x00FF_FFFF,
                                       quality: TimeQuality(rawValue: UInt8(truncatingIfNeeded: raw))))
        default:
            throw MMSCodecError(.unexpectedTag, "Data: \(tag) is not an MMS Data alternative")
        }
    }

    private static func decodeFloat(_ element: BERElement) throws(MMSCodecError) -> MMSValue {
        guard element.length >= 1 else { throw MMSCodecError(.invalidLength, "floating-point is empty") }
        let width = element.octet(at: 0)
        switch (width, element.length - 1) {
        case (8, 4):
            return .float(Float(bitPattern: UInt32(truncatingIfNeeded: element.bigEndianUInt64(from: 1))))
        case (11, 8):
            return .double(Double(bitPattern: element.bigEndianUInt64(from: 1)))
        default:
            throw MMSCodecError(.invalidValue, "floating-point with exponent width \(width) and \(element.length - 1) octets is not IEEE single or double")
        }
    }

    /// Appends this value as a `Data` element.
    public func encode(into writer: inout BERWriter) {
        switch self {
        case .array(let items):
            writer.writeConstructed(.contextConstructed(1)) { w in for item in items { item.encode(into: &w) } }
        case .structure(let items):
            writer.writeConstructed(.contextConstructed(2)) { w in for item in items { item.encode(into: &w) } }
        case .boolean(let value):
            writer.write(.context(3), bool: value)
        case .bitString(let bits):
            writer.write(.context(4), bits: bits)
        case .integer(let value):
            writer.write(.context(5), int: value)
        case .unsigned(let value):
            writer.write(.context(6), uint: value)
        case .float(let value):
            let raw = value.bitPattern
            writer.write(.context(7), content: [8, UInt8(truncatingIfNeeded: raw >> 24), UInt8(truncatingIfNeeded: raw >> 16),
                                                UInt8(truncatingIfNeeded: raw >> 8), UInt8(truncatingIfNeeded: raw)])
        case .double(let value):
            let raw = value.bitPattern
            var content: [UInt8] = [11]
            for shift in stride(from: 56, through: 0, by: -8) { content.append(UInt8(truncatingIfNeeded: raw >> UInt64(shift))) }
            writer.write(.context(7), content: content)
        case .octetString(let octets):
            writer.write(.context(9), content: octets)
        case .visibleString(let text):
            writer.write(.context(10), string: text)
        case .generalizedTime(let text):
            writer.write(.context(11), string: text)
        case .binaryTime(let time):
            let ms = time.milliseconds
            var content: [UInt8] = [UInt8(truncatingIfNeeded: ms >> 24), UInt8(truncatingIfNeeded: ms >> 16),
                                    UInt8(truncatingIfNeeded: ms >> 8), UInt8(truncatingIfNeeded: ms)]
            if let days = time.days { content += [UInt8(truncatingIfNeeded: days >> 8), UInt8(truncatingIfNeeded: days)] }
            writer.write(.context(12), content: content)
        case .bcd(let value):
            writer.write(.context(13), uint: value)
        case .booleanArray(let bits):
            writer.write(.context(14), bits: bits)
        case .objectIdentifier(let arcs):
            writer.write(.context(15), oid: arcs)
        case .mmsString(let text):
            writer.write(.context(16), string: text)
        case .utcTime(let time):
            writer.write(.context(17), content: time.octets)
        }
    }
}

extension AccessResult {
    /// Decodes an AccessResult: `failure [0] IMPLICIT DataAccessError` or a `Data` alternative.
    public init(ber element: BERElement, maxNesting: Int = MMSValue.defaultMaxNesting) throws(MMSCodecError) {
        if element.tag == .context(0) {
            self = .failure(DataAccessError(code: try element.int64()))
        } else {
            self = .success(try MMSValue(ber: element, maxNesting: maxNesting))
        }
    }

    /// Appends this result.
    public func encode(into writer: inout BERWriter) {
        switch self {
        case .success(let value): value.encode(into: &writer)
        case .failure(let error): writer.write(.context(0), int: error.code)
        }
    }
}
