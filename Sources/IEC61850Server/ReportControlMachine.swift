// The server's report control blocks as one pure state machine (IEC 61850-7-2 §17.2, IEC 61850-8-1 §17.2): URCBs and
// BRCBs, reservation and ownership per association, the write rules, triggers (data change, quality change, data
// update), buffer-time coalescing, integrity period, general interrogation, a BRCB's bounded buffer with EntryIDs and
// overflow, ResvTms, and the report PDUs with segmentation.
//
// Events come in (an association opened or ended, a client wrote an attribute, values changed, a timer fired), each
// with the time; actions come out (send these report PDUs to that association, arm or cancel a timer, store a block's
// value in the model). The machine reads no clock, arms no timer and touches no socket: `ReportEngine` runs it on the
// server, and tests run it on a virtual clock.

/// A timer of one report control block.
struct ReportTimer: Hashable, Sendable {
    /// What the timer is for.
    enum Kind: Hashable, Sendable {
        /// The buffer time after the first change of a report ended (`BufTm`).
        case bufferTime
        /// The integrity period ended (`IntgPd`).
        case integrity
        /// A BRCB's reservation kept for its client after the association ended ran out (`ResvTms`).
        case reservation
    }

    /// The block's index in the machine.
    let block: Int
    let kind: Kind
}

/// What the report machine asks its driver to do, in order.
enum ReportAction: Sendable {
    /// Send one report (its segments, each an encoded MMS PDU) to an association.
    case send(association: ServerAssociationID, pdus: [[UInt8]])
    /// Arm `timer` to fire after `delay`, replacing it if armed.
    case schedule(ReportTimer, after: Duration)
    /// Disarm `timer`.
    case cancel(ReportTimer)
    /// Store a block's value (its attributes as clients read them) in the model: `domain`, `LN$RP|BR$name`.
    case publish(domain: String, item: String, value: MMSValue)
    /// A report was dropped because one member alone does not fit the association's PDU size.
    case reportTooLarge(block: String, member: Int)
}

/// Reads the current values of variables, in order (the model at the moment of the call).
typealias ReportValueReader = ([MMSVariableSpecification]) -> [AccessResult]

/// Resolves a DatSet value (`LD/LN$Name`, or `@Name` for one of the writing association's own datasets) to the
/// dataset's members; `nil` when there is no such dataset.
typealias DataSetLookup = (String) -> [MMSVariableSpecification]?

struct ReportControlMachine: Sendable {
    /// One report's content, taken when it was triggered: for a BRCB also what its buffer keeps.
    struct Entry: Sendable {
        var id: UInt64
        var time: MMSBinaryTime
        /// Included dataset positions with their reasons.
        var included: [Int: ReportTriggers]
        /// The included members' values, in position order.
        var values: [AccessResult]
    }

    /// A BRCB's buffer: oldest first, at most `capacity` entries; removal from the front is amortised O(1).
    struct EntryBuffer: Sendable {
        private var storage: [Entry] = []
        private var start = 0

        var count: Int { storage.count - start }
        var isEmpty: Bool { count == 0 }
        var entries: ArraySlice<Entry> { storage[start...] }

        mutating func append(_ entry: Entry) { storage.append(entry) }

        /// Drops the oldest entries beyond `capacity`; returns them.
        mutating func trim(to capacity: Int) -> ArraySlice<Entry> {
            let excess = count - capacity
            guard excess > 0 else { return [] }
            let dropped = storage[start..<(start + excess)]
            start += excess
            if start >= max(64, storage.count / 2) {
                storage.removeFirst(start)
                start = 0
            }
            return dropped
        }

        mutating func removeAll() {
            storage.removeAll()
            start = 0
        }
    }

