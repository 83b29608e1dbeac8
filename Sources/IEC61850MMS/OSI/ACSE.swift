// ISO 8650-1 ACSE: association request/response, release and abort APDUs.


import IEC61850Model
/// An application process title and entity qualifier pair (ISO 8650-1 AP-title form 2 and AE-qualifier).
public struct ACSEApplicationEntity: Sendable, Hashable {
    /// AP-title as an object identifier, e.g. `1.1.1.999`.
    public var apTitle: [UInt64]?
    /// AE-qualifier, e.g. `12`.
    public var aeQualifier: Int64?

    /// Creates an application entity description.
    public init(apTitle: [UInt64]? = nil, aeQualifier: Int64? = nil) {
        self.apTitle = apTitle
        self.aeQualifier = aeQualifier
    }
}

/// An ACSE APDU (ISO 8650-1 §9).
@_spi(OSI) public enum ACSEAPDU: Sendable {
    /// AARQ: association request.
    case associationRequest(ACSEAssociationRequest)
    /// AARE: association response.
    case associationResponse(ACSEAssociationResponse)
    /// RLRQ: release request.
    case releaseRequest(reason: Int64?)
    /// RLRE: release response.
    case releaseResponse(reason: Int64?)
    /// ABRT: abort, with its source (0 user, 1 provider).
    case abort(source: Int64)

    /// Decodes an ACSE APDU element.
    public init(ber element: BERElement) throws(MMSCodecError) {
        guard element.tag.tagClass == .application, element.tag.constructed else {
            throw MMSCodecError(.unexpectedTag, "ACSE APDU: \(element.tag)")
        }
        var children = try element.children()
        switch element.tag.number {
        case 0:
            var request = ACSEAssociationRequest()
            while !children.isAtEnd {
                let item = try children.read()
                switch item.tag {
                case .contextConstructed(1): request.applicationContext = try Self.oid(in: item)
                case .contextConstructed(2): request.called.apTitle = try? Self.oid(in: item)
                case .contextConstructed(3): request.called.aeQualifier = try? Self.integer(in: item)
                case .contextConstructed(6): request.calling.apTitle = try? Self.oid(in: item)
                case .contextConstructed(7): request.calling.aeQualifier = try? Self.integer(in: item)
                case .context(11): request.mechanism = try item.objectIdentifier()
                case .contextConstructed(12):
                    var value = try item.children()
                    let choice = try value.read()
                    if choice.tag == .context(0) { request.password = Array(choice.content) }
                case .contextConstructed(30): request.userInformation = try Self.userInformation(item)
                default: break
                }
            }
            self = .associationRequest(request)
        case 1:
            var response = ACSEAssociationResponse(result: 0)
            while !children.isAtEnd {
                let item = try children.read()
                switch item.tag {
                case .contextConstructed(1): response.applicationContext = try Self.oid(in: item)
                case .contextConstructed(2): response.result = try Self.integer(in: item)
                case .contextConstructed(3):
                    var choice = try item.children()
                    let source = try choice.read()
                    response.diagnostic = try? Self.integer(in: source)
                    response.diagnosticSource = source.tag.number
                case .contextConstructed(4): response.responding.apTitle = try? Self.oid(in: item)
                case .contextConstructed(5): response.responding.aeQualifier = try? Self.integer(in: item)
                case .contextConstructed(30): response.userInformation = try Self.userInformation(item)
                default: break
                }
            }
            self = .associationResponse(response)
        case 2:
            self = .releaseRequest(reason: try children.readIfPresent(.context(0))?.int64())
        case 3:
            self = .releaseResponse(reason: try children.readIfPresent(.context(0))?.int64())
        case 4:
            self = .abort(source: try children.readIfPresent(.context(0))?.int64() ?? 1)
        default:
            throw MMSCodecError(.unsupported, "ACSE APDU [APPLICATION \(element.tag.number)]")
        }
    }

    private static func oid(in element: BERElement) throws(MMSCodecError) -> [UInt64] {
        var reader = try element.children()
        return try reader.read(.objectIdentifier, "\(element.tag) OBJECT IDENTIFIER").objectIdentifier()
    }

    private static func integer(in element: BERElement) throws(MMSCodecError) -> Int64 {
        var reader = try element.children()
        return try reader.read(.integer, "\(element.tag) INTEGER").int64()
    }

    /// The single-ASN1-type of the first EXTERNAL in user-information: the MMS PDU element.
    private static func userInformation(_ element: BERElement) throws(MMSCodecError) -> BERElement? {
        var list = try element.children()
        guard !list.isAtEnd else { return nil }
        var external = try list.read(.external, "user-information EXTERNAL").children()
        while !external.isAtEnd {
            let item = try external.read()
            if item.tag == .contextConstructed(0) {
                var inner = try item.children()
                return try inner.read()
            }
        }
        return nil
    }

    /// Appends user-information carrying one PDU in presentation context `contextID`.
    static func encodeUserInformation(_ pdu: [UInt8], contextID: Int64, into w: inout BERWriter) {
        w.writeConstructed(.contextConstructed(30)) { info in
            info.writeConstructed(.external) { ext in
                ext.write(.integer, int: contextID)
                ext.writeConstructed(.contextConstructed(0)) { single in single.appendRaw(pdu) }
            }
        }
    }

