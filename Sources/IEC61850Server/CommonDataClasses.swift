import FoundationEssentials

// Leaves of common data classes (IEC 61850-7-3) in their IEC 61850-8-1 MMS types, shared by the DSL's CDC types
// (CDCDefinitions.swift) — the one public way to build each CDC.

/// Builders for the data attributes of common data classes (IEC 61850-7-3), mapped per IEC 61850-8-1.
enum CDC {
    typealias A = ServedLogicalNode.Attribute

    /// Quality: 13-bit string.
    static let qualityType = MMSTypeSpecification.quality
    /// TimeStamp: UtcTime.
    static let timestampType = MMSTypeSpecification.timeStamp
    /// VisString255.
    static let visString255 = MMSTypeSpecification.visString255

    static func status(_ name: String, _ fc: FunctionalConstraint, stVal: (MMSTypeSpecification, MMSValue)) -> [A] {
        [A(fc, [name, "stVal"], stVal.0, stVal.1),
         A(fc, [name, "q"], qualityType, Quality().mmsValue),
         A(fc, [name, "t"], timestampType, .utcTime(MMSUTCTime(seconds: 0, fraction: 0)))]
    }

    /// SPS: single point status (`stVal` BOOLEAN, `q`, `t` under ST).
    static func sps(_ name: String, _ value: Bool = false) -> [ServedLogicalNode.Attribute] {
        status(name, .ST, stVal: (.boolean, .boolean(value)))
    }

    /// DPS: double point status (`stVal` Dbpos).
    static func dps(_ name: String, _ value: DoublePoint = .intermediate) -> [ServedLogicalNode.Attribute] {
        status(name, .ST, stVal: (.bitString(size: 2), .bitString(value.bits)))
    }

    /// INS: integer status (`stVal` INT32).
    static func ins(_ name: String, _ value: Int32 = 0) -> [ServedLogicalNode.Attribute] {
        status(name, .ST, stVal: (.integer(bits: 32), .integer(Int64(value))))
    }

    /// ENS: enumerated status (`stVal` ENUMERATED as INT8), e.g. Beh, Health.
    static func ens(_ name: String, _ value: Int8 = 1) -> [ServedLogicalNode.Attribute] {
        status(name, .ST, stVal: (.integer(bits: 8), .integer(Int64(value))))
    }

    /// MV: measured value (`mag.f` FLOAT32, `q`, `t` under MX).
    static func mv(_ name: String, _ value: Float = 0) -> [ServedLogicalNode.Attribute] {
        [A(.MX, [name, "mag", "f"], .floatingPoint(formatWidth: 32, exponentWidth: 8), .float(value)),
         A(.MX, [name, "q"], qualityType, Quality().mmsValue),
         A(.MX, [name, "t"], timestampType, .utcTime(MMSUTCTime(seconds: 0, fraction: 0)))]
    }

    /// ASG: analogue setting (`setMag.f` under SP).
    static func asg(_ name: String, _ value: Float = 0) -> [ServedLogicalNode.Attribute] {
        [A(.SP, [name, "setMag", "f"], .floatingPoint(formatWidth: 32, exponentWidth: 8), .float(value))]
    }
}

extension MMSTypeSpecification {
    /// Quality (IEC 61850-8-1): a 13-bit string.
    public static let quality = MMSTypeSpecification.bitString(size: -13)
    /// TimeStamp (IEC 61850-8-1): MMS UtcTime.
    public static let timeStamp = MMSTypeSpecification.utcTime
    /// VISIBLE STRING255.
    public static let visString255 = MMSTypeSpecification.visibleString(size: -255)
}
