// Application handlers on the server: writes and reads decided by (async) application code, seen by a
// real client (libiec61850) and ours; atomic batch updates.

import IEC61850
@_spi(OSI) import IEC61850MMS
import IEC61850Demo
import Testing

@Suite("Server handlers", .serialized)
struct ServerHandlerTests {
    @Test("onWrite: accept and store, accept without storing, reject with a DataAccessError — seen by libiec61850")
    func writeHandler() async throws {
        try await withDemoServer { server, port in
            let setting: ObjectReference = "\(ld)/GGIO1.StrVal"
            let applied = AppliedValues()
            server.onWrite(setting) { request in
                await applied.record(request.value)
                guard case .float(let value) = request.value else { return .reject(.typeInconsistent) }
                if value > 100 { return .reject(.objectValueInvalid) }
                return value < 0 ? .acceptWithoutStoring : .accept
            }
            let accepted = try await offload { try runPeerClient(.libiec, port: port, ["write", "\(ld)/GGIO1.StrVal.setMag.f", "SP", "float", "42"]) }
            #expect(accepted.status == 0, "\(accepted.json)")
            #expect(server.value("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP) == .float(42))

            let rejected = try await offload { try runPeerClient(.libiec, port: port, ["write", "\(ld)/GGIO1.StrVal.setMag.f", "SP", "float", "500"]) }
            #expect(rejected.status != 0)
            #expect(rejected.json["iedErrorName"] as? String == "IED_ERROR_OBJECT_VALUE_INVALID", "\(rejected.json)")
            #expect(server.value("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP) == .float(42))

            try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
                try await client.write("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP, Float(-1))
                let stored = try await client.read(Float.self, "\(ld)/GGIO1.StrVal.setMag.f", fc: .SP)
                #expect(stored == 42)  // accepted without storing
                // Writes outside the hook's reference are not shown to it.
                let denied = await #expect(throws: IEC61850Error.self) { try await client.write("\(ld)/GGIO1.Ind1.stVal", fc: .ST, true) }
                #expect(denied?.dataAccessError == .objectAccessDenied)
            }
            #expect(await applied.values == [.float(42), .float(500), .float(-1)])
        }
    }

    @Test("onRead: the application supplies or refuses values at read time")
    func readHandler() async throws {
        try await withDemoServer { server, port in
            server.onRead("\(ld)/GGIO1.AnIn2") { request in
                await Task.yield()
                if request.reference.path.last == "f" { return .value(.float(99.5)) }
                return .current
            }
            server.onRead("\(ld)/GGIO1.Cnt1") { _ in .reject(.temporarilyUnavailable) }
            let reply = try await offload { try runPeerClient(.libiec, port: port, ["read", "\(ld)/GGIO1.AnIn2.mag.f", "MX"]) }
            #expect(dig(reply.json, "value", "value") as? Double == 99.5, "\(reply.json)")
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
                let error = await #expect(throws: IEC61850Error.self) { try await client.read("\(ld)/GGIO1.Cnt1.stVal", fc: .ST) }
                #expect(error?.dataAccessError == .temporarilyUnavailable)
                let other = try await client.read(Float.self, "\(ld)/GGIO1.AnIn1.mag.f", fc: .MX)
                #expect(other == 1.5)
            }
        }
    }

    @Test("an attribute handle updates straight away, is type-checked, and its changes are reported")
    func attributeHandle() async throws {
        var model = DemoIED.model()
        try model.addDataSet("\(ld)/LLN0.Events", members: [DataSetMember("\(ld)/GGIO1.AnIn1.mag.f", fc: .MX)])
        try model.addReportControl(ServedReportControl(domain: ld, logicalNode: "LLN0", name: "rcb01", reportID: "r", dataSet: "\(ld)/LLN0$Events"))
        try await withServer(model) { server, port in
            let power = try server.attribute("\(ld)/GGIO1.AnIn1.mag.f", fc: .MX)
            #expect(throws: IEC61850Error.self) { try server.attribute("\(ld)/GGIO1.Nope.mag.f", fc: .MX) }
            #expect(throws: IEC61850Error.self) { try server.update(power, to: .boolean(true)) }
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
                let stream = try await client.enableReporting("\(ld)/LLN0.RP.rcb01", settings: ReportSettings(optionalFields: [.reasonCode]))
                var iterator = stream.makeAsyncIterator()
                try server.update(power, to: .float(42.5))
                #expect(try await client.read(Float.self, "\(ld)/GGIO1.AnIn1.mag.f", fc: .MX) == 42.5)
                let report = try #require(try await iterator.next())
                #expect(report.entries.first?.value == .float(42.5) && report.entries.first?.reason == .dataChange)
            }
        }
    }

    @Test("a batch update is atomic: one bad item and none is applied")
    func batchUpdate() async throws {
        try await withDemoServer { server, _ in
            try server.update([("\(ld)/GGIO1.AnIn1.mag.f", .MX, .float(5)), ("\(ld)/GGIO1.Ind1.stVal", .ST, .boolean(true))])
            #expect(server.value("\(ld)/GGIO1.AnIn1.mag.f", fc: .MX) == .float(5))
            #expect(server.value("\(ld)/GGIO1.Ind1.stVal", fc: .ST) == .boolean(true))
            #expect(throws: IEC61850Error.self) {
                try server.update([("\(ld)/GGIO1.AnIn1.mag.f", .MX, .float(6)), ("\(ld)/GGIO1.Ind1.stVal", .ST, .integer(1))])
            }
            #expect(server.value("\(ld)/GGIO1.AnIn1.mag.f", fc: .MX) == .float(5))
        }
    }
}

