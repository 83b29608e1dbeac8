// Reports on the client (IEC 61850-7-2 §17, mapped per IEC 61850-8-1 §17): report control block references and
// values, the report PDU (an MMS InformationReport on the variable list `RPT`), and its fields.

/// One report as received: the fields its `OptFlds` announce, and the included dataset members.
public struct Report: Sendable, Hashable {
    /// `RptID`.
    public var reportID: String
    /// What the report carries.
    public var optionalFields: ReportOptionalFields
    /// `SqNum`.
    public var sequenceNumber: UInt32?
    /// `TimeOfEntry`.
    public var timeOfEntry: MMSBinaryTime?
    /// `DatSet`: the dataset reference as the server wrote it.
    public var dataSet: String?
    /// `BufOvfl`: entries were lost from a BRCB's buffer before this report.
    public var bufferOverflow: Bool?
    /// `EntryID` (8 octets for a BRCB): where to resynchronise after a reconnection.
    public var entryID: [UInt8]?
    /// `ConfRev`.
    public var configurationRevision: UInt32?
    /// `SubSqNum` of a segmented report.
    public var subSequenceNumber: UInt32?
    /// `MoreSegmentsFollow`.
    public var moreSegmentsFollow: Bool?
    /// Which dataset members are included (the bit string's size is the dataset's size).
    public var inclusion: MMSBitString
    /// The included members, in dataset order.
    public var entries: [Entry]
    /// Reports this consumer missed just before this one because its buffer was full (0 when none): a slow
    /// consumer is told, never silently skipped.
    public var missedBefore = 0
    /// `true` when this report was reassembled from segments and at least one segment never arrived.
    public var isIncomplete = false

    /// One included dataset member.
    public struct Entry: Sendable, Hashable {
        /// The member's position in the dataset.
        public var index: Int
        /// The member's reference, when the report carries data references (`LD/LN$FC$DO$DA`, as the server wrote it).
        public var reference: String?
        /// The value.
        public var value: MMSValue
        /// Why it is included, when the report carries reason codes.
        public var reason: ReportTriggers?
    }

