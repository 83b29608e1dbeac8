import IEC61850Model
import Testing

@Suite("Object references and the 8-1 name mapping")
struct ObjectReferenceTests {
    @Test("LD/LN.DO.DA maps to domain and LN$FC$DO$DA")
    func mapping() throws {
        let reference = try #require(ObjectReference(parsing: "IED1LD0/GGIO1.AnIn1.mag.f"))
        #expect(reference.logicalDevice == "IED1LD0")
        #expect(reference.logicalNode == "GGIO1")
        #expect(reference.path == ["AnIn1", "mag", "f"])
        #expect(reference.mmsItemName(fc: .MX) == "GGIO1$MX$AnIn1$mag$f")
        #expect(reference.mmsItemName(fc: nil) == "GGIO1$AnIn1$mag$f")
        #expect("\(reference)" == "IED1LD0/GGIO1.AnIn1.mag.f")
    }

    @Test("MMS names map back to references and FCs")
    func reverse() {
        let (reference, fc) = ObjectReference.fromMMS(domain: "LD", item: "LLN0$BR$brcb01$RptEna")
        #expect(reference == ObjectReference(logicalDevice: "LD", logicalNode: "LLN0", path: ["brcb01", "RptEna"]))
        #expect(fc == .BR)
        let (ln, none) = ObjectReference.fromMMS(domain: "LD", item: "GGIO1")
        #expect(ln.logicalNode == "GGIO1" && none == nil)
    }

    @Test("invalid references are rejected", arguments: ["", "/GGIO1", "LD/", "LD/GGIO1..x", "LD/GGIO1.", "a.b"])
    func invalid(text: String) {
        #expect(ObjectReference(parsing: text) == nil)
    }

    @Test("a logical device alone and appending")
    func logicalDevice() throws {
        let ld = try #require(ObjectReference(parsing: "IED1LD0"))
        #expect(ld.logicalNode.isEmpty)
        #expect(ld.appending("LLN0").appending("Mod") == ObjectReference(parsing: "IED1LD0/LLN0.Mod"))
    }

    @Test("functional constraints parse two letters only")
    func functionalConstraints() {
        #expect(FunctionalConstraint(rawValue: "mx") == .MX)
        #expect(FunctionalConstraint(rawValue: "MXX") == nil)
        #expect(FunctionalConstraint(rawValue: "1A") == nil)
        #expect(FunctionalConstraint(rawValue: "sT")?.rawValue == "ST")
        #expect(FunctionalConstraint(rawValue: "ß") == nil && FunctionalConstraint(rawValue: "É") == nil && FunctionalConstraint(rawValue: "") == nil)
        #expect(FunctionalConstraint(rawValue: "M") == nil && FunctionalConstraint(rawValue: "M$") == nil)
    }
}

@Suite("Quality, timestamps and bit strings")
struct QualityTests {
    @Test("Quality bits follow IEC 61850-8-1")
    func qualityBits() {
        var quality = Quality()
        #expect(quality.validity == .good && quality.rawValue == 0)
        quality.validity = .questionable
        quality.oldData = true
        quality.test = true
        #expect(quality.bits.description == "1100000100010")
        #expect(quality.description == "questionable|oldData|test")
        #expect(Quality(rawValue: quality.rawValue) == quality)
        #expect(Quality(bits: MMSBitString("01")!).validity == .invalid)
    }

    @Test("Dbpos maps 2 bits")
    func doublePoint() {
        #expect(DoublePoint(bits: MMSBitString("10")!) == .on)
        #expect(DoublePoint(bits: MMSBitString("01")!) == .off)
        #expect(DoublePoint.intermediate.bits.description == "00")
    }

    @Test("UtcTime keeps 24 fraction bits and the quality octet")
    func utcTime() {
        let time = MMSUTCTime(seconds: 1, fraction: 0xFFFF_FFFF, quality: TimeQuality(rawValue: 0x8A))
        #expect(time.fraction == 0xFF_FFFF)
        #expect(MMSUTCTime(octets: time.octets) == time)
        #expect(time.quality.leapSecondsKnown && !time.quality.clockFailure && time.quality.timeAccuracy == 10)
        #expect(MMSUTCTime(octets: [1, 2, 3]) == nil)
        #expect(MMSUTCTime(unixSeconds: -5).seconds == 0)
    }

    @Test("bit strings from text and numbers")
    func bitStrings() {
        #expect(MMSBitString("0101")?.integerValue == 5)
        #expect(MMSBitString("01x") == nil)
        #expect(MMSBitString(size: 4, value: 5).description == "0101")
        var bits = MMSBitString(bits: [])
        bits[3] = true
        #expect(bits.description == "0001")
        #expect(bits[-1] == false && bits[10] == false)
    }

    @Test("binary time with a date converts to Unix milliseconds")
    func binaryTime() {
        let expected: Int64 = (441_763_200 + 86_400) * 1000 + 1000
        #expect(MMSBinaryTime(milliseconds: 1000, days: 1).unixMilliseconds == expected)
        #expect(MMSBinaryTime(milliseconds: 1000).unixMilliseconds == nil)
    }
}
