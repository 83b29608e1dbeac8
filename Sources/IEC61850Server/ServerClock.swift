// The server's time: one clock for timestamps (report TimeOfEntry, entry times) and deadlines (buffer time, integrity
// period, ResvTms). The control-block machines never read the time themselves; the server gives it to them with each
// event, from a clock that tests replace with a virtual one.

import FoundationEssentials
import NIOCore
import Synchronization

/// A point on a ``ServerClock``: the time elapsed since the clock's origin (for deadlines) and the wall time at that
/// point (for timestamps on the wire).
struct ServerInstant: Sendable, Hashable, Comparable {
    /// Monotonic time since the clock's origin.
    var elapsed: Duration
    /// Milliseconds since 1970-01-01 UTC.
    var unixMilliseconds: Int64

    static func < (lhs: ServerInstant, rhs: ServerInstant) -> Bool { lhs.elapsed < rhs.elapsed }

    /// The instant `delay` later (the wall time advances with it).
    func advanced(by delay: Duration) -> ServerInstant {
        ServerInstant(elapsed: elapsed + delay, unixMilliseconds: unixMilliseconds &+ delay.milliseconds)
    }

    /// The wall time as IEC 61850-8-1 BinaryTime (TimeOfDay with the date: ms of the day, days since 1984-01-01).
    var binaryTime: MMSBinaryTime {
        let milliseconds = unixMilliseconds - MMSBinaryTime.epoch1984 * 1000
        let days = max(0, milliseconds / 86_400_000)
        return MMSBinaryTime(milliseconds: UInt32(clamping: milliseconds - days * 86_400_000), days: UInt16(clamping: days))
    }
}

extension Duration {
    /// Whole milliseconds (rounded down), saturating.
    var milliseconds: Int64 { whole(perSecond: 1_000) }

    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 { whole(perSecond: 1_000_000_000) }

    /// The duration in units of which `perSecond` make a second (rounded down), saturating at the Int64 range.
    private func whole(perSecond: Int64) -> Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: perSecond)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (sum, wrapped) = scaled.addingReportingOverflow(attoseconds / (1_000_000_000_000_000_000 / perSecond))
        return wrapped ? (seconds < 0 ? .min : .max) : sum
    }
}

/// Cancels a timer started with ``ServerClock/schedule(after:_:)``.
protocol ServerTimer: Sendable {
    /// Stops the timer; its work does not run if it has not started.
    func cancel()
}

/// Where the server reads the time and arms timers. Production uses ``SystemServerClock``; tests use a virtual clock
/// they advance themselves, so behaviour that depends on time is tested without sleeping.
protocol ServerClock: Sendable {
    /// The current instant.
    func now() -> ServerInstant
    /// Runs `work` once `delay` has passed.
    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any ServerTimer
}

/// The real clock: a monotonic clock for deadlines, the system's wall time for timestamps, timers on an event loop.
struct SystemServerClock: ServerClock {
    let eventLoop: any EventLoop
    private let origin = ContinuousClock.now

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func now() -> ServerInstant {
        ServerInstant(elapsed: ContinuousClock.now - origin,
                      unixMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any ServerTimer {
        NIOServerTimer(scheduled: eventLoop.scheduleTask(in: .nanoseconds(max(0, delay.nanoseconds))) { work() })
    }
}

private struct NIOServerTimer: ServerTimer {
    let scheduled: Scheduled<Void>
    func cancel() { scheduled.cancel() }
}


/// A clock that moves only when told to: ``advance(by:)`` runs every timer that falls due, in deadline order, with
/// ``now()`` at each timer's deadline while it runs. For tests of behaviour that depends on time.
final class VirtualServerClock: ServerClock {
    private struct Pending {
        let deadline: Duration
        let sequence: UInt64
        let work: @Sendable () -> Void
    }

    private struct State {
        var now: ServerInstant
        var pending: [UInt64: Pending] = [:]
        var nextSequence: UInt64 = 0
    }

    private let state: Mutex<State>

    /// A clock at `unixMilliseconds` (default 2026-01-01T00:00:00Z).
    init(unixMilliseconds: Int64 = 1_767_225_600_000) {
        state = Mutex(State(now: ServerInstant(elapsed: .zero, unixMilliseconds: unixMilliseconds)))
    }

    func now() -> ServerInstant { state.withLock { $0.now } }

    /// How many timers are armed.
    var pendingTimers: Int { state.withLock { $0.pending.count } }

    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any ServerTimer {
        state.withLock { state in
            state.nextSequence += 1
            let sequence = state.nextSequence
            state.pending[sequence] = Pending(deadline: state.now.elapsed + max(delay, .zero), sequence: sequence, work: work)
            return VirtualTimer(clock: self, sequence: sequence)
        }
    }

    fileprivate func cancel(_ sequence: UInt64) { state.withLock { _ = $0.pending.removeValue(forKey: sequence) } }

    /// Moves the clock forward by `delay`, running each timer that falls due (including timers those timers arm).
    func advance(by delay: Duration) {
        let target = state.withLock { $0.now.elapsed + delay }
        while true {
            let due: Pending? = state.withLock { state in
                guard let next = state.pending.values.min(by: { ($0.deadline, $0.sequence) < ($1.deadline, $1.sequence) }),
                      next.deadline <= target else { return nil }
                state.pending.removeValue(forKey: next.sequence)
                state.now = state.now.advanced(by: next.deadline - state.now.elapsed)
                return next
            }
            guard let due else { break }
            due.work()
        }
        state.withLock { $0.now = $0.now.advanced(by: target - $0.now.elapsed) }
    }
}

private struct VirtualTimer: ServerTimer {
    let clock: VirtualServerClock
    let sequence: UInt64
    func cancel() { clock.cancel(sequence) }
}
