// An IEC 61850 MMS server on SwiftNIO: accepts associations and answers Identify, GetNameList,
// GetVariableAccessAttributes, Read and Write against a ServedModel.

public import Logging
import NIOCore
import NIOPosix
import Synchronization

/// An IEC 61850 server hosting a ``ServedModel`` over MMS/TCP.
///
/// ```swift
/// let server = IEDServer(model: DemoIED.model(), configuration: .init())
/// try await server.start()
/// try server.update("DEMOGenericIO/GGIO1.AnIn1.mag.f", fc: .MX, to: .float(3.5))
/// ```
public final class IEDServer: Sendable {
    /// The configuration the server was created with.
    public let configuration: IEDServerConfiguration
    private let model: Mutex<ServedModel>
    private let state = Mutex<(channel: (any Channel)?, associations: Int)>((nil, 0))
    private let logger: Logger

    /// Creates a server for `model`; call ``start()`` to listen.
    public init(model: ServedModel, configuration: IEDServerConfiguration = .init(), logger: Logger = Logger(label: "iec61850.server")) {
        self.model = Mutex(model)
        self.configuration = configuration
        self.logger = logger
    }

    /// The bound port (useful with port 0), once started.
    public var port: Int? { state.withLock { $0.channel?.localAddress?.port } }

    /// Binds and starts accepting associations.
    public func start() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let admitted = state.withLock { state in
                        guard state.associations < configuration.maxAssociations else { return false }
                        state.associations += 1
                        return true
                    }
                    guard admitted else {
                        logger.warning("association limit reached; closing the new connection", metadata: ["limit": "\(configuration.maxAssociations)"])
                        channel.close(promise: nil)
                        return
                    }
                    channel.closeFuture.whenComplete { _ in self.state.withLock { $0.associations -= 1 } }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TPKTFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MMSServerChannelHandler(server: self))
                }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        state.withLock { $0.channel = channel }
    }

    /// Stops listening and closes every association.
    public func shutdown() async {
        let channel = state.withLock { state -> (any Channel)? in
            defer { state.channel = nil }
            return state.channel
        }
        try? await channel?.close()
    }

    /// Replaces an attribute's value (the application pushing process data).
    ///
    /// - Throws: ``IEC61850Error`` with `dataAccess(.objectNonExistent)` for an unknown reference, or
    ///   `dataAccess(.typeInconsistent)` when the value does not fit the attribute's type.
    public func update(_ reference: ObjectReference, fc: FunctionalConstraint, to value: MMSValue) throws(IEC61850Error) {
        let object = "\(reference) [\(fc)]"
        let result: DataAccessError? = model.withLock { model in
            guard let (device, node, path) = model.locate(domain: reference.logicalDevice, item: reference.mmsItemName(fc: fc)),
                  let found = model.logicalDevices[device].logicalNodes[node].lookup(path) else { return .objectNonExistent }
            guard found.type.accepts(value) else { return .typeInconsistent }
            model.logicalDevices[device].logicalNodes[node].setValue(value, at: path)
            return nil
        }
        if let result { throw IEC61850Error(.dataAccess(result), operation: "update", object: object) }
    }

    /// The current value of an attribute.
    public func value(_ reference: ObjectReference, fc: FunctionalConstraint) -> MMSValue? {
        model.withLock { model in
            guard let (device, node, path) = model.locate(domain: reference.logicalDevice, item: reference.mmsItemName(fc: fc)) else { return nil }
            return model.logicalDevices[device].logicalNodes[node].lookup(path)?.value
        }
    }

    func respond(to request: MMSConfirmedRequest, invokeID: UInt32, maxPDUSize: Int) -> MMSPDU {
        let response = model.withLock { model in
            ServerServices.respond(to: request, invokeID: invokeID, model: &model, configuration: configuration, maxPDUSize: maxPDUSize)
        }
        return response
    }

    var log: Logger { logger }
}

/// Runs one association: the pure ``MMSServerAssociation`` plus the services.
final class MMSServerChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var association: MMSServerAssociation
    private let server: IEDServer

    init(server: IEDServer) {
        self.server = server
        self.association = MMSServerAssociation(limits: server.configuration.limits)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).readableBytesView)
        let event: MMSServerAssociation.Event
        do {
            event = try association.receive(bytes)
        } catch {
            server.log.warning("closing an association after a protocol violation", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        switch event {
        case .none:
            break
        case .send(let frames):
            write(frames, context: context)
        case .associated(_, let frames):
            write(frames, context: context)
        case .refused(let reason, let frames):
            server.log.info("association refused", metadata: ["reason": "\(reason)"])
            write(frames, context: context, thenClose: true)
        case .released(let frames):
            write(frames, context: context, thenClose: true)
        case .closedByPeer:
            context.close(promise: nil)
        case .pdu(let pdu):
            handle(pdu, context: context)
        }
    }

    private func handle(_ pdu: MMSPDU, context: ChannelHandlerContext) {
        let maxPDUSize = Int(association.negotiated?.maxPDUSize ?? 65_000)
        let response: MMSPDU
        switch pdu {
        case .confirmedRequest(let invokeID, let request):
            var answer = server.respond(to: request, invokeID: invokeID, maxPDUSize: maxPDUSize)
            if answer.encoded().count > maxPDUSize {
                // ISO 9506-2: never a truncated PDU; the client may ask for less.
                answer = .confirmedError(invokeID: invokeID, MMSServiceError(errorClass: .service, code: 3))
            }
            response = answer
        case .concludeRequest:
            response = .concludeResponse
        case .confirmedResponse, .confirmedError, .unconfirmed, .reject, .initiateRequest, .initiateResponse, .initiateError,
             .concludeResponse, .concludeError:
            response = .reject(.pduError(0))
        }
        if let frames = association.dataFrames(response.encoded()) { write(frames, context: context) }
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

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        server.log.debug("association closed on error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