    /// Decodes the access results of an InformationReport on `RPT` (IEC 61850-8-1 §17.2.3, Table 36).
    /// - Throws: ``IEC61850Error`` (`protocolViolation`-like `unexpectedResponse`) naming the field that does not fit.
    public init(results: [AccessResult]) throws(IEC61850Error) {
        var cursor = results[...]
        func next(_ field: String) throws(IEC61850Error) -> MMSValue {
            guard let first = cursor.first else { throw Report.error("the report ends before \(field)") }
            cursor = cursor.dropFirst()
            guard case .success(let value) = first else { throw Report.error("\(field) is a DataAccessError") }
            return value
        }
        func unsigned(_ field: String) throws(IEC61850Error) -> UInt32 {
            switch try next(field) {
            case .unsigned(let value) where value <= UInt64(UInt32.max): return UInt32(value)
            case .integer(let value) where value >= 0 && value <= Int64(UInt32.max): return UInt32(value)
            case let other: throw Report.error("\(field) is \(other), not an unsigned integer")
            }
        }
        func boolean(_ field: String) throws(IEC61850Error) -> Bool {
            guard case .boolean(let value) = try next(field) else { throw Report.error("\(field) is not a boolean") }
            return value
        }
        func string(_ field: String) throws(IEC61850Error) -> String {
            switch try next(field) {
            case .visibleString(let text), .mmsString(let text): return text
            case let other: throw Report.error("\(field) is \(other), not a string")
            }
        }
        func bits(_ field: String) throws(IEC61850Error) -> MMSBitString {
            guard case .bitString(let bits) = try next(field) else { throw Report.error("\(field) is not a bit string") }
            return bits
        }

        reportID = try string("RptID")
        optionalFields = ReportOptionalFields(bits: try bits("OptFlds"))
        if optionalFields.contains(.sequenceNumber) { sequenceNumber = try unsigned("SqNum") }
        if optionalFields.contains(.timeStamp) {
            guard case .binaryTime(let time) = try next("TimeOfEntry") else { throw Report.error("TimeOfEntry is not a binary time") }
            timeOfEntry = time
        }
        if optionalFields.contains(.dataSetName) { dataSet = try string("DatSet") }
        if optionalFields.contains(.bufferOverflow) { bufferOverflow = try boolean("BufOvfl") }
        if optionalFields.contains(.entryID) {
            guard case .octetString(let octets) = try next("EntryID") else { throw Report.error("EntryID is not an octet string") }
            entryID = octets
        }
        if optionalFields.contains(.configurationRevision) { configurationRevision = try unsigned("ConfRev") }
        if optionalFields.contains(.segmentation) {
            subSequenceNumber = try unsigned("SubSqNum")
            moreSegmentsFollow = try boolean("MoreSegmentsFollow")
        }
        let inclusionBits = try bits("Inclusion")
        inclusion = inclusionBits
        let included = inclusionBits.bits.indices.filter { inclusionBits.bits[$0] }
        var references: [String?] = Array(repeating: nil, count: included.count)
        if optionalFields.contains(.dataReference) {
            for position in included.indices { references[position] = try string("data reference \(position + 1)") }
        }
        var values: [MMSValue] = []
        values.reserveCapacity(included.count)
        for position in included.indices { values.append(try next("value \(position + 1)")) }
        var reasons: [ReportTriggers?] = Array(repeating: nil, count: included.count)
        if optionalFields.contains(.reasonCode) {
            for position in included.indices { reasons[position] = ReportTriggers(bits: try bits("reason code \(position + 1)")) }
        }
        guard cursor.isEmpty else { throw Report.error("\(cursor.count) unexpected results after the report's last field") }
        entries = included.indices.map { Entry(index: included[$0], reference: references[$0], value: values[$0], reason: reasons[$0]) }
    }

    private static func error(_ what: String) -> IEC61850Error {
        IEC61850Error(.unexpectedResponse("malformed report: \(what)"), operation: "report")
    }
}

/// A report control block's reference: `LD/LN.RP.Name` (unbuffered) or `LD/LN.BR.Name` (buffered); `$` may stand
/// for the dots (`LD/LLN0$RP$Name`). Indexed instances are plain names (`EventsRCB01`).
public struct ReportControlBlockReference: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The logical device (MMS domain).
    public var logicalDevice: String
    /// The logical node, usually `LLN0`.
    public var logicalNode: String
    /// Whether it is a BRCB (`BR`) rather than a URCB (`RP`).
    public var isBuffered: Bool
    /// The control block's name.
    public var name: String

    /// Creates a reference.
    public init(logicalDevice: String, logicalNode: String, isBuffered: Bool, name: String) {
        self.logicalDevice = logicalDevice
        self.logicalNode = logicalNode
        self.isBuffered = isBuffered
        self.name = name
    }

    /// Parses `LD/LN.RP.Name`, `LD/LN.BR.Name` or the `$` forms; `nil` otherwise.
    public init?(parsing text: String) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        let device = String(text[..<slash])
        let parts = text[text.index(after: slash)...].split(whereSeparator: { $0 == "." || $0 == "$" }).map(String.init)
        guard !device.isEmpty, parts.count == 3, parts[1] == "RP" || parts[1] == "BR", !parts[0].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(logicalDevice: device, logicalNode: parts[0], isBuffered: parts[1] == "BR", name: parts[2])
    }

    /// A reference from a literal; an unparsable literal names nothing (the server will say so).
    public init(stringLiteral value: String) {
        self = ReportControlBlockReference(parsing: value) ?? ReportControlBlockReference(logicalDevice: value, logicalNode: "", isBuffered: false, name: "")
    }

    /// The functional constraint: `BR` or `RP`.
    public var fc: FunctionalConstraint { isBuffered ? .BR : .RP }

    /// `LD/LN.RP.Name`.
    public var description: String { "\(logicalDevice)/\(logicalNode).\(fc.rawValue).\(name)" }

    /// The MMS variable `LN$RP$Name` in domain `LD`, or one of its attributes.
    func variable(_ attribute: String? = nil) -> MMSVariableSpecification {
        MMSVariableSpecification(name: .domainSpecific(domain: logicalDevice,
                                                       item: "\(logicalNode)$\(fc.rawValue)$\(name)" + (attribute.map { "$" + $0 } ?? "")))
    }
}

