// A canonical, line-oriented text of a resolved model: stable across runs, diffable, and what
// `iec61850 scl summary` prints.

import IEC61850Model

extension IEDModel {
    /// The model as canonical text: one line per logical device, logical node, data object, leaf attribute
    /// (`FC name BType = value {triggers}`), dataset (with its members) and control block, indented by level.
    public var summary: String {
        var lines: [String] = []
        var header = "IED \(name) (access point \(accessPoint)"
        if let manufacturer { header += ", manufacturer \(manufacturer)" }
        if let type { header += ", type \(type)" }
        if let configVersion { header += ", configVersion \(configVersion)" }
        lines.append(header + ")")
        let counts = self.counts
        lines.append("  \(counts.logicalDevices) LD, \(counts.logicalNodes) LN, \(counts.dataObjects) DO, \(counts.dataAttributes) DA, "
                     + "\(counts.dataSets) datasets, \(counts.reportControls) RCB, \(counts.logControls) LCB, \(counts.gseControls) GoCB, "
                     + "\(counts.sampledValueControls) SVCB")
        for device in logicalDevices {
            lines.append("LD \(device.name) (inst \(device.inst))")
            for node in device.logicalNodes {
                lines.append("  LN \(node.name) [\(node.lnType)]")
                for object in node.dataObjects { Self.describe(object, indent: "    ", into: &lines) }
                for dataSet in node.dataSets {
                    lines.append("    DataSet \(dataSet.name) (\(dataSet.members.count) members)")
                    for member in dataSet.members { lines.append("      \(member.reference)") }
                }
                for block in node.reportControls {
                    var line = "    ReportControl \(block.name) \(block.isBuffered ? "buffered" : "unbuffered")"
                    line += Self.fields([("rptID", block.rptID), ("datSet", block.datSet), ("confRev", block.confRev.map(String.init)),
                                         ("intgPd", block.intgPd.map(String.init)), ("bufTime", block.bufTime.map(String.init))])
                    if let trgOps = block.trgOps { line += " trgOps=" + Self.flags(trgOps) }
                    if let optFields = block.optFields { line += " optFields=" + Self.flags(optFields) }
                    line += " max=\(block.instanceCount)"
                    lines.append(line)
                }
                for block in node.logControls {
                    lines.append("    LogControl \(block.name)" + Self.fields([("logName", block.logName), ("datSet", block.datSet),
                                                                              ("intgPd", block.intgPd.map(String.init))]))
                }
                for block in node.gseControls {
                    lines.append("    GSEControl \(block.name)" + Self.fields([("appID", block.appID), ("datSet", block.datSet),
                                                                              ("confRev", block.confRev.map(String.init)), ("type", block.type)]))
                }
                for block in node.sampledValueControls {
                    lines.append("    SampledValueControl \(block.name)" + Self.fields([("smvID", block.smvID), ("datSet", block.datSet),
                                                                                       ("smpRate", String(block.smpRate)), ("nofASDU", String(block.nofASDU))]))
                }
                if let control = node.settingControl {
                    lines.append("    SettingControl numOfSGs=\(control.numOfSGs) actSG=\(control.actSG ?? 1)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func fields(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { pair in pair.1.map { " \(pair.0)=\($0)" } }.joined()
    }

    private static func flags(_ value: some Encodable) -> String {
        // The set flags of TrgOps / OptFields, in declaration order.
        let mirror = Mirror(reflecting: value)
        let set = mirror.children.compactMap { child -> String? in
            guard let label = child.label, let flag = child.value as? Bool?, flag == true else { return nil }
            return label
        }
        return set.isEmpty ? "none" : set.joined(separator: ",")
    }

    private static func describe(_ object: DataObject, indent: String, into lines: inout [String]) {
        lines.append("\(indent)DO \(object.name) [\(object.cdc)]" + (object.count.map { " count=\($0)" } ?? ""))
        let children = object.count != nil ? object.elements.first?.children ?? [] : object.children
        for child in children {
            switch child {
            case .dataObject(let sub): describe(sub, indent: indent + "  ", into: &lines)
            case .dataAttribute(let attribute): describe(attribute, indent: indent + "  ", into: &lines)
            }
        }
    }

    private static func describe(_ attribute: DataAttribute, indent: String, into lines: inout [String]) {
        var line = "\(indent)\(attribute.fc.rawValue) \(attribute.name) \(attribute.bType.rawValue)"
        if let typeID = attribute.typeID { line += "(\(typeID))" }
        if let count = attribute.count { line += " count=\(count)" }
        let shape = attribute.count != nil ? attribute.elements.first ?? attribute : attribute
        if shape.bType != .structure, let value = shape.value { line += " = " + text(value) }
        var triggers: [String] = []
        if attribute.triggers.contains(.dataChange) { triggers.append("dchg") }
        if attribute.triggers.contains(.qualityChange) { triggers.append("qchg") }
        if attribute.triggers.contains(.dataUpdate) { triggers.append("dupd") }
        if !triggers.isEmpty { line += " {\(triggers.joined(separator: ","))}" }
        lines.append(line)
        for component in shape.components { describe(component, indent: indent + "  ", into: &lines) }
    }

    /// A value as canonical text.
    static func text(_ value: MMSValue) -> String {
        switch value {
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .unsigned(let number): return String(number)
        case .float(let number): return String(number)
        case .double(let number): return String(number)
        case .bitString(let bits), .booleanArray(let bits): return "0b" + bits.description
        case .octetString(let bytes): return "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        case .visibleString(let string), .mmsString(let string), .generalizedTime(let string): return "\"" + string + "\""
        case .utcTime(let time): return "utc(\(time.seconds).\(time.fraction))"
        case .binaryTime(let time): return "binary-time(\(time.milliseconds),\(time.days.map(String.init) ?? "-"))"
        case .bcd(let number): return "bcd(\(number))"
        case .objectIdentifier(let arcs): return arcs.map(String.init).joined(separator: ".")
        case .array(let items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case .structure(let items): return "{" + items.map(text).joined(separator: ", ") + "}"
        }
    }
}

extension SCLDocument {
    /// The canonical text of one IED's resolved model (see ``IEDModel/summary``); `nil` IED takes the first.
    public func summary(ied: String? = nil) throws(SCLError) -> String {
        try iedModel(ied: ied).summary
    }
}