actor AppliedValues {
    var values: [MMSValue] = []
    func record(_ value: MMSValue) { values.append(value) }
}

@Suite("Server request pipeline", .serialized)
struct ServerRequestPipelineTests {
    /// The demo IED with a dataset and a URCB, so that report control block attributes are writable.
    func model() throws -> ServedModel {
        var model = DemoIED.model()
        try model.addDataSet("\(ld)/LLN0.Events", members: [DataSetMember("\(ld)/GGIO1.Ind1.stVal", fc: .ST)])
        try model.addReportControl(ServedReportControl(domain: ld, logicalNode: "LLN0", name: "rcb01", reportID: "r", dataSet: "\(ld)/LLN0$Events"))
        return model
    }

    /// One request over a raw association; the answer.
    func rawRequest(port: Int, _ request: MMSConfirmedRequest) async throws -> MMSPDU? {
        try await offload { () -> MMSPDU? in
            let raw = RawConnection(port: port)
            defer { raw.close() }
            guard var association = raw.associateKeeping() else { return nil }
            return raw.request(request, on: &association)
        }
    }

    /// One Write request over a raw association; the per-variable results.
    func rawWrite(port: Int, _ items: [(String, MMSValue)], domain: String = ld) async throws -> [DataAccessError?] {
        let variables = items.map { MMSVariableSpecification(name: .domainSpecific(domain: domain, item: $0.0)) }
        let answer = try await rawRequest(port: port, .write(.listOfVariables(variables), items.map(\.1)))
        guard case .confirmedResponse(_, .write(let results))? = answer else {
            throw PeerHarnessError.clientFailed("no write response: \(String(describing: answer))")
        }
        return results
    }

    @Test("a write list mixing a report control block attribute with a variable onWrite rejects: the rejection holds")
    func noBypassThroughReportControlWrites() async throws {
        try await withServer(try model()) { server, port in
            server.onWrite("\(ld)/GGIO1.StrVal") { request in
                guard case .float(let value) = request.value, value <= 100 else { return .reject(.objectValueInvalid) }
                return .accept
            }
            let results = try await rawWrite(port: port, [("LLN0$RP$rcb01$RptID", .visibleString("mixed")),
                                                          ("GGIO1$SP$StrVal$setMag$f", .float(500))])
            #expect(results == [nil, .objectValueInvalid])
            #expect(server.value("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP) != .float(500), "the handler's rejection was bypassed")
            // The other order, and an accepted value beside the block attribute: each variable gets its own decision.
            let again = try await rawWrite(port: port, [("GGIO1$SP$StrVal$setMag$f", .float(7)), ("LLN0$RP$rcb01$RptID", .visibleString("again"))])
            #expect(again == [nil, nil])
            #expect(server.value("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP) == .float(7))
            #expect(server.value("\(ld)/LLN0.rcb01.RptID", fc: .RP) == .visibleString("again"))
        }
    }

    @Test("writing a structure does not get around a handler on one of its attributes")
    func structureWriteAsksInnerHandler() async throws {
        try await withServer(try model()) { server, port in
            let seen = AppliedValues()
            server.onWrite("\(ld)/GGIO1.StrVal.setMag.f") { request in
                await seen.record(.visibleString("\(request.reference) [\(request.fc)]"))
                await seen.record(request.value)
                guard case .float(let value) = request.value, value <= 100 else { return .reject(.objectValueInvalid) }
                return .accept
            }
            // GGIO1$SP$StrVal is {setMag {f}}: the whole DO, and its setMag, carry the attribute the handler guards.
            let whole = try await rawWrite(port: port, [("GGIO1$SP$StrVal", .structure([.structure([.float(500)])]))])
            let middle = try await rawWrite(port: port, [("GGIO1$SP$StrVal$setMag", .structure([.float(600)]))])
            #expect(whole == [.objectValueInvalid] && middle == [.objectValueInvalid])
            #expect(server.value("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP) == .float(1.2))
            let accepted = try await rawWrite(port: port, [("GGIO1$SP$StrVal", .structure([.structure([.float(50)])]))])
            #expect(accepted == [nil])
            #expect(server.value("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP) == .float(50))
            #expect(await seen.values.first == .visibleString("\(ld)/GGIO1.StrVal.setMag.f [SP]"), "the handler sees its own attribute")
            let values = await seen.values
            #expect(values.contains(.float(500)) && values.contains(.float(50)))
        }
    }

