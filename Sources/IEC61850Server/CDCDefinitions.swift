// Common data classes (IEC 61850-7-3) as DSL elements, with their mandatory attributes mapped to MMS
// types per IEC 61850-8-1 (ENUMERATED → INT8, Quality → BIT STRING(13), TimeStamp → UtcTime,
// Dbpos → BIT STRING(2), Tcmd → BIT STRING(2)).

private typealias A = ServedLogicalNode.Attribute

private let float32 = MMSTypeSpecification.floatingPoint(formatWidth: 32, exponentWidth: 8)
private let zeroTime = MMSValue.utcTime(MMSUTCTime(seconds: 0, fraction: 0))

private func qt(_ name: String, _ fc: FunctionalConstraint) -> [A] {
    [A(fc, [name, "q"], CDC.qualityType, Quality().mmsValue), A(fc, [name, "t"], CDC.timestampType, zeroTime)]
}

private func analogue(_ fc: FunctionalConstraint, _ path: [String], _ value: Float) -> A {
    A(fc, path + ["f"], float32, .float(value))
}

/// The control model of a controllable data object (IEC 61850-7-2 §20, `ctlModel`).
public enum ControlModel: Int8, Sendable, Hashable {
    /// 0: status only.
    case statusOnly = 0
    /// 1: direct control with normal security.
    case directNormal = 1
    /// 2: select before operate with normal security.
    case sboNormal = 2
    /// 3: direct control with enhanced security.
    case directEnhanced = 3
    /// 4: select before operate with enhanced security.
    case sboEnhanced = 4
}

/// The CO structures (Oper, and SBO/SBOw/Cancel per control model) and `ctlModel`, for a `ctlVal` type.
private func controls(_ name: String, ctlVal: (MMSTypeSpecification, MMSValue), model: ControlModel) -> [A] {
    var leaves = [A(.CF, [name, "ctlModel"], .integer(bits: 8), .integer(Int64(model.rawValue)))]
    guard model != .statusOnly else { return leaves }
    func command(_ structure: String, withCheck: Bool) -> [A] {
        var fields = [A(.CO, [name, structure, "ctlVal"], ctlVal.0, ctlVal.1),
                      A(.CO, [name, structure, "origin", "orCat"], .integer(bits: 8), .integer(0)),
                      A(.CO, [name, structure, "origin", "orIdent"], .octetString(size: -64), .octetString([])),
                      A(.CO, [name, structure, "ctlNum"], .unsigned(bits: 8), .unsigned(0)),
                      A(.CO, [name, structure, "T"], CDC.timestampType, zeroTime),
                      A(.CO, [name, structure, "Test"], .boolean, .boolean(false))]
        if withCheck { fields.append(A(.CO, [name, structure, "Check"], .bitString(size: 2), .bitString(MMSBitString(bits: [false, false])))) }
        return fields
    }
    leaves += command("Oper", withCheck: true)
    switch model {
    case .sboNormal:
        leaves.append(A(.CO, [name, "SBO"], .visibleString(size: -65), .visibleString("")))
        leaves += command("Cancel", withCheck: false)
    case .sboEnhanced:
        leaves += command("SBOw", withCheck: true) + command("Cancel", withCheck: false)
    case .directEnhanced, .directNormal, .statusOnly:
        break
    }
    return leaves
}

/// SPS — single point status.
public struct SPS: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `stVal` BOOLEAN, `q`, `t` (ST).
    public init(_ name: String, _ value: Bool = false) { dataObject = DataObject(name: name, cdc: "SPS", attributes: CDC.sps(name, value)) }
}

/// DPS — double point status.
public struct DPS: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `stVal` Dbpos, `q`, `t` (ST).
    public init(_ name: String, _ value: DoublePoint = .intermediate) { dataObject = DataObject(name: name, cdc: "DPS", attributes: CDC.dps(name, value)) }
}

/// INS — integer status.
public struct INS: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `stVal` INT32, `q`, `t` (ST).
    public init(_ name: String, _ value: Int32 = 0) { dataObject = DataObject(name: name, cdc: "INS", attributes: CDC.ins(name, value)) }
}

/// ENS — enumerated status (e.g. Beh, Health).
public struct ENS: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `stVal` ENUMERATED (INT8), `q`, `t` (ST).
    public init(_ name: String, _ value: Int8 = 1) { dataObject = DataObject(name: name, cdc: "ENS", attributes: CDC.ens(name, value)) }
}

/// ACT — protection activation.
public struct ACT: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `general` BOOLEAN, `q`, `t` (ST).
    public init(_ name: String, general: Bool = false) {
        dataObject = DataObject(name: name, cdc: "ACT", attributes: [A(.ST, [name, "general"], .boolean, .boolean(general))] + qt(name, .ST))
    }
}

