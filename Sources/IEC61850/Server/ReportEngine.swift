// The server's reporting engine (IEC 61850-7-2 §17.2): URCBs and BRCBs, reservation and ownership per association,
// the write rules, triggers (data change, quality change, data update), buffer-time coalescing, integrity period and
// general interrogation, a BRCB's bounded buffer with EntryIDs and overflow, and the report PDU (IEC 61850-8-1 §17.2.3).

import FoundationEssentials
import Logging
import NIOCore
import Synchronization

/// Where an association's reports go.
struct ReportSink: Sendable {
    let eventLoop: any EventLoop
    let maxPDUSize: Int
    /// The client's network address (4 octets IPv4, 16 IPv6): what `Owner` shows and what a BRCB reservation
    /// (`ResvTms`) is kept for after the association ends.
    let clientAddress: [UInt8]
    let send: @Sendable (MMSPDU) -> Void
}

/// A change of a served value, for the triggers.
struct ValueChange: Sendable {
    let domain: String
    let item: String
    let old: MMSValue?
    let new: MMSValue
}

final class ReportEngine: Sendable {
    /// One report's content, taken when it was triggered: for a BRCB also what its buffer keeps.
    private struct Entry {
        var id: UInt64
        var time: MMSBinaryTime
        /// Included dataset positions with their reasons.
        var included: [Int: ReportTriggers]
        /// The included members' values, in position order.
        var values: [AccessResult]
    }

    private struct Block {
        let configuration: ServedReportControl
        var state: ReportControlState
        /// Members waiting for the buffer time to end, with their reasons.
        var pending: [Int: ReportTriggers] = [:]
        var bufferTimer: Scheduled<Void>?
        var integrityTimer: RepeatedTask?
        /// BRCB: the buffered entries, oldest first, at most `bufferCapacity`.
        var buffer: [Entry] = []
        var nextEntryID: UInt64 = 1
        var lastSentID: UInt64 = 0
        /// BRCB: entries were dropped from a full buffer since the last report sent.
        var overflowed = false
        /// BRCB: a client wrote an EntryID to resume after.
        var resumeAfter: UInt64?
        /// BRCB: kept for this client address until this instant after its association ended (`ResvTms`).
        var reservedFor: (address: [UInt8], until: ContinuousClock.Instant)?
        /// The members of the owner's association-specific dataset when DatSet names one (`@name`).
        var associationMembers: [MMSVariableSpecification]?
    }

    /// The members of a block's dataset: a persistent one from `all`, or the owner's association-specific one.
    private static func members(of block: Block, in all: [String: [MMSVariableSpecification]]) -> [MMSVariableSpecification]? {
        block.state.dataSet.hasPrefix("@") ? block.associationMembers : all[block.state.dataSet]
    }

    /// Whether an enabled or reserved block of `association` reports its association-specific dataset `name`
    /// (such a dataset may not be deleted then).
    func isUsing(association: ObjectIdentifier, dataSet name: String) -> Bool {
        state.withLock { state in state.blocks.contains { $0.state.owner == association && $0.state.dataSet == "@" + name } }
    }

    private struct State {
        var blocks: [Block]
        var sinks: [ObjectIdentifier: ReportSink] = [:]
    }

    private let state: Mutex<State>
    private let log: Logger
    /// Held while entries are numbered and handed to the association, so that reports leave in SqNum/EntryID order
    /// even when changes come from several threads. Taken before `state` and the model, never inside them.
    private let ordering = Mutex<Void>(())

    /// Whether the model has no report control block (then changes cost nothing here).
    let isIdle: Bool

    init(controls: [ServedReportControl], log: Logger) {
        state = Mutex(State(blocks: controls.map { Block(configuration: $0, state: ReportControlState($0)) }))
        self.log = log
        isIdle = controls.isEmpty
    }

    // MARK: Associations

    func register(_ association: ObjectIdentifier, sink: ReportSink) {
        state.withLock { $0.sinks[association] = sink }
    }

