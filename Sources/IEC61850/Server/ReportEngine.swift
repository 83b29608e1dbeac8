// The server's reporting engine for unbuffered report control blocks (IEC 61850-7-2 §17.2): reservation and
// ownership per association, the write rules, triggers (data change, quality change, data update), buffer-time
// coalescing, integrity period and general interrogation, and the report PDU (IEC 61850-8-1 §17.2.3).

import FoundationEssentials
import Logging
import NIOCore
import Synchronization

/// Where an association's reports go.
struct ReportSink: Sendable {
    let eventLoop: any EventLoop
    let maxPDUSize: Int
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
    private struct Block {
        let configuration: ServedReportControl
        var state: ReportControlState
        /// Members waiting for the buffer time to end, with their reasons.
        var pending: [Int: ReportTriggers] = [:]
        var bufferTimer: Scheduled<Void>?
        var integrityTimer: RepeatedTask?
    }

    private struct State {
        var blocks: [Block]
        var sinks: [ObjectIdentifier: ReportSink] = [:]
    }

    private let state: Mutex<State>
    private let log: Logger

    init(controls: [ServedReportControl], log: Logger) {
        state = Mutex(State(blocks: controls.map { Block(configuration: $0, state: ReportControlState($0)) }))
        self.log = log
    }

    // MARK: Associations

    func register(_ association: ObjectIdentifier, sink: ReportSink) {
        state.withLock { $0.sinks[association] = sink }
    }

    /// The association ended: its control blocks are disabled and released (IEC 61850-7-2 §17.2.2.7).
    func unregister(_ association: ObjectIdentifier, server: IEDServer) {
        let changed: [(ServedReportControl, MMSValue)] = state.withLock { state in
            state.sinks.removeValue(forKey: association)
            var changed: [(ServedReportControl, MMSValue)] = []
            for index in state.blocks.indices where state.blocks[index].state.owner == association {
                stop(&state.blocks[index])
                state.blocks[index].state.enabled = false
                state.blocks[index].state.reserved = false
                state.blocks[index].state.owner = nil
                state.blocks[index].state.ownerAddress = []
                changed.append((state.blocks[index].configuration, state.blocks[index].state.value))
            }
            return changed
        }
        publish(changed, server: server)
    }

    // MARK: Client writes

    /// Whether `item` in `domain` is a URCB or one of its attributes; then the block's index and the attribute.
    func target(domain: String, item: String) -> (block: Int, attribute: String?)? {
        let parts = item.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[1] == "RP" else { return nil }
        let blockItem = parts.prefix(3).joined(separator: "$")
        guard let index = state.withLock({ $0.blocks.firstIndex { $0.configuration.domain == domain && $0.configuration.item == blockItem } }) else {
            return nil
        }
        return (index, parts.count == 4 ? String(parts[3]) : (parts.count == 3 ? nil : ""))
    }

