// Errors of the MMS connection layer.

/// Why an MMS operation failed. ``IEC61850Error`` in the `IEC61850` module wraps this with the
/// operation and object involved.
public enum MMSError: Error, Sendable, CustomStringConvertible {
    /// TCP could not connect (refused, unreachable, name not resolved).
    case connectionFailed(String)
    /// TCP connect or association did not finish within the timeout.
    case connectTimeout
    /// The peer refused the association (COTP, session, presentation, ACSE or MMS Initiate level).
    case associationRejected(String)
    /// No response arrived within the request timeout.
    case requestTimeout
    /// The connection is closed or was lost; pending requests fail with this at once.
    case connectionClosed(String)
    /// The server answered with a confirmed-ErrorPDU.
    case serviceError(MMSServiceError)
    /// The server rejected the PDU.
    case rejected(MMSReject)
    /// The peer sent bytes that break the protocol.
    case protocolViolation(MMSCodecError)
    /// The request is larger than the negotiated maximum PDU size.
    case pduTooLarge(size: Int, limit: Int)
    /// The response did not match the request.
    case unexpectedResponse(String)
    /// The calling task was cancelled.
    case cancelled

    /// A sentence saying what happened.
    public var description: String {
        switch self {
        case .connectionFailed(let why): "connection failed: \(why)"
        case .connectTimeout: "connect timed out"
        case .associationRejected(let why): "association rejected: \(why)"
        case .requestTimeout: "request timed out"
        case .connectionClosed(let why): "connection closed: \(why)"
        case .serviceError(let error): "service error \(error)"
        case .rejected(let reject): "rejected by peer (\(reject))"
        case .protocolViolation(let error): "peer protocol violation: \(error)"
        case .pduTooLarge(let size, let limit): "request of \(size) octets exceeds the negotiated maximum PDU size of \(limit)"
        case .unexpectedResponse(let what): "unexpected response: \(what)"
        case .cancelled: "cancelled"
        }
    }
}