    /// The association ended: its control blocks are disabled and released (IEC 61850-7-2 §17.2.2.7); a BRCB goes on
    /// buffering.
    func unregister(_ association: ObjectIdentifier, server: IEDServer) {
        let eventLoop = state.withLock { $0.sinks[association]?.eventLoop }
        var expiries: [(index: Int, after: Int16)] = []
        let changed: [(ServedReportControl, MMSValue)] = state.withLock { state in
            state.sinks.removeValue(forKey: association)
            var changed: [(ServedReportControl, MMSValue)] = []
            for index in state.blocks.indices where state.blocks[index].state.owner == association {
                stop(&state.blocks[index])
                state.blocks[index].state.enabled = false
                state.blocks[index].state.reserved = false
                let seconds = state.blocks[index].state.reservationTime
                if state.blocks[index].configuration.isBuffered, seconds > 0 {
                    // IEC 61850-7-2 §17.2.3: the reservation outlives the association by ResvTms seconds, for the same client.
                    state.blocks[index].reservedFor = (state.blocks[index].state.ownerAddress, .now + .seconds(Int(seconds)))
                    expiries.append((index, seconds))
                } else {
                    state.blocks[index].state.reservationTime = 0
                    state.blocks[index].state.ownerAddress = []
                }
                state.blocks[index].state.owner = nil
                if state.blocks[index].state.dataSet.hasPrefix("@") {
                    // The association's datasets end with it: back to the configured dataset.
                    state.blocks[index].state.dataSet = state.blocks[index].configuration.dataSet
                    state.blocks[index].state.configurationRevision &+= 1
                    state.blocks[index].associationMembers = nil
                }
                changed.append((state.blocks[index].configuration, state.blocks[index].state.value))
            }
            return changed
        }
        publish(changed, server: server)
        // When a kept reservation runs out, the block is free again and reads show it (Owner empty, ResvTms 0).
        for expiry in expiries {
            eventLoop?.scheduleTask(in: .seconds(Int64(expiry.after))) { [self] in self.expireReservation(block: expiry.index, server: server) }
        }
    }

    private func expireReservation(block index: Int, server: IEDServer) {
        let changed: [(ServedReportControl, MMSValue)] = state.withLock { state in
            guard state.blocks.indices.contains(index), let kept = state.blocks[index].reservedFor, kept.until <= .now + .milliseconds(100) else { return [] }
            state.blocks[index].reservedFor = nil
            state.blocks[index].state.reservationTime = 0
            state.blocks[index].state.ownerAddress = []
            return [(state.blocks[index].configuration, state.blocks[index].state.value)]
        }
        publish(changed, server: server)
    }

    // MARK: Client writes

    /// Whether `item` in `domain` is a report control block or one of its attributes; then the block's index and
    /// the attribute (`nil` for the whole block).
    func target(domain: String, item: String) -> (block: Int, attribute: String?)? {
        guard !isIdle else { return nil }
        let parts = item.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[1] == "RP" || parts[1] == "BR" else { return nil }
        let blockItem = parts.prefix(3).joined(separator: "$")
        guard let index = state.withLock({ $0.blocks.firstIndex { $0.configuration.domain == domain && $0.configuration.item == blockItem } }) else {
            return nil
        }
        return (index, parts.count == 4 ? String(parts[3]) : (parts.count == 3 ? nil : ""))
    }

    /// A client's write of a control block attribute, under the rules of IEC 61850-7-2 §17.2.2 (URCB) and §17.2.3 (BRCB).
    func write(block index: Int, attribute: String?, value: MMSValue, association: ObjectIdentifier, server: IEDServer,
               associationDataSets: [String: [MMSVariableSpecification]] = [:]) -> DataAccessError? {
        var generalInterrogation = false
        let error: DataAccessError? = ordering.withLock { _ in
            writeOrdered(block: index, attribute: attribute, value: value, association: association, server: server,
                         associationDataSets: associationDataSets, generalInterrogation: &generalInterrogation)
        }
        if error == nil, generalInterrogation { report(block: index, reason: .generalInterrogation, server: server) }
        return error
    }

