import Foundation
import Testing
@testable import IEC61850SCL

/// Hostile SCL: each input must end in a typed error (or a bounded result), quickly, without exhausting the stack or memory.
@Suite("SCL hostile input")
struct SCLHostileTests {
    static func templates(_ body: String, lnType: String = "T0") -> String {
        """
        <SCL version="2007" revision="B"><Header id="h"/>
        <IED name="I"><AccessPoint name="A"><Server><LDevice inst="L"><LN0 lnClass="LLN0" inst="" lnType="\(lnType)"/></LDevice></Server></AccessPoint></IED>
        <DataTypeTemplates>\(body)</DataTypeTemplates></SCL>
        """
    }

    @Test("a chain of 10 000 distinct DOTypes: tooDeep, no stack overflow")
    func deepTypeChain() async throws {
        var body = "<LNodeType id=\"T0\" lnClass=\"LLN0\"><DO name=\"D\" type=\"D0\"/></LNodeType>"
        for index in 0..<10_000 { body += "<DOType id=\"D\(index)\" cdc=\"X\"><SDO name=\"s\" type=\"D\(index + 1)\"/></DOType>" }
        body += "<DOType id=\"D10000\" cdc=\"X\"><DA name=\"v\" bType=\"BOOLEAN\" fc=\"ST\"/></DOType>"
        let text = Self.templates(body)
        let outcome = await offloadResult { () -> (Bool, SCLError.Kind?) in
            let document = try SCLDocument(string: text)
            do { _ = try document.iedModel() } catch let error as SCLError { return (document.validate().errors.isEmpty, error.kind) }
            return (document.validate().errors.isEmpty, nil)
        }
        let (valid, kind) = try outcome.get()
        #expect(!valid && kind == .tooDeep)
    }

    @Test("a cycle 10 000 types long is found without recursion")
    func longCycle() async throws {
        var body = "<LNodeType id=\"T0\" lnClass=\"LLN0\"><DO name=\"D\" type=\"D0\"/></LNodeType>"
        for index in 0..<10_000 { body += "<DOType id=\"D\(index)\" cdc=\"X\"><SDO name=\"s\" type=\"D\((index + 1) % 10_000)\"/></DOType>" }
        let text = Self.templates(body)
        let report = try await offload { try SCLDocument(string: text).validate() }
        #expect(report.errors.first?.kind == .typeCycle)
    }

    @Test("types that multiply (10 SDOs per level, 30 levels): tooLarge within the node budget")
    func exponentialTypes() async throws {
        var body = "<LNodeType id=\"T0\" lnClass=\"LLN0\"><DO name=\"D\" type=\"D0\"/></LNodeType>"
        for level in 0..<30 {
            body += "<DOType id=\"D\(level)\" cdc=\"X\">" + (0..<10).map { "<SDO name=\"s\($0)\" type=\"D\(level + 1)\"/>" }.joined() + "</DOType>"
        }
        body += "<DOType id=\"D30\" cdc=\"X\"><DA name=\"v\" bType=\"BOOLEAN\" fc=\"ST\"/></DOType>"
        let text = Self.templates(body)
        let outcome = await offloadResult { try SCLDocument(string: text).iedModel(limits: SCLResolutionLimits(maxNodes: 100_000)) }
        #expect(throws: SCLError.self) { try outcome.get() }
        #expect((outcome.failureError as? SCLError)?.kind == .tooLarge)
    }

    @Test("an absurd array count is an invalid value, not an allocation", arguments: ["1000000000", "-1", "0", "99999999999999999999999"])
    func absurdCount(count: String) throws {
        let body = """
        <LNodeType id="T0" lnClass="LLN0"><DO name="D" type="D0"/></LNodeType>
        <DOType id="D0" cdc="X"><DA name="v" bType="FLOAT32" fc="MX" count="\(count)"/></DOType>
        """
        let document = try SCLDocument(string: Self.templates(body))
        #expect { try document.iedModel(strict: true) } throws: { ($0 as? SCLError)?.kind == .invalidValue && ($0 as? SCLError)?.attribute == "count" }
    }

    @Test("arrays of structures are budgeted by their size: 65 535 × a 1 000-leaf structure is tooLarge")
    func bigArrayOfStructures() async throws {
        let leaves = (0..<1_000).map { "<BDA name=\"b\($0)\" bType=\"BOOLEAN\"/>" }.joined()
        let body = """
        <LNodeType id="T0" lnClass="LLN0"><DO name="D" type="D0"/></LNodeType>
        <DOType id="D0" cdc="X"><DA name="v" bType="Struct" type="S" fc="MX" count="65535"/></DOType>
        <DAType id="S">\(leaves)</DAType>
        """
        let text = Self.templates(body)
        let outcome = await offloadResult { try SCLDocument(string: text).iedModel() }
        #expect((outcome.failureError as? SCLError)?.kind == .tooLarge)
    }

