// The data a server hosts, in its IEC 61850-8-1 MMS shape: logical devices (domains) holding logical
// nodes, each one named variable whose components are functional constraints.

/// One logical node as an MMS named variable: a structure of FCs, each a structure of data objects.
public struct ServedLogicalNode: Sendable, Hashable {
    /// The LN name, e.g. `GGIO1`.
    public var name: String
    /// The variable's type (components: FCs in alphabetical order).
    public private(set) var type: MMSTypeSpecification
    /// The variable's value, shaped like `type`.
    public private(set) var value: MMSValue

    /// A leaf data attribute: FC, path below the LN (DO, SDO…, DA), type and initial value.
    public struct Attribute: Sendable, Hashable {
        /// The functional constraint.
        public var fc: FunctionalConstraint
        /// DO and DA names, e.g. `["AnIn1", "mag", "f"]`.
        public var path: [String]
        /// The leaf's MMS type.
        public var type: MMSTypeSpecification
        /// The leaf's initial value.
        public var value: MMSValue

        /// Creates a leaf.
        public init(_ fc: FunctionalConstraint, _ path: [String], _ type: MMSTypeSpecification, _ value: MMSValue) {
            self.fc = fc
            self.path = path
            self.type = type
            self.value = value
        }
    }

    /// Builds the nested type and value from leaves; the order of data objects and attributes is the
    /// order of first appearance, FCs are sorted alphabetically (as IEC 61850-8-1 servers list them).
    public init(name: String, attributes: [Attribute]) {
        self.name = name
        final class Node {
            var children: [(String, Node)] = []
            var leaf: (MMSTypeSpecification, MMSValue)?
            func child(_ name: String) -> Node {
                if let existing = children.first(where: { $0.0 == name }) { return existing.1 }
                let node = Node()
                children.append((name, node))
                return node
            }
            func build() -> (MMSTypeSpecification, MMSValue) {
                if let leaf { return leaf }
                let built = children.map { ($0.0, $0.1.build()) }
                return (.structure(components: built.map { MMSComponent(name: $0.0, type: $0.1.0) }, packed: false),
                        .structure(built.map { $0.1.1 }))
            }
        }
        let root = Node()
        for attribute in attributes {
            var node = root.child(attribute.fc.rawValue)
            for name in attribute.path { node = node.child(name) }
            node.leaf = (attribute.type, attribute.value)
        }
        root.children.sort { $0.0 < $1.0 }
        (type, value) = root.build()
    }

    mutating func replaceVariable(type: MMSTypeSpecification, value: MMSValue) {
        self.type = type
        self.value = value
    }

    /// The type and value at a component path (`[FC, DO, DA…]`), or `nil` when it does not exist.
    public func lookup(_ path: ArraySlice<String>) -> (type: MMSTypeSpecification, value: MMSValue)? {
        locateComponents(path, in: type, value).map { ($0.type, $0.value) }
    }

    /// Replaces the value at a component path; `false` when the path does not exist. Only the path's own levels are
    /// touched, in place: the rest of the LN is not copied.
    @discardableResult
    public mutating func setValue(_ newValue: MMSValue, at path: ArraySlice<String>) -> Bool {
        guard let found = locateComponents(path, in: type, value) else { return false }
        value.replaceComponent(at: found.indices[...], with: newValue)
        return true
    }

    /// Replaces the value at a path of component indices (as ``ServedModel/find(domain:item:)`` gives them).
    mutating func setValue(_ newValue: MMSValue, atIndices indices: ArraySlice<Int>) {
        value.replaceComponent(at: indices, with: newValue)
    }

    /// Every MMS name this LN contributes to GetNameList: `LN`, `LN$FC`, `LN$FC$DO`, … in depth-first order.
    var mmsNames: [String] {
        var names: [String] = []
        func walk(_ type: MMSTypeSpecification, _ prefix: String) {
            names.append(prefix)
            for component in type.components { walk(component.type, prefix + "$" + component.name) }
        }
        walk(type, name)
        return names
    }
}

/// A logical device as served: an MMS domain.
public struct ServedLogicalDevice: Sendable, Hashable {
    /// The LD name (IED name + LD inst), e.g. `DEMOIEDGenericIO`.
    public var name: String
    /// Its logical nodes.
    public var logicalNodes: [ServedLogicalNode]

    /// Creates a logical device.
    public init(name: String, logicalNodes: [ServedLogicalNode]) {
        self.name = name
        self.logicalNodes = logicalNodes
    }
}

