// A minimal JSON writer with stable key order, for `--json` output.

import IEC61850

/// A JSON value whose object keys keep their insertion order.
indirect enum JSON {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .uint(let u): out += String(u)
        case .double(let d):
            out += d.isFinite ? "\(d)" : "\"\(d)\""
        case .string(let s): JSON.escape(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.write(into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out += ", " }
                JSON.escape(key, into: &out)
                out += ": "
                value.write(into: &out)
            }
            out += "}"
        }
    }

    static func escape(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

extension MMSValue {
    /// `{"type": KIND, "value": ...}` as the CLI documents it.
    var json: JSON {
        func typed(_ kind: String, _ value: JSON, _ extra: [(String, JSON)] = []) -> JSON {
            .object([("type", .string(kind)), ("value", value)] + extra)
        }
        switch self {
        case .boolean(let b): return typed("boolean", .bool(b))
        case .integer(let i): return typed("integer", .int(i))
        case .unsigned(let u): return typed("unsigned", .uint(u))
        case .float(let f): return typed("float", .double(Double(f)))
        case .double(let d): return typed("float", .double(d))
        case .bitString(let bits): return typed("bit_string", .string(bits.description), [("size", .int(Int64(bits.count)))])
        case .booleanArray(let bits): return typed("boolean_array", .string(bits.description), [("size", .int(Int64(bits.count)))])
        case .octetString(let bytes): return typed("octet_string", .string(bytes.hexString))
        case .visibleString(let s): return typed("visible_string", .string(s))
        case .mmsString(let s): return typed("string", .string(s))
        case .generalizedTime(let s): return typed("generalized_time", .string(s))
        case .utcTime(let t): return typed("utc_time", .string(t.iso8601), [("quality", .int(Int64(t.quality.rawValue)))])
        case .binaryTime(let t):
            if let ms = t.unixMilliseconds {
                return typed("binary_time", .string(MMSUTCTime(unixSeconds: Double(ms) / 1000).iso8601))
            }
            return typed("binary_time", .int(Int64(t.milliseconds)))
        case .bcd(let u): return typed("bcd", .uint(u))
        case .objectIdentifier(let arcs): return typed("obj_id", .string(arcs.map(String.init).joined(separator: ".")))
        case .structure(let items): return typed("structure", .array(items.map(\.json)))
        case .array(let items): return typed("array", .array(items.map(\.json)))
        }
    }
}

extension AccessResult {
    var json: JSON {
        switch self {
        case .success(let value): value.json
        case .failure(let error): .object([("type", .string("data_access_error")), ("value", .string(error.name))])
        }
    }
}

extension Sequence<UInt8> {
    var hexString: String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }
}
