// The server's one request pipeline. Every confirmed request goes through `IEDServer.route`:
//   resolve names (a dataset to its members, once, here) → split per variable → route each to its owner (a report
//   control block's attributes to the reporting engine; everything else to the model, through the application's
//   onRead/onWrite handlers) → assemble one response.
// There is no other way to a value: a variable's handler decides whatever else the request carries.

import Synchronization

/// An association's identity on the server, unique for the server's lifetime.
struct ServerAssociationID: Hashable, Sendable {
    let rawValue: UInt64
}

/// What the router knows of one association: its identity, what was negotiated, and its own (`@name`) datasets, which
/// live and die with it (IEC 61850-7-2 §13.1). Its `ServerAssociation` hands it in with each request.
struct ServerAssociationState: Sendable {
    /// The association, as report control blocks know their owner.
    let id: ServerAssociationID
    /// The negotiated maximum MMS PDU size.
    let maxPDUSize: Int
    /// Association-specific datasets by name (without the `@`): shared with work the association's handlers finish
    /// later, which must see them as they are then, not as they were when the request arrived.
    let dataSets = AssociationDataSets()
}

/// An association's own (`@name`) datasets. Lock order: the reporting engine, then these (a DatSet write resolves a
/// name while the engine is held; a deletion checks the engine's use and removes while it is held).
final class AssociationDataSets: Sendable {
    private let lists = Mutex<[String: [MMSVariableSpecification]]>([:])

    /// The members of `name`.
    func members(_ name: String) -> [MMSVariableSpecification]? { lists.withLock { $0[name] } }

    /// The names.
    var names: [String] { lists.withLock { Array($0.keys) } }

    /// Adds `name` unless it exists or `limit` lists exist; the refusal, if any.
    func define(_ name: String, members: [MMSVariableSpecification], limit: Int) -> MMSServiceError? {
        lists.withLock { lists in
            guard lists[name] == nil else { return .objectExists }
            guard lists.count < limit else { return .capabilityUnavailable }
            lists[name] = members
            return nil
        }
    }

    /// Removes `name`; whether it was there.
    @discardableResult
    func remove(_ name: String) -> Bool { lists.withLock { $0.removeValue(forKey: name) != nil } }
}

/// A dataset's name as MMS and control blocks give it (IEC 61850-8-1 §13, §17): persistent in a logical device
/// (`LD/LN$Name`, MMS domain-specific), or the association's own (`@Name`, MMS aa-specific).
enum DataSetName: Sendable, Hashable {
    case persistent(domain: String, item: String)
    case association(String)

    /// The name of an MMS named variable list; `nil` for a VMD-specific name (not an IEC 61850 dataset).
    init?(_ name: MMSObjectName) {
        switch name {
        case .domainSpecific(let domain, let item): self = .persistent(domain: domain, item: item)
        case .aaSpecific(let item): self = .association(item)
        case .vmdSpecific: return nil
        }
    }

    /// A control block's DatSet value: `LD/LN$Name` or `@Name`.
    init?(reference text: String) {
        if text.hasPrefix("@") {
            self = .association(String(text.dropFirst()))
            return
        }
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        self = .persistent(domain: parts[0], item: parts[1])
    }

}

/// A dataset found by name.
struct ResolvedDataSet: Sendable {
    let members: [MMSVariableSpecification]
    let isDeletable: Bool
}

extension IEDServer {
    // MARK: Names

    /// The dataset `name` as `association` sees it (its own `@` datasets, the model's persistent ones); `nil` when
    /// there is none. The one place a dataset name becomes members.
    func resolve(_ name: DataSetName, lists: AssociationDataSets) -> ResolvedDataSet? {
        switch name {
        case .association(let item):
            return lists.members(item).map { ResolvedDataSet(members: $0, isDeletable: true) }
        case .persistent(let domain, let item):
            return withModel { $0.dataSet(domain: domain, name: item) }.map { ResolvedDataSet(members: $0.members, isDeletable: $0.isDeletable) }
        }
    }

    /// The named variable list `name` as `association` sees it; `nil` when there is none (or it is VMD-specific).
    func resolve(_ name: MMSObjectName, lists: AssociationDataSets) -> ResolvedDataSet? {
        DataSetName(name).flatMap { resolve($0, lists: lists) }
    }

