// Reports: our client against the peers' servers (URCB and BRCB; GI, data change, integrity).

import Foundation
import IEC61850
import Testing

/// Takes reports until `predicate` holds for one, at most `limit` reports (the servers tick every 100 ms, so a
/// data change arrives well within the request timeout of the association).
func firstReport(_ stream: ReportStream, limit: Int = 50, where predicate: (Report) -> Bool) async throws -> Report? {
    var count = 0
    for try await report in stream {
        if predicate(report) { return report }
        count += 1
        if count >= limit { return nil }
    }
    return nil
}

@Suite("Reports: our client against real servers", .serialized, .timeLimit(.minutes(3)))
struct ReportClientInteropTests {
    static let fields: ReportOptionalFields = [.sequenceNumber, .timeStamp, .reasonCode, .dataSetName, .dataReference, .configurationRevision]

    @Test("libiec61850 URCB: reserve, configure, enable, GI, then data-change reports with increasing SqNum")
    func libiecURCB() async throws {
        try await withPeerServer(.libiec, arguments: ["--tick-ms", "100"]) { server in
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: server.port) { (client: IEC61850Client) async throws in
                let rcb: ReportControlBlockReference = "\(ld)/LLN0.RP.EventsRCB01"
                let before = try await client.reportControlBlock(rcb)
                #expect(before.reportID == "EventsRCB" && before.isEnabled == false && before.dataSet == "\(ld)/LLN0$Events")
                let stream = try await client.enableReporting(rcb, settings: ReportSettings(optionalFields: Self.fields,
                                                                                             triggerOptions: [.dataChange, .qualityChange, .generalInterrogation]),
                                                              generalInterrogation: true)
                let gi = try #require(try await firstReport(stream) { $0.entries.first?.reason?.contains(.generalInterrogation) == true })
                #expect(gi.reportID == "EventsRCB" && gi.dataSet == "\(ld)/LLN0$Events" && gi.configurationRevision != nil)
                #expect(gi.inclusion.bits.count == 8 && gi.entries.count == 8)  // GI reports every member
                #expect(gi.entries.first?.reference == "\(ld)/GGIO1$ST$Ind1$stVal")
                #expect(gi.timeOfEntry != nil)
                let change = try #require(try await firstReport(stream) { $0.entries.contains { $0.reason?.contains(.dataChange) == true } })
                #expect(change.entries.allSatisfy { $0.index < 8 })
                #expect(change.entries.contains { $0.reference == "\(ld)/GGIO1$ST$Ind1$stVal" })
                let next = try #require(try await firstReport(stream) { _ in true })
                if let a = change.sequenceNumber, let b = next.sequenceNumber { #expect(b == a &+ 1 || b > a) }
                let during = try await client.reportControlBlock(rcb)
                #expect(during.isEnabled == true && during.isReserved == true)
                try await client.disableReporting(rcb)
                #expect(try await client.reportControlBlock(rcb).isEnabled == false)
            }
        }
    }

