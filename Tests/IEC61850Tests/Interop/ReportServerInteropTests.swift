// Reports from our server (unbuffered report control blocks from SCL or code) to real clients.

import Foundation
import IEC61850
@_spi(OSI) import IEC61850MMS
import IEC61850Demo
@testable import IEC61850Server
import Testing

@Suite("Reports: real clients against our server", .serialized, .timeLimit(.minutes(3)))
struct ReportServerInteropTests {
    static let file = "libiec61850/examples/server_example_basic_io/simpleIO_direct_control.cid"

    func serve(_ body: (IEDServer, Int) async throws -> Void) async throws {
        try PeerEnvironment.ensurePeersInstalled()
        try await withServer(try .load(scl: SCLServingTests.corpus.appendingPathComponent(Self.file).path), body)
    }

    /// Toggles GGIO1.SPCSO1.stVal every 100 ms while `work` runs.
    func toggling<T: Sendable>(_ server: IEDServer, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        let toggler = Task {
            var value = false
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                value.toggle()
                try? server.update("simpleIOGenericIO/GGIO1.SPCSO1.stVal", fc: .ST, to: .boolean(value))
            }
        }
        defer { toggler.cancel() }
        return try await offload(work)
    }

    @Test("libiec61850's client: GI, data-change and integrity reports from an SCL URCB, with SqNum, DatSet, ConfRev, reasons")
    func libiecReceives() async throws {
        try await serve { server, port in
            let reply = try await toggling(server) {
                try runPeerClient(.libiec, port: port, ["reports", "simpleIOGenericIO/LLN0.RP.EventsRCB01", "1.5", "--gi",
                                                        "--trgops", "dchg,qchg,period,gi", "--intgpd", "500"])
            }
            #expect(reply.status == 0, "\(reply.json)")
            let reports = try #require(reply.json["reports"] as? [[String: Any]], "\(reply.json)")
            #expect(reports.allSatisfy { $0["rptID"] as? String == "Events1" })
            #expect(reports.allSatisfy { $0["dataSet"] as? String == "simpleIOGenericIO/LLN0$Events" && $0["confRev"] as? Int == 1 })
            let reasons = reports.flatMap { ($0["values"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String } }
            #expect(reasons.contains("GI"), "\(reasons)")
            #expect(reasons.contains("data-change"), "\(reasons)")
            #expect(reasons.contains("integrity"), "\(reasons)")
            let gi = try #require(reports.first { ($0["values"] as? [[String: Any]])?.first?["reason"] as? String == "GI" })
            #expect((gi["values"] as? [[String: Any]])?.count == 4)
            let numbers = reports.compactMap { $0["seqNum"] as? Int }
            #expect(numbers == Array(numbers.indices).map { (numbers.first ?? 0) + $0 }, "SqNum increases by one per report: \(numbers)")
        }
    }

    @Test("our client: reserve, enable, GI and data change; a second association is refused the reserved block")
    func ownClientAndReservation() async throws {
        try await serve { server, port in
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
                let rcb: ReportControlBlockReference = "simpleIOGenericIO/LLN0.RP.EventsRCB01"
                let stream = try await client.enableReporting(rcb, settings: ReportSettings(
                    optionalFields: [.sequenceNumber, .dataSetName, .dataReference, .reasonCode], triggerOptions: [.dataChange, .generalInterrogation]),
                    generalInterrogation: true)
                var iterator = stream.makeAsyncIterator()
                let gi = try #require(try await iterator.next())
                #expect(gi.entries.count == 4 && gi.entries.allSatisfy { $0.reason == .generalInterrogation })
                #expect(gi.entries.first?.reference == "simpleIOGenericIO/GGIO1$ST$SPCSO1$stVal")
                try server.update("simpleIOGenericIO/GGIO1.SPCSO3.stVal", fc: .ST, to: .boolean(true))
                let change = try #require(try await iterator.next())
                #expect(change.entries.map(\.index) == [2] && change.entries.first?.value == .boolean(true) && change.entries.first?.reason == .dataChange)
                #expect(change.sequenceNumber == gi.sequenceNumber.map { $0 &+ 1 })
                let block = try await client.reportControlBlock(rcb)
                #expect(block.isEnabled == true && block.isReserved == true && block.owner?.isEmpty == false)
                // Another association may not take it, nor change it while enabled.
                try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (other: IEC61850Client) async throws in
                    let refused = await #expect(throws: IEC61850Error.self) { try await other.setReportControlBlock(rcb, ReportSettings(enable: true)) }
                    #expect(refused?.dataAccessError == .temporarilyUnavailable)
                }
                let busy = await #expect(throws: IEC61850Error.self) { try await client.setReportControlBlock(rcb, ReportSettings(integrityPeriod: 100)) }
                #expect(busy?.dataAccessError == .temporarilyUnavailable)
                let readOnly = await #expect(throws: IEC61850Error.self) { try await client.write("simpleIOGenericIO/LLN0.EventsRCB01.SqNum", fc: .RP, value: .unsigned(0)) }
                #expect(readOnly?.dataAccessError == .objectAccessDenied)
                try await client.disableReporting(rcb)
                #expect(try await client.reportControlBlock(rcb).isEnabled == false)
            }
            // The association ended: the block is free again.
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
                let block = try await client.reportControlBlock("simpleIOGenericIO/LLN0.RP.EventsRCB01")
                #expect(block.isReserved == false && block.isEnabled == false)
            }
        }
    }
}

