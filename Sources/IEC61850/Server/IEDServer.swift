// An IEC 61850 MMS server on SwiftNIO: accepts associations and answers Identify, GetNameList,
// GetVariableAccessAttributes, Read and Write against a ServedModel.

public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// An IEC 61850 server hosting a ``ServedModel`` over MMS/TCP.
///
/// ```swift
/// let server = IEDServer(model: DemoIED.model(), configuration: .init())
/// try await server.start()
/// try server.update("DEMOGenericIO/GGIO1.AnIn1.mag.f", fc: .MX, to: .float(3.5))
/// ```
public final class IEDServer: Service, Sendable {
    /// The configuration the server was created with.
    public let configuration: IEDServerConfiguration
    private let model: Mutex<ServedModel>
    private let state = Mutex<(channel: (any Channel)?, associations: Int)>((nil, 0))
    private let hooks = Mutex<(writes: [WriteHook], reads: [ReadHook])>(([], []))
    private let counters = Mutex(IEDServerStatistics())

    /// How associations and requests went since the server started.
    public var statistics: IEDServerStatistics { counters.withLock { $0 } }

    func count(_ change: (inout IEDServerStatistics) -> Void) { counters.withLock { change(&$0) } }
    private let logger: Logger

    /// Creates a server for `model`; call ``start()`` to listen.
    public init(model: ServedModel, configuration: IEDServerConfiguration = .init(), logger: Logger = Logger(label: "iec61850.server")) {
        self.model = Mutex(model)
        self.configuration = configuration
        self.logger = logger
        self.reportEngine = ReportEngine(controls: model.reportControls, log: logger)
    }

    /// Runs the model's report control blocks.
    let reportEngine: ReportEngine

    /// Whether the model has the dataset `name` (`LN$Name`) in `domain`.
    func hasDataSet(domain: String, name: String) -> Bool {
        model.withLock { $0.dataSet(domain: domain, name: name) != nil }
    }

    /// Every persistent dataset's members, keyed `LD/LN$Name` as report control blocks name them.
    func dataSetMembers() -> [String: [MMSVariableSpecification]] {
        model.withLock { model in
            var members: [String: [MMSVariableSpecification]] = [:]
            for dataSet in model.dataSets { members[dataSet.domain + "/" + dataSet.name] = dataSet.members }
            return members
        }
    }

    /// The trigger options of the leaf attributes the model declares them for.
    func attributeTriggers() -> [String: IEDModel.TriggerOptions] {
        model.withLock { $0.attributeTriggers }
    }

    /// The current values of variables, in order.
    func read(_ variables: [MMSVariableSpecification]) -> [AccessResult] {
        model.withLock { model in variables.map { ServerServices.read($0, in: model) } }
    }

