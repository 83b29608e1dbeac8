// ISO 9506-2 §14.4.2 DataAccessError.

/// Why the server could not read or write one variable (ISO 9506-2 DataAccessError), reported per item.
public enum DataAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 0: the object was invalidated.
    case objectInvalidated
    /// 1: a hardware fault.
    case hardwareFault
    /// 2: temporarily unavailable.
    case temporarilyUnavailable
    /// 3: access denied (e.g. a write to a read-only functional constraint).
    case objectAccessDenied
    /// 4: undefined object.
    case objectUndefined
    /// 5: invalid address.
    case invalidAddress
    /// 6: type not supported.
    case typeUnsupported
    /// 7: type inconsistent with the variable.
    case typeInconsistent
    /// 8: attribute inconsistent.
    case objectAttributeInconsistent
    /// 9: access not supported.
    case objectAccessUnsupported
    /// 10: the object does not exist.
    case objectNonExistent
    /// 11: the value is invalid (e.g. out of range).
    case objectValueInvalid
    /// A code this implementation does not know.
    case other(Int64)

    /// Creates the error for an ISO 9506 code.
    public init(code: Int64) {
        switch code {
        case 0: self = .objectInvalidated
        case 1: self = .hardwareFault
        case 2: self = .temporarilyUnavailable
        case 3: self = .objectAccessDenied
        case 4: self = .objectUndefined
        case 5: self = .invalidAddress
        case 6: self = .typeUnsupported
        case 7: self = .typeInconsistent
        case 8: self = .objectAttributeInconsistent
        case 9: self = .objectAccessUnsupported
        case 10: self = .objectNonExistent
        case 11: self = .objectValueInvalid
        default: self = .other(code)
        }
    }

    /// The ISO 9506 code.
    public var code: Int64 {
        switch self {
        case .objectInvalidated: 0
        case .hardwareFault: 1
        case .temporarilyUnavailable: 2
        case .objectAccessDenied: 3
        case .objectUndefined: 4
        case .invalidAddress: 5
        case .typeUnsupported: 6
        case .typeInconsistent: 7
        case .objectAttributeInconsistent: 8
        case .objectAccessUnsupported: 9
        case .objectNonExistent: 10
        case .objectValueInvalid: 11
        case .other(let code): code
        }
    }

    /// The ISO 9506 name, e.g. `object-non-existent`.
    public var name: String {
        switch self {
        case .objectInvalidated: "object-invalidated"
        case .hardwareFault: "hardware-fault"
        case .temporarilyUnavailable: "temporarily-unavailable"
        case .objectAccessDenied: "object-access-denied"
        case .objectUndefined: "object-undefined"
        case .invalidAddress: "invalid-address"
        case .typeUnsupported: "type-unsupported"
        case .typeInconsistent: "type-inconsistent"
        case .objectAttributeInconsistent: "object-attribute-inconsistent"
        case .objectAccessUnsupported: "object-access-unsupported"
        case .objectNonExistent: "object-non-existent"
        case .objectValueInvalid: "object-value-invalid"
        case .other(let code): "unknown-\(code)"
        }
    }

    /// The ISO 9506 name.
    public var description: String { name }
}

/// The result of accessing one variable: its value or why it could not be accessed
/// (ISO 9506-2 AccessResult).
public enum AccessResult: Sendable, Hashable {
    /// The variable's value.
    case success(MMSValue)
    /// The server's reason for not returning a value.
    case failure(DataAccessError)

    /// The value, or `nil` for a failure.
    public var value: MMSValue? {
        if case .success(let value) = self { return value }
        return nil
    }
}
