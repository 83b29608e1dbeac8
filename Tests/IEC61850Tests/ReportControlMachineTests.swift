// The report control block machine on a virtual clock: buffer time, integrity period, GI, BRCB buffering, overflow and
// resynchronisation, ResvTms — no sockets, no sleeps, no wall-clock tolerances.

import IEC61850
@testable import IEC61850Server
import Testing

/// Drives a `ReportControlMachine` as the server's `ReportEngine` does, on a clock only the test moves.
struct MachineHarness {
    static let ld = "IEDLD0"
    var machine: ReportControlMachine
    var now = ServerInstant(elapsed: .zero, unixMilliseconds: 1_767_225_600_000)
    /// Armed timers and their deadlines.
    var timers: [ReportTimer: Duration] = [:]
    /// Reports sent, decoded, with the association they went to.
    var sent: [(association: ServerAssociationID, report: Report, segments: Int)] = []
    /// Block values stored in the model, by item.
    var published: [String: MMSValue] = [:]
    /// The model's values, by item.
    var values: [String: MMSValue]
    let members: [String]

    /// A machine with one block (`LLN0$RP$rcb` or `LLN0$BR$rcb`) on a dataset of `count` members `GGIO1$ST$Ind<n>$stVal`.
    init(buffered: Bool, count: Int = 3, capacity: Int = 1_000, optionalFields: ReportOptionalFields = [.sequenceNumber, .timeStamp, .reasonCode,
                                                                                                          .bufferOverflow, .entryID],
         triggers: ReportTriggers = [.dataChange, .qualityChange, .dataUpdate, .integrity, .generalInterrogation]) {
        members = (1...count).map { "GGIO1$ST$Ind\($0)$stVal" }
        values = Dictionary(uniqueKeysWithValues: members.map { ($0, MMSValue.boolean(false)) })
        let control = ServedReportControl(domain: Self.ld, logicalNode: "LLN0", name: "rcb", reportID: "id", dataSet: "\(Self.ld)/LLN0$DS",
                                          optionalFields: buffered ? optionalFields : optionalFields.subtracting([.bufferOverflow, .entryID]), triggerOptions: triggers, isBuffered: buffered, bufferCapacity: capacity)
        let specifications = members.map { MMSVariableSpecification(name: .domainSpecific(domain: Self.ld, item: $0)) }
        machine = ReportControlMachine(controls: [control]) { $0 == "\(Self.ld)/LLN0$DS" ? specifications : nil }
    }

    var blockItem: String { machine.blocks[0].configuration.item }

    func read(_ variables: [MMSVariableSpecification]) -> [AccessResult] {
        variables.map { variable in
            guard case .domainSpecific(_, let item) = variable.name, let value = values[item] else { return .failure(.objectNonExistent) }
            return .success(value)
        }
    }

    mutating func apply(_ actions: [ReportAction]) {
        for action in actions {
            switch action {
            case .send(let association, let pdus):
                let reports = pdus.compactMap { bytes -> Report? in
                    var reader = BERReader(bytes: bytes)
                    guard let element = try? reader.read(), case .unconfirmed(.informationReport(_, let results))? = try? MMSPDU(ber: element) else { return nil }
                    return try? Report(results: results)
                }
                if let first = reports.first { sent.append((association, first, reports.count)) }
            case .schedule(let timer, let delay):
                timers[timer] = now.elapsed + delay
            case .cancel(let timer):
                timers.removeValue(forKey: timer)
            case .publish(_, let item, let value):
                published[item] = value
            case .reportTooLarge:
                Issue.record("a report was too large")
            }
        }
    }

    mutating func associate(_ association: ServerAssociationID, address: [UInt8] = [127, 0, 0, 1], maxPDUSize: Int = 65_000) {
        machine.associate(association, .init(maxPDUSize: maxPDUSize, clientAddress: address))
    }

    mutating func release(_ association: ServerAssociationID) {
        let values = self.values
        apply(machine.release(association, now: now, read: { variables in
            variables.map { variable in
                guard case .domainSpecific(_, let item) = variable.name, let value = values[item] else { return .failure(.objectNonExistent) }
                return .success(value)
            }
        }))
    }

