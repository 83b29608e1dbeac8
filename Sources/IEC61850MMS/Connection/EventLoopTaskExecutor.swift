// Runs Swift tasks on a NIO event loop, so a task that talks to a connection on that loop resumes
// on the thread that read the response — no wake-up of a second thread per round trip.

public import NIOCore
import Synchronization

/// A `TaskExecutor` backed by one NIO event loop. Use it with `withTaskExecutorPreference` around code
/// that makes many sequential requests on one ``MMSClientConnection`` (see
/// ``MMSClientConnection/taskExecutor``).
///
/// Obtain instances with ``shared(for:)``: a task keeps only an unowned reference to its preferred
/// executor, so executors must outlive every job enqueued on them. Shared instances live for the
/// process (one per event loop ever used).
public final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    /// The event loop jobs run on.
    public let eventLoop: any EventLoop

    private init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    private static let instances = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    /// The process-wide executor for `eventLoop`.
    public static func shared(for eventLoop: any EventLoop) -> EventLoopTaskExecutor {
        instances.withLock { instances in
            let key = ObjectIdentifier(eventLoop)
            if let existing = instances[key] { return existing }
            let executor = EventLoopTaskExecutor(eventLoop: eventLoop)
            instances[key] = executor
            return executor
        }
    }

    /// Schedules a job on the event loop.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { unownedJob.runSynchronously(on: executor) }
    }
}

extension MMSClientConnection {
    /// An executor that runs tasks on this connection's event loop. Wrapping a loop of sequential
    /// requests in `withTaskExecutorPreference(connection.taskExecutor) { … }` removes the two
    /// thread hops of each round trip.
    public nonisolated var taskExecutor: EventLoopTaskExecutor { .shared(for: eventLoop) }
}
