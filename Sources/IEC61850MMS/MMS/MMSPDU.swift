// ISO 9506-2 §7 MMSpdu and the confirmed services this stack implements.
//
// MMSpdu ::= CHOICE { confirmed-RequestPDU [0], confirmed-ResponsePDU [1], confirmed-ErrorPDU [2],
//   unconfirmed-PDU [3], rejectPDU [4], cancel-RequestPDU [5], cancel-ResponsePDU [6], cancel-ErrorPDU [7],
//   initiate-RequestPDU [8], initiate-ResponsePDU [9], initiate-ErrorPDU [10], conclude-RequestPDU [11],
//   conclude-ResponsePDU [12], conclude-ErrorPDU [13] }

public import IEC61850Model

/// The object classes of GetNameList (ISO 9506-2 §10.5 `basicObjectClass`).
public enum MMSObjectClass: Int64, Sendable, Hashable {
    /// Named variables (IEC 61850: logical nodes and everything under them).
    case namedVariable = 0
    /// Named variable lists (IEC 61850: datasets).
    case namedVariableList = 2
    /// Journals (IEC 61850: logs).
    case journal = 8
    /// Domains (IEC 61850: logical devices).
    case domain = 9
}

/// The scope of a GetNameList request.
public enum MMSNameListScope: Sendable, Hashable {
    /// The whole VMD.
    case vmd
    /// One domain.
    case domain(String)
    /// This association.
    case association
}

/// A confirmed service request (ISO 9506-2 ConfirmedServiceRequest).
public enum MMSConfirmedRequest: Sendable, Hashable {
    /// `getNameList [1]`.
    case getNameList(objectClass: MMSObjectClass, scope: MMSNameListScope, continueAfter: String?)
    /// `identify [2]`.
    case identify
    /// `read [4]`.
    case read(specificationWithResult: Bool, MMSVariableAccessSpecification)
    /// `write [5]`.
    case write(MMSVariableAccessSpecification, [MMSValue])
    /// `getVariableAccessAttributes [6]` by name.
    case getVariableAccessAttributes(MMSObjectName)
    /// `defineNamedVariableList [11]`.
    case defineNamedVariableList(MMSObjectName, [MMSVariableSpecification])
    /// `getNamedVariableListAttributes [12]`.
    case getNamedVariableListAttributes(MMSObjectName)
    /// `deleteNamedVariableList [13]` of specific lists.
    case deleteNamedVariableList([MMSObjectName])
    /// A service this stack does not implement; a server answers it with a Reject.
    case unsupported(tag: UInt32)
}

/// A confirmed service response (ISO 9506-2 ConfirmedServiceResponse).
public enum MMSConfirmedResponse: Sendable, Hashable {
    /// `getNameList [1]`.
    case getNameList(identifiers: [String], moreFollows: Bool)
    /// `identify [2]`.
    case identify(vendor: String, model: String, revision: String)
    /// `read [4]`.
    case read([AccessResult])
    /// `write [5]`: `nil` for each success, else the error.
    case write([DataAccessError?])
    /// `getVariableAccessAttributes [6]`.
    case getVariableAccessAttributes(deletable: Bool, type: MMSTypeSpecification)
    /// `defineNamedVariableList [11]`.
    case defineNamedVariableList
    /// `getNamedVariableListAttributes [12]`.
    case getNamedVariableListAttributes(deletable: Bool, variables: [MMSVariableSpecification])
    /// `deleteNamedVariableList [13]`.
    case deleteNamedVariableList(matched: UInt32, deleted: UInt32)
}

/// An unconfirmed PDU (ISO 9506-2 §7.5): in IEC 61850, an InformationReport.
public enum MMSUnconfirmedPDU: Sendable, Hashable {
    /// `informationReport [0]`: reports, CommandTermination, LastApplError.
    case informationReport(MMSVariableAccessSpecification, [AccessResult])
}