extension ReportServerInteropTests {
    /// The reasons of every entry of every report, whatever the client's JSON form (seed: flags, open61850: names).
    static func reasons(_ json: [String: Any]) -> [String] {
        let reports = dig(json, "result", "reports") as? [[String: Any]] ?? []
        return reports.flatMap { report in
            (report["entries"] as? [[String: Any]] ?? []).flatMap { entry -> [String] in
                if let names = entry["reason"] as? [String] { return names }
                if let flags = entry["reason"] as? [String: Any] { return flags.filter { $0.value as? Bool == true }.map(\.key) }
                return []
            }
        }
    }

    @Test("the iec61850 and open61850 clients receive GI reports, then data-change or integrity reports", arguments: [Peer.seed, .open61850])
    func otherClientsReceive(peer: Peer) async throws {
        try await serve { server, port in
            let reply = try await toggling(server) { try runPeerClient(peer, port: port, ["reports", "simpleIOGenericIO/LLN0$RP$EventsRCB01", "1.5"]) }
            #expect(reply.status == 0, "\(reply.json)")
            let reasons = Self.reasons(reply.json)
            #expect(reasons.contains("general_interrogation"), "\(reply.json)")
            // After GI: data changes when the client asks for dchg (open61850 does), integrity reports otherwise (the SCL
            // block's own TrgOps: period, IntgPd 1000 ms).
            #expect(reasons.contains("data_change") || reasons.contains("integrity"), "\(reasons)")
            let reports = dig(reply.json, "result", "reports") as? [[String: Any]] ?? []
            #expect(reports.allSatisfy { ($0["rpt_id"] as? String) == "Events1" })
        }
    }
}

