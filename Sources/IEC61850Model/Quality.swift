// IEC 61850-7-3 §6.2 Quality, mapped per IEC 61850-8-1 as a 13-bit MMS bit string.

/// The quality of a data attribute (IEC 61850-7-3 §6.2), carried as a 13-bit MMS bit string.
public struct Quality: Sendable, Hashable, CustomStringConvertible {
    /// Validity, the first two bits.
    public enum Validity: UInt8, Sendable, Hashable {
        /// `00`.
        case good = 0
        /// `01`.
        case invalid = 1
        /// `10` (reserved by the standard).
        case reserved = 2
        /// `11`.
        case questionable = 3
    }

    /// The 13 bits, bit 0 first.
    public private(set) var bits: MMSBitString

    /// Creates a quality from a bit string (padded to 13 bits).
    public init(bits: MMSBitString) {
        var padded = bits
        if padded.count < 13 { padded.bits.append(contentsOf: repeatElement(false, count: 13 - padded.count)) }
        self.bits = padded
    }

    /// A good quality with no detail flags.
    public init() { self.init(bits: MMSBitString(bits: [])) }

    /// Creates a quality from its 13-bit value read left to right (bit 0 is the most significant).
    public init(rawValue: UInt16) { self.init(bits: MMSBitString(size: 13, value: UInt64(rawValue))) }

    /// The 13 bits read left to right as a number (bit 0 most significant).
    public var rawValue: UInt16 { UInt16(truncatingIfNeeded: MMSBitString(bits: Array(bits.bits.prefix(13))).integerValue) }

    /// The validity bits.
    public var validity: Validity {
        get { Validity(rawValue: (bits[0] ? 2 : 0) | (bits[1] ? 1 : 0)) ?? .good }
        set { bits[0] = newValue.rawValue & 2 != 0; bits[1] = newValue.rawValue & 1 != 0 }
    }
    /// Bit 2.
    public var overflow: Bool { get { bits[2] } set { bits[2] = newValue } }
    /// Bit 3.
    public var outOfRange: Bool { get { bits[3] } set { bits[3] = newValue } }
    /// Bit 4.
    public var badReference: Bool { get { bits[4] } set { bits[4] = newValue } }
    /// Bit 5.
    public var oscillatory: Bool { get { bits[5] } set { bits[5] = newValue } }
    /// Bit 6.
    public var failure: Bool { get { bits[6] } set { bits[6] = newValue } }
    /// Bit 7.
    public var oldData: Bool { get { bits[7] } set { bits[7] = newValue } }
    /// Bit 8.
    public var inconsistent: Bool { get { bits[8] } set { bits[8] = newValue } }
    /// Bit 9.
    public var inaccurate: Bool { get { bits[9] } set { bits[9] = newValue } }
    /// Bit 10: the value is substituted rather than from the process.
    public var substituted: Bool { get { bits[10] } set { bits[10] = newValue } }
    /// Bit 11: test.
    public var test: Bool { get { bits[11] } set { bits[11] = newValue } }
    /// Bit 12: operator blocked.
    public var operatorBlocked: Bool { get { bits[12] } set { bits[12] = newValue } }

    /// A readable summary, e.g. `good` or `invalid|oldData`.
    public var description: String {
        var parts = ["\(validity)"]
        let names = ["overflow", "outOfRange", "badReference", "oscillatory", "failure", "oldData",
                     "inconsistent", "inaccurate", "substituted", "test", "operatorBlocked"]
        for (offset, name) in names.enumerated() where bits[offset + 2] { parts.append(name) }
        return parts.joined(separator: "|")
    }
}

/// A double point status (`Dbpos`, IEC 61850-7-3), carried as a 2-bit MMS bit string.
public enum DoublePoint: UInt8, Sendable, Hashable, CaseIterable {
    /// `00`: intermediate state.
    case intermediate = 0
    /// `01`: off / open.
    case off = 1
    /// `10`: on / closed.
    case on = 2
    /// `11`: bad state.
    case bad = 3

    /// Reads the first two bits of a bit string.
    public init(bits: MMSBitString) {
        self = DoublePoint(rawValue: (bits[0] ? 2 : 0) | (bits[1] ? 1 : 0)) ?? .bad
    }

    /// The 2-bit string.
    public var bits: MMSBitString { MMSBitString(size: 2, value: UInt64(rawValue)) }
}
