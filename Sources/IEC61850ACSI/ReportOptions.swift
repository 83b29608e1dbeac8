// What a report carries and why it was sent (IEC 61850-7-2 §17.2, 8-1 §17.2): shared by the client, which reads
// them, and the server, which writes them.

/// The optional fields a report carries (`OptFlds`, IEC 61850-8-1: a 10-bit string, bit 0 reserved).
public struct ReportOptionalFields: OptionSet, Sendable, Hashable {
    /// The raw bits: bit *n* of the MMS bit string is `1 << n`.
    public var rawValue: UInt16
    /// Creates options from bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// `sequence-number` (bit 1).
    public static let sequenceNumber = ReportOptionalFields(rawValue: 1 << 1)
    /// `report-time-stamp` (bit 2): the time of entry.
    public static let timeStamp = ReportOptionalFields(rawValue: 1 << 2)
    /// `reason-for-inclusion` (bit 3).
    public static let reasonCode = ReportOptionalFields(rawValue: 1 << 3)
    /// `data-set-name` (bit 4).
    public static let dataSetName = ReportOptionalFields(rawValue: 1 << 4)
    /// `data-reference` (bit 5).
    public static let dataReference = ReportOptionalFields(rawValue: 1 << 5)
    /// `buffer-overflow` (bit 6).
    public static let bufferOverflow = ReportOptionalFields(rawValue: 1 << 6)
    /// `entryID` (bit 7).
    public static let entryID = ReportOptionalFields(rawValue: 1 << 7)
    /// `conf-revision` (bit 8).
    public static let configurationRevision = ReportOptionalFields(rawValue: 1 << 8)
    /// `segmentation` (bit 9).
    public static let segmentation = ReportOptionalFields(rawValue: 1 << 9)

    /// From the MMS bit string.
    public init(bits: MMSBitString) {
        var raw: UInt16 = 0
        for (index, bit) in bits.bits.prefix(16).enumerated() where bit { raw |= 1 << UInt16(index) }
        self.init(rawValue: raw)
    }

    /// As the 10-bit MMS bit string.
    public var bits: MMSBitString { MMSBitString(bits: (0..<10).map { rawValue & (1 << UInt16($0)) != 0 }) }
}

/// Trigger conditions (`TrgOps`, a 6-bit string) and reasons for inclusion (`ReasonCode`, a 7-bit string): bit 1
/// data change, 2 quality change, 3 data update, 4 integrity, 5 general interrogation, 6 application trigger.
public struct ReportTriggers: OptionSet, Sendable, Hashable {
    /// The raw bits: bit *n* of the MMS bit string is `1 << n`.
    public var rawValue: UInt8
    /// Creates triggers from bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// `dchg`.
    public static let dataChange = ReportTriggers(rawValue: 1 << 1)
    /// `qchg`.
    public static let qualityChange = ReportTriggers(rawValue: 1 << 2)
    /// `dupd`.
    public static let dataUpdate = ReportTriggers(rawValue: 1 << 3)
    /// `period` (integrity).
    public static let integrity = ReportTriggers(rawValue: 1 << 4)
    /// `gi` (general interrogation).
    public static let generalInterrogation = ReportTriggers(rawValue: 1 << 5)
    /// Application trigger (reason codes only).
    public static let applicationTrigger = ReportTriggers(rawValue: 1 << 6)

    /// From an MMS bit string.
    public init(bits: MMSBitString) {
        var raw: UInt8 = 0
        for (index, bit) in bits.bits.prefix(8).enumerated() where bit { raw |= 1 << UInt8(index) }
        self.init(rawValue: raw)
    }

    /// As an MMS bit string of `size` bits (6 for TrgOps, 7 for reason codes).
    public func bits(size: Int) -> MMSBitString {
        MMSBitString(bits: (0..<max(0, size)).map { $0 < 8 && rawValue & (1 << UInt8($0)) != 0 })
    }

    /// Names of the set triggers, e.g. `dchg,gi`.
    public var names: [String] {
        [(Self.dataChange, "dchg"), (.qualityChange, "qchg"), (.dataUpdate, "dupd"), (.integrity, "integrity"),
         (.generalInterrogation, "gi"), (.applicationTrigger, "application")].filter { contains($0.0) }.map(\.1)
    }
}