    @discardableResult
    mutating func write(_ attribute: String, _ value: MMSValue, by association: ServerAssociationID) -> DataAccessError? {
        let values = self.values
        let members = self.members
        let (error, actions) = machine.write(block: 0, attribute: attribute, value: value, association: association, now: now,
                                             dataSets: { $0 == "\(Self.ld)/LLN0$DS" ? members.map { MMSVariableSpecification(name: .domainSpecific(domain: Self.ld, item: $0)) } : nil },
                                             read: { variables in variables.map { variable in
                                                 guard case .domainSpecific(_, let item) = variable.name, let value = values[item] else { return .failure(.objectNonExistent) }
                                                 return .success(value)
                                             } })
        apply(actions)
        return error
    }

    /// The application sets member `index` (1-based) to `value`.
    mutating func change(_ index: Int, to value: MMSValue) {
        let item = members[index - 1]
        let old = values[item]
        values[item] = value
        let values = self.values
        let event = ServerChangeBus(declaredTriggers: [:], subscribers: []).change(domain: Self.ld, item: item, old: old, new: value)
        apply(machine.valuesChanged([event], now: now, read: { variables in
            variables.map { variable in
                guard case .domainSpecific(_, let item) = variable.name, let value = values[item] else { return .failure(.objectNonExistent) }
                return .success(value)
            }
        }))
    }

    /// Moves the clock forward, firing each timer that falls due in deadline order.
    mutating func advance(by delay: Duration) {
        let target = now.elapsed + delay
        while let (timer, deadline) = timers.min(by: { $0.value < $1.value }), deadline <= target {
            timers.removeValue(forKey: timer)
            now = now.advanced(by: deadline - now.elapsed)
            let values = self.values
            apply(machine.timerFired(timer, now: now, read: { variables in
                variables.map { variable in
                    guard case .domainSpecific(_, let item) = variable.name, let value = values[item] else { return .failure(.objectNonExistent) }
                    return .success(value)
                }
            }))
        }
        now = now.advanced(by: target - now.elapsed)
    }

    /// The value of a block attribute as clients read it.
    func attribute(_ name: String) -> MMSValue? {
        guard case .structure(let fields)? = published[blockItem] else { return nil }
        let names = (machine.blocks[0].configuration.isBuffered ? ServedReportControl.bufferedAttributes : ServedReportControl.unbufferedAttributes).map(\.name)
        return names.firstIndex(of: name).map { fields[$0] }
    }
}

@Suite("Report control block machine (virtual clock)")
struct ReportControlMachineTests {
    let idA = ServerAssociationID(rawValue: 1)
    let idB = ServerAssociationID(rawValue: 2)

    @Test("buffer time: changes within it become one report when it ends, not a millisecond before")
    func bufferTime() {
        var h = MachineHarness(buffered: false)
        h.associate(idA)
        #expect(h.write("BufTm", .unsigned(200), by: idA) == nil)
        #expect(h.write("RptEna", .boolean(true), by: idA) == nil)
        h.change(1, to: .boolean(true))
        h.advance(by: .milliseconds(50))
        h.change(3, to: .boolean(true))
        h.advance(by: .milliseconds(149))
        #expect(h.sent.isEmpty)
        h.advance(by: .milliseconds(1))
        #expect(h.sent.count == 1)
        #expect(h.sent.first?.report.entries.map(\.index) == [0, 2])
        #expect(h.sent.first?.report.entries.allSatisfy { $0.reason == .dataChange } == true)
        // The report's time is when the buffer time ended.
        #expect(h.sent.first?.report.timeOfEntry == h.now.binaryTime)
        #expect(h.timers.isEmpty)
        // An unchanged value is a data update.
        h.change(3, to: .boolean(true))
        h.advance(by: .milliseconds(200))
        #expect(h.sent.last?.report.entries.map(\.reason) == [.dataUpdate])
    }

    @Test("integrity period: a report of every member each period, on time without drift; disabling stops it")
    func integrityPeriod() {
        var h = MachineHarness(buffered: false)
        h.associate(idA)
        h.write("IntgPd", .unsigned(1_000), by: idA)
        h.write("RptEna", .boolean(true), by: idA)
        let start = h.now
        h.advance(by: .milliseconds(3_500))
        #expect(h.sent.count == 3)
        #expect(h.sent.allSatisfy { $0.report.entries.count == 3 && $0.report.entries.allSatisfy { $0.reason == .integrity } })
        #expect(h.sent.map(\.report.timeOfEntry) == [1, 2, 3].map { start.advanced(by: .seconds($0)).binaryTime })
        #expect(h.sent.map(\.report.sequenceNumber) == [0, 1, 2])
        h.write("RptEna", .boolean(false), by: idA)
        #expect(h.timers.isEmpty)
        h.advance(by: .seconds(10))
        #expect(h.sent.count == 3)
    }

