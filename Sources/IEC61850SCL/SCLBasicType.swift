// SCL basic types (IEC 61850-6 §9.5.4, bType) and their MMS mapping (IEC 61850-8-1 §8.1.3).

public import IEC61850Model

/// The basic type of a data attribute (`bType`), with its IEC 61850-8-1 MMS type.
public enum SCLBasicType: String, Sendable, Hashable, Codable, CaseIterable {
    /// BOOLEAN.
    case boolean = "BOOLEAN"
    /// INT8.
    case int8 = "INT8"
    /// INT16.
    case int16 = "INT16"
    /// INT24.
    case int24 = "INT24"
    /// INT32.
    case int32 = "INT32"
    /// INT64.
    case int64 = "INT64"
    /// INT128.
    case int128 = "INT128"
    /// INT8U.
    case int8U = "INT8U"
    /// INT16U.
    case int16U = "INT16U"
    /// INT24U.
    case int24U = "INT24U"
    /// INT32U.
    case int32U = "INT32U"
    /// FLOAT32.
    case float32 = "FLOAT32"
    /// FLOAT64.
    case float64 = "FLOAT64"
    /// An enumeration (`type` names the EnumType); MMS INTEGER.
    case enumerated = "Enum"
    /// Double point position (2 bits).
    case dbpos = "Dbpos"
    /// Tap command (2 bits).
    case tcmd = "Tcmd"
    /// Quality (13 bits).
    case quality = "Quality"
    /// TimeStamp (MMS UtcTime).
    case timestamp = "Timestamp"
    /// VisString32.
    case visString32 = "VisString32"
    /// VisString64.
    case visString64 = "VisString64"
    /// VisString65.
    case visString65 = "VisString65"
    /// VisString129.
    case visString129 = "VisString129"
    /// VisString255.
    case visString255 = "VisString255"
    /// Octet64.
    case octet64 = "Octet64"
    /// Unicode255 (MMS UTF8String).
    case unicode255 = "Unicode255"
    /// A structure (`type` names the DAType).
    case structure = "Struct"
    /// EntryTime (MMS TimeOfDay with date).
    case entryTime = "EntryTime"
    /// Check (2 bits).
    case check = "Check"
    /// ObjRef (VisString129).
    case objRef = "ObjRef"
    /// Currency (ISO 4217, 3 characters).
    case currency = "Currency"
    /// PhyComAddr (GOOSE/SV destination address structure).
    case phyComAddr = "PhyComAddr"
    /// TrgOps (6 bits).
    case trgOps = "TrgOps"
    /// OptFlds (10 bits).
    case optFlds = "OptFlds"
    /// SvOptFlds (5 bits).
    case svOptFlds = "SvOptFlds"
    /// LogOptFlds (1 bit).
    case logOptFlds = "LogOptFlds"
    /// EntryID (8 octets).
    case entryID = "EntryID"
    /// Octet6 (used by some Ed. 2.1 models).
    case octet6 = "Octet6"
    /// Octet16.
    case octet16 = "Octet16"