/// An MMS PDU (ISO 9506-2 §7).
public enum MMSPDU: Sendable, Hashable {
    /// `confirmed-RequestPDU [0]`.
    case confirmedRequest(invokeID: UInt32, MMSConfirmedRequest)
    /// `confirmed-ResponsePDU [1]`.
    case confirmedResponse(invokeID: UInt32, MMSConfirmedResponse)
    /// `confirmed-ErrorPDU [2]`.
    case confirmedError(invokeID: UInt32, MMSServiceError)
    /// `unconfirmed-PDU [3]`.
    case unconfirmed(MMSUnconfirmedPDU)
    /// `rejectPDU [4]`.
    case reject(MMSReject)
    /// `initiate-RequestPDU [8]`.
    case initiateRequest(MMSInitiateParameters)
    /// `initiate-ResponsePDU [9]`.
    case initiateResponse(MMSInitiateParameters)
    /// `initiate-ErrorPDU [10]`.
    case initiateError(MMSServiceError)
    /// `conclude-RequestPDU [11]`.
    case concludeRequest
    /// `conclude-ResponsePDU [12]`.
    case concludeResponse
    /// `conclude-ErrorPDU [13]`.
    case concludeError(MMSServiceError)
}

// MARK: - Encoding

extension MMSPDU {
    /// The PDU's BER encoding.
    public func encoded() -> [UInt8] {
        var writer = BERWriter()
        encode(into: &writer)
        return writer.bytes
    }

    /// Appends the PDU's BER encoding.
    public func encode(into writer: inout BERWriter) {
        switch self {
        case .confirmedRequest(let invokeID, let request):
            writer.writeConstructed(.contextConstructed(0)) { w in
                w.write(.integer, uint: UInt64(invokeID))
                request.encode(into: &w)
            }
        case .confirmedResponse(let invokeID, let response):
            writer.writeConstructed(.contextConstructed(1)) { w in
                w.write(.integer, uint: UInt64(invokeID))
                response.encode(into: &w)
            }
        case .confirmedError(let invokeID, let error):
            writer.writeConstructed(.contextConstructed(2)) { w in
                w.write(.context(0), uint: UInt64(invokeID))
                w.writeConstructed(.contextConstructed(2)) { e in error.encodeContent(into: &e) }
            }
        case .unconfirmed(.informationReport(let specification, let results)):
            writer.writeConstructed(.contextConstructed(3)) { w in
                w.writeConstructed(.contextConstructed(0)) { r in
                    specification.encode(into: &r)
                    r.writeConstructed(.contextConstructed(0)) { list in for result in results { result.encode(into: &list) } }
                }
            }
        case .reject(let reject):
            writer.writeConstructed(.contextConstructed(4)) { w in
                if let id = reject.originalInvokeID { w.write(.context(0), uint: UInt64(id)) }
                w.write(.context(reject.pduType), int: reject.reason)
            }
        case .initiateRequest(let parameters):
            writer.writeConstructed(.contextConstructed(8)) { w in parameters.encodeContent(into: &w) }
        case .initiateResponse(let parameters):
            writer.writeConstructed(.contextConstructed(9)) { w in parameters.encodeContent(into: &w) }
        case .initiateError(let error):
            writer.writeConstructed(.contextConstructed(10)) { w in error.encodeContent(into: &w) }
        case .concludeRequest:
            writer.writeNull(.context(11))
        case .concludeResponse:
            writer.writeNull(.context(12))
        case .concludeError(let error):
            writer.writeConstructed(.contextConstructed(13)) { w in error.encodeContent(into: &w) }
        }
    }
}