    @Test("general interrogation: every member with reason GI, pending changes first; refused while disabled or for another owner")
    func generalInterrogation() {
        var h = MachineHarness(buffered: false)
        h.associate(idA)
        h.associate(idB, address: [127, 0, 0, 2])
        #expect(h.write("GI", .boolean(true), by: idA) == .temporarilyUnavailable)
        h.write("BufTm", .unsigned(500), by: idA)
        h.write("RptEna", .boolean(true), by: idA)
        h.change(2, to: .boolean(true))
        #expect(h.write("GI", .boolean(true), by: idA) == nil)
        #expect(h.sent.count == 2)
        #expect(h.sent[0].report.entries.map(\.index) == [1] && h.sent[0].report.entries.first?.reason == .dataChange)
        #expect(h.sent[1].report.entries.map(\.index) == [0, 1, 2] && h.sent[1].report.entries.allSatisfy { $0.reason == .generalInterrogation })
        #expect(h.sent[1].report.entries[1].value == .boolean(true))
        #expect(h.write("GI", .boolean(true), by: idB) == .temporarilyUnavailable)
        #expect(h.sent.allSatisfy { $0.association == idA })
    }

    @Test("a BRCB whose client receives every report never says BufOvfl, through thousands of entries")
    func connectedNeverOverflows() {
        var h = MachineHarness(buffered: true, capacity: 1_000)
        h.associate(idA)
        h.write("IntgPd", .unsigned(1_000), by: idA)
        h.write("RptEna", .boolean(true), by: idA)
        h.advance(by: .seconds(3_000))
        #expect(h.sent.count == 3_000)
        #expect(h.sent.allSatisfy { $0.report.bufferOverflow == false })
        let ids = h.sent.compactMap { $0.report.entryID.map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } } }
        #expect(ids == Array(1...3_000))
        let numbers = h.sent.compactMap(\.report.sequenceNumber)
        #expect(numbers == (0..<3_000).map(UInt32.init))
        #expect(h.machine.blocks[0].buffer.count == 1_000)
    }

    @Test("a disconnected BRCB: BufOvfl exactly in the first report after entries never sent were dropped")
    func disconnectedOverflow() {
        var h = MachineHarness(buffered: true, capacity: 3)
        h.associate(idA)
        h.write("RptEna", .boolean(true), by: idA)
        h.change(1, to: .boolean(true))  // entry 1, sent
        #expect(h.sent.count == 1 && h.sent[0].report.bufferOverflow == false)
        h.release(idA)
        for value in 0..<5 { h.change(2, to: .boolean(value % 2 == 0)) }  // entries 2…6; 2 and 3 never sent and dropped
        h.associate(idB)
        h.write("RptEna", .boolean(true), by: idB)
        #expect(h.sent.count == 4)
        #expect(h.sent.dropFirst().map { $0.report.bufferOverflow } == [true, false, false])
        #expect(h.sent.dropFirst().compactMap { $0.report.entryID?.last } == [4, 5, 6])
        h.change(3, to: .boolean(true))
        #expect(h.sent.last?.report.bufferOverflow == false)
    }

    @Test("a disconnected BRCB that drops only entries already sent does not say BufOvfl")
    func droppingSentEntriesIsNoOverflow() {
        var h = MachineHarness(buffered: true, capacity: 3)
        h.associate(idA)
        h.write("RptEna", .boolean(true), by: idA)
        for value in 0..<3 { h.change(1, to: .boolean(value % 2 == 0)) }  // entries 1…3, sent
        h.release(idA)
        h.change(2, to: .boolean(true))  // entries 4, 5: drop 1 and 2, which were sent
        h.change(2, to: .boolean(false))
        h.associate(idB)
        h.write("RptEna", .boolean(true), by: idB)
        #expect(h.sent.count == 5)
        #expect(h.sent.suffix(2).map { $0.report.bufferOverflow } == [false, false])
    }

    @Test("resynchronisation: after a written EntryID the rest follows; an EntryID no longer buffered sends all, flagged")
    func resynchronise() {
        var h = MachineHarness(buffered: true, capacity: 4)
        h.associate(idA)
        for value in 0..<4 { h.change(1, to: .boolean(value % 2 == 0)) }  // entries 1…4, buffered, none sent
        h.write("EntryID", .octetString([0, 0, 0, 0, 0, 0, 0, 2]), by: idA)
        h.write("RptEna", .boolean(true), by: idA)
        #expect(h.sent.compactMap { $0.report.entryID?.last } == [3, 4])
        #expect(h.sent.allSatisfy { $0.report.bufferOverflow == false })
        h.release(idA)
        for value in 0..<4 { h.change(1, to: .boolean(value % 2 == 0)) }  // entries 5…8: 1…4 dropped (3, 4 were sent; 1, 2 never)
        h.associate(idB)
        h.write("EntryID", .octetString([0, 0, 0, 0, 0, 0, 0, 1]), by: idB)  // gone
        h.write("RptEna", .boolean(true), by: idB)
        #expect(h.sent.dropFirst(2).compactMap { $0.report.entryID?.last } == [5, 6, 7, 8])
        #expect(h.sent.dropFirst(2).first?.report.bufferOverflow == true)
    }

    @Test("ResvTms: the BRCB stays reserved for its client's address after the association ends, until the time runs out")
    func reservationTime() {
        var h = MachineHarness(buffered: true)
        h.associate(idA, address: [127, 0, 0, 1])
        #expect(h.write("ResvTms", .integer(2), by: idA) == nil)
        #expect(h.attribute("Owner") == .octetString([127, 0, 0, 1]))
        h.release(idA)
        h.associate(idB, address: [127, 0, 0, 2])
        #expect(h.write("RptEna", .boolean(true), by: idB) == .temporarilyUnavailable)
        h.advance(by: .milliseconds(1_999))
        #expect(h.write("RptEna", .boolean(true), by: idB) == .temporarilyUnavailable)
        #expect(h.attribute("ResvTms") == .integer(2))
        h.advance(by: .milliseconds(1))
        #expect(h.attribute("ResvTms") == .integer(0) && h.attribute("Owner") == .octetString([]))
        #expect(h.write("RptEna", .boolean(true), by: idB) == nil)
    }

    @Test("ResvTms: the same client address back in time gets its block again")
    func reservationSameClient() {
        var h = MachineHarness(buffered: true)
        h.associate(idA, address: [127, 0, 0, 1])
        h.write("ResvTms", .integer(60), by: idA)
        h.release(idA)
        h.advance(by: .seconds(59))
        h.associate(idB, address: [127, 0, 0, 1])
        #expect(h.write("RptEna", .boolean(true), by: idB) == nil)
        #expect(h.timers[ReportTimer(block: 0, kind: .reservation)] == nil, "the expiry timer is cancelled")
    }

    @Test("a URCB is released with its association: disabled, unreserved, its timers stopped")
    func releaseStopsEverything() {
        var h = MachineHarness(buffered: false)
        h.associate(idA)
        h.write("Resv", .boolean(true), by: idA)
        h.write("BufTm", .unsigned(100), by: idA)
        h.write("IntgPd", .unsigned(1_000), by: idA)
        h.write("RptEna", .boolean(true), by: idA)
        h.change(1, to: .boolean(true))
        #expect(h.timers.count == 2)
        h.release(idA)
        #expect(h.timers.isEmpty)
        #expect(h.attribute("RptEna") == .boolean(false) && h.attribute("Resv") == .boolean(false))
        h.advance(by: .seconds(5))
        #expect(h.sent.isEmpty)
    }

    @Test("a report over the PDU size goes out in segments with one SqNum")
    func segmentation() {
        var h = MachineHarness(buffered: false, count: 40, optionalFields: [.sequenceNumber, .dataReference, .reasonCode])
        h.associate(idA, maxPDUSize: 400)
        h.write("RptEna", .boolean(true), by: idA)
        h.write("GI", .boolean(true), by: idA)
        #expect(h.sent.count == 1)
        #expect((h.sent.first?.segments ?? 0) >= 2)
        #expect(h.sent.first?.report.subSequenceNumber == 0 && h.sent.first?.report.moreSegmentsFollow == true)
    }

    @Test("a timer that fires after it was cancelled or replaced changes nothing")
    func staleTimersIgnored() {
        var h = MachineHarness(buffered: true)
        h.associate(idA)
        h.write("IntgPd", .unsigned(1_000), by: idA)
        h.write("ResvTms", .integer(5), by: idA)
        h.write("RptEna", .boolean(true), by: idA)
        h.write("RptEna", .boolean(false), by: idA)
        let read: ReportValueReader = { $0.map { _ in .success(.boolean(false)) } }
        #expect(h.machine.timerFired(ReportTimer(block: 0, kind: .integrity), now: h.now, read: read).isEmpty)
        #expect(h.machine.timerFired(ReportTimer(block: 0, kind: .bufferTime), now: h.now, read: read).isEmpty)
        h.release(idA)
        // The reservation runs until 5 s from now: an early fire does not free the block, it waits for the rest.
        let early = h.machine.timerFired(ReportTimer(block: 0, kind: .reservation), now: h.now, read: read)
        guard case .schedule(_, let rest)? = early.first, early.count == 1 else { Issue.record("\(early)"); return }
        #expect(rest == .seconds(5))
        #expect(h.attribute("ResvTms") == .integer(5))
        #expect(h.machine.timerFired(ReportTimer(block: 7, kind: .integrity), now: h.now, read: read).isEmpty)
        #expect(h.sent.isEmpty)
    }

    @Test("a write from an association that has ended (its handlers were still deciding) takes nothing")
    func writeAfterRelease() {
        var h = MachineHarness(buffered: false)
        h.associate(idA)
        h.release(idA)
        #expect(h.write("Resv", .boolean(true), by: idA) == .temporarilyUnavailable)
        #expect(h.machine.blocks[0].state.owner == nil)
        h.associate(idB)
        #expect(h.write("Resv", .boolean(true), by: idB) == nil)
    }

    @Test("a reservation timer that fires early waits for the rest of ResvTms")
    func earlyReservationTimer() {
        var h = MachineHarness(buffered: true)
        h.associate(idA)
        h.write("ResvTms", .integer(2), by: idA)
        h.release(idA)
        h.now = h.now.advanced(by: .milliseconds(1_990))
        let actions = h.machine.timerFired(ReportTimer(block: 0, kind: .reservation), now: h.now, read: { $0.map { _ in .success(.boolean(false)) } })
        guard case .schedule(let timer, let delay)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(timer.kind == .reservation && delay == .milliseconds(10))
        h.apply(actions)
        h.advance(by: .milliseconds(10))
        #expect(h.attribute("ResvTms") == .integer(0))
    }

    @Test("when an association-specific dataset ends with its association, a BRCB's entries of it go too")
    func associationDataSetEntriesDropped() {
        var h = MachineHarness(buffered: true)
        h.associate(idA)
        let mine = [MMSVariableSpecification(name: .domainSpecific(domain: MachineHarness.ld, item: h.members[2]))]
        let (error, actions) = h.machine.write(block: 0, attribute: "DatSet", value: .visibleString("@mine"), association: idA, now: h.now,
                                               dataSets: { $0 == "@mine" ? mine : nil }, read: { $0.map { _ in .success(.boolean(false)) } })
        #expect(error == nil)
        h.apply(actions)
        h.change(3, to: .boolean(true))  // buffered as an entry of @mine
        #expect(h.machine.blocks[0].buffer.count == 1)
        h.release(idA)
        #expect(h.machine.blocks[0].buffer.isEmpty && h.machine.blocks[0].state.dataSet == "\(MachineHarness.ld)/LLN0$DS")
    }

    @Test("after the driver stopped and starts again, the timers the machine expects are armed again")
    func timersToArm() {
        var h = MachineHarness(buffered: true)
        h.associate(idA)
        h.write("IntgPd", .unsigned(1_000), by: idA)
        h.write("RptEna", .boolean(true), by: idA)
        h.advance(by: .milliseconds(400))
        let actions = h.machine.timersToArm(now: h.now)
        guard case .schedule(let timer, let delay)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(timer.kind == .integrity && delay == .milliseconds(600) && actions.count == 1)
    }

    @Test("a BRCB loses nothing within its buffer time: on disable the changes are reported, on release they are buffered")
    func bufferTimeChangesKept() {
        var h = MachineHarness(buffered: true)
        h.associate(idA)
        h.write("BufTm", .unsigned(500), by: idA)
        h.write("RptEna", .boolean(true), by: idA)
        h.change(1, to: .boolean(true))
        h.write("RptEna", .boolean(false), by: idA)
        #expect(h.sent.count == 1 && h.sent.first?.report.entries.map(\.index) == [0], "reported at once, not dropped")
        h.write("RptEna", .boolean(true), by: idA)
        h.change(2, to: .boolean(true))
        h.release(idA)
        #expect(h.sent.count == 1 && h.machine.blocks[0].buffer.count == 2, "the change became an entry of the buffer")
        h.associate(idB)
        h.write("RptEna", .boolean(true), by: idB)
        #expect(h.sent.count == 2 && h.sent.last?.report.entries.map(\.index) == [1] && h.sent.last?.association == idB)
    }
}
