// The client side of the OSI association as a pure state machine: COTP connect, session connect
// carrying presentation CP carrying AARQ carrying MMS Initiate; then data transfer; then release or abort.
//
//   idle --start()--> awaitingConnectionConfirm --CC--> awaitingAccept --AC(CPA(AARE accepted, Initiate-Response))--> associated
//   associated --release()--> releasing --DN(RLRE)--> closed
//   any --DR / AB / refuse--> closed

import IEC61850Model

/// Selectors and application-entity names used when associating (ISO transport/session/presentation
/// selectors and ACSE AP-titles).
public struct MMSAssociationParameters: Sendable, Hashable {
    /// Calling and called transport selectors (COTP).
    public var callingTSelector: [UInt8] = [0, 1]
    /// The called transport selector.
    public var calledTSelector: [UInt8] = [0, 1]
    /// The calling session selector.
    public var callingSSelector: [UInt8] = [0, 1]
    /// The called session selector.
    public var calledSSelector: [UInt8] = [0, 1]
    /// The calling presentation selector.
    public var callingPSelector: [UInt8] = [0, 0, 0, 1]
    /// The called presentation selector.
    public var calledPSelector: [UInt8] = [0, 0, 0, 1]
    /// Our AP-title and AE-qualifier.
    public var calling = ACSEApplicationEntity(apTitle: [1, 1, 1, 999], aeQualifier: 12)
    /// The server's AP-title and AE-qualifier.
    public var called = ACSEApplicationEntity(apTitle: [1, 1, 1, 999, 1], aeQualifier: 12)
    /// An ACSE password (authentication mechanism 2.2.3.1), if the server requires one.
    public var password: String?
    /// The TPDU size we propose (the peer may lower it).
    public var proposedTPDUSize = 8192

    /// The defaults used by most IEC 61850 clients.
    public init() {}
}

/// The client side of an MMS association, byte-level and free of I/O.
@_spi(OSI) public struct MMSClientAssociation: Sendable {
    /// What the caller must do after an input.
    public enum Event: Sendable {
        /// Nothing to do.
        case none
        /// Send these bytes (one or more TPKT frames).
        case send([UInt8])
        /// The association is established with these negotiated parameters.
        case associated(MMSInitiateParameters)
        /// The peer refused the association.
        case rejected(String)
        /// An MMS PDU arrived.
        case pdu(MMSPDU)
        /// The peer confirmed the release; close the transport.
        case released
        /// The peer aborted or disconnected.
        case closedByPeer(String)
    }

    private enum State: Sendable {
        case idle
        case awaitingConnectionConfirm
        case awaitingAccept(tpduSize: Int)
        case associated(tpduSize: Int)
        case releasing(tpduSize: Int)
        case closed
    }

    private var state: State = .idle
    private let parameters: MMSAssociationParameters
    private let initiate: MMSInitiateParameters
    private var reassembler: COTPReassembler
    private let maxDataNesting: Int
    private var mmsContextID: Int64 = 3

    /// Creates a machine that will propose `initiate` and accept inbound PDUs up to `maxReceiveSize` octets.
    public init(parameters: MMSAssociationParameters, initiate: MMSInitiateParameters, maxReceiveSize: Int) {
        self.parameters = parameters
        self.initiate = initiate
        self.reassembler = COTPReassembler(maxSDUSize: maxReceiveSize + 512)
        self.maxDataNesting = Int(initiate.dataStructureNestingLevel ?? 10)
    }

    /// Whether MMS PDUs may be sent.
    public var isAssociated: Bool {
        if case .associated = state { return true }
        return false
    }

    /// Starts the association: the COTP CR.
    public mutating func start() -> [UInt8] {
        state = .awaitingConnectionConfirm
        let cr = COTPTPDU.connectionRequest(COTPConnectParameters(
            sourceReference: 1, tpduSize: parameters.proposedTPDUSize,
            callingTSelector: parameters.callingTSelector, calledTSelector: parameters.calledTSelector)).encodeHeader()
        return TPKT.header(payloadLength: cr.count) + cr
    }

