// The resolved model of one IED access point: what a server hosts and what a client can compare a
// device against. Built from an SCLDocument by SCLResolver.

public import IEC61850Model

/// One IED's data model as its server exposes it: every logical device, logical node, data object and data
/// attribute with its functional constraint, basic type, value and trigger options, plus datasets and
/// control blocks. Types are resolved, instance values (DOI/SDI/DAI) applied over type defaults.
public struct IEDModel: Sendable, Hashable {
    /// The IED name.
    public var name: String
    /// The access point whose server this is.
    public var accessPoint: String
    /// The manufacturer, from the IED element.
    public var manufacturer: String?
    /// The device type, from the IED element.
    public var type: String?
    /// The configuration version, from the IED element.
    public var configVersion: String?
    /// The logical devices, in document order.
    public var logicalDevices: [LogicalDevice]

    /// Creates a model.
    public init(name: String, accessPoint: String, manufacturer: String? = nil, type: String? = nil, configVersion: String? = nil,
                logicalDevices: [LogicalDevice]) {
        self.name = name
        self.accessPoint = accessPoint
        self.manufacturer = manufacturer
        self.type = type
        self.configVersion = configVersion
        self.logicalDevices = logicalDevices
    }

    /// A logical device.
    public struct LogicalDevice: Sendable, Hashable {
        /// The LD instance (`inst`).
        public var inst: String
        /// The LD name and MMS domain: `ldName`, or IED name + inst.
        public var name: String
        /// The description.
        public var desc: String?
        /// The logical nodes: LLN0 first, then the others in document order.
        public var logicalNodes: [LogicalNode]

        /// Creates a logical device.
        public init(inst: String, name: String, desc: String? = nil, logicalNodes: [LogicalNode]) {
            self.inst = inst
            self.name = name
            self.desc = desc
            self.logicalNodes = logicalNodes
        }
    }

    /// A logical node with its data, datasets and control blocks.
    public struct LogicalNode: Sendable, Hashable {
        /// The prefix.
        public var prefix: String
        /// The LN class.
        public var lnClass: String
        /// The instance.
        public var inst: String
        /// The `LNodeType` id.
        public var lnType: String
        /// The description.
        public var desc: String?
        /// The data objects, in LNodeType order.
        public var dataObjects: [DataObject]
        /// Datasets (members checked against the model).
        public var dataSets: [DataSet]
        /// Report control blocks (their datasets checked).
        public var reportControls: [SCLReportControl]
        /// Log control blocks.
        public var logControls: [SCLLogControl]
        /// Logs.
        public var logs: [SCLLog]
        /// GOOSE control blocks.
        public var gseControls: [SCLGSEControl]
        /// Sampled value control blocks.
        public var sampledValueControls: [SCLSampledValueControl]
        /// The setting group control block.
        public var settingControl: SCLSettingControl?

        /// The LN name: prefix + class + instance.
        public var name: String { prefix + lnClass + inst }

        /// Creates a logical node.
        public init(prefix: String = "", lnClass: String, inst: String = "", lnType: String = "", desc: String? = nil, dataObjects: [DataObject],
                    dataSets: [DataSet] = [], reportControls: [SCLReportControl] = [], logControls: [SCLLogControl] = [], logs: [SCLLog] = [],
                    gseControls: [SCLGSEControl] = [], sampledValueControls: [SCLSampledValueControl] = [], settingControl: SCLSettingControl? = nil) {
            self.prefix = prefix
            self.lnClass = lnClass
            self.inst = inst
            self.lnType = lnType
            self.desc = desc
            self.dataObjects = dataObjects
            self.dataSets = dataSets
            self.reportControls = reportControls
            self.logControls = logControls
            self.logs = logs
            self.gseControls = gseControls
            self.sampledValueControls = sampledValueControls
            self.settingControl = settingControl
        }

        /// The data object called `name`.
        public func dataObject(named name: String) -> DataObject? { dataObjects.first { $0.name == name } }
    }