    /// A client's write of a URCB attribute, under the rules of IEC 61850-7-2 §17.2.2 (per IEC 61850-8-1 §17.2.2.2).
    func write(block index: Int, attribute: String?, value: MMSValue, association: ObjectIdentifier, server: IEDServer) -> DataAccessError? {
        var generalInterrogation = false
        let outcome: (DataAccessError?, [(ServedReportControl, MMSValue)]) = state.withLock { state in
            guard state.blocks.indices.contains(index), let attribute, !attribute.isEmpty else { return (.objectAccessDenied, []) }
            var block = state.blocks[index]
            let ownedByOther = block.state.owner.map { $0 != association } ?? false
            func fail(_ error: DataAccessError) -> (DataAccessError?, [(ServedReportControl, MMSValue)]) { (error, []) }
            switch (attribute, value) {
            case ("Resv", .boolean(let reserve)):
                guard !ownedByOther else { return fail(.temporarilyUnavailable) }
                if !reserve, block.state.enabled { return fail(.temporarilyUnavailable) }
                block.state.reserved = reserve
                block.state.owner = reserve ? association : nil
                block.state.ownerAddress = reserve ? Self.address(association) : []
            case ("RptEna", .boolean(let enable)):
                guard !ownedByOther else { return fail(.temporarilyUnavailable) }
                if enable {
                    guard !block.state.dataSet.isEmpty, let sink = state.sinks[association] else { return fail(.objectValueInvalid) }
                    block.state.enabled = true
                    block.state.owner = association
                    block.state.ownerAddress = Self.address(association)
                    start(&block, index: index, sink: sink, server: server)
                } else {
                    stop(&block)
                    block.state.enabled = false
                    if !block.state.reserved {
                        block.state.owner = nil
                        block.state.ownerAddress = []
                    }
                }
            case ("GI", .boolean(let requested)):
                guard !ownedByOther else { return fail(.temporarilyUnavailable) }
                guard block.state.enabled || !requested else { return fail(.temporarilyUnavailable) }
                generalInterrogation = requested
            case ("RptID", .visibleString(let text)), ("RptID", .mmsString(let text)):
                guard !ownedByOther, !block.state.enabled else { return fail(.temporarilyUnavailable) }
                guard text.utf8.count <= 129 else { return fail(.objectValueInvalid) }
                block.state.reportID = text
            case ("DatSet", .visibleString(let text)), ("DatSet", .mmsString(let text)):
                guard !ownedByOther, !block.state.enabled else { return fail(.temporarilyUnavailable) }
                let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
                guard text.isEmpty || (parts.count == 2 && server.hasDataSet(domain: parts[0], name: parts[1])) else { return fail(.objectValueInvalid) }
                if text != block.state.dataSet { block.state.configurationRevision &+= 1 }
                block.state.dataSet = text
            case ("OptFlds", .bitString(let bits)):
                guard !ownedByOther, !block.state.enabled else { return fail(.temporarilyUnavailable) }
                // Segmentation, buffer overflow and EntryID do not apply to a URCB.
                block.state.optionalFields = ReportOptionalFields(bits: bits).subtracting([.segmentation, .bufferOverflow, .entryID])
            case ("BufTm", .unsigned), ("BufTm", .integer):
                guard !ownedByOther, !block.state.enabled else { return fail(.temporarilyUnavailable) }
                guard let milliseconds = Self.milliseconds(value) else { return fail(.objectValueInvalid) }
                block.state.bufferTime = milliseconds
            case ("TrgOps", .bitString(let bits)):
                guard !ownedByOther, !block.state.enabled else { return fail(.temporarilyUnavailable) }
                block.state.triggerOptions = ReportTriggers(bits: bits).subtracting(.applicationTrigger)
            case ("IntgPd", .unsigned), ("IntgPd", .integer):
                guard !ownedByOther, !block.state.enabled else { return fail(.temporarilyUnavailable) }
                guard let milliseconds = Self.milliseconds(value) else { return fail(.objectValueInvalid) }
                block.state.integrityPeriod = milliseconds
            case ("Resv", _), ("RptEna", _), ("GI", _), ("RptID", _), ("DatSet", _), ("OptFlds", _), ("BufTm", _), ("TrgOps", _), ("IntgPd", _):
                return fail(.typeInconsistent)
            case ("ConfRev", _), ("SqNum", _), ("Owner", _):
                return fail(.objectAccessDenied)
            default:
                return fail(.objectNonExistent)
            }
            state.blocks[index] = block
            return (nil, [(block.configuration, block.state.value)])
        }
        publish(outcome.1, server: server)
        if outcome.0 == nil, generalInterrogation { report(block: index, reason: .generalInterrogation, server: server) }
        return outcome.0
    }

    private static func milliseconds(_ value: MMSValue) -> UInt32? {
        switch value {
        case .unsigned(let number): UInt32(exactly: number)
        case .integer(let number): UInt32(exactly: number)
        default: nil
        }
    }

    /// A stand-in for the owner's network address in `Owner`: the association's identity, 8 octets.
    private static func address(_ association: ObjectIdentifier) -> [UInt8] {
        withUnsafeBytes(of: UInt64(UInt(bitPattern: association.hashValue))) { Array($0) }
    }

    // MARK: Triggers

