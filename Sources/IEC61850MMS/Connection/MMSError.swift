// Errors of the MMS connection layer.

public import IEC61850Codec

/// Why an MMS operation failed. ``IEC61850Error`` in the `IEC61850` module wraps this with the
/// operation and object involved.
///
/// A struct with a ``Code`` rather than an enum, so that new kinds of failure can be added without breaking code
/// that looks at them: compare ``code`` with `==`, read the details that apply.
public struct MMSError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure. New codes may be added; match the ones you handle and keep a default.
    public typealias Code = ErrorCode<MMSError>

    /// What kind of failure.
    public var code: Code
    /// What the peer or the system said, when there is more to say (a reason, an address).
    public var detail: String?
    /// The MMS ServiceError, for ``Code/serviceError``.
    public var serviceError: MMSServiceError?
    /// The Reject, for ``Code/rejected``.
    public var reject: MMSReject?
    /// The decoding failure, for ``Code/protocolViolation``.
    public var codecError: MMSCodecError?
    /// For ``Code/pduTooLarge``: the request's size and the negotiated limit, in octets.
    public var pduSize: (size: Int, limit: Int)?

    /// An error of `code`, with an optional detail.
    public init(_ code: Code, detail: String? = nil) {
        self.code = code
        self.detail = detail
    }

    /// TCP could not connect.
    public static func connectionFailed(_ why: String) -> MMSError { MMSError(.connectionFailed, detail: why) }
    /// TCP connect or association timed out.
    public static var connectTimeout: MMSError { MMSError(.connectTimeout) }
    /// The peer refused the association.
    public static func associationRejected(_ why: String) -> MMSError { MMSError(.associationRejected, detail: why) }
    /// No response within the request timeout.
    public static var requestTimeout: MMSError { MMSError(.requestTimeout) }
    /// The connection is closed or was lost.
    public static func connectionClosed(_ why: String) -> MMSError { MMSError(.connectionClosed, detail: why) }
    /// The server answered with a confirmed-ErrorPDU.
    public static func serviceError(_ error: MMSServiceError) -> MMSError {
        var result = MMSError(.serviceError)
        result.serviceError = error
        return result
    }
    /// The peer rejected the PDU.
    public static func rejected(_ reject: MMSReject) -> MMSError {
        var result = MMSError(.rejected)
        result.reject = reject
        return result
    }
    /// The peer broke the protocol.
    public static func protocolViolation(_ error: MMSCodecError) -> MMSError {
        var result = MMSError(.protocolViolation)
        result.codecError = error
        return result
    }
    /// The request exceeds the negotiated PDU size.
    public static func pduTooLarge(size: Int, limit: Int) -> MMSError {
        var result = MMSError(.pduTooLarge)
        result.pduSize = (size, limit)
        return result
    }
    /// The response did not match the request.
    public static func unexpectedResponse(_ what: String) -> MMSError { MMSError(.unexpectedResponse, detail: what) }
    /// The calling task was cancelled.
    public static var cancelled: MMSError { MMSError(.cancelled) }

    /// A sentence saying what happened.
    public var description: String {
        let detail = self.detail ?? ""
        switch code {
        case .connectionFailed: return "connection failed: \(detail)"
        case .connectTimeout: return "connect timed out"
        case .associationRejected: return "association rejected: \(detail)"
        case .requestTimeout: return "request timed out"
        case .connectionClosed: return "connection closed: \(detail)"
        case .serviceError: return "service error \(serviceError.map { "\($0)" } ?? detail)"
        case .rejected: return "rejected by peer (\(reject.map { "\($0)" } ?? detail))"
        case .protocolViolation: return "peer protocol violation: \(codecError.map { "\($0)" } ?? detail)"
        case .pduTooLarge:
            guard let pduSize else { return "request exceeds the negotiated maximum PDU size" }
            return "request of \(pduSize.size) octets exceeds the negotiated maximum PDU size of \(pduSize.limit)"
        case .unexpectedResponse: return "unexpected response: \(detail)"
        case .cancelled: return "cancelled"
        default: return detail.isEmpty ? code.name : "\(code.name): \(detail)"
        }
    }
}

extension ErrorCode where Family == MMSError {
    /// TCP could not connect (refused, unreachable, name not resolved).
    public static let connectionFailed = ErrorCode("connection-failed")
    /// TCP connect or association did not finish within the timeout.
    public static let connectTimeout = ErrorCode("connect-timeout")
    /// The peer refused the association (COTP, session, presentation, ACSE or MMS Initiate level).
    public static let associationRejected = ErrorCode("association-rejected")
    /// No response arrived within the request timeout.
    public static let requestTimeout = ErrorCode("request-timeout")
    /// The connection is closed or was lost; pending requests fail with this at once.
    public static let connectionClosed = ErrorCode("connection-closed")
    /// The server answered with a confirmed-ErrorPDU (see ``MMSError/serviceError``).
    public static let serviceError = ErrorCode("service-error")
    /// The peer rejected the PDU (see ``MMSError/reject``).
    public static let rejected = ErrorCode("rejected")
    /// The peer sent bytes that break the protocol (see ``MMSError/codecError``).
    public static let protocolViolation = ErrorCode("protocol-violation")
    /// The request is larger than the negotiated maximum PDU size.
    public static let pduTooLarge = ErrorCode("pdu-too-large")
    /// The response did not match the request.
    public static let unexpectedResponse = ErrorCode("unexpected-response")
    /// The calling task was cancelled.
    public static let cancelled = ErrorCode("cancelled")
}
