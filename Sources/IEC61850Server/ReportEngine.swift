// Runs the server's `ReportControlMachine`: feeds it events with the time of the server's clock, and carries out the
// actions it returns — report PDUs handed to the owning association's channel, timers armed on the clock, block values
// stored in the model.

import Logging
import Synchronization

/// Where an association's reports go.
struct ReportSink: Sendable {
    let maxPDUSize: Int
    /// The client's network address (4 octets IPv4, 16 IPv6).
    let clientAddress: [UInt8]
    /// Hands encoded MMS PDUs to the association, in order (they are framed and written on its event loop).
    let send: @Sendable ([[UInt8]]) -> Void
}

final class ReportEngine: ServerChangeSubscriber {
    private struct State {
        var machine: ReportControlMachine
        var sinks: [ServerAssociationID: ReportSink] = [:]
        /// Armed timers, each with a token so that a timer that fires after it was replaced or cancelled is ignored.
        var timers: [ReportTimer: (token: UInt64, timer: any ServerTimer)] = [:]
        var nextToken: UInt64 = 0
        var stopped = false
    }

    /// The machine and everything the driver keeps. Actions are carried out while it is held, so reports leave each
    /// association in SqNum/EntryID order whatever thread triggered them. Lock order: this, then the model; nothing
    /// that holds the model lock calls in here.
    private let state: Mutex<State>
    private let clock: any ServerClock
    private let log: Logger

    /// Whether the model has no report control block (then changes cost nothing here).
    let isIdle: Bool

    init(machine: ReportControlMachine, clock: any ServerClock, log: Logger) {
        isIdle = machine.isIdle
        state = Mutex(State(machine: machine))
        self.clock = clock
        self.log = log
    }

    // MARK: Events

    func register(_ association: ServerAssociationID, sink: ReportSink) {
        guard !isIdle else { return }
        state.withLock { state in
            state.sinks[association] = sink
            state.machine.associate(association, .init(maxPDUSize: sink.maxPDUSize, clientAddress: sink.clientAddress))
        }
    }

    /// The association ended.
    func unregister(_ association: ServerAssociationID, server: IEDServer) {
        guard !isIdle else { return }
        let now = clock.now()
        state.withLock { state in
            state.sinks.removeValue(forKey: association)
            let actions = state.machine.release(association, now: now, read: server.read)
            run(actions, in: &state, server: server)
        }
    }

    /// Whether `item` in `domain` is a report control block or one of its attributes.
    func target(domain: String, item: String) -> (block: Int, attribute: String?)? {
        guard !isIdle else { return nil }
        return state.withLock { $0.machine.target(domain: domain, item: item) }
    }

    /// A client's write of a control block attribute.
    func write(block: Int, attribute: String?, value: MMSValue, association: ServerAssociationID, server: IEDServer,
               dataSets: DataSetLookup) -> DataAccessError? {
        let now = clock.now()
        return state.withLock { state in
            let (error, actions) = state.machine.write(block: block, attribute: attribute, value: value, association: association, now: now,
                                                       dataSets: dataSets, read: server.read)
            run(actions, in: &state, server: server)
            return error
        }
    }

    /// Values changed in the model.
    func valuesChanged(_ changes: [ValueChange], server: IEDServer) {
        guard !changes.isEmpty, !isIdle else { return }
        let now = clock.now()
        state.withLock { state in
            let actions = state.machine.valuesChanged(changes, now: now, read: server.read)
            run(actions, in: &state, server: server)
        }
    }

    private func fire(_ timer: ReportTimer, token: UInt64, server: IEDServer) {
        let now = clock.now()
        state.withLock { state in
            guard !state.stopped, state.timers[timer]?.token == token else { return }
            state.timers.removeValue(forKey: timer)
            let actions = state.machine.timerFired(timer, now: now, read: server.read)
            run(actions, in: &state, server: server)
        }
    }

    /// Arms again the timers the machine expects (the server starts again after a shutdown).
    func resume(server: IEDServer) {
        guard !isIdle else { return }
        let now = clock.now()
        state.withLock { state in
            guard state.stopped else { return }
            state.stopped = false
            let actions = state.machine.timersToArm(now: now)
            run(actions, in: &state, server: server)
        }
    }

    /// Runs `body` (which may take the model's lock) unless a block reports the dataset `name`, atomically with
    /// respect to control-block writes; whether it ran.
    func unlessUsing(dataSet name: String, association: ServerAssociationID? = nil, _ body: () -> Void) -> Bool {
        state.withLock { state in
            guard !state.machine.isUsing(dataSet: name, association: association) else { return false }
            body()
            return true
        }
    }

    /// Stops every timer (server shutdown).
    func stopAll() {
        state.withLock { state in
            state.stopped = true
            for (_, armed) in state.timers { armed.timer.cancel() }
            state.timers = [:]
        }
    }

    // MARK: Actions

    private func run(_ actions: [ReportAction], in state: inout State, server: IEDServer) {
        var published: [(domain: String, item: String, value: MMSValue)] = []
        for action in actions {
            switch action {
            case .send(let association, let pdus):
                guard let sink = state.sinks[association] else { continue }
                sink.send(pdus)
                server.count { $0.reportsSent += 1 }
            case .schedule(let timer, let delay):
                guard !state.stopped else { continue }
                state.timers.removeValue(forKey: timer)?.timer.cancel()
                state.nextToken &+= 1
                let token = state.nextToken
                let armed = clock.schedule(after: delay) { [self] in self.fire(timer, token: token, server: server) }
                state.timers[timer] = (token, armed)
            case .cancel(let timer):
                state.timers.removeValue(forKey: timer)?.timer.cancel()
            case .publish(let domain, let item, let value):
                published.append((domain, item, value))
            case .reportTooLarge(let block, let member):
                server.count { $0.reportsTooLarge += 1 }
                log.warning("a single dataset member does not fit the negotiated PDU size; the report was not sent",
                            metadata: ["rcb": "\(block)", "member": "\(member)"])
            }
        }
        if !published.isEmpty { server.setReportControlValues(published) }
    }
}
