// Configured datasets in a model built in code.

extension ServedModel {
    /// Adds a configured (static, non-deletable) dataset to a model built in code, e.g.
    /// `try model.addDataSet("TESTIEDGenericIO/LLN0.Events", members: [DataSetMember("TESTIEDGenericIO/GGIO1.Ind1.stVal", fc: .ST)])`.
    /// - Throws: ``IEC61850Error`` (`invalidReference`) when the reference is association-specific, the LD or LN
    ///   does not exist, the name is taken, or a member does not exist in the model.
    public mutating func addDataSet(_ dataSet: DataSetReference, members: [DataSetMember]) throws(IEC61850Error) {
        func refuse(_ why: String) -> IEC61850Error { IEC61850Error(.invalidReference(why), operation: "addDataSet", object: "\(dataSet)") }
        guard case .domainSpecific(let domain, let item) = dataSet.mmsName, let node = dataSet.logicalNode else {
            throw refuse("a configured dataset lives in a logical node: LD/LN.Name")
        }
        guard let device = logicalDevices.first(where: { $0.name == domain }), device.logicalNodes.contains(where: { $0.name == node }) else {
            throw refuse("the model has no logical node \(domain)/\(node)")
        }
        guard self.dataSet(domain: domain, name: item) == nil else { throw refuse("the model already has this dataset") }
        var configuration = IEDServerConfiguration()
        configuration.maxDataSetMembers = Int.max
        let variables = members.map(\.mmsVariable)
        if ServerServices.checkMembers(variables, model: self, configuration: configuration) != nil {
            let missing = members.first { ServerServices.checkMembers([$0.mmsVariable], model: self, configuration: configuration) != nil }
            throw refuse(missing.map { "the model has no \($0)" } ?? "a dataset needs at least one member")
        }
        dataSets.append(ServedDataSet(domain: domain, name: item, members: variables))
    }
}