    struct Block: Sendable {
        let configuration: ServedReportControl
        var state: ReportControlState
        /// The members of the dataset DatSet names (resolved when DatSet is set), `nil` when it names none.
        var members: [MMSVariableSpecification]?
        /// Members waiting for the buffer time to end, with their reasons.
        var pending: [Int: ReportTriggers] = [:]
        var bufferTimerArmed = false
        /// When the next integrity report is due, while the integrity period runs.
        var integrityDue: Duration?
        /// BRCB: the buffered entries, oldest first.
        var buffer = EntryBuffer()
        var nextEntryID: UInt64 = 1
        /// BRCB: the highest EntryID sent to a client. Entries up to it may be dropped from a full buffer without
        /// loss: only dropping entries never reported is an overflow (IEC 61850-7-2 §17.2.3.3 BufOvfl).
        var lastSentID: UInt64 = 0
        /// BRCB: entries never reported were dropped from a full buffer since the last report sent.
        var overflowed = false
        /// BRCB: a client wrote an EntryID to resume after.
        var resumeAfter: UInt64?
        /// BRCB: kept for this client address until this instant after its association ended (`ResvTms`).
        var reservedFor: (address: [UInt8], until: Duration)?
    }

    /// An association reports may go to.
    struct Association: Sendable {
        let maxPDUSize: Int
        /// The client's network address (4 octets IPv4, 16 IPv6): what `Owner` shows and what a BRCB reservation
        /// (`ResvTms`) is kept for after the association ends.
        let clientAddress: [UInt8]
    }

    private(set) var blocks: [Block]
    private var associations: [ServerAssociationID: Association] = [:]
    /// Block index by `domain/LN$RP|BR$name`.
    private let index: [String: Int]
    /// The members of each block's configured dataset, as resolved at start (restored when an `@` dataset ends).
    private let configuredMembers: [[MMSVariableSpecification]?]

    /// Whether there is no report control block (then changes cost nothing here).
    var isIdle: Bool { blocks.isEmpty }

    /// A machine for `controls`, their configured datasets resolved by `dataSets` (`LD/LN$Name`).
    init(controls: [ServedReportControl], dataSets: DataSetLookup) {
        configuredMembers = controls.map { dataSets($0.dataSet) }
        blocks = zip(controls, configuredMembers).map { Block(configuration: $0, state: ReportControlState($0), members: $1) }
        var index: [String: Int] = [:]
        for (position, control) in controls.enumerated() { index[control.domain + "/" + control.item] = position }
        self.index = index
    }

    // MARK: Queries

    /// Whether `item` in `domain` is a report control block or one of its attributes; then the block's index and the
    /// attribute (`nil` for the whole block, `""` for something deeper than an attribute).
    func target(domain: String, item: String) -> (block: Int, attribute: String?)? {
        guard !blocks.isEmpty else { return nil }
        let parts = item.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[1] == "RP" || parts[1] == "BR",
              let block = index[domain + "/" + parts.prefix(3).joined(separator: "$")] else { return nil }
        return (block, parts.count == 4 ? String(parts[3]) : (parts.count == 3 ? nil : ""))
    }

    /// Whether a block reports the dataset `name` (`LD/LN$Name`, or `@Name` of `association`); such a dataset may not
    /// be deleted (IEC 61850-7-2 §13.3.7).
    func isUsing(dataSet name: String, association: ServerAssociationID? = nil) -> Bool {
        blocks.contains { block in
            block.state.dataSet == name && (!name.hasPrefix("@") || block.state.owner == association)
        }
    }

    // MARK: Associations

    /// An association was established; reports may go to it.
    mutating func associate(_ association: ServerAssociationID, _ parameters: Association) {
        associations[association] = parameters
    }

