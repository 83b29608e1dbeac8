// The server side of the OSI association as a pure state machine: COTP CR → CC, session CONNECT
// carrying presentation CP, ACSE AARQ and MMS Initiate → ACCEPT with CPA, AARE and Initiate-Response;
// then data transfer; release (FINISH with RLRQ → DISCONNECT with RLRE) or abort.

import IEC61850Model

/// What a server offers in Initiate negotiation.
public struct MMSServerLimits: Sendable, Hashable {
    /// The largest MMS PDU we accept and send.
    public var maxPDUSize: Int32 = 65_000
    /// Outstanding requests we accept from the client.
    public var maxOutstanding: Int16 = 16
    /// Structure nesting we support.
    public var dataStructureNestingLevel: Int8 = 10

    /// The defaults.
    public init() {}
}

/// The server side of an MMS association, byte-level and free of I/O.
@_spi(OSI) public struct MMSServerAssociation: Sendable {
    /// What the caller must do after an input.
    public enum Event: Sendable {
        /// Nothing to do.
        case none
        /// Send these bytes.
        case send([UInt8])
        /// The association is established; send the bytes (the acceptance).
        case associated(MMSInitiateParameters, send: [UInt8])
        /// The client's association attempt was refused; send the bytes, then close.
        case refused(String, send: [UInt8])
        /// An MMS PDU arrived on the association.
        case pdu(MMSPDU)
        /// The client released the association; send the bytes (RLRE), then close.
        case released(send: [UInt8])
        /// The client aborted the association (session ABORT, normally carrying ACSE ABRT); close.
        case abortedByPeer(String)
        /// The client disconnected without a release; close.
        case closedByPeer(String)
    }

    private enum State: Sendable {
        case awaitingConnectionRequest
        case awaitingConnect(tpduSize: Int)
        case associated(tpduSize: Int, mmsContext: Int64, acseContext: Int64)
        case closed
    }

    private var state: State = .awaitingConnectionRequest
    private let limits: MMSServerLimits
    private var reassembler: COTPReassembler
    /// The parameters negotiated with the client.
    public private(set) var negotiated: MMSInitiateParameters?

    /// Creates a machine for one accepted TCP connection.
    public init(limits: MMSServerLimits) {
        self.limits = limits
        self.reassembler = COTPReassembler(maxSDUSize: Int(limits.maxPDUSize) + 1024)
    }

    /// Handles one TPKT payload.
    public mutating func receive(_ bytes: [UInt8]) throws(MMSCodecError) -> Event {
        let tpdu = try COTPTPDU.decode(bytes, range: bytes.indices)
        switch (state, tpdu) {
        case (.awaitingConnectionRequest, .connectionRequest(let p)):
            let size = min(p.tpduSize ?? 128, 8192)
            state = .awaitingConnect(tpduSize: size)
            let cc = COTPTPDU.connectionConfirm(COTPConnectParameters(
                destinationReference: p.sourceReference, sourceReference: 0x4242, tpduSize: size,
                callingTSelector: p.callingTSelector, calledTSelector: p.calledTSelector)).encodeHeader()
            return .send(TPKT.header(payloadLength: cc.count) + cc)
        case (_, .disconnectRequest(let reason)):
            state = .closed
            return .closedByPeer("transport disconnect (reason \(reason))")
        case (.awaitingConnect, .data(let eot, let range)), (.associated, .data(let eot, let range)):
            guard let sdu = try reassembler.append(bytes, range: range, endOfTSDU: eot) else { return .none }
            return try receiveSDU(sdu)
        case (.closed, _):
            return .none
        default:
            throw MMSCodecError(.protocolViolation, "unexpected COTP \(tpdu) in state \(state)")
        }
    }