    /// Values changed in the model (by the application or a client write): report what the enabled blocks watch.
    func valuesChanged(_ changes: [ValueChange], server: IEDServer) {
        guard !changes.isEmpty else { return }
        let members = server.dataSetMembers()
        var immediate: [Int] = []
        state.withLock { state in
            for index in state.blocks.indices where state.blocks[index].state.enabled {
                guard let list = members[state.blocks[index].state.dataSet] else { continue }
                var block = state.blocks[index]
                var touched = false
                for change in changes {
                    let leaf = change.item.split(separator: "$").last.map(String.init) ?? ""
                    let reason: ReportTriggers = change.old == change.new ? .dataUpdate : (leaf == "q" ? .qualityChange : .dataChange)
                    guard block.state.triggerOptions.contains(reason) else { continue }
                    for (position, member) in list.enumerated() where Self.covers(member, change) {
                        block.pending[position, default: []].insert(reason)
                        touched = true
                    }
                }
                guard touched else { continue }
                if block.state.bufferTime == 0 {
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

    /// Sends what is pending for a block (the buffer time ended, or a change arrived with no buffer time).
    private func flush(block index: Int, server: IEDServer) {
        let pending: [Int: ReportTriggers] = state.withLock { state in
            guard state.blocks.indices.contains(index) else { return [:] }
            state.blocks[index].bufferTimer?.cancel()
            state.blocks[index].bufferTimer = nil
            defer { state.blocks[index].pending = [:] }
            return state.blocks[index].pending
        }
        guard !pending.isEmpty else { return }
        send(block: index, included: pending, server: server)
    }

    /// A report of every member for one reason (general interrogation, integrity); pending changes go first.
    private func report(block index: Int, reason: ReportTriggers, server: IEDServer) {
        flush(block: index, server: server)
        guard let list = state.withLock({ state -> String? in
            guard state.blocks.indices.contains(index), state.blocks[index].state.enabled else { return nil }
            return state.blocks[index].state.dataSet
        }).flatMap({ server.dataSetMembers()[$0] }) else { return }
        send(block: index, included: Dictionary(uniqueKeysWithValues: list.indices.map { ($0, reason) }), server: server)
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

    /// Builds and sends one report (IEC 61850-8-1 §17.2.3) with the current values of the included members.
    private func send(block index: Int, included: [Int: ReportTriggers], server: IEDServer) {
        let prepared: (ReportSink, ReportControlState, ServedReportControl)? = state.withLock { state in
            guard state.blocks.indices.contains(index), state.blocks[index].state.enabled,
                  let owner = state.blocks[index].state.owner, let sink = state.sinks[owner] else { return nil }
            let snapshot = state.blocks[index].state
            state.blocks[index].state.sequenceNumber &+= 1
            return (sink, snapshot, state.blocks[index].configuration)
        }
        guard let (sink, block, configuration) = prepared, let members = server.dataSetMembers()[block.dataSet] else { return }
        let positions = included.keys.filter { $0 < members.count }.sorted()
        let values = server.read(positions.map { members[$0] })
        var results: [AccessResult] = []
        let fields = block.optionalFields
        results.append(.success(.visibleString(block.reportID.isEmpty ? "\(configuration.domain)/\(configuration.item)" : block.reportID)))
        results.append(.success(.bitString(fields.bits)))
        if fields.contains(.sequenceNumber) { results.append(.success(.unsigned(UInt64(block.sequenceNumber)))) }
        if fields.contains(.timeStamp) { results.append(.success(.binaryTime(Self.now()))) }
        if fields.contains(.dataSetName) { results.append(.success(.visibleString(block.dataSet))) }
        if fields.contains(.configurationRevision) { results.append(.success(.unsigned(UInt64(block.configurationRevision)))) }
        results.append(.success(.bitString(MMSBitString(bits: members.indices.map { included[$0] != nil }))))
        if fields.contains(.dataReference) {
            for position in positions { results.append(.success(.visibleString("\(members[position].name)"))) }
        }
        results.append(contentsOf: values)
        if fields.contains(.reasonCode) {
            for position in positions { results.append(.success(.bitString((included[position] ?? []).bits(size: 7)))) }
        }
        let pdu = MMSPDU.unconfirmed(.informationReport(.variableListName(.vmdSpecific("RPT")), results))
        guard pdu.encoded().count <= sink.maxPDUSize else {
            server.count { $0.reportsTooLarge += 1 }
            log.warning("a report does not fit the negotiated PDU size and was not sent (segmentation is not implemented yet)",
                        metadata: ["rcb": "\(configuration.domain)/\(configuration.item)", "members": "\(positions.count)"])
            return
        }
        server.count { $0.reportsSent += 1 }
        sink.send(pdu)
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
