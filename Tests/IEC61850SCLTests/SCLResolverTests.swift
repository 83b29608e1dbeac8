import Foundation
import IEC61850Model
import Testing
@testable import IEC61850SCL

/// A small model written for these tests: enums, structures, DAI over DA/BDA defaults, an SDO array, a dataset and an RCB.
let sampleSCL = """
<?xml version="1.0" encoding="UTF-8"?>
<SCL version="2007" revision="B" release="4" xmlns="http://www.iec.ch/61850/2003/SCL" xmlns:acme="urn:acme">
  <Header id="sample"/>
  <IED name="IED1" manufacturer="ACME" acme:flavour="vanilla">
    <Private type="acme-private"><acme:Setting level="3">keep me</acme:Setting></Private>
    <AccessPoint name="AP1"><Server><LDevice inst="LD0">
      <LN0 lnClass="LLN0" inst="" lnType="LLN0T">
        <DataSet name="DS1">
          <FCDA ldInst="LD0" lnClass="GGIO" lnInst="1" doName="Ind1" daName="stVal" fc="ST"/>
          <FCDA ldInst="LD0" lnClass="GGIO" lnInst="1" doName="AnIn1" fc="MX"/>
          <FCDA ldInst="LD0" lnClass="GGIO" lnInst="1" doName="Harm" daName="phsAHar(2).cVal" fc="MX"/>
          <FCDA ldInst="LD0" lnClass="GGIO" lnInst="9" doName="Gone" fc="ST"/>
        </DataSet>
        <ReportControl name="RCB1" datSet="DS1" rptID="r1" confRev="1" buffered="true" bufTime="50" intgPd="1000">
          <TrgOps dchg="true" qchg="true"/><OptFields seqNum="true" dataSet="true"/><RptEnabled max="2"/>
        </ReportControl>
        <DOI name="Mod"><DAI name="stVal"><Val>off</Val></DAI><DAI name="ctlModel"><Val>status-only</Val></DAI></DOI>
      </LN0>
      <LN lnClass="GGIO" inst="1" lnType="GGIOT">
        <DOI name="AnIn1"><SDI name="mag"><DAI name="f"><Val>12.5</Val></DAI></SDI></DOI>
        <DOI name="NamPlt"><DAI name="vendor"><Val>ACME &amp; Sons</Val></DAI></DOI>
        <DOI name="Harm"><SDI name="phsAHar" ix="1"><SDI name="cVal"><SDI name="mag"><DAI name="f"><Val>7</Val></DAI></SDI></SDI></SDI></DOI>
        <DOI name="Ghost"><DAI name="stVal"><Val>1</Val></DAI></DOI>
      </LN>
    </LDevice></Server></AccessPoint>
  </IED>
  <DataTypeTemplates>
    <LNodeType id="LLN0T" lnClass="LLN0"><DO name="Mod" type="ENC1"/></LNodeType>
    <LNodeType id="GGIOT" lnClass="GGIO"><DO name="Ind1" type="SPS1"/><DO name="AnIn1" type="MV1"/><DO name="NamPlt" type="LPL1"/><DO name="Harm" type="HARR"/></LNodeType>
    <DOType id="ENC1" cdc="ENC">
      <DA name="stVal" bType="Enum" type="Beh" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST" qchg="true"/>
      <DA name="ctlModel" bType="Enum" type="CtlModel" fc="CF"><Val>direct-with-normal-security</Val></DA>
    </DOType>
    <DOType id="SPS1" cdc="SPS"><DA name="stVal" bType="BOOLEAN" fc="ST" dchg="true"><Val>true</Val></DA><DA name="q" bType="Quality" fc="ST" qchg="true"/><DA name="t" bType="Timestamp" fc="ST"/></DOType>
    <DOType id="MV1" cdc="MV"><DA name="mag" bType="Struct" type="AV" fc="MX" dchg="true"/><DA name="q" bType="Quality" fc="MX" qchg="true"/><DA name="units" bType="Struct" type="Unit" fc="CF"/></DOType>
    <DOType id="LPL1" cdc="LPL"><DA name="vendor" bType="VisString255" fc="DC"/></DOType>
    <DOType id="HARR" cdc="HWYE"><SDO name="phsAHar" type="CMV1" count="3"/><DA name="numHar" bType="INT16U" fc="CF"><Val>3</Val></DA></DOType>
    <DOType id="CMV1" cdc="CMV"><DA name="cVal" bType="Struct" type="Vec" fc="MX" dchg="true"/></DOType>
    <DAType id="AV"><BDA name="f" bType="FLOAT32"><Val>1.5</Val></BDA></DAType>
    <DAType id="Vec"><BDA name="mag" bType="Struct" type="AV"/></DAType>
    <DAType id="Unit"><BDA name="SIUnit" bType="Enum" type="SIUnit"><Val>V</Val></BDA></DAType>
    <EnumType id="Beh"><EnumVal ord="1">on</EnumVal><EnumVal ord="5">off</EnumVal></EnumType>
    <EnumType id="CtlModel"><EnumVal ord="0">status-only</EnumVal><EnumVal ord="1">direct-with-normal-security</EnumVal></EnumType>
    <EnumType id="SIUnit"><EnumVal ord="29">V</EnumVal></EnumType>
  </DataTypeTemplates>
</SCL>
"""