    @Test("libiec61850 BRCB: EntryID and TimeOfEntry in every report; integrity reports carry every member")
    func libiecBRCB() async throws {
        try await withPeerServer(.libiec, arguments: ["--tick-ms", "100"]) { server in
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: server.port) { (client: IEC61850Client) async throws in
                let rcb: ReportControlBlockReference = "\(ld)/LLN0.BR.brcb02"
                let stream = try await client.enableReporting(rcb, settings: ReportSettings(
                    optionalFields: [.sequenceNumber, .timeStamp, .reasonCode, .entryID], triggerOptions: [.integrity], integrityPeriod: 200, purgeBuffer: true))
                let integrity = try #require(try await firstReport(stream) { $0.entries.first?.reason == .integrity })
                #expect(integrity.entryID?.count == 8)
                #expect(integrity.timeOfEntry != nil)
                #expect(integrity.entries.count == 2)  // Measurements: AnIn1, AnIn2 mag.f
                let later = try #require(try await firstReport(stream) { $0.entries.first?.reason == .integrity })
                #expect(later.entryID != integrity.entryID)
                let block = try await client.reportControlBlock(rcb)
                #expect(block.entryID?.count == 8 && block.isEnabled == true)
                try await client.disableReporting(rcb)
            }
        }
    }

    @Test("open61850 and iec61850 URCBs deliver GI and data-change reports", arguments: [Peer.open61850, .seed])
    func otherURCBs(peer: Peer) async throws {
        try await withPeerServer(peer, arguments: ["--tick-ms", "100"]) { server in
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: server.port) { (client: IEC61850Client) async throws in
                let rcb: ReportControlBlockReference = "\(ld)/LLN0.RP.urcbEvents"
                let block = try await client.reportControlBlock(rcb)
                #expect(block.reportID == "\(ld)/LLN0$RP$urcbEvents", "\(block.attributes)")
                let stream = try await client.enableReporting(rcb, settings: ReportSettings(optionalFields: Self.fields,
                                                                                             triggerOptions: [.dataChange, .generalInterrogation]),
                                                              generalInterrogation: true)
                // A data change (every 100 ms) may be reported before the GI on a busy machine: wait for the GI report.
                let gi = try #require(try await firstReport(stream, limit: 10) { $0.entries.contains { $0.reason?.contains(.generalInterrogation) == true } })
                #expect(gi.reportID == "\(ld)/LLN0$RP$urcbEvents")
                #expect(gi.entries.count == gi.inclusion.bits.filter { $0 }.count && !gi.entries.isEmpty)
                #expect(gi.entries.allSatisfy { $0.reason?.contains(.generalInterrogation) == true }, "\(gi.entries)")
                // The server changes Ind1 every 100 ms: data-change reports follow.
                let change = try #require(try await firstReport(stream) { $0.entries.contains { $0.reason?.contains(.dataChange) == true } })
                #expect(change.entries.contains { $0.index == 0 }, "Ind1.stVal is the first member: \(change.entries)")
                try await client.disableReporting(rcb)
            }
        }
    }

    @Test("open61850 BRCB: integrity and data-change reports with EntryIDs that move on")
    func openBRCB() async throws {
        try await withPeerServer(.open61850, arguments: ["--tick-ms", "100"]) { server in
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: server.port) { (client: IEC61850Client) async throws in
                let rcb: ReportControlBlockReference = "\(ld)/LLN0.BR.brcbEvents"
                let stream = try await client.enableReporting(rcb, settings: ReportSettings(
                    optionalFields: [.sequenceNumber, .reasonCode, .entryID, .timeStamp], triggerOptions: [.dataChange, .integrity],
                    integrityPeriod: 300, purgeBuffer: true))
                let integrity = try #require(try await firstReport(stream) { $0.entries.first?.reason?.contains(.integrity) == true })
                let change = try #require(try await firstReport(stream) { $0.entries.contains { $0.reason?.contains(.dataChange) == true } })
                #expect(integrity.entryID?.count == 8 && change.entryID?.count == 8 && integrity.entryID != change.entryID)
                try await client.disableReporting(rcb)
            }
        }
    }
}

extension ReportClientInteropTests {
    @Test("libiec61850 BRCB: disconnect, values change, reconnect from the last EntryID — nothing lost, nothing repeated")
    func libiecBRCBResync() async throws {
        try await withPeerServer(.libiec, arguments: ["--tick-ms", "100"]) { server in
            let rcb: ReportControlBlockReference = "\(ld)/LLN0.BR.brcb01"
            let settings = ReportSettings(optionalFields: [.sequenceNumber, .timeStamp, .reasonCode, .entryID, .bufferOverflow],
                                          triggerOptions: [.dataChange])
            func ind1(_ report: Report) -> Bool? {
                guard case .boolean(let value)? = report.entries.first(where: { $0.index == 0 })?.value else { return nil }
                return value
            }
            // First association: take a few Ind1 changes and keep the last EntryID.
            let (lastEntry, lastValue) = try await IEC61850Client.withConnection(to: "127.0.0.1", port: server.port) {
                (client: IEC61850Client) async throws -> ([UInt8], Bool) in
                var first = settings
                first.purgeBuffer = true
                let stream = try await client.enableReporting(rcb, settings: first)
                var last: ([UInt8], Bool)?
                var seen = 0
                for try await report in stream {
                    guard let value = ind1(report) else { continue }
                    last = (try #require(report.entryID), value)
                    seen += 1
                    if seen == 3 { break }
                }
                return try #require(last)
            }
            // While no client is connected the BRCB keeps buffering.
            try await Task.sleep(for: .milliseconds(700))
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: server.port) { (client: IEC61850Client) async throws in
                var resume = settings
                resume.entryID = lastEntry
                let stream = try await client.enableReporting(rcb, settings: resume)
                var values: [Bool] = []
                var entryIDs: [[UInt8]] = []
                for try await report in stream {
                    guard let value = ind1(report) else { continue }
                    values.append(value)
                    entryIDs.append(report.entryID ?? [])
                    #expect(report.bufferOverflow != true)
                    if values.count == 5 { break }
                }
                #expect(!entryIDs.contains(lastEntry), "the entry we had is not sent again")
                #expect(values.first == !lastValue, "the first resent entry is the change right after ours: \(values), last \(lastValue)")
                #expect(zip(values, values.dropFirst()).allSatisfy { $0 != $1 }, "Ind1 toggles every tick, so no entry is missing: \(values)")
                try await client.disableReporting(rcb)
            }
        }
    }
}