    private func writeOrdered(block index: Int, attribute: String?, value: MMSValue, association: ObjectIdentifier, server: IEDServer,
                              associationDataSets: [String: [MMSVariableSpecification]], generalInterrogation: inout Bool) -> DataAccessError? {
        var backlog: [Entry] = []
        let outcome: (DataAccessError?, [(ServedReportControl, MMSValue)]) = state.withLock { state in
            guard state.blocks.indices.contains(index), let attribute, !attribute.isEmpty else { return (.objectAccessDenied, []) }
            var block = state.blocks[index]
            let buffered = block.configuration.isBuffered
            let clientAddress = state.sinks[association]?.clientAddress ?? []
            if let kept = block.reservedFor {
                if kept.until < .now {
                    block.reservedFor = nil
                    block.state.reservationTime = 0
                    block.state.ownerAddress = []
                } else if kept.address == clientAddress {
                    // The same client is back within ResvTms: the block is its own again.
                    block.reservedFor = nil
                    block.state.owner = association
                }
            }
            let ownedByOther = (block.state.owner.map { $0 != association } ?? false) || block.reservedFor != nil
            func fail(_ error: DataAccessError) -> (DataAccessError?, [(ServedReportControl, MMSValue)]) { (error, []) }
            func settable() -> DataAccessError? { ownedByOther || block.state.enabled ? .temporarilyUnavailable : nil }
            switch (attribute, value) {
            case ("Resv", .boolean(let reserve)) where !buffered:
                guard !ownedByOther else { return fail(.temporarilyUnavailable) }
                if !reserve, block.state.enabled { return fail(.temporarilyUnavailable) }
                block.state.reserved = reserve
                block.state.owner = reserve ? association : nil
                block.state.ownerAddress = reserve ? clientAddress : []
            case ("ResvTms", .integer) where buffered, ("ResvTms", .unsigned) where buffered:
                guard !ownedByOther else { return fail(.temporarilyUnavailable) }
                let seconds: Int16? = switch value {
                case .integer(let number): Int16(exactly: number)
                case .unsigned(let number): Int16(exactly: number)
                default: nil
                }
                // −1 means reserved by configuration, which a client cannot write.
                guard let time = seconds, time >= 0 else { return fail(.objectValueInvalid) }
                if time == 0, block.state.enabled { return fail(.temporarilyUnavailable) }
                block.state.reservationTime = time
                block.state.owner = time != 0 ? association : (block.state.enabled ? association : nil)
                block.state.ownerAddress = block.state.owner == nil ? [] : clientAddress
            case ("RptEna", .boolean(let enable)):
                guard !ownedByOther else { return fail(.temporarilyUnavailable) }
                if enable {
                    guard !block.state.dataSet.isEmpty, let sink = state.sinks[association] else { return fail(.objectValueInvalid) }
                    block.state.enabled = true
                    block.state.owner = association
                    block.state.ownerAddress = clientAddress
                    start(&block, index: index, sink: sink, server: server)
                    if buffered { backlog = Self.backlog(&block) }
                } else {
                    stop(&block)
                    block.state.enabled = false
                    if !block.state.reserved && block.state.reservationTime == 0 {  // still reserved: stays the owner's
                        block.state.owner = nil
                        block.state.ownerAddress = []
                    }
                }
            case ("GI", .boolean(let requested)):
                guard !ownedByOther else { return fail(.temporarilyUnavailable) }
                guard block.state.enabled || !requested else { return fail(.temporarilyUnavailable) }
                generalInterrogation = requested
            case ("PurgeBuf", .boolean(let purge)) where buffered:
                if let refusal = settable() { return fail(refusal) }
                if purge {
                    block.buffer.removeAll()
                    block.overflowed = false
                }
            case ("EntryID", .octetString(let octets)) where buffered:
                if let refusal = settable() { return fail(refusal) }
                guard octets.count == 8 else { return fail(.objectValueInvalid) }
                let id = octets.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                block.resumeAfter = id == 0 ? nil : id
                block.state.entryID = octets
            case ("RptID", .visibleString(let text)), ("RptID", .mmsString(let text)):
                if let refusal = settable() { return fail(refusal) }
                guard text.utf8.count <= 129 else { return fail(.objectValueInvalid) }
                block.state.reportID = text
            case ("DatSet", .visibleString(let text)), ("DatSet", .mmsString(let text)):
                if let refusal = settable() { return fail(refusal) }
                if text.hasPrefix("@") {
                    // One of this association's own datasets (IEC 61850-7-2 §17.2.2.5: a non-persistent dataset).
                    guard let members = associationDataSets[String(text.dropFirst())] else { return fail(.objectValueInvalid) }
                    block.associationMembers = members
                    // The dataset is this association's, so the block is too until the association ends.
                    block.state.owner = association
                    block.state.ownerAddress = clientAddress
                } else {
                    let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
                    guard text.isEmpty || (parts.count == 2 && server.hasDataSet(domain: parts[0], name: parts[1])) else { return fail(.objectValueInvalid) }
                    block.associationMembers = nil
                }
                if text != block.state.dataSet {
                    block.state.configurationRevision &+= 1
                    block.buffer.removeAll()  // entries of another dataset cannot be sent any more
                }
                block.state.dataSet = text
            case ("OptFlds", .bitString(let bits)):
                if let refusal = settable() { return fail(refusal) }
                // Segmentation is the server's business; buffer overflow and EntryID only mean something for a BRCB.
                var fields = ReportOptionalFields(bits: bits).subtracting(.segmentation)
                if !buffered { fields.subtract([.bufferOverflow, .entryID]) }
                block.state.optionalFields = fields
            case ("BufTm", .unsigned), ("BufTm", .integer):
                if let refusal = settable() { return fail(refusal) }
                guard let milliseconds = Self.milliseconds(value) else { return fail(.objectValueInvalid) }
                block.state.bufferTime = milliseconds
            case ("TrgOps", .bitString(let bits)):
                if let refusal = settable() { return fail(refusal) }
                block.state.triggerOptions = ReportTriggers(bits: bits).subtracting(.applicationTrigger)
            case ("IntgPd", .unsigned), ("IntgPd", .integer):
                if let refusal = settable() { return fail(refusal) }
                guard let milliseconds = Self.milliseconds(value) else { return fail(.objectValueInvalid) }
                block.state.integrityPeriod = milliseconds
            case ("Resv", _) where !buffered, ("ResvTms", _) where buffered, ("PurgeBuf", _) where buffered, ("EntryID", _) where buffered,
                 ("RptEna", _), ("GI", _), ("RptID", _), ("DatSet", _), ("OptFlds", _), ("BufTm", _), ("TrgOps", _), ("IntgPd", _):
                return fail(.typeInconsistent)
            case ("ConfRev", _), ("SqNum", _), ("Owner", _), ("TimeOfEntry", _):
                return fail(.objectAccessDenied)
            default:
                return fail(.objectNonExistent)
            }
            state.blocks[index] = block
            return (nil, [(block.configuration, block.state.value)])
        }
        publish(outcome.1, server: server)
        guard outcome.0 == nil else { return outcome.0 }
        for entry in backlog { send(entry, block: index, server: server) }
        return nil
    }