    /// The association ended: its control blocks are disabled and released (IEC 61850-7-2 §17.2.2.7); a BRCB goes on
    /// buffering, and stays reserved for the same client for ResvTms seconds.
    mutating func release(_ association: ServerAssociationID, now: ServerInstant, read: ReportValueReader) -> [ReportAction] {
        associations.removeValue(forKey: association)
        var actions: [ReportAction] = []
        for position in blocks.indices where blocks[position].state.owner == association {
            // A BRCB loses nothing: changes still within the buffer time become an entry of its buffer now.
            if blocks[position].configuration.isBuffered { flush(block: position, now: now, read: read, actions: &actions) }
            var block = blocks[position]
            stop(&block, position: position, actions: &actions)
            block.state.enabled = false
            block.state.reserved = false
            let seconds = block.state.reservationTime
            if block.configuration.isBuffered, seconds > 0 {
                // IEC 61850-7-2 §17.2.3: the reservation outlives the association by ResvTms seconds, for the same client.
                block.reservedFor = (block.state.ownerAddress, now.elapsed + .seconds(Int(seconds)))
                actions.append(.schedule(ReportTimer(block: position, kind: .reservation), after: .seconds(Int(seconds))))
            } else {
                block.state.reservationTime = 0
                block.state.ownerAddress = []
            }
            block.state.owner = nil
            if block.state.dataSet.hasPrefix("@") {
                // The association's datasets end with it: back to the configured dataset.
                block.state.dataSet = block.configuration.dataSet
                block.state.configurationRevision &+= 1
                block.members = configuredMembers[position]
                // Entries of the association's dataset cannot be sent as entries of the configured one.
                block.buffer.removeAll()
                block.resumeAfter = nil
            }
            blocks[position] = block
            actions.append(publish(position))
        }
        return actions
    }


    // MARK: Client writes

