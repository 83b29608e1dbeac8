// Datasets on the client (IEC 61850-7-2 §13, mapped per IEC 61850-8-1 §13 to MMS named variable lists):
// directory, values, write, create and delete, persistent (in a logical device) or association-specific.

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