    /// The MMS type (IEC 61850-8-1 Table 5); `nil` for `Struct`, whose type comes from its DAType.
    public var mmsType: MMSTypeSpecification? {
        switch self {
        case .boolean: .boolean
        case .int8: .integer(bits: 8)
        case .int16: .integer(bits: 16)
        case .int24: .integer(bits: 24)
        case .int32: .integer(bits: 32)
        case .int64: .integer(bits: 64)
        case .int128: .integer(bits: 128)
        case .int8U: .unsigned(bits: 8)
        case .int16U: .unsigned(bits: 16)
        case .int24U: .unsigned(bits: 24)
        case .int32U: .unsigned(bits: 32)
        case .float32: .floatingPoint(formatWidth: 32, exponentWidth: 8)
        case .float64: .floatingPoint(formatWidth: 64, exponentWidth: 11)
        case .enumerated: .integer(bits: 8)
        case .dbpos, .tcmd, .check: .bitString(size: 2)
        case .quality: .bitString(size: -13)
        case .timestamp: .utcTime
        case .visString32: .visibleString(size: -32)
        case .visString64: .visibleString(size: -64)
        case .visString65: .visibleString(size: -65)
        case .visString129, .objRef: .visibleString(size: -129)
        case .visString255: .visibleString(size: -255)
        case .currency: .visibleString(size: 3)
        case .octet64: .octetString(size: -64)
        case .octet6: .octetString(size: 6)
        case .octet16: .octetString(size: 16)
        case .unicode255: .mmsString(size: -255)
        case .entryTime: .binaryTime(includesDate: true)
        case .entryID: .octetString(size: 8)
        case .trgOps: .bitString(size: 6)
        case .optFlds: .bitString(size: 10)
        case .svOptFlds: .bitString(size: 5)
        case .logOptFlds: .bitString(size: 1)
        case .phyComAddr:
            .structure(components: [
                MMSComponent(name: "Addr", type: .octetString(size: 6)),
                MMSComponent(name: "PRIORITY", type: .unsigned(bits: 8)),
                MMSComponent(name: "VID", type: .unsigned(bits: 16)),
                MMSComponent(name: "APPID", type: .unsigned(bits: 16)),
            ], packed: false)
        case .structure: nil
        }
    }

    /// The value an attribute has when the SCL gives none (zero, false, empty, all bits clear).
    public var defaultValue: MMSValue? {
        guard let type = mmsType else { return nil }
        return Self.zero(of: type)
    }

    static func zero(of type: MMSTypeSpecification) -> MMSValue {
        switch type {
        case .array(let count, _, let element): .array(Array(repeating: zero(of: element), count: Int(min(count, 1 << 16))))
        case .structure(let components, _): .structure(components.map { zero(of: $0.type) })
        case .boolean: .boolean(false)
        case .bitString(let size): .bitString(MMSBitString(bits: Array(repeating: false, count: Int(size.magnitude))))
        case .integer: .integer(0)
        case .unsigned: .unsigned(0)
        case .floatingPoint(let width, _): width > 32 ? .double(0) : .float(0)
        case .octetString(let size): .octetString(size > 0 ? Array(repeating: 0, count: Int(size)) : [])
        case .visibleString: .visibleString("")
        case .generalizedTime: .generalizedTime("")
        case .binaryTime(let includesDate): .binaryTime(MMSBinaryTime(milliseconds: 0, days: includesDate ? 0 : nil))
        case .bcd: .bcd(0)
        case .objectIdentifier: .objectIdentifier([])
        case .mmsString: .mmsString("")
        case .utcTime: .utcTime(MMSUTCTime(seconds: 0, fraction: 0))
        case .typeName: .structure([])
        }
    }

