// ISO 8823-1 connection-oriented presentation protocol, kernel functional unit, normal mode,
// as profiled for MMS (IEC 61850-8-1 §6, ISO/IEC ISP 14226).

/// Object identifiers used by the MMS profile.
@_spi(OSI) public enum MMSObjectIdentifiers {
    /// ACSE abstract syntax `2.2.1.0.1`.
    public static let acseAbstractSyntax: [UInt64] = [2, 2, 1, 0, 1]
    /// Basic encoding rules `2.1.1`.
    public static let berTransferSyntax: [UInt64] = [2, 1, 1]
    /// MMS abstract syntax `1.0.9506.2.1`.
    public static let mmsAbstractSyntax: [UInt64] = [1, 0, 9506, 2, 1]
    /// MMS application context `1.0.9506.2.3`.
    public static let mmsApplicationContext: [UInt64] = [1, 0, 9506, 2, 3]
    /// ACSE password authentication mechanism `2.2.3.1`.
    public static let passwordMechanism: [UInt64] = [2, 2, 3, 1]
}

/// A presentation context proposed in CP (ISO 8823-1 Context-list).
@_spi(OSI) public struct PresentationContext: Sendable, Hashable {
    /// The presentation-context-identifier (odd, chosen by the initiator).
    public var identifier: Int64
    /// The abstract syntax name.
    public var abstractSyntax: [UInt64]

    /// Creates a context.
    public init(identifier: Int64, abstractSyntax: [UInt64]) {
        self.identifier = identifier
        self.abstractSyntax = abstractSyntax
    }
}

/// A decoded presentation PPDU: which kind, its selectors and contexts, and the user data it carries.
@_spi(OSI) public struct PresentationPPDU: Sendable {
    /// What the PPDU is.
    public enum Kind: Sendable, Hashable {
        /// CP: connect.
        case connect
        /// CPA: connect accept.
        case accept
        /// CPR: connect reject, with the provider reason if any.
        case refuse(providerReason: Int64?)
        /// TD: user data in data transfer (also carried by FN/DN).
        case data
        /// ARU / ARP: abort.
        case abort
    }

    /// The kind.
    public var kind: Kind
    /// The calling presentation selector (CP).
    public var callingSelector: [UInt8]?
    /// The called presentation selector (CP).
    public var calledSelector: [UInt8]?
    /// The contexts proposed (CP).
    public var contexts: [PresentationContext] = []
    /// The results per context (CPA/CPR: 0 acceptance, 1 user-rejection, 2 provider-rejection).
    public var contextResults: [Int64] = []
    /// The PDVs carried: presentation context identifier and the embedded PDU element.
    public var userData: [(contextID: Int64, pdu: BERElement)] = []

    init(kind: Kind) { self.kind = kind }

    // MARK: Encoding

    /// A CP-type PPDU proposing ACSE (context 1) and MMS (context 3), carrying an AARQ.
    public static func encodeConnect(aarq: [UInt8], callingSelector: [UInt8], calledSelector: [UInt8]) -> [UInt8] {
        var w = BERWriter()
        w.writeConstructed(.set) { cp in
            cp.writeConstructed(.contextConstructed(0)) { mode in mode.write(.context(0), int: 1) }
            cp.writeConstructed(.contextConstructed(2)) { normal in
                normal.write(.context(1), content: callingSelector)
                normal.write(.context(2), content: calledSelector)
                normal.writeConstructed(.contextConstructed(4)) { list in
                    for (id, syntax) in [(Int64(1), MMSObjectIdentifiers.acseAbstractSyntax), (3, MMSObjectIdentifiers.mmsAbstractSyntax)] {
                        list.writeConstructed(.sequence) { item in
                            item.write(.integer, int: id)
                            item.write(.objectIdentifier, oid: syntax)
                            item.writeConstructed(.sequence) { ts in ts.write(.objectIdentifier, oid: MMSObjectIdentifiers.berTransferSyntax) }
                        }
                    }
                }
                encodeUserData(contextID: 1, pdu: aarq, into: &normal)
            }
        }
        return w.bytes
    }

    /// A CPA-PPDU accepting the given contexts and carrying an AARE.
    public static func encodeAccept(aare: [UInt8], respondingSelector: [UInt8], acceptedContexts: Int, acseContextID: Int64) -> [UInt8] {
        var w = BERWriter()
        w.writeConstructed(.set) { cpa in
            cpa.writeConstructed(.contextConstructed(0)) { mode in mode.write(.context(0), int: 1) }
            cpa.writeConstructed(.contextConstructed(2)) { normal in
                normal.write(.context(3), content: respondingSelector)
                normal.writeConstructed(.contextConstructed(5)) { list in
                    for _ in 0..<acceptedContexts {
                        list.writeConstructed(.sequence) { item in
                            item.write(.context(0), int: 0)
                            item.write(.context(1), oid: MMSObjectIdentifiers.berTransferSyntax)
                        }
                    }
                }
                encodeUserData(contextID: acseContextID, pdu: aare, into: &normal)
            }
        }
        return w.bytes
    }

    /// Fully-encoded user data carrying one PDU (ISO 8823-1 User-data).
    public static func encodeUserData(contextID: Int64, pdu: [UInt8]) -> [UInt8] {
        var w = BERWriter(capacity: pdu.count + 16)
        encodeUserData(contextID: contextID, pdu: pdu, into: &w)
        return w.bytes
    }

