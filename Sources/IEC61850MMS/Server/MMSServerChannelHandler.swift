// The server side of one MMS connection on SwiftNIO, beside the client's `MMSClientConnection`: the pure
// `MMSServerAssociation` for the OSI layers, the association deadline, idle and shutdown aborts, and the framing of
// responses and unconfirmed PDUs. What a request means is the ACSI layer's business, behind a delegate.

import IEC61850Model
package import Logging
package import NIOCore

/// The answer to a confirmed request: now, or from work that may suspend (application handlers).
package enum MMSServerResponse: Sendable {
    case now(MMSPDU)
    case later(@Sendable () async -> MMSPDU)
}

/// What happened on a server connection, for the server's counters.
package enum MMSServerConnectionEvent: Sendable {
    /// The association was established.
    case associated
    /// The association attempt was refused.
    case refused(String)
    /// A confirmed request arrived.
    case request
    /// MMS Conclude was answered.
    case concluded
    /// The client released the association (RLRQ → RLRE).
    case released
    /// The client aborted the association.
    case abortedByClient
    /// An established association ended otherwise than by release (abort, disconnect, violation, timeout, shutdown).
    case aborted
}

/// The ACSI layer of one association. All calls come on the connection's event loop.
package protocol MMSServerAssociationDelegate: AnyObject {
    /// The association is established. `send` hands encoded MMS PDUs (unconfirmed services, e.g. reports) to it, in
    /// order, from any thread; PDUs sent after it ended are dropped.
    func associated(_ parameters: MMSInitiateParameters, clientAddress: [UInt8], send: @escaping @Sendable ([[UInt8]]) -> Void)
    /// Answers a confirmed request.
    func respond(to request: MMSConfirmedRequest, invokeID: UInt32) -> MMSServerResponse
    /// Counts what happened.
    func record(_ event: MMSServerConnectionEvent)
    /// The connection is gone (called once, last).
    func connectionEnded()
}

/// Tells a server connection that the server is shutting down: it aborts its association (ACSE ABRT) and closes.
package struct MMSServerShutdown: Sendable {
    package init() {}
}