    /// Reads a `<Val>` of this type; `enumeration` maps literals to ordinals for `Enum`.
    /// - Returns: the value, or a message saying why the text does not fit.
    func value(from text: String, enumeration: [String: Int]?) -> Result<MMSValue, SCLValueError> {
        func fail(_ what: String) -> Result<MMSValue, SCLValueError> { .failure(SCLValueError(message: "'\(text)' is not \(what)")) }
        let trimmed = SCLLexical.trim(text)
        switch self {
        case .boolean:
            switch trimmed {
            case "true", "1": return .success(.boolean(true))
            case "false", "0": return .success(.boolean(false))
            default: return fail("a BOOLEAN")
            }
        case .int8, .int16, .int24, .int32, .int64, .int128:
            let bits = [Self.int8: 8, .int16: 16, .int24: 24, .int32: 32][self] ?? 64
            guard let value = Int64(trimmed), bits == 64 || (value >= -(1 << (bits - 1)) && value < 1 << (bits - 1)) else { return fail("an \(rawValue)") }
            return .success(.integer(value))
        case .int8U, .int16U, .int24U, .int32U:
            let bits = [Self.int8U: 8, .int16U: 16, .int24U: 24][self] ?? 32
            guard let value = UInt64(trimmed), value < 1 << bits else { return fail("an \(rawValue)") }
            return .success(.unsigned(value))
        case .float32:
            guard let value = Float(trimmed) else { return fail("a FLOAT32") }
            return .success(.float(value))
        case .float64:
            guard let value = Double(trimmed) else { return fail("a FLOAT64") }
            return .success(.double(value))
        case .enumerated:
            if let ordinal = enumeration?[trimmed] { return .success(.integer(Int64(ordinal))) }
            if let ordinal = Int64(trimmed), ordinal >= -128, ordinal < 128 { return .success(.integer(ordinal)) }
            return fail(enumeration == nil ? "an ordinal (the EnumType is unknown)" : "a literal of the EnumType")
        case .dbpos:
            let values = ["intermediate-state": 0, "intermediate": 0, "off": 1, "on": 2, "bad-state": 3, "bad": 3]
            guard let raw = values[trimmed] else { return fail("a Dbpos (intermediate-state, off, on, bad-state)") }
            return .success(.bitString(MMSBitString(size: 2, value: UInt64(raw))))
        case .tcmd:
            let values = ["stop": 0, "lower": 1, "higher": 2, "reserved": 3]
            guard let raw = values[trimmed] else { return fail("a Tcmd (stop, lower, higher, reserved)") }
            return .success(.bitString(MMSBitString(size: 2, value: UInt64(raw))))
        case .visString32, .visString64, .visString65, .visString129, .visString255, .objRef, .currency:
            guard trimmed.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return fail("a visible (ASCII) string") }
            let limit = Int(mmsType.flatMap { type -> UInt32? in if case .visibleString(let size) = type { size.magnitude } else { nil } } ?? 255)
            guard trimmed.utf8.count <= limit else { return fail("at most \(limit) characters long") }
            return .success(.visibleString(trimmed))
        case .unicode255:
            guard trimmed.count <= 255 else { return fail("at most 255 characters long") }
            return .success(.mmsString(trimmed))
        case .octet64, .octet6, .octet16:
            let bytes = Array(trimmed.utf8)
            let limit = self == .octet64 ? 64 : self == .octet6 ? 6 : 16
            guard bytes.count <= limit else { return fail("at most \(limit) octets long") }
            return .success(.octetString(self == .octet64 ? bytes : bytes + Array(repeating: 0, count: limit - bytes.count)))
        case .timestamp:
            guard let seconds = Self.unixSeconds(iso8601: trimmed) else { return fail("a UTC time (YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm])") }
            return .success(.utcTime(MMSUTCTime(unixSeconds: seconds)))
        case .quality, .entryTime, .check, .phyComAddr, .trgOps, .optFlds, .svOptFlds, .logOptFlds, .entryID, .structure:
            return fail("a value this library reads for \(rawValue) (such values are left at their default)")
        }
    }
}

extension SCLBasicType {
    /// Seconds since 1970 for an ISO 8601 / XML Schema dateTime (`2024-05-06T07:08:09.250Z`, an offset, or none for UTC).
    static func unixSeconds(iso8601 text: String) -> Double? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, !range.isEmpty else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54 || bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 0x2E {
            var scale = 0.1
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if index < bytes.count {
            switch bytes[index] {
            case 0x5A where index + 1 == bytes.count: offset = 0
            case 0x2B, 0x2D:
                guard index + 6 == bytes.count, bytes[index + 3] == 0x3A, let hours = number(index + 1..<index + 3),
                      let minutes = number(index + 4..<index + 6), hours < 24, minutes < 60 else { return nil }
                offset = (hours * 3_600 + minutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
            default: return nil
            }
        }
        // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset) + fraction
    }
}