extension IEDModel.LogicalNode {
    /// The value at `FC$DO$…` of the node's MMS variable.
    func mmsValue(_ path: String) -> MMSValue? {
        var (type, value) = mmsVariable
        for name in path.split(separator: "$") {
            if case .array(_, _, let element) = type, case .array(let items) = value, let index = Int(name), items.indices.contains(index) {
                type = element
                value = items[index]
                continue
            }
            guard case .structure(let components, _) = type, case .structure(let values) = value,
                  let index = components.firstIndex(where: { $0.name == name }) else { return nil }
            type = components[index].type
            value = values[index]
        }
        return value
    }
}

@Suite("SCL resolver")
struct SCLResolverTests {
    @Test("template warnings come in type-id order, the same on every run")
    func templateWarningOrder() throws {
        var body = "<LNodeType id=\"T0\" lnClass=\"LLN0\"><DO name=\"D\" type=\"Z\"/></LNodeType>"
        for id in ["Z", "M", "B", "Q", "A"] { body += "<DOType id=\"\(id)\" cdc=\"X\"><SDO name=\"s\" type=\"missing\(id)\"/></DOType>" }
        let warnings = try SCLDocument(string: SCLHostileTests.templates(body)).validate().warnings.filter { $0.kind == .unknownType }
        // "SDO 's' refers to DOType 'missingA', which does not exist": the fourth quoted part names the missing type.
        let named: [String] = warnings.compactMap { warning in
            let parts = warning.message.split(separator: "'")
            return parts.count > 3 ? String(parts[3]) : nil
        }
        #expect(named == ["missingA", "missingB", "missingM", "missingQ", "missingZ"])
    }

    let document: SCLDocument
    let model: IEDModel
    let warnings: [SCLWarning]

    init() throws {
        document = try SCLDocument(string: sampleSCL)
        var warnings: [SCLWarning] = []
        model = try document.iedModel(warnings: &warnings)
        self.warnings = warnings
    }

    var lln0: IEDModel.LogicalNode { model.logicalDevices[0].logicalNodes[0] }
    var ggio: IEDModel.LogicalNode { model.logicalDevices[0].logicalNodes[1] }

