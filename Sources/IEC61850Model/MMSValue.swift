// MMS Data (ISO 9506-2 §14.4.1): the value of a variable as it travels on the wire.

/// A value of the MMS `Data` CHOICE (ISO 9506-2 §14.4.1), the unit every read, write and report carries.
///
/// Structures and arrays nest; the codec bounds the depth it accepts from the wire.
public enum MMSValue: Sendable, Hashable {
    /// `array [1]`: elements of one type.
    case array([MMSValue])
    /// `structure [2]`: ordered components.
    case structure([MMSValue])
    /// `boolean [3]`.
    case boolean(Bool)
    /// `bit-string [4]`, e.g. a `Quality` or a `Dbpos`.
    case bitString(MMSBitString)
    /// `integer [5]`, signed, up to 64 bits.
    case integer(Int64)
    /// `unsigned [6]`, up to 64 bits.
    case unsigned(UInt64)
    /// `floating-point [7]` with a single-precision (exponent width 8) encoding.
    case float(Float)
    /// `floating-point [7]` with a double-precision (exponent width 11) encoding.
    case double(Double)
    /// `octet-string [9]`.
    case octetString([UInt8])
    /// `visible-string [10]`: ISO 646 printable characters.
    case visibleString(String)
    /// `generalized-time [11]`, kept as its ASN.1 GeneralizedTime text.
    case generalizedTime(String)
    /// `binary-time [12]`: TimeOfDay, 4 octets (time of day) or 6 octets (with days since 1984-01-01).
    case binaryTime(MMSBinaryTime)
    /// `bcd [13]`: a non-negative integer carried as binary-coded decimal semantics.
    case bcd(UInt64)
    /// `booleanArray [14]`, a bit string whose bits are booleans.
    case booleanArray(MMSBitString)
    /// `objId [15]`: an object identifier's arcs.
    case objectIdentifier([UInt64])
    /// `mMSString [16]`: a UTF-8 string (IEC 61850 Unicode strings).
    case mmsString(String)
    /// `utc-time [17]`: seconds, fraction and time quality (IEC 61850-8-1 TimeStamp).
    case utcTime(MMSUTCTime)
}

/// An ASN.1 BIT STRING: its bits in order, first bit first (bit 0 is the most significant bit of the
/// first octet on the wire).
public struct MMSBitString: Sendable, Hashable, CustomStringConvertible {
    /// The bits, index 0 first.
    public var bits: [Bool]

    /// Creates a bit string from its bits, index 0 first.
    public init(bits: [Bool]) { self.bits = bits }

    /// Creates a bit string from a text of `0` and `1` characters, bit 0 first; `nil` for any other character.
    public init?(_ text: some StringProtocol) {
        var bits: [Bool] = []
        bits.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "0": bits.append(false)
            case "1": bits.append(true)
            default: return nil
            }
        }
        self.bits = bits
    }

    /// Creates a bit string of `size` bits whose bit *i* is bit *i* of `value` counted from the
    /// most significant of the `size` bits, i.e. the value as it reads left to right.
    public init(size: Int, value: UInt64) {
        let count = max(0, min(size, 64))
        self.bits = (0..<count).map { index in (value >> UInt64(count - 1 - index)) & 1 == 1 }
    }

    /// The number of bits.
    public var count: Int { bits.count }

    /// Bit `index`, or `false` when the string is shorter.
    public subscript(index: Int) -> Bool {
        get { index >= 0 && index < bits.count ? bits[index] : false }
        set {
            guard index >= 0 else { return }
            if index >= bits.count { bits.append(contentsOf: repeatElement(false, count: index - bits.count + 1)) }
            bits[index] = newValue
        }
    }

    /// The bits read as an unsigned number, bit 0 most significant (at most the first 64 bits).
    public var integerValue: UInt64 {
        var result: UInt64 = 0
        for bit in bits.prefix(64) { result = (result << 1) | (bit ? 1 : 0) }
        return result
    }

    /// The bits as a text of `0` and `1`, bit 0 first.
    public var description: String { String(bits.map { $0 ? "1" : "0" }) }
}

/// MMS TimeOfDay (`binary-time`, ISO 9506-2): milliseconds since midnight and, in the 6-octet form,
/// days since 1984-01-01.
public struct MMSBinaryTime: Sendable, Hashable {
    /// Milliseconds since midnight.
    public var milliseconds: UInt32
    /// Days since 1984-01-01, present in the 6-octet form.
    public var days: UInt16?

    /// Creates a TimeOfDay value.
    public init(milliseconds: UInt32, days: UInt16? = nil) {
        self.milliseconds = milliseconds
        self.days = days
    }

    /// Seconds from 1970-01-01 to 1984-01-01.
    public static let epoch1984: Int64 = 441_763_200