/// A dataset as served: an MMS named variable list in a domain (IEC 61850-8-1 §13).
public struct ServedDataSet: Sendable, Hashable {
    /// The domain (LD name) holding the list.
    public var domain: String
    /// The list name, `LN$dataset` (e.g. `LLN0$Events`).
    public var name: String
    /// The members, in order: each an MMS variable (`LN$FC$DO$DA`), with an alternate access for array elements.
    public var members: [MMSVariableSpecification]
    /// Whether clients may delete it: `false` for configured datasets, `true` for those a client created.
    public var isDeletable: Bool

    /// Creates a dataset.
    public init(domain: String, name: String, members: [MMSVariableSpecification], isDeletable: Bool = false) {
        self.domain = domain
        self.name = name
        self.members = members
        self.isDeletable = isDeletable
    }
}

/// The whole model a server hosts.
public struct ServedModel: Sendable, Hashable {
    /// The logical devices.
    public var logicalDevices: [ServedLogicalDevice]
    /// The static (persistent) datasets.
    public var dataSets: [ServedDataSet]
    /// The report control blocks the server runs (add them with ``addReportControl(_:)``).
    public internal(set) var reportControls: [ServedReportControl] = []
    /// Which changes of a leaf attribute trigger reports (`dchg`, `qchg`, `dupd` of its DA in SCL), keyed
    /// `domain/LN$FC$DO$DA`. Attributes not listed (models built in code) use a default: a change of `q` is a quality
    /// change, any other change a data change, an unchanged update a data update.
    public var attributeTriggers: [String: IEDModel.TriggerOptions] = [:]
    /// The common data class (IEC 61850-7-3) of each data object and sub-data-object the model knows it for (from SCL
    /// or the DSL), keyed `LD/LN.DO[.SDO…]`. What control, setting groups and clients' discovery build on.
    public var commonDataClasses: [String: String] = [:]

    /// Values per setting group (SCL `Val sGroup=…`) of the attributes that have them, keyed `domain/LN$FC$DO$DA`, group
    /// numbers from 1. Kept from SCL for setting-group services (IEC 61850-7-2 §16).
    public var settingGroupValues: [String: [Int: MMSValue]] = [:]

    /// The values per setting group of an attribute (empty when it has none).
    public func settingGroupValues(of reference: ObjectReference, fc: FunctionalConstraint) -> [Int: MMSValue] {
        settingGroupValues[reference.logicalDevice + "/" + reference.mmsItemName(fc: fc)] ?? [:]
    }

    /// The common data class of a data object, e.g. `SPC` for `LD/XCBR1.Pos` — `nil` when the model does not know it.
    public func commonDataClass(of reference: ObjectReference) -> String? {
        commonDataClasses[reference.description]
    }

    /// Creates a model.
    public init(logicalDevices: [ServedLogicalDevice], dataSets: [ServedDataSet] = []) {
        self.logicalDevices = logicalDevices
        self.dataSets = dataSets
    }

    /// The dataset `name` in `domain`.
    func dataSet(domain: String, name: String) -> ServedDataSet? {
        dataSets.first { $0.domain == domain && $0.name == name }
    }

    /// Where an MMS variable lives and what it is: the LD and LN indices, the component indices below the LN (the
    /// first selects the FC), the FC, and the type and value found there.
    struct Location {
        let device: Int
        let node: Int
        let indices: [Int]
        /// The functional constraint, when the location is at or below an FC.
        let fc: FunctionalConstraint?
        let type: MMSTypeSpecification
        let value: MMSValue
    }

    /// Finds the MMS variable `item` (`LN$FC$…`) in `domain`; `nil` when it does not exist. Names are compared as
    /// they are read from `item`: nothing is split into new strings.
    func find(domain: String, item: String) -> Location? {
        var names = item.split(separator: "$", omittingEmptySubsequences: false)[...]
        guard let ln = names.popFirst() else { return nil }
        return find(domain: domain, node: ln, names, fc: nil)
    }

    /// Finds the attribute `reference` under `fc`, walking its names directly.
    func find(_ reference: ObjectReference, fc: FunctionalConstraint) -> Location? {
        find(domain: reference.logicalDevice, node: reference.logicalNode[...], CollectionOfOne(fc.rawValue[...]).lazy + reference.path.lazy.map { $0[...] },
             fc: fc)
    }

