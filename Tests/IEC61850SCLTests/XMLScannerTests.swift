import Foundation
import IEC61850SCL
import Testing

func scanAll(_ text: String, maxDepth: Int = XMLScanner.defaultMaxDepth) throws(XMLError) -> [XMLEvent] {
    try scanAll(Array(text.utf8), maxDepth: maxDepth)
}

func scanAll(_ bytes: [UInt8], maxDepth: Int = XMLScanner.defaultMaxDepth) throws(XMLError) -> [XMLEvent] {
    var scanner = XMLScanner(bytes: bytes, maxDepth: maxDepth)
    var events: [XMLEvent] = []
    while let event = try scanner.next() { events.append(event) }
    return events
}

func scanError(_ text: String, maxDepth: Int = XMLScanner.defaultMaxDepth) -> XMLError? {
    do {
        _ = try scanAll(text, maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

@Suite("XML scanner")
struct XMLScannerTests {
    @Test("elements, attributes, entities, CDATA, comments, PIs and a BOM")
    func wellFormed() throws {
        let text = "\u{FEFF}<?xml version=\"1.0\"?>\n<!-- c --><SCL a=\"1 &lt; 2\" b='x&amp;y'>\n  <IED name=\"I&#x41;\"/><Val><![CDATA[<raw>]]>&#65;&quot;</Val></SCL>\n"
        let events = try scanAll(text)
        guard case .startElement("SCL", let attributes, let position) = events[0] else { Issue.record("\(events)"); return }
        #expect(attributes.map(\.name) == ["a", "b"] && attributes.map(\.value) == ["1 < 2", "x&y"])
        #expect(position == XMLPosition(line: 2, column: 11))
        #expect(events.contains(.endElement(name: "IED")))
        guard case .startElement("IED", let iedAttributes, _)? = events.first(where: { if case .startElement("IED", _, _) = $0 { true } else { false } }) else {
            Issue.record("no IED"); return
        }
        #expect(iedAttributes.first?.value == "IA")
        #expect(events.contains(.text("<raw>")) && events.contains(.text("A\"")))
        #expect(events.last == .endElement(name: "SCL"))
    }

    @Test("DOCTYPE (billion laughs) is refused without any expansion")
    func doctypeRefused() {
        let laughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
        <SCL>&lol2;</SCL>
        """
        let error = scanError(laughs)
        #expect(error?.message.contains("DOCTYPE") == true)
        #expect(error?.position.line == 2)
    }

    @Test("undefined entities are errors, not expansions")
    func unknownEntity() {
        #expect(scanError("<SCL>&lol;</SCL>")?.message.contains("unknown entity") == true)
        #expect(scanError("<SCL a=\"&x\"/>") != nil)
        #expect(scanError("<SCL>&#0;</SCL>") != nil)
        #expect(scanError("<SCL>&#x110000;</SCL>") != nil)
    }

    @Test("10 000-deep nesting stops at the depth limit with a position")
    func deepNesting() {
        let text = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        let error = scanError(text)
        #expect(error?.message.contains("deeper than 256") == true)
        #expect(error?.position.column == 256 * 3 + 1)
    }

    @Test("a 100 MB attribute is scanned in linear time and bounded memory")
    func hugeAttribute() async throws {
        let length = try await offload { () -> Int? in
            var bytes = Array("<SCL a=\"".utf8)
            bytes.reserveCapacity(100_000_020)
            bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 100_000_000)
            bytes.append(contentsOf: Array("\"/>".utf8))
            let events = try scanAll(bytes)
            guard case .startElement(_, let attributes, _) = events.first else { return nil }
            return attributes.first?.value.utf8.count
        }
        #expect(length == 100_000_000)
    }

    @Test("truncated documents fail with the position of the problem", arguments: [
        "<SCL>", "<SCL a=\"1", "<SCL a=", "<SCL><IED></SCL>", "<SCL></IED>", "<!-- never closed", "<SCL><![CDATA[x", "", "   ", "<SCL/><SCL/>", "text<SCL/>",
    ])
    func truncated(text: String) {
        #expect(scanError(text) != nil, "accepted: \(text)")
    }

    @Test("invalid UTF-8 is an error with its line and column")
    func invalidUTF8() {
        let bytes = Array("<SCL>\n  <IED name=\"".utf8) + [0xC3, 0x28] + Array("\"/></SCL>".utf8)
        do {
            _ = try scanAll(bytes)
            Issue.record("invalid UTF-8 accepted")
        } catch {
            #expect(error.message.contains("UTF-8"))
            #expect(error.position.line == 2)
        }
    }

    @Test("every file of the shared SCL corpus is well-formed XML")
    func corpus() async throws {
        let files = SCLCorpus.files
        #expect(files.count > 20)
        let problems = try await offload { () -> [String] in
            var problems: [String] = []
            for file in files {
                do {
                    _ = try scanAll(try [UInt8](Data(contentsOf: URL(fileURLWithPath: SCLCorpus.path(file)))))
                } catch {
                    problems.append("\(file): \(error)")
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems)")
    }
}
