// The device model a client discovers: logical devices, logical nodes and their MMS type trees.

/// The ACSI classes a logical node directory can list (IEC 61850-7-2 §10.2.2, GetLogicalNodeDirectory).
public enum ACSIClass: String, Sendable, Hashable, CaseIterable {
    /// Data objects.
    case dataObject = "DATA"
    /// Datasets.
    case dataSet = "DATA-SET"
    /// Buffered report control blocks.
    case brcb = "BRCB"
    /// Unbuffered report control blocks.
    case urcb = "URCB"
    /// Log control blocks.
    case lcb = "LCB"
    /// Logs.
    case log = "LOG"
    /// Setting group control blocks.
    case sgcb = "SGCB"
    /// GOOSE control blocks.
    case gocb = "GoCB"
    /// Multicast sampled value control blocks.
    case msvcb = "MSVCB"
    /// Unicast sampled value control blocks.
    case usvcb = "USVCB"

    /// The functional constraint whose components are instances of this control-block class.
    var controlBlockFC: FunctionalConstraint? {
        switch self {
        case .brcb: .BR
        case .urcb: .RP
        case .lcb: .LG
        case .gocb: .GO
        case .msvcb: .MS
        case .usvcb: .US
        case .dataObject, .dataSet, .log, .sgcb: nil
        }
    }
}

/// One entry of a data directory: a child of a data object or attribute, with the FC it is seen under.
public struct DataDirectoryEntry: Sendable, Hashable {
    /// The child's name.
    public var name: String
    /// The functional constraint.
    public var fc: FunctionalConstraint
    /// The child's MMS type.
    public var type: MMSTypeSpecification

    /// Creates an entry.
    public init(name: String, fc: FunctionalConstraint, type: MMSTypeSpecification) {
        self.name = name
        self.fc = fc
        self.type = type
    }
}

/// A logical node as discovered: its name and its MMS type, whose top-level components are the FCs.
public struct LogicalNodeModel: Sendable, Hashable {
    /// The LN name, e.g. `GGIO1`.
    public var name: String
    /// The LN variable's type: a structure of FC structures of data objects.
    public var type: MMSTypeSpecification

    /// Creates a logical node model.
    public init(name: String, type: MMSTypeSpecification) {
        self.name = name
        self.type = type
    }

    /// The functional constraints present, in server order.
    public var functionalConstraints: [FunctionalConstraint] {
        type.components.compactMap { FunctionalConstraint(rawValue: $0.name) }
    }

    /// The data object names (FCs other than control-block ones), each once, in server order.
    public var dataObjects: [String] {
        var seen = Set<String>()
        var names: [String] = []
        for fcComponent in type.components {
            guard let fc = FunctionalConstraint(rawValue: fcComponent.name), !Self.controlBlockFCs.contains(fc) else { continue }
            for object in fcComponent.type.components where fc != .SP || object.name != "SGCB" {
                if seen.insert(object.name).inserted { names.append(object.name) }
            }
        }
        return names
    }

    /// The instances of a control-block class in this LN.
    public func controlBlocks(_ acsiClass: ACSIClass) -> [String] {
        if acsiClass == .sgcb {
            return type.component(named: "SP")?.type.component(named: "SGCB") != nil ? ["SGCB"] : []
        }
        guard let fc = acsiClass.controlBlockFC else { return [] }
        return type.component(named: fc.rawValue)?.type.components.map(\.name) ?? []
    }

    /// The type of `path` (DO, DA …) under `fc`, if present.
    public func type(of path: [String], fc: FunctionalConstraint) -> MMSTypeSpecification? {
        var current = type.component(named: fc.rawValue)?.type
        for name in path { current = current?.component(named: name)?.type }
        return current
    }

    static let controlBlockFCs: Set<FunctionalConstraint> = [.BR, .RP, .LG, .GO, .MS, .US]
}

/// A logical device as discovered.
public struct LogicalDeviceModel: Sendable, Hashable {
    /// The LD name (MMS domain), e.g. `TESTIEDGenericIO`.
    public var name: String
    /// Its logical nodes, in server order.
    public var logicalNodes: [LogicalNodeModel]
    /// Dataset names as `LN$name` (MMS named variable lists of the domain).
    public var dataSets: [String]
    /// Log names as `LN$name` (MMS journals of the domain).
    public var logs: [String]

    /// Creates a logical device model.
    public init(name: String, logicalNodes: [LogicalNodeModel], dataSets: [String], logs: [String]) {
        self.name = name
        self.logicalNodes = logicalNodes
        self.dataSets = dataSets
        self.logs = logs
    }

    /// The logical node called `name`.
    public func logicalNode(_ name: String) -> LogicalNodeModel? { logicalNodes.first { $0.name == name } }
}

/// A server's whole data model as discovered by ``IEC61850Client/deviceModel(refresh:)``.
public struct DeviceModel: Sendable, Hashable {
    /// The logical devices, in server order.
    public var logicalDevices: [LogicalDeviceModel]

    /// Creates a device model.
    public init(logicalDevices: [LogicalDeviceModel]) { self.logicalDevices = logicalDevices }

    /// The logical device called `name`.
    public func logicalDevice(_ name: String) -> LogicalDeviceModel? { logicalDevices.first { $0.name == name } }

    /// Every leaf data attribute as (reference, FC, type), in model order.
    public var leafAttributes: [(reference: ObjectReference, fc: FunctionalConstraint, type: MMSTypeSpecification)] {
        var leaves: [(ObjectReference, FunctionalConstraint, MMSTypeSpecification)] = []
        for ld in logicalDevices {
            for ln in ld.logicalNodes {
                for fcComponent in ln.type.components {
                    guard let fc = FunctionalConstraint(rawValue: fcComponent.name) else { continue }
                    func walk(_ type: MMSTypeSpecification, _ path: [String]) {
                        if case .structure(let components, _) = type {
                            for component in components { walk(component.type, path + [component.name]) }
                        } else {
                            leaves.append((ObjectReference(logicalDevice: ld.name, logicalNode: ln.name, path: path), fc, type))
                        }
                    }
                    walk(fcComponent.type, [])
                }
            }
        }
        return leaves
    }
}
