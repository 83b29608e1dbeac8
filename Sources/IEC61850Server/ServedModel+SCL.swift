// Serving a model described in SCL: IEDModel (resolved by IEC61850SCL) → the MMS shape IEDServer hosts.

extension ServedLogicalNode {
    /// A node from its MMS type and value (shaped alike: a structure of FCs).
    public init(name: String, type: MMSTypeSpecification, value: MMSValue) {
        self.init(name: name, attributes: [])
        replaceVariable(type: type, value: value)
    }
}

extension ServedModel {
    /// The model a server hosts for a resolved SCL IED (IEC 61850-8-1 mapping: each LD a domain named by its
    /// LD name, each LN one named variable of FC components).
    public init(_ model: IEDModel) {
        var dataSets: [ServedDataSet] = []
        for device in model.logicalDevices {
            for node in device.logicalNodes {
                for dataSet in node.dataSets {
                    dataSets.append(ServedDataSet(domain: device.name, name: node.name + "$" + dataSet.name,
                                                  members: dataSet.members.map(Self.variable(for:))))
                }
            }
        }
        self.init(logicalDevices: model.logicalDevices.map { device in
            ServedLogicalDevice(name: device.name, logicalNodes: device.logicalNodes.map { node in
                let (type, value) = node.mmsVariable
                return ServedLogicalNode(name: node.name, type: type, value: value)
            })
        }, dataSets: dataSets)
        // The common data class of every data object and sub-data-object (array elements share their array's).
        func classes(of object: IEDModel.DataObject, at path: String) {
            if !object.cdc.isEmpty { commonDataClasses[path] = object.cdc }
            for case .dataObject(let sub) in object.children { classes(of: sub, at: path + "." + sub.name) }
        }
        for device in model.logicalDevices {
            for node in device.logicalNodes {
                for object in node.dataObjects { classes(of: object, at: "\(device.name)/\(node.name).\(object.name)") }
            }
        }
        // The SCL's trigger options per leaf attribute (for the reporting engine) and values per setting group.
        for device in model.logicalDevices {
            for node in device.logicalNodes {
                for leaf in node.leaves where !leaf.path.contains(where: { $0.hasSuffix(")") }) {
                    let key = "\(device.name)/\(node.name)$\(leaf.attribute.fc.rawValue)$" + leaf.path.joined(separator: "$")
                    attributeTriggers[key] = leaf.attribute.triggers
                    if !leaf.attribute.settingGroupValues.isEmpty { settingGroupValues[key] = leaf.attribute.settingGroupValues }
                }
            }
        }
        // Report control blocks, one per instance (`RptEnabled max`, names indexed 01… unless indexed="false").
        for device in model.logicalDevices {
            for node in device.logicalNodes {
                for block in node.reportControls {
                    let count = max(1, min(block.instanceCount, 99))
                    let names = block.isIndexed ? (1...count).map { block.name + ($0 < 10 ? "0" : "") + String($0) } : [block.name]
                    for name in names {
                        var triggers: ReportTriggers = []
                        if block.trgOps?.dchg == true { triggers.insert(.dataChange) }
                        if block.trgOps?.qchg == true { triggers.insert(.qualityChange) }
                        if block.trgOps?.dupd == true { triggers.insert(.dataUpdate) }
                        if block.trgOps?.period == true { triggers.insert(.integrity) }
                        if block.trgOps?.gi ?? true { triggers.insert(.generalInterrogation) }
                        var fields: ReportOptionalFields = []
                        if let options = block.optFields {
                            if options.seqNum == true { fields.insert(.sequenceNumber) }
                            if options.timeStamp == true { fields.insert(.timeStamp) }
                            if options.reasonCode == true { fields.insert(.reasonCode) }
                            if options.dataSet == true { fields.insert(.dataSetName) }
                            if options.dataRef == true { fields.insert(.dataReference) }
                            if options.configRef == true { fields.insert(.configurationRevision) }
                            if block.isBuffered, options.entryID == true { fields.insert(.entryID) }
                            if block.isBuffered, options.bufOvfl ?? true { fields.insert(.bufferOverflow) }
                        }
                        let dataSet = block.datSet.map { "\(device.name)/\(node.name)$\($0)" } ?? ""
                        let control = ServedReportControl(domain: device.name, logicalNode: node.name, name: name,
                                                          reportID: block.rptID ?? "", dataSet: dataSet,
                                                          configurationRevision: UInt32(clamping: block.confRev ?? 1), optionalFields: fields,
                                                          bufferTime: UInt32(clamping: block.bufTime ?? 0), triggerOptions: triggers,
                                                          integrityPeriod: UInt32(clamping: block.intgPd ?? 0), isBuffered: block.isBuffered)
                        // The SCL resolver has checked the dataset; a block whose dataset is missing is hosted without one.
                        hostReportControl(control)
                    }
                }
            }
        }
    }