    /// A client's write of a control block attribute, under the rules of IEC 61850-7-2 §17.2.2 (URCB) and §17.2.3
    /// (BRCB). `dataSets` resolves a DatSet value; `read` takes member values for a general interrogation.
    mutating func write(block position: Int, attribute: String?, value: MMSValue, association: ServerAssociationID, now: ServerInstant,
                        dataSets: DataSetLookup, read: ReportValueReader) -> (DataAccessError?, [ReportAction]) {
        guard blocks.indices.contains(position), let attribute, !attribute.isEmpty else { return (.objectAccessDenied, []) }
        // A write carried out after its association ended (its handlers were still deciding) must not take a block
        // that nothing would ever release.
        guard associations[association] != nil else { return (.temporarilyUnavailable, []) }
        var block = blocks[position]
        let buffered = block.configuration.isBuffered
        let clientAddress = associations[association]?.clientAddress ?? []
        var actions: [ReportAction] = []
        if let kept = block.reservedFor {
            if kept.until <= now.elapsed {
                block.reservedFor = nil
                block.state.reservationTime = 0
                block.state.ownerAddress = []
                actions.append(.cancel(ReportTimer(block: position, kind: .reservation)))
            } else if kept.address == clientAddress {
                // The same client is back within ResvTms: the block is its own again.
                block.reservedFor = nil
                block.state.owner = association
                actions.append(.cancel(ReportTimer(block: position, kind: .reservation)))
            }
        }
        let ownedByOther = (block.state.owner.map { $0 != association } ?? false) || block.reservedFor != nil
        func settable() -> DataAccessError? { ownedByOther || block.state.enabled ? .temporarilyUnavailable : nil }
        var generalInterrogation = false
        var enabling = false
        switch (attribute, value) {
        case ("Resv", .boolean(let reserve)) where !buffered:
            guard !ownedByOther else { return (.temporarilyUnavailable, []) }
            if !reserve, block.state.enabled { return (.temporarilyUnavailable, []) }
            block.state.reserved = reserve
            block.state.owner = reserve ? association : nil
            block.state.ownerAddress = reserve ? clientAddress : []
        case ("ResvTms", .integer) where buffered, ("ResvTms", .unsigned) where buffered:
            guard !ownedByOther else { return (.temporarilyUnavailable, []) }
            let seconds: Int16? = switch value {
            case .integer(let number): Int16(exactly: number)
            case .unsigned(let number): Int16(exactly: number)
            default: nil
            }
            // −1 means reserved by configuration, which a client cannot write.
            guard let time = seconds, time >= 0 else { return (.objectValueInvalid, []) }
            if time == 0, block.state.enabled { return (.temporarilyUnavailable, []) }
            block.state.reservationTime = time
            block.state.owner = time != 0 ? association : (block.state.enabled ? association : nil)
            block.state.ownerAddress = block.state.owner == nil ? [] : clientAddress
        case ("RptEna", .boolean(let enable)):
            guard !ownedByOther else { return (.temporarilyUnavailable, []) }
            if enable {
                guard block.members != nil, associations[association] != nil else { return (.objectValueInvalid, []) }
                block.state.enabled = true
                block.state.owner = association
                block.state.ownerAddress = clientAddress
                enabling = true
            } else {
                if buffered, !block.pending.isEmpty {
                    // Changes still within the buffer time are reported now (and kept in the buffer), not dropped.
                    blocks[position] = block
                    flush(block: position, now: now, read: read, actions: &actions)
                    block = blocks[position]
                }
                stop(&block, position: position, actions: &actions)
                block.state.enabled = false
                if !block.state.reserved && block.state.reservationTime == 0 {  // still reserved: stays the owner's
                    block.state.owner = nil
                    block.state.ownerAddress = []
                }
            }
        case ("GI", .boolean(let requested)):
            guard !ownedByOther else { return (.temporarilyUnavailable, []) }
            guard block.state.enabled || !requested else { return (.temporarilyUnavailable, []) }
            generalInterrogation = requested
        case ("PurgeBuf", .boolean(let purge)) where buffered:
            if let refusal = settable() { return (refusal, []) }
            if purge {
                block.buffer.removeAll()
                block.overflowed = false
            }
        case ("EntryID", .octetString(let octets)) where buffered:
            if let refusal = settable() { return (refusal, []) }
            guard octets.count == 8 else { return (.objectValueInvalid, []) }
            let id = octets.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            block.resumeAfter = id == 0 ? nil : id
            block.state.entryID = octets
        case ("RptID", .visibleString(let text)), ("RptID", .mmsString(let text)):
            if let refusal = settable() { return (refusal, []) }
            guard text.utf8.count <= 129 else { return (.objectValueInvalid, []) }
            block.state.reportID = text
        case ("DatSet", .visibleString(let text)), ("DatSet", .mmsString(let text)):
            if let refusal = settable() { return (refusal, []) }
            if text.isEmpty {
                block.members = nil
            } else {
                guard let members = dataSets(text) else { return (.objectValueInvalid, []) }
                block.members = members
            }
            if text.hasPrefix("@") {
                // One of this association's own datasets (IEC 61850-7-2 §17.2.2.5: a non-persistent dataset): the block
                // is the association's too until the association ends.
                block.state.owner = association
                block.state.ownerAddress = clientAddress
            }
            if text != block.state.dataSet {
                block.state.configurationRevision &+= 1
                block.buffer.removeAll()  // entries of another dataset cannot be sent any more
                block.pending = [:]
            }
            block.state.dataSet = text
        case ("OptFlds", .bitString(let bits)):
            if let refusal = settable() { return (refusal, []) }
            // Segmentation is the server's business; buffer overflow and EntryID only mean something for a BRCB.
            var fields = ReportOptionalFields(bits: bits).subtracting(.segmentation)
            if !buffered { fields.subtract([.bufferOverflow, .entryID]) }
            block.state.optionalFields = fields
        case ("BufTm", .unsigned), ("BufTm", .integer):
            if let refusal = settable() { return (refusal, []) }
            guard let milliseconds = Self.milliseconds(value) else { return (.objectValueInvalid, []) }
            block.state.bufferTime = milliseconds
        case ("TrgOps", .bitString(let bits)):
            if let refusal = settable() { return (refusal, []) }
            block.state.triggerOptions = ReportTriggers(bits: bits).subtracting(.applicationTrigger)
        case ("IntgPd", .unsigned), ("IntgPd", .integer):
            if let refusal = settable() { return (refusal, []) }
            guard let milliseconds = Self.milliseconds(value) else { return (.objectValueInvalid, []) }
            block.state.integrityPeriod = milliseconds
        case ("Resv", _) where !buffered, ("ResvTms", _) where buffered, ("PurgeBuf", _) where buffered, ("EntryID", _) where buffered,
             ("RptEna", _), ("GI", _), ("RptID", _), ("DatSet", _), ("OptFlds", _), ("BufTm", _), ("TrgOps", _), ("IntgPd", _):
            return (.typeInconsistent, [])
        case ("ConfRev", _), ("SqNum", _), ("Owner", _), ("TimeOfEntry", _):
            return (.objectAccessDenied, [])
        default:
            return (.objectNonExistent, [])
        }
        var backlog: [Entry] = []
        if enabling {
            start(&block, position: position, now: now, actions: &actions)
            if buffered { backlog = Self.backlog(&block) }
        }
        blocks[position] = block
        actions.append(publish(position))
        for entry in backlog { send(entry, block: position, actions: &actions) }
        if generalInterrogation { report(block: position, reason: .generalInterrogation, now: now, read: read, actions: &actions) }
        return (nil, actions)
    }