    /// The APDU's encoding.
    public func encoded(mmsContextID: Int64 = 3) -> [UInt8] {
        var w = BERWriter()
        switch self {
        case .associationRequest(let r):
            w.writeConstructed(.application(0)) { a in
                a.writeConstructed(.contextConstructed(1)) { c in c.write(.objectIdentifier, oid: r.applicationContext) }
                if let t = r.called.apTitle { a.writeConstructed(.contextConstructed(2)) { c in c.write(.objectIdentifier, oid: t) } }
                if let q = r.called.aeQualifier { a.writeConstructed(.contextConstructed(3)) { c in c.write(.integer, int: q) } }
                if let t = r.calling.apTitle { a.writeConstructed(.contextConstructed(6)) { c in c.write(.objectIdentifier, oid: t) } }
                if let q = r.calling.aeQualifier { a.writeConstructed(.contextConstructed(7)) { c in c.write(.integer, int: q) } }
                if let password = r.password {
                    a.write(.context(10), bits: MMSBitString(bits: [true]))  // sender-acse-requirements: authentication
                    a.write(.context(11), oid: r.mechanism ?? MMSObjectIdentifiers.passwordMechanism)
                    a.writeConstructed(.contextConstructed(12)) { v in v.write(.context(0), content: password) }
                }
                if let pdu = r.userInformationBytes { Self.encodeUserInformation(pdu, contextID: mmsContextID, into: &a) }
            }
        case .associationResponse(let r):
            w.writeConstructed(.application(1)) { a in
                a.writeConstructed(.contextConstructed(1)) { c in c.write(.objectIdentifier, oid: r.applicationContext) }
                a.writeConstructed(.contextConstructed(2)) { c in c.write(.integer, int: r.result) }
                a.writeConstructed(.contextConstructed(3)) { c in
                    c.writeConstructed(.contextConstructed(r.diagnosticSource)) { d in d.write(.integer, int: r.diagnostic ?? 0) }
                }
                if let t = r.responding.apTitle { a.writeConstructed(.contextConstructed(4)) { c in c.write(.objectIdentifier, oid: t) } }
                if let q = r.responding.aeQualifier { a.writeConstructed(.contextConstructed(5)) { c in c.write(.integer, int: q) } }
                if let pdu = r.userInformationBytes { Self.encodeUserInformation(pdu, contextID: mmsContextID, into: &a) }
            }
        case .releaseRequest(let reason):
            w.writeConstructed(.application(2)) { a in if let reason { a.write(.context(0), int: reason) } }
        case .releaseResponse(let reason):
            w.writeConstructed(.application(3)) { a in if let reason { a.write(.context(0), int: reason) } }
        case .abort(let source):
            w.writeConstructed(.application(4)) { a in a.write(.context(0), int: source) }
        }
        return w.bytes
    }
}

/// The fields of an AARQ that MMS uses.
@_spi(OSI) public struct ACSEAssociationRequest: Sendable {
    /// The application context name (MMS: `1.0.9506.2.3`).
    public var applicationContext: [UInt64] = MMSObjectIdentifiers.mmsApplicationContext
    /// The called application entity.
    public var called = ACSEApplicationEntity()
    /// The calling application entity.
    public var calling = ACSEApplicationEntity()
    /// The authentication mechanism, when a password is sent.
    public var mechanism: [UInt64]?
    /// The password (ACSE `calling-authentication-value` charstring).
    public var password: [UInt8]?
    /// The MMS PDU in user-information, when decoded.
    public var userInformation: BERElement?
    /// The MMS PDU bytes to send in user-information.
    public var userInformationBytes: [UInt8]?

    /// Creates an AARQ.
    public init(called: ACSEApplicationEntity = .init(), calling: ACSEApplicationEntity = .init(),
                password: [UInt8]? = nil, userInformation: [UInt8]? = nil) {
        self.called = called
        self.calling = calling
        self.password = password
        self.mechanism = password == nil ? nil : MMSObjectIdentifiers.passwordMechanism
        self.userInformationBytes = userInformation
    }
}

/// The fields of an AARE that MMS uses.
@_spi(OSI) public struct ACSEAssociationResponse: Sendable {
    /// The application context name.
    public var applicationContext: [UInt64] = MMSObjectIdentifiers.mmsApplicationContext
    /// 0 accepted, 1 rejected (permanent), 2 rejected (transient).
    public var result: Int64
    /// The diagnostic code, if any.
    public var diagnostic: Int64?
    /// 1 for acse-service-user, 2 for acse-service-provider.
    public var diagnosticSource: UInt32 = 1
    /// The responding application entity.
    public var responding = ACSEApplicationEntity()
    /// The MMS PDU in user-information, when decoded.
    public var userInformation: BERElement?
    /// The MMS PDU bytes to send in user-information.
    public var userInformationBytes: [UInt8]?

    /// Creates an AARE.
    public init(result: Int64, diagnostic: Int64? = nil, userInformation: [UInt8]? = nil) {
        self.result = result
        self.diagnostic = diagnostic
        self.userInformationBytes = userInformation
    }

    /// The ISO 8650 name of the diagnostic (acse-service-user reasons).
    public var diagnosticName: String {
        guard let diagnostic else { return "no diagnostic" }
        if diagnosticSource == 2 { return ["null", "no-reason-given", "no-common-acse-version"][safe: Int(diagnostic)] ?? "provider reason \(diagnostic)" }
        return ["null", "no-reason-given", "application-context-name-not-supported", "calling-AP-title-not-recognized",
                "calling-AP-invocation-identifier-not-recognized", "calling-AE-qualifier-not-recognized",
                "calling-AE-invocation-identifier-not-recognized", "called-AP-title-not-recognized",
                "called-AP-invocation-identifier-not-recognized", "called-AE-qualifier-not-recognized",
                "called-AE-invocation-identifier-not-recognized", "authentication-mechanism-name-not-recognized",
                "authentication-mechanism-name-required", "authentication-failure", "authentication-required"][safe: Int(diagnostic)]
            ?? "user reason \(diagnostic)"
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { index >= 0 && index < count ? self[index] : nil }
}
