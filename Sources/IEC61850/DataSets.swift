// Datasets on the client (IEC 61850-7-2 §13, mapped per IEC 61850-8-1 §13 to MMS named variable lists):
// directory, values, write, create and delete, persistent (in a logical device) or association-specific.

/// A dataset's reference: `LD/LN.Name` for a persistent dataset (an MMS named variable list `LN$Name` in the
/// domain `LD`), or `@Name` for a non-persistent one that lives only as long as the association.
public struct DataSetReference: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The logical device (MMS domain); `nil` for an association-specific dataset.
    public var logicalDevice: String?
    /// The logical node holding a persistent dataset (usually `LLN0`); `nil` for an association-specific one.
    public var logicalNode: String?
    /// The dataset name.
    public var name: String

    /// A persistent dataset `logicalDevice/logicalNode.name`.
    public init(logicalDevice: String, logicalNode: String, name: String) {
        self.logicalDevice = logicalDevice
        self.logicalNode = logicalNode
        self.name = name
    }

    /// An association-specific dataset `@name`.
    public init(associationSpecific name: String) {
        self.name = name
    }

    /// Parses `LD/LN.Name`, `LD/LN$Name` or `@Name`; `nil` for anything else.
    public init?(parsing text: String) {
        if text.hasPrefix("@") {
            guard text.count > 1 else { return nil }
            self.init(associationSpecific: String(text.dropFirst()))
            return
        }
        guard let slash = text.firstIndex(of: "/") else { return nil }
        let device = String(text[..<slash])
        let rest = text[text.index(after: slash)...]
        guard let separator = rest.firstIndex(where: { $0 == "." || $0 == "$" }), !device.isEmpty else { return nil }
        let node = String(rest[..<separator])
        let name = String(rest[rest.index(after: separator)...])
        guard !node.isEmpty, !name.isEmpty, !name.contains("."), !name.contains("$") else { return nil }
        self.init(logicalDevice: device, logicalNode: node, name: name)
    }

    /// A reference from a literal; an unparsable literal becomes an association-specific name (and fails at the server).
    public init(stringLiteral value: String) {
        self = DataSetReference(parsing: value) ?? DataSetReference(associationSpecific: value)
    }

    /// Whether the dataset lives only on this association.
    public var isAssociationSpecific: Bool { logicalDevice == nil }

    /// `LD/LN.Name` or `@Name`.
    public var description: String {
        guard let logicalDevice, let logicalNode else { return "@" + name }
        return "\(logicalDevice)/\(logicalNode).\(name)"
    }

    /// The MMS name (IEC 61850-8-1 §13.1): domain-specific `LN$Name`, or AA-specific `Name`.
    public var mmsName: MMSObjectName {
        guard let logicalDevice, let logicalNode else { return .aaSpecific(name) }
        return .domainSpecific(domain: logicalDevice, item: logicalNode + "$" + name)
    }
}

/// A dataset member: a functionally constrained data object or attribute (FCD / FCDA), optionally one array element.
public struct DataSetMember: Sendable, Hashable, CustomStringConvertible {
    /// The data object or attribute.
    public var reference: ObjectReference
    /// The functional constraint.
    public var fc: FunctionalConstraint
    /// An alternate access selecting part of the variable (array elements), when the member is one.
    public var access: MMSAlternateAccess?

    /// Creates a member.
    public init(_ reference: ObjectReference, fc: FunctionalConstraint, access: MMSAlternateAccess? = nil) {
        self.reference = reference
        self.fc = fc
        self.access = access
    }

    /// `LD/LN.DO.DA[FC]`.
    public var description: String { "\(reference)[\(fc.rawValue)]" + (access.map { " \($0.path)" } ?? "") }

    /// The member as an MMS variable.
    public var mmsVariable: MMSVariableSpecification {
        MMSVariableSpecification(name: .domainSpecific(domain: reference.logicalDevice, item: reference.mmsItemName(fc: fc)), alternateAccess: access)
    }

    /// A member from an MMS variable (`LN$FC$DO$DA` in a domain); `nil` when it is not an IEC 61850 data reference.
    public init?(mms variable: MMSVariableSpecification) {
        guard case .domainSpecific(let domain, let item) = variable.name else { return nil }
        let (reference, fc) = ObjectReference.fromMMS(domain: domain, item: item)
        guard let fc else { return nil }
        self.init(reference, fc: fc, access: variable.alternateAccess)
    }
}

/// What GetDataSetDirectory returns.
public struct DataSetDirectory: Sendable, Hashable {
    /// The members, in order.
    public var members: [DataSetMember]
    /// Whether a client may delete the dataset (`false` for datasets configured in the server).
    public var isDeletable: Bool

    /// Creates a directory.
    public init(members: [DataSetMember], isDeletable: Bool) {
        self.members = members
        self.isDeletable = isDeletable
    }
}