    /// Adds a control block's attributes to its LN and runs it (no checks: the caller has made them).
    mutating func hostReportControl(_ control: ServedReportControl) {
        guard let device = logicalDevices.firstIndex(where: { $0.name == control.domain }),
              let node = logicalDevices[device].logicalNodes.firstIndex(where: { $0.name == control.logicalNode }),
              !reportControls.contains(where: { $0.domain == control.domain && $0.item == control.item }) else { return }
        logicalDevices[device].logicalNodes[node].addComponent(fc: control.fc, name: control.name, type: control.type,
                                                               value: ReportControlState(control).value)
        reportControls.append(control)
    }

    /// A dataset member as an MMS variable (IEC 61850-8-1): `LN$FC$DO$DA…`; from the first array element on
    /// (`phsAHar(7).cVal`), the rest becomes an alternate access (`[.index(7), .component("cVal")]`).
    static func variable(for member: IEDModel.DataSet.Member) -> MMSVariableSpecification {
        var item = member.logicalNode + "$" + member.fc.rawValue
        var access: [MMSAccessSelection] = []
        for segment in member.path {
            var name = segment
            var index: UInt32?
            if segment.hasSuffix(")"), let open = segment.firstIndex(of: "("),
               let number = UInt32(segment[segment.index(after: open)..<segment.index(before: segment.endIndex)]) {
                name = String(segment[..<open])
                index = number
            }
            if access.isEmpty {
                item += "$" + name
            } else {
                access.append(.component(name))
            }
            if let index { access.append(.index(index)) }
        }
        if let index = member.index, access.isEmpty { access.append(.index(UInt32(clamping: index))) }
        return MMSVariableSpecification(name: .domainSpecific(domain: member.logicalDevice, item: item),
                                        alternateAccess: access.isEmpty ? nil : MMSAlternateAccess(access))
    }

    /// Loads an SCL file (ICD, CID, IID, SCD…) and resolves one IED access point into a servable model.
    /// - Parameters:
    ///   - path: the SCL file.
    ///   - ied: the IED name; `nil` takes the first IED.
    ///   - accessPoint: the access point; `nil` takes the IED's first access point with a server.
    ///   - warnings: tolerated deviations (see ``SCLDocument/iedModel(ied:accessPoint:limits:strict:warnings:)``).
    /// - Throws: ``SCLError`` with line, column and element path.
    public static func load(scl path: String, ied: String? = nil, accessPoint: String? = nil,
                            warnings: inout [SCLWarning]) throws(SCLError) -> ServedModel {
        let document = try SCLDocument(contentsOfFile: path, warnings: &warnings)
        return ServedModel(try document.iedModel(ied: ied, accessPoint: accessPoint, warnings: &warnings))
    }

    /// Loads an SCL file, discarding warnings (see ``load(scl:ied:accessPoint:warnings:)``).
    public static func load(scl path: String, ied: String? = nil, accessPoint: String? = nil) throws(SCLError) -> ServedModel {
        var warnings: [SCLWarning] = []
        return try load(scl: path, ied: ied, accessPoint: accessPoint, warnings: &warnings)
    }
}

extension DeviceIdentity {
    /// Identify's answer for an SCL IED: manufacturer, type (or name) and configuration version.
    public init(_ model: IEDModel) {
        self.init(vendor: model.manufacturer ?? "unknown", model: model.type ?? model.name, revision: model.configVersion ?? "")
    }
}
