// Parsing values typed on the command line and describing MMS types for people.

import IEC61850

/// The value kinds `--type` accepts (the same names as the JSON `type` field).
enum ValueKind: String, CaseIterable {
    case boolean, integer, unsigned, float, double
    case bitString = "bit_string"
    case octetString = "octet_string"
    case visibleString = "visible_string"
    case string
    case utcTime = "utc_time"

    /// The kind that fits a server-declared type, for writes without `--type`.
    init?(type: MMSTypeSpecification) {
        switch type {
        case .boolean: self = .boolean
        case .integer: self = .integer
        case .unsigned: self = .unsigned
        case .floatingPoint(let width, _): self = width > 32 ? .double : .float
        case .bitString: self = .bitString
        case .octetString: self = .octetString
        case .visibleString: self = .visibleString
        case .mmsString: self = .string
        case .utcTime: self = .utcTime
        default: return nil
        }
    }

    func parse(_ text: String) -> MMSValue? {
        switch self {
        case .boolean:
            switch text.lowercased() {
            case "true", "1", "on": return .boolean(true)
            case "false", "0", "off": return .boolean(false)
            default: return nil
            }
        case .integer: return Int64(text).map { .integer($0) }
        case .unsigned: return UInt64(text).map { .unsigned($0) }
        case .float: return Float(text).map { .float($0) }
        case .double: return Double(text).map { .double($0) }
        case .bitString: return MMSBitString(text).map { .bitString($0) }
        case .octetString:
            guard text.count % 2 == 0 else { return nil }
            var bytes: [UInt8] = []
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2)
                guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
                bytes.append(byte)
                index = next
            }
            return .octetString(bytes)
        case .visibleString:
            guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return nil }
            return .visibleString(text)
        case .string: return .mmsString(text)
        case .utcTime: return parseISO8601(text).map { .utcTime(MMSUTCTime(unixSeconds: $0)) }
        }
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (UTC only) or a number of seconds since 1970.
func parseISO8601(_ text: String) -> Double? {
    if let seconds = Double(text) { return seconds }
    let chars = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
        guard from + count <= chars.count else { return nil }
        var value = 0
        for c in chars[from..<(from + count)] {
            guard c >= 48, c <= 57 else { return nil }
            value = value * 10 + Int(c - 48)
        }
        return value
    }
    guard chars.count >= 20, chars.last == UInt8(ascii: "Z"),
          let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
          let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
          (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
    var fraction = 0.0
    if chars[19] == UInt8(ascii: ".") {
        var scale = 0.1
        for c in chars[20..<(chars.count - 1)] {
            guard c >= 48, c <= 57 else { return nil }
            fraction += Double(c - 48) * scale
            scale /= 10
        }
    }
    // Days from civil (H. Hinnant).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146_097 + doe - 719_468
    return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
}

extension MMSTypeSpecification {
    /// A short name, e.g. `FLOAT32`, `INT32`, `BIT STRING(13)`, `VISIBLE STRING(64)`.
    var displayName: String {
        func size(_ s: Int32) -> String { s < 0 ? "≤\(-Int64(s))" : "\(s)" }
        switch self {
        case .array(let count, _, let element): return "ARRAY[\(count)] OF \(element.displayName)"
        case .structure: return "STRUCT"
        case .boolean: return "BOOLEAN"
        case .bitString(let s): return "BIT STRING(\(size(s)))"
        case .integer(let bits): return "INT\(bits)"
        case .unsigned(let bits): return "INT\(bits)U"
        case .floatingPoint(let width, _): return "FLOAT\(width == 64 || width > 32 ? 64 : 32)"
        case .octetString(let s): return "OCTET STRING(\(size(s)))"
        case .visibleString(let s): return "VISIBLE STRING(\(size(s)))"
        case .generalizedTime: return "GENERALIZED TIME"
        case .binaryTime(let date): return date ? "TIME OF DAY(6)" : "TIME OF DAY(4)"
        case .bcd(let digits): return "BCD(\(digits))"
        case .objectIdentifier: return "OBJECT IDENTIFIER"
        case .mmsString(let s): return "UNICODE STRING(\(size(s)))"
        case .utcTime: return "TIMESTAMP"
        case .typeName(let domain, let item): return "TYPE \(domain.map { "\($0)/" } ?? "")\(item)"
        }
    }

    var json: JSON {
        switch self {
        case .structure(let components, _):
            return .object([("type", .string("structure")),
                            ("components", .array(components.map { .object([("name", .string($0.name)), ("spec", $0.type.json)]) }))])
        case .array(let count, _, let element):
            return .object([("type", .string("array")), ("count", .uint(UInt64(count))), ("element", element.json)])
        default:
            return .object([("type", .string(displayName))])
        }
    }
}