    @Test("instance values apply over type defaults; enums map to ordinals")
    func values() throws {
        #expect(model.logicalDevices.map(\.name) == ["IED1LD0"])
        #expect(lln0.mmsValue("ST$Mod$stVal") == .integer(5))  // DAI "off"
        #expect(lln0.mmsValue("CF$Mod$ctlModel") == .integer(0))  // DAI over the DA's Val
        #expect(ggio.mmsValue("ST$Ind1$stVal") == .boolean(true))  // DA Val
        #expect(ggio.mmsValue("MX$AnIn1$mag$f") == .float(12.5))  // DAI over the BDA's Val
        #expect(ggio.mmsValue("CF$AnIn1$units$SIUnit") == .integer(29))  // BDA enum Val
        #expect(ggio.mmsValue("DC$NamPlt$vendor") == .visibleString("ACME & Sons"))
        #expect(ggio.mmsValue("ST$Ind1$q") == .bitString(MMSBitString(bits: Array(repeating: false, count: 13))))
        #expect(ggio.mmsValue("MX$Harm$phsAHar$1$cVal$mag$f") == .float(7))  // SDI ix into an SDO array
        #expect(ggio.mmsValue("MX$Harm$phsAHar$0$cVal$mag$f") == .float(1.5))
        #expect(ggio.mmsValue("CF$Harm$numHar") == .unsigned(3))
    }

    @Test("leaves list every leaf attribute with its path, FC, type, value and triggers")
    func leaves() throws {
        let leaves = ggio.leaves
        let f = try #require(leaves.first { $0.path == ["AnIn1", "mag", "f"] })
        #expect(f.attribute.fc == .MX && f.attribute.bType == .float32 && f.attribute.value == .float(12.5) && f.attribute.triggers == [.dataChange])
        #expect(leaves.contains { $0.path == ["Harm", "phsAHar(0)", "cVal", "mag", "f"] })
        #expect(leaves.count == model.counts.dataAttributes - lln0.leaves.count)
    }

    @Test("the MMS variable lists FCs in order and arrays as arrays")
    func mmsShape() throws {
        #expect(ggio.functionalConstraints.map(\.rawValue) == ["CF", "DC", "MX", "ST"])
        let (type, _) = ggio.mmsVariable
        let mx = try #require(type.component(named: "MX")?.type)
        guard case .array(let count, _, _) = mx.component(named: "Harm")?.type.component(named: "phsAHar")?.type else {
            Issue.record("phsAHar is not an array")
            return
        }
        #expect(count == 3)
    }

    @Test("trigger options come from the DA and pass to its components")
    func triggers() throws {
        guard case .dataAttribute(let mag) = ggio.dataObject(named: "AnIn1")?.child(named: "mag") else {
            Issue.record("no mag")
            return
        }
        #expect(mag.triggers == [.dataChange])
        #expect(mag.components.first?.triggers == [.dataChange])
    }

    @Test("dataset members resolve, a dangling one is dropped with a warning; control blocks keep their fields")
    func dataSetsAndControlBlocks() throws {
        let dataSet = try #require(lln0.dataSets.first)
        #expect(dataSet.members.map(\.reference) == ["IED1LD0/GGIO1.Ind1.stVal [ST]", "IED1LD0/GGIO1.AnIn1 [MX]", "IED1LD0/GGIO1.Harm.phsAHar(2).cVal [MX]"])
        #expect(warnings.contains { $0.kind == .unresolvedReference && $0.path.hasSuffix("FCDA[ldInst=\"LD0\",lnClass=\"GGIO\",lnInst=\"9\",doName=\"Gone\",fc=\"ST\"]") })
        let rcb = try #require(lln0.reportControls.first)
        #expect(rcb.isBuffered && rcb.instanceCount == 2 && rcb.bufTime == 50 && rcb.trgOps?.dchg == true && rcb.optFields?.seqNum == true)
        #expect(model.counts.reportControls == 1 && model.counts.dataSets == 1)
    }

    @Test("a DOI naming nothing is a warning with its element path, line and column")
    func unknownInstance() throws {
        let warning = try #require(warnings.first { $0.message.contains("Ghost") })
        #expect(warning.path == "SCL/IED[name=\"IED1\"]/AccessPoint[name=\"AP1\"]/Server/LDevice[inst=\"LD0\"]/LN[lnClass=\"GGIO\",inst=\"1\"]/DOI[name=\"Ghost\"]")
        #expect(warning.attribute == "name")
        #expect(warning.location.line == 23)
    }

