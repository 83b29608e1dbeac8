// Report control blocks on the server (IEC 61850-7-2 §17.2, mapped per IEC 61850-8-1 §17): their configuration and
// their MMS shape under FC RP (unbuffered) or BR (buffered).

/// The configuration of one report control block instance (URCB or BRCB) as a server hosts it.
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
    /// Whether it is a BRCB: it keeps report entries in a buffer while no client has it enabled, with EntryIDs to
    /// resume from (IEC 61850-7-2 §17.2.3).
    public var isBuffered: Bool
    /// How many entries a BRCB keeps; beyond that the oldest are dropped and the next report says `BufOvfl`.
    public var bufferCapacity: Int

    /// Creates a configuration.
    public init(domain: String, logicalNode: String, name: String, reportID: String, dataSet: String, configurationRevision: UInt32 = 1,
                optionalFields: ReportOptionalFields = [.sequenceNumber, .timeStamp, .dataSetName, .reasonCode, .configurationRevision],
                bufferTime: UInt32 = 0, triggerOptions: ReportTriggers = [.dataChange, .qualityChange, .generalInterrogation],
                integrityPeriod: UInt32 = 0, isBuffered: Bool = false, bufferCapacity: Int = 1_000) {
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
        self.isBuffered = isBuffered
        self.bufferCapacity = max(1, bufferCapacity)
    }

    /// The functional constraint: `BR` or `RP`.
    var fc: String { isBuffered ? "BR" : "RP" }

    /// The MMS item of the block, `LN$RP$Name` or `LN$BR$Name`.
    var item: String { "\(logicalNode)$\(fc)$\(name)" }

    /// The URCB attributes in IEC 61850-8-1 order (Edition 2), with their MMS types.
    static let unbufferedAttributes: [(name: String, type: MMSTypeSpecification)] = [
        ("RptID", .visibleString(size: -129)), ("RptEna", .boolean), ("Resv", .boolean), ("DatSet", .visibleString(size: -129)),
        ("ConfRev", .unsigned(bits: 32)), ("OptFlds", .bitString(size: 10)), ("BufTm", .unsigned(bits: 32)), ("SqNum", .unsigned(bits: 8)),
        ("TrgOps", .bitString(size: 6)), ("IntgPd", .unsigned(bits: 32)), ("GI", .boolean), ("Owner", .octetString(size: -64)),
    ]

    /// The BRCB attributes in IEC 61850-8-1 order (Edition 2), with their MMS types.
    static let bufferedAttributes: [(name: String, type: MMSTypeSpecification)] = [
        ("RptID", .visibleString(size: -129)), ("RptEna", .boolean), ("DatSet", .visibleString(size: -129)), ("ConfRev", .unsigned(bits: 32)),
        ("OptFlds", .bitString(size: 10)), ("BufTm", .unsigned(bits: 32)), ("SqNum", .unsigned(bits: 16)), ("TrgOps", .bitString(size: 6)),
        ("IntgPd", .unsigned(bits: 32)), ("GI", .boolean), ("PurgeBuf", .boolean), ("EntryID", .octetString(size: 8)),
        ("TimeOfEntry", .binaryTime(includesDate: true)), ("ResvTms", .integer(bits: 16)), ("Owner", .octetString(size: -64)),
    ]

    /// The block's MMS type.
    var type: MMSTypeSpecification {
        .structure(components: (isBuffered ? Self.bufferedAttributes : Self.unbufferedAttributes).map { MMSComponent(name: $0.name, type: $0.type) },
                   packed: false)
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
    /// SqNum: 8 bits for a URCB, 16 for a BRCB (the engine wraps it).
    var sequenceNumber: UInt16 = 0
    var triggerOptions: ReportTriggers
    var integrityPeriod: UInt32
    var owner: ServerAssociationID?
    var ownerAddress: [UInt8] = []
    let isBuffered: Bool
    /// BRCB: the EntryID of the last entry sent, or the one a client wrote to resume after.
    var entryID: [UInt8] = Array(repeating: 0, count: 8)
    /// BRCB: the time of that entry.
    var timeOfEntry = MMSBinaryTime(milliseconds: 0, days: 0)
    /// BRCB: `ResvTms` (seconds; 0 not reserved, −1 reserved by configuration).
    var reservationTime: Int16 = 0

    init(_ configuration: ServedReportControl) {
        isBuffered = configuration.isBuffered
        reportID = configuration.reportID
        dataSet = configuration.dataSet
        configurationRevision = configuration.configurationRevision
        optionalFields = configuration.optionalFields
        bufferTime = configuration.bufferTime
        triggerOptions = configuration.triggerOptions
        integrityPeriod = configuration.integrityPeriod
    }

    /// The block's value, in the order of its attribute list.
    var value: MMSValue {
        if isBuffered {
            return .structure([.visibleString(reportID), .boolean(enabled), .visibleString(dataSet), .unsigned(UInt64(configurationRevision)),
                               .bitString(optionalFields.bits), .unsigned(UInt64(bufferTime)), .unsigned(UInt64(sequenceNumber)),
                               .bitString(triggerOptions.bits(size: 6)), .unsigned(UInt64(integrityPeriod)), .boolean(false), .boolean(false),
                               .octetString(entryID), .binaryTime(timeOfEntry), .integer(Int64(reservationTime)), .octetString(ownerAddress)])
        }
        return .structure([.visibleString(reportID), .boolean(enabled), .boolean(reserved), .visibleString(dataSet),
                           .unsigned(UInt64(configurationRevision)), .bitString(optionalFields.bits), .unsigned(UInt64(bufferTime)),
                           .unsigned(UInt64(sequenceNumber & 0xFF)), .bitString(triggerOptions.bits(size: 6)), .unsigned(UInt64(integrityPeriod)),
                           .boolean(false), .octetString(ownerAddress)])
    }
}

extension ServedModel {
    /// Hosts a report control block in a model built in code: its attributes appear under FC `RP` (URCB) or `BR`
    /// (BRCB) of its logical node (IEC 61850-8-1), and the server runs it.
    /// - Throws: ``IEC61850Error`` (`invalidReference`) when the LD or LN does not exist, the name is taken, or the
    ///   dataset (`LD/LN$Name`) is not in the model.
    public mutating func addReportControl(_ control: ServedReportControl) throws(IEC61850Error) {
        func refuse(_ why: String) -> IEC61850Error {
            IEC61850Error(.invalidReference(why), operation: "addReportControl", object: "\(control.domain)/\(control.item)")
        }
        guard logicalDevices.first(where: { $0.name == control.domain })?.logicalNodes.contains(where: { $0.name == control.logicalNode }) == true else {
            throw refuse("the model has no logical node \(control.domain)/\(control.logicalNode)")
        }
        guard !reportControls.contains(where: { $0.domain == control.domain && $0.item == control.item }) else { throw refuse("the name is taken") }
        guard case .persistent(let domain, let item)? = DataSetName(reference: control.dataSet), dataSet(domain: domain, name: item) != nil else {
            throw refuse("the dataset \(control.dataSet) is not in the model (LD/LN$Name)")
        }
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
