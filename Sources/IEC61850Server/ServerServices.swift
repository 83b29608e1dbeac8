// The MMS services a server answers, as a pure function of (model, request) → response, so they can
// be tested without sockets.

/// Which functional constraints clients may write (IEC 61850-7-2 §11.3.3; default SP, SV, SE).
public struct WriteAccessPolicy: Sendable, Hashable {
    /// The writable FCs.
    public var writable: Set<FunctionalConstraint>

    /// Creates a policy.
    public init(writable: Set<FunctionalConstraint> = [.SP, .SV, .SE]) { self.writable = writable }
}

/// Identity, limits and policies of a server.
public struct IEDServerConfiguration: Sendable, Hashable {
    /// The address to bind. Default `127.0.0.1`.
    public var host = "127.0.0.1"
    /// The TCP port; 0 lets the system choose (read it from ``IEDServer/port`` after start). Default 102.
    public var port = 102
    /// The most associations served at once; a further connection's COTP request is answered with a
    /// disconnect request. Default 100.
    public var maxAssociations = 100
    /// A connection that has not completed the association within this time is closed (slow or
    /// silent clients cannot hold a slot). Default 10 s.
    public var associationTimeout: Duration = .seconds(10)
    /// An established association that receives nothing for this long is aborted; `nil` keeps idle
    /// associations open (clients that only wait for reports are idle by design). Default `nil`.
    public var idleTimeout: Duration?
    /// A TPKT packet that has started to arrive must be complete within this time, on any connection
    /// (a client dripping a request byte by byte cannot hold a slot forever). Default 10 s.
    public var frameTimeout: Duration = .seconds(10)
    /// Identify's vendor, model and revision.
    public var identity = DeviceIdentity(vendor: "swift-iec61850", model: "IEDServer", revision: "0.1")
    /// Initiate limits.
    public var limits = MMSServerLimits()
    /// Writable FCs.
    public var writeAccess = WriteAccessPolicy()
    /// The most members a client may put in a dataset it creates. Default 100.
    public var maxDataSetMembers = 100
    /// The most persistent datasets clients may create (in all logical devices together). Default 64.
    public var maxClientDataSets = 64
    /// The most association-specific (`@name`) datasets one association may create. Default 16.
    public var maxAssociationDataSets = 16

    /// The defaults.
    public init() {}
}

enum ServerServices {
    /// Answers one directory or identification request against `model` (reads, writes and dataset services go through
    /// the request router, `IEDServer.route`).
    static func respond(to request: MMSConfirmedRequest, invokeID: UInt32, model: inout ServedModel,
                        configuration: IEDServerConfiguration, maxPDUSize: Int) -> MMSPDU {
        func error(_ serviceError: MMSServiceError) -> MMSPDU { .confirmedError(invokeID: invokeID, serviceError) }
        switch request {
        case .identify:
            let identity = configuration.identity
            return .confirmedResponse(invokeID: invokeID, .identify(vendor: identity.vendor, model: identity.model, revision: identity.revision))

        case .getNameList(let objectClass, let scope, let continueAfter):
            var names: [String]
            switch (objectClass, scope) {
            case (.domain, .vmd):
                names = model.logicalDevices.map(\.name)
            case (.namedVariable, .domain(let domain)):
                guard let device = model.logicalDevices.first(where: { $0.name == domain }) else { return error(.objectNonExistent) }
                names = device.logicalNodes.flatMap(\.mmsNames)
            case (.namedVariableList, .domain(let domain)):
                guard model.logicalDevices.contains(where: { $0.name == domain }) else { return error(.objectNonExistent) }
                names = model.dataSets.filter { $0.domain == domain }.map(\.name)
            case (.journal, .domain(let domain)):
                guard model.logicalDevices.contains(where: { $0.name == domain }) else { return error(.objectNonExistent) }
                names = []
            case (.namedVariableList, .association), (.namedVariable, .vmd), (.namedVariableList, .vmd), (.journal, .vmd):
                names = []
            default:
                return error(.objectAccessUnsupported)
            }
            return .confirmedResponse(invokeID: invokeID, page(names, continueAfter: continueAfter, maxPDUSize: maxPDUSize))

        case .getVariableAccessAttributes(let name):
            guard case .domainSpecific(let domain, let item) = name, let found = model.find(domain: domain, item: item) else {
                return error(.objectNonExistent)
            }
            return .confirmedResponse(invokeID: invokeID, .getVariableAccessAttributes(deletable: false, type: found.type))

        case .defineNamedVariableList(.domainSpecific(let domain, let item), let variables):
            // CreateDataSet (§13.3.6), persistent: `LN$name` in an existing LN, members that exist, a fresh name.
            let parts = item.split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[1].isEmpty,
                  let device = model.logicalDevices.first(where: { $0.name == domain }),
                  device.logicalNodes.contains(where: { $0.name == parts[0] }) else {
                return error(.objectUndefined)  // no such LD or LN
            }
            guard model.dataSet(domain: domain, name: item) == nil else { return error(.objectExists) }
            guard model.dataSets.count(where: \.isDeletable) < configuration.maxClientDataSets else { return error(.capabilityUnavailable) }
            if let refusal = checkMembers(variables, model: model, configuration: configuration) { return error(refusal) }
            model.dataSets.append(ServedDataSet(domain: domain, name: item, members: variables, isDeletable: true))
            return .confirmedResponse(invokeID: invokeID, .defineNamedVariableList)

        case .defineNamedVariableList:
            return error(.typeUnsupported)  // VMD-specific lists are not IEC 61850 datasets

        case .unsupported:
            return .reject(.confirmedRequest(invokeID: invokeID, reason: 1))

        case .read, .write, .getNamedVariableListAttributes, .deleteNamedVariableList:
            // Dataset names and per-variable routing are the request router's (`IEDServer.route`); it never sends these here.
            return error(.serviceOther)
        }
    }

