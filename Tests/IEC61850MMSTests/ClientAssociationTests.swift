@_spi(OSI) import IEC61850MMS
import IEC61850Model
import NIOCore
import NIOTestUtils
import Testing

enum ClientAssociationFixture {
    static func awaitingAccept() -> MMSClientAssociation {
        var association = MMSClientAssociation(parameters: .init(), initiate: initiate, maxReceiveSize: 65_000)
        _ = association.start()
        let cc = COTPTPDU.connectionConfirm(COTPConnectParameters(destinationReference: 1, sourceReference: 2, tpduSize: 8192)).encodeHeader()
        _ = try? association.receive(cc)
        return association
    }

    static func associated() -> MMSClientAssociation {
        var association = awaitingAccept()
        _ = try? association.receive(PeerCaptures.tpdu(PeerCaptures.libiecAccept))
        return association
    }

    static let initiate = MMSInitiateParameters(maxPDUSize: 65_000, maxOutstandingCalling: 16, maxOutstandingCalled: 16,
                                                dataStructureNestingLevel: 10)
}

@Suite("Client association state machine")
struct ClientAssociationTests {
    @Test("CR, then CC makes it send exactly the CN+CP+AARQ+Initiate we sent to the real peers")
    func connectSequence() throws {
        var association = MMSClientAssociation(parameters: .init(), initiate: ClientAssociationFixture.initiate, maxReceiveSize: 65_000)
        let cr = association.start()
        #expect(Array(cr.prefix(6)) == [0x03, 0x00, 0x00, UInt8(cr.count), UInt8(cr.count - 5), 0xE0])
        let cc = COTPTPDU.connectionConfirm(COTPConnectParameters(destinationReference: 1, sourceReference: 2, tpduSize: 8192)).encodeHeader()
        guard case .send(let frames) = try association.receive(cc) else { Issue.record("no CN sent"); return }
        let expected = PeerCaptures.bytes(PeerCaptures.ourConnect)
        // Identical apart from the proposed max outstanding (the capture used the CLI's defaults).
        #expect(frames.count == expected.count)
        #expect(frames.prefix(20) == expected.prefix(20))
    }

    @Test("accepts the AARE of each real peer", arguments: [PeerCaptures.libiecAccept, PeerCaptures.seedAccept, PeerCaptures.open61850Accept])
    func acceptFromPeers(capture: String) throws {
        var association = ClientAssociationFixture.awaitingAccept()
        guard case .associated(let negotiated) = try association.receive(PeerCaptures.tpdu(capture)) else {
            Issue.record("not associated")
            return
        }
        #expect(negotiated.maxPDUSize == 65_000)
        #expect(negotiated.maxOutstandingCalling == 5)
        #expect(negotiated.dataStructureNestingLevel == 10)
        #expect(association.isAssociated)
    }

    @Test("decodes real responses into typed PDUs")
    func responses() throws {
        var association = ClientAssociationFixture.associated()
        func pdu(_ hex: String) throws -> MMSPDU? {
            if case .pdu(let pdu) = try association.receive(PeerCaptures.tpdu(hex)) { return pdu }
            return nil
        }
        let anIn1 = MMSValue.structure([.structure([.float(1.5)]), .bitString(MMSBitString("0000000000000")!),
                                        .utcTime(MMSUTCTime(octets: [0x6B, 0x07, 0x1D, 0xB1, 0xFE, 0x35, 0x3F, 0x8A])!)])
        #expect(try pdu(PeerCaptures.libiecReadAnIn1) == .confirmedResponse(invokeID: 0, .read([.success(anIn1)])))
        #expect(try pdu(PeerCaptures.libiecReadNonExistent) == .confirmedResponse(invokeID: 0, .read([.failure(.objectNonExistent)])))
        #expect(try pdu(PeerCaptures.libiecVarSpecInt8) == .confirmedResponse(invokeID: 0, .getVariableAccessAttributes(deletable: false, type: .integer(bits: 8))))
        #expect(try pdu(PeerCaptures.libiecWriteDenied) == .confirmedResponse(invokeID: 1, .write([.objectAccessDenied])))
        #expect(try pdu(PeerCaptures.libiecIdentify) == .confirmedResponse(invokeID: 0, .identify(vendor: "libiec61850.com", model: "LIBIEC61850", revision: "1.6.1")))
        #expect(try pdu(PeerCaptures.libiecConcludeResponse) == .concludeResponse)
        #expect(try pdu(PeerCaptures.seedReadInd1) == .confirmedResponse(invokeID: 0, .read([.success(.structure([
            .boolean(false), .bitString(MMSBitString("0000000000000")!), .utcTime(MMSUTCTime(seconds: 0, fraction: 0))]))])))
        #expect(try pdu(PeerCaptures.open61850ReadNamPlt) == .confirmedResponse(invokeID: 0, .read([.success(.structure([
            .visibleString("open61850-peer"), .visibleString("open61850-0.9.12"), .visibleString("open61850 test IED"), .visibleString("1")]))])))
    }

    @Test("release: FN with RLRQ, then the peer's DN with RLRE ends it")
    func release() throws {
        var association = ClientAssociationFixture.associated()
        let released = association.release()
        let frames = try #require(released)
        #expect(frames[7] == 0x09)  // session FINISH
        #expect(association.dataFrames([0x8B, 0x00]) == nil)
        guard case .released = try association.receive(PeerCaptures.tpdu(PeerCaptures.libiecReleaseResponse)) else {
            Issue.record("release not confirmed")
            return
        }
    }

    @Test("abort sends session ABORT and closes")
    func abort() throws {
        var association = ClientAssociationFixture.associated()
        let aborted = association.abort()
        let frames = try #require(aborted)
        #expect(frames[7] == 0x19)
        #expect(!association.isAssociated)
        let again = association.abort()
        #expect(again == nil)
    }

    @Test("large PDUs are segmented to the TPDU size and reassembled byte by byte")
    func segmentation() throws {
        let payload = (0..<20_000).map { UInt8(truncatingIfNeeded: $0) }
        let value = MMSValue.octetString(payload)
        let pdu = MMSPDU.confirmedResponse(invokeID: 7, .read([.success(value)])).encoded()
        let frames = OSIFraming.frames(sdu: SessionSPDU.dataPrefix + PresentationPPDU.encodeUserData(contextID: 3, pdu: pdu), tpduSize: 1024)
        var association = ClientAssociationFixture.associated()
        var decoder = TPKTFrameDecoder()
        var buffer = ByteBuffer()
        var received: [MMSPDU] = []
        var segments = 0
        for byte in frames {  // drip-feed one byte at a time
            buffer.writeInteger(byte)
            while let frame = try decoder.decode(buffer: &buffer) {
                segments += 1
                if case .pdu(let decoded) = try association.receive(Array(frame.readableBytesView)) { received.append(decoded) }
            }
        }
        #expect(segments == (pdu.count + 40) / 1021 + 1 || segments == (pdu.count + 40) / 1021)
        #expect(received == [.confirmedResponse(invokeID: 7, .read([.success(value)]))])
    }

    @Test("TPKT decoder passes NIO's ByteToMessageDecoderVerifier")
    func tpktVerifier() throws {
        let packets = [PeerCaptures.libiecReadAnIn1, PeerCaptures.libiecIdentify].map { PeerCaptures.bytes($0) }
        let pairs = packets.map { packet -> (ByteBuffer, [ByteBuffer]) in
            (ByteBuffer(bytes: packet), [ByteBuffer(bytes: packet.dropFirst(4))])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { TPKTFrameDecoder() }
    }
}