    @Test("billion laughs, deep nesting, truncation and invalid UTF-8 are malformedXML with a position")
    func malformed() {
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE SCL [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><SCL><Header id=\"&b;\"/></SCL>"
        let deep = "<SCL>" + String(repeating: "<Private>", count: 10_000) + String(repeating: "</Private>", count: 10_000) + "</SCL>"
        let truncated = "<SCL><Header id=\"h\"/><IED name=\"I\"><AccessPoint name="
        for text in [laughs, deep, truncated] {
            #expect { try SCLDocument(string: text) } throws: { error in
                guard let error = error as? SCLError else { return false }
                return error.kind == .malformedXML && error.location.line >= 1
            }
        }
        var bytes = Array("<SCL><Header id=\"h\"/>\n<IED name=\"".utf8) + [0xC3, 0x28] + Array("\"/></SCL>".utf8)
        #expect { try SCLDocument(bytes: bytes) } throws: { ($0 as? SCLError)?.kind == .malformedXML && ($0 as? SCLError)?.location.line == 2 }
        bytes = [0xEF, 0xBB, 0xBF] + Array("<SCL><Header id=\"h\"/></SCL>".utf8)
        #expect(throws: Never.self) { try SCLDocument(bytes: bytes) }
    }

    @Test("2 MB of '<' after the root (large enough to be read in chunks): malformedXML at the first one")
    func angleBrackets() async throws {
        let error = await offloadResult { () -> Int in
            _ = try SCLDocument(bytes: Array("<SCL>".utf8) + [UInt8](repeating: UInt8(ascii: "<"), count: 2_000_000))
            return 0
        }.failureError as? SCLError
        #expect(error?.kind == .malformedXML && error?.location.column == 7, "\(String(describing: error))")
    }

    @Test("100 000 attributes on one element are scanned in linear time")
    func manyAttributes() async throws {
        let count = try await offload { () -> Int? in
            let attributes = (0..<100_000).map { " a\($0)=\"v\"" }.joined()
            return try SCLDocument(string: "<SCL><Header id=\"h\"\(attributes)/></SCL>").header?.otherAttributes.count
        }
        #expect(count == 100_000)
    }

    @Test("a 100 MB attribute value loads as data, in bounded memory")
    func hugeAttribute() async throws {
        let length = try await offload { () -> Int? in
            var bytes = Array("<SCL><Header id=\"h\"/><IED name=\"".utf8)
            bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 100_000_000)
            bytes += Array("\"/></SCL>".utf8)
            return try SCLDocument(bytes: bytes).ieds.first?.name.utf8.count
        }
        #expect(length == 100_000_000)
    }
}