    /// BRCB, on enabling: the buffered entries to send — after the EntryID a client wrote (all of them, flagged as
    /// an overflow, when that entry is gone), or else those never sent.
    private static func backlog(_ block: inout Block) -> [Entry] {
        defer { block.resumeAfter = nil }
        if let resume = block.resumeAfter {
            if let position = block.buffer.firstIndex(where: { $0.id == resume }) { return Array(block.buffer[(position + 1)...]) }
            block.overflowed = true
            return block.buffer
        }
        return block.buffer.filter { $0.id > block.lastSentID }
    }

    private static func milliseconds(_ value: MMSValue) -> UInt32? {
        switch value {
        case .unsigned(let number): UInt32(exactly: number)
        case .integer(let number): UInt32(exactly: number)
        default: nil
        }
    }

    // MARK: Triggers

    /// Values changed in the model (by the application or a client write): report what the blocks watch. A BRCB
    /// watches also while nobody has it enabled, and buffers.
    func valuesChanged(_ changes: [ValueChange], server: IEDServer) {
        guard !changes.isEmpty, !isIdle else { return }
        let members = server.dataSetMembers()
        let declared = server.attributeTriggers()
        // What each change is (IEC 61850-7-2 §17.2.2.9): from the attribute's declared dchg/qchg/dupd when the model has
        // them, else by default (q → quality change, other values → data change, same value → data update).
        let reasons: [ReportTriggers] = changes.map { change in
            let changed = change.old != change.new
            if let options = declared[change.domain + "/" + change.item] {
                var reason: ReportTriggers = []
                if changed, options.contains(.dataChange) { reason.insert(.dataChange) }
                if changed, options.contains(.qualityChange) { reason.insert(.qualityChange) }
                if options.contains(.dataUpdate) { reason.insert(.dataUpdate) }
                return reason
            }
            let leaf = change.item.split(separator: "$").last.map(String.init) ?? ""
            return !changed ? .dataUpdate : (leaf == "q" ? .qualityChange : .dataChange)
        }
        var immediate: [Int] = []
        state.withLock { state in
            for index in state.blocks.indices where state.blocks[index].state.enabled || state.blocks[index].configuration.isBuffered {
                guard let list = Self.members(of: state.blocks[index], in: members) else { continue }
                var block = state.blocks[index]
                var touched = false
                for (change, all) in zip(changes, reasons) {
                    let reason = all.intersection(block.state.triggerOptions)
                    guard !reason.isEmpty else { continue }
                    for (position, member) in list.enumerated() where Self.covers(member, change) {
                        block.pending[position, default: []].formUnion(reason)
                        touched = true
                    }
                }
                guard touched else { continue }
                if block.state.bufferTime == 0 || !block.state.enabled {
                    immediate.append(index)
                } else if block.bufferTimer == nil, let owner = block.state.owner, let sink = state.sinks[owner] {
                    block.bufferTimer = sink.eventLoop.scheduleTask(in: .milliseconds(Int64(block.state.bufferTime))) { [self] in
                        self.flush(block: index, server: server)
                    }
                }
                state.blocks[index] = block
            }
        }
        for index in immediate { flush(block: index, server: server) }
    }

