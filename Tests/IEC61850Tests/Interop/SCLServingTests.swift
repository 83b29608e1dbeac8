// Servers built from ../shared/scl files serve what the SCL declares: every LD, LN and FC, each FC's MMS type
// and every initial value, read back through libiec61850's client (GetVariableAccessAttributes + Read of each
// LN$FC) and compared with the resolved IEDModel; spot values are checked against the XML by hand.

import Foundation
import IEC61850
import IEC61850Demo
import Testing

/// Runs one of our libiec61850 test scripts (`Tests/IEC61850Tests/Fixtures/`) against 127.0.0.1:port; it reuses the
/// shared peer's client.py (connection with its race workaround, JSON forms).
func runLibiecFixture(_ name: String, port: Int, _ arguments: [String] = []) throws -> (Int32, String) {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/" + name).path
    return try PeerEnvironment.run(PeerEnvironment.python,
                                   [script, Peer.libiec.folder.appendingPathComponent("client.py").path, "127.0.0.1:\(port)"] + arguments)
}

@Suite("Serving SCL files", .serialized)
struct SCLServingTests {
    static let corpus = PeerEnvironment.sharedFolder.appendingPathComponent("scl")

    /// Files covering Ed1, Ed2 and Ed2.1, several LDs, arrays, enums, structures and setting group values.
    static let files = [
        "libiec61850/examples/server_example_basic_io/simpleIO_direct_control.cid",
        "libiec61850/tools/model_generator/complexModel.icd",
        "libiec61850/examples/server_example_complex_array/mhai_array.cid",
        "libiec61850/examples/server_example_deadband/cid_example_deadband.cid",
        "iec61850bean/src/test/resources/testModel2.icd",
        "open-scd/packages/plugins/test/testfiles/importieds/valid.iid",
        "open-scd/packages/plugins/test/testfiles/wizards/settingGroups.scd",
    ]

    static func specJSON(_ type: MMSTypeSpecification, name: String?) -> [String: Any] {
        var out: [String: Any] = ["name": name.map { $0 as Any } ?? NSNull()]
        switch type {
        case .structure(let components, _):
            out["type"] = "structure"
            out["elements"] = components.map { specJSON($0.type, name: $0.name) }
        case .array(let count, _, let element):
            out["type"] = "array"
            out["size"] = Int(count)
            out["element"] = specJSON(element, name: nil)
        case .boolean: out["type"] = "boolean"
        case .integer(let bits): out["type"] = "integer"; out["size"] = Int(bits)
        case .unsigned(let bits): out["type"] = "unsigned"; out["size"] = Int(bits)
        case .floatingPoint(let width, let exponent): out["type"] = "float"; out["size"] = Int(width); out["exponentWidth"] = Int(exponent)
        case .bitString(let size): out["type"] = "bit_string"; out["size"] = Int(size)
        case .octetString(let size): out["type"] = "octet_string"; out["size"] = Int(size)
        case .visibleString(let size): out["type"] = "visible_string"; out["size"] = Int(size)
        case .mmsString(let size): out["type"] = "string"; out["size"] = Int(size)
        case .utcTime: out["type"] = "utc_time"
        case .binaryTime: out["type"] = "binary_time"
        default: out["type"] = "\(type)"
        }
        return out
    }

    static func valueJSON(_ value: MMSValue) -> [String: Any] {
        switch value {
        case .structure(let items): return ["type": "structure", "value": items.map(valueJSON)]
        case .array(let items): return ["type": "array", "value": items.map(valueJSON)]
        case .boolean(let flag): return ["type": "boolean", "value": flag]
        case .integer(let number): return ["type": "integer", "value": number]
        case .unsigned(let number): return ["type": "unsigned", "value": number]
        case .float(let number): return ["type": "float", "value": Double(number)]
        case .double(let number): return ["type": "float", "value": number]
        case .bitString(let bits): return ["type": "bit_string", "size": bits.bits.count, "value": bits.description]
        case .octetString(let bytes): return ["type": "octet_string", "value": bytes.map { String(format: "%02x", $0) }.joined()]
        case .visibleString(let text): return ["type": "visible_string", "value": text]
        case .mmsString(let text): return ["type": "string", "value": text]
        case .utcTime(let time): return ["type": "utc_time", "value": Int(time.seconds) * 1000, "quality": Int(time.quality.rawValue)]
        default: return ["type": "\(value)"]
        }
    }

