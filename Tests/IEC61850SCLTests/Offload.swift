import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs CPU-heavy or blocking work on its own thread, so that it never occupies the cooperative pool that other
/// tests (servers, clients, handlers) need to make progress. Expectations stay in the test, on the result.
///
/// The thread also runs at a lower priority (nice 10, inherited by the threads it starts, such as the chunked SCL
/// reader's): on a 2-core CI machine, seconds of fuzzing and corpus parsing otherwise took the CPU from the
/// timing-sensitive report tests running beside them.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            lowerPriority()
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// The outcome of work that may throw, kept as a value.
func offloadResult<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async -> Result<T, any Error> {
    await withCheckedContinuation { continuation in
        let thread = Thread {
            lowerPriority()
            continuation.resume(returning: Result { try work() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// On Linux, `setpriority` with `who` 0 changes the calling thread only.
private func lowerPriority() {
    #if canImport(Glibc)
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
    #endif
}
