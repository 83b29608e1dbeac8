// The server's one request pipeline. Every confirmed request goes through `IEDServer.route`:
//   resolve names (a dataset to its members, once, here) → split per variable → route each to its owner (a report
//   control block's attributes to the reporting engine; everything else to the model, through the application's
//   onRead/onWrite handlers) → assemble one response.
// There is no other way to a value: a variable's handler decides whatever else the request carries.

/// What the router keeps of one association: its own (`@name`) datasets, which live and die with it
/// (IEC 61850-7-2 §13.1), and what was negotiated. Its channel handler owns it and hands it in with each request.
struct ServerAssociationState: Sendable {
    /// The association, as report control blocks know their owner.
    let id: ObjectIdentifier
    /// The negotiated maximum MMS PDU size.
    var maxPDUSize: Int
    /// Association-specific datasets by name (without the `@`).
    var dataSets: [String: [MMSVariableSpecification]] = [:]
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

    /// The DatSet form.
    var reference: String {
        switch self {
        case .persistent(let domain, let item): "\(domain)/\(item)"
        case .association(let item): "@\(item)"
        }
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
    func resolve(_ name: DataSetName, lists: [String: [MMSVariableSpecification]]) -> ResolvedDataSet? {
        switch name {
        case .association(let item):
            return lists[item].map { ResolvedDataSet(members: $0, isDeletable: true) }
        case .persistent(let domain, let item):
            return withModel { $0.dataSet(domain: domain, name: item) }.map { ResolvedDataSet(members: $0.members, isDeletable: $0.isDeletable) }
        }
    }

    /// A lookup of DatSet values for the reporting engine, seeing `lists` as the writing association's datasets.
    func dataSetLookup(lists: [String: [MMSVariableSpecification]]) -> DataSetLookup {
        { [self] text in DataSetName(reference: text).flatMap { resolve($0, lists: lists)?.members } }
    }

    // MARK: The pipeline

    /// Answers one confirmed request of `association`.
    func route(_ request: MMSConfirmedRequest, invokeID: UInt32, association: inout ServerAssociationState) -> MMSServerResponse {
        func error(_ serviceError: MMSServiceError) -> MMSServerResponse { .now(.confirmedError(invokeID: invokeID, serviceError)) }
        switch request {
        case .read(_, let access):
            let variables: [MMSVariableSpecification]
            switch access {
            case .listOfVariables(let list): variables = list
            case .variableListName(let name):
                // GetDataSetValues (IEC 61850-8-1 §13.3.3): the members' values in order, each its own success or failure.
                guard let dataSet = DataSetName(name).flatMap({ resolve($0, lists: association.dataSets) }) else { return error(.objectNonExistent) }
                variables = dataSet.members
            }
            return read(variables, invokeID: invokeID)

        case .write(let access, let values):
            let variables: [MMSVariableSpecification]
            switch access {
            case .listOfVariables(let list): variables = list
            case .variableListName(let name):
                // SetDataSetValues (§13.3.4): each member under the same rules as a single write.
                guard let dataSet = DataSetName(name).flatMap({ resolve($0, lists: association.dataSets) }) else { return error(.objectNonExistent) }
                variables = dataSet.members
            }
            guard variables.count == values.count else { return .now(.reject(.confirmedRequest(invokeID: invokeID, reason: 4))) }
            return write(values, to: variables, invokeID: invokeID, association: association)

        case .getNamedVariableListAttributes(let name):
            // GetDataSetDirectory (§13.3.5): configured datasets are not deletable, client-created ones are.
            guard let dataSet = DataSetName(name).flatMap({ resolve($0, lists: association.dataSets) }) else { return error(.objectNonExistent) }
            return .now(.confirmedResponse(invokeID: invokeID, .getNamedVariableListAttributes(deletable: dataSet.isDeletable, variables: dataSet.members)))

        case .getNameList(.namedVariableList, .association, let continueAfter):
            return .now(.confirmedResponse(invokeID: invokeID, ServerServices.page(Array(association.dataSets.keys), continueAfter: continueAfter,
                                                                                  maxPDUSize: association.maxPDUSize)))

        case .defineNamedVariableList(.aaSpecific(let name), let variables):
            // CreateDataSet (§13.3.6), association-specific.
            guard association.dataSets[name] == nil else { return error(.objectExists) }
            guard association.dataSets.count < configuration.maxAssociationDataSets else { return error(.capabilityUnavailable) }
            if let refusal = checkMembers(variables) { return error(refusal) }
            association.dataSets[name] = variables
            return .now(.confirmedResponse(invokeID: invokeID, .defineNamedVariableList))

        case .deleteNamedVariableList(let names):
            // DeleteDataSet (§13.3.7): configured datasets and datasets a control block reports match but stay.
            var matched: UInt32 = 0
            var deleted: UInt32 = 0
            for name in names {
                switch DataSetName(name) {
                case .association(let item)?:
                    guard association.dataSets[item] != nil else { continue }
                    matched += 1
                    if !reportEngine.isUsing(dataSet: "@" + item, association: association.id) {
                        association.dataSets.removeValue(forKey: item)
                        deleted += 1
                    }
                case .persistent(let domain, let item)?:
                    let inUse = reportEngine.isUsing(dataSet: "\(domain)/\(item)")
                    let outcome: (matched: Bool, deleted: Bool) = withModel { model in
                        guard let index = model.dataSets.firstIndex(where: { $0.domain == domain && $0.name == item }) else { return (false, false) }
                        guard model.dataSets[index].isDeletable, !inUse else { return (true, false) }
                        model.dataSets.remove(at: index)
                        return (true, true)
                    }
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

    // MARK: Reads

    private func read(_ variables: [MMSVariableSpecification], invokeID: UInt32) -> MMSServerResponse {
        let results = read(variables)
        let hooks = readHooks()
        guard !hooks.isEmpty else { return .now(.confirmedResponse(invokeID: invokeID, .read(results))) }
        // The variables an application handler decides about.
        var asks: [(position: Int, hook: ReadHook, request: ReadRequest)] = []
        for (position, variable) in variables.enumerated() {
            guard case .success(let current) = results[position], variable.alternateAccess == nil,
                  case .domainSpecific(let domain, let item) = variable.name else { continue }
            let (reference, fc) = ObjectReference.fromMMS(domain: domain, item: item)
            guard let fc, let hook = hooks.last(where: { $0.prefix?.contains(reference) ?? true }) else { continue }
            asks.append((position, hook, ReadRequest(reference: reference, fc: fc, current: current)))
        }
        guard !asks.isEmpty else { return .now(.confirmedResponse(invokeID: invokeID, .read(results))) }
        return .later { [self, asks] in
            var results = results
            for ask in asks {
                switch await ask.hook.handler(ask.request) {
                case .current:
                    break
                case .value(let value):
                    let stored = (try? update(ask.request.reference, fc: ask.request.fc, to: value)) != nil
                    results[ask.position] = stored ? .success(value) : .failure(.typeInconsistent)
                case .reject(let error):
                    results[ask.position] = .failure(error)
                }
            }
            return .confirmedResponse(invokeID: invokeID, .read(results))
        }
    }

    // MARK: Writes

    /// Where one written variable goes.
    private enum WriteStep: Sendable {
        /// A report control block attribute: the reporting engine's (IEC 61850-7-2 §17.2 write rules).
        case reportControl(block: Int, attribute: String?)
        /// A model attribute that passed the existence, FC and type checks; the application may still decide.
        case model(domain: String, item: String, reference: ObjectReference, fc: FunctionalConstraint)
        /// Refused by the checks.
        case refused(DataAccessError)
    }

    private func write(_ values: [MMSValue], to variables: [MMSVariableSpecification], invokeID: UInt32,
                       association: ServerAssociationState) -> MMSServerResponse {
        var steps: [WriteStep] = []
        steps.reserveCapacity(variables.count)
        for (variable, value) in zip(variables, values) {
            guard case .domainSpecific(let domain, let item) = variable.name else {
                steps.append(.refused(.objectNonExistent))
                continue
            }
            if variable.alternateAccess == nil, let target = reportEngine.target(domain: domain, item: item) {
                steps.append(.reportControl(block: target.block, attribute: target.attribute))
                continue
            }
            switch withModel({ ServerServices.validateWrite(variable, value, model: $0, configuration: configuration) }) {
            case .failure(let error):
                steps.append(.refused(error))
            case .success:
                let (reference, fc) = ObjectReference.fromMMS(domain: domain, item: item)
                guard let fc else {
                    steps.append(.refused(.objectAccessDenied))
                    continue
                }
                steps.append(.model(domain: domain, item: item, reference: reference, fc: fc))
            }
        }
        let hooks = writeHooks()
        var asks: [(position: Int, hook: WriteHook)] = []
        if !hooks.isEmpty {
            for (position, step) in steps.enumerated() {
                guard case .model(_, _, let reference, _) = step, let hook = hooks.last(where: { $0.prefix?.contains(reference) ?? true }) else { continue }
                asks.append((position, hook))
            }
        }
        let lists = association.dataSets
        let id = association.id
        guard !asks.isEmpty else {
            return .now(applyWrites(steps, values: values, decisions: [:], association: id, lists: lists, invokeID: invokeID))
        }
        return .later { [self, asks, steps] in
            var decisions: [Int: WriteDecision] = [:]
            for ask in asks {
                guard case .model(_, _, let reference, let fc) = steps[ask.position] else { continue }
                decisions[ask.position] = await ask.hook.handler(WriteRequest(reference: reference, fc: fc, value: values[ask.position]))
            }
            return applyWrites(steps, values: values, decisions: decisions, association: id, lists: lists, invokeID: invokeID)
        }
    }

    /// Carries out the writes in request order, each as its owner and the application decided; changes of the model
    /// go to the change bus together, once.
    private func applyWrites(_ steps: [WriteStep], values: [MMSValue], decisions: [Int: WriteDecision], association: ObjectIdentifier,
                             lists: [String: [MMSVariableSpecification]], invokeID: UInt32) -> MMSPDU {
        var results: [DataAccessError?] = []
        results.reserveCapacity(steps.count)
        var changes: [ValueChange] = []
        for (position, step) in steps.enumerated() {
            switch step {
            case .refused(let error):
                results.append(error)
            case .reportControl(let block, let attribute):
                results.append(reportEngine.write(block: block, attribute: attribute, value: values[position], association: association,
                                                  server: self, dataSets: dataSetLookup(lists: lists)))
            case .model(let domain, let item, _, _):
                switch decisions[position] ?? .accept {
                case .accept:
                    switch store(values[position], domain: domain, item: item) {
                    case .success(let change):
                        changes.append(change)
                        results.append(nil)
                    case .failure(let error):
                        results.append(error)
                    }
                case .acceptWithoutStoring:
                    results.append(nil)
                case .reject(let error):
                    results.append(error)
                }
            }
        }
        changeBus.publish(changes, server: self)
        return .confirmedResponse(invokeID: invokeID, .write(results))
    }
}
