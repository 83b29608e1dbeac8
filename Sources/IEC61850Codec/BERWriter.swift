// The BER encoder: definite lengths in minimal form, content written in place.

public import IEC61850Model

/// Appends BER elements to a byte array. Constructed elements reserve one length octet and shift
/// their content only when it turns out longer than 127 octets.
public struct BERWriter: Sendable {
    /// The encoded bytes.
    public fileprivate(set) var bytes: [UInt8]

    /// A writer with an empty buffer of the given capacity.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends raw, already-encoded bytes.
    public mutating func appendRaw(_ raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    /// Appends identifier octets.
    public mutating func writeTag(_ tag: BERTag) {
        let head = (tag.tagClass.rawValue << 6) | (tag.constructed ? 0x20 : 0)
        if tag.number < 31 {
            bytes.append(head | UInt8(tag.number))
            return
        }
        bytes.append(head | 0x1F)
        var groups: [UInt8] = []
        var number = tag.number
        repeat {
            groups.append(UInt8(number & 0x7F))
            number >>= 7
        } while number > 0
        for (index, group) in groups.reversed().enumerated() {
            bytes.append(index == groups.count - 1 ? group : group | 0x80)
        }
    }

    /// Appends a definite length in minimal form.
    public mutating func writeLength(_ length: Int) {
        bytes.append(contentsOf: Self.lengthOctets(length))
    }

    static func lengthOctets(_ length: Int) -> [UInt8] {
        if length < 0x80 { return [UInt8(length)] }
        var octets: [UInt8] = []
        var remaining = length
        while remaining > 0 {
            octets.insert(UInt8(remaining & 0xFF), at: 0)
            remaining >>= 8
        }
        return [0x80 | UInt8(octets.count)] + octets
    }

    /// Appends a primitive element with the given content.
    public mutating func write(_ tag: BERTag, content: some Collection<UInt8>) {
        writeTag(tag)
        writeLength(content.count)
        bytes.append(contentsOf: content)
    }

    /// Appends a constructed element whose content `body` writes.
    public mutating func writeConstructed(_ tag: BERTag, _ body: (inout BERWriter) -> Void) {
        writeTag(tag)
        let lengthIndex = bytes.count
        bytes.append(0)
        let contentStart = bytes.count
        body(&self)
        let length = bytes.count - contentStart
        if length < 0x80 {
            bytes[lengthIndex] = UInt8(length)
        } else {
            let octets = Self.lengthOctets(length)
            bytes.replaceSubrange(lengthIndex...lengthIndex, with: octets)
        }
    }

    /// Appends an element with no content (e.g. NULL, `[n] IMPLICIT NULL`).
    public mutating func writeNull(_ tag: BERTag = .null) {
        writeTag(tag)
        bytes.append(0)
    }

    /// Appends a BOOLEAN (`0xFF` for true).
    public mutating func write(_ tag: BERTag, bool: Bool) {
        writeTag(tag)
        bytes.append(1)
        bytes.append(bool ? 0xFF : 0x00)
    }

    /// Appends an INTEGER in minimal two's-complement form.
    public mutating func write(_ tag: BERTag, int: Int64) {
        var octets: [UInt8] = []
        var value = int
        repeat {
            octets.append(UInt8(truncatingIfNeeded: value))
            value >>= 8
        } while !(value == 0 && octets[octets.count - 1] & 0x80 == 0) && !(value == -1 && octets[octets.count - 1] & 0x80 != 0)
        write(tag, content: octets.reversed())
    }

    /// Appends a non-negative INTEGER (adds a leading zero octet where the top bit is set).
    public mutating func write(_ tag: BERTag, uint: UInt64) {
        var octets: [UInt8] = []
        var value = uint
        repeat {
            octets.append(UInt8(truncatingIfNeeded: value))
            value >>= 8
        } while value > 0
        if octets[octets.count - 1] & 0x80 != 0 { octets.append(0) }
        write(tag, content: octets.reversed())
    }

    /// Appends a string as its UTF-8 octets.
    public mutating func write(_ tag: BERTag, string: String) {
        write(tag, content: Array(string.utf8))
    }

    /// Appends a BIT STRING.
    public mutating func write(_ tag: BERTag, bits: MMSBitString) {
        let count = bits.count
        let octetCount = (count + 7) / 8
        var octets = [UInt8](repeating: 0, count: octetCount + 1)
        octets[0] = UInt8((octetCount * 8 - count) & 7)
        for index in 0..<count where bits.bits[index] {
            octets[1 + index / 8] |= 0x80 >> UInt8(index % 8)
        }
        write(tag, content: octets)
    }

    /// Appends an OBJECT IDENTIFIER; arcs beyond the first two are encoded base-128.
    public mutating func write(_ tag: BERTag, oid arcs: [UInt64]) {
        write(tag, content: Self.oidContent(arcs))
    }

    static func oidContent(_ arcs: [UInt64]) -> [UInt8] {
        guard arcs.count >= 2 else { return [] }
        var content: [UInt8] = []
        let first = arcs[0] &* 40 &+ arcs[1]
        for arc in [first] + arcs.dropFirst(2) {
            var groups: [UInt8] = [UInt8(arc & 0x7F)]
            var rest = arc >> 7
            while rest > 0 {
                groups.append(UInt8(rest & 0x7F) | 0x80)
                rest >>= 7
            }
            content.append(contentsOf: groups.reversed())
        }
        return content
    }
}