    /// Milliseconds since the Unix epoch, when the value carries a date.
    public var unixMilliseconds: Int64? {
        guard let days else { return nil }
        return (Self.epoch1984 + Int64(days) * 86_400) * 1_000 + Int64(milliseconds)
    }
}

/// IEC 61850-8-1 TimeStamp carried as MMS `utc-time` (8 octets): seconds since 1970, a 24-bit binary
/// fraction of a second and a time-quality octet.
public struct MMSUTCTime: Sendable, Hashable {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var seconds: UInt32
    /// The fraction of a second in units of 2⁻²⁴ s (24 significant bits).
    public var fraction: UInt32
    /// The time quality (IEC 61850-8-1 TimeQuality).
    public var quality: TimeQuality

    /// Creates a timestamp from its wire fields; `fraction` is masked to 24 bits.
    public init(seconds: UInt32, fraction: UInt32, quality: TimeQuality = TimeQuality()) {
        self.seconds = seconds
        self.fraction = fraction & 0x00FF_FFFF
        self.quality = quality
    }

    /// Creates a timestamp from seconds since the Unix epoch, rounding the fraction to 2⁻²⁴ s.
    public init(unixSeconds: Double, quality: TimeQuality = TimeQuality()) {
        let clamped = min(max(unixSeconds, 0), Double(UInt32.max))
        let whole = clamped.rounded(.down)
        let fractional = min((clamped - whole) * 16_777_216.0, 16_777_215.0)
        self.init(seconds: UInt32(whole), fraction: UInt32(fractional.rounded()), quality: quality)
    }

    /// Seconds since the Unix epoch, with the fraction.
    public var unixSeconds: Double { Double(seconds) + Double(fraction) / 16_777_216.0 }

    /// The 8 wire octets: 4 of seconds, 3 of fraction, 1 of quality.
    public var octets: [UInt8] {
        [UInt8(truncatingIfNeeded: seconds >> 24), UInt8(truncatingIfNeeded: seconds >> 16),
         UInt8(truncatingIfNeeded: seconds >> 8), UInt8(truncatingIfNeeded: seconds),
         UInt8(truncatingIfNeeded: fraction >> 16), UInt8(truncatingIfNeeded: fraction >> 8),
         UInt8(truncatingIfNeeded: fraction), quality.rawValue]
    }

    /// Reads the 8 wire octets; `nil` unless exactly 8 are given.
    public init?(octets: some Collection<UInt8>) {
        guard octets.count == 8 else { return nil }
        var value: UInt64 = 0
        for byte in octets { value = value << 8 | UInt64(byte) }
        seconds = UInt32(truncatingIfNeeded: value >> 32)
        fraction = UInt32(truncatingIfNeeded: value >> 8) & 0x00FF_FFFF
        quality = TimeQuality(rawValue: UInt8(truncatingIfNeeded: value))
    }

    /// The timestamp as ISO 8601 UTC text with microseconds, e.g. `2026-11-25T17:30:00.250000Z`.
    public var iso8601: String {
        let micros = Int64((Double(fraction) / 16_777_216.0 * 1_000_000).rounded())
        var totalSeconds = Int64(seconds)
        var fractionMicros = micros
        if fractionMicros >= 1_000_000 { totalSeconds += 1; fractionMicros -= 1_000_000 }
        let civil = CivilDate(unixDays: totalSeconds.floorDivided(by: 86_400))
        let secondOfDay = totalSeconds - totalSeconds.floorDivided(by: 86_400) * 86_400
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))T"
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
            + ".\(pad(fractionMicros, 6))Z"
    }
}

/// IEC 61850-8-1 TimeQuality octet: leap-second-known, clock-failure, clock-not-synchronized and the
/// number of significant fraction bits.
public struct TimeQuality: Sendable, Hashable {
    /// The octet as carried on the wire.
    public var rawValue: UInt8

    /// Creates a time quality from its octet.
    public init(rawValue: UInt8 = 0) { self.rawValue = rawValue }

    /// Bit 7: the leap second is known.
    public var leapSecondsKnown: Bool { rawValue & 0x80 != 0 }
    /// Bit 6: the time source failed.
    public var clockFailure: Bool { rawValue & 0x40 != 0 }
    /// Bit 5: the clock is not synchronised to an external source.
    public var clockNotSynchronized: Bool { rawValue & 0x20 != 0 }
    /// Bits 0–4: how many bits of the fraction are significant (31 means unspecified).
    public var timeAccuracy: UInt8 { rawValue & 0x1F }
}

/// A proleptic-Gregorian calendar date computed from days since 1970-01-01 (H. Hinnant's algorithm).
struct CivilDate {
    var year: Int64
    var month: Int64
    var day: Int64

    init(unixDays: Int64) {
        let z = unixDays + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
