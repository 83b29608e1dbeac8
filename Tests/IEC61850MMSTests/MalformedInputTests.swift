// Hostile bytes: every class of malformed input ends in a typed MMSCodecError, never a trap.
// Each test here is a row of docs/ROBUSTNESS.md.

@_spi(OSI) import IEC61850MMS
import IEC61850Model
import NIOCore
import NIOEmbedded
import Testing

@Suite("Malformed input")
struct MalformedInputTests {
    func decodeError(_ bytes: [UInt8]) -> MMSCodecError? {
        do {
            _ = try MMSPDU(decoding: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("truncated TLV: every prefix of a real PDU fails with a typed error")
    func truncatedTLV() {
        let pdu = PeerCaptures.bytes(PeerCaptures.libiecReadAnIn1).suffix(from: 20)  // the MMS PDU inside TPKT, COTP, session, presentation
        let full = Array(pdu)
        #expect((try? MMSPDU(decoding: full)) != nil)
        for length in 0..<full.count {
            let error = decodeError(Array(full.prefix(length)))
            #expect(error != nil, "prefix of \(length) octets decoded")
        }
    }

    @Test("length past the end of the data")
    func lengthPastEnd() {
        #expect(decodeError([0xA1, 0x05, 0x02, 0x01]) == MMSCodecError(.truncated, ""))
        #expect(decodeError([0xA1, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x02]) == MMSCodecError(.truncated, ""))
    }

    @Test("length field longer than 4 octets")
    func hugeLengthField() {
        #expect(decodeError([0xA1, 0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0]) == MMSCodecError(.invalidLength, ""))
    }

    @Test("indefinite length on a primitive element")
    func indefinitePrimitive() {
        var reader = BERReader(bytes: [0x85, 0x80, 0x01, 0x00, 0x00])
        #expect(throws: MMSCodecError(.indefiniteLengthNotAllowed, "")) { try reader.read() }
    }

    @Test("indefinite length without end-of-contents")
    func indefiniteWithoutEnd() {
        #expect(decodeError([0xA1, 0x80, 0x02, 0x01, 0x00]) == MMSCodecError(.truncated, ""))
    }

    @Test("indefinite length on a constructed element is accepted")
    func indefiniteConstructed() throws {
        // Read-Response with invokeID 1 and one boolean, both constructed levels indefinite.
        let bytes: [UInt8] = [0xA1, 0x80, 0x02, 0x01, 0x01, 0xA4, 0x80, 0xA1, 0x80, 0x83, 0x01, 0xFF, 0, 0, 0, 0, 0, 0]
        #expect(try MMSPDU(decoding: bytes) == .confirmedResponse(invokeID: 1, .read([.success(.boolean(true))])))
    }

    @Test("nesting bomb: 100 000 nested structures")
    func nestingBomb() {
        // Indefinite-length nesting costs 2 octets a level and no length arithmetic.
        var bytes: [UInt8] = [0xA1, 0x80, 0x02, 0x01, 0x01, 0xA4, 0x80, 0xA1, 0x80]
        bytes += Array(repeating: [0xA2, 0x80], count: 100_000).flatMap { $0 }
        #expect(decodeError(bytes) == MMSCodecError(.nestingTooDeep, ""))
    }

    @Test("Data nested deeper than the negotiated nesting level")
    func dataNestingLimit() {
        var value = MMSValue.boolean(true)
        for _ in 0..<11 { value = .structure([value]) }
        let pdu = MMSPDU.confirmedResponse(invokeID: 1, .read([.success(value)])).encoded()
        #expect(decodeError(pdu) == MMSCodecError(.nestingTooDeep, ""))
        #expect((try? MMSPDU(decoding: pdu, maxDataNesting: 11)) != nil)
    }

    @Test("integer longer than 8 octets")
    func integerTooLong() {
        var reader = BERReader(bytes: [0x85, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(throws: MMSCodecError(.integerOverflow, "")) { try MMSValue(ber: reader.read()) }
        #expect(decodeError([0xA1, 0x0D, 0x02, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x8C, 0x00]) == MMSCodecError(.integerOverflow, ""))
    }

    @Test("unknown tags: PDU, service and Data alternative")
    func unknownTags() {
        #expect(decodeError([0xBF, 0x1F, 0x00]) == MMSCodecError(.unsupported, ""))
        #expect(decodeError([0xA1, 0x06, 0x02, 0x01, 0x01, 0x9F, 0x1F, 0x00]) == MMSCodecError(.unsupported, ""))
        var reader = BERReader(bytes: [0x88, 0x01, 0x00])  // Data [8] does not exist
        #expect(throws: MMSCodecError(.unexpectedTag, "")) { try MMSValue(ber: reader.read()) }
        reader = BERReader(bytes: [0x02, 0x01, 0x00])  // a UNIVERSAL tag where Data is expected
        #expect(throws: MMSCodecError(.unexpectedTag, "")) { try MMSValue(ber: reader.read()) }
    }

    @Test("zero-length content where a value is required")
    func zeroLength() {
        for tag: UInt8 in [0x83, 0x84, 0x85, 0x86, 0x87, 0x91] {
            var reader = BERReader(bytes: [tag, 0x00])
            #expect(throws: MMSCodecError.self) { try MMSValue(ber: reader.read()) }
        }
        #expect(decodeError([]) == MMSCodecError(.truncated, ""))
    }

    @Test("float with a bad exponent width and utc-time of the wrong size")
    func badPrimitiveContent() {
        var reader = BERReader(bytes: [0x87, 0x05, 0x07, 0x3F, 0xC0, 0x00, 0x00])
        #expect(throws: MMSCodecError(.invalidValue, "")) { try MMSValue(ber: reader.read()) }
        reader = BERReader(bytes: [0x91, 0x07, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: MMSCodecError(.invalidLength, "")) { try MMSValue(ber: reader.read()) }
        reader = BERReader(bytes: [0x84, 0x02, 0x08, 0x00])  // 8 unused bits
        #expect(throws: MMSCodecError(.invalidValue, "")) { try MMSValue(ber: reader.read()) }
        reader = BERReader(bytes: [0x8A, 0x02, 0xC3, 0x28])  // invalid UTF-8
        #expect(throws: MMSCodecError(.invalidValue, "")) { try MMSValue(ber: reader.read()) }
    }

    @Test("trailing octets after a PDU")
    func trailingOctets() {
        #expect(decodeError([0x8C, 0x00, 0x00]) == MMSCodecError(.invalidLength, ""))
    }

    @Test("absurd TPKT length and bad version are rejected by the frame decoder")
    func absurdTPKT() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(TPKTFrameDecoder()))
        var buffer = channel.allocator.buffer(capacity: 4)
        buffer.writeBytes([0x03, 0x00, 0xFF, 0xFF])
        #expect(throws: MMSCodecError(.invalidLength, "")) { try channel.writeInbound(buffer) }
        let second = EmbeddedChannel(handler: ByteToMessageHandler(TPKTFrameDecoder()))
        var bad = second.allocator.buffer(capacity: 4)
        bad.writeBytes([0x04, 0x00, 0x00, 0x10])
        #expect(throws: MMSCodecError(.protocolViolation, "")) { try second.writeInbound(bad) }
        let third = EmbeddedChannel(handler: ByteToMessageHandler(TPKTFrameDecoder()))
        var short = third.allocator.buffer(capacity: 4)
        short.writeBytes([0x03, 0x00, 0x00, 0x04])
        #expect(throws: MMSCodecError(.invalidLength, "")) { try third.writeInbound(short) }
    }

    @Test("COTP reassembly past the limit")
    func cotpReassemblyLimit() throws {
        var reassembler = COTPReassembler(maxSDUSize: 1000)
        let segment = [UInt8](repeating: 0, count: 400)
        #expect(try reassembler.append(segment, range: segment.indices, endOfTSDU: false) == nil)
        #expect(try reassembler.append(segment, range: segment.indices, endOfTSDU: false) == nil)
        #expect(throws: MMSCodecError(.invalidLength, "")) {
            try reassembler.append(segment, range: segment.indices, endOfTSDU: true)
        }
    }

    @Test("COTP TPDUs with bad length indicators, classes and parameters")
    func badCOTP() {
        #expect(throws: MMSCodecError.self) { try COTPTPDU.decode([0x02], range: 0..<1) }
        #expect(throws: MMSCodecError.self) { try COTPTPDU.decode([0x09, 0xF0, 0x80], range: 0..<3) }
        #expect(throws: MMSCodecError(.unsupported, "")) { try COTPTPDU.decode([0x06, 0xE0, 0, 0, 0, 1, 0x20], range: 0..<7) }
        #expect(throws: MMSCodecError(.truncated, "")) { try COTPTPDU.decode([0x08, 0xD0, 0, 1, 0, 1, 0x00, 0xC0, 0x05], range: 0..<9) }
        #expect(throws: MMSCodecError(.invalidValue, "")) { try COTPTPDU.decode([0x09, 0xD0, 0, 1, 0, 1, 0x00, 0xC0, 0x01, 0x20], range: 0..<10) }
        #expect(throws: MMSCodecError(.unsupported, "")) { try COTPTPDU.decode([0x02, 0x10, 0x00], range: 0..<3) }
    }

    @Test("session SPDUs that lie about their length")
    func badSession() {
        #expect(throws: MMSCodecError(.truncated, "")) { try SessionSPDU.decode([0x0E, 0x10, 0x05], range: 0..<3) }
        #expect(throws: MMSCodecError(.truncated, "")) { try SessionSPDU.decode([0x0E, 0xFF, 0x01], range: 0..<3) }
        #expect(throws: MMSCodecError(.truncated, "")) { try SessionSPDU.decode([0x0E, 0x04, 0xC1, 0x09, 0x00, 0x00], range: 0..<6) }
        #expect(throws: MMSCodecError(.unsupported, "")) { try SessionSPDU.decode([0x77, 0x00], range: 0..<2) }
    }

    @Test("random bytes never trap any decoder")
    func randomBytes() async throws {
        try await offload {  // seconds of CPU: off the cooperative pool that other suites' servers need
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<20_000 {
                let count = Int.random(in: 0..<64, using: &generator)
                let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                _ = try? MMSPDU(decoding: bytes)
                _ = try? COTPTPDU.decode(bytes, range: bytes.indices)
                _ = try? SessionSPDU.decode(bytes, range: bytes.indices)
                for kind in [SessionSPDU.Kind.connect, .accept, .data, .abort, .refuse] {
                    _ = try? PresentationPPDU.decode(bytes, range: bytes.indices, sessionKind: kind)
                }
                var reader = BERReader(bytes: bytes)
                if let element = try? reader.read() { _ = try? ACSEAPDU(ber: element) }
            }
        }
    }

    @Test("mutated real PDUs never trap the client association")
    func mutatedPeerPDUs() async throws {
        try await offload {  // seconds of CPU: off the cooperative pool that other suites' servers need
            let captures = [PeerCaptures.libiecAccept, PeerCaptures.libiecReadAnIn1, PeerCaptures.libiecIdentify,
                            PeerCaptures.open61850Accept, PeerCaptures.seedReadInd1, PeerCaptures.open61850ReadNamPlt]
            var generator = SystemRandomNumberGenerator()
            for capture in captures {
                let original = PeerCaptures.tpdu(capture)
                for _ in 0..<2_000 {
                    var bytes = original
                    for _ in 0..<Int.random(in: 1...4, using: &generator) {
                        bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                    }
                    var association = ClientAssociationFixture.associated()
                    _ = try? association.receive(bytes)
                    var connecting = ClientAssociationFixture.awaitingAccept()
                    _ = try? connecting.receive(bytes)
                }
            }
        }
    }
}
