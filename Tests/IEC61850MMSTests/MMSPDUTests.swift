import IEC61850MMS
import IEC61850Model
import Testing

@Suite("MMS PDU codec")
struct MMSPDUTests {
    static let domain = MMSObjectName.domainSpecific(domain: "IED1LD0", item: "GGIO1$MX$AnIn1$mag$f")

    static let pdus: [MMSPDU] = [
        .initiateRequest(ClientAssociationFixture.initiate),
        .initiateResponse(MMSInitiateParameters(maxPDUSize: 8000, maxOutstandingCalling: 5, maxOutstandingCalled: 5, dataStructureNestingLevel: 6)),
        .initiateError(MMSServiceError(errorClass: .initiate, code: 2)),
        .concludeRequest, .concludeResponse, .concludeError(MMSServiceError(errorClass: .conclude, code: 1)),
        .confirmedRequest(invokeID: 1, .identify),
        .confirmedRequest(invokeID: 2, .getNameList(objectClass: .domain, scope: .vmd, continueAfter: nil)),
        .confirmedRequest(invokeID: 3, .getNameList(objectClass: .namedVariable, scope: .domain("IED1LD0"), continueAfter: "GGIO1$ST")),
        .confirmedRequest(invokeID: 4, .getNameList(objectClass: .namedVariableList, scope: .association, continueAfter: nil)),
        .confirmedRequest(invokeID: 5, .read(specificationWithResult: false, .listOfVariables([MMSVariableSpecification(name: domain)]))),
        .confirmedRequest(invokeID: 6, .read(specificationWithResult: true, .variableListName(.domainSpecific(domain: "IED1LD0", item: "LLN0$Events"))),),
        .confirmedRequest(invokeID: 7, .read(specificationWithResult: false, .listOfVariables([
            MMSVariableSpecification(name: domain, alternateAccess: MMSAlternateAccess([.index(3)])),
            MMSVariableSpecification(name: .aaSpecific("x"), alternateAccess: MMSAlternateAccess([.index(2), .component("mag"), .component("f")])),
            MMSVariableSpecification(name: .vmdSpecific("v"), alternateAccess: MMSAlternateAccess([.indexRange(low: 1, count: 4), .allElements])),
        ]))),
        .confirmedRequest(invokeID: 8, .write(.listOfVariables([MMSVariableSpecification(name: domain)]), [.float(2.5)])),
        .confirmedRequest(invokeID: 9, .getVariableAccessAttributes(domain)),
        .confirmedRequest(invokeID: 10, .getNamedVariableListAttributes(.domainSpecific(domain: "IED1LD0", item: "LLN0$Events"))),
        .confirmedRequest(invokeID: 11, .defineNamedVariableList(.aaSpecific("ds"), [MMSVariableSpecification(name: domain)])),
        .confirmedRequest(invokeID: 12, .deleteNamedVariableList([.aaSpecific("ds")])),
        .confirmedRequest(invokeID: .max, .unsupported(tag: 77)),
        .confirmedResponse(invokeID: 1, .identify(vendor: "v", model: "m", revision: "r")),
        .confirmedResponse(invokeID: 2, .getNameList(identifiers: ["a", "b"], moreFollows: true)),
        .confirmedResponse(invokeID: 3, .getNameList(identifiers: [], moreFollows: false)),
        .confirmedResponse(invokeID: 4, .read([.success(.integer(1)), .failure(.objectNonExistent), .failure(.other(99))])),
        .confirmedResponse(invokeID: 5, .write([nil, .objectAccessDenied])),
        .confirmedResponse(invokeID: 6, .getVariableAccessAttributes(deletable: false, type: .structure(components: [
            MMSComponent(name: "mag", type: .structure(components: [MMSComponent(name: "f", type: .floatingPoint(formatWidth: 32, exponentWidth: 8))], packed: false)),
            MMSComponent(name: "q", type: .bitString(size: -13)), MMSComponent(name: "t", type: .utcTime),
            MMSComponent(name: "arr", type: .array(count: 4, packed: false, element: .integer(bits: 32))),
            MMSComponent(name: "s", type: .visibleString(size: -255)), MMSComponent(name: "u", type: .mmsString(size: -255)),
            MMSComponent(name: "o", type: .octetString(size: 64)), MMSComponent(name: "e", type: .binaryTime(includesDate: true)),
            MMSComponent(name: "b", type: .boolean), MMSComponent(name: "x", type: .unsigned(bits: 16)),
            MMSComponent(name: "g", type: .generalizedTime), MMSComponent(name: "c", type: .bcd(digits: 4)),
            MMSComponent(name: "i", type: .objectIdentifier), MMSComponent(name: "n", type: .typeName(domain: "d", item: "t")),
        ], packed: false))),
        .confirmedResponse(invokeID: 7, .getNamedVariableListAttributes(deletable: true, variables: [MMSVariableSpecification(name: domain)])),
        .confirmedResponse(invokeID: 8, .defineNamedVariableList),
        .confirmedResponse(invokeID: 9, .deleteNamedVariableList(matched: 1, deleted: 1)),
        .confirmedError(invokeID: 10, MMSServiceError(errorClass: .access, code: 2, additionalCode: 5, additionalDescription: "gone")),
        .reject(MMSReject.confirmedRequest(invokeID: 3, reason: 1)),
        .reject(MMSReject.pduError(1)),
        .unconfirmed(.informationReport(.variableListName(.vmdSpecific("RPT")), [.success(.visibleString("rpt")), .success(.bitString(MMSBitString("0111")!))])),
    ]