    /// JSON text with sorted keys, so that two trees compare as strings; `iso` fields (derived) are dropped.
    static func canonical(_ object: Any) throws -> String {
        func strip(_ value: Any) -> Any {
            if let dictionary = value as? [String: Any] { return dictionary.filter { $0.key != "iso" }.mapValues(strip) }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: strip(object), options: [.sortedKeys]), as: UTF8.self)
    }

    static func dump(port: Int) throws -> String {
        let (status, output) = try runLibiecFixture("libiec_model_dump.py", port: port)
        guard status == 0 else { throw PeerHarnessError.clientFailed("libiec_model_dump.py exited \(status): \(output)") }
        return output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
    }

    @Test("libiec61850's client sees every LD, LN, FC, type and initial value the SCL declares", arguments: files)
    func servedAsDeclared(file: String) async throws {
        try PeerEnvironment.ensurePeersInstalled()
        let path = Self.corpus.appendingPathComponent(file).path
        let model = try SCLDocument(contentsOfFile: path).iedModel()
        let (server, port) = try await startServer(ServedModel(model)) { $0.identity = DeviceIdentity(model) }
        let output = try await offload { try Self.dump(port: port) }
        await server.shutdown()
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: [String: [String: Any]]]], "\(output)")

        #expect(Set(seen.keys) == Set(model.logicalDevices.map(\.name)), "\(file)")
        var compared = 0
        for device in model.logicalDevices {
            let nodes = seen[device.name] ?? [:]
            #expect(Set(nodes.keys) == Set(device.logicalNodes.map(\.name)), "\(file) \(device.name)")
            for node in device.logicalNodes {
                let fcs = nodes[node.name] ?? [:]
                // Data FCs as the SCL declares them, plus RP and BR holding one control block per configured instance.
                func instances(buffered: Bool) -> [String] {
                    node.reportControls.filter { $0.isBuffered == buffered }.flatMap { block in
                        block.isIndexed ? (1...max(1, block.instanceCount)).map { block.name + String(format: "%02d", $0) } : [block.name]
                    }
                }
                let controlFCs = [("RP", instances(buffered: false)), ("BR", instances(buffered: true))].filter { !$0.1.isEmpty }
                #expect(Set(fcs.keys) == Set(node.functionalConstraints.map(\.rawValue) + controlFCs.map(\.0)), "\(file) \(device.name)/\(node.name)")
                for (fc, expected) in controlFCs {
                    let names = (dig(fcs[fc] ?? [:], "spec", "elements") as? [[String: Any]])?.compactMap { $0["name"] as? String }
                    #expect(names == expected, "\(file) \(device.name)/\(node.name) [\(fc)]")
                }
                let (type, value) = node.mmsVariable
                for fc in node.functionalConstraints {
                    guard let entry = fcs[fc.rawValue], let fcType = type.component(named: fc.rawValue)?.type,
                          case .structure(let values) = value, let index = type.components.firstIndex(where: { $0.name == fc.rawValue }) else { continue }
                    let expectedSpec = try Self.canonical(Self.specJSON(fcType, name: nil))  // libiec61850 names the top level null
                    let seenSpec = try Self.canonical(entry["spec"] ?? NSNull())
                    #expect(seenSpec == expectedSpec, "\(file) \(device.name)/\(node.name) [\(fc)] type")
                    let expectedValue = try Self.canonical(Self.valueJSON(values[index]))
                    let seenValue = try Self.canonical(entry["value"] ?? NSNull())
                    #expect(seenValue == expectedValue, "\(file) \(device.name)/\(node.name) [\(fc)] value")
                    compared += 1
                }
            }
        }
        #expect(compared > 5)
    }

    @Test("values written in the SCL arrive as written (checked by hand against the XML)")
    func spotValues() async throws {
        try PeerEnvironment.ensurePeersInstalled()
        let path = Self.corpus.appendingPathComponent("libiec61850/examples/server_example_basic_io/simpleIO_direct_control.cid").path
        let (server, port) = try await startServer(try ServedModel.load(scl: path))
        let vendor = try await offload { try runPeerClient(.libiec, port: port, ["read", "simpleIOGenericIO/LLN0.NamPlt.vendor", "DC"]) }
        #expect(dig(vendor.json, "value", "value") as? String == "MZ Automation")
        let ctlModel = try await offload { try runPeerClient(.libiec, port: port, ["read", "simpleIOGenericIO/GGIO1.SPCSO1.ctlModel", "CF"]) }
        #expect(dig(ctlModel.json, "value", "value") as? Int == 1)  // <Val>direct-with-normal-security</Val> → ord 1
        await server.shutdown()
    }
}

