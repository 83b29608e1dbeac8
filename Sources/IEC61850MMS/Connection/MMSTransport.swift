// The transport seam: where MMS connections, client and server, meet the network.

public import NIOCore

/// How MMS connections reach the network: the event loops they run on, and channel handlers that go in front of the
/// MMS handlers of each connection — the place for TLS (IEC 62351-3), a capture or a traffic shaper.
///
/// ```swift
/// let transport = MMSTransport(eventLoopGroup: group) { channel in
///     try channel.pipeline.syncOperations.addHandler(myTLSHandler())
/// }
/// ```
public struct MMSTransport: Sendable {
    /// Where connections run; `nil` uses NIO's shared singleton group.
    public var eventLoopGroup: (any EventLoopGroup)?
    /// Called on each new connection's event loop before the MMS handlers are added; handlers it adds see the raw
    /// bytes (TPKT packets) first. Throwing closes the connection.
    public var channelInitializer: (@Sendable (any Channel) throws -> Void)?

    /// A transport on `eventLoopGroup` (default: NIO's singleton) with an optional channel initializer.
    public init(eventLoopGroup: (any EventLoopGroup)? = nil, channelInitializer: (@Sendable (any Channel) throws -> Void)? = nil) {
        self.eventLoopGroup = eventLoopGroup
        self.channelInitializer = channelInitializer
    }

    /// Plain TCP on NIO's shared event loops.
    public static var tcp: MMSTransport { MMSTransport() }
}
