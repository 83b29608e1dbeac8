import FoundationEssentials

// Leaves of common data classes (IEC 61850-7-3) in their IEC 61850-8-1 MMS types, for building a
// ServedLogicalNode in code. A first set; the result-builder DSL of issue #4 will grow from these.

/// Builders for the data attributes of common data classes (IEC 61850-7-3), mapped per IEC 61850-8-1.
public enum CDC {
    typealias A = ServedLogicalNode.Attribute

    /// Quality: 13-bit string.
    public static let qualityType = MMSTypeSpecification.bitString(size: -13)
    /// TimeStamp: UtcTime.
    public static let timestampType = MMSTypeSpecification.utcTime
    /// VisString255.
    public static let visString255 = MMSTypeSpecification.visibleString(size: -255)

    static func status(_ name: String, _ fc: FunctionalConstraint, stVal: (MMSTypeSpecification, MMSValue)) -> [A] {
        [A(fc, [name, "stVal"], stVal.0, stVal.1),
         A(fc, [name, "q"], qualityType, Quality().mmsValue),
         A(fc, [name, "t"], timestampType, .utcTime(MMSUTCTime(seconds: 0, fraction: 0)))]
    }

    /// SPS: single point status (`stVal` BOOLEAN, `q`, `t` under ST).
    public static func sps(_ name: String, _ value: Bool = false) -> [ServedLogicalNode.Attribute] {
        status(name, .ST, stVal: (.boolean, .boolean(value)))
    }

    /// DPS: double point status (`stVal` Dbpos).
    public static func dps(_ name: String, _ value: DoublePoint = .intermediate) -> [ServedLogicalNode.Attribute] {
        status(name, .ST, stVal: (.bitString(size: 2), .bitString(value.bits)))
    }

    /// INS: integer status (`stVal` INT32).
    public static func ins(_ name: String, _ value: Int32 = 0) -> [ServedLogicalNode.Attribute] {
        status(name, .ST, stVal: (.integer(bits: 32), .integer(Int64(value))))
    }

    /// ENS: enumerated status (`stVal` ENUMERATED as INT8), e.g. Beh, Health.
    public static func ens(_ name: String, _ value: Int8 = 1) -> [ServedLogicalNode.Attribute] {
        status(name, .ST, stVal: (.integer(bits: 8), .integer(Int64(value))))
    }

    /// ENC: controllable enumerated status (Mod) with a status-only `ctlModel`.
    public static func enc(_ name: String, _ value: Int8 = 1) -> [ServedLogicalNode.Attribute] {
        ens(name, value) + [A(.CF, [name, "ctlModel"], .integer(bits: 8), .integer(0))]
    }

    /// MV: measured value (`mag.f` FLOAT32, `q`, `t` under MX).
    public static func mv(_ name: String, _ value: Float = 0) -> [ServedLogicalNode.Attribute] {
        [A(.MX, [name, "mag", "f"], .floatingPoint(formatWidth: 32, exponentWidth: 8), .float(value)),
         A(.MX, [name, "q"], qualityType, Quality().mmsValue),
         A(.MX, [name, "t"], timestampType, .utcTime(MMSUTCTime(seconds: 0, fraction: 0)))]
    }

    /// SPC: controllable single point with direct-with-normal-security `ctlModel` and `Oper`.
    public static func spc(_ name: String, _ value: Bool = false, ctlModel: Int8 = 1) -> [ServedLogicalNode.Attribute] {
        sps(name, value) + [
            A(.CF, [name, "ctlModel"], .integer(bits: 8), .integer(Int64(ctlModel))),
            A(.CO, [name, "Oper", "ctlVal"], .boolean, .boolean(false)),
            A(.CO, [name, "Oper", "origin", "orCat"], .integer(bits: 8), .integer(0)),
            A(.CO, [name, "Oper", "origin", "orIdent"], .octetString(size: -64), .octetString([])),
            A(.CO, [name, "Oper", "ctlNum"], .unsigned(bits: 8), .unsigned(0)),
            A(.CO, [name, "Oper", "T"], timestampType, .utcTime(MMSUTCTime(seconds: 0, fraction: 0))),
            A(.CO, [name, "Oper", "Test"], .boolean, .boolean(false)),
            A(.CO, [name, "Oper", "Check"], .bitString(size: 2), .bitString(MMSBitString(bits: [false, false]))),
        ]
    }