@Suite("Reports from a model built in code")
struct CodeReportControlTests {
    func server(bufferTime: UInt32, triggers: ReportTriggers) async throws -> (IEDServer, Int) {
        var model = DemoIED.model()
        let ld = DemoIED.logicalDevice
        try model.addDataSet("\(ld)/LLN0.Events", members: [DataSetMember("\(ld)/GGIO1.Ind1.stVal", fc: .ST),
                                                             DataSetMember("\(ld)/GGIO1.AnIn1.mag.f", fc: .MX),
                                                             DataSetMember("\(ld)/GGIO1.Ind2", fc: .ST),
                                                             DataSetMember("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP)])
        try model.addReportControl(ServedReportControl(domain: ld, logicalNode: "LLN0", name: "rcb01", reportID: "code",
                                                       dataSet: "\(ld)/LLN0$Events", bufferTime: bufferTime, triggerOptions: triggers))
        #expect(throws: IEC61850Error.self) {
            try model.addReportControl(ServedReportControl(domain: ld, logicalNode: "LLN0", name: "bad", reportID: "x", dataSet: "\(ld)/LLN0$Nope"))
        }
        return try await startServer(model)
    }

    @Test("buffer time: changes within it arrive as one report with every changed member; unchanged updates are dupd")
    func bufferTime() async throws {
        let (server, port) = try await server(bufferTime: 200, triggers: [.dataChange, .qualityChange, .dataUpdate])
        let ld = DemoIED.logicalDevice
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            let stream = try await client.enableReporting("\(ld)/LLN0.RP.rcb01", settings: ReportSettings(optionalFields: [.sequenceNumber, .reasonCode]))
            var iterator = stream.makeAsyncIterator()
            try server.update("\(ld)/GGIO1.Ind1.stVal", fc: .ST, to: .boolean(true))
            try server.update("\(ld)/GGIO1.AnIn1.mag.f", fc: .MX, to: .float(9))
            try server.update("\(ld)/GGIO1.Ind2.q", fc: .ST, to: Quality(rawValue: 0x1000).mmsValue)
            let report = try #require(try await iterator.next())
            #expect(report.entries.map(\.index) == [0, 1, 2], "one report for the three changes")
            #expect(report.entries.map(\.reason) == [.dataChange, .dataChange, .qualityChange])
            #expect(report.entries[1].value == .float(9))
            try server.update("\(ld)/GGIO1.AnIn1.mag.f", fc: .MX, to: .float(9))  // same value: an update, not a change
            let update = try #require(try await iterator.next())
            #expect(update.entries.map(\.index) == [1] && update.entries.first?.reason == .dataUpdate)
            #expect(server.statistics.reportsSent == 2 && server.statistics.reportsTooLarge == 0)
        }
        await server.shutdown()
    }

    @Test("TrgOps filter: a quality change is not reported when only dchg is set; a client write of a member triggers")
    func triggerFilter() async throws {
        let (server, port) = try await server(bufferTime: 0, triggers: [.dataChange])
        let ld = DemoIED.logicalDevice
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            let stream = try await client.enableReporting("\(ld)/LLN0.RP.rcb01", settings: ReportSettings(optionalFields: [.reasonCode]))
            var iterator = stream.makeAsyncIterator()
            try server.update("\(ld)/GGIO1.Ind2.q", fc: .ST, to: Quality(rawValue: 0x1800).mmsValue)  // filtered out
            try server.update("\(ld)/GGIO1.Ind1.stVal", fc: .ST, to: .boolean(true))
            let report = try #require(try await iterator.next())
            #expect(report.entries.map(\.index) == [0])
            try await client.write("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP, Float(4.5))  // a client's write of a member
            let written = try #require(try await iterator.next())
            #expect(written.entries.map(\.index) == [3] && written.entries.first?.value == .float(4.5))
        }
        await server.shutdown()
    }
}

extension ReportServerInteropTests {
    @Test("BRCB from SCL: libiec61850's, iec61850's and open61850's clients receive its GI and change reports", arguments: Peer.allCases.filter { $0 != .py61850 })
    func brcbToPeers(peer: Peer) async throws {
        try await serve { server, port in
            let reference = peer == .libiec ? "simpleIOGenericIO/LLN0.BR.EventsBRCB01" : "simpleIOGenericIO/LLN0$BR$EventsBRCB01"
            let arguments = ["reports", reference, "1.2"] + (peer == .libiec ? ["--gi", "--trgops", "dchg,gi"] : [])
            let reply = try await toggling(server) { try runPeerClient(peer, port: port, arguments) }
            #expect(reply.status == 0, "\(reply.json)")
            if peer == .libiec {
                let reports = try #require(reply.json["reports"] as? [[String: Any]], "\(reply.json)")
                let reasons = reports.flatMap { ($0["values"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String } }
                #expect(reasons.contains("GI") && reasons.contains("data-change"), "\(reasons)")
                #expect(reports.allSatisfy { $0["rptID"] as? String == "Events2" })
            } else {
                let reasons = Self.reasons(reply.json)
                #expect(reasons.contains("general_interrogation"), "\(reply.json)")
            }
        }
    }
}

@Suite("BRCB buffering on our server", .serialized)
struct BufferedReportTests {
    /// The demo IED with a BRCB `brcb01` on a one-member dataset (GGIO1.Cnt1.stVal).
    func model(capacity: Int, triggers: ReportTriggers = [.dataChange, .generalInterrogation]) throws -> ServedModel {
        var model = DemoIED.model()
        let ld = DemoIED.logicalDevice
        try model.addDataSet("\(ld)/LLN0.Events", members: [DataSetMember("\(ld)/GGIO1.Cnt1.stVal", fc: .ST)])
        try model.addReportControl(ServedReportControl(domain: ld, logicalNode: "LLN0", name: "brcb01", reportID: "buffered",
                                                       dataSet: "\(ld)/LLN0$Events",
                                                       optionalFields: [.sequenceNumber, .timeStamp, .entryID, .bufferOverflow, .reasonCode],
                                                       triggerOptions: triggers, isBuffered: true, bufferCapacity: capacity))
        return model
    }

