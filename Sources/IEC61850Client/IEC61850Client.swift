// The ACSI client (IEC 61850-7-2) over the MMS mapping (IEC 61850-8-1).

public import Logging
public import NIOCore
import Synchronization

/// Configuration of an ``IEC61850Client``: the MMS connection settings plus client-side behaviour.
public struct IEC61850ClientConfiguration: Sendable, Hashable {
    /// Connection, timeouts, window, PDU size, selectors and AE titles.
    public var mms = MMSConnectionConfiguration()
    /// Whether ``IEC61850Client/withConnection(to:port:configuration:logger:_:)`` runs its body on the
    /// connection's event loop (no thread hop per response). Default `true`.
    public var runsBodyOnConnectionEventLoop = true

    /// The defaults.
    public init() {}
}

/// A client association to an IEC 61850 server (IEC 61850-7-2 two-party application association).
///
/// Every method may be called from many tasks at once: requests share one association and are
/// pipelined up to the negotiated number of outstanding requests.
///
/// ```swift
/// try await IEC61850Client.withConnection(to: "10.0.0.5") { ied in
///     let power = try await ied.read(Float.self, "IED1MEAS/MMXU1.TotW.mag.f", fc: .MX)
/// }
/// ```
public final class IEC61850Client: Sendable {
    /// The underlying MMS association, for services not wrapped here.
    public let connection: MMSClientConnection
    private let modelCache = Mutex<DeviceModel?>(nil)
    let reportHub = ReportHub()

    private init(connection: MMSClientConnection) {
        self.connection = connection
        // One pump per association: decode InformationReports and hand them to report subscriptions.
        let hub = reportHub
        Task {
            for await pdu in connection.unconfirmedPDUs { hub.deliver(pdu) }
            hub.close(IEC61850Error(.connectionClosed("the association ended"), operation: "report"))
        }
    }

    // MARK: - Association

    /// Connects and associates.
    ///
    /// - Throws: ``IEC61850Error`` with kind `connectionFailed`, `connectTimeout` or `associationRejected`.
    public static func connect(host: String, port: Int = 102, configuration: IEC61850ClientConfiguration = .init(),
                               eventLoopGroup: (any EventLoopGroup)? = nil,
                               logger: Logger = Logger(label: "iec61850.client")) async throws(IEC61850Error) -> IEC61850Client {
        try await connect(host: host, port: port, configuration: configuration, transport: MMSTransport(eventLoopGroup: eventLoopGroup), logger: logger)
    }

    /// Connects over `transport` (event loops, handlers such as TLS in front of MMS) and associates.
    public static func connect(host: String, port: Int = 102, configuration: IEC61850ClientConfiguration = .init(),
                               transport: MMSTransport,
                               logger: Logger = Logger(label: "iec61850.client")) async throws(IEC61850Error) -> IEC61850Client {
        do {
            let connection = try await MMSClientConnection.connect(host: host, port: port, configuration: configuration.mms,
                                                                   transport: transport, logger: logger)
            return IEC61850Client(connection: connection)
        } catch {
            throw IEC61850Error(mms: error, operation: "associate", object: "\(host):\(port)")
        }
    }