    /// Stores report control blocks' attribute values (kept by the reporting engine) in the model.
    func setReportControlValues(_ values: [(domain: String, item: String, value: MMSValue)]) {
        model.withLock { model in
            for entry in values {
                if let location = model.find(domain: entry.domain, item: entry.item) { model.set(entry.value, at: location) }
            }
        }
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
                        logger.warning("association limit reached; refusing the new connection", metadata: ["limit": "\(configuration.maxAssociations)"])
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TPKTFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(AssociationRefuser())
                        self.count { $0.refused += 1 }
                        return
                    }
                    let key = ObjectIdentifier(channel)
                    self.associationChannels.withLock { $0[key] = channel }
                    channel.closeFuture.whenComplete { _ in
                        self.state.withLock { $0.associations -= 1 }
                        self.associationChannels.withLock { _ = $0.removeValue(forKey: key) }
                    }
                    if let idle = configuration.idleTimeout {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: TimeAmount(idle)))
                    }
                    try channel.pipeline.syncOperations.addHandler(TPKTFrameDeadline(timeout: TimeAmount(configuration.frameTimeout), log: logger))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TPKTFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MMSServerChannelHandler(server: self))
                }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        state.withLock { $0.channel = channel }
    }

    /// Runs the server as a swift-service-lifecycle `Service`: starts (unless already started), serves
    /// until graceful shutdown is requested or the task is cancelled, then shuts down.
    public func run() async throws {
        if port == nil { try await start() }
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Stops listening and closes every association: each client gets an ACSE abort (session ABORT)
    /// before its TCP connection closes, so it knows the association ended.
    public func shutdown() async {
        let channel = state.withLock { state -> (any Channel)? in
            defer { state.channel = nil }
            return state.channel
        }
        let children = associationChannels.withLock { Array($0.values) }
        try? await channel?.close()
        for child in children {
            child.eventLoop.execute {
                child.pipeline.fireUserInboundEventTriggered(IEDServerShutdown())
            }
        }
        for child in children { try? await child.closeFuture.get() }
        reportEngine.stopAll()
    }

    private let associationChannels = Mutex<[ObjectIdentifier: any Channel]>([:])

    /// Replaces an attribute's value (the application pushing process data).
    ///
    /// - Throws: ``IEC61850Error`` with `dataAccess(.objectNonExistent)` for an unknown reference, or
    ///   `dataAccess(.typeInconsistent)` when the value does not fit the attribute's type.
    public func update(_ reference: ObjectReference, fc: FunctionalConstraint, to value: MMSValue) throws(IEC61850Error) {
        let object = "\(reference) [\(fc)]"
        let result: Result<ValueChange, DataAccessError> = model.withLock { model in
            guard let location = model.find(reference, fc: fc) else { return .failure(.objectNonExistent) }
            guard location.type.accepts(value) else { return .failure(.typeInconsistent) }
            model.set(value, at: location)
            return .success(ValueChange(domain: reference.logicalDevice, item: reference.mmsItemName(fc: fc), old: location.value, new: value))
        }
        switch result {
        case .failure(let error): throw IEC61850Error(.dataAccess(error), operation: "update", object: object)
        case .success(let change): reportEngine.valuesChanged([change], server: self)
        }
    }

    /// The current value of an attribute.
    public func value(_ reference: ObjectReference, fc: FunctionalConstraint) -> MMSValue? {
        model.withLock { model in
            model.find(reference, fc: fc)?.value
        }
    }

    // MARK: - Application hooks

    /// Calls `handler` for every client write of an object inside `reference` (every write when `nil`),
    /// after the FC and type checks passed. The handler may be `async`; other requests keep being served
    /// meanwhile. The most recently added matching handler decides.
    public func onWrite(_ reference: ObjectReference? = nil, _ handler: @escaping @Sendable (WriteRequest) async -> WriteDecision) {
        hooks.withLock { $0.writes.append(WriteHook(prefix: reference, handler: handler)) }
    }

    /// Calls `handler` for every client read of an object inside `reference` (every read when `nil`).
    /// The most recently added matching handler decides.
    public func onRead(_ reference: ObjectReference? = nil, _ handler: @escaping @Sendable (ReadRequest) async -> ReadDecision) {
        hooks.withLock { $0.reads.append(ReadHook(prefix: reference, handler: handler)) }
    }

    /// Applies several updates atomically: a client read never sees some of them without the others.
    ///
    /// - Throws: ``IEC61850Error`` for the first update that names no attribute or has the wrong type;
    ///   then none of the updates is applied.
    public func update(_ updates: [(reference: ObjectReference, fc: FunctionalConstraint, value: MMSValue)]) throws(IEC61850Error) {
        var changes: [ValueChange] = []
        let failure: (Int, DataAccessError)? = model.withLock { model in
            var staged = model
            for (index, update) in updates.enumerated() {
                guard let location = staged.find(update.reference, fc: update.fc) else { return (index, .objectNonExistent) }
                guard location.type.accepts(update.value) else { return (index, .typeInconsistent) }
                staged.set(update.value, at: location)
                changes.append(ValueChange(domain: update.reference.logicalDevice, item: update.reference.mmsItemName(fc: update.fc),
                                           old: location.value, new: update.value))
            }
            model = staged
            return nil
        }
        if let (index, error) = failure {
            throw IEC61850Error(.dataAccess(error), operation: "update", object: "\(updates[index].reference) [\(updates[index].fc)]")
        }
        // One batch, one evaluation: members changed together are reported together.
        reportEngine.valuesChanged(changes, server: self)
    }

    /// The hooks that apply to a request, or `nil` when none does (then it is answered synchronously).
    func hooks(for request: MMSConfirmedRequest) -> (writes: [WriteHook], reads: [ReadHook])? {
        let all = hooks.withLock { $0 }
        switch request {
        case .write where !all.writes.isEmpty: return (all.writes, [])
        case .read where !all.reads.isEmpty: return ([], all.reads)
        default: return nil
        }
    }

    /// Answers a request, consulting the application's handlers.
    func respondWithHooks(to request: MMSConfirmedRequest, invokeID: UInt32, maxPDUSize: Int,
                          hooks: (writes: [WriteHook], reads: [ReadHook])) async -> MMSPDU {
        switch request {
        case .read(_, .variableListName(.domainSpecific(let domain, let item))):
            // A dataset read passes its members through the same handlers as single variables.
            guard let members = model.withLock({ $0.dataSet(domain: domain, name: item)?.members }) else {
                return respond(to: request, invokeID: invokeID, maxPDUSize: maxPDUSize)
            }
            return await respondWithHooks(to: .read(specificationWithResult: false, .listOfVariables(members)), invokeID: invokeID,
                                          maxPDUSize: maxPDUSize, hooks: hooks)
        case .write(.variableListName(.domainSpecific(let domain, let item)), let values):
            guard let members = model.withLock({ $0.dataSet(domain: domain, name: item)?.members }), members.count == values.count else {
                return respond(to: request, invokeID: invokeID, maxPDUSize: maxPDUSize)
            }
            return await respondWithHooks(to: .write(.listOfVariables(members), values), invokeID: invokeID, maxPDUSize: maxPDUSize, hooks: hooks)
        case .write(.listOfVariables(let variables), let values) where variables.count == values.count:
            var results: [DataAccessError?] = []
            for (variable, value) in zip(variables, values) {
                // The model decides first: existence, FC policy, type.
                let check = model.withLock { ServerServices.validateWrite(variable, value, model: $0, configuration: configuration) }
                guard case .success = check, case .domainSpecific(let domain, let item) = variable.name else {
                    if case .failure(let error) = check { results.append(error) } else { results.append(.objectNonExistent) }
                    continue
                }
                let (reference, fcOrNil) = ObjectReference.fromMMS(domain: domain, item: item)
                guard let fc = fcOrNil else {
                    results.append(.objectAccessDenied)
                    continue
                }
                let hook = hooks.writes.last { $0.prefix?.contains(reference) ?? true }
                let decision = await hook?.handler(WriteRequest(reference: reference, fc: fc, value: value)) ?? .accept
                switch decision {
                case .accept:
                    let stored = (try? update(reference, fc: fc, to: value)) != nil
                    results.append(stored ? nil : .objectAccessDenied)
                case .acceptWithoutStoring:
                    results.append(nil)
                case .reject(let error):
                    results.append(error)
                }
            }
            return .confirmedResponse(invokeID: invokeID, .write(results))
        case .read(_, .listOfVariables(let variables)):
            var results: [AccessResult] = []
            for variable in variables {
                guard case .confirmedResponse(_, .read(let single)) = respond(to: .read(specificationWithResult: false, .listOfVariables([variable])),
                                                                            invokeID: invokeID, maxPDUSize: maxPDUSize),
                      let first = single.first else {
                    results.append(.failure(.objectAccessDenied))
                    continue
                }
                guard case .success(let current) = first, variable.alternateAccess == nil,
                      case .domainSpecific(let domain, let item) = variable.name else {
                    results.append(first)
                    continue
                }
                let (reference, fc) = ObjectReference.fromMMS(domain: domain, item: item)
                guard let fc, let hook = hooks.reads.last(where: { $0.prefix?.contains(reference) ?? true }) else {
                    results.append(first)
                    continue
                }
                switch await hook.handler(ReadRequest(reference: reference, fc: fc, current: current)) {
                case .current:
                    results.append(first)
                case .value(let value):
                    if (try? update(reference, fc: fc, to: value)) != nil {
                        results.append(.success(value))
                    } else {
                        results.append(.failure(.typeInconsistent))
                    }
                case .reject(let error):
                    results.append(.failure(error))
                }
            }
            return .confirmedResponse(invokeID: invokeID, .read(results))
        default:
            return respond(to: request, invokeID: invokeID, maxPDUSize: maxPDUSize)
        }
    }

    /// Why members cannot form a dataset, checked against the current model.
    func checkMembers(_ variables: [MMSVariableSpecification]) -> (MMSServiceError.ErrorClass, Int64)? {
        model.withLock { ServerServices.checkMembers(variables, model: $0, configuration: configuration) }
    }

    func respond(to request: MMSConfirmedRequest, invokeID: UInt32, maxPDUSize: Int) -> MMSPDU {
        var changes: [ValueChange] = []
        let response = model.withLock { model in
            // Writes that change dataset members trigger reports: remember what was there before.
            let written: [MMSVariableSpecification]
            switch request {
            case .write where reportEngine.isIdle: written = []
            case .write(.listOfVariables(let variables), _): written = variables
            case .write(.variableListName(.domainSpecific(let domain, let item)), _): written = model.dataSet(domain: domain, name: item)?.members ?? []
            default: written = []
            }
            let before = written.map { ServerServices.read($0, in: model) }
            let response = ServerServices.respond(to: request, invokeID: invokeID, model: &model, configuration: configuration, maxPDUSize: maxPDUSize)
            if case .confirmedResponse(_, .write(let results)) = response, case .write(_, let values) = request {
                for (position, variable) in written.enumerated() where position < results.count && position < values.count && results[position] == nil {
                    guard case .domainSpecific(let domain, let item) = variable.name, variable.alternateAccess == nil else { continue }
                    let old: MMSValue? = if case .success(let value) = before[position] { value } else { nil }
                    changes.append(ValueChange(domain: domain, item: item, old: old, new: values[position]))
                }
            }
            return response
        }
        reportEngine.valuesChanged(changes, server: self)
        return response
    }

    var log: Logger { logger }
}