    /// A data object (DO) or sub-data-object (SDO).
    public struct DataObject: Sendable, Hashable {
        /// The name.
        public var name: String
        /// The common data class, e.g. `SPS`.
        public var cdc: String
        /// The `DOType` id.
        public var typeID: String
        /// The description.
        public var desc: String?
        /// Sub-data-objects and attributes, in DOType order.
        public var children: [DataNode]
        /// The array size, for an SDO array (`count`).
        public var count: Int?
        /// The array elements when `count` is set (each shaped like the DOType).
        public var elements: [DataObject]

        /// Creates a data object.
        public init(name: String, cdc: String, typeID: String = "", desc: String? = nil, children: [DataNode], count: Int? = nil, elements: [DataObject] = []) {
            self.name = name
            self.cdc = cdc
            self.typeID = typeID
            self.desc = desc
            self.children = children
            self.count = count
            self.elements = elements
        }

        /// The child called `name`.
        public func child(named name: String) -> DataNode? { children.first { $0.name == name } }
    }

    /// A child of a data object.
    public enum DataNode: Sendable, Hashable {
        /// A sub-data-object.
        case dataObject(DataObject)
        /// A data attribute.
        case dataAttribute(DataAttribute)

        /// The child's name.
        public var name: String {
            switch self {
            case .dataObject(let object): object.name
            case .dataAttribute(let attribute): attribute.name
            }
        }
    }

    /// Which changes of an attribute trigger reports and log entries (`dchg`, `qchg`, `dupd`).
    public struct TriggerOptions: OptionSet, Sendable, Hashable {
        /// The raw bits.
        public var rawValue: UInt8
        /// Creates options from bits.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Data change.
        public static let dataChange = TriggerOptions(rawValue: 1)
        /// Quality change.
        public static let qualityChange = TriggerOptions(rawValue: 2)
        /// Data update.
        public static let dataUpdate = TriggerOptions(rawValue: 4)
    }

    /// A data attribute (DA) or one of its components (BDA), with its value.
    public struct DataAttribute: Sendable, Hashable {
        /// The name.
        public var name: String
        /// The functional constraint (a BDA has its DA's).
        public var fc: FunctionalConstraint
        /// The basic type.
        public var bType: SCLBasicType
        /// The `DAType` (Struct) or `EnumType` (Enum) id.
        public var typeID: String?
        /// Trigger options (a BDA has its DA's).
        public var triggers: TriggerOptions
        /// `valKind`, when given.
        public var valKind: String?
        /// The short address, when given.
        public var sAddr: String?
        /// The value: instance value (DAI) over type default (DA/BDA Val) over the type's zero; `nil` for structures and arrays.
        public var value: MMSValue?
        /// Values per setting group (`Val sGroup=…`), when the SCL gives them.
        public var settingGroupValues: [Int: MMSValue]
        /// The components of a `Struct`.
        public var components: [DataAttribute]
        /// The array size (`count`).
        public var count: Int?
        /// The array elements when `count` is set.
        public var elements: [DataAttribute]

        /// Creates an attribute.
        public init(name: String, fc: FunctionalConstraint, bType: SCLBasicType, typeID: String? = nil, triggers: TriggerOptions = [],
                    valKind: String? = nil, sAddr: String? = nil, value: MMSValue? = nil, settingGroupValues: [Int: MMSValue] = [:],
                    components: [DataAttribute] = [], count: Int? = nil, elements: [DataAttribute] = []) {
            self.name = name
            self.fc = fc
            self.bType = bType
            self.typeID = typeID
            self.triggers = triggers
            self.valKind = valKind
            self.sAddr = sAddr
            self.value = value
            self.settingGroupValues = settingGroupValues
            self.components = components
            self.count = count
            self.elements = elements
        }
    }

    /// A dataset with its members resolved to model paths.
    public struct DataSet: Sendable, Hashable {
        /// The dataset name.
        public var name: String
        /// The description.
        public var desc: String?
        /// The members, in order.
        public var members: [Member]

        /// Creates a dataset.
        public init(name: String, desc: String? = nil, members: [Member]) {
            self.name = name
            self.desc = desc
            self.members = members
        }