    /// Connects, runs `body` and then always closes the association (Conclude + release), also when
    /// `body` throws or the task is cancelled.
    ///
    /// By default `body` runs with the connection's event loop as its task executor
    /// (``IEC61850ClientConfiguration/runsBodyOnConnectionEventLoop``): each response then resumes the
    /// waiting code on the thread that read it, which halves the latency of sequential requests. Move
    /// long CPU-bound work out of `body` (e.g. into a detached task) so it does not delay the connection's I/O.
    public static func withConnection<Result: Sendable>(
        to host: String, port: Int = 102, configuration: IEC61850ClientConfiguration = .init(),
        transport: MMSTransport = .tcp,
        logger: Logger = Logger(label: "iec61850.client"),
        _ body: (IEC61850Client) async throws -> Result
    ) async throws -> Result {
        let client = try await connect(host: host, port: port, configuration: configuration, transport: transport, logger: logger)
        let executor: EventLoopTaskExecutor? = configuration.runsBodyOnConnectionEventLoop ? client.connection.taskExecutor : nil
        do {
            let result = try await withTaskExecutorPreference(executor) { try await body(client) }
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// Closes gracefully: MMS Conclude, ACSE release, TCP close.
    public func close() async { await connection.close() }

    /// Aborts the association at once (ACSE abort, TCP drop); pending requests fail.
    public func abort() async { await connection.abort() }

    /// The parameters negotiated in MMS Initiate (PDU size, outstanding requests, nesting level).
    public var negotiatedParameters: MMSInitiateParameters {
        get async { await connection.negotiated }
    }

    /// Whether the association is open.
    public var isConnected: Bool {
        get async { await connection.isOpen }
    }

    func perform(_ request: MMSConfirmedRequest, operation: String, object: String?) async throws(IEC61850Error) -> MMSConfirmedResponse {
        do {
            return try await connection.request(request)
        } catch {
            throw IEC61850Error(mms: error, operation: operation, object: object)
        }
    }

    // MARK: - Identify

    /// The server's vendor, model and revision (MMS Identify).
    public func identify() async throws(IEC61850Error) -> DeviceIdentity {
        guard case .identify(let vendor, let model, let revision) = try await perform(.identify, operation: "identify", object: nil) else {
            throw IEC61850Error(.unexpectedResponse("not an Identify response"), operation: "identify")
        }
        return DeviceIdentity(vendor: vendor, model: model, revision: revision)
    }

    // MARK: - Data

    static func variable(_ reference: ObjectReference, fc: FunctionalConstraint?, access: MMSAlternateAccess? = nil) throws(IEC61850Error) -> MMSVariableSpecification {
        guard !reference.logicalNode.isEmpty else {
            throw IEC61850Error(.invalidReference("a data reference needs a logical node: LD/LN.DO.DA"), operation: "map", object: "\(reference)")
        }
        return MMSVariableSpecification(name: .domainSpecific(domain: reference.logicalDevice, item: reference.mmsItemName(fc: fc)),
                                        alternateAccess: access)
    }

    static func describe(_ reference: ObjectReference, _ fc: FunctionalConstraint?) -> String {
        fc.map { "\(reference) [\($0)]" } ?? "\(reference)"
    }

    /// Reads one data object or attribute (GetDataValues, IEC 61850-7-2 §11.3.2).
    ///
    /// - Parameters:
    ///   - access: an optional alternate access, e.g. `[.index(2), .component("mag")]` for an array element.
    /// - Throws: ``IEC61850Error`` with kind `dataAccess` when the server reports a DataAccessError.
    public func read(_ reference: ObjectReference, fc: FunctionalConstraint, access: MMSAlternateAccess? = nil) async throws(IEC61850Error) -> MMSValue {
        let object = Self.describe(reference, fc)
        let variable = try Self.variable(reference, fc: fc, access: access)
        let response = try await perform(.read(specificationWithResult: false, .listOfVariables([variable])), operation: "read", object: object)
        guard case .read(let results) = response, results.count == 1 else {
            throw IEC61850Error(.unexpectedResponse("expected one result"), operation: "read", object: object)
        }
        switch results[0] {
        case .success(let value): return value
        case .failure(let error): throw IEC61850Error(.dataAccess(error), operation: "read", object: object)
        }
    }

    /// Reads one attribute as a Swift type.
    ///
    /// - Throws: ``IEC61850Error`` with kind `typeMismatch` when the MMS type does not fit `type`.
    public func read<T: MMSValueConvertible>(_ type: T.Type, _ reference: ObjectReference, fc: FunctionalConstraint) async throws(IEC61850Error) -> T {
        let value = try await read(reference, fc: fc)
        guard let typed = T(mmsValue: value) else {
            throw IEC61850Error(.typeMismatch(expected: T.mmsTypeName, actual: value), operation: "read", object: Self.describe(reference, fc))
        }
        return typed
    }

    /// Reads many attributes, each with its own FC, in as few requests as fit the negotiated PDU size.
    /// Results come back in order, one per item; a failed item is a `.failure`, not a thrown error.
    ///
    /// A request whose response the server cannot fit (service error or reject) is split in half and retried.
    public func read(_ items: [(reference: ObjectReference, fc: FunctionalConstraint)]) async throws(IEC61850Error) -> [AccessResult] {
        var variables: [MMSVariableSpecification] = []
        variables.reserveCapacity(items.count)
        for item in items { variables.append(try Self.variable(item.reference, fc: item.fc)) }
        let limit = Int(await connection.negotiated.maxPDUSize ?? 65_000)
        var results: [AccessResult] = []
        results.reserveCapacity(items.count)
        for chunk in Self.chunks(variables, requestLimit: limit) {
            results += try await readChunk(chunk)
        }
        return results
    }

    /// Splits variables into groups whose Read request stays within `requestLimit` octets.
    static func chunks(_ variables: [MMSVariableSpecification], requestLimit: Int) -> [ArraySlice<MMSVariableSpecification>] {
        let budget = max(64, requestLimit - 32)
        var chunks: [ArraySlice<MMSVariableSpecification>] = []
        var start = 0
        var size = 0
        for (index, variable) in variables.enumerated() {
            var writer = BERWriter(capacity: 64)
            variable.encodeForSizing(into: &writer)
            let itemSize = writer.bytes.count
            if index > start, size + itemSize > budget {
                chunks.append(variables[start..<index])
                start = index
                size = 0
            }
            size += itemSize
        }
        if start < variables.count { chunks.append(variables[start...]) }
        return chunks
    }

    private func readChunk(_ chunk: ArraySlice<MMSVariableSpecification>) async throws(IEC61850Error) -> [AccessResult] {
        let object = chunk.count == 1 ? chunk.first.map { "\($0.name)" } : "\(chunk.count) variables"
        let response: MMSConfirmedResponse
        do {
            response = try await connection.request(.read(specificationWithResult: false, .listOfVariables(Array(chunk))))
        } catch {
            let retriable = (error.code == .serviceError || error.code == .rejected) && chunk.count > 1
            switch retriable {
            case true:
                let middle = chunk.startIndex + chunk.count / 2
                let first = try await readChunk(chunk[chunk.startIndex..<middle])
                return try await first + readChunk(chunk[middle...])
            case false:
                throw IEC61850Error(mms: error, operation: "read", object: object)
            }
        }
        guard case .read(let results) = response, results.count == chunk.count else {
            throw IEC61850Error(.unexpectedResponse("expected \(chunk.count) results"), operation: "read", object: object)
        }
        return results
    }

    /// Writes one data attribute or structure (SetDataValues, IEC 61850-7-2 §11.3.3).
    ///
    /// - Throws: ``IEC61850Error`` with kind `dataAccess` (e.g. `object-access-denied`) when the server refuses.
    public func write(_ reference: ObjectReference, fc: FunctionalConstraint, value: MMSValue, access: MMSAlternateAccess? = nil) async throws(IEC61850Error) {
        let object = Self.describe(reference, fc)
        let variable = try Self.variable(reference, fc: fc, access: access)
        let response = try await perform(.write(.listOfVariables([variable]), [value]), operation: "write", object: object)
        guard case .write(let results) = response, results.count == 1 else {
            throw IEC61850Error(.unexpectedResponse("expected one write result"), operation: "write", object: object)
        }
        if let error = results[0] { throw IEC61850Error(.dataAccess(error), operation: "write", object: object) }
    }

    /// Writes a Swift value.
    public func write<T: MMSValueConvertible>(_ reference: ObjectReference, fc: FunctionalConstraint, _ value: T) async throws(IEC61850Error) {
        try await write(reference, fc: fc, value: value.mmsValue)
    }

    /// The MMS type of a data object or attribute (GetDataDefinition via GetVariableAccessAttributes).
    ///
    /// With `fc: nil` and a logical-node reference it returns the whole LN type, whose components are the FCs.
    public func variableSpecification(_ reference: ObjectReference, fc: FunctionalConstraint?) async throws(IEC61850Error) -> MMSTypeSpecification {
        let object = Self.describe(reference, fc)
        let variable = try Self.variable(reference, fc: fc)
        guard case .getVariableAccessAttributes(_, let type) = try await perform(.getVariableAccessAttributes(variable.name),
                                                                                  operation: "get variable specification", object: object) else {
            throw IEC61850Error(.unexpectedResponse("not a GetVariableAccessAttributes response"), operation: "get variable specification", object: object)
        }
        return type
    }

    // MARK: - Directory

    /// Every name of a class in a scope, following `moreFollows` with `continueAfter` (GetNameList, ISO 9506-2 §10.5).
    public func nameList(_ objectClass: MMSObjectClass, scope: MMSNameListScope) async throws(IEC61850Error) -> [String] {
        var names: [String] = []
        var continueAfter: String?
        let object: String = switch scope {
        case .vmd: "server"
        case .domain(let name): name
        case .association: "association"
        }
        // A server that keeps answering moreFollows without progress would loop: stop when a page adds nothing.
        while true {
            guard case .getNameList(let page, let moreFollows) = try await perform(
                .getNameList(objectClass: objectClass, scope: scope, continueAfter: continueAfter),
                operation: "get name list", object: object) else {
                throw IEC61850Error(.unexpectedResponse("not a GetNameList response"), operation: "get name list", object: object)
            }
            names += page
            guard moreFollows, let last = page.last, last != continueAfter else { break }
            continueAfter = last
        }
        return names
    }

    /// The logical devices (GetServerDirectory, IEC 61850-7-2 §8.2.1).
    public func serverDirectory() async throws(IEC61850Error) -> [String] {
        try await nameList(.domain, scope: .vmd)
    }

    /// The logical nodes of a logical device (GetLogicalDeviceDirectory, §9.2.1).
    public func logicalDeviceDirectory(_ logicalDevice: String) async throws(IEC61850Error) -> [String] {
        try await nameList(.namedVariable, scope: .domain(logicalDevice)).filter { !$0.contains("$") }
    }

    /// The instances of one ACSI class in a logical node (GetLogicalNodeDirectory, §10.2.2).
    public func logicalNodeDirectory(_ reference: ObjectReference, acsiClass: ACSIClass) async throws(IEC61850Error) -> [String] {
        let ln = reference.logicalNode
        let prefix = ln + "$"
        switch acsiClass {
        case .dataSet:
            return try await nameList(.namedVariableList, scope: .domain(reference.logicalDevice))
                .filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        case .log:
            return try await nameList(.journal, scope: .domain(reference.logicalDevice))
                .filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        default:
            let names = try await nameList(.namedVariable, scope: .domain(reference.logicalDevice))
            var result: [String] = []
            var seen = Set<String>()
            for name in names where name.hasPrefix(prefix) {
                let parts = name.split(separator: "$", omittingEmptySubsequences: false)
                guard parts.count == 3, let fc = FunctionalConstraint(rawValue: String(parts[1])) else { continue }
                let member = String(parts[2])
                let matches: Bool = switch acsiClass {
                case .dataObject: !LogicalNodeModel.controlBlockFCs.contains(fc) && !(fc == .SP && member == "SGCB")
                case .sgcb: fc == .SP && member == "SGCB"
                default: fc == acsiClass.controlBlockFC
                }
                if matches, seen.insert(member).inserted { result.append(member) }
            }
            return result
        }
    }

    /// The children of a data object or structured attribute under every FC (GetDataDirectory, §11.3.5).
    public func dataDirectory(_ reference: ObjectReference) async throws(IEC61850Error) -> [DataDirectoryEntry] {
        let lnReference = ObjectReference(logicalDevice: reference.logicalDevice, logicalNode: reference.logicalNode)
        let lnType = try await variableSpecification(lnReference, fc: nil)
        var entries: [DataDirectoryEntry] = []
        for fcComponent in lnType.components {
            guard let fc = FunctionalConstraint(rawValue: fcComponent.name) else { continue }
            var current: MMSTypeSpecification? = fcComponent.type
            for name in reference.path { current = current?.component(named: name)?.type }
            for child in current?.components ?? [] {
                entries.append(DataDirectoryEntry(name: child.name, fc: fc, type: child.type))
            }
        }
        if entries.isEmpty, !reference.path.isEmpty {
            throw IEC61850Error(.dataAccess(.objectNonExistent), operation: "get data directory", object: "\(reference)")
        }
        return entries
    }

    /// The whole device model: every LD, LN (with its full type tree), dataset and log. Cached after the
    /// first call; `refresh: true` discovers it again.
    public func deviceModel(refresh: Bool = false) async throws(IEC61850Error) -> DeviceModel {
        if !refresh, let cached = modelCache.withLock({ $0 }) { return cached }
        var devices: [LogicalDeviceModel] = []
        for ld in try await serverDirectory() {
            let names = try await nameList(.namedVariable, scope: .domain(ld))
            var nodes: [LogicalNodeModel] = []
            for ln in names where !ln.contains("$") {
                let type = try await variableSpecification(ObjectReference(logicalDevice: ld, logicalNode: ln), fc: nil)
                nodes.append(LogicalNodeModel(name: ln, type: type))
            }
            let dataSets = try await nameList(.namedVariableList, scope: .domain(ld))
            let logs: [String]
            do {
                logs = try await nameList(.journal, scope: .domain(ld))
            } catch where error.code == .serviceError || error.code == .rejected {
                logs = []  // servers without journals may refuse the class
            }
            devices.append(LogicalDeviceModel(name: ld, logicalNodes: nodes, dataSets: dataSets, logs: logs))
        }
        let model = DeviceModel(logicalDevices: devices)
        modelCache.withLock { $0 = model }
        return model
    }
}

extension MMSVariableSpecification {
    /// Encodes a one-variable Read request: its size bounds what this variable adds to a bigger one.
    func encodeForSizing(into writer: inout BERWriter) {
        MMSPDU.confirmedRequest(invokeID: 0, .read(specificationWithResult: false, .listOfVariables([self]))).encode(into: &writer)
    }
}
