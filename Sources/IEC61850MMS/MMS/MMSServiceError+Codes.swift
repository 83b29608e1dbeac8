// ISO 9506-2 §7.4 ServiceError: every class and code by name, so that servers answer and clients match them by
// name instead of bare numbers.

extension MMSServiceError {
    // MARK: vmdState
    /// `vmdState`: other (code 0).
    public static let vmdStateOther = MMSServiceError(errorClass: .vmdState, code: 0)
    /// `vmdState`: `vmd-state-conflict` (code 1).
    public static let vmdStateConflict = MMSServiceError(errorClass: .vmdState, code: 1)
    /// `vmdState`: `vmd-operational-problem` (code 2).
    public static let vmdOperationalProblem = MMSServiceError(errorClass: .vmdState, code: 2)
    /// `vmdState`: `domain-transfer-problem` (code 3).
    public static let domainTransferProblem = MMSServiceError(errorClass: .vmdState, code: 3)
    /// `vmdState`: `state-machine-id-invalid` (code 4).
    public static let stateMachineIdInvalid = MMSServiceError(errorClass: .vmdState, code: 4)

    // MARK: applicationReference
    /// `applicationReference`: other (code 0).
    public static let applicationReferenceOther = MMSServiceError(errorClass: .applicationReference, code: 0)
    /// `applicationReference`: `application-unreachable` (code 1).
    public static let applicationUnreachable = MMSServiceError(errorClass: .applicationReference, code: 1)
    /// `applicationReference`: `connection-lost` (code 2).
    public static let connectionLost = MMSServiceError(errorClass: .applicationReference, code: 2)
    /// `applicationReference`: `application-reference-invalid` (code 3).
    public static let applicationReferenceInvalid = MMSServiceError(errorClass: .applicationReference, code: 3)
    /// `applicationReference`: `context-unsupported` (code 4).
    public static let contextUnsupported = MMSServiceError(errorClass: .applicationReference, code: 4)

    // MARK: definition
    /// `definition`: other (code 0).
    public static let definitionOther = MMSServiceError(errorClass: .definition, code: 0)
    /// `definition`: `object-undefined` (code 1).
    public static let objectUndefined = MMSServiceError(errorClass: .definition, code: 1)
    /// `definition`: `invalid-address` (code 2).
    public static let invalidAddress = MMSServiceError(errorClass: .definition, code: 2)
    /// `definition`: `type-unsupported` (code 3).
    public static let typeUnsupported = MMSServiceError(errorClass: .definition, code: 3)
    /// `definition`: `type-inconsistent` (code 4).
    public static let typeInconsistent = MMSServiceError(errorClass: .definition, code: 4)
    /// `definition`: `object-exists` (code 5).
    public static let objectExists = MMSServiceError(errorClass: .definition, code: 5)
    /// `definition`: `object-attribute-inconsistent` (code 6).
    public static let objectAttributeInconsistent = MMSServiceError(errorClass: .definition, code: 6)

    // MARK: resource
    /// `resource`: other (code 0).
    public static let resourceOther = MMSServiceError(errorClass: .resource, code: 0)
    /// `resource`: `memory-unavailable` (code 1).
    public static let memoryUnavailable = MMSServiceError(errorClass: .resource, code: 1)
    /// `resource`: `processor-resource-unavailable` (code 2).
    public static let processorResourceUnavailable = MMSServiceError(errorClass: .resource, code: 2)
    /// `resource`: `mass-storage-unavailable` (code 3).
    public static let massStorageUnavailable = MMSServiceError(errorClass: .resource, code: 3)
    /// `resource`: `capability-unavailable` (code 4).
    public static let capabilityUnavailable = MMSServiceError(errorClass: .resource, code: 4)
    /// `resource`: `capability-unknown` (code 5).
    public static let capabilityUnknown = MMSServiceError(errorClass: .resource, code: 5)

    // MARK: service
    /// `service`: other (code 0).
    public static let serviceOther = MMSServiceError(errorClass: .service, code: 0)
    /// `service`: `primitives-out-of-sequence` (code 1).
    public static let primitivesOutOfSequence = MMSServiceError(errorClass: .service, code: 1)
    /// `service`: `object-state-conflict` (code 2).
    public static let objectStateConflict = MMSServiceError(errorClass: .service, code: 2)
    /// `service`: `pdu-size` (code 3).
    public static let pduSize = MMSServiceError(errorClass: .service, code: 3)
    /// `service`: `continuation-invalid` (code 4).
    public static let continuationInvalid = MMSServiceError(errorClass: .service, code: 4)
    /// `service`: `object-constraint-conflict` (code 5).
    public static let objectConstraintConflict = MMSServiceError(errorClass: .service, code: 5)

    // MARK: servicePreempt
    /// `servicePreempt`: other (code 0).
    public static let servicePreemptOther = MMSServiceError(errorClass: .servicePreempt, code: 0)
    /// `servicePreempt`: `timeout` (code 1).
    public static let preemptTimeout = MMSServiceError(errorClass: .servicePreempt, code: 1)
    /// `servicePreempt`: `deadlock` (code 2).
    public static let preemptDeadlock = MMSServiceError(errorClass: .servicePreempt, code: 2)
    /// `servicePreempt`: `cancel` (code 3).
    public static let preemptCancel = MMSServiceError(errorClass: .servicePreempt, code: 3)