    @Test("the summary is canonical text")
    func summary() throws {
        let text = model.summary
        #expect(text.hasPrefix("IED IED1 (access point AP1, manufacturer ACME)\n"))
        #expect(text.contains("      ST stVal Enum(Beh) = 5 {dchg}\n"))
        #expect(text.contains("    ReportControl RCB1 buffered rptID=r1 datSet=DS1 confRev=1 intgPd=1000 bufTime=50 trgOps=dchg,qchg optFields=seqNum,dataSet max=2\n"))
        #expect(try document.summary() == text)
    }

    @Test("Private content, other namespaces and unknown attributes survive a write and read")
    func privateContentKept() throws {
        let ied = try #require(document.ieds.first)
        #expect(ied.otherAttributes.contains(SCLAttribute(name: "acme:flavour", value: "vanilla")))
        let privateElement = try #require(ied.otherContent.first { $0.name == "Private" })
        #expect(privateElement.children.first?.text == "keep me")
        let written = document.xml()
        #expect(written.contains("<acme:Setting level=\"3\">keep me</acme:Setting>"))
        #expect(try SCLDocument(string: written) == document)
        #expect(document.otherAttributes.contains(SCLAttribute(name: "xmlns:acme", value: "urn:acme")))
    }

    @Test("the document round-trips through JSON (Codable)")
    func codable() throws {
        let data = try JSONEncoder().encode(document)
        #expect(try JSONDecoder().decode(SCLDocument.self, from: data) == document)
    }

    @Test("the writer escapes what must be escaped")
    func escaping() throws {
        var copy = document
        copy.ieds[0].desc = "a \"quoted\" <tag> & a\nnewline\tand tab"
        let again = try SCLDocument(string: copy.xml())
        #expect(again.ieds[0].desc == copy.ieds[0].desc)
    }
}

@Suite("SCL errors")
struct SCLErrorTests {
    @Test("a DOType that refers to itself through others: typeCycle at the SDO closing the cycle")
    func indirectCycle() throws {
        let file = "riseclipse-validator-scl2003-test/scl/input/oclContraintsTests/DOType/DOTypeReferingIndirectlyToItself.scl"
        let report = try SCLDocument(contentsOfFile: SCLCorpus.path(file)).validate()
        let error = try #require(report.errors.first)
        #expect(error.kind == .typeCycle)
        #expect(error.message == "DOType 'doType1' refers to itself through 'doType2', 'doType3' (doType1 → doType2 → doType3 → doType1)")
        #expect(error.path == "SCL/DataTypeTemplates/DOType[id=\"doType3\"]/SDO[name=\"sdo\"]" && error.attribute == "type")
        #expect(error.location.line == 18 && error.location.column == 7)
    }

    @Test("a DOType that refers to itself directly")
    func directCycle() throws {
        let file = "riseclipse-validator-scl2003-test/scl/input/oclContraintsTests/DOType/DOTypeReferingDirectlyToItself.scl"
        let error = try #require(try SCLDocument(contentsOfFile: SCLCorpus.path(file)).validate().errors.first)
        #expect(error.kind == .typeCycle && error.message.hasPrefix("DOType 'doType' refers to itself (doType → doType)"))
    }