    /// A lookup of DatSet values for the reporting engine, seeing `lists` as the writing association's datasets.
    func dataSetLookup(lists: AssociationDataSets) -> DataSetLookup {
        { [self] text in DataSetName(reference: text).flatMap { resolve($0, lists: lists)?.members } }
    }

    // MARK: The pipeline

    /// Answers one confirmed request of `association`.
    func route(_ request: MMSConfirmedRequest, invokeID: UInt32, association: ServerAssociationState) -> MMSServerResponse {
        func error(_ serviceError: MMSServiceError) -> MMSServerResponse { .now(.confirmedError(invokeID: invokeID, serviceError)) }
        switch request {
        case .read(_, let access):
            // GetDataSetValues (IEC 61850-8-1 §13.3.3): the members' values in order, each its own success or failure.
            guard let variables = variables(of: access, association: association) else { return error(.objectNonExistent) }
            return read(variables, invokeID: invokeID)

        case .write(let access, let values):
            // SetDataSetValues (§13.3.4): each member under the same rules as a single write.
            guard let variables = variables(of: access, association: association) else { return error(.objectNonExistent) }
            guard variables.count == values.count else { return .now(.reject(.confirmedRequest(invokeID: invokeID, reason: 4))) }
            let throughDataSet = if case .variableListName = access { true } else { false }
            return write(values, to: variables, invokeID: invokeID, association: association, controlBlocks: !throughDataSet)

        case .getNamedVariableListAttributes(let name):
            // GetDataSetDirectory (§13.3.5): configured datasets are not deletable, client-created ones are.
            guard let dataSet = resolve(name, lists: association.dataSets) else { return error(.objectNonExistent) }
            return .now(.confirmedResponse(invokeID: invokeID, .getNamedVariableListAttributes(deletable: dataSet.isDeletable, variables: dataSet.members)))

        case .getNameList(.namedVariableList, .association, let continueAfter):
            return .now(.confirmedResponse(invokeID: invokeID, ServerServices.page(association.dataSets.names, continueAfter: continueAfter,
                                                                                  maxPDUSize: association.maxPDUSize)))

        case .defineNamedVariableList(.aaSpecific(let name), let variables):
            // CreateDataSet (§13.3.6), association-specific.
            if let refusal = checkMembers(variables) { return error(refusal) }
            if let refusal = association.dataSets.define(name, members: variables, limit: configuration.maxAssociationDataSets) { return error(refusal) }
            return .now(.confirmedResponse(invokeID: invokeID, .defineNamedVariableList))

        case .deleteNamedVariableList(let names):
            // DeleteDataSet (§13.3.7): configured datasets and datasets a control block reports match but stay.
            var matched: UInt32 = 0
            var deleted: UInt32 = 0
            for name in names {
                switch DataSetName(name) {
                case .association(let item)?:
                    guard association.dataSets.members(item) != nil else { continue }
                    matched += 1
                    // Under the reporting engine's lock, like a persistent dataset's deletion.
                    if reportEngine.unlessUsing(dataSet: "@" + item, association: association.id, { association.dataSets.remove(item) }) { deleted += 1 }
                case .persistent(let domain, let item)?:
                    // Checked and removed while the reporting engine is held: a DatSet write cannot slip in between.
                    var outcome: (matched: Bool, deleted: Bool) = (false, false)
                    let free = reportEngine.unlessUsing(dataSet: "\(domain)/\(item)") {
                        outcome = withModel { model in
                            guard let index = model.dataSets.firstIndex(where: { $0.domain == domain && $0.name == item }) else { return (false, false) }
                            guard model.dataSets[index].isDeletable else { return (true, false) }
                            model.dataSets.remove(at: index)
                            return (true, true)
                        }
                    }
                    if !free { outcome = (withModel { $0.dataSet(domain: domain, name: item) != nil }, false) }
                    if outcome.matched { matched += 1 }
                    if outcome.deleted { deleted += 1 }
                case nil:
                    continue
                }
            }
            return .now(.confirmedResponse(invokeID: invokeID, .deleteNamedVariableList(matched: matched, deleted: deleted)))

        default:
            return .now(withModel { ServerServices.respond(to: request, invokeID: invokeID, model: &$0, configuration: configuration,
                                                           maxPDUSize: association.maxPDUSize) })
        }
    }

