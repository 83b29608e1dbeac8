// Stage two of SCL loading: type references resolved (cycles detected), instance values applied over type
// defaults, enumerations mapped, dataset members and control block datasets checked. Every failure is
// collected with its location and element path; tolerated deviations become warnings.

import IEC61850Model

/// Limits that keep resolution bounded on hostile files.
public struct SCLResolutionLimits: Sendable, Hashable {
    /// The deepest nesting of types (DO → SDO → DA → BDA …) accepted. Real models need under 10.
    public var maxTypeDepth: Int
    /// The most nodes (data objects and attributes, array elements included) one IED may expand to.
    public var maxNodes: Int
    /// The largest array (`count`) accepted.
    public var maxArrayCount: Int

    /// Defaults: depth 64, 500 000 nodes, arrays up to 65 535 elements.
    public init(maxTypeDepth: Int = 64, maxNodes: Int = 500_000, maxArrayCount: Int = 65_535) {
        self.maxTypeDepth = maxTypeDepth
        self.maxNodes = maxNodes
        self.maxArrayCount = maxArrayCount
    }
}

/// The outcome of ``SCLDocument/validate(_:limits:)``.
public struct SCLValidationReport: Sendable, Hashable {
    /// Errors: the file does not describe a usable model.
    public var errors: [SCLError]
    /// Tolerated deviations.
    public var warnings: [SCLWarning]
    /// `true` when there are no errors.
    public var isValid: Bool { errors.isEmpty }
}

/// How much ``SCLDocument/validate(_:limits:)`` checks.
public enum SCLValidationScope: Sendable, Hashable {
    /// Cross references only: every type of the templates (used or not) for unknown references and cycles, every
    /// LN's LNodeType, every control block's dataset, unique LD, LN and dataset names. Nothing is instantiated, so
    /// this is cheap even for a large SCD.
    case references
    /// Everything: ``references``, and every IED access point with a server instantiated, which also checks
    /// instance values (DOI/SDI/DAI against their types, enumerations, value syntax), arrays, the node limits and
    /// every dataset member.
    case full
}

extension SCLDocument {
    /// Checks the document, collecting every error and warning.
    /// - Parameter scope: ``SCLValidationScope/full`` (the default) or ``SCLValidationScope/references``.
    public func validate(_ scope: SCLValidationScope = .full, limits: SCLResolutionLimits = .init()) -> SCLValidationReport {
        var resolver = SCLResolver(document: self, limits: limits)
        resolver.checkTemplates()
        for ied in ieds {
            for accessPoint in ied.accessPoints where accessPoint.server != nil {
                switch scope {
                case .references: resolver.checkReferences(ied: ied, accessPoint: accessPoint)
                case .full: _ = resolver.resolve(ied: ied, accessPoint: accessPoint)
                }
            }
        }
        return SCLValidationReport(errors: resolver.errors, warnings: resolver.warnings)
    }

    /// The resolved model of one IED access point.
    /// - Parameters:
    ///   - ied: the IED name; `nil` takes the first IED.
    ///   - accessPoint: the access point name; `nil` takes the IED's first access point with a server.
    ///   - warnings: tolerated deviations are appended here.
    ///   - strict: when `true`, any resolution error fails the load; when `false` (the default) the parts that cannot be
    ///     built (an LN whose LNodeType is missing, an attribute whose DAType is missing…) are left out and their errors
    ///     are appended to `warnings`, so one broken LN does not hide the rest of a device. Type cycles and the
    ///     ``SCLResolutionLimits`` always fail the load.
    /// - Throws: the first ``SCLError`` that fails the load (use ``validate(_:limits:)`` to see them all).
    public func iedModel(ied: String? = nil, accessPoint: String? = nil, limits: SCLResolutionLimits = .init(), strict: Bool = false,
                         warnings: inout [SCLWarning]) throws(SCLError) -> IEDModel {
        guard let chosen = ied.map({ name in ieds.first { $0.name == name } }) ?? ieds.first else {
            let names = ieds.map(\.name)
            throw SCLError(.unresolvedReference, ied.map { "there is no IED '\($0)'" + (names.isEmpty ? "" : "; the file has \(names.joined(separator: ", "))") }
                           ?? "the file has no IED", path: "SCL", attribute: nil)
        }
        let point = accessPoint.map { name in chosen.accessPoints.first { $0.name == name } }
            ?? chosen.accessPoints.first { $0.server != nil }
        guard let point, point.server != nil else {
            throw SCLError(.unresolvedReference, accessPoint.map { "IED '\(chosen.name)' has no access point '\($0)' with a server" }
                           ?? "IED '\(chosen.name)' has no access point with a server", location: chosen.location,
                           path: SCLPath.segment("SCL/IED", ["name": chosen.name]))
        }
        var resolver = SCLResolver(document: self, limits: limits)
        resolver.checkTemplates()
        let model = resolver.resolve(ied: chosen, accessPoint: point)
        warnings += resolver.warnings
        let fatal: Set<SCLError.Kind> = [.typeCycle, .tooDeep, .tooLarge]
        if let first = resolver.errors.first(where: { strict || fatal.contains($0.kind) }) { throw first }
        warnings += resolver.errors
        return model
    }

    /// The resolved model of one IED access point, discarding warnings (see ``iedModel(ied:accessPoint:limits:strict:warnings:)``).
    public func iedModel(ied: String? = nil, accessPoint: String? = nil, limits: SCLResolutionLimits = .init(), strict: Bool = false) throws(SCLError) -> IEDModel {
        var warnings: [SCLWarning] = []
        return try iedModel(ied: ied, accessPoint: accessPoint, limits: limits, strict: strict, warnings: &warnings)
    }
}

struct SCLResolver {
    let document: SCLDocument
    let limits: SCLResolutionLimits
    private(set) var errors: [SCLError] = []
    private(set) var warnings: [SCLWarning] = []
    private var reported: Set<String> = []
    private var lnodeTypes: [String: SCLLNodeType] = [:]
    /// Each LNodeType's lnClass and whether the type has been expanded: what the references check needs, in one
    /// look-up that copies no type.
    private var lnodeTypeUse: [String: (lnClass: String, expanded: Bool)] = [:]
    private var doTypes: [String: SCLDOType] = [:]
    private var daTypes: [String: SCLDAType] = [:]
    private var enumerations: [String: [String: Int]] = [:]
    /// Types found in a cycle or with unknown references: never expanded.
    private var brokenTypes: Set<String> = []
    private var nodes = 0
    private var templatesChecked = false