    /// BRCB, on enabling: the buffered entries to send — after the EntryID a client wrote (all of them, flagged as
    /// an overflow, when that entry is gone), or else those never sent.
    private static func backlog(_ block: inout Block) -> [Entry] {
        defer { block.resumeAfter = nil }
        if let resume = block.resumeAfter {
            if let position = block.buffer.entries.firstIndex(where: { $0.id == resume }) {
                return Array(block.buffer.entries[(position + 1)...])
            }
            block.overflowed = true
            return Array(block.buffer.entries)
        }
        return block.buffer.entries.filter { $0.id > block.lastSentID }
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
    mutating func valuesChanged(_ changes: [ValueChange], now: ServerInstant, read: ReportValueReader) -> [ReportAction] {
        guard !changes.isEmpty, !blocks.isEmpty else { return [] }
        var actions: [ReportAction] = []
        for position in blocks.indices where blocks[position].state.enabled || blocks[position].configuration.isBuffered {
            guard let list = blocks[position].members else { continue }
            var touched = false
            for change in changes {
                let reason = change.reason.intersection(blocks[position].state.triggerOptions)
                guard !reason.isEmpty else { continue }
                for (member, specification) in list.enumerated() where Self.covers(specification, change) {
                    blocks[position].pending[member, default: []].formUnion(reason)
                    touched = true
                }
            }
            guard touched else { continue }
            if blocks[position].state.bufferTime == 0 || !blocks[position].state.enabled {
                flush(block: position, now: now, read: read, actions: &actions)
            } else if !blocks[position].bufferTimerArmed {
                blocks[position].bufferTimerArmed = true
                actions.append(.schedule(ReportTimer(block: position, kind: .bufferTime), after: .milliseconds(blocks[position].state.bufferTime)))
            }
        }
        return actions
    }

    /// A timer the driver armed fired.
    mutating func timerFired(_ timer: ReportTimer, now: ServerInstant, read: ReportValueReader) -> [ReportAction] {
        guard blocks.indices.contains(timer.block) else { return [] }
        var actions: [ReportAction] = []
        switch timer.kind {
        case .bufferTime:
            guard blocks[timer.block].bufferTimerArmed else { return [] }
            flush(block: timer.block, now: now, read: read, actions: &actions)
        case .integrity:
            guard let due = blocks[timer.block].integrityDue, blocks[timer.block].state.enabled else { return [] }
            // The next period starts where this one was due, so reports do not drift; a late timer does not make a burst.
            let period = Duration.milliseconds(blocks[timer.block].state.integrityPeriod)
            let next = max(due + period, now.elapsed + .milliseconds(1))
            blocks[timer.block].integrityDue = next
            actions.append(.schedule(timer, after: next - now.elapsed))
            report(block: timer.block, reason: .integrity, now: now, read: read, actions: &actions)
        case .reservation:
            // When a kept reservation runs out, the block is free again and reads show it (Owner empty, ResvTms 0).
            guard let kept = blocks[timer.block].reservedFor else { return [] }
            guard kept.until <= now.elapsed else {
                // Early (a timer may fire a little before its deadline): wait for the rest.
                return [.schedule(timer, after: kept.until - now.elapsed)]
            }
            blocks[timer.block].reservedFor = nil
            blocks[timer.block].state.reservationTime = 0
            blocks[timer.block].state.ownerAddress = []
            actions.append(publish(timer.block))
        }
        return actions
    }

    /// Whether a change touches a dataset member: the member is the changed attribute, contains it, or is inside it.
    private static func covers(_ member: MMSVariableSpecification, _ change: ValueChange) -> Bool {
        guard case .domainSpecific(let domain, let item) = member.name, domain == change.domain else { return false }
        guard item.utf8.count != change.item.utf8.count else { return item == change.item }
        return item.utf8.count < change.item.utf8.count ? change.item.hasPrefix(item + "$") : item.hasPrefix(change.item + "$")
    }

    /// Turns what is pending for a block into an entry (the buffer time ended, or a change arrived with no buffer time).
    private mutating func flush(block position: Int, now: ServerInstant, read: ReportValueReader, actions: inout [ReportAction]) {
        if blocks[position].bufferTimerArmed {
            blocks[position].bufferTimerArmed = false
            actions.append(.cancel(ReportTimer(block: position, kind: .bufferTime)))
        }
        let pending = blocks[position].pending
        blocks[position].pending = [:]
        guard !pending.isEmpty else { return }
        record(block: position, included: pending, now: now, read: read, actions: &actions)
    }

    /// A report of every member for one reason (general interrogation, integrity); pending changes go first.
    private mutating func report(block position: Int, reason: ReportTriggers, now: ServerInstant, read: ReportValueReader,
                                 actions: inout [ReportAction]) {
        flush(block: position, now: now, read: read, actions: &actions)
        guard blocks[position].state.enabled, let list = blocks[position].members else { return }
        record(block: position, included: Dictionary(uniqueKeysWithValues: list.indices.map { ($0, reason) }), now: now, read: read,
               actions: &actions)
    }

    /// Takes the values of the included members now, keeps the entry in a BRCB's buffer, and sends it when enabled.
    private mutating func record(block position: Int, included: [Int: ReportTriggers], now: ServerInstant, read: ReportValueReader,
                                 actions: inout [ReportAction]) {
        guard let members = blocks[position].members else { return }
        let kept = included.filter { $0.key < members.count }
        let values = read(kept.keys.sorted().map { members[$0] })
        let entry = Entry(id: blocks[position].nextEntryID, time: now.binaryTime, included: kept, values: values)
        blocks[position].nextEntryID &+= 1
        if blocks[position].configuration.isBuffered {
            // In place: the buffer is not copied for each entry.
            blocks[position].buffer.append(entry)
            // Entries already reported may go; dropping one never reported loses it, and the next report says so.
            let lastSent = blocks[position].lastSentID
            let dropped = blocks[position].buffer.trim(to: blocks[position].configuration.bufferCapacity)
            if dropped.contains(where: { $0.id > lastSent }) { blocks[position].overflowed = true }
        }
        if blocks[position].state.enabled { send(entry, block: position, actions: &actions) }
    }

    /// The timers the machine expects to be armed, from now (after the driver was stopped and started again).
    func timersToArm(now: ServerInstant) -> [ReportAction] {
        var actions: [ReportAction] = []
        for (position, block) in blocks.enumerated() {
            if block.bufferTimerArmed {
                actions.append(.schedule(ReportTimer(block: position, kind: .bufferTime), after: .milliseconds(block.state.bufferTime)))
            }
            if let due = block.integrityDue {
                actions.append(.schedule(ReportTimer(block: position, kind: .integrity), after: max(.zero, due - now.elapsed)))
            }
            if let kept = block.reservedFor {
                actions.append(.schedule(ReportTimer(block: position, kind: .reservation), after: max(.zero, kept.until - now.elapsed)))
            }
        }
        return actions
    }

    private mutating func start(_ block: inout Block, position: Int, now: ServerInstant, actions: inout [ReportAction]) {
        stop(&block, position: position, actions: &actions)
        if block.state.triggerOptions.contains(.integrity), block.state.integrityPeriod > 0 {
            let period = Duration.milliseconds(block.state.integrityPeriod)
            block.integrityDue = now.elapsed + period
            actions.append(.schedule(ReportTimer(block: position, kind: .integrity), after: period))
        }
    }

    private func stop(_ block: inout Block, position: Int, actions: inout [ReportAction]) {
        if block.bufferTimerArmed { actions.append(.cancel(ReportTimer(block: position, kind: .bufferTime))) }
        if block.integrityDue != nil { actions.append(.cancel(ReportTimer(block: position, kind: .integrity))) }
        block.bufferTimerArmed = false
        block.integrityDue = nil
        block.pending = [:]
    }

    private func publish(_ position: Int) -> ReportAction {
        .publish(domain: blocks[position].configuration.domain, item: blocks[position].configuration.item, value: blocks[position].state.value)
    }

    // MARK: The report

    /// Sends one entry as a report (IEC 61850-8-1 §17.2.3) to the block's owner.
    private mutating func send(_ entry: Entry, block position: Int, actions: inout [ReportAction]) {
        guard blocks[position].state.enabled, let owner = blocks[position].state.owner, let association = associations[owner],
              let members = blocks[position].members else { return }
        var block = blocks[position]
        let overflowed = block.overflowed
        block.overflowed = false
        block.lastSentID = max(block.lastSentID, entry.id)
        block.state.entryID = withUnsafeBytes(of: entry.id.bigEndian) { Array($0) }
        block.state.timeOfEntry = entry.time
        let snapshot = block.state
        block.state.sequenceNumber = block.configuration.isBuffered ? block.state.sequenceNumber &+ 1 : (block.state.sequenceNumber &+ 1) & 0xFF
        blocks[position] = block
        let configuration = block.configuration
        switch Self.reportPDUs(entry, state: snapshot, configuration: configuration, members: members, overflowed: overflowed,
                               maxPDUSize: association.maxPDUSize) {
        case .success(let pdus):
            actions.append(.send(association: owner, pdus: pdus))
        case .failure(let tooLarge):
            actions.append(.reportTooLarge(block: "\(configuration.domain)/\(configuration.item)", member: tooLarge.position))
        }
        actions.append(publish(position))
    }

    /// The encoded report PDUs of one entry: one, or segments when it does not fit `maxPDUSize`; the failure names a
    /// member that alone does not fit.
    static func reportPDUs(_ entry: Entry, state block: ReportControlState, configuration: ServedReportControl,
                           members: [MMSVariableSpecification], overflowed: Bool, maxPDUSize: Int) -> Result<[[UInt8]], MemberTooLarge> {
        let positions = entry.included.keys.sorted()
        let valueByPosition = Dictionary(uniqueKeysWithValues: zip(positions, entry.values))
        let reportID = block.reportID.isEmpty ? "\(configuration.domain)/\(configuration.item)" : block.reportID

        /// The report for `part` of the included members; `segment` is (SubSqNum, MoreSegmentsFollow) when segmented.
        func pdu(_ part: ArraySlice<Int>, segment: (UInt32, Bool)?) -> [UInt8] {
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
            return MMSPDU.unconfirmed(.informationReport(.variableListName(.vmdSpecific("RPT")), results)).encoded()
        }

        // IEC 61850-7-2 §17.2.3.4: a report too large for the negotiated PDU size goes out in segments with the same
        // SqNum, SubSqNum 0, 1, … and MoreSegmentsFollow on all but the last.
        let whole = pdu(positions[...], segment: nil)
        guard whole.count > maxPDUSize else { return .success([whole]) }
        var pdus: [[UInt8]] = []
        var start = 0
        while start < positions.count {
            // Grow the segment while it fits (the last segment's flag only shrinks the PDU).
            var end = start + 1
            var segment = pdu(positions[start..<end], segment: (UInt32(pdus.count), true))
            guard segment.count <= maxPDUSize else { return .failure(MemberTooLarge(position: positions[start])) }
            while end < positions.count {
                let longer = pdu(positions[start...end], segment: (UInt32(pdus.count), true))
                guard longer.count <= maxPDUSize else { break }
                segment = longer
                end += 1
            }
            if end == positions.count { segment = pdu(positions[start..<end], segment: (UInt32(pdus.count), false)) }
            pdus.append(segment)
            start = end
        }
        return .success(pdus)
    }

    /// A dataset member that alone does not fit the negotiated PDU size.
    struct MemberTooLarge: Error {
        let position: Int
    }
}
