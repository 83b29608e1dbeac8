import Foundation

/// Runs CPU-heavy or blocking work on its own thread, so that it never occupies the cooperative pool that other
/// tests (servers, clients, handlers) need to make progress. Expectations stay in the test, on the result.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// The outcome of work that may throw, kept as a value.
func offloadResult<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async -> Result<T, any Error> {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: Result { try work() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
