// The typed SCL document (IEC 61850-6 §9). Every type keeps the attributes and child elements it does not
// model (`otherAttributes`, `otherContent`), so writing a document loses nothing that was read.

public import IEC61850Model

/// An SCL file (IEC 61850-6): the root `<SCL>` element and everything below it.
public struct SCLDocument: Sendable, Hashable, Codable {
    /// The SCL version (`2007` for Editions 2 and 2.1; absent for Edition 1).
    public var version: String?
    /// The revision (`A`, `B`).
    public var revision: String?
    /// The release (`4` for Edition 2.1).
    public var release: Int?
    /// The file header.
    public var header: SCLHeader?
    /// The substation sections.
    public var substations: [SCLSubstation] = []
    /// The communication section.
    public var communication: SCLCommunication?
    /// The IEDs.
    public var ieds: [SCLIED] = []
    /// The data type templates.
    public var dataTypeTemplates: SCLDataTypeTemplates?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLDocument: SCLNode {
    static let schema = SCLSchema<SCLDocument>("SCL", attributes: [
        .string("version", \.version),
        .string("revision", \.revision),
        .int("release", \.release),
    ], children: [
        .one(\.header),
        .many(\.substations),
        .one(\.communication),
        .many(\.ieds),
        .one(\.dataTypeTemplates),
    ])
}

/// The `<Header>`: identification and tool information.
public struct SCLHeader: Sendable, Hashable, Codable {
    /// The file's identification.
    public var id: String = ""
    /// The file's version.
    public var version: String?
    /// The file's revision.
    public var revision: String?
    /// The tool that wrote the file.
    public var toolID: String?
    /// The naming structure (`IEDName`).
    public var nameStructure: String?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLHeader: SCLNode {
    static let schema = SCLSchema<SCLHeader>("Header", attributes: [
        .string("id", \.id),
        .string("version", \.version),
        .string("revision", \.revision),
        .string("toolID", \.toolID),
        .string("nameStructure", \.nameStructure),
    ], children: [
    ])
}

/// A `<Substation>`: the single-line diagram's root.
public struct SCLSubstation: Sendable, Hashable, Codable {
    /// The substation name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// The voltage levels.
    public var voltageLevels: [SCLVoltageLevel] = []
    /// Logical nodes allocated to the substation.
    public var lnodes: [SCLLNode] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLSubstation: SCLNode {
    static let schema = SCLSchema<SCLSubstation>("Substation", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
    ], children: [
        .many(\.voltageLevels),
        .many(\.lnodes),
    ])
}

/// A `<VoltageLevel>`.
public struct SCLVoltageLevel: Sendable, Hashable, Codable {
    /// The name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// The nominal frequency.
    public var nomFreq: String?
    /// The number of phases.
    public var numPhases: Int?
    /// The bays.
    public var bays: [SCLBay] = []
    /// Logical nodes allocated to the voltage level.
    public var lnodes: [SCLLNode] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLVoltageLevel: SCLNode {
    static let schema = SCLSchema<SCLVoltageLevel>("VoltageLevel", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
        .string("nomFreq", \.nomFreq),
        .int("numPhases", \.numPhases),
    ], children: [
        .many(\.bays),
        .many(\.lnodes),
    ])
}

/// A `<Bay>`.
public struct SCLBay: Sendable, Hashable, Codable {
    /// The name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// The conducting equipment.
    public var conductingEquipment: [SCLConductingEquipment] = []
    /// Logical nodes allocated to the bay.
    public var lnodes: [SCLLNode] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLBay: SCLNode {
    static let schema = SCLSchema<SCLBay>("Bay", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
    ], children: [
        .many(\.conductingEquipment),
        .many(\.lnodes),
    ])
}

/// A `<ConductingEquipment>` (breaker, disconnector, CT…).
public struct SCLConductingEquipment: Sendable, Hashable, Codable {
    /// The name.
    public var name: String = ""
    /// The equipment type (`CBR`, `DIS`, `CTR`…).
    public var type: String = ""
    /// The description.
    public var desc: String?
    /// Whether it is virtual.
    public var virtual: Bool?
    /// Logical nodes allocated to the equipment.
    public var lnodes: [SCLLNode] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLConductingEquipment: SCLNode {
    static let schema = SCLSchema<SCLConductingEquipment>("ConductingEquipment", attributes: [
        .string("name", \.name),
        .string("type", \.type),
        .string("desc", \.desc),
        .bool("virtual", \.virtual),
    ], children: [
        .many(\.lnodes),
    ])
}

/// An `<LNode>`: a reference from the substation section to a logical node of an IED.
public struct SCLLNode: Sendable, Hashable, Codable {
    /// The IED (`None` when not yet allocated).
    public var iedName: String?
    /// The LD instance.
    public var ldInst: String?
    /// The LN prefix.
    public var prefix: String?
    /// The LN class.
    public var lnClass: String = ""
    /// The LN instance.
    public var lnInst: String?
    /// The LN type.
    public var lnType: String?
    /// The description.
    public var desc: String?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLLNode: SCLNode {
    static let schema = SCLSchema<SCLLNode>("LNode", attributes: [
        .string("iedName", \.iedName),
        .string("ldInst", \.ldInst),
        .string("prefix", \.prefix),
        .string("lnClass", \.lnClass),
        .string("lnInst", \.lnInst),
        .string("lnType", \.lnType),
        .string("desc", \.desc),
    ], children: [
    ])
}

/// The `<Communication>` section.
public struct SCLCommunication: Sendable, Hashable, Codable {
    /// The subnetworks.
    public var subNetworks: [SCLSubNetwork] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLCommunication: SCLNode {
    static let schema = SCLSchema<SCLCommunication>("Communication", attributes: [
    ], children: [
        .many(\.subNetworks),
    ])
}

/// A `<SubNetwork>`.
public struct SCLSubNetwork: Sendable, Hashable, Codable {
    /// The name.
    public var name: String = ""
    /// The type (`8-MMS`, `IEC61850-9-2`…).
    public var type: String?
    /// The description.
    public var desc: String?
    /// The access points connected to it.
    public var connectedAPs: [SCLConnectedAP] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLSubNetwork: SCLNode {
    static let schema = SCLSchema<SCLSubNetwork>("SubNetwork", attributes: [
        .string("name", \.name),
        .string("type", \.type),
        .string("desc", \.desc),
    ], children: [
        .many(\.connectedAPs),
    ])
}

/// A `<ConnectedAP>`: an IED access point's addresses on a subnetwork.
public struct SCLConnectedAP: Sendable, Hashable, Codable {
    /// The IED.
    public var iedName: String = ""
    /// The access point.
    public var apName: String = ""
    /// The description.
    public var desc: String?
    /// The redundancy protocol.
    public var redProt: String?
    /// The MMS address (`IP`, `OSI-TSEL`…).
    public var address: SCLAddress?
    /// GOOSE addresses.
    public var gse: [SCLGSE] = []
    /// Sampled value addresses.
    public var smv: [SCLSMV] = []
    /// Physical connections.
    public var physConn: [SCLPhysConn] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLConnectedAP: SCLNode {
    static let schema = SCLSchema<SCLConnectedAP>("ConnectedAP", attributes: [
        .string("iedName", \.iedName),
        .string("apName", \.apName),
        .string("desc", \.desc),
        .string("redProt", \.redProt),
    ], children: [
        .one(\.address),
        .many(\.gse),
        .many(\.smv),
        .many(\.physConn),
    ])
}

/// An `<Address>`: a list of `<P>` parameters.
public struct SCLAddress: Sendable, Hashable, Codable {
    /// The parameters.
    public var parameters: [SCLP] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLAddress: SCLNode {
    static let schema = SCLSchema<SCLAddress>("Address", attributes: [
    ], children: [
        .many(\.parameters),
    ])
}

/// A `<P type=…>value</P>` address parameter.
public struct SCLP: Sendable, Hashable, Codable {
    /// The parameter type, e.g. `IP`, `MAC-Address`, `APPID`.
    public var type: String = ""
    /// The parameter value.
    public var value: String = ""
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLP: SCLNode {
    static let schema = SCLSchema<SCLP>("P", attributes: [
        .string("type", \.type),
    ], children: [
    ], text: .string(\.value))
}

/// A `<GSE>`: the address of a GOOSE control block.
public struct SCLGSE: Sendable, Hashable, Codable {
    /// The LD instance.
    public var ldInst: String = ""
    /// The control block name.
    public var cbName: String = ""
    /// The description.
    public var desc: String?
    /// The address.
    public var address: SCLAddress?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLGSE: SCLNode {
    static let schema = SCLSchema<SCLGSE>("GSE", attributes: [
        .string("ldInst", \.ldInst),
        .string("cbName", \.cbName),
        .string("desc", \.desc),
    ], children: [
        .one(\.address),
    ])
}

/// An `<SMV>`: the address of a sampled value control block.
public struct SCLSMV: Sendable, Hashable, Codable {
    /// The LD instance.
    public var ldInst: String = ""
    /// The control block name.
    public var cbName: String = ""
    /// The description.
    public var desc: String?
    /// The address.
    public var address: SCLAddress?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLSMV: SCLNode {
    static let schema = SCLSchema<SCLSMV>("SMV", attributes: [
        .string("ldInst", \.ldInst),
        .string("cbName", \.cbName),
        .string("desc", \.desc),
    ], children: [
        .one(\.address),
    ])
}

/// A `<PhysConn>`: a physical connector.
public struct SCLPhysConn: Sendable, Hashable, Codable {
    /// The connection type.
    public var type: String = ""
    /// The parameters.
    public var parameters: [SCLP] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLPhysConn: SCLNode {
    static let schema = SCLSchema<SCLPhysConn>("PhysConn", attributes: [
        .string("type", \.type),
    ], children: [
        .many(\.parameters),
    ])
}

/// An `<IED>`: one device, its services and access points. `Services` is kept in ``otherContent``.
public struct SCLIED: Sendable, Hashable, Codable {
    /// The IED name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// The device type.
    public var type: String?
    /// The manufacturer.
    public var manufacturer: String?
    /// The configuration version.
    public var configVersion: String?
    /// The SCL version the IED was first described in.
    public var originalSclVersion: String?
    /// The SCL revision the IED was first described in.
    public var originalSclRevision: String?
    /// The SCL release the IED was first described in.
    public var originalSclRelease: Int?
    /// The engineering right.
    public var engRight: String?
    /// The owner.
    public var owner: String?
    /// The access points.
    public var accessPoints: [SCLAccessPoint] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLIED: SCLNode {
    static let schema = SCLSchema<SCLIED>("IED", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
        .string("type", \.type),
        .string("manufacturer", \.manufacturer),
        .string("configVersion", \.configVersion),
        .string("originalSclVersion", \.originalSclVersion),
        .string("originalSclRevision", \.originalSclRevision),
        .int("originalSclRelease", \.originalSclRelease),
        .string("engRight", \.engRight),
        .string("owner", \.owner),
    ], children: [
        .many(\.accessPoints),
    ])
}

/// An `<AccessPoint>`: a communication interface, with a server or (Ed. 2) logical nodes of its own.
public struct SCLAccessPoint: Sendable, Hashable, Codable {
    /// The access point name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// Whether it routes.
    public var router: Bool?
    /// Whether it is a clock master.
    public var clock: Bool?
    /// Whether it is a key distribution centre.
    public var kdc: Bool?
    /// The server.
    public var server: SCLServer?
    /// Logical nodes of an access point without a server.
    public var lns: [SCLLogicalNode] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLAccessPoint: SCLNode {
    static let schema = SCLSchema<SCLAccessPoint>("AccessPoint", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
        .bool("router", \.router),
        .bool("clock", \.clock),
        .bool("kdc", \.kdc),
    ], children: [
        .one(\.server),
        .many(\.lns, element: "LN"),
    ])
}

/// A `<Server>`: the logical devices an access point serves.
public struct SCLServer: Sendable, Hashable, Codable {
    /// The association timeout in seconds.
    public var timeout: Int?
    /// The description.
    public var desc: String?
    /// The logical devices.
    public var lDevices: [SCLLDevice] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLServer: SCLNode {
    static let schema = SCLSchema<SCLServer>("Server", attributes: [
        .int("timeout", \.timeout),
        .string("desc", \.desc),
    ], children: [
        .many(\.lDevices),
    ])
}

/// An `<LDevice>`: a logical device.
public struct SCLLDevice: Sendable, Hashable, Codable {
    /// The LD instance.
    public var inst: String = ""
    /// An explicit LD name (Ed. 2), replacing IED name + inst.
    public var ldName: String?
    /// The description.
    public var desc: String?
    /// The logical node zero.
    public var ln0: SCLLogicalNode?
    /// The other logical nodes.
    public var lns: [SCLLogicalNode] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLLDevice: SCLNode {
    static let schema = SCLSchema<SCLLDevice>("LDevice", attributes: [
        .string("inst", \.inst),
        .string("ldName", \.ldName),
        .string("desc", \.desc),
    ], children: [
        .one(\.ln0, element: "LN0"),
        .many(\.lns, element: "LN"),
    ])
}

/// An `<LN0>` or `<LN>`: a logical node instance with its instance values and control blocks.
public struct SCLLogicalNode: Sendable, Hashable, Codable {
    /// The LN class, e.g. `GGIO` (`LLN0` for LN0).
    public var lnClass: String = ""
    /// The instance (empty for LN0).
    public var inst: String = ""
    /// The prefix.
    public var prefix: String?
    /// The `LNodeType` id.
    public var lnType: String = ""
    /// The description.
    public var desc: String?
    /// Datasets.
    public var dataSets: [SCLDataSet] = []
    /// Report control blocks.
    public var reportControls: [SCLReportControl] = []
    /// Log control blocks.
    public var logControls: [SCLLogControl] = []
    /// Instance values of data objects.
    public var dataInstances: [SCLDataInstance] = []
    /// External references.
    public var inputs: SCLInputs?
    /// Logs.
    public var logs: [SCLLog] = []
    /// GOOSE control blocks (LN0).
    public var gseControls: [SCLGSEControl] = []
    /// Sampled value control blocks (LN0).
    public var sampledValueControls: [SCLSampledValueControl] = []
    /// The setting group control block (LN0).
    public var settingControl: SCLSettingControl?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLLogicalNode: SCLNode {
    static let schema = SCLSchema<SCLLogicalNode>("LN", attributes: [
        .string("lnClass", \.lnClass),
        .defaulted("inst", \.inst),
        .string("prefix", \.prefix),
        .string("lnType", \.lnType),
        .string("desc", \.desc),
    ], children: [
        .many(\.dataSets),
        .many(\.reportControls),
        .many(\.logControls),
        .many(\.dataInstances, element: "DOI"),
        .one(\.inputs),
        .many(\.logs),
        .many(\.gseControls),
        .many(\.sampledValueControls),
        .one(\.settingControl),
    ])
}

/// A `<DOI>` or `<SDI>`: instance values below a data object or structured attribute.
public struct SCLDataInstance: Sendable, Hashable, Codable {
    /// The data object or attribute name.
    public var name: String = ""
    /// The array index.
    public var ix: Int?
    /// The description.
    public var desc: String?
    /// Access control.
    public var accessControl: String?
    /// A short address.
    public var sAddr: String?
    /// Sub-data-objects and structured attributes.
    public var subInstances: [SCLDataInstance] = []
    /// Attribute values.
    public var attributes: [SCLAttributeInstance] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLDataInstance: SCLNode {
    static let schema = SCLSchema<SCLDataInstance>("DOI", attributes: [
        .string("name", \.name),
        .int("ix", \.ix),
        .string("desc", \.desc),
        .string("accessControl", \.accessControl),
        .string("sAddr", \.sAddr),
    ], children: [
        .many(\.subInstances, element: "SDI"),
        .many(\.attributes, element: "DAI"),
    ])
}

/// A `<DAI>`: an attribute's instance value.
public struct SCLAttributeInstance: Sendable, Hashable, Codable {
    /// The attribute name.
    public var name: String = ""
    /// The array index.
    public var ix: Int?
    /// The description.
    public var desc: String?
    /// A short address.
    public var sAddr: String?
    /// Who may change the value (`RO`, `Set`, `Spec`, `Conf`).
    public var valKind: String?
    /// Whether a tool may import a value.
    public var valImport: Bool?
    /// The values (several with `sGroup` for setting groups).
    public var values: [SCLVal] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLAttributeInstance: SCLNode {
    static let schema = SCLSchema<SCLAttributeInstance>("DAI", attributes: [
        .string("name", \.name),
        .int("ix", \.ix),
        .string("desc", \.desc),
        .string("sAddr", \.sAddr),
        .string("valKind", \.valKind),
        .bool("valImport", \.valImport),
    ], children: [
        .many(\.values),
    ])
}

/// A `<Val>`: one value, optionally for one setting group.
public struct SCLVal: Sendable, Hashable, Codable {
    /// The setting group.
    public var sGroup: Int?
    /// The value as written.
    public var text: String = ""
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLVal: SCLNode {
    static let schema = SCLSchema<SCLVal>("Val", attributes: [
        .int("sGroup", \.sGroup),
    ], children: [
    ], text: .string(\.text))
}

/// A `<DataSet>`: an ordered list of members.
public struct SCLDataSet: Sendable, Hashable, Codable {
    /// The dataset name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// The members.
    public var members: [SCLFCDA] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLDataSet: SCLNode {
    static let schema = SCLSchema<SCLDataSet>("DataSet", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
    ], children: [
        .many(\.members),
    ])
}

/// An `<FCDA>`: a dataset member (a functionally constrained data object or attribute).
public struct SCLFCDA: Sendable, Hashable, Codable {
    /// The LD instance.
    public var ldInst: String?
    /// The LN prefix.
    public var prefix: String?
    /// The LN class.
    public var lnClass: String?
    /// The LN instance.
    public var lnInst: String?
    /// The data object name (dotted for sub-data-objects).
    public var doName: String?
    /// The attribute name (dotted for sub-attributes).
    public var daName: String?
    /// The functional constraint.
    public var fc: FunctionalConstraint = .ST
    /// The array index.
    public var ix: Int?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLFCDA: SCLNode {
    static let schema = SCLSchema<SCLFCDA>("FCDA", attributes: [
        .string("ldInst", \.ldInst),
        .string("prefix", \.prefix),
        .string("lnClass", \.lnClass),
        .string("lnInst", \.lnInst),
        .string("doName", \.doName),
        .string("daName", \.daName),
        .value("fc", \.fc),
        .int("ix", \.ix),
    ], children: [
    ])
}

/// A `<ReportControl>`: a buffered or unbuffered report control block.
public struct SCLReportControl: Sendable, Hashable, Codable {
    /// The control block name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// The dataset name (in the same LN).
    public var datSet: String?
    /// The integrity period in ms.
    public var intgPd: Int?
    /// The report identifier.
    public var rptID: String?
    /// The configuration revision.
    public var confRev: Int?
    /// Whether it is a BRCB (default `false`).
    public var buffered: Bool?
    /// The buffer time in ms.
    public var bufTime: Int?
    /// Whether instances are indexed (default `true`).
    public var indexed: Bool?
    /// The trigger options.
    public var trgOps: SCLTriggerOptions?
    /// The optional fields.
    public var optFields: SCLOptionalFields?
    /// Instances and clients.
    public var rptEnabled: SCLReportEnabled?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLReportControl: SCLNode {
    static let schema = SCLSchema<SCLReportControl>("ReportControl", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
        .string("datSet", \.datSet),
        .int("intgPd", \.intgPd),
        .string("rptID", \.rptID),
        .int("confRev", \.confRev),
        .bool("buffered", \.buffered),
        .int("bufTime", \.bufTime),
        .bool("indexed", \.indexed),
    ], children: [
        .one(\.trgOps),
        .one(\.optFields),
        .one(\.rptEnabled),
    ])
}

/// `<TrgOps>`: which changes trigger reports or log entries.
public struct SCLTriggerOptions: Sendable, Hashable, Codable {
    /// Data change.
    public var dchg: Bool?
    /// Quality change.
    public var qchg: Bool?
    /// Data update.
    public var dupd: Bool?
    /// Integrity period.
    public var period: Bool?
    /// General interrogation (default `true`).
    public var gi: Bool?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLTriggerOptions: SCLNode {
    static let schema = SCLSchema<SCLTriggerOptions>("TrgOps", attributes: [
        .bool("dchg", \.dchg),
        .bool("qchg", \.qchg),
        .bool("dupd", \.dupd),
        .bool("period", \.period),
        .bool("gi", \.gi),
    ], children: [
    ])
}

/// `<OptFields>`: what a report carries besides the values.
public struct SCLOptionalFields: Sendable, Hashable, Codable {
    /// Sequence number.
    public var seqNum: Bool?
    /// Time of entry.
    public var timeStamp: Bool?
    /// Dataset reference.
    public var dataSet: Bool?
    /// Reason codes.
    public var reasonCode: Bool?
    /// Data references.
    public var dataRef: Bool?
    /// Entry identifier.
    public var entryID: Bool?
    /// Configuration revision.
    public var configRef: Bool?
    /// Buffer overflow.
    public var bufOvfl: Bool?
    /// Segmentation.
    public var segmentation: Bool?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLOptionalFields: SCLNode {
    static let schema = SCLSchema<SCLOptionalFields>("OptFields", attributes: [
        .bool("seqNum", \.seqNum),
        .bool("timeStamp", \.timeStamp),
        .bool("dataSet", \.dataSet),
        .bool("reasonCode", \.reasonCode),
        .bool("dataRef", \.dataRef),
        .bool("entryID", \.entryID),
        .bool("configRef", \.configRef),
        .bool("bufOvfl", \.bufOvfl),
        .bool("segmentation", \.segmentation),
    ], children: [
    ])
}

/// `<RptEnabled>`: how many instances a report control block has and which clients it is for.
public struct SCLReportEnabled: Sendable, Hashable, Codable {
    /// The number of instances (default 1).
    public var max: Int?
    /// The description.
    public var desc: String?
    /// The clients.
    public var clientLNs: [SCLClientLN] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLReportEnabled: SCLNode {
    static let schema = SCLSchema<SCLReportEnabled>("RptEnabled", attributes: [
        .int("max", \.max),
        .string("desc", \.desc),
    ], children: [
        .many(\.clientLNs),
    ])
}

/// A `<ClientLN>`: a client logical node a control block serves.
public struct SCLClientLN: Sendable, Hashable, Codable {
    /// The client IED.
    public var iedName: String = ""
    /// The LD instance.
    public var ldInst: String?
    /// The LN prefix.
    public var prefix: String?
    /// The LN class.
    public var lnClass: String = ""
    /// The LN instance.
    public var lnInst: String?
    /// The access point.
    public var apRef: String?
    /// The description.
    public var desc: String?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLClientLN: SCLNode {
    static let schema = SCLSchema<SCLClientLN>("ClientLN", attributes: [
        .string("iedName", \.iedName),
        .string("ldInst", \.ldInst),
        .string("prefix", \.prefix),
        .string("lnClass", \.lnClass),
        .string("lnInst", \.lnInst),
        .string("apRef", \.apRef),
        .string("desc", \.desc),
    ], children: [
    ])
}

/// A `<LogControl>`: a log control block.
public struct SCLLogControl: Sendable, Hashable, Codable {
    /// The control block name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// The dataset name.
    public var datSet: String?
    /// The integrity period in ms.
    public var intgPd: Int?
    /// The log's LD instance.
    public var ldInst: String?
    /// The log's LN prefix.
    public var prefix: String?
    /// The log's LN class (default `LLN0`).
    public var lnClass: String?
    /// The log's LN instance.
    public var lnInst: String?
    /// The log name.
    public var logName: String = ""
    /// Whether logging is enabled (default `true`).
    public var logEna: Bool?
    /// Whether reason codes are logged (default `true`).
    public var reasonCode: Bool?
    /// The buffer time in ms.
    public var bufTime: Int?
    /// The trigger options.
    public var trgOps: SCLTriggerOptions?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLLogControl: SCLNode {
    static let schema = SCLSchema<SCLLogControl>("LogControl", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
        .string("datSet", \.datSet),
        .int("intgPd", \.intgPd),
        .string("ldInst", \.ldInst),
        .string("prefix", \.prefix),
        .string("lnClass", \.lnClass),
        .string("lnInst", \.lnInst),
        .string("logName", \.logName),
        .bool("logEna", \.logEna),
        .bool("reasonCode", \.reasonCode),
        .int("bufTime", \.bufTime),
    ], children: [
        .one(\.trgOps),
    ])
}

/// A `<Log>`.
public struct SCLLog: Sendable, Hashable, Codable {
    /// The log name.
    public var name: String?
    /// The description.
    public var desc: String?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLLog: SCLNode {
    static let schema = SCLSchema<SCLLog>("Log", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
    ], children: [
    ])
}

/// A `<GSEControl>`: a GOOSE control block.
public struct SCLGSEControl: Sendable, Hashable, Codable {
    /// The control block name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// The dataset name.
    public var datSet: String?
    /// The configuration revision.
    public var confRev: Int?
    /// The application identifier (GoID).
    public var appID: String = ""
    /// `GOOSE` (default) or `GSSE`.
    public var type: String?
    /// Fixed-offset encoding.
    public var fixedOffs: Bool?
    /// Security (`None`, `Signature`, `SignatureAndEncryption`).
    public var securityEnable: String?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLGSEControl: SCLNode {
    static let schema = SCLSchema<SCLGSEControl>("GSEControl", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
        .string("datSet", \.datSet),
        .int("confRev", \.confRev),
        .string("appID", \.appID),
        .string("type", \.type),
        .bool("fixedOffs", \.fixedOffs),
        .string("securityEnable", \.securityEnable),
    ], children: [
    ])
}

/// A `<SampledValueControl>`: a sampled value control block. `SmvOpts` is kept in ``otherContent``.
public struct SCLSampledValueControl: Sendable, Hashable, Codable {
    /// The control block name.
    public var name: String = ""
    /// The description.
    public var desc: String?
    /// The dataset name.
    public var datSet: String?
    /// The configuration revision.
    public var confRev: Int?
    /// The sampled value identifier.
    public var smvID: String = ""
    /// Multicast (default `true`).
    public var multicast: Bool?
    /// The sample rate.
    public var smpRate: Int = 0
    /// ASDUs per message.
    public var nofASDU: Int = 0
    /// The sample mode.
    public var smpMod: String?
    /// Security.
    public var securityEnable: String?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLSampledValueControl: SCLNode {
    static let schema = SCLSchema<SCLSampledValueControl>("SampledValueControl", attributes: [
        .string("name", \.name),
        .string("desc", \.desc),
        .string("datSet", \.datSet),
        .int("confRev", \.confRev),
        .string("smvID", \.smvID),
        .bool("multicast", \.multicast),
        .int("smpRate", \.smpRate),
        .int("nofASDU", \.nofASDU),
        .string("smpMod", \.smpMod),
        .string("securityEnable", \.securityEnable),
    ], children: [
    ])
}

/// `<SettingControl>`: the setting group control block.
public struct SCLSettingControl: Sendable, Hashable, Codable {
    /// The description.
    public var desc: String?
    /// The number of setting groups.
    public var numOfSGs: Int = 0
    /// The active group (default 1).
    public var actSG: Int?
    /// The reservation time.
    public var resvTms: Int?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLSettingControl: SCLNode {
    static let schema = SCLSchema<SCLSettingControl>("SettingControl", attributes: [
        .string("desc", \.desc),
        .int("numOfSGs", \.numOfSGs),
        .int("actSG", \.actSG),
        .int("resvTms", \.resvTms),
    ], children: [
    ])
}

/// `<Inputs>`: external references a logical node subscribes to.
public struct SCLInputs: Sendable, Hashable, Codable {
    /// The references.
    public var extRefs: [SCLExtRef] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLInputs: SCLNode {
    static let schema = SCLSchema<SCLInputs>("Inputs", attributes: [
    ], children: [
        .many(\.extRefs),
    ])
}

/// An `<ExtRef>`: one external input.
public struct SCLExtRef: Sendable, Hashable, Codable {
    /// The source IED.
    public var iedName: String?
    /// The source LD.
    public var ldInst: String?
    /// The source LN prefix.
    public var prefix: String?
    /// The source LN class.
    public var lnClass: String?
    /// The source LN instance.
    public var lnInst: String?
    /// The source data object.
    public var doName: String?
    /// The source attribute.
    public var daName: String?
    /// The internal address.
    public var intAddr: String?
    /// The description.
    public var desc: String?
    /// `Poll`, `Report`, `GOOSE`, `SMV`.
    public var serviceType: String?
    /// The source control block's LD.
    public var srcLDInst: String?
    /// The source control block's LN prefix.
    public var srcPrefix: String?
    /// The source control block's LN class.
    public var srcLNClass: String?
    /// The source control block's LN instance.
    public var srcLNInst: String?
    /// The source control block.
    public var srcCBName: String?
    /// The preferred service type (later binding).
    public var pServT: String?
    /// The preferred LN class.
    public var pLN: String?
    /// The preferred data object.
    public var pDO: String?
    /// The preferred attribute.
    public var pDA: String?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLExtRef: SCLNode {
    static let schema = SCLSchema<SCLExtRef>("ExtRef", attributes: [
        .string("iedName", \.iedName),
        .string("ldInst", \.ldInst),
        .string("prefix", \.prefix),
        .string("lnClass", \.lnClass),
        .string("lnInst", \.lnInst),
        .string("doName", \.doName),
        .string("daName", \.daName),
        .string("intAddr", \.intAddr),
        .string("desc", \.desc),
        .string("serviceType", \.serviceType),
        .string("srcLDInst", \.srcLDInst),
        .string("srcPrefix", \.srcPrefix),
        .string("srcLNClass", \.srcLNClass),
        .string("srcLNInst", \.srcLNInst),
        .string("srcCBName", \.srcCBName),
        .string("pServT", \.pServT),
        .string("pLN", \.pLN),
        .string("pDO", \.pDO),
        .string("pDA", \.pDA),
    ], children: [
    ])
}

/// `<DataTypeTemplates>`: the types instances refer to.
public struct SCLDataTypeTemplates: Sendable, Hashable, Codable {
    /// Logical node types.
    public var lNodeTypes: [SCLLNodeType] = []
    /// Data object types.
    public var doTypes: [SCLDOType] = []
    /// Structured attribute types.
    public var daTypes: [SCLDAType] = []
    /// Enumerations.
    public var enumTypes: [SCLEnumType] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLDataTypeTemplates: SCLNode {
    static let schema = SCLSchema<SCLDataTypeTemplates>("DataTypeTemplates", attributes: [
    ], children: [
        .many(\.lNodeTypes),
        .many(\.doTypes),
        .many(\.daTypes),
        .many(\.enumTypes),
    ])
}

/// An `<LNodeType>`: the data objects of a logical node class as a device implements it.
public struct SCLLNodeType: Sendable, Hashable, Codable {
    /// The type id.
    public var id: String = ""
    /// The LN class.
    public var lnClass: String = ""
    /// The description.
    public var desc: String?
    /// The IED type.
    public var iedType: String?
    /// The data objects.
    public var dataObjects: [SCLDataObjectDefinition] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLLNodeType: SCLNode {
    static let schema = SCLSchema<SCLLNodeType>("LNodeType", attributes: [
        .string("id", \.id),
        .string("lnClass", \.lnClass),
        .string("desc", \.desc),
        .string("iedType", \.iedType),
    ], children: [
        .many(\.dataObjects, element: "DO"),
    ])
}

/// A `<DO>` of an LNodeType or an `<SDO>` of a DOType.
public struct SCLDataObjectDefinition: Sendable, Hashable, Codable {
    /// The data object name.
    public var name: String = ""
    /// The `DOType` id.
    public var type: String = ""
    /// Access control.
    public var accessControl: String?
    /// Transient (`true` for some Ed. 2 DOs).
    public var transient: Bool?
    /// The array size of an SDO (a number, or the name of an attribute holding it).
    public var count: String?
    /// The description.
    public var desc: String?
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLDataObjectDefinition: SCLNode {
    static let schema = SCLSchema<SCLDataObjectDefinition>("DO", attributes: [
        .string("name", \.name),
        .string("type", \.type),
        .string("accessControl", \.accessControl),
        .bool("transient", \.transient),
        .string("count", \.count),
        .string("desc", \.desc),
    ], children: [
    ])
}

/// A `<DOType>`: a common data class as a device implements it.
public struct SCLDOType: Sendable, Hashable, Codable {
    /// The type id.
    public var id: String = ""
    /// The common data class, e.g. `SPS`.
    public var cdc: String = ""
    /// The CDC namespace.
    public var cdcNs: String?
    /// The IED type.
    public var iedType: String?
    /// The description.
    public var desc: String?
    /// The sub-data-objects and attributes, in declaration order.
    public var children: [SCLDOTypeChild] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLDOType: SCLNode {
    static let schema = SCLSchema<SCLDOType>("DOType", attributes: [
        .string("id", \.id),
        .string("cdc", \.cdc),
        .string("cdcNs", \.cdcNs),
        .string("iedType", \.iedType),
        .string("desc", \.desc),
    ], children: [
        .choice(\.children),
    ])
}

/// A `<DA>` of a DOType or a `<BDA>` of a DAType (a BDA has no FC and no trigger options).
public struct SCLDataAttributeDefinition: Sendable, Hashable, Codable {
    /// The attribute name.
    public var name: String = ""
    /// The basic type, e.g. `BOOLEAN`, `Struct`, `Enum`.
    public var bType: String = ""
    /// The `DAType` (Struct) or `EnumType` (Enum) id.
    public var type: String?
    /// The functional constraint (DA only).
    public var fc: FunctionalConstraint?
    /// Data change triggers (DA only).
    public var dchg: Bool?
    /// Quality change triggers (DA only).
    public var qchg: Bool?
    /// Data update triggers (DA only).
    public var dupd: Bool?
    /// The array size (a number, or the name of an attribute holding it).
    public var count: String?
    /// Who may change the value.
    public var valKind: String?
    /// Whether a tool may import a value.
    public var valImport: Bool?
    /// A short address.
    public var sAddr: String?
    /// The description.
    public var desc: String?
    /// Default values.
    public var values: [SCLVal] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLDataAttributeDefinition: SCLNode {
    static let schema = SCLSchema<SCLDataAttributeDefinition>("DA", attributes: [
        .string("name", \.name),
        .string("bType", \.bType),
        .string("type", \.type),
        .value("fc", \.fc),
        .bool("dchg", \.dchg),
        .bool("qchg", \.qchg),
        .bool("dupd", \.dupd),
        .string("count", \.count),
        .string("valKind", \.valKind),
        .bool("valImport", \.valImport),
        .string("sAddr", \.sAddr),
        .string("desc", \.desc),
    ], children: [
        .many(\.values),
    ])
}

/// A `<DAType>`: a structured attribute type.
public struct SCLDAType: Sendable, Hashable, Codable {
    /// The type id.
    public var id: String = ""
    /// The IED type.
    public var iedType: String?
    /// The description.
    public var desc: String?
    /// The components.
    public var attributes: [SCLDataAttributeDefinition] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLDAType: SCLNode {
    static let schema = SCLSchema<SCLDAType>("DAType", attributes: [
        .string("id", \.id),
        .string("iedType", \.iedType),
        .string("desc", \.desc),
    ], children: [
        .many(\.attributes, element: "BDA"),
    ])
}

/// An `<EnumType>`.
public struct SCLEnumType: Sendable, Hashable, Codable {
    /// The type id.
    public var id: String = ""
    /// The description.
    public var desc: String?
    /// The literals.
    public var values: [SCLEnumValue] = []
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLEnumType: SCLNode {
    static let schema = SCLSchema<SCLEnumType>("EnumType", attributes: [
        .string("id", \.id),
        .string("desc", \.desc),
    ], children: [
        .many(\.values),
    ])
}

/// An `<EnumVal ord=…>literal</EnumVal>`.
public struct SCLEnumValue: Sendable, Hashable, Codable {
    /// The ordinal.
    public var ord: Int = 0
    /// The description.
    public var desc: String?
    /// The literal (may be empty).
    public var literal: String = ""
    /// Attributes this library does not model (namespace declarations, vendor attributes), as read.
    public var otherAttributes: [SCLAttribute] = []
    /// Child elements this library does not model (`Private`, `Text`, other namespaces), as read.
    public var otherContent: [SCLElement] = []
    /// Where the element starts in the file it was read from.
    public var location = SCLSourceLocation()

    /// An empty element, to be filled in.
    public init() {}
}

extension SCLEnumValue: SCLNode {
    static let schema = SCLSchema<SCLEnumValue>("EnumVal", attributes: [
        .int("ord", \.ord),
        .string("desc", \.desc),
    ], children: [
    ], text: .string(\.literal))
}
