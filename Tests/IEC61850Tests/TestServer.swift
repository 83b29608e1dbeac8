// Starting an IEDServer for a test on a free loopback port.

import IEC61850
@testable import IEC61850Server
import Logging

/// Starts a server for `model` on port 0 (after `configure` adjusts its configuration) and returns it with its port.
func startServer(_ model: ServedModel, configure: (inout IEDServerConfiguration) -> Void = { _ in }) async throws -> (IEDServer, Int) {
    var configuration = IEDServerConfiguration()
    configuration.port = 0
    configure(&configuration)
    let server = IEDServer(model: model, configuration: configuration)
    try await server.start()
    guard let port = server.port else { throw PeerHarnessError.clientFailed("the server did not report its port") }
    return (server, port)
}

/// Starts a server whose time is `clock` (a virtual clock the test advances), on port 0.
func startServer(_ model: ServedModel, clock: VirtualServerClock,
                 configure: (inout IEDServerConfiguration) -> Void = { _ in }) async throws -> (IEDServer, Int) {
    var configuration = IEDServerConfiguration()
    configuration.port = 0
    configure(&configuration)
    let server = IEDServer(model: model, configuration: configuration, logger: Logger(label: "iec61850.test"), clock: clock)
    try await server.start()
    guard let port = server.port else { throw PeerHarnessError.clientFailed("the server did not report its port") }
    return (server, port)
}

/// Runs `body` with a started server for `model`, and shuts the server down afterwards, whether `body` throws or not.
func withServer<T: Sendable>(_ model: ServedModel, configure: (inout IEDServerConfiguration) -> Void = { _ in },
                             _ body: (IEDServer, Int) async throws -> T) async throws -> T {
    let (server, port) = try await startServer(model, configure: configure)
    do {
        let result = try await body(server, port)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}