    /// Handles one TPKT payload (a COTP TPDU).
    public mutating func receive(_ bytes: [UInt8]) throws(MMSCodecError) -> Event {
        let tpdu = try COTPTPDU.decode(bytes, range: bytes.indices)
        switch (state, tpdu) {
        case (.awaitingConnectionConfirm, .connectionConfirm(let p)):
            let size = min(p.tpduSize ?? 128, parameters.proposedTPDUSize)
            state = .awaitingAccept(tpduSize: size)
            return .send(connectFrames(tpduSize: size))
        case (_, .disconnectRequest(let reason)):
            state = .closed
            return .closedByPeer("transport disconnect (reason \(reason))")
        case (_, .error(let cause)):
            state = .closed
            throw MMSCodecError(.protocolViolation, "peer sent COTP ER (reject cause \(cause))")
        case (.awaitingAccept, .data(let eot, let range)), (.associated, .data(let eot, let range)), (.releasing, .data(let eot, let range)):
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
        case (.awaitingAccept(let size), .accept):
            let ppdu = try PresentationPPDU.decode(sdu, range: spdu.userData, sessionKind: .accept)
            guard ppdu.contextResults.allSatisfy({ $0 == 0 }) else {
                state = .closed
                return .rejected("presentation contexts not accepted (results \(ppdu.contextResults))")
            }
            guard let aareElement = ppdu.userData.first?.pdu else {
                throw MMSCodecError(.missingElement, "presentation CPA carries no AARE")
            }
            guard case .associationResponse(let aare) = try ACSEAPDU(ber: aareElement) else {
                throw MMSCodecError(.protocolViolation, "presentation CPA carries an ACSE APDU that is not an AARE")
            }
            guard aare.result == 0 else {
                state = .closed
                return .rejected("ACSE result \(aare.result): \(aare.diagnosticName)")
            }
            guard let initiateElement = aare.userInformation else {
                throw MMSCodecError(.missingElement, "AARE carries no MMS Initiate response")
            }
            switch try MMSPDU(ber: initiateElement) {
            case .initiateResponse(let negotiated):
                state = .associated(tpduSize: size)
                return .associated(negotiated)
            case .initiateError(let error):
                state = .closed
                return .rejected("MMS Initiate error \(error)")
            default:
                throw MMSCodecError(.protocolViolation, "AARE carries an MMS PDU that is not an Initiate response")
            }
        case (.awaitingAccept, .refuse):
            state = .closed
            let ppdu = try? PresentationPPDU.decode(sdu, range: spdu.userData, sessionKind: .refuse)
            if let element = ppdu?.userData.first?.pdu, case .associationResponse(let aare)? = try? ACSEAPDU(ber: element) {
                return .rejected("ACSE result \(aare.result): \(aare.diagnosticName)")
            }
            if case .refuse(let reason?)? = ppdu?.kind { return .rejected("presentation provider reason \(reason)") }
            return .rejected("session refused")
        case (.associated, .data), (.releasing, .data):
            let ppdu = try PresentationPPDU.decode(sdu, range: spdu.userData, sessionKind: .data)
            guard let element = ppdu.userData.first?.pdu else {
                throw MMSCodecError(.missingElement, "presentation data carries no PDV")
            }
            return .pdu(try MMSPDU(ber: element, maxDataNesting: maxDataNesting))
        case (.releasing, .disconnect), (.releasing, .finish):
            // RLRE arrives in DN (ISO 8327); some peers answer FN with FN. Either ends the release.
            state = .closed
            return .released
        case (_, .abort), (_, .disconnect), (_, .finish):
            state = .closed
            return .closedByPeer("session \(spdu.kind) from peer")
        default:
            throw MMSCodecError(.protocolViolation, "unexpected session \(spdu.kind) in state \(state)")
        }
    }

    private mutating func connectFrames(tpduSize: Int) -> [UInt8] {
        let initiatePDU = MMSPDU.initiateRequest(initiate).encoded()
        var request = ACSEAssociationRequest(called: parameters.called, calling: parameters.calling,
                                             password: parameters.password.map { Array($0.utf8) },
                                             userInformation: initiatePDU)
        request.applicationContext = MMSObjectIdentifiers.mmsApplicationContext
        let aarq = ACSEAPDU.associationRequest(request).encoded(mmsContextID: mmsContextID)
        let cp = PresentationPPDU.encodeConnect(aarq: aarq, callingSelector: parameters.callingPSelector,
                                                calledSelector: parameters.calledPSelector)
        let cn = SessionSPDU.encodeConnect(userData: cp, callingSelector: parameters.callingSSelector,
                                           calledSelector: parameters.calledSSelector)
        return OSIFraming.frames(sdu: cn, tpduSize: tpduSize)
    }

    /// The frames carrying one MMS PDU; `nil` unless associated.
    public func dataFrames(_ pdu: [UInt8]) -> [UInt8]? {
        guard case .associated(let size) = state else { return nil }
        return OSIFraming.frames(sdu: OSIFraming.dataSDU(contextID: mmsContextID, pdu: pdu), tpduSize: size)
    }

    /// Starts an orderly release: session FINISH carrying ACSE RLRQ. `nil` unless associated.
    public mutating func release() -> [UInt8]? {
        guard case .associated(let size) = state else { return nil }
        state = .releasing(tpduSize: size)
        let rlrq = ACSEAPDU.releaseRequest(reason: 0).encoded()
        let fn = SessionSPDU.encode(.finish, userData: PresentationPPDU.encodeUserData(contextID: 1, pdu: rlrq))
        return OSIFraming.frames(sdu: fn, tpduSize: size)
    }

    /// An abort: session ABORT carrying presentation ARU carrying ACSE ABRT. `nil` when nothing is open.
    public mutating func abort() -> [UInt8]? {
        let size: Int
        switch state {
        case .associated(let s), .releasing(let s), .awaitingAccept(let s): size = s
        case .idle, .awaitingConnectionConfirm, .closed: state = .closed; return nil
        }
        state = .closed
        let abrt = ACSEAPDU.abort(source: 0).encoded()
        let ab = SessionSPDU.encode(.abort, userData: PresentationPPDU.encodeAbort(abrt: abrt))
        return OSIFraming.frames(sdu: ab, tpduSize: size)
    }

    /// Marks the association closed (the transport went away).
    public mutating func transportClosed() { state = .closed }
}