/// Answers the COTP connection request of a connection over the association limit with a
/// disconnect request (ISO 8073 DR, reason 1 "congestion at TSAP"), then closes it.
final class AssociationRefuser: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let tpdu = unwrapInboundIn(data)
        let sourceReference = tpdu.getInteger(at: tpdu.readerIndex + 4, as: UInt16.self) ?? 0
        let dr: [UInt8] = [6, 0x80, UInt8(sourceReference >> 8), UInt8(sourceReference & 0xFF), 0, 0, 1]
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: TPKT.header(payloadLength: dr.count) + dr))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// Counters of an ``IEDServer``: what happened to associations and requests.
public struct IEDServerStatistics: Sendable, Hashable {
    /// Associations established (Initiate accepted).
    public var associated = 0
    /// Associations the client ended with MMS Conclude and ACSE release.
    public var released = 0
    /// Associations that ended otherwise: client abort or disconnect, protocol violation, timeout, shutdown.
    public var aborted = 0
    /// Of ``aborted``: associations the client aborted itself (session ABORT / ACSE ABRT).
    public var abortedByClient = 0
    /// Reports sent by the report control blocks.
    public var reportsSent = 0
    /// Reports not sent because one dataset member alone does not fit the association's negotiated PDU size
    /// (larger reports are segmented); each is also logged as a warning.
    public var reportsTooLarge = 0
    /// Connections refused at the association limit.
    public var refused = 0
    /// Confirmed requests answered.
    public var requests = 0
    /// MMS Conclude requests answered.
    public var concluded = 0