extension MMSConfirmedRequest {
    func encode(into writer: inout BERWriter) {
        switch self {
        case .getNameList(let objectClass, let scope, let continueAfter):
            writer.writeConstructed(.contextConstructed(1)) { w in
                w.writeConstructed(.contextConstructed(0)) { c in c.write(.context(0), int: objectClass.rawValue) }
                w.writeConstructed(.contextConstructed(1)) { s in
                    switch scope {
                    case .vmd: s.writeNull(.context(0))
                    case .domain(let name): s.write(.context(1), string: name)
                    case .association: s.writeNull(.context(2))
                    }
                }
                if let continueAfter { w.write(.context(2), string: continueAfter) }
            }
        case .identify:
            writer.writeNull(.context(2))
        case .read(let withResult, let specification):
            writer.writeConstructed(.contextConstructed(4)) { w in
                if withResult { w.write(.context(0), bool: true) }
                w.writeConstructed(.contextConstructed(1)) { s in specification.encode(into: &s) }
            }
        case .write(let specification, let values):
            writer.writeConstructed(.contextConstructed(5)) { w in
                specification.encode(into: &w)
                w.writeConstructed(.contextConstructed(0)) { list in for value in values { value.encode(into: &list) } }
            }
        case .getVariableAccessAttributes(let name):
            writer.writeConstructed(.contextConstructed(6)) { w in
                w.writeConstructed(.contextConstructed(0)) { n in name.encode(into: &n) }
            }
        case .defineNamedVariableList(let name, let variables):
            writer.writeConstructed(.contextConstructed(11)) { w in
                name.encode(into: &w)
                w.writeConstructed(.contextConstructed(0)) { list in for v in variables { v.encode(into: &list) } }
            }
        case .getNamedVariableListAttributes(let name):
            writer.writeConstructed(.contextConstructed(12)) { w in name.encode(into: &w) }
        case .deleteNamedVariableList(let names):
            writer.writeConstructed(.contextConstructed(13)) { w in
                w.write(.context(0), int: 0)
                w.writeConstructed(.contextConstructed(1)) { list in for name in names { name.encode(into: &list) } }
            }
        case .unsupported(let tag):
            writer.writeNull(.context(tag))
        }
    }
}

extension MMSConfirmedResponse {
    func encode(into writer: inout BERWriter) {
        switch self {
        case .getNameList(let identifiers, let moreFollows):
            writer.writeConstructed(.contextConstructed(1)) { w in
                w.writeConstructed(.contextConstructed(0)) { list in for id in identifiers { list.write(.visibleString, string: id) } }
                w.write(.context(1), bool: moreFollows)
            }
        case .identify(let vendor, let model, let revision):
            writer.writeConstructed(.contextConstructed(2)) { w in
                w.write(.context(0), string: vendor)
                w.write(.context(1), string: model)
                w.write(.context(2), string: revision)
            }
        case .read(let results):
            writer.writeConstructed(.contextConstructed(4)) { w in
                w.writeConstructed(.contextConstructed(1)) { list in for result in results { result.encode(into: &list) } }
            }
        case .write(let results):
            writer.writeConstructed(.contextConstructed(5)) { w in
                for result in results {
                    if let error = result { w.write(.context(0), int: error.code) } else { w.writeNull(.context(1)) }
                }
            }
        case .getVariableAccessAttributes(let deletable, let type):
            writer.writeConstructed(.contextConstructed(6)) { w in
                w.write(.context(0), bool: deletable)
                w.writeConstructed(.contextConstructed(2)) { t in type.encode(into: &t) }
            }
        case .defineNamedVariableList:
            writer.writeNull(.context(11))
        case .getNamedVariableListAttributes(let deletable, let variables):
            writer.writeConstructed(.contextConstructed(12)) { w in
                w.write(.context(0), bool: deletable)
                w.writeConstructed(.contextConstructed(1)) { list in for v in variables { v.encode(into: &list) } }
            }
        case .deleteNamedVariableList(let matched, let deleted):
            writer.writeConstructed(.contextConstructed(13)) { w in
                w.write(.context(0), uint: UInt64(matched))
                w.write(.context(1), uint: UInt64(deleted))
            }
        }
    }
}

// MARK: - Decoding

