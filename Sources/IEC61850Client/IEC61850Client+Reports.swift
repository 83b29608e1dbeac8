// Report control blocks and reports on the client (IEC 61850-7-2 §17).

extension IEC61850Client {
    /// Reads a report control block: every attribute the server has, by name.
    public func reportControlBlock(_ reference: ReportControlBlockReference) async throws(IEC61850Error) -> ReportControlBlock {
        let object = "\(reference)"
        let variable = reference.variable()
        let type: MMSTypeSpecification
        do throws(IEC61850Error) {
            guard case .getVariableAccessAttributes(_, let declared) = try await perform(.getVariableAccessAttributes(variable.name),
                                                                                         operation: "reportControlBlock", object: object) else {
                throw IEC61850Error(.unexpectedResponse("not a GetVariableAccessAttributes response"), operation: "reportControlBlock", object: object)
            }
            type = declared
        } catch {
            // Some servers (iec61850 0.14.0) do not describe control blocks: read the standard attributes one by one.
            guard error.code == .serviceError else { throw error }
            return try await reportControlBlockByAttribute(reference)
        }
        guard case .read(let results) = try await perform(.read(specificationWithResult: false, .listOfVariables([variable])),
                                                          operation: "reportControlBlock", object: object), let first = results.first else {
            throw IEC61850Error(.unexpectedResponse("not a Read response"), operation: "reportControlBlock", object: object)
        }
        switch first {
        case .failure(let error):
            throw IEC61850Error(.dataAccess(error), operation: "reportControlBlock", object: object)
        case .success(.structure(let values)) where values.count == type.components.count:
            var attributes: [String: MMSValue] = [:]
            for (component, value) in zip(type.components, values) { attributes[component.name] = value }
            return ReportControlBlock(reference: reference, attributes: attributes)
        case .success(let other):
            throw IEC61850Error(.unexpectedResponse("the control block reads as \(other), not its declared structure"),
                                operation: "reportControlBlock", object: object)
        }
    }

    private func reportControlBlockByAttribute(_ reference: ReportControlBlockReference) async throws(IEC61850Error) -> ReportControlBlock {
        let names = reference.isBuffered
            ? ["RptID", "RptEna", "DatSet", "ConfRev", "OptFlds", "BufTm", "SqNum", "TrgOps", "IntgPd", "GI", "PurgeBuf", "EntryID", "TimeOfEntry", "ResvTms", "Owner"]
            : ["RptID", "RptEna", "Resv", "DatSet", "ConfRev", "OptFlds", "BufTm", "SqNum", "TrgOps", "IntgPd", "GI", "Owner"]
        let object = "\(reference)"
        guard case .read(let results) = try await perform(.read(specificationWithResult: false, .listOfVariables(names.map { reference.variable($0) })),
                                                          operation: "reportControlBlock", object: object), results.count == names.count else {
            throw IEC61850Error(.unexpectedResponse("expected \(names.count) results"), operation: "reportControlBlock", object: object)
        }
        var attributes: [String: MMSValue] = [:]
        for (name, result) in zip(names, results) {
            if case .success(let value) = result { attributes[name] = value }
        }
        guard !attributes.isEmpty else { throw IEC61850Error(.dataAccess(.objectNonExistent), operation: "reportControlBlock", object: object) }
        return ReportControlBlock(reference: reference, attributes: attributes)
    }

    /// Changes a report control block's attributes, one write per attribute in the order of ``ReportSettings``.
    /// - Throws: ``IEC61850Error`` for the first attribute the server refuses (its name is in `object`); the
    ///   attributes before it are already written.
    public func setReportControlBlock(_ reference: ReportControlBlockReference, _ settings: ReportSettings) async throws(IEC61850Error) {
        for (attribute, value) in settings.writes {
            let object = "\(reference).\(attribute)"
            guard case .write(let results) = try await perform(.write(.listOfVariables([reference.variable(attribute)]), [value]),
                                                               operation: "setReportControlBlock", object: object), results.count == 1 else {
                throw IEC61850Error(.unexpectedResponse("expected one write result"), operation: "setReportControlBlock", object: object)
            }
            if let error = results[0] { throw IEC61850Error(.dataAccess(error), operation: "setReportControlBlock", object: object) }
        }
    }

    /// Every report this association receives, whatever its control block.
    /// - Parameter bufferLimit: reports kept for a slow consumer before the oldest are dropped (and counted in the next
    ///   report's ``Report/missedBefore``).
    public func allReports(bufferLimit: Int = 1_000) -> ReportStream {
        reportHub.subscribe(limit: bufferLimit) { _ in true }.stream
    }

    /// Reports carrying `reportID`.
    public func reports(withID reportID: String, bufferLimit: Int = 1_000) -> ReportStream {
        reportHub.subscribe(limit: bufferLimit) { $0.reportID == reportID }.stream
    }

    /// Subscribes to a report control block's reports, then configures and enables it: reserve (URCB `Resv`), the
    /// given settings, `RptEna` true, and a general interrogation when asked. The stream starts before the control
    /// block is enabled, so no report is missed.
    ///
    /// Stop with ``disableReporting(_:)``; ending the iteration alone leaves the control block enabled.
    public func enableReporting(_ reference: ReportControlBlockReference, settings: ReportSettings = .init(),
                                generalInterrogation: Bool = false, bufferLimit: Int = 1_000) async throws(IEC61850Error) -> ReportStream {
        let block = try await reportControlBlock(reference)
        // Reports carry the RCB's RptID, or the RCB reference when RptID is empty (IEC 61850-7-2 §17.2.2.2).
        let reportID = settings.reportID ?? block.reportID.flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(reference.logicalDevice)/\(reference.logicalNode)$\(reference.fc.rawValue)$\(reference.name)"
        let (id, stream) = reportHub.subscribe(limit: bufferLimit) { $0.reportID == reportID }
        var all = settings
        if !reference.isBuffered, block.isReserved != nil, all.reserve == nil { all.reserve = true }
        all.enable = true
        all.generalInterrogation = nil
        do {
            try await setReportControlBlock(reference, all)
            if generalInterrogation { try await setReportControlBlock(reference, ReportSettings(generalInterrogation: true)) }
        } catch {
            reportHub.unsubscribe(id)
            throw error
        }
        return stream
    }

    /// Asks for a general interrogation: the server reports every dataset member (the control block must be enabled).
    public func generalInterrogation(_ reference: ReportControlBlockReference) async throws(IEC61850Error) {
        try await setReportControlBlock(reference, ReportSettings(generalInterrogation: true))
    }

    /// Disables a control block (`RptEna` false) and, for a URCB, releases the reservation.
    public func disableReporting(_ reference: ReportControlBlockReference) async throws(IEC61850Error) {
        try await setReportControlBlock(reference, ReportSettings(enable: false))
        if !reference.isBuffered, (try? await reportControlBlock(reference))?.isReserved == true {
            try await setReportControlBlock(reference, ReportSettings(reserve: false))
        }
    }

    /// InformationReports no subscription wanted, or that were not well-formed reports, since the association began.
    public var unclaimedReports: Int { reportHub.unclaimed.load(ordering: .relaxed) }
}