    /// All zero.
    public init() {}
}

/// Tells an association's handler that the server is shutting down.
struct IEDServerShutdown: Sendable {}

/// Runs one association: the pure ``MMSServerAssociation`` plus the services.
final class MMSServerChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var association: MMSServerAssociation
    private let server: IEDServer
    private var associationDeadline: Scheduled<Void>?
    private var released = false
    /// Association-specific (`@name`) datasets: they live and die with this association (IEC 61850-7-2 §13.1).
    private var associationDataSets: [String: [MMSVariableSpecification]] = [:]
    private var registeredForReports = false

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
        case .associated(let negotiated, let frames):
            server.count { $0.associated += 1 }
            write(frames, context: context)
            // Reports for this association go out on its channel, from its event loop.
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            let channel = context.channel
            let eventLoop = context.eventLoop
            let address: [UInt8] = switch context.channel.remoteAddress {
            case .v4(let v4)?: withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
            case .v6(let v6)?: withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            default: []
            }
            server.reportEngine.register(ObjectIdentifier(self), sink: ReportSink(
                eventLoop: eventLoop, maxPDUSize: Int(negotiated.maxPDUSize ?? 65_000), clientAddress: address,
                send: { pdu in eventLoop.execute { handler.value.send(pdu, on: channel) } }))
            registeredForReports = true
        case .refused(let reason, let frames):
            server.log.info("association refused", metadata: ["reason": "\(reason)"])
            write(frames, context: context, thenClose: true)
        case .released(let frames):
            released = true
            server.count { $0.released += 1 }
            write(frames, context: context, thenClose: true)
        case .abortedByPeer:
            server.count { $0.abortedByClient += 1 }
            context.close(promise: nil)
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
        case .confirmedRequest(let invokeID, var request):
            server.count { $0.requests += 1 }
            switch associationScoped(request, invokeID: invokeID, maxPDUSize: maxPDUSize) {
            case .answer(let answer):
                if let frames = association.dataFrames(Self.bounded(answer, invokeID: invokeID, maxPDUSize: maxPDUSize).encoded()) {
                    write(frames, context: context)
                }
                return
            case .rewritten(let rewritten):
                request = rewritten
            case .unchanged:
                break
            }
            if let hooks = server.hooks(for: request) {
                // Application handlers may suspend: answer when they are done; other requests go on.
                Self.answerLater(server: server, request: request, invokeID: invokeID, maxPDUSize: maxPDUSize, hooks: hooks,
                                 handler: NIOLoopBound(self, eventLoop: context.eventLoop), channel: context.channel)
                return
            }
            response = Self.bounded(server.respond(to: request, invokeID: invokeID, maxPDUSize: maxPDUSize),
                                    invokeID: invokeID, maxPDUSize: maxPDUSize)
        case .concludeRequest:
            server.count { $0.concluded += 1 }
            response = .concludeResponse
        case .confirmedResponse, .confirmedError, .unconfirmed, .reject, .initiateRequest, .initiateResponse, .initiateError,
             .concludeResponse, .concludeError:
            response = .reject(.pduError(0))
        }
        if let frames = association.dataFrames(response.encoded()) { write(frames, context: context) }
    }

    private enum AssociationScoped {
        case answer(MMSPDU)
        case rewritten(MMSConfirmedRequest)
        case unchanged
    }

    /// Services on association-specific datasets, answered from this association's own lists; reads and writes of
    /// such a list become reads and writes of its members, so handlers and the model treat them like any other.
    private func associationScoped(_ request: MMSConfirmedRequest, invokeID: UInt32, maxPDUSize: Int) -> AssociationScoped {
        func error(_ errorClass: MMSServiceError.ErrorClass, _ code: Int64) -> AssociationScoped {
            .answer(.confirmedError(invokeID: invokeID, MMSServiceError(errorClass: errorClass, code: code)))
        }
        switch request {
        case .getNameList(.namedVariableList, .association, let continueAfter):
            return .answer(.confirmedResponse(invokeID: invokeID,
                                              ServerServices.page(Array(associationDataSets.keys), continueAfter: continueAfter, maxPDUSize: maxPDUSize)))
        case .defineNamedVariableList(.aaSpecific(let name), let variables):
            guard associationDataSets[name] == nil else { return error(.definition, 5) }  // object-exists
            guard associationDataSets.count < server.configuration.maxAssociationDataSets else { return error(.resource, 4) }
            if let refusal = server.checkMembers(variables) { return error(refusal.0, refusal.1) }
            associationDataSets[name] = variables
            return .answer(.confirmedResponse(invokeID: invokeID, .defineNamedVariableList))
        case .write(.listOfVariables(let variables), let values) where variables.contains(where: { reportControlTarget($0) != nil }):
            // Report control block attributes are the reporting engine's; other variables in the same request take
            // the ordinary path (without onWrite handlers).
            guard variables.count == values.count else { return .answer(.reject(.confirmedRequest(invokeID: invokeID, reason: 4))) }
            var results: [DataAccessError?] = []
            for (variable, value) in zip(variables, values) {
                if let target = reportControlTarget(variable) {
                    results.append(server.reportEngine.write(block: target.block, attribute: target.attribute, value: value,
                                                             association: ObjectIdentifier(self), server: server,
                                                             associationDataSets: associationDataSets))
                } else if case .confirmedResponse(_, .write(let single)) = server.respond(to: .write(.listOfVariables([variable]), [value]),
                                                                                          invokeID: invokeID, maxPDUSize: maxPDUSize) {
                    results.append(single.first ?? .objectAccessDenied)
                } else {
                    results.append(.objectAccessDenied)
                }
            }
            return .answer(.confirmedResponse(invokeID: invokeID, .write(results)))
        case .getNamedVariableListAttributes(.aaSpecific(let name)):
            guard let members = associationDataSets[name] else { return error(.access, 2) }
            return .answer(.confirmedResponse(invokeID: invokeID, .getNamedVariableListAttributes(deletable: true, variables: members)))
        case .read(_, .variableListName(.aaSpecific(let name))):
            guard let members = associationDataSets[name] else { return error(.access, 2) }
            return .rewritten(.read(specificationWithResult: false, .listOfVariables(members)))
        case .write(.variableListName(.aaSpecific(let name)), let values):
            guard let members = associationDataSets[name] else { return error(.access, 2) }
            guard members.count == values.count else { return .answer(.reject(.confirmedRequest(invokeID: invokeID, reason: 4))) }
            return .rewritten(.write(.listOfVariables(members), values))
        case .deleteNamedVariableList(let names) where names.contains(where: { if case .aaSpecific = $0 { true } else { false } }):
            var matched: UInt32 = 0
            var deleted: UInt32 = 0
            var persistent: [MMSObjectName] = []
            for name in names {
                if case .aaSpecific(let item) = name {
                    guard associationDataSets[item] != nil else { continue }
                    matched += 1
                    // A dataset a control block of this association reports stays (IEC 61850-7-2 §13.3.7).
                    if !server.reportEngine.isUsing(association: ObjectIdentifier(self), dataSet: item) {
                        associationDataSets.removeValue(forKey: item)
                        deleted += 1
                    }
                } else {
                    persistent.append(name)
                }
            }
            if !persistent.isEmpty,
               case .confirmedResponse(_, .deleteNamedVariableList(let more, let gone)) = server.respond(to: .deleteNamedVariableList(persistent),
                                                                                                    invokeID: invokeID, maxPDUSize: maxPDUSize) {
                matched += more
                deleted += gone
            }
            return .answer(.confirmedResponse(invokeID: invokeID, .deleteNamedVariableList(matched: matched, deleted: deleted)))
        default:
            return .unchanged
        }
    }

    private func reportControlTarget(_ variable: MMSVariableSpecification) -> (block: Int, attribute: String?)? {
        guard case .domainSpecific(let domain, let item) = variable.name, variable.alternateAccess == nil else { return nil }
        return server.reportEngine.target(domain: domain, item: item)
    }

    private static func answerLater(server: IEDServer, request: MMSConfirmedRequest, invokeID: UInt32, maxPDUSize: Int,
                                    hooks: (writes: [WriteHook], reads: [ReadHook]),
                                    handler: NIOLoopBound<MMSServerChannelHandler>, channel: any Channel) {
        Task {
            let answer = await server.respondWithHooks(to: request, invokeID: invokeID, maxPDUSize: maxPDUSize, hooks: hooks)
            let bounded = bounded(answer, invokeID: invokeID, maxPDUSize: maxPDUSize)
            channel.eventLoop.execute { handler.value.send(bounded, on: channel) }
        }
    }

    /// ISO 9506-2: never a truncated PDU. A response over the negotiated size becomes `service: pdu-size`.
    static func bounded(_ answer: MMSPDU, invokeID: UInt32, maxPDUSize: Int) -> MMSPDU {
        guard answer.encoded().count > maxPDUSize else { return answer }
        return .confirmedError(invokeID: invokeID, MMSServiceError(errorClass: .service, code: 3))
    }

    /// Sends a response computed off the event loop, if the association is still open.
    private func send(_ response: MMSPDU, on channel: any Channel) {
        guard channel.isActive, let frames = association.dataFrames(response.encoded()) else { return }
        var buffer = channel.allocator.buffer(capacity: frames.count)
        buffer.writeBytes(frames)
        channel.writeAndFlush(buffer, promise: nil)
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

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        associationDeadline = context.eventLoop.scheduleTask(in: TimeAmount(server.configuration.associationTimeout)) {
            guard bound.value.association.negotiated == nil else { return }
            bound.value.server.log.info("closing a connection that did not associate in time")
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        associationDeadline?.cancel()
        if registeredForReports { server.reportEngine.unregister(ObjectIdentifier(self), server: server) }
        if association.negotiated != nil, !released { server.count { $0.aborted += 1 } }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            // Before the association completes, the association timeout is the one that applies.
            guard association.negotiated != nil else { return }
            server.log.info("aborting an idle association")
        } else if !(event is IEDServerShutdown) {
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

/// Closes a connection on which a TPKT packet (RFC 1006) started to arrive but did not complete within the
/// timeout. It follows the packet boundaries itself (version, reserved, 16-bit length) and passes the bytes on.
final class TPKTFrameDeadline: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let log: Logger
    /// Header octets of the current packet seen so far (0…4), the length octets, and what remains once known.
    private var headerSeen = 0
    private var lengthHigh: UInt8 = 0
    private var remaining = 0
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, log: Logger) {
        self.timeout = timeout
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
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
            headerSeen += 1
            if headerSeen == 3 { lengthHigh = octet }
            if headerSeen == 4 {
                // A bad header is the decoder's to refuse; here only the length matters.
                remaining = max(0, ((Int(lengthHigh) << 8) | Int(octet)) - 4)
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

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }
}
