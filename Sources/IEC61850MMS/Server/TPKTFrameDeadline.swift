// A deadline for each TPKT packet (RFC 1006) a server receives.

package import Logging
package import NIOCore

/// Closes a connection on which a TPKT packet started to arrive but did not complete within the timeout. It follows the
/// packet boundaries with the TPKT decoder's own length parsing (``TPKT/declaredLength(lengthHigh:lengthLow:)``)
/// and passes the bytes on unchanged; a bad header is left to ``TPKTFrameDecoder`` to refuse.
package final class TPKTFrameDeadline: ChannelInboundHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let log: Logger
    /// Header octets of the current packet seen so far (0…4), and what remains of the packet once its length is known.
    private var lengthHigh: UInt8 = 0
    private var headerSeen = 0
    private var remaining = 0
    private var deadline: Scheduled<Void>?

    /// A deadline of `timeout` per packet.
    package init(timeout: TimeAmount, log: Logger) {
        self.timeout = timeout
        self.log = log
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var index = buffer.readerIndex
        let end = buffer.writerIndex
        var completed = false
        while index < end {
            if remaining > 0 {
                let taken = min(remaining, end - index)
                remaining -= taken
                index += taken
                if remaining == 0 {
                    headerSeen = 0
                    completed = true
                }
                continue
            }
            let octet = buffer.getInteger(at: index, as: UInt8.self) ?? 0
            index += 1
            if headerSeen == 2 { lengthHigh = octet }
            headerSeen += 1
            if headerSeen == TPKT.headerLength {
                // Validity is the decoder's to judge (it refuses a bad header and the connection closes); here only the
                // declared length matters.
                remaining = max(0, TPKT.declaredLength(lengthHigh: lengthHigh, lengthLow: octet) - TPKT.headerLength)
                if remaining == 0 {
                    headerSeen = 0
                    completed = true
                }
            }
        }
        let midPacket = headerSeen > 0
        if midPacket, completed {
            // A packet completed and the next one has started: its own deadline begins now.
            deadline?.cancel()
            deadline = nil
        }
        if midPacket, deadline == nil {
            let channel = context.channel
            let log = self.log
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                log.info("closing a connection whose packet did not complete in time")
                channel.close(promise: nil)
            }
        } else if !midPacket {
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }
}

/// Answers the COTP connection request of a connection the server cannot take (over its association limit) with a
/// disconnect request (ISO 8073 DR, reason 1 "congestion at TSAP"), then closes it. Put it after a
/// ``TPKTFrameDecoder``.
package final class MMSAssociationRefuser: ChannelInboundHandler {
    package typealias InboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    package init() {}

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).readableBytesView)
        let sourceReference: UInt16 = if case .connectionRequest(let request)? = try? COTPTPDU.decode(bytes, range: bytes.indices) {
            request.sourceReference
        } else {
            0
        }
        let dr = COTPTPDU.encodeDisconnectRequest(destinationReference: sourceReference, reason: 1)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: TPKT.header(payloadLength: dr.count) + dr))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
