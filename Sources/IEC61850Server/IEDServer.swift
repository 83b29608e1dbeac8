// An IEC 61850 MMS server on SwiftNIO: accepts associations and answers Identify, GetNameList,
// GetVariableAccessAttributes, Read and Write against a ServedModel.

public import Logging
@_spi(OSI) import IEC61850MMS
import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// An IEC 61850 server hosting a ``ServedModel`` over MMS/TCP.
///
/// ```swift
/// let relay = IED("RELAY") { LogicalDevice("LD0") { LLN0 { ENC("Mod"); ENS("Beh") }; LN("MMXU", 1) { MV("TotW") } } }
/// let server = IEDServer(model: relay.model, configuration: .init())
/// try await server.start()
/// try server.update("RELAYLD0/MMXU1.TotW.mag.f", fc: .MX, to: .float(3.5))
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

    /// Creates a server for `model`; call ``start()`` to listen. `transport` gives the event loops and any channel
    /// handlers (TLS) that go in front of MMS on each accepted connection.
    public convenience init(model: ServedModel, configuration: IEDServerConfiguration = .init(), transport: MMSTransport = .tcp,
                            logger: Logger = Logger(label: "iec61850.server")) {
        let group = transport.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        self.init(model: model, configuration: configuration, transport: transport, logger: logger,
                  clock: SystemServerClock(eventLoop: group.next()))
    }

    /// Creates a server whose time (report timestamps, buffer time, integrity period, ResvTms) comes from `clock`.
    init(model: ServedModel, configuration: IEDServerConfiguration, transport: MMSTransport = .tcp, logger: Logger, clock: any ServerClock) {
        self.model = Mutex(model)
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        let machine = ReportControlMachine(controls: model.reportControls) { reference in
            guard case .persistent(let domain, let item)? = DataSetName(reference: reference) else { return nil }
            return model.dataSet(domain: domain, name: item)?.members
        }
        let reportEngine = ReportEngine(machine: machine, clock: clock, log: logger)
        self.reportEngine = reportEngine
        changeBus = ServerChangeBus(declaredTriggers: model.attributeTriggers, subscribers: reportEngine.isIdle ? [] : [reportEngine])
    }

    /// Every change of a served value goes here, with its trigger reason, to every engine that reacts to changes.
    let changeBus: ServerChangeBus

    /// Runs the model's report control blocks.
    let reportEngine: ReportEngine
    /// Event loops and channel handlers in front of MMS.
    let transport: MMSTransport

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
        let channel = try await ServerBootstrap(group: transport.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    // The transport's handlers (TLS) first: a refusal too must reach the client through them.
                    try transport.channelInitializer?(channel)
                    let admitted = state.withLock { state in
                        guard state.associations < configuration.maxAssociations else { return false }
                        state.associations += 1
                        return true
                    }
                    guard admitted else {
                        logger.warning("association limit reached; refusing the new connection", metadata: ["limit": "\(configuration.maxAssociations)"])
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TPKTFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(MMSAssociationRefuser())
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
                    try channel.pipeline.syncOperations.addHandler(MMSServerChannelHandler(
                        limits: configuration.limits, associationTimeout: TimeAmount(configuration.associationTimeout),
                        delegate: ServerAssociation(server: self), log: logger))
                }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        state.withLock { $0.channel = channel }
        reportEngine.resume(server: self)  // after a shutdown: the control blocks' timers run again
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
                child.pipeline.fireUserInboundEventTriggered(MMSServerShutdown())
            }
        }
        for child in children { try? await child.closeFuture.get() }
        reportEngine.stopAll()
    }

    private let associationChannels = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let associationCounter = Atomic<UInt64>(0)

    /// A fresh association identity.
    func nextAssociationID() -> ServerAssociationID {
        ServerAssociationID(rawValue: associationCounter.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    /// Replaces an attribute's value (the application pushing process data).
    ///
    /// - Throws: ``IEC61850Error`` with `dataAccess(.objectNonExistent)` for an unknown reference, or
    ///   `dataAccess(.typeInconsistent)` when the value does not fit the attribute's type.
    public func update(_ reference: ObjectReference, fc: FunctionalConstraint, to value: MMSValue) throws(IEC61850Error) {
        let result = model.withLock { model in
            store(value, at: model.find(reference, fc: fc), in: &model, domain: reference.logicalDevice, item: reference.mmsItemName(fc: fc))
        }
        switch result {
        case .failure(let error): throw IEC61850Error(.dataAccess(error), operation: "update", object: "\(reference) [\(fc)]")
        case .success(let change?): changeBus.publish([change], server: self)
        case .success(nil): break
        }
    }

    /// A handle to an attribute for frequent updates: the names are looked up once, here, and
    /// ``update(_:to:)`` with the handle goes straight to the attribute (the model's structure never changes while the
    /// server runs, so a handle stays valid).
    ///
    /// ```swift
    /// let power = try server.attribute("RELAYLD0/MMXU1.TotW.mag.f", fc: .MX)
    /// for await sample in meter { try server.update(power, to: .float(sample)) }
    /// ```
    /// - Throws: ``IEC61850Error`` with `dataAccess(.objectNonExistent)` when the model has no such attribute.
    public func attribute(_ reference: ObjectReference, fc: FunctionalConstraint) throws(IEC61850Error) -> ServedAttribute {
        guard let location = model.withLock({ $0.find(reference, fc: fc) }) else {
            throw IEC61850Error(.dataAccess(.objectNonExistent), operation: "attribute", object: "\(reference) [\(fc)]")
        }
        return ServedAttribute(reference: reference, fc: fc, item: reference.mmsItemName(fc: fc), device: location.device, node: location.node,
                               indices: location.indices, type: location.type)
    }

    /// Replaces the value of an attribute found with ``attribute(_:fc:)`` — the fastest way to push process data.
    ///
    /// - Throws: ``IEC61850Error`` with `dataAccess(.typeInconsistent)` when the value does not fit the attribute's type.
    public func update(_ attribute: ServedAttribute, to value: MMSValue) throws(IEC61850Error) {
        guard attribute.type.accepts(value) else {
            throw IEC61850Error(.dataAccess(.typeInconsistent), operation: "update", object: "\(attribute.reference) [\(attribute.fc)]")
        }
        let change: ValueChange? = model.withLock { model in
            let old = model.value(device: attribute.device, node: attribute.node, indices: attribute.indices)
            model.set(value, device: attribute.device, node: attribute.node, indices: attribute.indices)
            guard !changeBus.isIdle else { return nil }
            return changeBus.change(domain: attribute.reference.logicalDevice, item: attribute.item, old: old, new: value)
        }
        if let change { changeBus.publish([change], server: self) }
    }

    /// The current value of an attribute.
    public func value(_ reference: ObjectReference, fc: FunctionalConstraint) -> MMSValue? {
        model.withLock { model in
            model.find(reference, fc: fc)?.value
        }
    }

    // MARK: - Application hooks

    /// Calls `handler` for every client write that touches `reference` (every write when `nil`), after the FC and type
    /// checks passed: a write of the object or of anything inside it, and a write of a structure that contains it (the
    /// handler then sees its own part of the value). Every handler that covers a written variable is asked, outer ones
    /// first, in the order they were added; the first `reject` refuses the write (no later handler is asked); an
    /// `acceptWithoutStoring` of a part keeps the model's value for that part. The handler may be `async`; other
    /// requests keep being served meanwhile. Report control block attributes are not data: the reporting engine
    /// applies IEC 61850-7-2's rules to them, without handlers.
    public func onWrite(_ reference: ObjectReference? = nil, _ handler: @escaping @Sendable (WriteRequest) async -> WriteDecision) {
        warnIfAbsent(reference, handler: "onWrite")
        hooks.withLock { $0.writes.append(WriteHook(prefix: reference, handler: handler)) }
    }

    /// Calls `handler` for every client read that touches `reference` (every read when `nil`): Read and
    /// GetDataSetValues of the object, of anything inside it, of a structure or a whole LN that contains it, or through
    /// an alternate access. Every handler that covers a read variable is asked, outer ones first, in the order they
    /// were added; the first `reject` refuses the read. Reports carry the model's values as they are when the report
    /// is made: to change what reports show, `update` the model.
    public func onRead(_ reference: ObjectReference? = nil, _ handler: @escaping @Sendable (ReadRequest) async -> ReadDecision) {
        warnIfAbsent(reference, handler: "onRead")
        hooks.withLock { $0.reads.append(ReadHook(prefix: reference, handler: handler)) }
    }

    /// Applies several updates atomically: a client read never sees some of them without the others.
    ///
    /// - Throws: ``IEC61850Error`` for the first update that names no attribute or has the wrong type;
    ///   then none of the updates is applied.
    public func update(_ updates: [(reference: ObjectReference, fc: FunctionalConstraint, value: MMSValue)]) throws(IEC61850Error) {
        var changes: [ValueChange] = []
        let failure: (Int, DataAccessError)? = model.withLock { model in
            // Check every update first, then apply them all: nothing is applied when one fails, and the model is not copied.
            var locations: [ServedModel.Location] = []
            locations.reserveCapacity(updates.count)
            for (index, update) in updates.enumerated() {
                guard let location = model.find(update.reference, fc: update.fc) else { return (index, .objectNonExistent) }
                guard location.type.accepts(update.value) else { return (index, .typeInconsistent) }
                locations.append(location)
            }
            // The value before is what an earlier update of the same batch left, if any.
            var batch: [String: MMSValue] = [:]
            for (update, location) in zip(updates, locations) {
                model.set(update.value, at: location)
                guard !changeBus.isIdle else { continue }  // nobody listens: no need to describe the change
                let item = update.reference.mmsItemName(fc: update.fc)
                let key = update.reference.logicalDevice + "/" + item
                changes.append(changeBus.change(domain: update.reference.logicalDevice, item: item, old: batch[key] ?? location.value, new: update.value))
                batch[key] = update.value
            }
            return nil
        }
        if let (index, error) = failure {
            throw IEC61850Error(.dataAccess(error), operation: "update", object: "\(updates[index].reference) [\(updates[index].fc)]")
        }
        // One batch, one evaluation: members changed together are reported together.
        changeBus.publish(changes, server: self)
    }

    /// Logs a warning when a handler's reference names nothing in the model under any FC (a typo, or an array element
    /// written `name(n)`): such a handler would never be asked.
    private func warnIfAbsent(_ reference: ObjectReference?, handler: String) {
        guard let reference else { return }
        let present = model.withLock { model -> Bool in
            guard let device = model.logicalDevices.first(where: { $0.name == reference.logicalDevice }) else { return false }
            guard !reference.logicalNode.isEmpty else { return true }
            guard let node = device.logicalNodes.first(where: { $0.name == reference.logicalNode }) else { return false }
            guard !reference.path.isEmpty else { return true }
            // Under any FC component of the LN.
            return node.type.components.contains { component in node.lookup([component.name] + reference.path) != nil }
        }
        if !present {
            logger.warning("\(handler) handler for an object the model does not have; it will never be asked",
                           metadata: ["reference": "\(reference)"])
        }
    }

    /// The write handlers, oldest first.
    func writeHooks() -> [WriteHook] { hooks.withLock { $0.writes } }

    /// The read handlers, oldest first.
    func readHooks() -> [ReadHook] { hooks.withLock { $0.reads } }

    /// Runs `body` with the model, under its lock. Nothing inside calls the reporting engine.
    func withModel<T>(_ body: (inout ServedModel) -> T) -> T { model.withLock { body(&$0) } }

    /// Stores `value` at `location` (found in `model`, whose lock the caller holds) after the type check; the change
    /// event when anything listens for changes. What `update` and client writes share.
    func store(_ value: MMSValue, at location: ServedModel.Location?, in model: inout ServedModel, domain: String,
               item: @autoclosure () -> String) -> Result<ValueChange?, DataAccessError> {
        guard let location else { return .failure(.objectNonExistent) }
        guard location.type.accepts(value) else { return .failure(.typeInconsistent) }
        model.set(value, at: location)
        guard !changeBus.isIdle else { return .success(nil) }
        return .success(changeBus.change(domain: domain, item: item(), old: location.value, new: value))
    }

    /// Why members cannot form a dataset, checked against the current model.
    func checkMembers(_ variables: [MMSVariableSpecification]) -> MMSServiceError? {
        model.withLock { ServerServices.checkMembers(variables, model: $0, configuration: configuration) }
    }

    var log: Logger { logger }
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

/// An attribute of an ``IEDServer``'s model, found once by ``IEDServer/attribute(_:fc:)``, for fast updates.
public struct ServedAttribute: Sendable, Hashable {
    /// The attribute.
    public let reference: ObjectReference
    /// Its functional constraint.
    public let fc: FunctionalConstraint
    /// Its MMS item (`LN$FC$DO$DA`).
    let item: String
    /// Where it is: LD and LN indices, component indices below the LN.
    let device: Int
    let node: Int
    let indices: [Int]
    /// Its MMS type.
    let type: MMSTypeSpecification
}