/// Runs one server connection. Put it after a ``TPKTFrameDecoder`` (and, for a per-packet deadline, a
/// ``TPKTFrameDeadline`` before that).
package final class MMSServerChannelHandler: ChannelInboundHandler {
    package typealias InboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private var association: MMSServerAssociation
    private let delegate: any MMSServerAssociationDelegate
    private let associationTimeout: TimeAmount
    private let log: Logger
    private var associationDeadline: Scheduled<Void>?
    private var released = false

    /// A connection offering `limits`, closed when it has not associated within `associationTimeout`.
    package init(limits: MMSServerLimits, associationTimeout: TimeAmount, delegate: any MMSServerAssociationDelegate, log: Logger) {
        association = MMSServerAssociation(limits: limits)
        self.associationTimeout = associationTimeout
        self.delegate = delegate
        self.log = log
    }

    private var maxPDUSize: Int { Int(association.negotiated?.maxPDUSize ?? 65_000) }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).readableBytesView)
        let event: MMSServerAssociation.Event
        do {
            event = try association.receive(bytes)
        } catch {
            log.warning("closing an association after a protocol violation", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        switch event {
        case .none:
            break
        case .send(let frames):
            write(frames, context: context)
        case .associated(let negotiated, let frames):
            delegate.record(.associated)
            write(frames, context: context)
            // Unconfirmed PDUs for this association go out on its channel, from its event loop, in the order handed in.
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            let channel = context.channel
            let eventLoop = context.eventLoop
            let address: [UInt8] = switch context.channel.remoteAddress {
            case .v4(let v4)?: withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
            case .v6(let v6)?: withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            default: []
            }
            delegate.associated(negotiated, clientAddress: address) { pdus in
                eventLoop.execute { handler.value.send(encoded: pdus, on: channel) }
            }
        case .refused(let reason, let frames):
            log.info("association refused", metadata: ["reason": "\(reason)"])
            delegate.record(.refused(reason))
            write(frames, context: context, thenClose: true)
        case .released(let frames):
            released = true
            delegate.record(.released)
            write(frames, context: context, thenClose: true)
        case .abortedByPeer:
            delegate.record(.abortedByClient)
            context.close(promise: nil)
        case .closedByPeer:
            context.close(promise: nil)
        case .pdu(let pdu):
            handle(pdu, context: context)
        }
    }

    private func handle(_ pdu: MMSPDU, context: ChannelHandlerContext) {
        let response: MMSPDU
        switch pdu {
        case .confirmedRequest(let invokeID, let request):
            delegate.record(.request)
            switch delegate.respond(to: request, invokeID: invokeID) {
            case .now(let answer):
                response = answer
            case .later(let work):
                // Other requests on the association go on meanwhile; MMS responses may come out of order (the invokeID
                // correlates them).
                Self.answerLater(work, invokeID: invokeID, maxPDUSize: maxPDUSize,
                                 handler: NIOLoopBound(self, eventLoop: context.eventLoop), channel: context.channel)
                return
            }
            if let frames = association.dataFrames(Self.encode(response, invokeID: invokeID, maxPDUSize: maxPDUSize)) {
                write(frames, context: context)
            }
            return
        case .concludeRequest:
            delegate.record(.concluded)
            response = .concludeResponse
        case .confirmedResponse, .confirmedError, .unconfirmed, .reject, .initiateRequest, .initiateResponse, .initiateError,
             .concludeResponse, .concludeError:
            response = .reject(.pduError(0))
        }
        if let frames = association.dataFrames(response.encoded()) { write(frames, context: context) }
    }

    private static func answerLater(_ work: @escaping @Sendable () async -> MMSPDU, invokeID: UInt32, maxPDUSize: Int,
                                    handler: NIOLoopBound<MMSServerChannelHandler>, channel: any Channel) {
        Task {
            let encoded = encode(await work(), invokeID: invokeID, maxPDUSize: maxPDUSize)
            channel.eventLoop.execute { handler.value.send(encoded: [encoded], on: channel) }
        }
    }

    /// A response encoded once. ISO 9506-2: never a truncated PDU — one over the negotiated size becomes
    /// `service: pdu-size`.
    package static func encode(_ answer: MMSPDU, invokeID: UInt32, maxPDUSize: Int) -> [UInt8] {
        let encoded = answer.encoded()
        guard encoded.count > maxPDUSize else { return encoded }
        return MMSPDU.confirmedError(invokeID: invokeID, .pduSize).encoded()
    }

    /// Sends encoded PDUs handed in from elsewhere, if the association is still open.
    private func send(encoded pdus: [[UInt8]], on channel: any Channel) {
        guard channel.isActive else { return }
        var wrote = false
        for pdu in pdus {
            guard let frames = association.dataFrames(pdu) else { break }
            var buffer = channel.allocator.buffer(capacity: frames.count)
            buffer.writeBytes(frames)
            channel.write(buffer, promise: nil)
            wrote = true
        }
        if wrote { channel.flush() }
    }

    private func write(_ bytes: [UInt8], context: ChannelHandlerContext, thenClose: Bool = false) {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        if thenClose {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        log.debug("association closed on error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        associationDeadline = context.eventLoop.scheduleTask(in: associationTimeout) {
            guard bound.value.association.negotiated == nil else { return }
            bound.value.log.info("closing a connection that did not associate in time")
            channel.close(promise: nil)
        }
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        associationDeadline?.cancel()
        if association.negotiated != nil, !released { delegate.record(.aborted) }
        association.transportClosed()
        delegate.connectionEnded()
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            // Before the association completes, the association timeout is the one that applies.
            guard association.negotiated != nil else { return }
            log.info("aborting an idle association")
        } else if !(event is MMSServerShutdown) {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if let frames = association.abortFrames() {
            write(frames, context: context, thenClose: true)
        } else {
            context.close(promise: nil)
        }
    }
}