/// A report control block's attributes as read from the server (IEC 61850-7-2 §17.2.2 / §17.2.3). Attributes the
/// server's edition does not have are `nil`; ``attributes`` keeps every component as read.
public struct ReportControlBlock: Sendable, Hashable {
    /// The control block.
    public var reference: ReportControlBlockReference
    /// Every component, by name, as read.
    public var attributes: [String: MMSValue]

    /// `RptID`.
    public var reportID: String? { string("RptID") }
    /// `RptEna`.
    public var isEnabled: Bool? { boolean("RptEna") }
    /// `Resv` (URCB).
    public var isReserved: Bool? { boolean("Resv") }
    /// `ResvTms` (BRCB, Ed. 2).
    public var reservationTime: Int64? { integer("ResvTms") }
    /// `DatSet`.
    public var dataSet: String? { string("DatSet") }
    /// `ConfRev`.
    public var configurationRevision: Int64? { integer("ConfRev") }
    /// `OptFlds`.
    public var optionalFields: ReportOptionalFields? { bits("OptFlds").map(ReportOptionalFields.init(bits:)) }
    /// `BufTm` in ms.
    public var bufferTime: Int64? { integer("BufTm") }
    /// `SqNum`.
    public var sequenceNumber: Int64? { integer("SqNum") }
    /// `TrgOps`.
    public var triggerOptions: ReportTriggers? { bits("TrgOps").map(ReportTriggers.init(bits:)) }
    /// `IntgPd` in ms.
    public var integrityPeriod: Int64? { integer("IntgPd") }
    /// `GI`.
    public var generalInterrogation: Bool? { boolean("GI") }
    /// `PurgeBuf` (BRCB).
    public var purgeBuffer: Bool? { boolean("PurgeBuf") }
    /// `EntryID` (BRCB).
    public var entryID: [UInt8]? {
        if case .octetString(let octets)? = attributes["EntryID"] { return octets }
        return nil
    }
    /// `TimeOfEntry` (BRCB).
    public var timeOfEntry: MMSBinaryTime? {
        if case .binaryTime(let time)? = attributes["TimeOfEntry"] { return time }
        return nil
    }
    /// `Owner` (Ed. 2): the client that reserved or enabled it.
    public var owner: [UInt8]? {
        if case .octetString(let octets)? = attributes["Owner"] { return octets }
        return nil
    }

    private func string(_ name: String) -> String? {
        switch attributes[name] {
        case .visibleString(let text)?, .mmsString(let text)?: text
        default: nil
        }
    }

    private func boolean(_ name: String) -> Bool? {
        if case .boolean(let value)? = attributes[name] { return value }
        return nil
    }

    private func integer(_ name: String) -> Int64? {
        switch attributes[name] {
        case .integer(let value)?: value
        case .unsigned(let value)?: Int64(exactly: value)
        default: nil
        }
    }

    private func bits(_ name: String) -> MMSBitString? {
        if case .bitString(let bits)? = attributes[name] { return bits }
        return nil
    }
}