extension MMSPDU {
    /// Decodes one MMS PDU that fills `bytes` exactly.
    ///
    /// - Parameter maxDataNesting: the structure/array nesting accepted in Data values.
    public init(decoding bytes: [UInt8], maxDataNesting: Int = MMSValue.defaultMaxNesting) throws(MMSCodecError) {
        var reader = BERReader(bytes: bytes)
        let element = try reader.read()
        try reader.expectEnd("MMS PDU")
        self = try MMSPDU(ber: element, maxDataNesting: maxDataNesting)
    }

    /// Decodes one MMS PDU element.
    public init(ber element: BERElement, maxDataNesting: Int = MMSValue.defaultMaxNesting) throws(MMSCodecError) {
        let tag = element.tag
        guard tag.tagClass == .contextSpecific else { throw MMSCodecError(.unexpectedTag, "MMSpdu: \(tag) is not a PDU") }
        switch (tag.number, tag.constructed) {
        case (0, true):
            var children = try element.children()
            let invokeID = try children.read(.integer, "Confirmed-RequestPDU invokeID").unsigned(UInt32.self, "invokeID")
            var service = try children.read()
            if service.tag == .contextConstructed(2) || service.tag.number == 2 && service.tag.tagClass == .universal {
                // listOfModifier is not used by IEC 61850; skip it if a peer sends one.
                service = try children.read()
            }
            self = .confirmedRequest(invokeID: invokeID, try MMSConfirmedRequest(ber: service, maxDataNesting: maxDataNesting))
        case (1, true):
            var children = try element.children()
            let invokeID = try children.read(.integer, "Confirmed-ResponsePDU invokeID").unsigned(UInt32.self, "invokeID")
            let service = try children.read()
            self = .confirmedResponse(invokeID: invokeID, try MMSConfirmedResponse(ber: service, maxDataNesting: maxDataNesting))
        case (2, true):
            var children = try element.children()
            let invokeID = try children.read(.context(0), "Confirmed-ErrorPDU invokeID").unsigned(UInt32.self, "invokeID")
            _ = try children.readIfPresent(.context(1))
            let error = try children.read(.contextConstructed(2), "Confirmed-ErrorPDU serviceError")
            self = .confirmedError(invokeID: invokeID, try MMSServiceError(content: error.children()))
        case (3, true):
            var children = try element.children()
            let service = try children.read()
            guard service.tag == .contextConstructed(0) else {
                throw MMSCodecError(.unsupported, "unconfirmed service \(service.tag) (only informationReport is supported)")
            }
            var report = try service.children()
            let specification = try MMSVariableAccessSpecification(ber: report.read())
            let list = try report.read(.contextConstructed(0), "InformationReport listOfAccessResult")
            self = .unconfirmed(.informationReport(specification, try Self.decodeResults(list, maxDataNesting: maxDataNesting)))
        case (4, true):
            var children = try element.children()
            let id = try children.readIfPresent(.context(0))?.unsigned(UInt32.self, "originalInvokeID")
            let reason = try children.read()
            guard reason.tag.tagClass == .contextSpecific, !reason.tag.constructed, reason.tag.number >= 1 else {
                throw MMSCodecError(.unexpectedTag, "RejectPDU rejectReason: \(reason.tag)")
            }
            self = .reject(MMSReject(originalInvokeID: id, pduType: reason.tag.number, reason: try reason.int64()))
        case (8, true):
            self = .initiateRequest(try MMSInitiateParameters(content: element.children()))
        case (9, true):
            self = .initiateResponse(try MMSInitiateParameters(content: element.children()))
        case (10, true):
            self = .initiateError(try MMSServiceError(content: element.children()))
        case (11, false):
            self = .concludeRequest
        case (12, false):
            self = .concludeResponse
        case (13, true):
            self = .concludeError(try MMSServiceError(content: element.children()))
        default:
            throw MMSCodecError(.unsupported, "MMSpdu \(tag) is not supported")
        }
    }