@Suite("Identify and abort from libiec61850's client", .serialized)
struct IdentifyAbortInteropTests {
    @Test("a server loaded from SCL identifies itself with the IED's manufacturer, type and configVersion; the client's abort is counted")
    func identifyThenAbort() async throws {
        try PeerEnvironment.ensurePeersInstalled()
        let path = SCLServingTests.corpus.appendingPathComponent("open-scd/packages/plugins/test/testfiles/importieds/valid.iid").path
        let model = try SCLDocument(contentsOfFile: path).iedModel()
        let (server, port) = try await startServer(ServedModel(model)) { $0.identity = DeviceIdentity(model) }
        let (status, output) = try await offload { try runLibiecFixture("libiec_identify_abort.py", port: port) }
        #expect(status == 0, "\(output)")
        let json = try #require(jsonObject(output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""), "\(output)")
        #expect(json["identifyError"] as? Int == 0)
        #expect(json["vendor"] as? String == "TestMan")
        #expect(json["model"] as? String == "TestType")
        #expect(json["abortError"] as? Int == 0)
        // The abort arrives asynchronously; wait (bounded) for the server to count it.
        for _ in 0..<100 where server.statistics.aborted == 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.statistics.aborted == 1 && server.statistics.associated == 1)
        #expect(server.statistics.abortedByClient == 1)  // an ABORT SPDU, not a mere TCP close
        await server.shutdown()
    }
}

@Suite("Static datasets from SCL", .serialized)
struct StaticDataSetInteropTests {
    func serve(_ file: String) async throws -> (IEDServer, Int, IEDModel) {
        try PeerEnvironment.ensurePeersInstalled()
        let model = try SCLDocument(contentsOfFile: SCLServingTests.corpus.appendingPathComponent(file).path).iedModel()
        let (server, port) = try await startServer(ServedModel(model))
        return (server, port, model)
    }

    @Test("libiec61850's client lists the datasets, reads their directory and values (attribute and whole-DO members)")
    func libiecReadsDataSets() async throws {
        let (server, port, _) = try await serve("libiec61850/examples/server_example_basic_io/simpleIO_direct_control.cid")
        try server.update("simpleIOGenericIO/GGIO1.SPCSO2.stVal", fc: .ST, to: .boolean(true))
        let directory = try await offload { try runPeerClient(.libiec, port: port, ["dir"]) }
        let names = dig(directory.json, "serverDirectory", "simpleIOGenericIO", "LLN0", "dataSets") as? [String]
        #expect(Set(names ?? []) == ["Events", "Events2", "Measurements"], "\(directory.json)")
        let events = try await offload { try runPeerClient(.libiec, port: port, ["dsvalues", "simpleIOGenericIO/LLN0.Events"]) }
        let members = try #require(events.json["members"] as? [[String: Any]], "\(events.json)")
        #expect(members.compactMap { $0["ref"] as? String } == (1...4).map { "simpleIOGenericIO/GGIO1.SPCSO\($0).stVal[ST]" })
        #expect(members.compactMap { dig($0, "value", "value") as? Bool } == [false, true, false, false])
        let whole = try await offload { try runPeerClient(.libiec, port: port, ["dsvalues", "simpleIOGenericIO/LLN0.Events2"]) }
        let first = try #require((whole.json["members"] as? [[String: Any]])?.first)
        #expect(first["ref"] as? String == "simpleIOGenericIO/GGIO1.SPCSO1[ST]")
        #expect(dig(first, "value", "type") as? String == "structure")  // the whole DO under ST: stVal, q, t
        await server.shutdown()
    }

