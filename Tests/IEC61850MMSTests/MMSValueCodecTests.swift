import IEC61850MMS
import IEC61850Model
import Testing

@Suite("MMS Data codec")
struct MMSValueCodecTests {
    static let samples: [MMSValue] = [
        .boolean(true), .boolean(false),
        .bitString(MMSBitString("0000000000000")!), .bitString(MMSBitString("10")!), .bitString(MMSBitString(bits: [])),
        .integer(0), .integer(-1), .integer(127), .integer(128), .integer(-129), .integer(.max), .integer(.min),
        .unsigned(0), .unsigned(255), .unsigned(.max),
        .float(1.5), .float(-0.0), .float(.infinity), .float(.greatestFiniteMagnitude),
        .double(3.141592653589793), .double(-1e300),
        .octetString([]), .octetString([0, 1, 0xFF]), .octetString(Array(repeating: 7, count: 300)),
        .visibleString(""), .visibleString("ACME"),
        .generalizedTime("20261125173000.000Z"),
        .binaryTime(MMSBinaryTime(milliseconds: 12_345)), .binaryTime(MMSBinaryTime(milliseconds: 1, days: 15_000)),
        .bcd(1234),
        .booleanArray(MMSBitString("101")!),
        .objectIdentifier([1, 0, 9506, 2, 1]), .objectIdentifier([2, 999, 3]),
        .mmsString("Grüße ⚡"),
        .utcTime(MMSUTCTime(seconds: 1_795_628_465, fraction: 0xFE353F, quality: TimeQuality(rawValue: 0x8A))),
        .structure([.structure([.float(1.5)]), .bitString(MMSBitString("0000000000000")!), .integer(3)]),
        .array([.integer(1), .integer(2), .integer(3)]),
        .structure([]), .array([]),
    ]

    @Test("every Data alternative round-trips", arguments: samples)
    func roundTrip(value: MMSValue) throws {
        var writer = BERWriter()
        value.encode(into: &writer)
        var reader = BERReader(bytes: writer.bytes)
        let decoded = try MMSValue(ber: reader.read())
        #expect(reader.isAtEnd)
        if case .float(let f) = value, f.isNaN { return }
        #expect(decoded == value)
    }

    @Test("NaN survives as NaN")
    func nan() throws {
        var writer = BERWriter()
        MMSValue.float(.nan).encode(into: &writer)
        var reader = BERReader(bytes: writer.bytes)
        guard case .float(let f) = try MMSValue(ber: reader.read()) else { Issue.record("not a float"); return }
        #expect(f.isNaN)
    }

    @Test("known encodings match ISO 9506 / IEC 61850-8-1 examples")
    func knownEncodings() {
        func encode(_ value: MMSValue) -> [UInt8] {
            var w = BERWriter()
            value.encode(into: &w)
            return w.bytes
        }
        #expect(encode(.float(1.5)) == [0x87, 0x05, 0x08, 0x3F, 0xC0, 0x00, 0x00])
        #expect(encode(.bitString(MMSBitString("0000000000000")!)) == [0x84, 0x03, 0x03, 0x00, 0x00])
        #expect(encode(.integer(128)) == [0x85, 0x02, 0x00, 0x80])
        #expect(encode(.integer(-1)) == [0x85, 0x01, 0xFF])
        #expect(encode(.unsigned(255)) == [0x86, 0x02, 0x00, 0xFF])
        #expect(encode(.boolean(true)) == [0x83, 0x01, 0xFF])
        #expect(encode(.bitString(MMSBitString("10")!)) == [0x84, 0x02, 0x06, 0x80])
    }

    @Test("unsigned accepts a 9th leading zero octet, integer takes 8 octets")
    func integerWidths() throws {
        var reader = BERReader(bytes: [0x86, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try MMSValue(ber: reader.read()) == .unsigned(.max))
        reader = BERReader(bytes: [0x85, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0])
        #expect(try MMSValue(ber: reader.read()) == .integer(.min))
    }

    @Test("UtcTime formats as ISO 8601")
    func utcTimeText() {
        #expect(MMSUTCTime(seconds: 0, fraction: 0).iso8601 == "1970-01-01T00:00:00.000000Z")
        #expect(MMSUTCTime(seconds: 1_795_628_465, fraction: 0x800000).iso8601 == "2026-11-25T17:41:05.500000Z")
        #expect(MMSUTCTime(unixSeconds: 951_782_400.25).iso8601 == "2000-02-29T00:00:00.250000Z")
    }
}