    static func decodeResults(_ list: BERElement, maxDataNesting: Int) throws(MMSCodecError) -> [AccessResult] {
        var reader = try list.children()
        var results: [AccessResult] = []
        while !reader.isAtEnd { results.append(try AccessResult(ber: reader.read(), maxNesting: maxDataNesting)) }
        return results
    }
}

extension MMSConfirmedRequest {
    init(ber element: BERElement, maxDataNesting: Int) throws(MMSCodecError) {
        let tag = element.tag
        guard tag.tagClass == .contextSpecific else { throw MMSCodecError(.unexpectedTag, "ConfirmedServiceRequest: \(tag)") }
        switch (tag.number, tag.constructed) {
        case (1, true):
            var children = try element.children()
            var classReader = try children.read(.contextConstructed(0), "GetNameList objectClass").children()
            let classElement = try classReader.read(.context(0), "basicObjectClass")
            guard let objectClass = MMSObjectClass(rawValue: try classElement.int64()) else {
                throw MMSCodecError(.unsupported, "GetNameList object class \((try? classElement.int64()) ?? -1)")
            }
            var scopeReader = try children.read(.contextConstructed(1), "GetNameList objectScope").children()
            let scopeElement = try scopeReader.read()
            let scope: MMSNameListScope
            switch scopeElement.tag {
            case .context(0): scope = .vmd
            case .context(1): scope = .domain(try scopeElement.string())
            case .context(2): scope = .association
            default: throw MMSCodecError(.unexpectedTag, "GetNameList objectScope: \(scopeElement.tag)")
            }
            let continueAfter = try children.readIfPresent(.context(2))?.string()
            self = .getNameList(objectClass: objectClass, scope: scope, continueAfter: continueAfter)
        case (2, false):
            self = .identify
        case (4, true):
            var children = try element.children()
            let withResult = try children.readIfPresent(.context(0))?.boolean() ?? false
            let wrapper = try children.read(.contextConstructed(1), "Read variableAccessSpecification")
            var inner = try wrapper.children()
            self = .read(specificationWithResult: withResult, try MMSVariableAccessSpecification(ber: inner.read()))
        case (5, true):
            var children = try element.children()
            let specification = try MMSVariableAccessSpecification(ber: children.read())
            let list = try children.read(.contextConstructed(0), "Write listOfData")
            var values: [MMSValue] = []
            var reader = try list.children()
            while !reader.isAtEnd { values.append(try MMSValue(ber: reader.read(), maxNesting: maxDataNesting)) }
            self = .write(specification, values)
        case (6, true):
            var children = try element.children()
            let choice = try children.read()
            guard choice.tag == .contextConstructed(0) else {
                throw MMSCodecError(.unsupported, "GetVariableAccessAttributes by \(choice.tag) (only by name)")
            }
            var nameReader = try choice.children()
            self = .getVariableAccessAttributes(try MMSObjectName(ber: nameReader.read()))
        case (11, true):
            var children = try element.children()
            let name = try MMSObjectName(ber: children.read())
            let list = try children.read(.contextConstructed(0), "DefineNamedVariableList listOfVariable")
            var reader = try list.children()
            var variables: [MMSVariableSpecification] = []
            while !reader.isAtEnd { variables.append(try MMSVariableSpecification(ber: reader.read())) }
            self = .defineNamedVariableList(name, variables)
        case (12, true):
            var children = try element.children()
            self = .getNamedVariableListAttributes(try MMSObjectName(ber: children.read()))
        case (13, true):
            var children = try element.children()
            _ = try children.readIfPresent(.context(0))
            var names: [MMSObjectName] = []
            if let list = try children.readIfPresent(.contextConstructed(1)) {
                var reader = try list.children()
                while !reader.isAtEnd { names.append(try MMSObjectName(ber: reader.read())) }
            }
            self = .deleteNamedVariableList(names)
        default:
            self = .unsupported(tag: tag.number)
        }
    }
}

