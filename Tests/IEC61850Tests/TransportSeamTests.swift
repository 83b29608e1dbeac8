// The transport seam: a server and a client on event loops of the application's choosing, with a handler of the
// application's in front of MMS on every connection (where TLS goes).

import IEC61850
import IEC61850Demo
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Counts the octets that pass through it, both ways.
final class OctetCounter: ChannelDuplexHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let inbound = Atomic<Int>(0)
    let outbound = Atomic<Int>(0)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbound.add(unwrapInboundIn(data).readableBytes, ordering: .relaxed)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        outbound.add(unwrapOutboundIn(data).readableBytes, ordering: .relaxed)
        context.write(data, promise: promise)
    }
}

@Suite("Transport seam")
struct TransportSeamTests {
    @Test("server and client run on the given event loops, with the given handler in front of MMS on each connection")
    func handlersAndEventLoops() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let serverCounter = OctetCounter()
        let clientCounter = OctetCounter()
        let loops = Mutex<[ObjectIdentifier]>([])
        let serverTransport = MMSTransport(eventLoopGroup: group) { channel in
            loops.withLock { $0.append(ObjectIdentifier(channel.eventLoop)) }
            try channel.pipeline.syncOperations.addHandler(serverCounter)
        }
        let clientTransport = MMSTransport(eventLoopGroup: group) { channel in
            loops.withLock { $0.append(ObjectIdentifier(channel.eventLoop)) }
            try channel.pipeline.syncOperations.addHandler(clientCounter)
        }
        var configuration = IEDServerConfiguration()
        configuration.port = 0
        let server = IEDServer(model: DemoIED.model(), configuration: configuration, transport: serverTransport)
        try await server.start()
        let port = try #require(server.port)
        let value = try await IEC61850Client.withConnection(to: "127.0.0.1", port: port, transport: clientTransport) { client in
            try await client.read(Float.self, "\(DemoIED.logicalDevice)/GGIO1.AnIn1.mag.f", fc: .MX)
        }
        #expect(value == 1.5)
        await server.shutdown()
        try await group.shutdownGracefully()
        let only = ObjectIdentifier(group.next())
        #expect(loops.withLock { $0 } == [only, only], "one server connection and one client connection, both on the given loop")
        #expect(serverCounter.inbound.load(ordering: .relaxed) > 0 && serverCounter.outbound.load(ordering: .relaxed) > 0)
        // What one side wrote is what the other read (the association, the read, the release).
        #expect(serverCounter.inbound.load(ordering: .relaxed) == clientCounter.outbound.load(ordering: .relaxed))
        #expect(serverCounter.outbound.load(ordering: .relaxed) == clientCounter.inbound.load(ordering: .relaxed))
    }
}
