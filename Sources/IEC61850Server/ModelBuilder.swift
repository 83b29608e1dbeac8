// A result-builder DSL for server models:
//
//     IED("TESTIED") {
//         LogicalDevice("GenericIO") {
//             LLN0 { ENC("Mod"); ENS("Beh"); LPL("NamPlt", vendor: "ACME", swRev: "1.0", d: "feeder") }
//             LN("GGIO", 1) { SPS("Ind1"); MV("AnIn1", 1.5); SPC("SPCSO1") }
//         }
//     }.model

/// A data object of a logical node: its name and its leaf attributes (FC, path, type, value).
public struct DataObject: Sendable, Hashable {
    /// The data object's name, e.g. `AnIn1`.
    public var name: String
    /// Its common data class (IEC 61850-7-3), e.g. `MV`; `nil` for a data object built from bare leaves.
    public var cdc: String?
    /// Its leaf attributes, paths starting with `name`.
    public var attributes: [ServedLogicalNode.Attribute]

    /// Creates a data object of class `cdc` from leaves whose paths start with `name`.
    public init(name: String, cdc: String? = nil, attributes: [ServedLogicalNode.Attribute]) {
        self.name = name
        self.cdc = cdc
        self.attributes = attributes
    }
}

/// Something that defines a data object (the CDC types below).
public protocol DataObjectDefinition: Sendable {
    /// The data object.
    var dataObject: DataObject { get }
}

extension DataObject: DataObjectDefinition {
    /// Itself.
    public var dataObject: DataObject { self }
}

/// Collects data objects inside `LN { … }`.
@resultBuilder
public enum DataObjectBuilder {
    /// One data object.
    public static func buildExpression(_ expression: some DataObjectDefinition) -> [DataObject] { [expression.dataObject] }
    /// Several data objects (e.g. from a loop).
    public static func buildExpression(_ expression: [any DataObjectDefinition]) -> [DataObject] { expression.map(\.dataObject) }
    /// A block.
    public static func buildBlock(_ components: [DataObject]...) -> [DataObject] { components.flatMap { $0 } }
    /// `if` without `else`.
    public static func buildOptional(_ component: [DataObject]?) -> [DataObject] { component ?? [] }
    /// `if`/`else`, first branch.
    public static func buildEither(first component: [DataObject]) -> [DataObject] { component }
    /// `if`/`else`, second branch.
    public static func buildEither(second component: [DataObject]) -> [DataObject] { component }
    /// `for … in`.
    public static func buildArray(_ components: [[DataObject]]) -> [DataObject] { components.flatMap { $0 } }
}

/// A logical node: class, instance, optional prefix, and its data objects.
public struct LN: Sendable, Hashable {
    /// The LN name: prefix + class + instance, e.g. `GGIO1`, `LLN0`.
    public var name: String
    /// The data objects.
    public var dataObjects: [DataObject]

    /// A logical node `prefix + lnClass + inst`, e.g. `LN("GGIO", 1) { … }`.
    public init(_ lnClass: String, _ inst: Int? = nil, prefix: String = "", @DataObjectBuilder _ content: () -> [DataObject]) {
        self.name = prefix + lnClass + (inst.map(String.init) ?? "")
        self.dataObjects = content()
    }

    /// The node in its served shape.
    public var served: ServedLogicalNode {
        ServedLogicalNode(name: name, attributes: dataObjects.flatMap(\.attributes))
    }
}

/// `LLN0 { … }`: the logical node zero of a logical device.
public func LLN0(@DataObjectBuilder _ content: () -> [DataObject]) -> LN { LN("LLN0", nil, content) }

/// Collects logical nodes inside `LogicalDevice { … }`.
@resultBuilder
public enum LogicalNodeBuilder {
    /// One logical node.
    public static func buildExpression(_ expression: LN) -> [LN] { [expression] }
    /// A block.
    public static func buildBlock(_ components: [LN]...) -> [LN] { components.flatMap { $0 } }
    /// `if` without `else`.
    public static func buildOptional(_ component: [LN]?) -> [LN] { component ?? [] }
    /// `if`/`else`, first branch.
    public static func buildEither(first component: [LN]) -> [LN] { component }
    /// `if`/`else`, second branch.
    public static func buildEither(second component: [LN]) -> [LN] { component }
    /// `for … in`.
    public static func buildArray(_ components: [[LN]]) -> [LN] { components.flatMap { $0 } }
}

/// A logical device: its instance name and logical nodes.
public struct LogicalDevice: Sendable, Hashable {
    /// The LD instance, e.g. `GenericIO` (the MMS domain is IED name + inst).
    public var inst: String
    /// The logical nodes.
    public var logicalNodes: [LN]

    /// Creates a logical device.
    public init(_ inst: String, @LogicalNodeBuilder _ content: () -> [LN]) {
        self.inst = inst
        self.logicalNodes = content()
    }
}

/// Collects logical devices inside `IED { … }`.
@resultBuilder
public enum LogicalDeviceBuilder {
    /// One logical device.
    public static func buildExpression(_ expression: LogicalDevice) -> [LogicalDevice] { [expression] }
    /// A block.
    public static func buildBlock(_ components: [LogicalDevice]...) -> [LogicalDevice] { components.flatMap { $0 } }
    /// `for … in`.
    public static func buildArray(_ components: [[LogicalDevice]]) -> [LogicalDevice] { components.flatMap { $0 } }
}

/// An IED: its name and logical devices. `.model` is what ``IEDServer`` hosts.
public struct IED: Sendable, Hashable {
    /// The IED name.
    public var name: String
    /// The logical devices.
    public var logicalDevices: [LogicalDevice]

    /// Creates an IED.
    public init(_ name: String, @LogicalDeviceBuilder _ content: () -> [LogicalDevice]) {
        self.name = name
        self.logicalDevices = content()
    }

    /// The served model: domains `name + inst`.
    public var model: ServedModel {
        var model = ServedModel(logicalDevices: logicalDevices.map { device in
            ServedLogicalDevice(name: name + device.inst, logicalNodes: device.logicalNodes.map(\.served))
        })
        for device in logicalDevices {
            for node in device.logicalNodes {
                for object in node.dataObjects {
                    if let cdc = object.cdc { model.commonDataClasses["\(name + device.inst)/\(node.name).\(object.name)"] = cdc }
                }
            }
        }
        return model
    }
}
