import Foundation
import Testing
@testable import IEC61850SCL

// The corpus-wide tests run off the cooperative pool (see Offload.swift) and report what they found as one list of
// problems, checked here.

@Suite("SCL document")
struct SCLDocumentTests {
    @Test("every corpus file parses, and parse → write → parse gives an equal document")
    func corpusRoundTrip() async throws {
        let files = SCLCorpus.files
        #expect(files.count >= 50)
        let problems = try await offload { () -> [String] in
            var problems: [String] = []
            for file in files {
                let document: SCLDocument
                do {
                    document = try SCLDocument(contentsOfFile: SCLCorpus.path(file))
                } catch let error as SCLError {
                    if SCLCorpus.expectedFailures[file] == nil || error.kind == .typeCycle { problems.append("\(file): \(error)") }
                    continue
                }
                if try SCLDocument(string: document.xml()) != document { problems.append("\(file): the written document reads back different") }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}

@Suite("SCL resolution")
struct SCLResolutionTests {
    @Test("every corpus file and a generated 1.2 MB SCD read the same in chunks on several threads as sequentially")
    func chunkedCorpus() async throws {
        let files = SCLCorpus.files
        let differences = try await offload { () -> [String] in
            var inputs = files.compactMap { file in (try? Data(contentsOf: URL(fileURLWithPath: SCLCorpus.path(file)))).map { (file, [UInt8]($0)) } }
            inputs.append(("generated", Array(SCLResolutionTests.generatedSCD(ieds: 100).utf8)))
            return inputs.compactMap { file, bytes in
                readForComparison(bytes, chunking: .off) == readForComparison(bytes, chunking: forcedChunking) ? nil : file
            }
        }
        #expect(differences.isEmpty, "\(differences)")
        // Split candidates that are not elements (in comments, CDATA, a processing instruction) are caught by the
        // chunk before them, and the document is read sequentially with the same result.
        let decoys = try await offload { () -> Bool in
            var text = SCLResolutionTests.generatedSCD(ieds: 60)
            var count = 0
            text = text.components(separatedBy: "  <IED name=").map { part -> String in
                count += 1
                switch count % 3 {
                case 0: return part + "<!-- <IED name=\"fake\"> -->\n"
                case 1: return part + "<?pi <IED ?>\n"
                default: return part
                }
            }.joined(separator: "  <IED name=")
            text = text.replacingOccurrences(of: "<Header id=\"generated\"/>", with: "<Header id=\"generated\"><Text><![CDATA[<IED x]]></Text></Header>")
            let bytes = Array(text.utf8)
            // With 7 chunks at least one split lands on a decoy: the chunked read gives up (nil) and the caller re-reads.
            let gaveUp = bytes.withUnsafeBufferPointer { buffer in
                var parser = SCLParser(buffer: buffer, chunking: SCLChunking(minimumBytes: 0, maximumChunks: 7))
                do { return try parser.parseDocument() == nil } catch { return false }
            }
            return gaveUp && readForComparison(bytes, chunking: forcedChunking) == readForComparison(bytes, chunking: .off)
                && readForComparison(bytes, chunking: SCLChunking(minimumBytes: 0, maximumChunks: 7)) == readForComparison(bytes, chunking: .off)
        }
        #expect(decoys)
        // The chunked reads above did run in chunks (a fallback to the sequential read would make them trivially equal).
        let chunks = try await offload { () -> [Int] in
            [Array(SCLResolutionTests.generatedSCD(ieds: 100).utf8), SCLMutationTests.sample].map { bytes in
                bytes.withUnsafeBufferPointer { buffer in
                    var parser = SCLParser(buffer: buffer, chunking: forcedChunking)
                    return (try? parser.parseDocument()) != nil ? parser.chunksRead : -1
                }
            }
        }
        #expect(chunks[0] == 3 && chunks[1] >= 2, "\(chunks)")
        // The automatic setting chunks a large file (when the machine has more than one core) with the same result.
        let large = Array(SCLResolutionTests.generatedSCD(ieds: 100).utf8)
        #expect(large.count >= SCLChunking.automatic.minimumBytes)
        let same = try await offload { readForComparison(large, chunking: .automatic) == readForComparison(large, chunking: .off) }
        #expect(same)
    }

    /// An SCD like `gen_big_scd.py` writes (written here, not copied): `ieds` IEDs of 50 LNs with instance values.
    static func generatedSCD(ieds: Int) -> String {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SCL xmlns=\"http://www.iec.ch/61850/2003/SCL\" version=\"2007\" revision=\"B\" release=\"4\">\n"
        text += "  <Header id=\"generated\"/>\n  <Communication><SubNetwork name=\"N\">"
        for ied in 0..<ieds { text += "<ConnectedAP iedName=\"IED\(ied)\" apName=\"S1\"><Address><P type=\"IP\">10.0.\(ied / 250).\(ied % 250 + 1)</P></Address></ConnectedAP>" }
        text += "</SubNetwork></Communication>\n"
        for ied in 0..<ieds {
            text += "  <IED name=\"IED\(ied)\"><AccessPoint name=\"S1\"><Server><Authentication/><LDevice inst=\"LD\">\n"
            text += "    <LN0 lnClass=\"LLN0\" inst=\"\" lnType=\"L0\"><DataSet name=\"DS\"><FCDA ldInst=\"LD\" lnClass=\"GGIO\" lnInst=\"1\" doName=\"Ind\" daName=\"stVal\" fc=\"ST\"/></DataSet>"
            text += "<ReportControl name=\"R\" datSet=\"DS\" confRev=\"1\"><TrgOps dchg=\"true\"/></ReportControl></LN0>\n"
            for ln in 1...50 {
                text += "    <LN lnClass=\"GGIO\" inst=\"\(ln)\" lnType=\"G\" desc=\"LN &amp; \(ln)\"><DOI name=\"AnIn\"><SDI name=\"mag\"><DAI name=\"f\"><Val>\(Double(ln) * 1.5)</Val></DAI></SDI></DOI>"
                text += "<DOI name=\"Ind\"><DAI name=\"stVal\"><Val>\(ln % 2 == 0)</Val></DAI></DOI></LN>\n"
            }
            text += "  </LDevice></Server></AccessPoint></IED>\n"
        }
        text += """
          <DataTypeTemplates>
            <LNodeType id="L0" lnClass="LLN0"><DO name="Mod" type="INC"/></LNodeType>
            <LNodeType id="G" lnClass="GGIO"><DO name="AnIn" type="MV"/><DO name="Ind" type="SPS"/></LNodeType>
            <DOType id="INC" cdc="INC"><DA name="stVal" bType="INT32" fc="ST"/></DOType>
            <DOType id="MV" cdc="MV"><DA name="mag" bType="Struct" type="AV" fc="MX" dchg="true"/></DOType>
            <DOType id="SPS" cdc="SPS"><DA name="stVal" bType="BOOLEAN" fc="ST" dchg="true"/></DOType>
            <DAType id="AV"><BDA name="f" bType="FLOAT32"/></DAType>
          </DataTypeTemplates>
        </SCL>

        """
        return text
    }

    @Test("the references scope finds a subset of what full validation finds, and every broken reference")
    func referencesScope() async throws {
        let files = SCLCorpus.files
        let problems = try await offload { () -> [String] in
            var problems: [String] = []
            for file in files {
                guard let document = try? SCLDocument(contentsOfFile: SCLCorpus.path(file)) else { continue }
                let full = Set(document.validate().errors.map(\.description))
                let references = document.validate(.references)
                let extra = references.errors.map(\.description).filter { !full.contains($0) }
                if !extra.isEmpty { problems.append("\(file): only in references: \(extra)") }
                // The corpus' broken files are all broken in their references (cycles, missing types).
                if SCLCorpus.expectedFailures[file] != nil || SCLCorpus.knownDefects[file] != nil, references.errors.isEmpty {
                    problems.append("\(file): no error in references scope")
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // A missing LNodeType, a used LNodeType whose DO names a missing DOType, a control block whose dataset is missing:
        // all found without instantiating, with the same errors as full validation.
        let text = """
            <SCL version="2007" revision="B"><Header id="h"/>
            <IED name="I"><AccessPoint name="A"><Server><LDevice inst="L">
            <LN0 lnClass="LLN0" inst="" lnType="T0"><ReportControl name="R" datSet="none"/></LN0><LN lnClass="GGIO" inst="1" lnType="T9"/>
            </LDevice></Server></AccessPoint></IED>
            <DataTypeTemplates><LNodeType id="T0" lnClass="LLN0"><DO name="D" type="X"/></LNodeType></DataTypeTemplates></SCL>
            """
        let document = try SCLDocument(string: text)
        let report = document.validate(.references)
        #expect(Set(report.errors.map(\.description)) == Set(document.validate().errors.map(\.description)))
        #expect(report.errors.count == 3)
        #expect(report.errors.contains { $0.kind == .unknownType && $0.attribute == "lnType" && $0.path.hasSuffix("LN[lnClass=\"GGIO\",inst=\"1\"]") })
        #expect(report.errors.contains { $0.kind == .unknownType && $0.attribute == "type" && $0.path.hasSuffix("LNodeType[id=\"T0\"]/DO[name=\"D\"]") })
        #expect(report.errors.contains { $0.kind == .unresolvedReference && $0.attribute == "datSet" && $0.path.hasSuffix("ReportControl[name=\"R\"]") })
    }

    @Test("every corpus file validates, or fails with the error INDEX.md expects")
    func corpusValidates() async throws {
        let files = SCLCorpus.files
        let problems = try await offload { () -> [String] in
            var problems: [String] = []
            for file in files {
                let expected = SCLCorpus.expectedFailures[file]
                let document: SCLDocument
                do {
                    document = try SCLDocument(contentsOfFile: SCLCorpus.path(file))
                } catch let error as SCLError {
                    if error.kind != expected { problems.append("\(file): \(error)") }
                    continue
                }
                let report = document.validate()
                if let expected {
                    if !report.errors.contains(where: { $0.kind == expected }) { problems.append("\(file): expected \(expected), got \(report.errors)") }
                } else if let defects = SCLCorpus.knownDefects[file] {
                    if report.errors.isEmpty || Set(report.errors.map(\.kind)) != defects { problems.append("\(file): \(report.errors)") }
                    // Lenient loading builds every IED; strict loading refuses at least one of them.
                    var refused = 0
                    for ied in document.ieds {
                        for accessPoint in ied.accessPoints where accessPoint.server != nil {
                            _ = try document.iedModel(ied: ied.name, accessPoint: accessPoint.name)
                            do { _ = try document.iedModel(ied: ied.name, accessPoint: accessPoint.name, strict: true) } catch { refused += 1 }
                        }
                    }
                    if refused == 0 { problems.append("\(file): strict loading refused nothing") }
                } else if !report.errors.isEmpty {
                    problems.append("\(file): \(report.errors.map(\.description).joined(separator: "\n"))")
                }
                for ied in document.ieds where expected == nil {
                    for accessPoint in ied.accessPoints where accessPoint.server != nil {
                        _ = try document.iedModel(ied: ied.name, accessPoint: accessPoint.name)
                    }
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