/// A small deterministic generator (SplitMix64), so that a failing mutation can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reads `bytes` with the given chunking: the document as JSON (locations included) with its warnings, or the error.
func readForComparison(_ bytes: [UInt8], chunking: SCLChunking) -> String {
    var warnings: [SCLWarning] = []
    do throws(SCLError) {
        let document = try bytes.withUnsafeBufferPointer { (buffer) throws(SCLError) in try SCLDocument(buffer: buffer, warnings: &warnings, chunking: chunking) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? "unencodable"
        return json + "\n" + warnings.map(\.description).joined(separator: "\n")
    } catch {
        return "error: \(error)"
    }
}

/// Chunks forced on any size: three threads' worth.
let forcedChunking = SCLChunking(minimumBytes: 0, maximumChunks: 3)

@Suite("SCL mutation fuzzing")
struct SCLMutationTests {
    /// A small but complete document of our own: every kind of markup the tokenizer handles.
    static let sample = Array("""
        \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
        <!-- a comment -->
        <SCL xmlns="http://www.iec.ch/61850/2003/SCL" xmlns:v="urn:vendor" version="2007" revision="B" release="4">
          <Header id="h" toolID="t &amp; u"/>
          <Communication><SubNetwork name="N" type="8-MMS"><ConnectedAP iedName="I" apName="A"><Address><P type="IP">10.0.0.1</P></Address></ConnectedAP></SubNetwork></Communication>
          <IED name="I" manufacturer="m"><AccessPoint name="A"><Server><Authentication/><LDevice inst="L">
            <LN0 lnClass="LLN0" inst="" lnType="T0"><DataSet name="D"><FCDA ldInst="L" prefix="" lnClass="LLN0" doName="Mod" daName="stVal" fc="ST"/></DataSet>
              <ReportControl name="R" datSet="D" confRev="1" buffered="true"><TrgOps dchg="true"/><OptFields seqNum="true"/><RptEnabled max="2"/></ReportControl>
              <DOI name="Mod"><DAI name="stVal" v:x='1'><Val><![CDATA[on]]></Val></DAI></DOI>
              <Private type="p"><v:any a="&#x41;&#66;">text &lt; more</v:any></Private>
            </LN0>
          </LDevice></Server></AccessPoint></IED>
          <DataTypeTemplates>
            <LNodeType id="T0" lnClass="LLN0"><DO name="Mod" type="ENC"/></LNodeType>
            <DOType id="ENC" cdc="ENC"><DA name="stVal" bType="Enum" type="Beh" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST"/></DOType>
            <EnumType id="Beh"><EnumVal ord="1">on</EnumVal><EnumVal ord="5">off</EnumVal></EnumType>
          </DataTypeTemplates>
        </SCL>
        """.utf8)

    /// Bytes that change the structure when they appear where they should not.
    static let special: [UInt8] = Array("<>/&;\"'=!?[]-: \n#x".utf8) + [0x00, 0x80, 0xC3, 0xEF, 0xFF]

    static func mutate(_ bytes: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: bytes[position] = special.randomElement(using: &generator) ?? 0
            case 1: bytes.insert(special.randomElement(using: &generator) ?? 0, at: position)
            case 2: bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...16, using: &generator)))
            case 3: bytes.removeSubrange(position...)  // truncation
            default: bytes[position] = UInt8.random(in: 0...255, using: &generator)
            }
        }
        return bytes
    }

    @Test("the untouched sample loads and validates")
    func sampleIsValid() throws {
        let document = try SCLDocument(bytes: Self.sample)
        #expect(document.validate().isValid)
        #expect(try document.iedModel().logicalDevices.first?.logicalNodes.first?.dataSets.first?.members.count == 1)
    }

    @Test("10 000 random mutations: every outcome is a document or a typed error, never a crash")
    func mutations() async throws {
        // Debug builds check every unsafe-buffer access of the tokenizer, so an out-of-range read fails here.
        let outcome = try await offload { () -> (loaded: Int, refused: Int, kinds: Set<SCLError.Kind>) in
            var generator = SplitMix64(state: 61850)
            var loaded = 0
            var refused = 0
            var kinds: Set<SCLError.Kind> = []
            for _ in 0..<10_000 {
                let bytes = Self.mutate(Self.sample, using: &generator)
                do throws(SCLError) {
                    let document = try SCLDocument(bytes: bytes)
                    _ = document.validate()
                    _ = document.validate(.references)
                    _ = try? document.iedModel()
                    loaded += 1
                } catch {
                    refused += 1
                    kinds.insert(error.kind)
                }
            }
            return (loaded, refused, kinds)
        }
        // Both outcomes occur, and refusals are classified (not all one catch-all kind).
        #expect(outcome.loaded > 100 && outcome.refused > 100)
        #expect(outcome.kinds.contains(.malformedXML) && outcome.kinds.count >= 2, "\(outcome.kinds)")
    }

    @Test("reading in chunks on several threads gives what a sequential read gives, for 1 000 mutations: same document, locations, warnings or error")
    func chunkedEqualsSequential() async throws {
        let differences = try await offload { () -> [String] in
            var generator = SplitMix64(state: 7)
            var differences: [String] = []
            for round in 0..<1_000 {
                let bytes = round == 0 ? Self.sample : Self.mutate(Self.sample, using: &generator)
                let sequential = readForComparison(bytes, chunking: .off)
                let chunked = readForComparison(bytes, chunking: forcedChunking)
                if sequential != chunked { differences.append("round \(round):\n\(sequential.prefix(300))\n≠\n\(chunked.prefix(300))") }
            }
            return differences
        }
        #expect(differences.isEmpty, "\(differences.prefix(3).joined(separator: "\n\n"))")
    }

    @Test("every prefix of the sample is refused with a position, or is the whole document")
    func everyTruncation() async throws {
        let failures = try await offload { () -> [Int] in
            var failures: [Int] = []
            let end = Self.sample.count - 1  // the final newline may go
            for length in 0..<end {
                do throws(SCLError) {
                    _ = try SCLDocument(bytes: Array(Self.sample[..<length]))
                    failures.append(length)
                } catch {
                    if error.kind != .malformedXML || error.location.line < 1 { failures.append(length) }
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "prefixes accepted or badly reported: \(failures.prefix(10))")
    }
}

extension Result {
    /// The error of a failure.
    var failureError: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