        /// A dataset member: a functionally constrained data object or attribute.
        public struct Member: Sendable, Hashable {
            /// The logical device name (MMS domain).
            public var logicalDevice: String
            /// The logical node name.
            public var logicalNode: String
            /// The functional constraint.
            public var fc: FunctionalConstraint
            /// DO, SDO…, DA, BDA… names.
            public var path: [String]
            /// The array index, when the member is one element.
            public var index: Int?

            /// Creates a member.
            public init(logicalDevice: String, logicalNode: String, fc: FunctionalConstraint, path: [String], index: Int? = nil) {
                self.logicalDevice = logicalDevice
                self.logicalNode = logicalNode
                self.fc = fc
                self.path = path
                self.index = index
            }

            /// `LD/LN.DO.DA[FC]`.
            public var reference: String {
                "\(logicalDevice)/\(logicalNode)" + path.map { "." + $0 }.joined() + (index.map { "(\($0))" } ?? "") + " [\(fc.rawValue)]"
            }
        }
    }

    /// Numbers of things in the model.
    public struct Counts: Sendable, Hashable, Codable {
        /// Logical devices.
        public var logicalDevices = 0
        /// Logical nodes (LN0 included).
        public var logicalNodes = 0
        /// Data objects directly under logical nodes.
        public var dataObjects = 0
        /// Leaf data attributes (an array counts once; structures count their leaves).
        public var dataAttributes = 0
        /// Datasets.
        public var dataSets = 0
        /// Report control blocks (`ReportControl` elements, buffered and unbuffered).
        public var reportControls = 0
        /// GOOSE control blocks.
        public var gseControls = 0
        /// Sampled value control blocks.
        public var sampledValueControls = 0
        /// Log control blocks.
        public var logControls = 0

        /// All zero.
        public init() {}
    }

    /// Counts of logical devices, nodes, data objects, leaf attributes, datasets and control blocks.
    public var counts: Counts {
        var counts = Counts()
        func leaves(_ attribute: DataAttribute) -> Int {
            if attribute.count != nil { return attribute.elements.first.map(leaves) ?? 0 }
            if attribute.bType == .structure { return attribute.components.reduce(0) { $0 + leaves($1) } }
            return 1
        }
        func leaves(_ object: DataObject) -> Int {
            if object.count != nil { return object.elements.first.map(leaves) ?? 0 }
            return object.children.reduce(0) { total, child in
                switch child {
                case .dataObject(let sub): total + leaves(sub)
                case .dataAttribute(let attribute): total + leaves(attribute)
                }
            }
        }
        for device in logicalDevices {
            counts.logicalDevices += 1
            for node in device.logicalNodes {
                counts.logicalNodes += 1
                counts.dataObjects += node.dataObjects.count
                counts.dataAttributes += node.dataObjects.reduce(0) { $0 + leaves($1) }
                counts.dataSets += node.dataSets.count
                counts.reportControls += node.reportControls.count
                counts.gseControls += node.gseControls.count
                counts.sampledValueControls += node.sampledValueControls.count
                counts.logControls += node.logControls.count
            }
        }
        return counts
    }
}

// MARK: - IEC 61850-8-1 mapping

extension IEDModel.LogicalNode {
    /// The functional constraints present in the node, in the order its MMS variable lists them (alphabetical).
    public var functionalConstraints: [FunctionalConstraint] {
        var set: Set<FunctionalConstraint> = []
        func collect(_ object: IEDModel.DataObject) {
            for child in object.count != nil ? object.elements.first?.children ?? [] : object.children {
                switch child {
                case .dataObject(let sub): collect(sub)
                case .dataAttribute(let attribute): set.insert(attribute.fc)
                }
            }
        }
        dataObjects.forEach(collect)
        return set.sorted { $0.rawValue < $1.rawValue }
    }