    /// ASG: analogue setting (`setMag.f` under SP).
    public static func asg(_ name: String, _ value: Float = 0) -> [ServedLogicalNode.Attribute] {
        [A(.SP, [name, "setMag", "f"], .floatingPoint(formatWidth: 32, exponentWidth: 8), .float(value))]
    }

    /// LPL: logical node name plate (`vendor`, `swRev`, `d` under DC).
    public static func lpl(_ name: String = "NamPlt", vendor: String, swRev: String, d: String) -> [ServedLogicalNode.Attribute] {
        [A(.DC, [name, "vendor"], visString255, .visibleString(vendor)),
         A(.DC, [name, "swRev"], visString255, .visibleString(swRev)),
         A(.DC, [name, "d"], visString255, .visibleString(d))]
    }

    /// DPL: device name plate (`vendor` under DC).
    public static func dpl(_ name: String = "PhyNam", vendor: String) -> [ServedLogicalNode.Attribute] {
        [A(.DC, [name, "vendor"], visString255, .visibleString(vendor))]
    }
}

/// The built-in demo IED: `TESTIED` with LD `GenericIO` (MMS domain `TESTIEDGenericIO`) — LLN0, LPHD1
/// and GGIO1 with indications, measurements, a control and a setting.
public enum DemoIED {
    /// The logical device name.
    public static let logicalDevice = "TESTIEDGenericIO"

    /// The demo model, written with the model DSL.
    public static func model() -> ServedModel {
        IED("TESTIED") {
            LogicalDevice("GenericIO") {
                LLN0 {
                    ENC("Mod")
                    ENS("Beh")
                    ENS("Health")
                    LPL(vendor: "swift-iec61850", swRev: "0.1", d: "demo IED", configRev: "1")
                }
                LN("LPHD", 1) {
                    DPL(vendor: "swift-iec61850", model: "demo")
                    ENS("PhyHealth")
                    SPS("Proxy")
                }
                LN("GGIO", 1) {
                    ENC("Mod")
                    ENS("Beh")
                    ENS("Health")
                    LPL(vendor: "swift-iec61850", swRev: "0.1", d: "generic I/O")
                    SPS("Ind1")
                    SPS("Ind2", true)
                    DPS("Pos", .off)
                    INS("Cnt1")
                    MV("AnIn1", 1.5)
                    MV("AnIn2", 2.5)
                    SPC("SPCSO1")
                    ASG("StrVal", 1.2)
                }
            }
        }.model
    }

    /// Changes `GGIO1.Ind1`, `GGIO1.AnIn1` and `GGIO1.Cnt1` (with their timestamps) every `period`
    /// until the task is cancelled, so that clients see live data.
    public static func simulate(_ server: IEDServer, period: Duration = .seconds(1)) async {
        var tick: Int64 = 0
        while !Task.isCancelled {
            do { try await Task.sleep(for: period) } catch { return }
            tick += 1
            let now = MMSValue.utcTime(MMSUTCTime(unixSeconds: Date().timeIntervalSince1970))
            let ld = logicalDevice
            try? server.update("\(ld)/GGIO1.Ind1.stVal", fc: .ST, to: .boolean(tick % 2 == 1))
            try? server.update("\(ld)/GGIO1.Ind1.t", fc: .ST, to: now)
            try? server.update("\(ld)/GGIO1.AnIn1.mag.f", fc: .MX, to: .float(1.5 + Float(tick % 100) / 10))
            try? server.update("\(ld)/GGIO1.AnIn1.t", fc: .MX, to: now)
            try? server.update("\(ld)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(tick))
        }
    }
}