    private mutating func receiveSDU(_ sdu: [UInt8]) throws(MMSCodecError) -> Event {
        let spdu = try SessionSPDU.decode(sdu, range: sdu.indices)
        switch (state, spdu.kind) {
        case (.awaitingConnect(let size), .connect):
            return try accept(sdu: sdu, spdu: spdu, tpduSize: size)
        case (.associated(_, let mmsContext, _), .data):
            let ppdu = try PresentationPPDU.decode(sdu, range: spdu.userData, sessionKind: .data)
            guard let pdv = ppdu.userData.first else { throw MMSCodecError(.missingElement, "presentation data carries no PDV") }
            guard pdv.contextID == mmsContext else {
                throw MMSCodecError(.protocolViolation, "data in presentation context \(pdv.contextID), MMS is \(mmsContext)")
            }
            return .pdu(try MMSPDU(ber: pdv.pdu, maxDataNesting: Int(negotiated?.dataStructureNestingLevel ?? 10)))
        case (.associated(let size, _, let acseContext), .finish):
            state = .closed
            let rlre = ACSEAPDU.releaseResponse(reason: 0).encoded()
            let dn = SessionSPDU.encode(.disconnect, userData: PresentationPPDU.encodeUserData(contextID: acseContext, pdu: rlre))
            return .released(send: OSIFraming.frames(sdu: dn, tpduSize: size))
        case (_, .abort):
            state = .closed
            return .abortedByPeer("session ABORT from the client")
        case (_, .disconnect):
            state = .closed
            return .closedByPeer("session \(spdu.kind) from the client")
        default:
            throw MMSCodecError(.protocolViolation, "unexpected session \(spdu.kind) in state \(state)")
        }
    }

    private mutating func accept(sdu: [UInt8], spdu: SessionSPDU, tpduSize: Int) throws(MMSCodecError) -> Event {
        let cp = try PresentationPPDU.decode(sdu, range: spdu.userData, sessionKind: .connect)
        guard let acse = cp.contexts.first(where: { $0.abstractSyntax == MMSObjectIdentifiers.acseAbstractSyntax }),
              let mms = cp.contexts.first(where: { $0.abstractSyntax == MMSObjectIdentifiers.mmsAbstractSyntax }) else {
            state = .closed
            return .refused("presentation contexts for ACSE and MMS were not both proposed",
                            send: OSIFraming.frames(sdu: SessionSPDU.encode(.refuse, userData: nil), tpduSize: tpduSize))
        }
        guard let aarqElement = cp.userData.first?.pdu, case .associationRequest(let aarq) = try ACSEAPDU(ber: aarqElement),
              let initiateElement = aarq.userInformation, case .initiateRequest(let proposed) = try MMSPDU(ber: initiateElement) else {
            throw MMSCodecError(.protocolViolation, "CP does not carry an AARQ with an MMS Initiate request")
        }
        let parameters = MMSInitiateParameters(
            maxPDUSize: min(proposed.maxPDUSize ?? limits.maxPDUSize, limits.maxPDUSize),
            maxOutstandingCalling: max(1, min(proposed.maxOutstandingCalling, limits.maxOutstanding)),
            maxOutstandingCalled: max(1, min(proposed.maxOutstandingCalled, limits.maxOutstanding)),
            dataStructureNestingLevel: min(proposed.dataStructureNestingLevel ?? limits.dataStructureNestingLevel, limits.dataStructureNestingLevel),
            version: 1)
        negotiated = parameters
        state = .associated(tpduSize: tpduSize, mmsContext: mms.identifier, acseContext: acse.identifier)
        var aare = ACSEAssociationResponse(result: 0, diagnostic: 0, userInformation: MMSPDU.initiateResponse(parameters).encoded())
        aare.responding = aarq.called
        let aareBytes = ACSEAPDU.associationResponse(aare).encoded(mmsContextID: mms.identifier)
        let cpa = PresentationPPDU.encodeAccept(aare: aareBytes, respondingSelector: cp.calledSelector ?? [0, 0, 0, 1],
                                                acceptedContexts: cp.contexts.count, acseContextID: acse.identifier)
        let ac = SessionSPDU.encodeAccept(userData: cpa, respondingSelector: spdu.calledSelector)
        return .associated(parameters, send: OSIFraming.frames(sdu: ac, tpduSize: tpduSize))
    }

    /// The frames carrying one MMS PDU to the client; `nil` unless associated.
    public func dataFrames(_ pdu: [UInt8]) -> [UInt8]? {
        guard case .associated(let size, let mmsContext, _) = state else { return nil }
        return OSIFraming.frames(sdu: OSIFraming.dataSDU(contextID: mmsContext, pdu: pdu), tpduSize: size)
    }

    /// An abort of the association (session ABORT with ACSE ABRT from the service provider side's user);
    /// `nil` when nothing is associated.
    public mutating func abortFrames() -> [UInt8]? {
        guard case .associated(let size, _, let acseContext) = state else {
            state = .closed
            return nil
        }
        state = .closed
        let abrt = ACSEAPDU.abort(source: 0).encoded()
        let ab = SessionSPDU.encode(.abort, userData: PresentationPPDU.encodeAbort(abrt: abrt, acseContextID: acseContext))
        return OSIFraming.frames(sdu: ab, tpduSize: size)
    }

    /// Marks the association closed.
    public mutating func transportClosed() { state = .closed }
}