/// ACD — directional protection activation.
public struct ACD: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `general` BOOLEAN, `dirGeneral` ENUMERATED (0 unknown, 1 forward, 2 backward, 3 both), `q`, `t` (ST).
    public init(_ name: String, general: Bool = false, direction: Int8 = 0) {
        dataObject = DataObject(name: name, cdc: "ACD", attributes: [A(.ST, [name, "general"], .boolean, .boolean(general)),
                                                         A(.ST, [name, "dirGeneral"], .integer(bits: 8), .integer(Int64(direction)))] + qt(name, .ST))
    }
}

/// MV — measured value.
public struct MV: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `mag.f` FLOAT32, `q`, `t` (MX).
    public init(_ name: String, _ value: Float = 0) { dataObject = DataObject(name: name, cdc: "MV", attributes: CDC.mv(name, value)) }
}

/// CMV — complex measured value.
public struct CMV: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `cVal.mag.f`, `cVal.ang.f`, `q`, `t` (MX).
    public init(_ name: String, magnitude: Float = 0, angle: Float = 0) {
        dataObject = DataObject(name: name, cdc: "CMV", attributes: Self.attributes(name, magnitude: magnitude, angle: angle))
    }

    static func attributes(_ path: String..., magnitude: Float, angle: Float) -> [ServedLogicalNode.Attribute] {
        [analogue(.MX, path + ["cVal", "mag"], magnitude), analogue(.MX, path + ["cVal", "ang"], angle),
         A(.MX, path + ["q"], CDC.qualityType, Quality().mmsValue), A(.MX, path + ["t"], CDC.timestampType, zeroTime)]
    }
}

/// WYE — phase-to-ground quantities of a three-phase system (`phsA`, `phsB`, `phsC`, `neut` as CMV).
public struct WYE: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// Each phase's `cVal.mag.f`, `cVal.ang.f`, `q`, `t` (MX).
    public init(_ name: String) {
        dataObject = DataObject(name: name, cdc: "WYE", attributes: ["phsA", "phsB", "phsC", "neut"].flatMap {
            CMV.attributes(name, $0, magnitude: 0, angle: 0)
        })
    }
}

/// DEL — phase-to-phase quantities (`phsAB`, `phsBC`, `phsCA` as CMV).
public struct DEL: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// Each pair's `cVal.mag.f`, `cVal.ang.f`, `q`, `t` (MX).
    public init(_ name: String) {
        dataObject = DataObject(name: name, cdc: "DEL", attributes: ["phsAB", "phsBC", "phsCA"].flatMap {
            CMV.attributes(name, $0, magnitude: 0, angle: 0)
        })
    }
}

/// SAV — sampled value.
public struct SAV: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `instMag.f`, `q` (MX).
    public init(_ name: String, _ value: Float = 0) {
        dataObject = DataObject(name: name, cdc: "SAV", attributes: [analogue(.MX, [name, "instMag"], value),
                                                         A(.MX, [name, "q"], CDC.qualityType, Quality().mmsValue)])
    }
}

/// SPC — controllable single point.
public struct SPC: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `stVal` BOOLEAN, `q`, `t` (ST); `ctlModel` (CF); Oper/SBO/SBOw/Cancel with `ctlVal` BOOLEAN (CO).
    public init(_ name: String, _ value: Bool = false, control: ControlModel = .directNormal) {
        dataObject = DataObject(name: name, cdc: "SPC", attributes: CDC.sps(name, value) + controls(name, ctlVal: (.boolean, .boolean(false)), model: control))
    }
}

/// DPC — controllable double point (e.g. a breaker position).
public struct DPC: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `stVal` Dbpos, `q`, `t` (ST); `ctlModel`; Oper… with `ctlVal` BOOLEAN.
    public init(_ name: String, _ value: DoublePoint = .intermediate, control: ControlModel = .directNormal) {
        dataObject = DataObject(name: name, cdc: "DPC", attributes: CDC.dps(name, value) + controls(name, ctlVal: (.boolean, .boolean(false)), model: control))
    }
}

/// INC — controllable integer status.
public struct INC: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `stVal` INT32, `q`, `t` (ST); `ctlModel`; Oper… with `ctlVal` INT32.
    public init(_ name: String, _ value: Int32 = 0, control: ControlModel = .directNormal) {
        dataObject = DataObject(name: name, cdc: "INC", attributes: CDC.ins(name, value) + controls(name, ctlVal: (.integer(bits: 32), .integer(0)), model: control))
    }
}

/// ENC — controllable enumerated status (e.g. Mod).
public struct ENC: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `stVal` ENUMERATED (INT8), `q`, `t` (ST); `ctlModel`; Oper… with `ctlVal` ENUMERATED.
    public init(_ name: String, _ value: Int8 = 1, control: ControlModel = .statusOnly) {
        dataObject = DataObject(name: name, cdc: "ENC", attributes: CDC.ens(name, value) + controls(name, ctlVal: (.integer(bits: 8), .integer(1)), model: control))
    }
}