    private static let templatesPath = "SCL/DataTypeTemplates"

    init(document: SCLDocument, limits: SCLResolutionLimits) {
        self.document = document
        self.limits = limits
        guard let templates = document.dataTypeTemplates else { return }
        for type in templates.lNodeTypes {
            if lnodeTypes[type.id] != nil {
                duplicate("LNodeType", type.id, type.location)
            } else {
                lnodeTypes[type.id] = type
                lnodeTypeUse[type.id] = (type.lnClass, false)
            }
        }
        for type in templates.doTypes {
            if doTypes[type.id] != nil { duplicate("DOType", type.id, type.location) } else { doTypes[type.id] = type }
        }
        for type in templates.daTypes {
            if daTypes[type.id] != nil { duplicate("DAType", type.id, type.location) } else { daTypes[type.id] = type }
        }
        for type in templates.enumTypes {
            if enumerations[type.id] != nil { duplicate("EnumType", type.id, type.location); continue }
            var map: [String: Int] = [:]
            for value in type.values where map[value.literal] == nil { map[value.literal] = value.ord }
            enumerations[type.id] = map
        }
    }

    private mutating func duplicate(_ element: String, _ id: String, _ location: SCLSourceLocation) {
        warnings.append(SCLWarning(.duplicate, "a second \(element) with id '\(id)'; ids must be unique, the first definition is used", location: location,
                                   path: Self.templatesPath + "/" + SCLPath.segment(element, ["id": id]), attribute: "id"))
    }

    private mutating func error(_ kind: SCLError.Kind, _ message: String, _ location: SCLSourceLocation, _ path: String, _ attribute: String? = nil) {
        let error = SCLError(kind, message, location: location, path: path, attribute: attribute)
        if reported.insert(error.description).inserted { errors.append(error) }
    }

    private mutating func warn(_ kind: SCLError.Kind, _ message: String, _ location: SCLSourceLocation, _ path: String, _ attribute: String? = nil) {
        let warning = SCLWarning(kind, message, location: location, path: path, attribute: attribute)
        if reported.insert("w" + warning.description).inserted { warnings.append(warning) }
    }

    // MARK: Templates