    // MARK: timeResolution
    /// `timeResolution`: other (code 0).
    public static let timeResolutionOther = MMSServiceError(errorClass: .timeResolution, code: 0)
    /// `timeResolution`: `unsupportable-time-resolution` (code 1).
    public static let unsupportableTimeResolution = MMSServiceError(errorClass: .timeResolution, code: 1)

    // MARK: access
    /// `access`: other (code 0).
    public static let accessOther = MMSServiceError(errorClass: .access, code: 0)
    /// `access`: `object-access-unsupported` (code 1).
    public static let objectAccessUnsupported = MMSServiceError(errorClass: .access, code: 1)
    /// `access`: `object-non-existent` (code 2).
    public static let objectNonExistent = MMSServiceError(errorClass: .access, code: 2)
    /// `access`: `object-access-denied` (code 3).
    public static let objectAccessDenied = MMSServiceError(errorClass: .access, code: 3)
    /// `access`: `object-invalidated` (code 4).
    public static let objectInvalidated = MMSServiceError(errorClass: .access, code: 4)

    // MARK: initiate
    /// `initiate`: other (code 0).
    public static let initiateOther = MMSServiceError(errorClass: .initiate, code: 0)
    /// `initiate`: `version-incompatible` (code 1).
    public static let versionIncompatible = MMSServiceError(errorClass: .initiate, code: 1)
    /// `initiate`: `max-segment-insufficient` (code 2).
    public static let maxSegmentInsufficient = MMSServiceError(errorClass: .initiate, code: 2)
    /// `initiate`: `max-services-outstanding-calling-insufficient` (code 3).
    public static let maxServicesOutstandingCallingInsufficient = MMSServiceError(errorClass: .initiate, code: 3)
    /// `initiate`: `max-services-outstanding-called-insufficient` (code 4).
    public static let maxServicesOutstandingCalledInsufficient = MMSServiceError(errorClass: .initiate, code: 4)
    /// `initiate`: `service-CBB-insufficient` (code 5).
    public static let serviceCbbInsufficient = MMSServiceError(errorClass: .initiate, code: 5)
    /// `initiate`: `parameter-CBB-insufficient` (code 6).
    public static let parameterCbbInsufficient = MMSServiceError(errorClass: .initiate, code: 6)
    /// `initiate`: `nesting-level-insufficient` (code 7).
    public static let nestingLevelInsufficient = MMSServiceError(errorClass: .initiate, code: 7)

    // MARK: conclude
    /// `conclude`: other (code 0).
    public static let concludeOther = MMSServiceError(errorClass: .conclude, code: 0)
    /// `conclude`: `further-communication-required` (code 1).
    public static let furtherCommunicationRequired = MMSServiceError(errorClass: .conclude, code: 1)

    // MARK: cancel
    /// `cancel`: other (code 0).
    public static let cancelOther = MMSServiceError(errorClass: .cancel, code: 0)
    /// `cancel`: `invoke-id-unknown` (code 1).
    public static let invokeIdUnknown = MMSServiceError(errorClass: .cancel, code: 1)
    /// `cancel`: `cancel-not-possible` (code 2).
    public static let cancelNotPossible = MMSServiceError(errorClass: .cancel, code: 2)

    // MARK: file
    /// `file`: other (code 0).
    public static let fileOther = MMSServiceError(errorClass: .file, code: 0)
    /// `file`: `filename-ambiguous` (code 1).
    public static let filenameAmbiguous = MMSServiceError(errorClass: .file, code: 1)
    /// `file`: `file-busy` (code 2).
    public static let fileBusy = MMSServiceError(errorClass: .file, code: 2)
    /// `file`: `filename-syntax-error` (code 3).
    public static let filenameSyntaxError = MMSServiceError(errorClass: .file, code: 3)
    /// `file`: `content-type-invalid` (code 4).
    public static let contentTypeInvalid = MMSServiceError(errorClass: .file, code: 4)
    /// `file`: `position-invalid` (code 5).
    public static let positionInvalid = MMSServiceError(errorClass: .file, code: 5)
    /// `file`: `file-access-denied` (code 6).
    public static let fileAccessDenied = MMSServiceError(errorClass: .file, code: 6)
    /// `file`: `file-non-existent` (code 7).
    public static let fileNonExistent = MMSServiceError(errorClass: .file, code: 7)
    /// `file`: `duplicate-filename` (code 8).
    public static let duplicateFilename = MMSServiceError(errorClass: .file, code: 8)
    /// `file`: `insufficient-space-in-filestore` (code 9).
    public static let insufficientSpaceInFilestore = MMSServiceError(errorClass: .file, code: 9)

    /// Whether `value` has the class and code of `pattern` (additional code and description aside), so that
    /// `case .objectNonExistent:` matches a server's error however much it adds.
    public static func ~= (pattern: MMSServiceError, value: MMSServiceError) -> Bool {
        pattern.errorClass == value.errorClass && pattern.code == value.code
    }

    /// Whether the two have the same class and code.
    public func matches(_ other: MMSServiceError) -> Bool { self ~= other }
}