    /// Whether a change touches a dataset member: the member is the changed attribute, contains it, or is inside it.
    private static func covers(_ member: MMSVariableSpecification, _ change: ValueChange) -> Bool {
        guard case .domainSpecific(let domain, let item) = member.name, domain == change.domain else { return false }
        return item == change.item || change.item.hasPrefix(item + "$") || item.hasPrefix(change.item + "$")
    }

    /// Turns what is pending for a block into an entry (the buffer time ended, or a change arrived with no buffer time).
    private func flush(block index: Int, server: IEDServer) {
        let pending: [Int: ReportTriggers] = state.withLock { state in
            guard state.blocks.indices.contains(index) else { return [:] }
            state.blocks[index].bufferTimer?.cancel()
            state.blocks[index].bufferTimer = nil
            defer { state.blocks[index].pending = [:] }
            return state.blocks[index].pending
        }
        guard !pending.isEmpty else { return }
        record(block: index, included: pending, server: server)
    }

    /// A report of every member for one reason (general interrogation, integrity); pending changes go first.
    private func report(block index: Int, reason: ReportTriggers, server: IEDServer) {
        flush(block: index, server: server)
        let all = server.dataSetMembers()
        guard let list = state.withLock({ state -> [MMSVariableSpecification]? in
            guard state.blocks.indices.contains(index), state.blocks[index].state.enabled else { return nil }
            return Self.members(of: state.blocks[index], in: all)
        }) else { return }
        record(block: index, included: Dictionary(uniqueKeysWithValues: list.indices.map { ($0, reason) }), server: server)
    }