extension MMSConfirmedResponse {
    init(ber element: BERElement, maxDataNesting: Int) throws(MMSCodecError) {
        let tag = element.tag
        guard tag.tagClass == .contextSpecific else { throw MMSCodecError(.unexpectedTag, "ConfirmedServiceResponse: \(tag)") }
        switch (tag.number, tag.constructed) {
        case (1, true):
            var children = try element.children()
            let list = try children.read(.contextConstructed(0), "GetNameList listOfIdentifier")
            var reader = try list.children()
            var identifiers: [String] = []
            while !reader.isAtEnd { identifiers.append(try reader.read(.visibleString, "Identifier").string()) }
            // moreFollows [1] IMPLICIT BOOLEAN DEFAULT TRUE (ISO 9506-2 §10.5.1.2).
            let moreFollows = try children.readIfPresent(.context(1))?.boolean() ?? true
            self = .getNameList(identifiers: identifiers, moreFollows: moreFollows)
        case (2, true):
            var children = try element.children()
            let vendor = try children.read(.context(0), "Identify vendorName").string()
            let model = try children.read(.context(1), "Identify modelName").string()
            let revision = try children.read(.context(2), "Identify revision").string()
            self = .identify(vendor: vendor, model: model, revision: revision)
        case (4, true):
            var children = try element.children()
            _ = try children.readIfPresent(.contextConstructed(0))
            let list = try children.read(.contextConstructed(1), "Read listOfAccessResult")
            self = .read(try MMSPDU.decodeResults(list, maxDataNesting: maxDataNesting))
        case (5, true):
            var children = try element.children()
            var results: [DataAccessError?] = []
            while !children.isAtEnd {
                let item = try children.read()
                switch item.tag {
                case .context(0): results.append(DataAccessError(code: try item.int64()))
                case .context(1): results.append(nil)
                default: throw MMSCodecError(.unexpectedTag, "Write-Response item: \(item.tag)")
                }
            }
            self = .write(results)
        case (6, true):
            var children = try element.children()
            let deletable = try children.read(.context(0), "GetVariableAccessAttributes mmsDeletable").boolean()
            _ = try children.readIfPresent(.contextConstructed(1))
            _ = try children.readIfPresent(.context(1))
            let typeWrapper = try children.read(.contextConstructed(2), "GetVariableAccessAttributes typeDescription")
            var typeReader = try typeWrapper.children()
            self = .getVariableAccessAttributes(deletable: deletable, type: try MMSTypeSpecification(ber: typeReader.read()))
        case (11, false):
            self = .defineNamedVariableList
        case (11, true) where element.length == 0:
            // Tolerated: iec61850 0.14.0 sends this NULL with the constructed bit set (A B 00).
            self = .defineNamedVariableList
        case (12, true):
            var children = try element.children()
            let deletable = try children.read(.context(0), "GetNamedVariableListAttributes mmsDeletable").boolean()
            let list = try children.read(.contextConstructed(1), "GetNamedVariableListAttributes listOfVariable")
            var reader = try list.children()
            var variables: [MMSVariableSpecification] = []
            while !reader.isAtEnd { variables.append(try MMSVariableSpecification(ber: reader.read())) }
            self = .getNamedVariableListAttributes(deletable: deletable, variables: variables)
        case (13, true):
            var children = try element.children()
            let matched = try children.read(.context(0), "DeleteNamedVariableList numberMatched").unsigned(UInt32.self, "numberMatched")
            let deleted = try children.read(.context(1), "DeleteNamedVariableList numberDeleted").unsigned(UInt32.self, "numberDeleted")
            self = .deleteNamedVariableList(matched: matched, deleted: deleted)
        default:
            throw MMSCodecError(.unsupported, "ConfirmedServiceResponse \(tag) is not supported")
        }
    }
}