    @Test("array-element members are served with alternate access (libiec61850 reads them through the list)")
    func arrayMembers() async throws {
        let (server, port, model) = try await serve("libiec61850/examples/server_example_complex_array/mhai_array.cid")
        let reply = try await offload { try runPeerClient(.libiec, port: port, ["dsvalues", "testComplexArray/MHAI1.TestMHAI"]) }
        let members = try #require(reply.json["members"] as? [[String: Any]], "\(reply.json)")
        let dataSet = try #require(model.logicalDevices[0].logicalNodes.first { $0.name == "MHAI1" }?.dataSets.first)
        #expect(members.count == dataSet.members.count)
        #expect(members.allSatisfy { dig($0, "value", "type") as? String != "data_access_error" }, "\(members)")
        #expect(dig(members.last ?? [:], "value", "type") as? String == "float")  // phsAHar(11).cVal.mag.f
        await server.shutdown()
    }

    @Test("an unknown dataset is an error for libiec61850's client, not an empty list")
    func unknownDataSet() async throws {
        let (server, port, _) = try await serve("libiec61850/examples/server_example_basic_io/simpleIO_direct_control.cid")
        let reply = try await offload { try runPeerClient(.libiec, port: port, ["dsvalues", "simpleIOGenericIO/LLN0.Nope"]) }
        #expect(reply.status != 0)
        await server.shutdown()
    }
}

extension StaticDataSetInteropTests {
    @Test("the seed's, open61850's and py61850's clients read a static dataset's values", arguments: [Peer.seed, .open61850, .py61850])
    func otherPeersReadDataSets(peer: Peer) async throws {
        let (server, port, _) = try await serve("libiec61850/examples/server_example_basic_io/simpleIO_direct_control.cid")
        try server.update("simpleIOGenericIO/GGIO1.SPCSO3.stVal", fc: .ST, to: .boolean(true))
        let reply = try await offload { try runPeerClient(peer, port: port, ["dsvalues", "simpleIOGenericIO/LLN0.Events"]) }
        #expect(reply.status == 0, "\(reply.json)")
        let values: [Bool]
        if let list = dig(reply.json, "result", "values") as? [Bool] {
            values = list  // py61850: the values only
        } else {
            values = (dig(reply.json, "result", "members") as? [[String: Any]] ?? []).compactMap { $0["value"] as? Bool }
        }
        #expect(values == [false, false, true, false], "\(reply.json)")
        await server.shutdown()
    }
}

@Suite("Array elements by alternate access", .serialized)
struct ArrayAlternateAccessInteropTests {
    @Test("libiec61850's MMS client reads an index range and one element's component of an SCL array")
    func libiecReadsArrayElements() async throws {
        try PeerEnvironment.ensurePeersInstalled()
        let path = SCLServingTests.corpus.appendingPathComponent("libiec61850/examples/server_example_complex_array/mhai_array.cid").path
        var model = try SCLDocument(contentsOfFile: path).iedModel()
        // Give two elements of MHAI1.HA.phsAHar distinct values, so that the right elements must come back.
        let node = try #require(model.logicalDevices[0].logicalNodes.firstIndex { $0.name == "MHAI1" })
        let ha = try #require(model.logicalDevices[0].logicalNodes[node].dataObjects.firstIndex { $0.name == "HA" })
        func setMagnitude(_ element: Int, _ value: Float) {
            var object = model.logicalDevices[0].logicalNodes[node].dataObjects[ha]
            guard let harmonics = object.children.firstIndex(where: { $0.name == "phsAHar" }),
                  case .dataObject(var array) = object.children[harmonics],
                  case .dataAttribute(var cVal)? = array.elements[element].child(named: "cVal"),
                  let mag = cVal.components.firstIndex(where: { $0.name == "mag" }) else { return }
            cVal.components[mag].components[0].value = .float(value)
            let cValIndex = array.elements[element].children.firstIndex { $0.name == "cVal" } ?? 0
            array.elements[element].children[cValIndex] = .dataAttribute(cVal)
            object.children[harmonics] = .dataObject(array)
            model.logicalDevices[0].logicalNodes[node].dataObjects[ha] = object
        }
        setMagnitude(1, 7.5)
        setMagnitude(3, 9.25)
        let (server, port) = try await startServer(ServedModel(model))
        let (status, output) = try await offload {
            try runLibiecFixture("libiec_array_access.py", port: port, ["testComplexArray", "MHAI1$MX$HA$phsAHar", "2", "3", "1", "cVal$mag$f"])
        }
        await server.shutdown()
        #expect(status == 0, "\(output)")
        let json = try #require(jsonObject(output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""), "\(output)")
        #expect(dig(json, "component", "error") as? Int == 0)
        #expect(dig(json, "component", "value", "value") as? Double == 7.5)
        let range = try #require(dig(json, "range", "value", "value") as? [[String: Any]], "\(json)")
        #expect(range.count == 3)  // elements 2, 3, 4
        // element 3 is the second of the range: structure { cVal { mag { f }, … }, q, t }
        let cVal = (range[1]["value"] as? [[String: Any]])?.first
        let mag = (cVal?["value"] as? [[String: Any]])?.first
        #expect(((mag?["value"] as? [[String: Any]])?.first)?["value"] as? Double == 9.25)
    }
}

