// Unbuffered report control blocks on the server (IEC 61850-7-2 §17.2, mapped per IEC 61850-8-1 §17): their
// configuration, their MMS shape under FC RP, and the rules for client writes.

/// The configuration of one URCB instance as a server hosts it.
public struct ServedReportControl: Sendable, Hashable {
    /// The logical device (MMS domain).
    public var domain: String
    /// The logical node holding it (usually `LLN0`).
    public var logicalNode: String
    /// The instance name (`EventsRCB01` for an indexed block).
    public var name: String
    /// `RptID` as configured.
    public var reportID: String
    /// The dataset, as MMS writes it: `LD/LN$Name`.
    public var dataSet: String
    /// `ConfRev`.
    public var configurationRevision: UInt32
    /// `OptFlds` as configured.
    public var optionalFields: ReportOptionalFields
    /// `BufTm` in ms.
    public var bufferTime: UInt32
    /// `TrgOps` as configured.
    public var triggerOptions: ReportTriggers
    /// `IntgPd` in ms.
    public var integrityPeriod: UInt32

    /// Creates a configuration.
    public init(domain: String, logicalNode: String, name: String, reportID: String, dataSet: String, configurationRevision: UInt32 = 1,
                optionalFields: ReportOptionalFields = [.sequenceNumber, .timeStamp, .dataSetName, .reasonCode, .configurationRevision],
                bufferTime: UInt32 = 0, triggerOptions: ReportTriggers = [.dataChange, .qualityChange, .generalInterrogation],
                integrityPeriod: UInt32 = 0) {
        self.domain = domain
        self.logicalNode = logicalNode
        self.name = name
        self.reportID = reportID
        self.dataSet = dataSet
        self.configurationRevision = configurationRevision
        self.optionalFields = optionalFields
        self.bufferTime = bufferTime
        self.triggerOptions = triggerOptions
        self.integrityPeriod = integrityPeriod
    }

    /// The MMS item of the block, `LN$RP$Name`.
    var item: String { "\(logicalNode)$RP$\(name)" }

    /// The URCB attributes in IEC 61850-8-1 order (Edition 2), with their MMS types.
    static let attributes: [(name: String, type: MMSTypeSpecification)] = [
        ("RptID", .visibleString(size: -129)), ("RptEna", .boolean), ("Resv", .boolean), ("DatSet", .visibleString(size: -129)),
        ("ConfRev", .unsigned(bits: 32)), ("OptFlds", .bitString(size: 10)), ("BufTm", .unsigned(bits: 32)), ("SqNum", .unsigned(bits: 8)),
        ("TrgOps", .bitString(size: 6)), ("IntgPd", .unsigned(bits: 32)), ("GI", .boolean), ("Owner", .octetString(size: -64)),
    ]

    /// The block's MMS type.
    static var type: MMSTypeSpecification {
        .structure(components: attributes.map { MMSComponent(name: $0.name, type: $0.type) }, packed: false)
    }
}

/// What a URCB is now: its writable attributes, who owns it, its sequence number.
struct ReportControlState: Sendable {
    var reportID: String
    var enabled = false
    var reserved = false
    var dataSet: String
    var configurationRevision: UInt32
    var optionalFields: ReportOptionalFields
    var bufferTime: UInt32
    var sequenceNumber: UInt8 = 0
    var triggerOptions: ReportTriggers
    var integrityPeriod: UInt32
    var owner: ObjectIdentifier?
    var ownerAddress: [UInt8] = []

    init(_ configuration: ServedReportControl) {
        reportID = configuration.reportID
        dataSet = configuration.dataSet
        configurationRevision = configuration.configurationRevision
        optionalFields = configuration.optionalFields
        bufferTime = configuration.bufferTime
        triggerOptions = configuration.triggerOptions
        integrityPeriod = configuration.integrityPeriod
    }

    /// The block's value, in the order of ``ServedReportControl/attributes``.
    var value: MMSValue {
        .structure([.visibleString(reportID), .boolean(enabled), .boolean(reserved), .visibleString(dataSet),
                    .unsigned(UInt64(configurationRevision)), .bitString(optionalFields.bits), .unsigned(UInt64(bufferTime)),
                    .unsigned(UInt64(sequenceNumber)), .bitString(triggerOptions.bits(size: 6)), .unsigned(UInt64(integrityPeriod)),
                    .boolean(false), .octetString(ownerAddress)])
    }
}

extension ServedModel {
    /// Hosts an unbuffered report control block in a model built in code: its attributes appear under FC `RP` of its
    /// logical node (IEC 61850-8-1), and the server runs it.
    /// - Throws: ``IEC61850Error`` (`invalidReference`) when the LD or LN does not exist, the name is taken, or the
    ///   dataset (`LD/LN$Name`) is not in the model.
    public mutating func addReportControl(_ control: ServedReportControl) throws(IEC61850Error) {
        func refuse(_ why: String) -> IEC61850Error {
            IEC61850Error(.invalidReference(why), operation: "addReportControl", object: "\(control.domain)/\(control.item)")
        }
        guard let device = logicalDevices.firstIndex(where: { $0.name == control.domain }),
              let node = logicalDevices[device].logicalNodes.firstIndex(where: { $0.name == control.logicalNode }) else {
            throw refuse("the model has no logical node \(control.domain)/\(control.logicalNode)")
        }
        guard !reportControls.contains(where: { $0.domain == control.domain && $0.item == control.item }) else { throw refuse("the name is taken") }
        let parts = control.dataSet.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, dataSet(domain: parts[0], name: parts[1]) != nil else {
            throw refuse("the dataset \(control.dataSet) is not in the model (LD/LN$Name)")
        }
        _ = (device, node)
        hostReportControl(control)
    }
}

extension ServedLogicalNode {
    /// Adds `name` under FC component `fc` (created, in alphabetical FC order, when missing).
    mutating func addComponent(fc: String, name: String, type componentType: MMSTypeSpecification, value componentValue: MMSValue) {
        guard case .structure(var fcs, let packed) = type, case .structure(var values) = value else { return }
        if let index = fcs.firstIndex(where: { $0.name == fc }), case .structure(var members, let memberPacked) = fcs[index].type,
           case .structure(var memberValues) = values[index] {
            members.append(MMSComponent(name: name, type: componentType))
            memberValues.append(componentValue)
            fcs[index].type = .structure(components: members, packed: memberPacked)
            values[index] = .structure(memberValues)
        } else {
            let index = fcs.firstIndex { $0.name > fc } ?? fcs.count
            fcs.insert(MMSComponent(name: fc, type: .structure(components: [MMSComponent(name: name, type: componentType)], packed: false)), at: index)
            values.insert(.structure([componentValue]), at: index)
        }
        replaceVariable(type: .structure(components: fcs, packed: packed), value: .structure(values))
    }
}
