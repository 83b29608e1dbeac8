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

extension Result {
    /// The error of a failure.
    var failureError: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