    /// Walks `names` below the LN `ln`; `known` is the FC when the caller knows it (the first name).
    private func find<Names: Sequence<Substring>>(domain: String, node ln: Substring, _ names: Names, fc known: FunctionalConstraint?) -> Location? {
        guard let device = logicalDevices.firstIndex(where: { $0.name == domain }),
              let node = logicalDevices[device].logicalNodes.firstIndex(where: { $0.name == ln }) else { return nil }
        let served = logicalDevices[device].logicalNodes[node]
        guard let found = locateComponents(names, in: served.type, served.value) else { return nil }
        let fc = known ?? found.indices.first.flatMap { FunctionalConstraint(rawValue: served.type.components[$0].name) }
        return Location(device: device, node: node, indices: found.indices, fc: fc, type: found.type, value: found.value)
    }

    /// The value at component indices of an LN (`nil` when they lead nowhere).
    func value(device: Int, node: Int, indices: [Int]) -> MMSValue? {
        guard logicalDevices.indices.contains(device), logicalDevices[device].logicalNodes.indices.contains(node) else { return nil }
        return logicalDevices[device].logicalNodes[node].value.component(at: indices[...])
    }

    /// Stores `value` at component indices of an LN.
    mutating func set(_ value: MMSValue, device: Int, node: Int, indices: [Int]) {
        guard logicalDevices.indices.contains(device), logicalDevices[device].logicalNodes.indices.contains(node) else { return }
        logicalDevices[device].logicalNodes[node].setValue(value, atIndices: indices[...])
    }

    /// Stores `value` at a location found by ``find(domain:item:)``.
    mutating func set(_ value: MMSValue, at location: Location) {
        set(value, device: location.device, node: location.node, indices: location.indices)
    }
}

/// Walks component names down a structure type and its value: the component indices, and the type and value found
/// there (`nil` when a name is not there). The one name walk of the served model — finds, LN lookups, handlers' parts.
func locateComponents<Names: Sequence>(_ names: Names, in type: MMSTypeSpecification, _ value: MMSValue)
    -> (indices: [Int], type: MMSTypeSpecification, value: MMSValue)? where Names.Element: StringProtocol {
    var type = type
    var value = value
    var indices: [Int] = []
    for name in names {
        guard case .structure(let components, _) = type, case .structure(let values) = value,
              let index = components.firstIndex(where: { $0.name == name }), index < values.count else { return nil }
        indices.append(index)
        type = components[index].type
        value = values[index]
    }
    return (indices, type, value)
}

extension MMSValue {
    /// The component at a path of component indices (`nil` when it leads nowhere).
    func component(at indices: ArraySlice<Int>) -> MMSValue? {
        guard let index = indices.first else { return self }
        guard case .structure(let values) = self, values.indices.contains(index) else { return nil }
        return values[index].component(at: indices.dropFirst())
    }

    /// Replaces the component at a path of component indices (nothing when it leads nowhere). Only the path's levels
    /// change, in place: the arrays beside it are not copied.
    mutating func replaceComponent(at indices: ArraySlice<Int>, with newValue: MMSValue) {
        guard let index = indices.first else {
            self = newValue
            return
        }
        guard case .structure(var values) = self, values.indices.contains(index) else { return }
        // Let go of the enum's reference to the array first, so the array is unique and changes in place.
        self = .boolean(false)
        values[index].replaceComponent(at: indices.dropFirst(), with: newValue)
        self = .structure(values)
    }
}

extension MMSTypeSpecification {
    /// Whether `value` has this type's shape (used to refuse writes of the wrong type).
    public func accepts(_ value: MMSValue) -> Bool {
        switch (value, self) {
        case (.boolean, .boolean), (.integer, .integer), (.unsigned, .unsigned), (.generalizedTime, .generalizedTime),
             (.utcTime, .utcTime), (.binaryTime, .binaryTime), (.bcd, .bcd), (.objectIdentifier, .objectIdentifier):
            return true
        case (.bitString(let bits), .bitString(let size)):
            return size < 0 ? bits.count <= Int(-Int64(size)) : bits.count == Int(size)
        case (.octetString(let octets), .octetString(let size)):
            return size < 0 ? octets.count <= Int(-Int64(size)) : octets.count == Int(size)
        case (.visibleString(let text), .visibleString(let size)):
            return size == 0 || text.utf8.count <= Int(abs(Int64(size)))
        case (.mmsString(let text), .mmsString(let size)):
            return size == 0 || text.count <= Int(abs(Int64(size)))
        case (.float, .floatingPoint(let width, _)): return width == 32
        case (.double, .floatingPoint(let width, _)): return width == 64
        case (.structure(let items), .structure(let components, _)):
            return items.count == components.count && zip(items, components).allSatisfy { $1.type.accepts($0) }
        case (.array(let items), .array(let count, _, let element)):
            return items.count == Int(count) && items.allSatisfy { element.accepts($0) }
        default:
            return false
        }
    }
}