    /// One page of a GetNameList answer: names in octet order after `continueAfter`, as many as fit the PDU size.
    static func page(_ names: [String], continueAfter: String?, maxPDUSize: Int) -> MMSConfirmedResponse {
        var names = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if let continueAfter {
            names = Array(names.drop { !continueAfter.utf8.lexicographicallyPrecedes($0.utf8) })
        }
        // Fill the page up to the PDU size, leaving room for the envelope.
        var page: [String] = []
        var size = 24
        for name in names {
            let cost = name.utf8.count + 4
            if size + cost > maxPDUSize { break }
            page.append(name)
            size += cost
        }
        return .getNameList(identifiers: page, moreFollows: page.count < names.count)
    }

    /// Why members cannot form a dataset (an MMS ServiceError class and code), or `nil` when they can: 1 to
    /// `maxDataSetMembers` members, each an existing data object or attribute with an FC (alternate access included).
    static func checkMembers(_ variables: [MMSVariableSpecification], model: ServedModel,
                             configuration: IEDServerConfiguration) -> MMSServiceError? {
        guard !variables.isEmpty, variables.count <= configuration.maxDataSetMembers else { return .objectAttributeInconsistent }
        for variable in variables {
            guard case .domainSpecific(let domain, let item) = variable.name, let found = model.find(domain: domain, item: item),
                  found.indices.count >= 2 else { return .objectUndefined }  // an FC and a DO at least
            if let access = variable.alternateAccess, select((found.type, found.value), access.path[...]) == nil { return .objectUndefined }
        }
        return nil
    }

    /// One variable's value, or why it cannot be read.
    static func read(_ variable: MMSVariableSpecification, in model: ServedModel) -> AccessResult {
        guard case .domainSpecific(let domain, let item) = variable.name, let found = model.find(domain: domain, item: item) else {
            return .failure(.objectNonExistent)
        }
        guard let access = variable.alternateAccess else { return .success(found.value) }
        return select((found.type, found.value), access.path[...]).map(AccessResult.success) ?? .failure(.objectNonExistent)
    }

    /// Checks a write without applying it: the object exists, its FC is writable, the value has its type.
    static func validateWrite(_ variable: MMSVariableSpecification, _ value: MMSValue, model: ServedModel,
                              configuration: IEDServerConfiguration) -> Result<ServedModel.Location, DataAccessError> {
        guard case .domainSpecific(let domain, let item) = variable.name, variable.alternateAccess == nil,
              let found = model.find(domain: domain, item: item) else { return .failure(.objectNonExistent) }
        guard let fc = found.fc, configuration.writeAccess.writable.contains(fc) else { return .failure(.objectAccessDenied) }
        guard found.type.accepts(value) else { return .failure(.typeInconsistent) }
        return .success(found)
    }

    /// Applies an alternate access (components and array elements) to a value.
    static func select(_ found: (type: MMSTypeSpecification, value: MMSValue), _ path: ArraySlice<MMSAccessSelection>) -> MMSValue? {
        guard let selection = path.first else { return found.value }
        switch (selection, found.type, found.value) {
        case (.component(let name), .structure(let components, _), .structure(let values)):
            guard let index = components.firstIndex(where: { $0.name == name }), index < values.count else { return nil }
            return select((components[index].type, values[index]), path.dropFirst())
        case (.index(let index), .array(_, _, let element), .array(let values)):
            guard Int(index) < values.count else { return nil }
            return select((element, values[Int(index)]), path.dropFirst())
        case (.indexRange(let low, let count), .array(_, _, let element), .array(let values)):
            guard Int(low) + Int(count) <= values.count else { return nil }
            var selected: [MMSValue] = []
            for value in values[Int(low)..<(Int(low) + Int(count))] {
                guard let inner = select((element, value), path.dropFirst()) else { return nil }
                selected.append(inner)
            }
            return .array(selected)
        case (.allElements, .array(_, _, let element), .array(let values)):
            var selected: [MMSValue] = []
            for value in values {
                guard let inner = select((element, value), path.dropFirst()) else { return nil }
                selected.append(inner)
            }
            return .array(selected)
        default:
            return nil
        }
    }
}
