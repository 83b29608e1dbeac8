// Delivering reports to consumers: one pump per client reads the association's unconfirmed PDUs, decodes
// reports and hands each to the subscriptions that want it, each with its own bounded buffer.

import Synchronization

/// Reports as an `AsyncSequence`. Each subscription buffers up to its limit; when a slow consumer lets it fill, the
/// oldest report is dropped and the next one delivered says how many were missed (``Report/missedBefore``).
/// The sequence ends normally when the subscription is cancelled, and with an ``IEC61850Error`` when the
/// association ends.
public struct ReportStream: AsyncSequence, Sendable {
    /// The reports.
    public typealias Element = Report
    /// Why the sequence ended early.
    public typealias Failure = IEC61850Error

    let buffer: ReportBuffer

    /// The iterator.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: ReportBuffer

        /// The next report, `nil` when the subscription ended, or the error that ended the association.
        public mutating func next() async throws(IEC61850Error) -> Report? {
            try await buffer.next()
        }

        /// The next report (isolation-aware form).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(IEC61850Error) -> Report? {
            try await buffer.next()
        }
    }

    /// Makes the iterator.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }

    /// Reports dropped so far because the consumer was slower than the server.
    public var droppedCount: Int { buffer.dropped }
}

/// One subscription's bounded buffer, safe from any thread.
final class ReportBuffer: Sendable {
    private struct State {
        var items: [Report] = []
        var head = 0
        var missed = 0
        var droppedTotal = 0
        var waiter: CheckedContinuation<Result<Report?, IEC61850Error>, Never>?
        var ended: Result<Void, IEC61850Error>?
    }

    let limit: Int
    let filter: @Sendable (Report) -> Bool
    private let state = Mutex(State())

    init(limit: Int, filter: @escaping @Sendable (Report) -> Bool) {
        self.limit = max(1, limit)
        self.filter = filter
    }

    var dropped: Int { state.withLock { $0.droppedTotal } }

    func push(_ report: Report) {
        let waiter: CheckedContinuation<Result<Report?, IEC61850Error>, Never>? = state.withLock { state in
            guard state.ended == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            if state.items.count - state.head >= limit {
                state.head += 1
                state.missed += 1
                state.droppedTotal += 1
            }
            if state.head > 256 {
                state.items.removeFirst(state.head)
                state.head = 0
            }
            state.items.append(report)
            return nil
        }
        waiter?.resume(returning: .success(report))
    }

    func finish(_ outcome: Result<Void, IEC61850Error>) {
        let waiter: CheckedContinuation<Result<Report?, IEC61850Error>, Never>? = state.withLock { state in
            guard state.ended == nil else { return nil }
            state.ended = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        switch outcome {
        case .success: waiter?.resume(returning: .success(nil))
        case .failure(let error): waiter?.resume(returning: .failure(error))
        }
    }

    func next() async throws(IEC61850Error) -> Report? {
        let result: Result<Report?, IEC61850Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Report?, IEC61850Error>, Never>) in
                let immediate: Result<Report?, IEC61850Error>? = state.withLock { state in
                    if state.head < state.items.count {
                        var report = state.items[state.head]
                        state.head += 1
                        report.missedBefore += state.missed
                        state.missed = 0
                        return .success(report)
                    }
                    switch state.ended {
                    case .success?: return .success(nil)
                    case .failure(let error)?: return .failure(error)
                    case nil:
                        state.waiter = continuation
                        return nil
                    }
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            finish(.success(()))
        }
        return try result.get()
    }
}

/// Fans decoded reports out to subscriptions.
final class ReportHub: Sendable {
    private let subscriptions = Mutex<[Int: ReportBuffer]>([:])
    private let nextID = Atomic<Int>(0)
    private let closed = Mutex<IEC61850Error?>(nil)
    /// Reports no subscription wanted, and InformationReports that were not reports or did not decode.
    let unclaimed = Atomic<Int>(0)

    func subscribe(limit: Int, filter: @escaping @Sendable (Report) -> Bool) -> (id: Int, stream: ReportStream) {
        let buffer = ReportBuffer(limit: limit, filter: filter)
        let id = nextID.add(1, ordering: .relaxed).newValue
        if let error = closed.withLock({ $0 }) {
            buffer.finish(.failure(error))
        } else {
            subscriptions.withLock { $0[id] = buffer }
        }
        return (id, ReportStream(buffer: buffer))
    }

    func unsubscribe(_ id: Int) {
        let buffer = subscriptions.withLock { $0.removeValue(forKey: id) }
        buffer?.finish(.success(()))
    }

    func deliver(_ pdu: MMSUnconfirmedPDU) {
        guard case .informationReport(.variableListName(.vmdSpecific("RPT")), let results) = pdu,
              let report = try? Report(results: results) else {
            unclaimed.add(1, ordering: .relaxed)
            return
        }
        deliverDecoded(report)
    }

    /// Segmented reports being reassembled, by RptID (IEC 61850-7-2 §17.2.3.4: same SqNum, SubSqNum 0, 1, …).
    private let segments = Mutex<[String: Report]>([:])
    /// The most reports reassembled at once; beyond it the oldest partial one is delivered as incomplete.
    static let maxPendingSegmented = 64
    /// The most entries one reassembled report may gather: a server that never ends a report (MoreSegmentsFollow
    /// always true) cannot grow memory without bound; the report is delivered as incomplete instead.
    static let maxSegmentedEntries = 65_536

    func deliverDecoded(_ report: Report) {
        guard report.optionalFields.contains(.segmentation), let sub = report.subSequenceNumber, let more = report.moreSegmentsFollow else {
            fanOut(report)
            return
        }
        var complete: [Report] = []
        segments.withLock { pending in
            if sub > 0, var current = pending[report.reportID], current.sequenceNumber == report.sequenceNumber,
               current.subSequenceNumber.map({ $0 &+ 1 }) == sub {
                current.append(segment: report)
                if current.entries.count > Self.maxSegmentedEntries {
                    current.isIncomplete = true
                    complete.append(current)
                    pending.removeValue(forKey: report.reportID)
                    return
                }
                pending[report.reportID] = current
            } else {
                // A first segment, or a gap: what was pending is delivered as it is (incomplete) and this one starts anew.
                if var stale = pending.removeValue(forKey: report.reportID) {
                    stale.isIncomplete = true
                    complete.append(stale)
                }
                var start = report
                start.isIncomplete = sub != 0
                pending[report.reportID] = start
            }
            if !more, let done = pending.removeValue(forKey: report.reportID) { complete.append(done) }
            if pending.count > Self.maxPendingSegmented, let key = pending.keys.first, var oldest = pending.removeValue(forKey: key) {
                oldest.isIncomplete = true
                complete.append(oldest)
            }
        }
        for var report in complete {
            report.entries.sort { $0.index < $1.index }
            fanOut(report)
        }
    }

    private func fanOut(_ report: Report) {
        let targets = subscriptions.withLock { Array($0.values) }.filter { $0.filter(report) }
        if targets.isEmpty { unclaimed.add(1, ordering: .relaxed) }
        for target in targets { target.push(report) }
    }

    func close(_ error: IEC61850Error) {
        closed.withLock { $0 = error }
        let all = subscriptions.withLock { subscriptions -> [ReportBuffer] in
            defer { subscriptions.removeAll() }
            return Array(subscriptions.values)
        }
        for buffer in all { buffer.finish(.failure(error)) }
    }
}
