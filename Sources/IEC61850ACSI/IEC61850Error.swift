// The one error family of the ACSI layer.

/// Why an IEC 61850 operation failed: what kind of failure (``code``), which operation, on which object, the details
/// that apply (the server's ServiceError or DataAccessError, a reason), and what to do about it.
///
/// A struct with a ``Code`` rather than an enum of kinds, so that new kinds of failure (AddCause for control, file
/// errors…) can be added without breaking code that handles errors: compare ``code`` with `==` and keep a default.
public struct IEC61850Error: Error, Sendable, CustomStringConvertible {
    /// What kind of failure. New codes may be added; match the ones you handle and keep a default.
    public typealias Code = ErrorCode<IEC61850Error>

    /// What kind of failure.
    public var code: Code
    /// The ACSI operation, e.g. `read`.
    public var operation: String
    /// The object, e.g. `IED1LD0/GGIO1.AnIn1.mag.f [MX]`, when there is one.
    public var object: String?
    /// A reason in words, when there is one (why a connection failed, why a request was refused…).
    public var detail: String?
    /// The MMS ServiceError, when the failure is one.
    public var serviceError: MMSServiceError?
    /// The DataAccessError, when the failure is one.
    public var dataAccessError: DataAccessError?
    /// The MMS Reject, when the server rejected the request.
    public var reject: MMSReject?
    /// The decoding failure, when the server broke the protocol.
    public var codecError: MMSCodecError?
    /// For ``Code/typeMismatch``: the type the caller asked for.
    public var expectedType: String?
    /// For ``Code/typeMismatch``: the value the server sent.
    public var actualValue: MMSValue?
    /// For ``Code/pduTooLarge``: the request's size and the negotiated limit, in octets.
    public var pduSize: (size: Int, limit: Int)?

    /// Creates an error; set the detail fields that apply.
    public init(_ code: Code, operation: String, object: String? = nil, detail: String? = nil) {
        self.code = code
        self.operation = operation
        self.object = object
        self.detail = detail
    }

    /// The server could not access `object`: ISO 9506 DataAccessError `error`.
    public static func dataAccess(_ error: DataAccessError, operation: String, object: String? = nil) -> IEC61850Error {
        IEC61850Error(.dataAccess(error), operation: operation, object: object)
    }

    /// The server answered with an MMS ServiceError.
    public static func serviceError(_ error: MMSServiceError, operation: String, object: String? = nil) -> IEC61850Error {
        IEC61850Error(.serviceError(error), operation: operation, object: object)
    }

    /// The reference cannot be used, for the reason `why`.
    public static func invalidReference(_ why: String, operation: String, object: String? = nil) -> IEC61850Error {
        IEC61850Error(.invalidReference, operation: operation, object: object, detail: why)
    }

    /// The value has another type than `expected`.
    public static func typeMismatch(expected: String, actual: MMSValue, operation: String, object: String? = nil) -> IEC61850Error {
        IEC61850Error(.typeMismatch(expected: expected, actual: actual), operation: operation, object: object)
    }

    /// How the library builds errors: a code with its detail.
    package enum Cause {
        case connectionFailed(String)
        case connectTimeout
        case associationRejected(String)
        case connectionClosed(String)
        case timeout
        case serviceError(MMSServiceError)
        case dataAccess(DataAccessError)
        case rejected(MMSReject)
        case protocolViolation(MMSCodecError)
        case typeMismatch(expected: String, actual: MMSValue)
        case invalidReference(String)
        case pduTooLarge(size: Int, limit: Int)
        case unexpectedResponse(String)
        case refused(String)
        case cancelled
    }

    package init(_ cause: Cause, operation: String, object: String? = nil) {
        switch cause {
        case .connectionFailed(let why): self.init(.connectionFailed, operation: operation, object: object, detail: why)
        case .connectTimeout: self.init(.connectTimeout, operation: operation, object: object)
        case .associationRejected(let why): self.init(.associationRejected, operation: operation, object: object, detail: why)
        case .connectionClosed(let why): self.init(.connectionClosed, operation: operation, object: object, detail: why)
        case .timeout: self.init(.timeout, operation: operation, object: object)
        case .serviceError(let error):
            self.init(.serviceError, operation: operation, object: object)
            serviceError = error
        case .dataAccess(let error):
            self.init(.dataAccess, operation: operation, object: object)
            dataAccessError = error
        case .rejected(let reject):
            self.init(.rejected, operation: operation, object: object)
            self.reject = reject
        case .protocolViolation(let error):
            self.init(.protocolViolation, operation: operation, object: object)
            codecError = error
        case .typeMismatch(let expected, let actual):
            self.init(.typeMismatch, operation: operation, object: object)
            expectedType = expected
            actualValue = actual
        case .invalidReference(let why): self.init(.invalidReference, operation: operation, object: object, detail: why)
        case .pduTooLarge(let size, let limit):
            self.init(.pduTooLarge, operation: operation, object: object)
            pduSize = (size, limit)
        case .unexpectedResponse(let what): self.init(.unexpectedResponse, operation: operation, object: object, detail: what)
        case .refused(let why): self.init(.refused, operation: operation, object: object, detail: why)
        case .cancelled: self.init(.cancelled, operation: operation, object: object)
        }
    }