    func server(capacity: Int) async throws -> (IEDServer, Int) {
        try await startServer(model(capacity: capacity))
    }

    /// Enables brcb01 from 127.0.0.2 (another client address) over a raw association; the write's result.
    func enableFromAnotherAddress(port: Int) async throws -> [DataAccessError?] {
        let answer = try await offload { () -> MMSPDU? in
            let raw = RawConnection(port: port, from: "127.0.0.2")
            defer { raw.close() }
            guard var association = raw.associateKeeping() else { return nil }
            let variable = MMSVariableSpecification(name: .domainSpecific(domain: DemoIED.logicalDevice, item: "LLN0$BR$brcb01$RptEna"))
            return raw.request(.write(.listOfVariables([variable]), [.boolean(true)]), on: &association)
        }
        guard case .confirmedResponse(_, .write(let results))? = answer else {
            throw PeerHarnessError.clientFailed("no write response: \(String(describing: answer))")
        }
        return results
    }

    func count(_ report: Report) -> Int64? {
        if case .integer(let value)? = report.entries.first?.value { return value }
        return nil
    }

    @Test("disconnect, values change, reconnect from the last EntryID: every change once, in order")
    func resynchronise() async throws {
        let (server, port) = try await server(capacity: 100)
        let ld = DemoIED.logicalDevice
        let rcb: ReportControlBlockReference = "\(ld)/LLN0.BR.brcb01"
        let last: [UInt8] = try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            let stream = try await client.enableReporting(rcb)
            var iterator = stream.makeAsyncIterator()
            try server.update("\(ld)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(1))
            let first = try #require(try await iterator.next())
            #expect(count(first) == 1 && first.entryID?.count == 8 && first.bufferOverflow == false)
            return try #require(first.entryID)
        }
        for value in 2...6 { try server.update("\(ld)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(Int64(value))) }  // nobody connected
        let block = try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            let stream = try await client.enableReporting(rcb, settings: ReportSettings(entryID: last))
            var iterator = stream.makeAsyncIterator()
            var counts: [Int64] = []
            for _ in 2...6 {
                let report = try #require(try await iterator.next())
                counts.append(count(report) ?? -1)
                #expect(report.bufferOverflow == false)
            }
            #expect(counts == [2, 3, 4, 5, 6])
            try server.update("\(ld)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(7))  // live again
            #expect(try await iterator.next().flatMap(count) == 7)
            return try await client.reportControlBlock(rcb)
        }
        #expect(block.entryID?.count == 8 && block.isEnabled == true)
        await server.shutdown()
    }

    @Test("libiec61850's client sees EntryIDs that increase and SqNums that count up by one")
    func libiecSequences() async throws {
        try PeerEnvironment.ensurePeersInstalled()
        let (server, port) = try await server(capacity: 100)
        let ld = DemoIED.logicalDevice
        let changer = Task {
            var value: Int64 = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                value += 1
                try? server.update("\(ld)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(value))
            }
        }
        // 2 s of a change every 50 ms: plenty of reports even when a busy CI machine delays the changer for a while.
        let reply = try await offload { try runPeerClient(.libiec, port: port, ["reports", "\(ld)/LLN0.BR.brcb01", "2", "--gi", "--trgops", "dchg,gi"]) }
        changer.cancel()
        await server.shutdown()
        #expect(reply.status == 0, "\(reply.json)")
        let reports = try #require(reply.json["reports"] as? [[String: Any]], "\(reply.json)")
        #expect(reports.count >= 3, "\(reports.count) reports")
        let entryIDs = reports.compactMap { $0["entryID"] as? String }
        #expect(entryIDs.count == reports.count && zip(entryIDs, entryIDs.dropFirst()).allSatisfy { $0 < $1 }, "\(entryIDs)")
        let numbers = reports.compactMap { $0["seqNum"] as? Int }
        #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 }, "\(numbers)")
    }

    @Test("ResvTms keeps a BRCB for its client after the association ends: another address is refused, the same one gets it back")
    func reservationOutlivesAssociation() async throws {
        let (server, port) = try await server(capacity: 10)
        let ld = DemoIED.logicalDevice
        let rcb: ReportControlBlockReference = "\(ld)/LLN0.BR.brcb01"
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            try await client.setReportControlBlock(rcb, ReportSettings(reservationTime: 60))
            let block = try await client.reportControlBlock(rcb)
            #expect(block.reservationTime == 60 && block.owner == [127, 0, 0, 1])
        }
        // Another client address (127.0.0.2) may not take it while the reservation lasts.
        let results = try await enableFromAnotherAddress(port: port)
        #expect(results == [.temporarilyUnavailable])
        // The same address (127.0.0.1) gets it back within ResvTms.
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            _ = try await client.enableReporting(rcb)
            #expect(try await client.reportControlBlock(rcb).isEnabled == true)
            let negative = await #expect(throws: IEC61850Error.self) { try await client.setReportControlBlock(rcb, ReportSettings(reservationTime: -1)) }
            #expect(negative?.dataAccessError != nil)
        }
        await server.shutdown()
    }