    /// The variables a Read or Write names: its list, or the members of the dataset it names (`nil`: no such dataset).
    private func variables(of access: MMSVariableAccessSpecification, association: ServerAssociationState) -> [MMSVariableSpecification]? {
        switch access {
        case .listOfVariables(let list): list
        case .variableListName(let name): resolve(name, lists: association.dataSets)?.members
        }
    }

    // MARK: Reads

    private func read(_ variables: [MMSVariableSpecification], invokeID: UInt32) -> MMSServerResponse {
        let hooks = readHooks()
        // One look at the model for every variable: a Read sees all of a batch update or none of it, also when handlers
        // decide about some of its variables afterwards.
        let (results, locations): ([AccessResult], [ServedModel.Location?]) = withModel { model in
            var results: [AccessResult] = []
            var locations: [ServedModel.Location?] = []
            results.reserveCapacity(variables.count)
            for variable in variables {
                let result = ServerServices.read(variable, in: model)
                results.append(result)
                guard !hooks.isEmpty, case .success = result, case .domainSpecific(let domain, let item) = variable.name else {
                    locations.append(nil)
                    continue
                }
                locations.append(model.find(domain: domain, item: item))
            }
            return (results, locations)
        }
        guard !hooks.isEmpty else { return .now(.confirmedResponse(invokeID: invokeID, .read(results))) }
        // Every handler whose reference covers any part of a variable decides about that part: the whole object, a
        // part of a structure read whole, each FC of a whole LN, the object behind an alternate access.
        var asks: [ReadAsk] = []
        for (position, variable) in variables.enumerated() {
            guard let location = locations[position], case .domainSpecific(let domain, let item) = variable.name else { continue }
            let (reference, fc) = ObjectReference.fromMMS(domain: domain, item: item)
            let parts = Self.hookedParts(hooks, prefix: \.prefix, reference: reference, fc: fc, type: location.type, value: location.value)
            guard !parts.isEmpty else { continue }
            asks.append(ReadAsk(position: position, access: variable.alternateAccess, type: location.type, value: location.value, parts: parts))
        }
        guard !asks.isEmpty else { return .now(.confirmedResponse(invokeID: invokeID, .read(results))) }
        return .later { [self, asks] in
            var results = results
            for ask in asks {
                var whole = ask.value
                var failure: DataAccessError?
                // Outer parts first, then the parts inside them; the first refusal ends the asking.
                for part in ask.parts {
                    guard failure == nil, let current = whole.component(at: part.indices[...]) else { continue }
                    switch await part.hook.handler(ReadRequest(reference: part.reference, fc: part.fc, current: current)) {
                    case .current:
                        break
                    case .value(let value):
                        guard (try? update(part.reference, fc: part.fc, to: value)) != nil else {
                            failure = .typeInconsistent
                            continue
                        }
                        whole.replaceComponent(at: part.indices[...], with: value)
                    case .reject(let error):
                        failure = error
                    }
                }
                if let failure {
                    results[ask.position] = .failure(failure)
                } else if let access = ask.access {
                    results[ask.position] = ServerServices.select((ask.type, whole), access.path[...]).map(AccessResult.success) ?? .failure(.objectNonExistent)
                } else {
                    results[ask.position] = .success(whole)
                }
            }
            return .confirmedResponse(invokeID: invokeID, .read(results))
        }
    }

    /// A read variable that handlers decide about: its whole value (before any alternate access) and the parts.
    private struct ReadAsk: Sendable {
        let position: Int
        let access: MMSAlternateAccess?
        let type: MMSTypeSpecification
        let value: MMSValue
        let parts: [HookedPart<ReadHook>]
    }

    // MARK: Which handlers decide

    /// A part of a variable a handler decides about: the handler, the part's reference and FC, where it sits in the
    /// variable's value (component indices; empty for all of it), and its value when the request arrived.
    struct HookedPart<Hook: Sendable>: Sendable {
        let hook: Hook
        let reference: ObjectReference
        let fc: FunctionalConstraint
        let indices: [Int]
        let value: MMSValue
    }

