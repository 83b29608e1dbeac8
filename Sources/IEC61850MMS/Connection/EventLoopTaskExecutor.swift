// Runs Swift tasks on a NIO event loop, so a task that talks to a connection on that loop resumes
// on the thread that read the response — no wake-up of a second thread per round trip.

public import NIOCore

/// A `TaskExecutor` backed by one NIO event loop. Use it with `withTaskExecutorPreference` around code
/// that makes many sequential requests on one ``MMSClientConnection`` (see
/// ``MMSClientConnection/taskExecutor``).
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the only stored property is an EventLoop, which is Sendable; the class has no mutable state.
    /// The event loop jobs run on.
    public let eventLoop: any EventLoop

    /// Creates an executor for `eventLoop`.
    public init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

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
    public nonisolated var taskExecutor: EventLoopTaskExecutor { EventLoopTaskExecutor(eventLoop: eventLoop) }
}