    /// Takes the values of the included members now, keeps the entry in a BRCB's buffer, and sends it when enabled.
    private func record(block index: Int, included: [Int: ReportTriggers], server: IEDServer) {
        ordering.withLock { _ in recordOrdered(block: index, included: included, server: server) }
    }

    private func recordOrdered(block index: Int, included: [Int: ReportTriggers], server: IEDServer) {
        let all = server.dataSetMembers()
        guard let members = state.withLock({ $0.blocks.indices.contains(index) ? Self.members(of: $0.blocks[index], in: all) : nil }) else { return }
        let positions = included.keys.filter { $0 < members.count }.sorted()
        let values = server.read(positions.map { members[$0] })
        let entry: Entry? = state.withLock { state in
            var block = state.blocks[index]
            let entry = Entry(id: block.nextEntryID, time: Self.now(), included: included.filter { $0.key < members.count }, values: values)
            block.nextEntryID &+= 1
            if block.configuration.isBuffered {
                block.buffer.append(entry)
                if block.buffer.count > block.configuration.bufferCapacity {
                    block.buffer.removeFirst(block.buffer.count - block.configuration.bufferCapacity)
                    block.overflowed = true
                }
            }
            state.blocks[index] = block
            return block.state.enabled ? entry : nil
        }
        if let entry { send(entry, block: index, server: server) }
    }

    private func start(_ block: inout Block, index: Int, sink: ReportSink, server: IEDServer) {
        stop(&block)
        if block.state.triggerOptions.contains(.integrity), block.state.integrityPeriod > 0 {
            let period = TimeAmount.milliseconds(Int64(block.state.integrityPeriod))
            block.integrityTimer = sink.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { [self] _ in
                self.report(block: index, reason: .integrity, server: server)
            }
        }
    }

    private func stop(_ block: inout Block) {
        block.bufferTimer?.cancel()
        block.bufferTimer = nil
        block.integrityTimer?.cancel()
        block.integrityTimer = nil
        block.pending = [:]
    }

    // MARK: The report