    /// The handlers that decide about the variable `reference` under `fc` (`nil`: a whole LN, decided FC by FC; the
    /// report control blocks' FCs RP and BR are the reporting engine's and left out): every handler whose reference
    /// contains the variable decides about all of it, every handler whose reference lies inside it about that part.
    /// Outer parts come first, each level in the order the handlers were added.
    static func hookedParts<Hook: Sendable>(_ hooks: [Hook], prefix: (Hook) -> ObjectReference?, reference: ObjectReference,
                                            fc: FunctionalConstraint?, type: MMSTypeSpecification, value: MMSValue) -> [HookedPart<Hook>] {
        guard let fc else {
            // A whole LN: each FC component is the variable `LN$FC`.
            guard case .structure(let components, _) = type, case .structure(let values) = value else { return [] }
            var parts: [HookedPart<Hook>] = []
            for (index, component) in components.enumerated() where index < values.count {
                guard let componentFC = FunctionalConstraint(rawValue: component.name), componentFC != .RP, componentFC != .BR else { continue }
                for part in hookedParts(hooks, prefix: prefix, reference: reference, fc: componentFC, type: component.type, value: values[index]) {
                    parts.append(HookedPart(hook: part.hook, reference: part.reference, fc: part.fc, indices: [index] + part.indices, value: part.value))
                }
            }
            return parts
        }
        var parts: [HookedPart<Hook>] = []
        for hook in hooks {
            let covered = prefix(hook)
            if covered?.contains(reference) ?? true {
                parts.append(HookedPart(hook: hook, reference: reference, fc: fc, indices: [], value: value))
            } else if let inner = covered, inner.path.count > reference.path.count, reference.contains(inner),
                      let found = locateComponents(inner.path[reference.path.count...], in: type, value) {
                parts.append(HookedPart(hook: hook, reference: inner, fc: fc, indices: found.indices, value: found.value))
            }
        }
        // Stable: outer before inner, registration order within a level.
        return parts.enumerated().sorted { ($0.element.indices.count, $0.offset) < ($1.element.indices.count, $1.offset) }.map(\.element)
    }

    // MARK: Writes

    /// Where one written variable goes.
    /// What the application's handlers decided about one written variable.
    private enum VariableDecision: Sendable {
        /// Store it, except the parts (component indices) a handler accepted without storing.
        case accept(withholding: [[Int]])
        /// A handler of the whole variable applies it itself.
        case acceptWithoutStoring
        case reject(DataAccessError)
    }

    private enum WriteStep: Sendable {
        /// A report control block attribute: the reporting engine's (IEC 61850-7-2 §17.2 write rules).
        case reportControl(block: Int, attribute: String?)
        /// A model attribute that passed the existence, FC and type checks; the application may still decide.
        case model(domain: String, item: String, reference: ObjectReference, fc: FunctionalConstraint, type: MMSTypeSpecification)
        /// Refused by the checks.
        case refused(DataAccessError)
    }