/// APC — controllable analogue process value (set point).
public struct APC: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `mxVal.f`, `q`, `t` (MX); `ctlModel`; Oper… with `ctlVal.f`.
    public init(_ name: String, _ value: Float = 0, control: ControlModel = .directNormal) {
        let ctlVal = MMSTypeSpecification.structure(components: [MMSComponent(name: "f", type: float32)], packed: false)
        dataObject = DataObject(name: name, cdc: "APC", attributes: [analogue(.MX, [name, "mxVal"], value)] + qt(name, .MX)
                                + controls(name, ctlVal: (ctlVal, .structure([.float(0)])), model: control))
    }
}

/// BSC — binary controlled step position (e.g. a tap changer raise/lower).
public struct BSC: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `valWTr.posVal` INT8, `valWTr.transInd`, `q`, `t` (ST); `ctlModel`; Oper… with `ctlVal` Tcmd.
    public init(_ name: String, position: Int8 = 0, control: ControlModel = .directNormal) {
        dataObject = DataObject(name: name, cdc: "BSC", attributes: [A(.ST, [name, "valWTr", "posVal"], .integer(bits: 8), .integer(Int64(position))),
                                                         A(.ST, [name, "valWTr", "transInd"], .boolean, .boolean(false))] + qt(name, .ST)
                                + controls(name, ctlVal: (.bitString(size: 2), .bitString(MMSBitString(bits: [false, false]))), model: control))
    }
}

/// ISC — integer controlled step position.
public struct ISC: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `valWTr.posVal` INT8, `valWTr.transInd`, `q`, `t` (ST); `ctlModel`; Oper… with `ctlVal` INT8.
    public init(_ name: String, position: Int8 = 0, control: ControlModel = .directNormal) {
        dataObject = DataObject(name: name, cdc: "ISC", attributes: [A(.ST, [name, "valWTr", "posVal"], .integer(bits: 8), .integer(Int64(position))),
                                                         A(.ST, [name, "valWTr", "transInd"], .boolean, .boolean(false))] + qt(name, .ST)
                                + controls(name, ctlVal: (.integer(bits: 8), .integer(0)), model: control))
    }
}

/// SPG — single point setting.
public struct SPG: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `setVal` BOOLEAN (SP).
    public init(_ name: String, _ value: Bool = false) {
        dataObject = DataObject(name: name, cdc: "SPG", attributes: [A(.SP, [name, "setVal"], .boolean, .boolean(value))])
    }
}

/// ING — integer setting.
public struct ING: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `setVal` INT32 (SP).
    public init(_ name: String, _ value: Int32 = 0) {
        dataObject = DataObject(name: name, cdc: "ING", attributes: [A(.SP, [name, "setVal"], .integer(bits: 32), .integer(Int64(value)))])
    }
}

/// ASG — analogue setting.
public struct ASG: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `setMag.f` (SP).
    public init(_ name: String, _ value: Float = 0) { dataObject = DataObject(name: name, cdc: "ASG", attributes: CDC.asg(name, value)) }
}

/// LPL — logical node name plate.
public struct LPL: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `vendor`, `swRev`, `d` (DC); in LLN0 also `configRev` (DC).
    public init(_ name: String = "NamPlt", vendor: String, swRev: String, d: String = "", configRev: String? = nil) {
        var attributes = [A(.DC, [name, "vendor"], CDC.visString255, .visibleString(vendor)),
                          A(.DC, [name, "swRev"], CDC.visString255, .visibleString(swRev)),
                          A(.DC, [name, "d"], CDC.visString255, .visibleString(d))]
        if let configRev { attributes.append(A(.DC, [name, "configRev"], CDC.visString255, .visibleString(configRev))) }
        dataObject = DataObject(name: name, cdc: "LPL", attributes: attributes)
    }
}

/// DPL — device name plate.
public struct DPL: DataObjectDefinition {
    /// The data object.
    public let dataObject: DataObject
    /// `vendor` and optionally `hwRev`, `swRev`, `serNum`, `model` (DC).
    public init(_ name: String = "PhyNam", vendor: String, hwRev: String? = nil, swRev: String? = nil, serialNumber: String? = nil, model: String? = nil) {
        var attributes = [A(.DC, [name, "vendor"], CDC.visString255, .visibleString(vendor))]
        for (field, value) in [("hwRev", hwRev), ("swRev", swRev), ("serNum", serialNumber), ("model", model)] {
            if let value { attributes.append(A(.DC, [name, field], CDC.visString255, .visibleString(value))) }
        }
        dataObject = DataObject(name: name, cdc: "DPL", attributes: attributes)
    }
}