    /// The BRCB model (integrity allowed too) on a server whose time is `clock`.
    func server(capacity: Int, clock: VirtualServerClock) async throws -> (IEDServer, Int) {
        try await startServer(model(capacity: capacity, triggers: [.dataChange, .integrity, .generalInterrogation]), clock: clock)
    }

    @Test("when ResvTms runs out (virtual clock), the BRCB is free: reads show no owner, another address may enable it")
    func reservationExpires() async throws {
        let clock = VirtualServerClock()
        let (server, port) = try await server(capacity: 10, clock: clock)
        let ld = DemoIED.logicalDevice
        let rcb: ReportControlBlockReference = "\(ld)/LLN0.BR.brcb01"
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            try await client.setReportControlBlock(rcb, ReportSettings(reservationTime: 1))
        }
        // The association's end reaches the engine after the client's release returns: wait (bounded) until the
        // reservation's expiry is armed on the virtual clock — an event, not an amount of time.
        for _ in 0..<2_000 where clock.pendingTimers == 0 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(clock.pendingTimers == 1)
        #expect(try await enableFromAnotherAddress(port: port) == [.temporarilyUnavailable], "still reserved")
        clock.advance(by: .seconds(1))
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            let block = try await client.reportControlBlock(rcb)
            #expect(block.reservationTime == 0 && block.owner?.isEmpty == true)
        }
        #expect(try await enableFromAnotherAddress(port: port) == [nil], "another client address may take it now")
        await server.shutdown()
    }