    /// `controlBlocks`: whether report control block attributes among the variables go to the reporting engine (a
    /// Write of variables) or are refused like any RP/BR value (SetDataSetValues: a dataset is data, not control).
    private func write(_ values: [MMSValue], to variables: [MMSVariableSpecification], invokeID: UInt32,
                       association: ServerAssociationState, controlBlocks: Bool) -> MMSServerResponse {
        var steps: [WriteStep] = []
        steps.reserveCapacity(variables.count)
        for (variable, value) in zip(variables, values) {
            guard case .domainSpecific(let domain, let item) = variable.name else {
                steps.append(.refused(.objectNonExistent))
                continue
            }
            if variable.alternateAccess == nil, let target = reportEngine.target(domain: domain, item: item) {
                steps.append(controlBlocks ? .reportControl(block: target.block, attribute: target.attribute) : .refused(.objectAccessDenied))
                continue
            }
            switch withModel({ ServerServices.validateWrite(variable, value, model: $0, configuration: configuration) }) {
            case .failure(let error):
                steps.append(.refused(error))
            case .success(let location):
                let (reference, fc) = ObjectReference.fromMMS(domain: domain, item: item)
                guard let fc else {
                    steps.append(.refused(.objectAccessDenied))
                    continue
                }
                steps.append(.model(domain: domain, item: item, reference: reference, fc: fc, type: location.type))
            }
        }
        // Every handler whose reference covers any part of a written variable decides about that part: writing a
        // structure does not get around a handler on one of its attributes.
        let hooks = writeHooks()
        var asks: [(position: Int, parts: [HookedPart<WriteHook>])] = []
        if !hooks.isEmpty {
            for (position, step) in steps.enumerated() {
                guard case .model(_, _, let reference, let fc, let type) = step else { continue }
                let parts = Self.hookedParts(hooks, prefix: \.prefix, reference: reference, fc: fc, type: type, value: values[position])
                if !parts.isEmpty { asks.append((position, parts)) }
            }
        }
        let lists = association.dataSets
        let id = association.id
        guard !asks.isEmpty else {
            return .now(applyWrites(steps, values: values, decisions: [:], association: id, lists: lists, invokeID: invokeID))
        }
        return .later { [self, asks, steps] in
            var decisions: [Int: VariableDecision] = [:]
            for ask in asks {
                // One decision per variable, outer parts first: the first refusal refuses it and ends the asking; a part
                // accepted without storing keeps the model's value there (the whole of it, for an outer handler).
                var withheld: [[Int]] = []
                var whole = true
                var refusal: DataAccessError?
                for part in ask.parts where refusal == nil {
                    switch await part.hook.handler(WriteRequest(reference: part.reference, fc: part.fc, value: part.value)) {
                    case .accept: break
                    case .acceptWithoutStoring: if part.indices.isEmpty { whole = false } else { withheld.append(part.indices) }
                    case .reject(let error): refusal = error
                    }
                }
                decisions[ask.position] = refusal.map(VariableDecision.reject) ?? (whole ? .accept(withholding: withheld) : .acceptWithoutStoring)
            }
            return applyWrites(steps, values: values, decisions: decisions, association: id, lists: lists, invokeID: invokeID)
        }
    }

    /// Carries out the writes in request order, each as its owner and the application decided. A run of model writes
    /// is stored under one lock (a reader sees all of it or none of it) and its changes go to the change bus together,
    /// before the next control-block write.
    private func applyWrites(_ steps: [WriteStep], values: [MMSValue], decisions: [Int: VariableDecision], association: ServerAssociationID,
                             lists: AssociationDataSets, invokeID: UInt32) -> MMSPDU {
        var results = [DataAccessError?](repeating: nil, count: steps.count)
        var position = 0
        while position < steps.count {
            if case .reportControl(let block, let attribute) = steps[position] {
                results[position] = reportEngine.write(block: block, attribute: attribute, value: values[position], association: association,
                                                       server: self, dataSets: dataSetLookup(lists: lists))
                position += 1
                continue
            }
            var end = position
            while end < steps.count {
                if case .reportControl = steps[end] { break }
                end += 1
            }
            let run = position..<end
            let changes: [ValueChange] = withModel { model in
                var changes: [ValueChange] = []
                for index in run {
                    switch steps[index] {
                    case .refused(let error):
                        results[index] = error
                    case .model(let domain, let item, _, _, _):
                        switch decisions[index] ?? .accept(withholding: []) {
                        case .accept(let withheld):
                            let location = model.find(domain: domain, item: item)
                            var value = values[index]
                            // Parts a handler applies itself keep the model's value.
                            for indices in withheld {
                                if let current = location?.value.component(at: indices[...]) {
                                    value.replaceComponent(at: indices[...], with: current)
                                }
                            }
                            switch store(value, at: location, in: &model, domain: domain, item: item) {
                            case .success(let change): if let change { changes.append(change) }
                            case .failure(let error): results[index] = error
                            }
                        case .acceptWithoutStoring:
                            break
                        case .reject(let error):
                            results[index] = error
                        }
                    case .reportControl:
                        break
                    }
                }
                return changes
            }
            changeBus.publish(changes, server: self)
            position = end
        }
        return .confirmedResponse(invokeID: invokeID, .write(results))
    }
}