    /// Sends one entry as a report (IEC 61850-8-1 §17.2.3) to the block's owner.
    private func send(_ entry: Entry, block index: Int, server: IEDServer) {
        let all = server.dataSetMembers()
        let prepared: (ReportSink, ReportControlState, ServedReportControl, Bool, [MMSVariableSpecification]?)? = state.withLock { state in
            guard state.blocks.indices.contains(index), state.blocks[index].state.enabled,
                  let owner = state.blocks[index].state.owner, let sink = state.sinks[owner] else { return nil }
            var block = state.blocks[index]
            let overflowed = block.overflowed
            block.overflowed = false
            block.lastSentID = max(block.lastSentID, entry.id)
            block.state.entryID = withUnsafeBytes(of: entry.id.bigEndian) { Array($0) }
            block.state.timeOfEntry = entry.time
            let snapshot = block.state
            block.state.sequenceNumber = block.configuration.isBuffered ? block.state.sequenceNumber &+ 1 : (block.state.sequenceNumber &+ 1) & 0xFF
            state.blocks[index] = block
            return (sink, snapshot, block.configuration, overflowed, Self.members(of: block, in: all))
        }
        guard let (sink, block, configuration, overflowed, dataSetMembers) = prepared, let members = dataSetMembers else { return }
        let positions = entry.included.keys.sorted()
        let valueByPosition = Dictionary(uniqueKeysWithValues: zip(positions, entry.values))
        let reportID = block.reportID.isEmpty ? "\(configuration.domain)/\(configuration.item)" : block.reportID

        /// The report for `part` of the included members; `segment` is (SubSqNum, MoreSegmentsFollow) when segmented.
        func pdu(_ part: ArraySlice<Int>, segment: (UInt32, Bool)?) -> MMSPDU {
            var fields = block.optionalFields
            if segment != nil { fields.insert(.segmentation) } else { fields.remove(.segmentation) }
            var results: [AccessResult] = [.success(.visibleString(reportID)), .success(.bitString(fields.bits))]
            if fields.contains(.sequenceNumber) { results.append(.success(.unsigned(UInt64(block.sequenceNumber)))) }
            if fields.contains(.timeStamp) { results.append(.success(.binaryTime(entry.time))) }
            if fields.contains(.dataSetName) { results.append(.success(.visibleString(block.dataSet))) }
            if fields.contains(.bufferOverflow) { results.append(.success(.boolean(overflowed))) }
            if fields.contains(.entryID) { results.append(.success(.octetString(block.entryID))) }
            if fields.contains(.configurationRevision) { results.append(.success(.unsigned(UInt64(block.configurationRevision)))) }
            if let (sub, more) = segment {
                results.append(.success(.unsigned(UInt64(sub))))
                results.append(.success(.boolean(more)))
            }
            let included = Set(part)
            results.append(.success(.bitString(MMSBitString(bits: members.indices.map { included.contains($0) }))))
            if fields.contains(.dataReference) {
                for position in part where position < members.count { results.append(.success(.visibleString("\(members[position].name)"))) }
            }
            for position in part { results.append(valueByPosition[position] ?? .failure(.objectNonExistent)) }
            if fields.contains(.reasonCode) {
                for position in part { results.append(.success(.bitString((entry.included[position] ?? []).bits(size: 7)))) }
            }
            return .unconfirmed(.informationReport(.variableListName(.vmdSpecific("RPT")), results))
        }

        // IEC 61850-7-2 §17.2.3.4: a report too large for the negotiated PDU size goes out in segments with the same
        // SqNum, SubSqNum 0, 1, … and MoreSegmentsFollow on all but the last.
        var pdus: [MMSPDU] = []
        let whole = pdu(positions[...], segment: nil)
        if whole.encoded().count <= sink.maxPDUSize {
            pdus = [whole]
        } else {
            var start = 0
            while start < positions.count {
                // Grow the segment while it fits (the last segment's flag only shrinks the PDU).
                var end = start + 1
                guard pdu(positions[start..<end], segment: (UInt32(pdus.count), true)).encoded().count <= sink.maxPDUSize else {
                    server.count { $0.reportsTooLarge += 1 }
                    log.warning("a single dataset member does not fit the negotiated PDU size; the report was not sent",
                                metadata: ["rcb": "\(configuration.domain)/\(configuration.item)", "member": "\(positions[start])"])
                    return
                }
                while end < positions.count, pdu(positions[start...end], segment: (UInt32(pdus.count), true)).encoded().count <= sink.maxPDUSize {
                    end += 1
                }
                pdus.append(pdu(positions[start..<end], segment: (UInt32(pdus.count), end < positions.count)))
                start = end
            }
        }
        server.count { $0.reportsSent += 1 }
        for pdu in pdus { sink.send(pdu) }
        publish([(configuration, state.withLock { $0.blocks[index].state.value })], server: server)
    }

    private static func now() -> MMSBinaryTime {
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) - MMSBinaryTime.epoch1984 * 1000
        let days = max(0, milliseconds / 86_400_000)
        return MMSBinaryTime(milliseconds: UInt32(clamping: milliseconds - days * 86_400_000), days: UInt16(clamping: days))
    }

    /// Writes blocks' current values into the model, so that reads see them.
    private func publish(_ changed: [(ServedReportControl, MMSValue)], server: IEDServer) {
        guard !changed.isEmpty else { return }
        server.setReportControlValues(changed.map { (domain: $0.0.domain, item: $0.0.item, value: $0.1) })
    }

    /// Stops every timer (server shutdown).
    func stopAll() {
        state.withLock { state in
            for index in state.blocks.indices { stop(&state.blocks[index]) }
        }
    }
}