    @Test("a client connected to a BRCB the whole time gets every integrity report, BufOvfl false throughout (virtual clock)")
    func connectedClientNeverSeesOverflow() async throws {
        let clock = VirtualServerClock()
        let (server, port) = try await server(capacity: 100, clock: clock)
        let ld = DemoIED.logicalDevice
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            let stream = try await client.enableReporting("\(ld)/LLN0.BR.brcb01", settings: ReportSettings(
                optionalFields: [.sequenceNumber, .entryID, .bufferOverflow, .reasonCode], triggerOptions: [.integrity], integrityPeriod: 1_000))
            var iterator = stream.makeAsyncIterator()
            var entryIDs: [UInt64] = []
            for _ in 0..<5 {
                clock.advance(by: .seconds(100))  // 100 integrity periods: the buffer (100 entries) turns over each time
                for _ in 0..<100 {
                    let report = try #require(try await iterator.next())
                    #expect(report.bufferOverflow == false && report.missedBefore == 0)
                    #expect(report.entries.first?.reason == .integrity)
                    entryIDs.append(report.entryID.map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } } ?? 0)
                }
            }
            #expect(entryIDs == Array(1...500), "every entry once, in order")
        }
        await server.shutdown()
    }

    @Test("a full buffer drops the oldest entries and the next report says BufOvfl; PurgeBuf empties it")
    func overflowAndPurge() async throws {
        let (server, port) = try await server(capacity: 3)
        let ld = DemoIED.logicalDevice
        let rcb: ReportControlBlockReference = "\(ld)/LLN0.BR.brcb01"
        for value in 1...10 { try server.update("\(ld)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(Int64(value))) }
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            let stream = try await client.enableReporting(rcb)
            var iterator = stream.makeAsyncIterator()
            let first = try #require(try await iterator.next())
            #expect(count(first) == 8 && first.bufferOverflow == true, "the three newest of ten, the loss flagged")
            #expect(try await iterator.next().flatMap(count) == 9)
            let third = try #require(try await iterator.next())
            #expect(count(third) == 10 && third.bufferOverflow == false)
            try await client.disableReporting(rcb)
            try server.update("\(ld)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(11))
            try await client.setReportControlBlock(rcb, ReportSettings(purgeBuffer: true))
            try server.update("\(ld)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(12))
            let again = try await client.enableReporting(rcb)
            var second = again.makeAsyncIterator()
            #expect(try await second.next().flatMap(count) == 12, "11 was purged")
        }
        await server.shutdown()
    }
}

@Suite("Segmented reports from our server", .serialized)
struct SegmentedReportServerTests {
    /// The demo IED with a 60-member dataset (every leaf of GGIO1 under ST, MX, CF and DC), served with a 1 000-octet
    /// PDU limit, so that a GI report with data references needs several segments.
    func server() async throws -> (IEDServer, Int, Int) {
        var model = DemoIED.model()
        let ld = DemoIED.logicalDevice
        let node = try #require(model.logicalDevices.first?.logicalNodes.first { $0.name == "GGIO1" })
        var members: [DataSetMember] = []
        func walk(_ type: MMSTypeSpecification, _ path: [String]) {
            if case .structure(let components, _) = type {
                for component in components { walk(component.type, path + [component.name]) }
            } else if path.count >= 3, let fc = FunctionalConstraint(rawValue: path[0]), [.ST, .MX, .CF, .DC].contains(fc) {
                members.append(DataSetMember(ObjectReference(logicalDevice: ld, logicalNode: "GGIO1", path: Array(path.dropFirst())), fc: fc))
            }
        }
        walk(node.type, [])
        members = Array(members.prefix(60))
        try model.addDataSet("\(ld)/LLN0.Big", members: members)
        try model.addReportControl(ServedReportControl(domain: ld, logicalNode: "LLN0", name: "big01", reportID: "big", dataSet: "\(ld)/LLN0$Big",
                                                       optionalFields: [.sequenceNumber, .dataReference, .reasonCode, .dataSetName],
                                                       triggerOptions: [.dataChange, .generalInterrogation]))
        let (server, port) = try await startServer(model) { $0.limits.maxPDUSize = 1_000 }
        return (server, port, members.count)
    }

    @Test("our client reassembles a segmented GI report: every member once, in order, one SqNum")
    func ownClientReassembles() async throws {
        let (server, port, count) = try await server()
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            #expect(await client.negotiatedParameters.maxPDUSize == 1_000)
            let stream = try await client.enableReporting("\(DemoIED.logicalDevice)/LLN0.RP.big01", generalInterrogation: true)
            var iterator = stream.makeAsyncIterator()
            let report = try #require(try await iterator.next())
            #expect(report.entries.map(\.index) == Array(0..<count))
            #expect(!report.isIncomplete && report.optionalFields.contains(.segmentation) && (report.subSequenceNumber ?? 0) >= 1)
            #expect(report.entries.allSatisfy { $0.reference != nil && $0.reason == .generalInterrogation })
        }
        #expect(server.statistics.reportsTooLarge == 0)
        await server.shutdown()
    }

    @Test("libiec61850's client receives the segments, one SqNum, and together they hold every member")
    func libiecReceivesSegments() async throws {
        try PeerEnvironment.ensurePeersInstalled()
        let (server, port, count) = try await server()
        let reply = try await offload { try runPeerClient(.libiec, port: port, ["reports", "\(DemoIED.logicalDevice)/LLN0.RP.big01", "1", "--gi"]) }
        await server.shutdown()
        #expect(reply.status == 0, "\(reply.json)")
        let reports = try #require(reply.json["reports"] as? [[String: Any]], "\(reply.json)")
        // libiec61850 delivers each segment as a report. (Its Python binding leaves hasSubSeqNum false, but it decodes
        // every segment: the SubSqNum and MoreSegmentsFollow fields sit between ConfRev and the inclusion bit string,
        // and a misplaced field would shift every value after it.)
        #expect(reports.count >= 2, "\(reports.count) segments")
        #expect(Set(reports.compactMap { $0["seqNum"] as? Int }).count == 1, "one SqNum for all segments")
        let indices = reports.flatMap { ($0["values"] as? [[String: Any]] ?? []).compactMap { $0["index"] as? Int } }
        #expect(indices == Array(0..<count))
        #expect(reports.allSatisfy { ($0["values"] as? [[String: Any]] ?? []).allSatisfy { $0["reason"] as? String == "GI" && $0["ref"] is String } })
    }
}

extension ReportServerInteropTests {
    @Test("triggers follow the SCL: stVal (dchg) reports, t (no trigger option) does not")
    func sclTriggerOptions() async throws {
        try await serve { server, port in
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
                // Events2 has whole data objects (SPCSO1…4 under ST), so a change of t falls inside a member.
                let stream = try await client.enableReporting("simpleIOGenericIO/LLN0.RP.EventsIndexed02", settings: ReportSettings(
                    dataSet: "simpleIOGenericIO/LLN0$Events2", optionalFields: [.reasonCode], triggerOptions: [.dataChange, .qualityChange, .dataUpdate]))
                var iterator = stream.makeAsyncIterator()
                // t of SPCSO2 has no trigger option: no report for member 1. stVal of SPCSO3 (dchg): a report for member 2.
                try server.update("simpleIOGenericIO/GGIO1.SPCSO2.t", fc: .ST, to: .utcTime(MMSUTCTime(seconds: 1_000, fraction: 0)))
                try server.update("simpleIOGenericIO/GGIO1.SPCSO3.stVal", fc: .ST, to: .boolean(true))
                let report = try #require(try await iterator.next())
                #expect(report.entries.map(\.index) == [2] && report.entries.first?.reason == .dataChange, "\(report.entries)")
            }
        }
    }
}