/// What to change on a report control block; `nil` fields are left alone. ``IEC61850Client/setReportControlBlock(_:_:)``
/// writes them one by one in the order IEC 61850-7-2 allows (reservation first, `RptEna` after the settings,
/// `GI` last), stopping at the first refusal.
public struct ReportSettings: Sendable, Hashable {
    /// `Resv` (URCB): reserve for this client.
    public var reserve: Bool?
    /// `ResvTms` (BRCB, Ed. 2): reservation time in seconds; −1 reserves by configuration.
    public var reservationTime: Int16?
    /// `RptID`.
    public var reportID: String?
    /// `DatSet` (`LD/LN$Name` as MMS writes it).
    public var dataSet: String?
    /// `OptFlds`.
    public var optionalFields: ReportOptionalFields?
    /// `BufTm` in ms.
    public var bufferTime: UInt32?
    /// `TrgOps`.
    public var triggerOptions: ReportTriggers?
    /// `IntgPd` in ms.
    public var integrityPeriod: UInt32?
    /// `PurgeBuf` (BRCB): discard buffered entries.
    public var purgeBuffer: Bool?
    /// `EntryID` (BRCB): resume after this entry.
    public var entryID: [UInt8]?
    /// `RptEna`.
    public var enable: Bool?
    /// `GI`: request a general interrogation (needs `RptEna` true).
    public var generalInterrogation: Bool?

    /// Nothing to change.
    public init(reserve: Bool? = nil, reservationTime: Int16? = nil, reportID: String? = nil, dataSet: String? = nil,
                optionalFields: ReportOptionalFields? = nil, bufferTime: UInt32? = nil, triggerOptions: ReportTriggers? = nil,
                integrityPeriod: UInt32? = nil, purgeBuffer: Bool? = nil, entryID: [UInt8]? = nil, enable: Bool? = nil,
                generalInterrogation: Bool? = nil) {
        self.reserve = reserve
        self.reservationTime = reservationTime
        self.reportID = reportID
        self.dataSet = dataSet
        self.optionalFields = optionalFields
        self.bufferTime = bufferTime
        self.triggerOptions = triggerOptions
        self.integrityPeriod = integrityPeriod
        self.purgeBuffer = purgeBuffer
        self.entryID = entryID
        self.enable = enable
        self.generalInterrogation = generalInterrogation
    }

    /// The writes, in order: attribute name and value.
    var writes: [(String, MMSValue)] {
        var writes: [(String, MMSValue)] = []
        if let reserve { writes.append(("Resv", .boolean(reserve))) }
        if let reservationTime { writes.append(("ResvTms", .integer(Int64(reservationTime)))) }
        if let reportID { writes.append(("RptID", .visibleString(reportID))) }
        if let dataSet { writes.append(("DatSet", .visibleString(dataSet))) }
        if let optionalFields { writes.append(("OptFlds", .bitString(optionalFields.bits))) }
        if let bufferTime { writes.append(("BufTm", .unsigned(UInt64(bufferTime)))) }
        if let triggerOptions { writes.append(("TrgOps", .bitString(triggerOptions.bits(size: 6)))) }
        if let integrityPeriod { writes.append(("IntgPd", .unsigned(UInt64(integrityPeriod)))) }
        if let purgeBuffer { writes.append(("PurgeBuf", .boolean(purgeBuffer))) }
        if let entryID { writes.append(("EntryID", .octetString(entryID))) }
        if let enable { writes.append(("RptEna", .boolean(enable))) }
        if let generalInterrogation { writes.append(("GI", .boolean(generalInterrogation))) }
        return writes
    }
}

extension Report {
    /// Adds the next segment of the same report (same RptID and SqNum, `SubSqNum` one higher).
    mutating func append(segment: Report) {
        let size = max(inclusion.bits.count, segment.inclusion.bits.count)
        var bits = inclusion.bits + Array(repeating: false, count: size - inclusion.bits.count)
        for (index, bit) in segment.inclusion.bits.enumerated() where bit { bits[index] = true }
        inclusion = MMSBitString(bits: bits)
        entries += segment.entries  // put in dataset order once, when the report is complete
        subSequenceNumber = segment.subSequenceNumber
        moreSegmentsFollow = segment.moreSegmentsFollow
        isIncomplete = isIncomplete || segment.isIncomplete
    }
}