@Suite("Common data classes kept in the served model")
struct CommonDataClassTests {
    @Test("serving SCL keeps every data object's and sub-data-object's CDC", arguments: SCLServingTests.files)
    func fromSCL(file: String) throws {
        let model = try SCLDocument(contentsOfFile: SCLServingTests.corpus.appendingPathComponent(file).path).iedModel()
        let served = ServedModel(model)
        var checked = 0
        func check(_ object: IEDModel.DataObject, _ reference: ObjectReference) {
            #expect(served.commonDataClass(of: reference) == (object.cdc.isEmpty ? nil : object.cdc), "\(reference)")
            checked += 1
            for case .dataObject(let sub) in object.children { check(sub, reference.appending(sub.name)) }
        }
        for device in model.logicalDevices {
            for node in device.logicalNodes {
                for object in node.dataObjects {
                    check(object, ObjectReference(logicalDevice: device.name, logicalNode: node.name, path: [object.name]))
                }
            }
        }
        #expect(checked > 0)
    }

    @Test("a model built with the DSL knows each data object's CDC")
    func fromDSL() {
        let model = DemoIED.model()
        let ld = DemoIED.logicalDevice
        #expect(model.commonDataClass(of: "\(ld)/GGIO1.SPCSO1") == "SPC")
        #expect(model.commonDataClass(of: "\(ld)/GGIO1.AnIn1") == "MV")
        #expect(model.commonDataClass(of: "\(ld)/LLN0.Mod") == "ENC")
        #expect(model.commonDataClass(of: "\(ld)/LLN0.NamPlt") == "LPL")
        #expect(model.commonDataClass(of: "\(ld)/GGIO1.Nope") == nil)
    }
}

extension CommonDataClassTests {
    @Test("serving SCL keeps every attribute's values per setting group")
    func settingGroupValues() throws {
        let file = "open-scd/packages/plugins/test/testfiles/wizards/settingGroups.scd"
        let document = try SCLDocument(contentsOfFile: SCLServingTests.corpus.appendingPathComponent(file).path)
        var kept = 0
        for ied in document.ieds {
            guard let model = try? document.iedModel(ied: ied.name) else { continue }
            let served = ServedModel(model)
            for device in model.logicalDevices {
                for node in device.logicalNodes {
                    for leaf in node.leaves where !leaf.attribute.settingGroupValues.isEmpty {
                        let reference = ObjectReference(logicalDevice: device.name, logicalNode: node.name, path: leaf.path)
                        #expect(served.settingGroupValues(of: reference, fc: leaf.attribute.fc) == leaf.attribute.settingGroupValues, "\(reference)")
                        kept += 1
                    }
                }
            }
        }
        #expect(kept >= 2, "the file has attributes with values per group")
    }
}
