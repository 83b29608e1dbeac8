// The one error family of the ACSI layer.

/// Why an IEC 61850 operation failed: what kind of failure, which operation, on which object, and
/// what to do about it.
public struct IEC61850Error: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable {
        /// TCP could not connect (refused, unreachable, unknown host).
        case connectionFailed(String)
        /// Connecting or associating took longer than the connect timeout.
        case connectTimeout
        /// The server refused the association, with its reason.
        case associationRejected(String)
        /// The connection was lost or is closed.
        case connectionClosed(String)
        /// No response within the request timeout.
        case timeout
        /// The server answered with an MMS ServiceError (class and code).
        case serviceError(MMSServiceError)
        /// The server could not access this object (ISO 9506 DataAccessError).
        case dataAccess(DataAccessError)
        /// The server rejected the request PDU.
        case rejected(MMSReject)
        /// The server broke the protocol.
        case protocolViolation(MMSCodecError)
        /// The value has a different MMS type than the caller asked for.
        case typeMismatch(expected: String, actual: MMSValue)
        /// The reference cannot be mapped to MMS (e.g. no logical node part).
        case invalidReference(String)
        /// A request would exceed the negotiated PDU size.
        case pduTooLarge(size: Int, limit: Int)
        /// The server's answer does not fit the request.
        case unexpectedResponse(String)
        /// The server answered but did not carry out the request, for the reason given.
        case refused(String)
        /// The calling task was cancelled.
        case cancelled
    }

    /// The kind of failure.
    public var kind: Kind
    /// The ACSI operation, e.g. `read`.
    public var operation: String
    /// The object, e.g. `IED1LD0/GGIO1.AnIn1.mag.f [MX]`, when there is one.
    public var object: String?

    /// Creates an error.
    public init(_ kind: Kind, operation: String, object: String? = nil) {
        self.kind = kind
        self.operation = operation
        self.object = object
    }

    init(mms error: MMSError, operation: String, object: String? = nil) {
        let kind: Kind
        switch error {
        case .connectionFailed(let why): kind = .connectionFailed(why)
        case .connectTimeout: kind = .connectTimeout
        case .associationRejected(let why): kind = .associationRejected(why)
        case .requestTimeout: kind = .timeout
        case .connectionClosed(let why): kind = .connectionClosed(why)
        case .serviceError(let e): kind = .serviceError(e)
        case .rejected(let r): kind = .rejected(r)
        case .protocolViolation(let e): kind = .protocolViolation(e)
        case .pduTooLarge(let size, let limit): kind = .pduTooLarge(size: size, limit: limit)
        case .unexpectedResponse(let what): kind = .unexpectedResponse(what)
        case .cancelled: kind = .cancelled
        }
        self.init(kind, operation: operation, object: object)
    }

    /// The DataAccessError, when the failure is one.
    public var dataAccessError: DataAccessError? {
        if case .dataAccess(let error) = kind { return error }
        return nil
    }

    /// The MMS ServiceError, when the failure is one.
    public var serviceError: MMSServiceError? {
        if case .serviceError(let error) = kind { return error }
        return nil
    }

    /// What failed, on which object, why, and what to do.
    public var description: String {
        let target = object.map { " \($0)" } ?? ""
        return "\(operation)\(target) failed: \(reason)\(advice.map { " — \($0)" } ?? "")"
    }

    private var reason: String {
        switch kind {
        case .connectionFailed(let why): "cannot connect (\(why))"
        case .connectTimeout: "connect timed out"
        case .associationRejected(let why): "association rejected (\(why))"
        case .connectionClosed(let why): "connection closed (\(why))"
        case .timeout: "no response within the request timeout"
        case .serviceError(let error): "service error \(error)"
        case .dataAccess(let error): "\(error.name)"
        case .rejected(let reject): "rejected by the server (\(reject))"
        case .protocolViolation(let error): "the server broke the protocol (\(error))"
        case .typeMismatch(let expected, let actual): "expected \(expected), the server sent \(actual)"
        case .invalidReference(let why): "invalid reference (\(why))"
        case .pduTooLarge(let size, let limit): "request of \(size) octets exceeds the negotiated PDU size of \(limit)"
        case .unexpectedResponse(let what): "unexpected response (\(what))"
        case .refused(let why): "refused: \(why)"
        case .cancelled: "cancelled"
        }
    }

    private var advice: String? {
        switch kind {
        case .connectionFailed: "check host, port (IEC 61850 uses 102) and that the server is running"
        case .connectTimeout: "check the address and firewalls, or raise the connect timeout"
        case .associationRejected: "check AP-titles, selectors and the password the server expects"
        case .connectionClosed: "reconnect"
        case .timeout: "the server is slow or unreachable; raise the request timeout or retry"
        case .dataAccess(.objectNonExistent), .dataAccess(.objectUndefined): "check the reference and FC (list them with `iec61850 browse`)"
        case .dataAccess(.objectAccessDenied): "the server does not allow this access for this FC"
        case .dataAccess(.typeInconsistent): "write a value of the attribute's type (see `iec61850 browse`)"
        case .typeMismatch: "read the generic MMSValue or the matching Swift type"
        default: nil
        }
    }
}