    /// The ACSI code of each MMS code.
    private static let codesOfMMS: [MMSError.Code: Code] = [
        .connectionFailed: .connectionFailed, .connectTimeout: .connectTimeout, .associationRejected: .associationRejected,
        .requestTimeout: .timeout, .connectionClosed: .connectionClosed, .serviceError: .serviceError, .rejected: .rejected,
        .protocolViolation: .protocolViolation, .pduTooLarge: .pduTooLarge, .unexpectedResponse: .unexpectedResponse, .cancelled: .cancelled,
    ]

    package init(mms error: MMSError, operation: String, object: String? = nil) {
        let codes = Self.codesOfMMS
        self.init(codes[error.code] ?? .unexpectedResponse, operation: operation, object: object,
                  detail: codes[error.code] == nil ? error.description : error.detail)
        serviceError = error.serviceError
        reject = error.reject
        codecError = error.codecError
        pduSize = error.pduSize
    }

    /// What failed, on which object, why, and what to do.
    public var description: String {
        let target = object.map { " \($0)" } ?? ""
        return "\(operation)\(target) failed: \(reason)\(advice.map { " — \($0)" } ?? "")"
    }

    private var reason: String {
        let detail = self.detail ?? ""
        switch code {
        case .connectionFailed: return "cannot connect (\(detail))"
        case .connectTimeout: return "connect timed out"
        case .associationRejected: return "association rejected (\(detail))"
        case .connectionClosed: return "connection closed (\(detail))"
        case .timeout: return "no response within the request timeout"
        case .serviceError: return "service error \(serviceError.map { "\($0)" } ?? detail)"
        case .dataAccess: return dataAccessError?.name ?? detail
        case .rejected: return "rejected by the server (\(reject.map { "\($0)" } ?? detail))"
        case .protocolViolation: return "the server broke the protocol (\(codecError.map { "\($0)" } ?? detail))"
        case .typeMismatch: return "expected \(expectedType ?? "another type"), the server sent \(actualValue.map { "\($0)" } ?? "something else")"
        case .invalidReference: return "invalid reference (\(detail))"
        case .pduTooLarge:
            guard let pduSize else { return "request exceeds the negotiated PDU size" }
            return "request of \(pduSize.size) octets exceeds the negotiated PDU size of \(pduSize.limit)"
        case .unexpectedResponse: return "unexpected response (\(detail))"
        case .refused: return "refused: \(detail)"
        case .cancelled: return "cancelled"
        default: return detail.isEmpty ? code.name : "\(code.name): \(detail)"
        }
    }

    private var advice: String? {
        switch (code, dataAccessError) {
        case (.connectionFailed, _): "check host, port (IEC 61850 uses 102) and that the server is running"
        case (.connectTimeout, _): "check the address and firewalls, or raise the connect timeout"
        case (.associationRejected, _): "check AP-titles, selectors and the password the server expects"
        case (.connectionClosed, _): "reconnect"
        case (.timeout, _): "the server is slow or unreachable; raise the request timeout or retry"
        case (.dataAccess, .objectNonExistent?), (.dataAccess, .objectUndefined?): "check the reference and FC (list them with `iec61850 browse`)"
        case (.dataAccess, .objectAccessDenied?): "the server does not allow this access for this FC"
        case (.dataAccess, .typeInconsistent?): "write a value of the attribute's type (see `iec61850 browse`)"
        case (.typeMismatch, _): "read the generic MMSValue or the matching Swift type"
        default: nil
        }
    }
}

extension ErrorCode where Family == IEC61850Error {
    /// TCP could not connect (refused, unreachable, unknown host).
    public static let connectionFailed = ErrorCode("connection-failed")
    /// Connecting or associating took longer than the connect timeout.
    public static let connectTimeout = ErrorCode("connect-timeout")
    /// The server refused the association, with its reason in ``IEC61850Error/detail``.
    public static let associationRejected = ErrorCode("association-rejected")
    /// The connection was lost or is closed.
    public static let connectionClosed = ErrorCode("connection-closed")
    /// No response within the request timeout.
    public static let timeout = ErrorCode("timeout")
    /// The server answered with an MMS ServiceError (``IEC61850Error/serviceError``).
    public static let serviceError = ErrorCode("service-error")
    /// The server could not access this object (``IEC61850Error/dataAccessError``, ISO 9506 DataAccessError).
    public static let dataAccess = ErrorCode("data-access")
    /// The server rejected the request PDU (``IEC61850Error/reject``).
    public static let rejected = ErrorCode("rejected")
    /// The server broke the protocol (``IEC61850Error/codecError``).
    public static let protocolViolation = ErrorCode("protocol-violation")
    /// The value has a different MMS type than the caller asked for (``IEC61850Error/expectedType``,
    /// ``IEC61850Error/actualValue``).
    public static let typeMismatch = ErrorCode("type-mismatch")
    /// The reference cannot be mapped to MMS or named nothing usable (why in ``IEC61850Error/detail``).
    public static let invalidReference = ErrorCode("invalid-reference")
    /// A request would exceed the negotiated PDU size (``IEC61850Error/pduSize``).
    public static let pduTooLarge = ErrorCode("pdu-too-large")
    /// The server's answer does not fit the request.
    public static let unexpectedResponse = ErrorCode("unexpected-response")
    /// The server answered but did not carry out the request, for the reason in ``IEC61850Error/detail``.
    public static let refused = ErrorCode("refused")
    /// The calling task was cancelled.
    public static let cancelled = ErrorCode("cancelled")
}