    /// Checks every LNodeType, DOType and DAType for unknown references (warnings: an unused type may be broken), and
    /// DOTypes and DATypes for cycles (errors), without recursion (a chain of many
    /// distinct types cannot exhaust the stack).
    mutating func checkTemplates() {
        guard !templatesChecked else { return }
        templatesChecked = true
        // Graph nodes: DATypes then DOTypes, each sorted by id (the order in which cycles are looked for, so that the
        // same cycle is always reported the same way), numbered; edges to the types they reference, with the
        // referencing element (its path is built only for a message: one per child was half the cost of loading a
        // small ICD).
        struct Edge {
            var target: Int
            var location: SCLSourceLocation
            var owner: (element: String, id: String)
            var child: (element: String, name: String)
            var path: String { SCLResolver.templatePath(owner.element, owner.id, child.element, child.name) }
        }
        let daIDs = daTypes.keys.sorted()
        let doIDs = doTypes.keys.sorted()
        var daNode = [String: Int](minimumCapacity: daIDs.count)
        var doNode = [String: Int](minimumCapacity: doIDs.count)
        for (node, id) in daIDs.enumerated() { daNode[id] = node }
        for (node, id) in doIDs.enumerated() { doNode[id] = daIDs.count + node }
        let ids = daIDs + doIDs
        func isDOType(_ node: Int) -> Bool { node >= daIDs.count }
        var edges = [[Edge]](repeating: [], count: ids.count)
        // In id order, so that warnings come in the same order on every run (dictionary order is seeded per process).
        for (offset, id) in doIDs.enumerated() {
            guard let type = doTypes[id] else { continue }
            let node = daIDs.count + offset
            for child in type.children {
                switch child {
                case .subDataObject(let sdo):
                    if let target = doNode[sdo.type] {
                        edges[node].append(Edge(target: target, location: sdo.location, owner: ("DOType", id), child: ("SDO", sdo.name)))
                    } else {
                        warn(.unknownType, "SDO '\(sdo.name)' refers to DOType '\(sdo.type)', which does not exist", sdo.location,
                             Self.templatePath("DOType", id, "SDO", sdo.name), "type")
                    }
                case .dataAttribute(let da):
                    if da.fc == nil { warn(.missingAttribute, "DA '\(da.name)' has no fc", da.location, Self.templatePath("DOType", id, "DA", da.name), "fc") }
                    if let type = attributeType(da, path: Self.templatePath("DOType", id, "DA", da.name)), let target = daNode[type] {
                        edges[node].append(Edge(target: target, location: da.location, owner: ("DOType", id), child: ("DA", da.name)))
                    }
                }
            }
        }
        for (node, id) in daIDs.enumerated() {
            guard let type = daTypes[id] else { continue }
            for bda in type.attributes {
                if let type = attributeType(bda, path: Self.templatePath("DAType", id, "BDA", bda.name)), let target = daNode[type] {
                    edges[node].append(Edge(target: target, location: bda.location, owner: ("DAType", id), child: ("BDA", bda.name)))
                }
            }
        }
        for id in lnodeTypes.keys.sorted() {
            guard let type = lnodeTypes[id] else { continue }
            for definition in type.dataObjects where doTypes.index(forKey: definition.type) == nil {
                warn(.unknownType, "DO '\(definition.name)' refers to DOType '\(definition.type)', which does not exist", definition.location,
                     Self.templatePath("LNodeType", id, "DO", definition.name), "type")
            }
        }
        // Iterative depth-first search with colours; a grey target closes a cycle.
        var colour = [UInt8](repeating: 0, count: ids.count)  // 0 white, 1 grey, 2 black
        for start in ids.indices where colour[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            colour[start] = 1
            while let top = stack.last {
                let list = edges[top.node]
                if top.next >= list.count {
                    colour[top.node] = 2
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let edge = list[top.next]
                switch colour[edge.target] {
                case 0:
                    colour[edge.target] = 1
                    stack.append((edge.target, 0))
                case 1:
                    let cycleStart = stack.firstIndex { $0.node == edge.target } ?? 0
                    let members = stack[cycleStart...].map(\.node)
                    let names = (members + [edge.target]).map { ids[$0] }
                    let what = members.count == 1 ? "refers to itself" : "refers to itself through \(names.dropFirst().dropLast().map { "'\($0)'" }.joined(separator: ", "))"
                    error(.typeCycle, "\(isDOType(edge.target) ? "DOType" : "DAType") '\(names[0])' \(what) (\(names.joined(separator: " → ")))",
                          edge.location, edge.path, "type")
                    brokenTypes.formUnion(members.map { (isDOType($0) ? "DO:" : "DA:") + ids[$0] })
                default:
                    continue
                }
            }
        }
    }

    /// The DAType a Struct DA/BDA references (checking that it exists, as for an Enum's EnumType).
    private mutating func attributeType(_ attribute: SCLDataAttributeDefinition, path: @autoclosure () -> String) -> String? {
        guard let bType = SCLBasicType(rawValue: attribute.bType) else {
            warn(.invalidValue, "'\(attribute.bType)' is not an SCL basic type", attribute.location, path(), "bType")
            return nil
        }
        switch bType {
        case .structure:
            guard let type = attribute.type, daTypes.index(forKey: type) != nil else {
                warn(.unknownType, "Struct attribute '\(attribute.name)' refers to DAType '\(attribute.type ?? "")', which does not exist",
                     attribute.location, path(), "type")
                return nil
            }
            return type
        case .enumerated:
            if attribute.type.flatMap({ enumerations.index(forKey: $0) }) == nil {
                warn(.unknownType, "Enum attribute '\(attribute.name)' refers to EnumType '\(attribute.type ?? "")', which does not exist; values must be ordinals",
                     attribute.location, path(), "type")
            }
            return nil
        default:
            return nil
        }
    }

    // MARK: IED

    mutating func resolve(ied: SCLIED, accessPoint: SCLAccessPoint) -> IEDModel {
        checkTemplates()
        nodes = 0
        let apPath = "SCL/" + SCLPath.segment("IED", ["name": ied.name]) + "/" + SCLPath.segment("AccessPoint", ["name": accessPoint.name]) + "/Server"
        var devices: [IEDModel.LogicalDevice] = []
        var seenDevices: Set<String> = []
        for device in accessPoint.server?.lDevices ?? [] {
            // Paths are built only for messages; their closures capture strings, not the (large) elements.
            let deviceInst = device.inst
            func ldPath() -> String { apPath + "/" + SCLPath.segment("LDevice", ["inst": deviceInst]) }
            let name = device.ldName ?? (ied.name + device.inst)
            guard seenDevices.insert(name).inserted else {
                error(.duplicate, "a second logical device named '\(name)'", device.location, ldPath(), "inst")
                continue
            }
            var nodes: [IEDModel.LogicalNode] = []
            var seenNodes: Set<String> = []
            if device.ln0 == nil { warn(.missingAttribute, "the logical device has no LN0", device.location, ldPath()) }
            for position in (device.ln0 == nil ? 0 : -1)..<device.lns.count {
                guard let ln = position < 0 ? device.ln0 : device.lns[position] else { continue }
                let segment = SCLPath.segment(position < 0 ? "LN0" : "LN", ["prefix": ln.prefix, "lnClass": ln.lnClass, "inst": ln.inst])
                func lnPath() -> String { ldPath() + "/" + segment }
                guard seenNodes.insert(ln.name).inserted else {
                    error(.duplicate, "a second logical node named '\(ln.name)'", ln.location, lnPath())
                    continue
                }
                if let node = logicalNode(ln, path: lnPath) { nodes.append(node) }
            }
            devices.append(IEDModel.LogicalDevice(inst: device.inst, name: name, desc: device.desc, logicalNodes: nodes))
        }
        var model = IEDModel(name: ied.name, accessPoint: accessPoint.name, manufacturer: ied.manufacturer, type: ied.type,
                             configVersion: ied.configVersion, logicalDevices: devices)
        checkDataSets(&model, ied: ied, accessPoint: accessPoint, apPath: apPath)
        return model
    }

    private mutating func logicalNode(_ ln: SCLLogicalNode, path: () -> String) -> IEDModel.LogicalNode? {
        guard let type = lnodeTypes[ln.lnType] else {
            error(.unknownType, "LN '\(ln.name)' refers to LNodeType '\(ln.lnType)', which does not exist", ln.location, path(), "lnType")
            return nil
        }
        if type.lnClass != ln.lnClass {
            warn(.invalidValue, "LN class '\(ln.lnClass)' differs from its LNodeType's '\(type.lnClass)'", ln.location, path(), "lnClass")
        }
        let expansion = expandLNodeType(type)
        guard spend(expansion.nodes, ln.location, path()) else { return nil }
        var objects = expansion.children
        for instance in ln.dataInstances {
            let instanceName = instance.name
            func doiPath() -> String { path() + "/" + SCLPath.segment("DOI", ["name": instanceName]) }
            guard let index = objects.firstIndex(where: { $0.name == instance.name }) else {
                warn(.unresolvedReference, "DOI '\(instance.name)' names no data object of LNodeType '\(type.id)'; its values are ignored",
                     instance.location, doiPath(), "name")
                continue
            }
            apply(instance, to: &objects[index], path: doiPath)
        }
        return IEDModel.LogicalNode(prefix: ln.prefix ?? "", lnClass: ln.lnClass, inst: ln.inst, lnType: ln.lnType, desc: ln.desc,
                                    dataObjects: objects, dataSets: [], reportControls: ln.reportControls, logControls: ln.logControls,
                                    logs: ln.logs, gseControls: ln.gseControls, sampledValueControls: ln.sampledValueControls,
                                    settingControl: ln.settingControl)
    }

    /// The data objects of an LNodeType, expanded once (a DO whose type cannot be built is left out, its error recorded).
    private mutating func expandLNodeType(_ type: SCLLNodeType) -> Expansion<[IEDModel.DataObject]> {
        if let cached = lnExpansions[type.id] { return cached }
        var objects: [IEDModel.DataObject] = []
        var total = 0
        for definition in type.dataObjects {
            let (typeID, name) = (type.id, definition.name)
            if let (object, nodes, _) = dataObject(definition, path: { Self.templatePath("LNodeType", typeID, "DO", name) }, depth: 1) {
                objects.append(object)
                total += nodes
            }
        }
        let expansion = Expansion(children: objects, nodes: total, height: 0)
        lnExpansions[type.id] = expansion
        return expansion
    }

    private mutating func spend(_ count: Int, _ location: SCLSourceLocation, _ path: @autoclosure () -> String) -> Bool {
        nodes += count
        guard nodes <= limits.maxNodes else {
            error(.tooLarge, "the IED expands to more than \(limits.maxNodes) data objects and attributes", location, path())
            return false
        }
        return true
    }

    /// The array size from `count`: a number, or (Ed. 2.1) the name of a sibling attribute whose value holds it.
    private mutating func arrayCount(_ text: String?, siblings: [SCLDataAttributeDefinition], location: SCLSourceLocation,
                                     path: @autoclosure () -> String) -> Int?? {
        guard let text, !text.isEmpty else { return .some(nil) }
        let trimmed = SCLLexical.trim(text)
        let sibling = siblings.first { $0.name == trimmed }
        guard let count = Int(trimmed) ?? sibling.flatMap({ sibling in
            (sibling.values.first { $0.sGroup == nil } ?? sibling.values.first).flatMap { Int(SCLLexical.trim($0.text)) }
        }) else {
            error(.invalidValue, sibling == nil ? "count '\(text)' is neither a number nor the name of a sibling attribute"
                                                : "count names '\(trimmed)', which has no numeric value", location, path(), "count")
            return nil
        }
        guard count >= 1 && count <= limits.maxArrayCount else {
            error(.invalidValue, "count \(count) is outside 1…\(limits.maxArrayCount)", location, path(), "count")
            return nil
        }
        return .some(count)
    }

    /// The element path of a child of a template, built only when a message needs it.
    private static func templatePath(_ element: String, _ id: String, _ child: String, _ name: String) -> String {
        templatesPath + "/" + SCLPath.segment(element, ["id": id]) + "/" + SCLPath.segment(child, ["name": name])
    }

    /// A type expanded once and reused for every instance (values are copy-on-write, so reuse costs nothing
    /// until an instance value changes a part).
    private struct Expansion<Children> {
        var children: Children
        /// Nodes below the type, for the budget.
        var nodes: Int
        /// Levels below the type, for the depth limit.
        var height: Int
    }

    private var doExpansions: [String: Expansion<[IEDModel.DataNode]>] = [:]
    private var lnExpansions: [String: Expansion<[IEDModel.DataObject]>] = [:]
    private var daExpansions: [String: Expansion<[IEDModel.DataAttribute]>] = [:]
    private var failedTypes: Set<String> = []

    private mutating func dataObject(_ definition: SCLDataObjectDefinition, path: () -> String, depth: Int,
                                     siblings: [SCLDataAttributeDefinition] = []) -> (IEDModel.DataObject, nodes: Int, height: Int)? {
        guard let type = doTypes[definition.type] else {
            error(.unknownType, "'\(definition.name)' refers to DOType '\(definition.type)', which does not exist", definition.location, path(), "type")
            return nil
        }
        guard !brokenTypes.contains("DO:" + type.id) else { return nil }
        guard let count = arrayCount(definition.count, siblings: siblings, location: definition.location, path: path()) else { return nil }
        guard let expansion = expandDOType(type, depth: depth, location: definition.location, path: path) else { return nil }
        guard depth + expansion.height <= limits.maxTypeDepth else {
            error(.tooDeep, "types nest deeper than \(limits.maxTypeDepth) levels", definition.location, path())
            return nil
        }
        let nodes = (1 + expansion.nodes) * (count ?? 1)
        guard spend(nodes, definition.location, path()) else { return nil }
        var object = IEDModel.DataObject(name: definition.name, cdc: type.cdc, typeID: type.id, desc: definition.desc, children: expansion.children)
        if let count {
            object.elements = Array(repeating: object, count: count)
            object.count = count
            object.children = []
        }
        return (object, nodes, expansion.height + 1)
    }

    private mutating func expandDOType(_ type: SCLDOType, depth: Int, location: SCLSourceLocation, path: () -> String) -> Expansion<[IEDModel.DataNode]>? {
        if let cached = doExpansions[type.id] { return cached }
        guard !failedTypes.contains("DO:" + type.id) else { return nil }
        guard depth <= limits.maxTypeDepth else {
            error(.tooDeep, "types nest deeper than \(limits.maxTypeDepth) levels", location, path())
            return nil
        }
        var expansion = Expansion<[IEDModel.DataNode]>(children: [], nodes: 0, height: 0)
        let attributes = type.children.compactMap { child -> SCLDataAttributeDefinition? in
            if case .dataAttribute(let da) = child { return da }
            return nil
        }
        for child in type.children {
            switch child {
            case .subDataObject(let sdo):
                guard let (object, nodes, height) = dataObject(sdo, path: { Self.templatePath("DOType", type.id, "SDO", sdo.name) }, depth: depth + 1,
                                                               siblings: attributes) else {
                    failedTypes.insert("DO:" + type.id)
                    return nil
                }
                expansion.children.append(.dataObject(object))
                expansion.nodes += nodes
                expansion.height = max(expansion.height, height)
            case .dataAttribute(let da):
                let daPath = { Self.templatePath("DOType", type.id, "DA", da.name) }
                guard let fc = da.fc else {
                    error(.missingAttribute, "DA '\(da.name)' has no fc", da.location, daPath(), "fc")
                    failedTypes.insert("DO:" + type.id)
                    return nil
                }
                var triggers: IEDModel.TriggerOptions = []
                if da.dchg == true { triggers.insert(.dataChange) }
                if da.qchg == true { triggers.insert(.qualityChange) }
                if da.dupd == true { triggers.insert(.dataUpdate) }
                guard let (attribute, nodes, height) = dataAttribute(da, fc: fc, triggers: triggers, path: daPath, depth: depth + 1,
                                                                     siblings: attributes) else {
                    failedTypes.insert("DO:" + type.id)
                    return nil
                }
                expansion.children.append(.dataAttribute(attribute))
                expansion.nodes += nodes
                expansion.height = max(expansion.height, height)
            }
        }
        doExpansions[type.id] = expansion
        return expansion
    }

    private mutating func dataAttribute(_ definition: SCLDataAttributeDefinition, fc: FunctionalConstraint, triggers: IEDModel.TriggerOptions,
                                        path: () -> String, depth: Int,
                                        siblings: [SCLDataAttributeDefinition] = []) -> (IEDModel.DataAttribute, nodes: Int, height: Int)? {
        guard depth <= limits.maxTypeDepth else {
            error(.tooDeep, "types nest deeper than \(limits.maxTypeDepth) levels", definition.location, path())
            return nil
        }
        guard let bType = SCLBasicType(rawValue: definition.bType) else {
            error(.invalidValue, "'\(definition.bType)' is not an SCL basic type", definition.location, path(), "bType")
            return nil
        }
        guard let count = arrayCount(definition.count, siblings: siblings, location: definition.location, path: path()) else { return nil }
        var attribute = IEDModel.DataAttribute(name: definition.name, fc: fc, bType: bType, typeID: definition.type, triggers: triggers,
                                               valKind: definition.valKind, sAddr: definition.sAddr)
        var below = 0
        var height = 0
        if bType == .structure {
            guard let typeID = definition.type, let type = daTypes[typeID] else {
                error(.unknownType, "Struct attribute '\(definition.name)' refers to DAType '\(definition.type ?? "")', which does not exist",
                      definition.location, path(), "type")
                return nil
            }
            guard !brokenTypes.contains("DA:" + typeID),
                  let expansion = expandDAType(type, fc: fc, triggers: triggers, depth: depth, location: definition.location, path: path) else { return nil }
            guard depth + expansion.height <= limits.maxTypeDepth else {
                error(.tooDeep, "types nest deeper than \(limits.maxTypeDepth) levels", definition.location, path())
                return nil
            }
            attribute.components = expansion.children
            below = expansion.nodes
            height = expansion.height
        } else {
            attribute.value = bType.defaultValue
            if let val = definition.values.first(where: { $0.sGroup == nil }) ?? definition.values.first {
                attribute.value = value(val.text, of: attribute, location: definition.location, path: path()) ?? attribute.value
            }
        }
        let nodes = (1 + below) * (count ?? 1)
        guard spend(nodes, definition.location, path()) else { return nil }
        if let count {
            var element = attribute
            element.count = nil
            attribute.elements = Array(repeating: element, count: count)
            attribute.count = count
            attribute.components = []
            attribute.value = nil
            // Several Vals without an index initialise the elements in order.
            let values = definition.values.filter { $0.sGroup == nil }
            if values.count > 1 {
                for (index, val) in values.prefix(count).enumerated() {
                    attribute.elements[index].value = value(val.text, of: element, location: definition.location, path: path()) ?? element.value
                }
            }
        }
        return (attribute, nodes, height + 1)
    }

    private mutating func expandDAType(_ type: SCLDAType, fc: FunctionalConstraint, triggers: IEDModel.TriggerOptions, depth: Int,
                                       location: SCLSourceLocation, path: () -> String) -> Expansion<[IEDModel.DataAttribute]>? {
        let key = type.id + "\u{0}" + fc.rawValue + String(triggers.rawValue)
        if let cached = daExpansions[key] { return cached }
        guard !failedTypes.contains("DA:" + type.id) else { return nil }
        var expansion = Expansion<[IEDModel.DataAttribute]>(children: [], nodes: 0, height: 0)
        for bda in type.attributes {
            guard let (component, nodes, height) = dataAttribute(bda, fc: fc, triggers: triggers,
                                                                 path: { Self.templatePath("DAType", type.id, "BDA", bda.name) }, depth: depth + 1,
                                                                 siblings: type.attributes) else {
                failedTypes.insert("DA:" + type.id)
                return nil
            }
            expansion.children.append(component)
            expansion.nodes += nodes
            expansion.height = max(expansion.height, height)
        }
        daExpansions[key] = expansion
        return expansion
    }

    private mutating func value(_ text: String, of attribute: IEDModel.DataAttribute, location: SCLSourceLocation, path: @autoclosure () -> String) -> MMSValue? {
        let enumeration = attribute.bType == .enumerated ? attribute.typeID.flatMap { enumerations[$0] } : nil
        switch attribute.bType.value(from: text, enumeration: enumeration) {
        case .success(let value):
            return value
        case .failure(let failure):
            warn(.invalidValue, failure.message + "; the default is used", location, path())
            return nil
        }
    }

    // MARK: Instance values

    /// Stands in a children array while the child it replaces is changed.
    private static let placeholder = IEDModel.DataNode.dataObject(IEDModel.DataObject(name: "", cdc: "", children: []))

    private mutating func apply(_ instance: SCLDataInstance, to object: inout IEDModel.DataObject, path: () -> String) {
        if object.count != nil {
            guard let ix = instance.ix, object.elements.indices.contains(ix) else {
                warn(.unresolvedReference, "'\(instance.name)' is an array of \(object.elements.count); an instance needs an ix inside it", instance.location, path(), "ix")
                return
            }
            var ixless = instance
            ixless.ix = nil
            apply(ixless, to: &object.elements[ix], path: path)
            return
        }
        for sub in instance.subInstances {
            let subName = sub.name
            func subPath() -> String { path() + "/" + SCLPath.segment("SDI", ["name": subName]) }
            guard let index = object.children.firstIndex(where: { $0.name == sub.name }) else {
                warn(.unresolvedReference, "SDI '\(sub.name)' names nothing in DOType '\(object.typeID)'; its values are ignored", sub.location, subPath(), "name")
                continue
            }
            // The child is taken out (a placeholder left behind) so that it is uniquely referenced while it changes.
            switch object.children[index] {
            case .dataObject(var child):
                object.children[index] = Self.placeholder
                apply(sub, to: &child, path: subPath)
                object.children[index] = .dataObject(child)
            case .dataAttribute(var child):
                object.children[index] = Self.placeholder
                apply(sub, to: &child, path: subPath)
                object.children[index] = .dataAttribute(child)
            }
        }
        for dai in instance.attributes {
            let daiName = dai.name
            func daiPath() -> String { path() + "/" + SCLPath.segment("DAI", ["name": daiName]) }
            guard let index = object.children.firstIndex(where: { $0.name == dai.name }), case .dataAttribute(var child) = object.children[index] else {
                warn(.unresolvedReference, "DAI '\(dai.name)' names no attribute of DOType '\(object.typeID)'; its value is ignored", dai.location, daiPath(), "name")
                continue
            }
            object.children[index] = Self.placeholder
            apply(dai, to: &child, path: daiPath)
            object.children[index] = .dataAttribute(child)
        }
    }

    private mutating func apply(_ instance: SCLDataInstance, to attribute: inout IEDModel.DataAttribute, path: () -> String) {
        if attribute.count != nil {
            guard let ix = instance.ix, attribute.elements.indices.contains(ix) else {
                warn(.unresolvedReference, "'\(instance.name)' is an array of \(attribute.elements.count); an SDI needs an ix inside it", instance.location, path(), "ix")
                return
            }
            var ixless = instance
            ixless.ix = nil
            apply(ixless, to: &attribute.elements[ix], path: path)
            return
        }
        for sub in instance.subInstances {
            let subName = sub.name
            func subPath() -> String { path() + "/" + SCLPath.segment("SDI", ["name": subName]) }
            guard let index = attribute.components.firstIndex(where: { $0.name == sub.name }) else {
                warn(.unresolvedReference, "SDI '\(sub.name)' names no component of '\(attribute.name)'; its values are ignored", sub.location, subPath(), "name")
                continue
            }
            apply(sub, to: &attribute.components[index], path: subPath)
        }
        for dai in instance.attributes {
            let daiName = dai.name
            func daiPath() -> String { path() + "/" + SCLPath.segment("DAI", ["name": daiName]) }
            guard let index = attribute.components.firstIndex(where: { $0.name == dai.name }) else {
                warn(.unresolvedReference, "DAI '\(dai.name)' names no component of '\(attribute.name)'; its value is ignored", dai.location, daiPath(), "name")
                continue
            }
            apply(dai, to: &attribute.components[index], path: daiPath)
        }
    }

    private mutating func apply(_ dai: SCLAttributeInstance, to attribute: inout IEDModel.DataAttribute, path: () -> String) {
        if let valKind = dai.valKind { attribute.valKind = valKind }
        if let sAddr = dai.sAddr { attribute.sAddr = sAddr }
        if attribute.count != nil {
            if let ix = dai.ix {
                guard attribute.elements.indices.contains(ix) else {
                    warn(.unresolvedReference, "ix \(ix) is outside the array of \(attribute.elements.count)", dai.location, path(), "ix")
                    return
                }
                var ixless = dai
                ixless.ix = nil
                apply(ixless, to: &attribute.elements[ix], path: path)
            } else {
                for (index, val) in dai.values.filter({ $0.sGroup == nil }).prefix(attribute.elements.count).enumerated() {
                    if let value = value(val.text, of: attribute.elements[index], location: dai.location, path: path()) { attribute.elements[index].value = value }
                }
            }
            return
        }
        guard attribute.bType != .structure else {
            if !dai.values.isEmpty { warn(.invalidValue, "a value for the structure '\(attribute.name)' is ignored; give its components with SDI/DAI", dai.location, path()) }
            return
        }
        for val in dai.values {
            guard let value = value(val.text, of: attribute, location: dai.location, path: path()) else { continue }
            if let group = val.sGroup {
                attribute.settingGroupValues[group] = value
                if dai.values.allSatisfy({ $0.sGroup != nil }) && group == dai.values.compactMap(\.sGroup).min() { attribute.value = value }
            } else {
                attribute.value = value
            }
        }
    }

    // MARK: Datasets and control blocks

    /// Lookup tables of an IED's model for dataset members: LD by inst and by name, LN by name per LD.
    private struct ModelIndex {
        var deviceByInst: [String: Int] = [:]
        var deviceByName: [String: Int] = [:]
        var nodeByName: [[String: Int]] = []

        init(_ model: IEDModel) {
            for (index, device) in model.logicalDevices.enumerated() {
                if deviceByInst[device.inst] == nil { deviceByInst[device.inst] = index }
                if deviceByName[device.name] == nil { deviceByName[device.name] = index }
                var nodes: [String: Int] = [:]
                for (nodeIndex, node) in device.logicalNodes.enumerated() where nodes[node.name] == nil { nodes[node.name] = nodeIndex }
                nodeByName.append(nodes)
            }
        }
    }

    private mutating func checkDataSets(_ model: inout IEDModel, ied: SCLIED, accessPoint: SCLAccessPoint, apPath: String) {
        let index = ModelIndex(model)
        for sclDevice in accessPoint.server?.lDevices ?? [] {
            guard let deviceIndex = index.deviceByInst[sclDevice.inst] else { continue }
            let deviceInst = sclDevice.inst
            func ldPath() -> String { apPath + "/" + SCLPath.segment("LDevice", ["inst": deviceInst]) }
            for position in (sclDevice.ln0 == nil ? 0 : -1)..<sclDevice.lns.count {
                guard let ln = position < 0 ? sclDevice.ln0 : sclDevice.lns[position],
                      let nodeIndex = index.nodeByName[deviceIndex][ln.name] else { continue }
                let segment = SCLPath.segment(position < 0 ? "LN0" : "LN", ["prefix": ln.prefix, "lnClass": ln.lnClass, "inst": ln.inst])
                func lnPath() -> String { ldPath() + "/" + segment }
                var dataSets: [IEDModel.DataSet] = []
                var names: Set<String> = []
                for dataSet in ln.dataSets {
                    let dataSetName = dataSet.name
                    func dsPath() -> String { lnPath() + "/" + SCLPath.segment("DataSet", ["name": dataSetName]) }
                    guard names.insert(dataSet.name).inserted else {
                        error(.duplicate, "a second dataset named '\(dataSet.name)'", dataSet.location, dsPath(), "name")
                        continue
                    }
                    // A member that names nothing is dropped with a warning (tolerated: tools leave such members behind).
                    var members: [IEDModel.DataSet.Member] = []
                    for fcda in dataSet.members {
                        func fcdaPath() -> String {
                            dsPath() + "/" + SCLPath.segment("FCDA", ["ldInst": fcda.ldInst, "prefix": fcda.prefix, "lnClass": fcda.lnClass, "lnInst": fcda.lnInst,
                                                                      "doName": fcda.doName, "daName": fcda.daName, "fc": fcda.fc.rawValue])
                        }
                        if let member = member(fcda, in: model, index: index, ied: ied, defaultDevice: sclDevice, path: fcdaPath) { members.append(member) }
                    }
                    dataSets.append(IEDModel.DataSet(name: dataSet.name, desc: dataSet.desc, members: members))
                }
                if !dataSets.isEmpty { model.logicalDevices[deviceIndex].logicalNodes[nodeIndex].dataSets = dataSets }
                checkControlBlocks(of: ln, dataSets: names, path: lnPath)
            }
        }
    }

    /// Every control block's `datSet` must name a dataset of its LN.
    private mutating func checkControlBlocks(of ln: borrowing SCLLogicalNode, dataSets names: Set<String>, path lnPath: () -> String) {
        func check(_ element: String, _ name: String, _ datSet: String?, _ location: SCLSourceLocation) {
            guard let datSet, !datSet.isEmpty, !names.contains(datSet) else { return }
            error(.unresolvedReference, "\(element) '\(name)' refers to dataset '\(datSet)', which this LN does not define", location,
                  lnPath() + "/" + SCLPath.segment(element, ["name": name]), "datSet")
        }
        for block in ln.reportControls { check("ReportControl", block.name, block.datSet, block.location) }
        for block in ln.logControls { check("LogControl", block.name, block.datSet, block.location) }
        for block in ln.gseControls { check("GSEControl", block.name, block.datSet, block.location) }
        for block in ln.sampledValueControls { check("SampledValueControl", block.name, block.datSet, block.location) }
        for block in ln.reportControls where block.rptEnabled?.max.map({ $0 > 1 }) == true && block.indexed == false {
            warn(.invalidValue, "ReportControl '\(block.name)' has RptEnabled max > 1 but indexed=\"false\"; instances are still numbered",
                 block.location, lnPath() + "/" + SCLPath.segment("ReportControl", ["name": block.name]), "indexed")
        }
    }

    /// The cross references of one access point's server without instantiating it: every LN's LNodeType, every
    /// control block's dataset, unique LD and LN names.
    mutating func checkReferences(ied: SCLIED, accessPoint: SCLAccessPoint) {
        checkTemplates()
        let apPath = "SCL/" + SCLPath.segment("IED", ["name": ied.name]) + "/" + SCLPath.segment("AccessPoint", ["name": accessPoint.name]) + "/Server"
        var seenDevices: Set<String> = []
        // Elements are borrowed through buffers, not copied: copying LDs and LNs (each copy retains every array and
        // string of the element, cold in cache on a large file) cost more than the checks.
        (accessPoint.server?.lDevices ?? []).withUnsafeBufferPointer { devices in
            for position in devices.indices {
                checkReferences(of: devices[position], iedName: ied.name, seen: &seenDevices, serverPath: apPath)
            }
        }
    }

    private mutating func checkReferences(of device: borrowing SCLLDevice, iedName: String, seen: inout Set<String>, serverPath apPath: String) {
        let deviceInst = device.inst
        func ldPath() -> String { apPath + "/" + SCLPath.segment("LDevice", ["inst": deviceInst]) }
        let name = device.ldName ?? (iedName + device.inst)
        guard seen.insert(name).inserted else {
            error(.duplicate, "a second logical device named '\(name)'", device.location, ldPath(), "inst")
            return
        }
        var seenNodes = Set<String>(minimumCapacity: device.lns.count + 1)
        let checkedLN0: Void? = device.ln0?.borrow { ln0 in checkReferences(of: ln0, element: "LN0", seen: &seenNodes, devicePath: ldPath) }
        if checkedLN0 == nil { warn(.missingAttribute, "the logical device has no LN0", device.location, ldPath()) }
        let typeUse = lnodeTypeUse
        var unusual: [Int] = []
        device.lns.withUnsafeBufferPointer { lns in
            // Through `pointee` (an addressor) and without touching `self`, so that no LN is copied.
            guard let base = lns.baseAddress else { return }
            for ln in lns.indices where !Self.isPlain((base + ln).pointee, seen: &seenNodes, typeUse: typeUse) { unusual.append(ln) }
        }
        for ln in unusual { checkReferences(of: device.lns[ln], element: "LN", seen: &seenNodes, devicePath: ldPath) }
    }

    /// The common case, checked without touching the resolver (a mutating call would make the compiler copy each
    /// LN out of the document first, which cost more than the check): a new LN name, a type already expanded with
    /// the LN's class, no datasets and no control blocks. `false` leaves everything to ``checkReferences(of:element:seen:devicePath:)``.
    private static func isPlain(_ ln: borrowing SCLLogicalNode, seen: inout Set<String>,
                                typeUse: [String: (lnClass: String, expanded: Bool)]) -> Bool {
        guard ln.dataSets.isEmpty, ln.reportControls.isEmpty, ln.logControls.isEmpty, ln.gseControls.isEmpty,
              ln.sampledValueControls.isEmpty, let use = typeUse[ln.lnType], use.expanded, use.lnClass == ln.lnClass else { return false }
        return seen.insert(ln.name).inserted
    }

    /// One LN's references (borrowed: an LN is a large value, and copying each one cost more than checking it).
    private mutating func checkReferences(of ln: borrowing SCLLogicalNode, element: String, seen: inout Set<String>, devicePath: () -> String) {
        let (prefix, lnClass, inst) = (ln.prefix, ln.lnClass, ln.inst)
        func lnPath() -> String { devicePath() + "/" + SCLPath.segment(element, ["prefix": prefix, "lnClass": lnClass, "inst": inst]) }
        guard seen.insert(ln.name).inserted else {
            error(.duplicate, "a second logical node named '\(ln.name)'", ln.location, lnPath())
            return
        }
        if let (typeClass, expanded) = lnodeTypeUse[ln.lnType] {
            // The type's problems (unknown types, missing fc, bad counts, depth) are found by expanding each used type once.
            if !expanded, let type = lnodeTypes[ln.lnType] {
                lnodeTypeUse[ln.lnType]?.expanded = true
                _ = expandLNodeType(type)
            }
            if typeClass != ln.lnClass {
                warn(.invalidValue, "LN class '\(ln.lnClass)' differs from its LNodeType's '\(typeClass)'", ln.location, lnPath(), "lnClass")
            }
        } else {
            error(.unknownType, "LN '\(ln.name)' refers to LNodeType '\(ln.lnType)', which does not exist", ln.location, lnPath(), "lnType")
        }
        var names: Set<String> = []
        for dataSet in ln.dataSets where !names.insert(dataSet.name).inserted {
            error(.duplicate, "a second dataset named '\(dataSet.name)'", dataSet.location,
                  lnPath() + "/" + SCLPath.segment("DataSet", ["name": dataSet.name]), "name")
        }
        checkControlBlocks(of: ln, dataSets: names, path: lnPath)
    }

    private mutating func member(_ fcda: SCLFCDA, in model: IEDModel, index: ModelIndex, ied: SCLIED, defaultDevice: SCLLDevice,
                                 path: () -> String) -> IEDModel.DataSet.Member? {
        let inst = fcda.ldInst ?? defaultDevice.inst
        var found = index.deviceByInst[inst]
        if found == nil, let byName = index.deviceByName[inst] {
            warn(.invalidValue, "ldInst '\(inst)' is a logical device name, not an instance; read as '\(model.logicalDevices[byName].inst)'",
                 fcda.location, path(), "ldInst")
            found = byName
        }
        guard let deviceIndex = found else {
            warn(.unresolvedReference, "dataset member in logical device '\(inst)', which IED '\(ied.name)' does not have", fcda.location, path(), "ldInst")
            return nil
        }
        let device = model.logicalDevices[deviceIndex]
        var lnName = (fcda.prefix ?? "") + (fcda.lnClass ?? "") + (fcda.lnInst ?? "")
        if fcda.lnClass == "LLN0", !(fcda.lnInst ?? "").isEmpty, index.nodeByName[deviceIndex][lnName] == nil {
            warn(.invalidValue, "LLN0 has no instance number; lnInst '\(fcda.lnInst ?? "")' is ignored", fcda.location, path(), "lnInst")
            lnName = "LLN0"
        }
        guard let nodeIndex = index.nodeByName[deviceIndex][lnName] else {
            warn(.unresolvedReference, "dataset member in logical node '\(lnName)', which '\(device.name)' does not have", fcda.location, path(), "lnClass")
            return nil
        }
        let node = device.logicalNodes[nodeIndex]
        let doPath = (fcda.doName ?? "").split(separator: ".").map(String.init)
        let daPath = (fcda.daName ?? "").split(separator: ".").map(String.init)
        guard let first = doPath.first, let object = node.dataObject(named: first) else {
            warn(.unresolvedReference, "dataset member names data object '\(fcda.doName ?? "")', which \(lnName) does not have", fcda.location, path(), "doName")
            return nil
        }
        // Walk SDOs, then attributes; the FC must match an attribute at or below the end of the path.
        var current: IEDModel.DataNode = .dataObject(object)
        for segment in doPath.dropFirst() + daPath {
            // A segment may select an array element: `phsAHar(7)`.
            var name = segment
            var elementIndex: Int?
            if segment.hasSuffix(")"), let open = segment.firstIndex(of: "("), let number = Int(segment[segment.index(after: open)..<segment.index(before: segment.endIndex)]) {
                name = String(segment[..<open])
                elementIndex = number
            }
            var next: IEDModel.DataNode?
            switch current {
            case .dataObject(let parent): next = (parent.count != nil ? parent.elements.first : parent)?.child(named: name)
            case .dataAttribute(let parent): next = (parent.count != nil ? parent.elements.first : parent)?.components.first { $0.name == name }.map { .dataAttribute($0) }
            }
            if let elementIndex, let array = next {
                switch array {
                case .dataObject(let object): next = object.elements.indices.contains(elementIndex) ? .dataObject(object.elements[elementIndex]) : nil
                case .dataAttribute(let attribute): next = attribute.elements.indices.contains(elementIndex) ? .dataAttribute(attribute.elements[elementIndex]) : nil
                }
            }
            guard let next else {
                let attribute = daPath.contains(segment) ? "daName" : "doName"
                warn(.unresolvedReference, "dataset member path '\((doPath + daPath).joined(separator: "."))' breaks at '\(segment)'", fcda.location, path(), attribute)
                return nil
            }
            current = next
        }
        func has(_ fc: FunctionalConstraint, _ node: IEDModel.DataNode) -> Bool {
            switch node {
            case .dataAttribute(let attribute): return attribute.fc == fc
            case .dataObject(let object):
                return (object.count != nil ? object.elements.prefix(1).flatMap(\.children) : object.children).contains { has(fc, $0) }
            }
        }
        guard has(fcda.fc, current) else {
            warn(.unresolvedReference, "dataset member '\((doPath + daPath).joined(separator: "."))' has nothing with FC \(fcda.fc.rawValue)", fcda.location, path(), "fc")
            return nil
        }
        return IEDModel.DataSet.Member(logicalDevice: device.name, logicalNode: lnName, fc: fcda.fc, path: doPath + daPath, index: fcda.ix)
    }
}


extension SCLLogicalNode {
    /// Calls `body` with this LN borrowed: `optional?.borrow { … }` reaches the LN in place, where `if let` copies it.
    @inline(__always)
    func borrow(_ body: (borrowing SCLLogicalNode) -> Void) { body(self) }
}
