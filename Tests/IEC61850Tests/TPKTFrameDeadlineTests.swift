// The server's partial-packet deadline, on an embedded channel with a virtual clock.

import IEC61850
@testable import IEC61850Server
import IEC61850MMS
import Logging
import NIOCore
import NIOEmbedded
import Testing

@Suite("TPKT frame deadline")
struct TPKTFrameDeadlineTests {
    func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(TPKTFrameDeadline(timeout: .milliseconds(300), log: Logger(label: "test")))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    func feed(_ channel: EmbeddedChannel, _ bytes: [UInt8]) throws {
        try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
        while try channel.readInbound(as: ByteBuffer.self) != nil {}
    }

    @Test("a packet that does not complete in time closes the connection")
    func stalledPacket() throws {
        let channel = try channel()
        try feed(channel, [0x03, 0x00, 0x00, 0x10, 1, 2])
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(299))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2))
        #expect(!channel.isActive)
    }

    @Test("each new packet gets its own deadline: steady traffic that always ends mid-packet is never cut")
    func pipelinedTraffic() throws {
        let channel = try channel()
        let packet: [UInt8] = [0x03, 0x00, 0x00, 0x08, 1, 2, 3, 4]
        try feed(channel, Array(packet.prefix(5)))
        for _ in 0..<20 {
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
            try feed(channel, Array(packet.suffix(3)) + Array(packet.prefix(5)))  // completes one, starts the next
            #expect(channel.isActive)
        }
        try feed(channel, Array(packet.suffix(3)))
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(channel.isActive)  // between packets nothing is pending
        _ = try? channel.finish()
    }

    @Test("whole packets split at every possible point, and several per read, keep the count right")
    func boundaries() throws {
        let channel = try channel()
        let stream: [UInt8] = [0x03, 0x00, 0x00, 0x05, 9, 0x03, 0x00, 0x00, 0x04, 0x03, 0x00, 0x00, 0x06, 7, 7]
        for split in 1..<stream.count {
            try feed(channel, Array(stream.prefix(split)))
            try feed(channel, Array(stream.suffix(from: split)))
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            #expect(channel.isActive, "split at \(split)")
        }
        _ = try? channel.finish()
    }
}