    /// The node as one MMS named variable (IEC 61850-8-1 §6.1.2): a structure of FCs, each a structure of the data
    /// objects with attributes of that FC.
    public var mmsVariable: (type: MMSTypeSpecification, value: MMSValue) {
        var types: [MMSComponent] = []
        var values: [MMSValue] = []
        for fc in functionalConstraints {
            var fcTypes: [MMSComponent] = []
            var fcValues: [MMSValue] = []
            for object in dataObjects {
                if let (type, value) = object.mms(in: fc) {
                    fcTypes.append(MMSComponent(name: object.name, type: type))
                    fcValues.append(value)
                }
            }
            types.append(MMSComponent(name: fc.rawValue, type: .structure(components: fcTypes, packed: false)))
            values.append(.structure(fcValues))
        }
        return (.structure(components: types, packed: false), .structure(values))
    }
}

extension IEDModel.DataObject {
    /// The part of the data object under `fc`, as MMS type and value; `nil` when it has nothing there.
    public func mms(in fc: FunctionalConstraint) -> (type: MMSTypeSpecification, value: MMSValue)? {
        if count != nil {
            let parts = elements.compactMap { $0.mms(in: fc) }
            guard let first = parts.first, parts.count == elements.count else { return nil }
            return (.array(count: UInt32(parts.count), packed: false, element: first.type), .array(parts.map(\.value)))
        }
        var types: [MMSComponent] = []
        var values: [MMSValue] = []
        for child in children {
            switch child {
            case .dataObject(let sub):
                if let (type, value) = sub.mms(in: fc) {
                    types.append(MMSComponent(name: sub.name, type: type))
                    values.append(value)
                }
            case .dataAttribute(let attribute) where attribute.fc == fc:
                let (type, value) = attribute.mms
                types.append(MMSComponent(name: attribute.name, type: type))
                values.append(value)
            case .dataAttribute:
                continue
            }
        }
        return types.isEmpty ? nil : (.structure(components: types, packed: false), .structure(values))
    }
}

extension IEDModel.DataAttribute {
    /// The attribute as MMS type and value.
    public var mms: (type: MMSTypeSpecification, value: MMSValue) {
        if count != nil {
            let parts = elements.map(\.mms)
            let elementType = parts.first?.type ?? .structure(components: [], packed: false)
            return (.array(count: UInt32(parts.count), packed: false, element: elementType), .array(parts.map(\.value)))
        }
        if bType == .structure {
            let parts = components.map(\.mms)
            return (.structure(components: zip(components, parts).map { MMSComponent(name: $0.0.name, type: $0.1.type) }, packed: false),
                    .structure(parts.map(\.value)))
        }
        let type = bType.mmsType ?? .structure(components: [], packed: false)
        return (type, value ?? SCLBasicType.zero(of: type))
    }
}

extension IEDModel.LogicalNode {
    /// One leaf data attribute with where it is: the flat view of a logical node.
    public struct Leaf: Sendable, Hashable {
        /// DO, SDO…, DA, BDA… names; array elements appear as `name(index)` (only element 0's shape is listed).
        public var path: [String]
        /// The attribute (its `value`, `fc`, `bType`, `triggers`…).
        public var attribute: IEDModel.DataAttribute
    }

    /// Every leaf attribute (not structures) in model order, an array's shape listed once as its element 0.
    public var leaves: [Leaf] {
        var out: [Leaf] = []
        func visit(_ attribute: IEDModel.DataAttribute, _ path: [String]) {
            if attribute.count != nil, let first = attribute.elements.first {
                visit(first, path.dropLast() + [path.last.map { "\($0)(0)" } ?? "(0)"])
            } else if attribute.bType == .structure {
                for component in attribute.components { visit(component, path + [component.name]) }
            } else {
                out.append(Leaf(path: path, attribute: attribute))
            }
        }
        func visit(_ object: IEDModel.DataObject, _ path: [String]) {
            if object.count != nil, let first = object.elements.first {
                visit(first, path.dropLast() + [path.last.map { "\($0)(0)" } ?? "(0)"])
                return
            }
            for child in object.children {
                switch child {
                case .dataObject(let sub): visit(sub, path + [sub.name])
                case .dataAttribute(let attribute): visit(attribute, path + [attribute.name])
                }
            }
        }
        for object in dataObjects { visit(object, [object.name]) }
        return out
    }
}
