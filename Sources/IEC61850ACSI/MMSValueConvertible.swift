// Typed reads and writes: Swift types that map to and from MMS Data.

/// A Swift type that can be read from and written as an MMS value.
public protocol MMSValueConvertible: Sendable {
    /// The type's name in errors, e.g. `Float`.
    static var mmsTypeName: String { get }
    /// Creates the value from MMS Data; `nil` when the MMS type does not fit.
    init?(mmsValue: MMSValue)
    /// The value as MMS Data.
    var mmsValue: MMSValue { get }
}

extension MMSValueConvertible {
    /// The Swift type name.
    public static var mmsTypeName: String { "\(Self.self)" }
}

extension Bool: MMSValueConvertible {
    /// From `boolean`.
    public init?(mmsValue: MMSValue) {
        guard case .boolean(let value) = mmsValue else { return nil }
        self = value
    }
    /// As `boolean`.
    public var mmsValue: MMSValue { .boolean(self) }
}

extension Int32: MMSValueConvertible {
    /// From `integer` or `unsigned` within range.
    public init?(mmsValue: MMSValue) {
        switch mmsValue {
        case .integer(let v): guard let x = Int32(exactly: v) else { return nil }; self = x
        case .unsigned(let v): guard let x = Int32(exactly: v) else { return nil }; self = x
        default: return nil
        }
    }
    /// As `integer`.
    public var mmsValue: MMSValue { .integer(Int64(self)) }
}

extension Int64: MMSValueConvertible {
    /// From `integer` or `unsigned` within range.
    public init?(mmsValue: MMSValue) {
        switch mmsValue {
        case .integer(let v): self = v
        case .unsigned(let v): guard let x = Int64(exactly: v) else { return nil }; self = x
        default: return nil
        }
    }
    /// As `integer`.
    public var mmsValue: MMSValue { .integer(self) }
}

extension Int: MMSValueConvertible {
    /// From `integer` or `unsigned` within range.
    public init?(mmsValue: MMSValue) {
        guard let value = Int64(mmsValue: mmsValue), let x = Int(exactly: value) else { return nil }
        self = x
    }
    /// As `integer`.
    public var mmsValue: MMSValue { .integer(Int64(self)) }
}

extension UInt32: MMSValueConvertible {
    /// From `unsigned` or non-negative `integer` within range.
    public init?(mmsValue: MMSValue) {
        switch mmsValue {
        case .unsigned(let v): guard let x = UInt32(exactly: v) else { return nil }; self = x
        case .integer(let v): guard let x = UInt32(exactly: v) else { return nil }; self = x
        default: return nil
        }
    }
    /// As `unsigned`.
    public var mmsValue: MMSValue { .unsigned(UInt64(self)) }
}

extension UInt64: MMSValueConvertible {
    /// From `unsigned` or non-negative `integer`.
    public init?(mmsValue: MMSValue) {
        switch mmsValue {
        case .unsigned(let v): self = v
        case .integer(let v): guard let x = UInt64(exactly: v) else { return nil }; self = x
        default: return nil
        }
    }
    /// As `unsigned`.
    public var mmsValue: MMSValue { .unsigned(self) }
}

extension Float: MMSValueConvertible {
    /// From single-precision `floating-point`, or a double that converts exactly.
    public init?(mmsValue: MMSValue) {
        switch mmsValue {
        case .float(let v): self = v
        case .double(let v): guard let x = Float(exactly: v) else { return nil }; self = x
        default: return nil
        }
    }
    /// As single-precision `floating-point`.
    public var mmsValue: MMSValue { .float(self) }
}

extension Double: MMSValueConvertible {
    /// From single- or double-precision `floating-point`.
    public init?(mmsValue: MMSValue) {
        switch mmsValue {
        case .double(let v): self = v
        case .float(let v): self = Double(v)
        default: return nil
        }
    }
    /// As double-precision `floating-point`.
    public var mmsValue: MMSValue { .double(self) }
}

extension String: MMSValueConvertible {
    /// From `visible-string` or `MMSString`.
    public init?(mmsValue: MMSValue) {
        switch mmsValue {
        case .visibleString(let v), .mmsString(let v): self = v
        default: return nil
        }
    }
    /// As `visible-string` (use ``MMSValue/mmsString(_:)`` for Unicode attributes).
    public var mmsValue: MMSValue { .visibleString(self) }
}

extension MMSUTCTime: MMSValueConvertible {
    /// From `utc-time`.
    public init?(mmsValue: MMSValue) {
        guard case .utcTime(let value) = mmsValue else { return nil }
        self = value
    }
    /// As `utc-time`.
    public var mmsValue: MMSValue { .utcTime(self) }
}

extension Quality: MMSValueConvertible {
    /// From a `bit-string`.
    public init?(mmsValue: MMSValue) {
        guard case .bitString(let bits) = mmsValue else { return nil }
        self.init(bits: bits)
    }
    /// As a 13-bit `bit-string`.
    public var mmsValue: MMSValue { .bitString(MMSBitString(bits: Array(bits.bits.prefix(13)))) }
}

extension MMSBitString: MMSValueConvertible {
    /// From a `bit-string`.
    public init?(mmsValue: MMSValue) {
        guard case .bitString(let bits) = mmsValue else { return nil }
        self = bits
    }
    /// As a `bit-string`.
    public var mmsValue: MMSValue { .bitString(self) }
}

extension DoublePoint: MMSValueConvertible {
    /// From a 2-bit `bit-string` (Dbpos).
    public init?(mmsValue: MMSValue) {
        guard case .bitString(let bits) = mmsValue, bits.count >= 2 else { return nil }
        self.init(bits: bits)
    }
    /// As a 2-bit `bit-string`.
    public var mmsValue: MMSValue { .bitString(bits) }
}

extension MMSValue: MMSValueConvertible {
    /// Any value.
    public init?(mmsValue: MMSValue) { self = mmsValue }
    /// Itself.
    public var mmsValue: MMSValue { self }
}