    @Test("every PDU round-trips", arguments: pdus)
    func roundTrip(pdu: MMSPDU) throws {
        #expect(try MMSPDU(decoding: pdu.encoded()) == pdu)
    }

    @Test("GetNameList moreFollows defaults to TRUE when absent (ISO 9506-2)")
    func moreFollowsDefault() throws {
        let bytes: [UInt8] = [0xA1, 0x0A, 0x02, 0x01, 0x01, 0xA1, 0x05, 0xA0, 0x03, 0x1A, 0x01, 0x61]
        #expect(try MMSPDU(decoding: bytes) == .confirmedResponse(invokeID: 1, .getNameList(identifiers: ["a"], moreFollows: true)))
    }

    @Test("a DefineNamedVariableList response whose NULL has the constructed bit (iec61850 0.14.0) is accepted; one with content is not")
    func constructedNullDefineResponse() throws {
        // a1 06: confirmed-response; 02 01 07: invokeID 7; ab 00: [11] constructed, empty.
        #expect(try MMSPDU(decoding: [0xA1, 0x05, 0x02, 0x01, 0x07, 0xAB, 0x00]) == .confirmedResponse(invokeID: 7, .defineNamedVariableList))
        #expect(throws: MMSCodecError.self) { try MMSPDU(decoding: [0xA1, 0x08, 0x02, 0x01, 0x07, 0xAB, 0x03, 0x80, 0x01, 0x00]) }
    }

    @Test("a read request encodes as libiec61850 and Wireshark expect")
    func readRequestBytes() {
        let pdu = MMSPDU.confirmedRequest(invokeID: 0, .read(specificationWithResult: false, .listOfVariables([
            MMSVariableSpecification(name: .domainSpecific(domain: "LD", item: "X"))])))
        #expect(pdu.encoded() == [0xA0, 0x16, 0x02, 0x01, 0x00, 0xA4, 0x11, 0xA1, 0x0F, 0xA0, 0x0D, 0x30, 0x0B, 0xA0, 0x09,
                                  0xA1, 0x07, 0x1A, 0x02, 0x4C, 0x44, 0x1A, 0x01, 0x58])
    }

    @Test("service errors and rejects name their ISO 9506 codes")
    func errorNames() {
        #expect("\(MMSServiceError(errorClass: .access, code: 2))" == "access: object-non-existent")
        #expect("\(MMSReject.confirmedRequest(invokeID: 1, reason: 1))" == "confirmed-requestPDU: unrecognized-service")
        #expect(DataAccessError(code: 10).name == "object-non-existent")
    }
}


@Suite("Errors that can grow")
struct ErrorCodeTests {
    @Test("named ServiceError codes carry their ISO 9506 class and code, and match whatever a server adds")
    func namedServiceErrors() {
        #expect(MMSServiceError.objectNonExistent.errorClass == .access && MMSServiceError.objectNonExistent.codeName == "object-non-existent")
        #expect(MMSServiceError.pduSize.description == "service: pdu-size")
        #expect(MMSServiceError.fileNonExistent.codeName == "file-non-existent")
        #expect(MMSServiceError.preemptTimeout.errorClass == .servicePreempt && MMSServiceError.preemptTimeout.codeName == "timeout")
        let received = MMSServiceError(errorClass: .definition, code: 5, additionalCode: 7, additionalDescription: "taken")
        switch received {
        case .objectUndefined: Issue.record("matched the wrong code")
        case .objectExists: break
        default: Issue.record("did not match object-exists")
        }
        #expect(received.matches(.objectExists) && received != .objectExists)
    }

    @Test("MMSError is a code with details: compare the code, read what applies")
    func mmsErrorCodes() {
        let error = MMSError.serviceError(.objectAccessDenied)
        #expect(error.code == .serviceError && error.serviceError == .objectAccessDenied)
        #expect(MMSError.connectionClosed("peer abort").detail == "peer abort")
        #expect(MMSError.pduTooLarge(size: 70_000, limit: 65_000).description.contains("70000"))
        #expect(MMSError.requestTimeout.code != MMSError.connectTimeout.code)
    }
}