extension CodeReportControlTests {
    @Test("a URCB can report an association-specific dataset; that dataset cannot be deleted while used; both end with the association")
    func associationDataSetReported() async throws {
        let (server, port) = try await server(bufferTime: 0, triggers: [.dataChange])
        let ld = DemoIED.logicalDevice
        let rcb: ReportControlBlockReference = "\(ld)/LLN0.RP.rcb01"
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            try await client.createDataSet("@mine", members: [DataSetMember("\(ld)/GGIO1.AnIn2.mag.f", fc: .MX)])
            let stream = try await client.enableReporting(rcb, settings: ReportSettings(dataSet: "@mine", optionalFields: [.dataSetName]))
            var iterator = stream.makeAsyncIterator()
            try server.update("\(ld)/GGIO1.AnIn2.mag.f", fc: .MX, to: .float(7.25))
            let report = try #require(try await iterator.next())
            #expect(report.dataSet == "@mine" && report.entries.first?.value == .float(7.25))
            let inUse = await #expect(throws: IEC61850Error.self) { try await client.deleteDataSet("@mine") }
            guard inUse?.code == .refused else { Issue.record("\(String(describing: inUse))"); return }
            await #expect(throws: IEC61850Error.self) { try await client.setReportControlBlock(rcb, ReportSettings(dataSet: "@nothing")) }
        }
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            let block = try await client.reportControlBlock(rcb)
            #expect(block.dataSet == "\(ld)/LLN0$Events" && block.isEnabled == false, "back to the configured dataset")
        }
        await server.shutdown()
    }
}