    @Test("reading a structure, a whole LN or through an alternate access asks the handlers of the parts inside")
    func structureReadAsksInnerHandler() async throws {
        try await withServer(try model()) { server, port in
            server.onRead("\(ld)/GGIO1.AnIn2.mag.f") { _ in .value(.float(99.5)) }
            server.onRead("\(ld)/GGIO1.Cnt1.stVal") { _ in .reject(.temporarilyUnavailable) }
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
                // The DO read whole: the handler's value is in it.
                let analogue = try await client.read("\(ld)/GGIO1.AnIn2", fc: .MX)
                guard case .structure(let fields) = analogue, case .structure(let magnitude)? = fields.first else {
                    Issue.record("\(analogue)")
                    return
                }
                #expect(magnitude == [.float(99.5)])
                // Through an alternate access of the DO.
                let selected = try await client.read("\(ld)/GGIO1.AnIn2", fc: .MX, access: MMSAlternateAccess([.component("mag"), .component("f")]))
                #expect(selected == .float(99.5))
                // A refusal inside a structure refuses the structure, and the whole LN.
                let refused = await #expect(throws: IEC61850Error.self) { try await client.read("\(ld)/GGIO1.Cnt1", fc: .ST) }
                #expect(refused?.dataAccessError == .temporarilyUnavailable)
            }
            // The whole LN (no FC): MMS lets a client read it in one variable.
            let variable = MMSVariableSpecification(name: .domainSpecific(domain: ld, item: "GGIO1"))
            let answer = try await rawRequest(port: port, .read(specificationWithResult: false, .listOfVariables([variable])))
            guard case .confirmedResponse(_, .read(let results))? = answer else { Issue.record("\(String(describing: answer))"); return }
            #expect(results == [.failure(.temporarilyUnavailable)])
        }
    }

    @Test("every handler that covers a variable is asked, outer first: a later catch-all does not silence an earlier validator")
    func everyCoveringHandlerAsked() async throws {
        try await withServer(try model()) { server, port in
            let asked = AppliedValues()
            server.onWrite("\(ld)/GGIO1.StrVal.setMag.f") { request in
                await asked.record(.visibleString("validator"))
                guard case .float(let value) = request.value, value <= 100 else { return .reject(.objectValueInvalid) }
                return .accept
            }
            server.onWrite { _ in
                await asked.record(.visibleString("audit"))
                return .accept
            }
            let refused = try await rawWrite(port: port, [("GGIO1$SP$StrVal$setMag$f", .float(500))])
            #expect(refused == [.objectValueInvalid])
            #expect(await asked.values == [.visibleString("validator")], "the first refusal ends the asking")
            let accepted = try await rawWrite(port: port, [("GGIO1$SP$StrVal$setMag$f", .float(5))])
            #expect(accepted == [nil])
            #expect(await asked.values.suffix(2) == [.visibleString("validator"), .visibleString("audit")])
            #expect(server.value("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP) == .float(5))
        }
    }

    @Test("a part a handler accepts without storing keeps the model's value; the rest of the structure is stored")
    func partAcceptedWithoutStoring() async throws {
        let model = IED("T") {
            LogicalDevice("LD") {
                LLN0 { ENC("Mod") }
                LN("PTOC", 1) { ASG("StrVal", 1); ASG("OpDlTmms", 2) }
            }
        }.model
        try await withServer(model) { server, port in
            server.onWrite("TLD/PTOC1.StrVal") { _ in .acceptWithoutStoring }  // the application applies StrVal itself
            let value = MMSValue.structure([.structure([.structure([.float(5)])]), .structure([.structure([.float(6)])])])
            let results = try await rawWrite(port: port, [("PTOC1$SP", value)], domain: "TLD")
            #expect(results == [nil])
            #expect(server.value("TLD/PTOC1.StrVal.setMag.f", fc: .SP) == .float(1), "withheld: the handler applies it")
            #expect(server.value("TLD/PTOC1.OpDlTmms.setMag.f", fc: .SP) == .float(6), "the rest is stored")
        }
    }
}
