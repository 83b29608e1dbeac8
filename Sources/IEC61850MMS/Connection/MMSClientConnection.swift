// An MMS client association over TCP: invokeID correlation, a window of outstanding requests,
// timeouts, release and abort. The actor runs on its channel's event loop, so an inbound PDU resumes
// the waiting task without a thread hop.

import IEC61850Model
public import NIOCore
import NIOPosix
public import Logging

/// One MMS association to a server. Safe to share between tasks: concurrent requests are pipelined
/// up to the negotiated number of outstanding requests.
public actor MMSClientConnection {
    /// The event loop the connection and this actor run on.
    public nonisolated let eventLoop: any EventLoop

    /// Runs the actor on the channel's event loop (NIO event loops are serial executors).
    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    private struct Pending {
        var continuation: CheckedContinuation<MMSConfirmedResponse, any Error>
        var timeout: Scheduled<Void>?
    }

    private enum State {
        case connecting
        case associated
        case closing
        case closed(MMSError)
    }

    private var state: State = .connecting
    private var channel: (any Channel)?
    private var association: MMSClientAssociation
    private var pending: [UInt32: Pending] = [:]
    private var windowWaiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    /// Window slots handed to woken waiters that have not sent yet (so a newcomer cannot take them).
    private var reservedSlots = 0
    private var nextWaiterID: UInt64 = 0
    private var nextInvokeID: UInt32 = 0
    private var associateContinuation: CheckedContinuation<Void, any Error>?
    /// The step of a graceful close being waited for (Conclude, then release).
    private var closeStep: CheckedContinuation<Void, any Error>?
    private let configuration: MMSConnectionConfiguration
    private let logger: Logger
    private let unconfirmedContinuation: AsyncStream<MMSUnconfirmedPDU>.Continuation

    /// The parameters the server accepted in Initiate; valid once connected.
    public private(set) var negotiated: MMSInitiateParameters
    /// How many unconfirmed PDUs are kept for a slow consumer before the oldest are dropped.
    public static let unconfirmedBufferLimit = 1_000
    /// Unconfirmed PDUs (InformationReports) in arrival order. Buffered up to ``unconfirmedBufferLimit``; beyond that the
    /// oldest are dropped and counted in ``droppedUnconfirmedPDUs``.
    public nonisolated let unconfirmedPDUs: AsyncStream<MMSUnconfirmedPDU>
    /// How many unconfirmed PDUs were dropped because nobody consumed them.
    public private(set) var droppedUnconfirmedPDUs = 0
    /// The remote address.
    public nonisolated let host: String
    /// The remote port.
    public nonisolated let port: Int

    /// Handlers the transport puts in front of ours (TLS).
    private nonisolated let channelInitializer: (@Sendable (any Channel) throws -> Void)?

    private init(eventLoop: any EventLoop, host: String, port: Int, configuration: MMSConnectionConfiguration,
                 channelInitializer: (@Sendable (any Channel) throws -> Void)?, logger: Logger) {
        self.eventLoop = eventLoop
        self.channelInitializer = channelInitializer
        self.host = host
        self.port = port
        self.configuration = configuration
        self.logger = logger
        let initiate = MMSInitiateParameters(maxPDUSize: configuration.maxPDUSize,
                                             maxOutstandingCalling: configuration.maxOutstanding,
                                             maxOutstandingCalled: configuration.maxOutstanding,
                                             dataStructureNestingLevel: configuration.dataStructureNestingLevel)
        self.negotiated = initiate
        self.association = MMSClientAssociation(parameters: configuration.association, initiate: initiate,
                                                maxReceiveSize: Int(configuration.maxPDUSize))
        (unconfirmedPDUs, unconfirmedContinuation) = AsyncStream.makeStream(of: MMSUnconfirmedPDU.self, bufferingPolicy: .bufferingNewest(Self.unconfirmedBufferLimit))
    }

    /// Connects over TCP and associates (COTP, session, presentation, ACSE, MMS Initiate).
    ///
    /// - Parameter eventLoopGroup: where the connection runs; `nil` uses NIO's shared singleton group.
    public static func connect(host: String, port: Int = 102,
                               configuration: MMSConnectionConfiguration = .init(),
                               eventLoopGroup: (any EventLoopGroup)? = nil,
                               logger: Logger = Logger(label: "iec61850.mms")) async throws(MMSError) -> MMSClientConnection {
        try await connect(host: host, port: port, configuration: configuration, transport: MMSTransport(eventLoopGroup: eventLoopGroup), logger: logger)
    }

    /// Connects over `transport` and associates (COTP, session, presentation, ACSE, MMS Initiate).
    public static func connect(host: String, port: Int = 102,
                               configuration: MMSConnectionConfiguration = .init(),
                               transport: MMSTransport,
                               logger: Logger = Logger(label: "iec61850.mms")) async throws(MMSError) -> MMSClientConnection {
        let connection = MMSClientConnection(eventLoop: (transport.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton).next(), host: host, port: port,
                                             configuration: configuration, channelInitializer: transport.channelInitializer, logger: logger)
        do {
            try await connection.open()
        } catch let error as MMSError {
            throw error
        } catch {
            throw .connectionFailed("\(error)")
        }
        return connection
    }

    private func open() async throws {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000
                                         + configuration.connectTimeout.components.attoseconds / 1_000_000_000))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.channelInitializer?(channel)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TPKTFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MMSInboundForwarder(
                        onFrame: { buffer in self.assumeIsolated { $0.received(buffer) } },
                        onClose: { error in self.assumeIsolated { $0.channelClosed(error) } }))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch ChannelError.connectTimeout {
            throw MMSError.connectTimeout
        } catch {
            throw MMSError.connectionFailed("\(host):\(port): \(error)")
        }
        self.channel = channel
        let timeout = eventLoop.scheduleTask(in: .init(configuration.connectTimeout)) { [self] in
            self.assumeIsolated { $0.failAssociation(.connectTimeout) }
        }
        defer { timeout.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            associateContinuation = continuation
            write(association.start())
        }
    }

    private func failAssociation(_ error: MMSError) {
        guard let continuation = associateContinuation else { return }
        associateContinuation = nil
        shutdown(error)
        continuation.resume(throwing: error)
    }

    // MARK: - Requests

    /// Sends a confirmed request and waits for its response.
    ///
    /// Waits for a window slot when the negotiated number of outstanding requests is reached.
    /// A confirmed-ErrorPDU throws ``MMSError/serviceError(_:)``, a Reject ``MMSError/rejected(_:)``.
    public func request(_ request: MMSConfirmedRequest) async throws(MMSError) -> MMSConfirmedResponse {
        do {
            return try await performRequest(request)
        } catch let error as MMSError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .connectionClosed("\(error)")
        }
    }

    private var window: Int { max(1, Int(negotiated.maxOutstandingCalling)) }

    private func performRequest(_ request: MMSConfirmedRequest) async throws -> MMSConfirmedResponse {
        try checkOpen()
        if pending.count + reservedSlots >= window || !windowWaiters.isEmpty {
            try await waitForWindow()
            reservedSlots -= 1  // the slot releaseWindowSlot() reserved for us
            do {
                try checkOpen()
            } catch {
                releaseWindowSlot()
                throw error
            }
        }
        let invokeID = nextInvokeID
        nextInvokeID &+= 1
        let pdu = MMSPDU.confirmedRequest(invokeID: invokeID, request).encoded()
        if let limit = negotiated.maxPDUSize, pdu.count > Int(limit) {
            releaseWindowSlot()
            throw MMSError.pduTooLarge(size: pdu.count, limit: Int(limit))
        }
        guard let frames = association.dataFrames(pdu) else { throw MMSError.connectionClosed("not associated") }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<MMSConfirmedResponse, any Error>) in
                let timeout = eventLoop.scheduleTask(in: .init(configuration.requestTimeout)) { [self] in
                    self.assumeIsolated { $0.failPending(invokeID, with: .requestTimeout) }
                }
                pending[invokeID] = Pending(continuation: continuation, timeout: timeout)
                write(frames)
            }
        } onCancel: {
            eventLoop.execute { self.assumeIsolated { $0.failPending(invokeID, with: .cancelled) } }
        }
    }

    private func checkOpen() throws {
        switch state {
        case .associated: return
        case .connecting: throw MMSError.connectionClosed("not yet associated")
        case .closing: throw MMSError.connectionClosed("the connection is closing")
        case .closed(let error): throw error
        }
    }

    private func waitForWindow() async throws {
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                windowWaiters.append((id, continuation))
            }
        } onCancel: {
            eventLoop.execute {
                self.assumeIsolated { connection in
                    if let index = connection.windowWaiters.firstIndex(where: { $0.id == id }) {
                        connection.windowWaiters.remove(at: index).continuation.resume(throwing: MMSError.cancelled)
                    }
                }
            }
        }
    }

    /// Wakes the oldest waiter if a slot is free, reserving that slot for it.
    private func releaseWindowSlot() {
        guard pending.count + reservedSlots < window, !windowWaiters.isEmpty else { return }
        reservedSlots += 1
        windowWaiters.removeFirst().continuation.resume()
    }

    private func failPending(_ invokeID: UInt32, with error: MMSError) {
        guard let entry = pending.removeValue(forKey: invokeID) else { return }
        entry.timeout?.cancel()
        entry.continuation.resume(throwing: error)
        releaseWindowSlot()
    }

    private func complete(_ invokeID: UInt32, with result: Result<MMSConfirmedResponse, MMSError>) {
        guard let entry = pending.removeValue(forKey: invokeID) else {
            logger.debug("response for unknown or abandoned invokeID", metadata: ["invokeID": "\(invokeID)"])
            return
        }
        entry.timeout?.cancel()
        entry.continuation.resume(with: result.mapError { $0 as any Error })
        releaseWindowSlot()
    }

    // MARK: - Inbound

    private func received(_ buffer: ByteBuffer) {
        let bytes = Array(buffer.readableBytesView)
        let event: MMSClientAssociation.Event
        do {
            event = try association.receive(bytes)
        } catch {
            logger.warning("protocol violation from peer", metadata: ["error": "\(error)"])
            shutdown(.protocolViolation(error))
            return
        }
        switch event {
        case .none:
            break
        case .send(let frames):
            write(frames)
        case .associated(let parameters):
            negotiated = parameters
            state = .associated
            associateContinuation?.resume()
            associateContinuation = nil
        case .rejected(let reason):
            failAssociation(.associationRejected(reason))
        case .pdu(let pdu):
            handle(pdu)
        case .released:
            closeStep?.resume()
            closeStep = nil
            shutdown(.connectionClosed("released"))
        case .closedByPeer(let reason):
            if associateContinuation != nil {
                failAssociation(.associationRejected(reason))
            } else {
                shutdown(.connectionClosed(reason))
            }
        }
    }

    private func handle(_ pdu: MMSPDU) {
        switch pdu {
        case .confirmedResponse(let invokeID, let response):
            complete(invokeID, with: .success(response))
        case .confirmedError(let invokeID, let error):
            complete(invokeID, with: .failure(.serviceError(error)))
        case .reject(let reject):
            if let id = reject.originalInvokeID, pending[id] != nil {
                complete(id, with: .failure(.rejected(reject)))
            } else {
                logger.warning("peer rejected a PDU", metadata: ["reject": "\(reject)"])
            }
        case .unconfirmed(let unconfirmed):
            if case .dropped = unconfirmedContinuation.yield(unconfirmed) { droppedUnconfirmedPDUs += 1 }
        case .concludeResponse:
            closeStep?.resume()
            closeStep = nil
        case .concludeError(let error):
            closeStep?.resume(throwing: MMSError.serviceError(error))
            closeStep = nil
        case .confirmedRequest(let invokeID, _):
            // A client does not serve requests: reject as unrecognized service (ISO 9506-2 §7.3).
            if let frames = association.dataFrames(MMSPDU.reject(.confirmedRequest(invokeID: invokeID, reason: 1)).encoded()) {
                write(frames)
            }
        case .initiateRequest, .initiateResponse, .initiateError, .concludeRequest:
            logger.warning("unexpected PDU from server", metadata: ["pdu": "\(pdu)"])
        }
    }

    private func channelClosed(_ error: (any Error)?) {
        let reason: MMSError
        if let codec = error as? MMSCodecError {
            reason = .protocolViolation(codec)
        } else if let error {
            reason = .connectionClosed("\(error)")
        } else {
            reason = .connectionClosed("the peer closed the connection")
        }
        if associateContinuation != nil {
            failAssociation(error == nil ? .associationRejected("the peer closed the connection during association") : reason)
        }
        shutdown(reason)
    }

    /// Fails everything pending with `error` and closes the channel.
    private func shutdown(_ error: MMSError) {
        if case .closed = state { return }
        state = .closed(error)
        association.transportClosed()
        let entries = pending
        pending = [:]
        for (_, entry) in entries {
            entry.timeout?.cancel()
            entry.continuation.resume(throwing: error)
        }
        let waiters = windowWaiters
        windowWaiters = []
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
        closeStep?.resume(throwing: error)
        closeStep = nil
        associateContinuation?.resume(throwing: error)
        associateContinuation = nil
        unconfirmedContinuation.finish()
        channel?.close(promise: nil)
    }

    private func write(_ bytes: [UInt8]) {
        guard let channel else { return }
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
    }

    // MARK: - Closing

    /// Whether the association is open.
    public var isOpen: Bool {
        if case .associated = state { return true }
        return false
    }

    /// Why the connection closed, once it has.
    public var closeReason: MMSError? {
        if case .closed(let error) = state { return error }
        return nil
    }

    /// Closes gracefully: waits for outstanding requests, sends MMS Conclude, then releases the
    /// association (ACSE RLRQ in session FINISH) and closes TCP. Each step is bounded by the request
    /// timeout; a peer that does not answer is disconnected.
    public func close() async {
        guard case .associated = state else {
            shutdown(.connectionClosed("closed by the application"))
            return
        }
        state = .closing
        do {
            try await closeStep(frames: association.dataFrames(MMSPDU.concludeRequest.encoded()))
            try await closeStep(frames: association.release())
        } catch {
            logger.debug("graceful close did not complete", metadata: ["error": "\(error)"])
        }
        shutdown(.connectionClosed("closed by the application"))
    }

    /// Sends `frames` and waits until the peer answers (``closeStep`` is resumed) or the request timeout.
    private func closeStep(frames: [UInt8]?) async throws {
        guard let frames else { return }
        var timeout: Scheduled<Void>?
        defer { timeout?.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            closeStep = continuation
            timeout = eventLoop.scheduleTask(in: .init(configuration.requestTimeout)) { [self] in
                self.assumeIsolated { connection in
                    connection.closeStep?.resume(throwing: MMSError.requestTimeout)
                    connection.closeStep = nil
                }
            }
            write(frames)
        }
    }

    /// Aborts at once: sends an ACSE ABRT (session ABORT) and drops TCP. Pending requests fail.
    public func abort() {
        if let frames = association.abort() { write(frames) }
        shutdown(.connectionClosed("aborted by the application"))
    }
}