extension IEC61850Client {
    /// The members of a dataset and whether it may be deleted (GetDataSetDirectory, IEC 61850-7-2 §13.3.5;
    /// MMS GetNamedVariableListAttributes).
    public func dataSetDirectory(_ dataSet: DataSetReference) async throws(IEC61850Error) -> DataSetDirectory {
        let object = "\(dataSet)"
        guard case .getNamedVariableListAttributes(let deletable, let variables) =
                try await perform(.getNamedVariableListAttributes(dataSet.mmsName), operation: "dataSetDirectory", object: object) else {
            throw IEC61850Error(.unexpectedResponse("not a GetNamedVariableListAttributes response"), operation: "dataSetDirectory", object: object)
        }
        var members: [DataSetMember] = []
        for variable in variables {
            guard let member = DataSetMember(mms: variable) else {
                throw IEC61850Error(.unexpectedResponse("member \(variable.name) is not an IEC 61850 data reference"), operation: "dataSetDirectory", object: object)
            }
            members.append(member)
        }
        return DataSetDirectory(members: members, isDeletable: deletable)
    }

    /// The values of a dataset's members, in order (GetDataSetValues, §13.3.2; MMS Read of the named variable list).
    /// A member the server cannot read is a `.failure` in its place, not a thrown error.
    public func readDataSet(_ dataSet: DataSetReference) async throws(IEC61850Error) -> [AccessResult] {
        let object = "\(dataSet)"
        guard case .read(let results) = try await perform(.read(specificationWithResult: false, .variableListName(dataSet.mmsName)),
                                                          operation: "readDataSet", object: object) else {
            throw IEC61850Error(.unexpectedResponse("not a Read response"), operation: "readDataSet", object: object)
        }
        return results
    }

    /// Writes all members of a dataset at once (SetDataSetValues, §13.3.3); one result per member, `nil` for success.
    public func writeDataSet(_ dataSet: DataSetReference, values: [MMSValue]) async throws(IEC61850Error) -> [DataAccessError?] {
        let object = "\(dataSet)"
        guard case .write(let results) = try await perform(.write(.variableListName(dataSet.mmsName), values), operation: "writeDataSet", object: object),
              results.count == values.count else {
            throw IEC61850Error(.unexpectedResponse("expected \(values.count) write results"), operation: "writeDataSet", object: object)
        }
        return results
    }

    /// Creates a dataset (CreateDataSet, §13.3.6; MMS DefineNamedVariableList): persistent in a logical device,
    /// or association-specific (`@name`), which the server drops when the association ends.
    public func createDataSet(_ dataSet: DataSetReference, members: [DataSetMember]) async throws(IEC61850Error) {
        let object = "\(dataSet)"
        guard !members.isEmpty else {
            throw IEC61850Error(.invalidReference("a dataset needs at least one member"), operation: "createDataSet", object: object)
        }
        guard case .defineNamedVariableList = try await perform(.defineNamedVariableList(dataSet.mmsName, members.map(\.mmsVariable)),
                                                                operation: "createDataSet", object: object) else {
            throw IEC61850Error(.unexpectedResponse("not a DefineNamedVariableList response"), operation: "createDataSet", object: object)
        }
    }

    /// Deletes a dataset (DeleteDataSet, §13.3.7; MMS DeleteNamedVariableList).
    /// - Throws: ``IEC61850Error`` with kind `refused` when the server matched the dataset but did not delete it
    ///   (a configured dataset, or one a report control block uses), or a service error when it does not exist.
    public func deleteDataSet(_ dataSet: DataSetReference) async throws(IEC61850Error) {
        let object = "\(dataSet)"
        guard case .deleteNamedVariableList(let matched, let deleted) = try await perform(.deleteNamedVariableList([dataSet.mmsName]),
                                                                                          operation: "deleteDataSet", object: object) else {
            throw IEC61850Error(.unexpectedResponse("not a DeleteNamedVariableList response"), operation: "deleteDataSet", object: object)
        }
        guard matched > 0 else { throw IEC61850Error(.dataAccess(.objectNonExistent), operation: "deleteDataSet", object: object) }
        guard deleted > 0 else {
            throw IEC61850Error(.refused("the server keeps this dataset (it is configured, or in use by a control block)"),
                                operation: "deleteDataSet", object: object)
        }
    }

    /// The datasets of a logical node (GetLogicalNodeDirectory for DATA-SET).
    public func dataSets(of logicalNode: ObjectReference) async throws(IEC61850Error) -> [DataSetReference] {
        try await logicalNodeDirectory(logicalNode, acsiClass: .dataSet).map {
            DataSetReference(logicalDevice: logicalNode.logicalDevice, logicalNode: logicalNode.logicalNode, name: $0)
        }
    }

    /// The association-specific datasets this association created (GetNameList of the AA scope).
    public func associationDataSets() async throws(IEC61850Error) -> [DataSetReference] {
        try await nameList(.namedVariableList, scope: .association).map { DataSetReference(associationSpecific: $0) }
    }
}

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