    static func encodeUserData(contextID: Int64, pdu: [UInt8], into w: inout BERWriter) {
        w.writeConstructed(.application(1)) { fully in
            fully.writeConstructed(.sequence) { pdv in
                pdv.write(.integer, int: contextID)
                pdv.writeConstructed(.contextConstructed(0)) { single in single.appendRaw(pdu) }
            }
        }
    }

    /// An ARU-PPDU carrying an ABRT.
    public static func encodeAbort(abrt: [UInt8], acseContextID: Int64 = 1) -> [UInt8] {
        var w = BERWriter()
        w.writeConstructed(.contextConstructed(0)) { aru in
            aru.writeConstructed(.contextConstructed(0)) { list in
                list.writeConstructed(.sequence) { item in
                    item.write(.integer, int: acseContextID)
                    item.write(.objectIdentifier, oid: MMSObjectIdentifiers.berTransferSyntax)
                }
            }
            encodeUserData(contextID: acseContextID, pdu: abrt, into: &aru)
        }
        return w.bytes
    }

    // MARK: Decoding

    /// Decodes the PPDU carried by a session SPDU of the given kind.
    public static func decode(_ bytes: [UInt8], range: Range<Int>, sessionKind: SessionSPDU.Kind) throws(MMSCodecError) -> PresentationPPDU {
        var reader = BERReader(bytes: bytes, range: range)
        switch sessionKind {
        case .connect, .accept:
            let set = try reader.read(.set, sessionKind == .connect ? "presentation CP-type" : "presentation CPA-PPDU")
            var ppdu = PresentationPPDU(kind: sessionKind == .connect ? .connect : .accept)
            var children = try set.children()
            while !children.isAtEnd {
                let element = try children.read()
                if element.tag == .contextConstructed(2) {
                    try ppdu.decodeNormalMode(element.children())
                }
            }
            return ppdu
        case .refuse:
            var ppdu = PresentationPPDU(kind: .refuse(providerReason: nil))
            guard !reader.isAtEnd else { return ppdu }
            let sequence = try reader.read(.sequence, "presentation CPR-PPDU")
            var children = try sequence.children()
            while !children.isAtEnd {
                let element = try children.read()
                if element.tag == .context(10) { ppdu.kind = .refuse(providerReason: try element.int64()) }
                if element.tag == .application(1) { ppdu.userData = try decodePDVList(element) }
            }
            return ppdu
        case .data, .finish, .disconnect:
            var ppdu = PresentationPPDU(kind: .data)
            guard !reader.isAtEnd else { return ppdu }
            let element = try reader.read()
            guard element.tag == .application(1) else {
                throw MMSCodecError(.unsupported, "presentation user data \(element.tag) (only fully-encoded data is supported)")
            }
            ppdu.userData = try decodePDVList(element)
            return ppdu
        case .abort, .abortAccept, .notFinished:
            var ppdu = PresentationPPDU(kind: .abort)
            guard !reader.isAtEnd, let element = try? reader.read(), element.tag == .contextConstructed(0) else { return ppdu }
            var children = try element.children()
            while !children.isAtEnd {
                let item = try children.read()
                if item.tag == .application(1) { ppdu.userData = try decodePDVList(item) }
            }
            return ppdu
        }
    }

    private mutating func decodeNormalMode(_ reader: BERReader) throws(MMSCodecError) {
        var children = reader
        while !children.isAtEnd {
            let element = try children.read()
            switch element.tag {
            case .context(1): callingSelector = Array(element.content)
            case .context(2): calledSelector = Array(element.content)
            case .contextConstructed(4):
                var list = try element.children()
                while !list.isAtEnd {
                    var item = try list.read(.sequence, "presentation context definition").children()
                    let id = try item.read(.integer, "presentation-context-identifier").int64()
                    let syntax = try item.read(.objectIdentifier, "abstract-syntax-name").objectIdentifier()
                    contexts.append(PresentationContext(identifier: id, abstractSyntax: syntax))
                }
            case .contextConstructed(5):
                var list = try element.children()
                while !list.isAtEnd {
                    var item = try list.read(.sequence, "presentation context result").children()
                    contextResults.append(try item.read(.context(0), "result").int64())
                }
            case .application(1):
                userData = try Self.decodePDVList(element)
            default:
                break
            }
        }
    }

    static func decodePDVList(_ element: BERElement) throws(MMSCodecError) -> [(contextID: Int64, pdu: BERElement)] {
        var list = try element.children()
        var result: [(contextID: Int64, pdu: BERElement)] = []
        while !list.isAtEnd {
            var pdv = try list.read(.sequence, "PDV-list").children()
            var first = try pdv.read()
            if first.tag == .objectIdentifier { first = try pdv.read() }  // transfer-syntax-name
            try first.expect(.integer, "PDV-list presentation-context-identifier")
            let id = try first.int64()
            let values = try pdv.read()
            guard values.tag == .contextConstructed(0) else {
                throw MMSCodecError(.unsupported, "presentation-data-values \(values.tag) (only single-ASN1-type)")
            }
            var inner = try values.children()
            result.append((id, try inner.read()))
        }
        return result
    }
}