    @Test("an invalid SCL version is refused with its attribute")
    func invalidVersion() {
        let file = "riseclipse-validator-scl2003-test/scl/input/oclContraintsTests/SCL/InvalidVersionValueInSCL.scl"
        #expect { try SCLDocument(contentsOfFile: SCLCorpus.path(file)) } throws: { error in
            guard let error = error as? SCLError else { return false }
            return error.kind == .invalidVersion && error.attribute == "version" && error.location.line == 2
        }
    }

    @Test("a missing required attribute names the element path and attribute (libiec61850's sampleModel_errors.icd)")
    func missingAttribute() {
        #expect { try SCLDocument(contentsOfFile: SCLCorpus.path("libiec61850/tools/model_generator/sampleModel_errors.icd")) } throws: { error in
            guard let error = error as? SCLError else { return false }
            return error.kind == .missingAttribute && error.attribute == "name" && error.location.line == 20
                && error.path == "SCL/IED[name=\"SampleIED\"]/AccessPoint" && error.description.hasPrefix("20:")
        }
    }

    @Test("a root that is not SCL, and malformed XML, are typed errors with positions")
    func notSCL() {
        #expect { try SCLDocument(string: "<html/>") } throws: { ($0 as? SCLError)?.kind == .notSCL }
        #expect { try SCLDocument(string: "<SCL><IED name=\"a\"></SCL>") } throws: { error in
            guard let error = error as? SCLError else { return false }
            return error.kind == .malformedXML && error.location.line == 1 && error.path == "SCL/IED[name=\"a\"]"
        }
        #expect { try SCLDocument(string: "<SCL><Header id=\"x\" version=\"1\"/><IED name=\"a\"><AccessPoint name=\"p\"><Server timeout=\"soon\"/></AccessPoint></IED></SCL>") } throws: { error in
            guard let error = error as? SCLError else { return false }
            return error.kind == .invalidValue && error.attribute == "timeout"
        }
    }

    @Test("a missing LNodeType fails strict loading and is reported by validate")
    func unknownLNodeType() throws {
        let text = sampleSCL.replacingOccurrences(of: "lnType=\"GGIOT\"", with: "lnType=\"Nope\"")
        let document = try SCLDocument(string: text)
        #expect(document.validate().errors.map(\.kind) == [.unknownType])
        #expect(throws: SCLError.self) { try document.iedModel(strict: true) }
        var warnings: [SCLWarning] = []
        let lenient = try document.iedModel(warnings: &warnings)
        #expect(lenient.logicalDevices[0].logicalNodes.map(\.name) == ["LLN0"])
        #expect(warnings.contains { $0.kind == .unknownType && $0.attribute == "lnType" })
    }

    @Test("no IED, or a named IED that is not there, is an error naming what exists")
    func noSuchIED() throws {
        let document = try SCLDocument(string: sampleSCL)
        #expect { try document.iedModel(ied: "Other") } throws: { ($0 as? SCLError)?.message == "there is no IED 'Other'; the file has IED1" }
    }
}

@Suite("SCL values and counts")
struct SCLValueTests {
    @Test("a count that names a sibling attribute takes that attribute's value (Ed. 2.1)")
    func countBySibling() throws {
        let text = SCLHostileTests.templates("""
        <LNodeType id="T0" lnClass="LLN0"><DO name="D" type="D0"/></LNodeType>
        <DOType id="D0" cdc="CSD"><DA name="numPts" bType="INT16U" fc="DC"><Val>3</Val></DA><DA name="crvPts" bType="FLOAT32" fc="DC" count="numPts"/></DOType>
        """)
        let model = try SCLDocument(string: text).iedModel(strict: true)
        guard case .dataAttribute(let points)? = model.logicalDevices[0].logicalNodes[0].dataObject(named: "D")?.child(named: "crvPts") else {
            Issue.record("no crvPts")
            return
        }
        #expect(points.count == 3 && points.elements.count == 3)
        let bad = SCLHostileTests.templates("""
        <LNodeType id="T0" lnClass="LLN0"><DO name="D" type="D0"/></LNodeType>
        <DOType id="D0" cdc="CSD"><DA name="crvPts" bType="FLOAT32" fc="DC" count="nobody"/></DOType>
        """)
        #expect { try SCLDocument(string: bad).iedModel(strict: true) } throws: { ($0 as? SCLError)?.attribute == "count" }
    }

    @Test("Timestamp values in ISO 8601 become UtcTime", arguments: [
        ("2024-05-06T07:08:09.250Z", 1_714_979_289.25), ("2024-05-06T09:08:09+02:00", 1_714_979_289.0), ("1970-01-01T00:00:00", 0.0),
    ])
    func timestamps(text: String, seconds: Double) {
        #expect(SCLBasicType.unixSeconds(iso8601: text) == seconds)
    }

    @Test("malformed timestamps are refused", arguments: ["2024-13-01T00:00:00Z", "2024-05-06", "2024-05-06T07:08:09.Z", "yesterday", "2024-05-06T07:08:09+0200"])
    func badTimestamps(text: String) {
        #expect(SCLBasicType.unixSeconds(iso8601: text) == nil)
    }
}
