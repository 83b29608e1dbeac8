// Splits the TCP byte stream into TPKT payloads (RFC 1006).

public import NIOCore

/// Splits a TCP stream into TPKT payloads (COTP TPDUs). A header with a bad version or an absurd
/// length fails the channel with an ``MMSCodecError``.
@_spi(OSI) public struct TPKTFrameDecoder: NIOSingleStepByteToMessageDecoder {
    /// One COTP TPDU.
    public typealias InboundOut = ByteBuffer

    /// Creates a decoder.
    public init() {}

    /// Returns the next payload, or `nil` until a whole packet is buffered.
    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard buffer.readableBytes >= TPKT.headerLength,
              let v = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let h = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt8.self),
              let l = buffer.getInteger(at: buffer.readerIndex + 3, as: UInt8.self) else { return nil }
        let length = try TPKT.packetLength(version: v, lengthHigh: h, lengthLow: l)
        guard buffer.readableBytes >= length else { return nil }
        buffer.moveReaderIndex(forwardBy: TPKT.headerLength)
        return buffer.readSlice(length: length - TPKT.headerLength)
    }

    /// Decodes what remains at EOF; a partial packet is dropped with the connection.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        try decode(buffer: &buffer)
    }
}

/// Forwards TPKT payloads and channel closure to closures that run on the channel's event loop.
final class MMSInboundForwarder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let onFrame: (ByteBuffer) -> Void
    private let onClose: ((any Error)?) -> Void

    init(onFrame: @escaping (ByteBuffer) -> Void, onClose: @escaping ((any Error)?) -> Void) {
        self.onFrame = onFrame
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onFrame(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        onClose(error)
        context.close(promise: nil)
    }
}
