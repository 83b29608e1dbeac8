// ISO 9506-2 building blocks shared by several services: ObjectName, alternate access,
// VariableAccessSpecification, ServiceError, Reject and the Initiate parameters.

public import IEC61850Model

/// One step of an alternate access (ISO 9506-2 §14.3 AlternateAccessSelection): a component of a
/// structure or elements of an array.
public enum MMSAccessSelection: Sendable, Hashable {
    /// A named component of a structure.
    case component(String)
    /// One array element.
    case index(UInt32)
    /// `count` array elements from `low`.
    case indexRange(low: UInt32, count: UInt32)
    /// All array elements.
    case allElements
}

/// An alternate access as a path of selections: each step narrows the previous one, so
/// `[.index(2), .component("f")]` selects component `f` of element 2.
///
/// Encoded as nested `selectAlternateAccess` with a final `selectAccess` (ISO 9506-2 §14.3).
public struct MMSAlternateAccess: Sendable, Hashable {
    /// The selections, outermost first.
    public var path: [MMSAccessSelection]

    /// Creates an alternate access from a path.
    public init(_ path: [MMSAccessSelection]) { self.path = path }

    /// Appends the content of an `AlternateAccess` (a SEQUENCE OF CHOICE) without its own tag.
    func encodeContent(into writer: inout BERWriter, from start: Int = 0) {
        guard start < path.count else { return }
        let selection = path[start]
        if start == path.count - 1 {
            Self.encode(selection, base: 1, into: &writer)
        } else {
            writer.writeConstructed(.contextConstructed(0)) { w in
                Self.encode(selection, base: 0, into: &w)
                w.writeConstructed(.sequence) { inner in encodeContent(into: &inner, from: start + 1) }
            }
        }
    }

    private static func encode(_ selection: MMSAccessSelection, base: UInt32, into writer: inout BERWriter) {
        switch selection {
        case .component(let name): writer.write(.context(base), string: name)
        case .index(let index): writer.write(.context(base + 1), uint: UInt64(index))
        case .indexRange(let low, let count):
            writer.writeConstructed(.contextConstructed(base + 2)) { w in
                w.write(.context(0), uint: UInt64(low))
                w.write(.context(1), uint: UInt64(count))
            }
        case .allElements: writer.writeNull(.context(base + 3))
        }
    }

    /// Decodes the content of an `AlternateAccess` given a reader over it.
    init(content reader: BERReader) throws(MMSCodecError) {
        var path: [MMSAccessSelection] = []
        var current = reader
        while true {
            let element = try current.read()
            try current.expectEnd("AlternateAccess with more than one selection per level")
            if element.tag == .contextConstructed(0) {
                var inner = try element.children()
                path.append(try Self.decodeSelection(inner.read(), base: 0))
                let nested = try inner.read(.sequence, "selectAlternateAccess alternateAccess")
                try inner.expectEnd("selectAlternateAccess")
                current = try nested.children()
            } else if element.tag.number == 5, element.tag.tagClass == .contextSpecific {
                throw MMSCodecError(.unsupported, "named alternate access is not supported")
            } else {
                path.append(try Self.decodeSelection(element, base: 1))
                break
            }
        }
        self.path = path
    }

    private static func decodeSelection(_ element: BERElement, base: UInt32) throws(MMSCodecError) -> MMSAccessSelection {
        guard element.tag.tagClass == .contextSpecific, element.tag.number >= base, element.tag.number <= base + 3 else {
            throw MMSCodecError(.unexpectedTag, "AlternateAccessSelection: \(element.tag) is not an alternative")
        }
        switch element.tag.number - base {
        case 0: return .component(try element.string())
        case 1: return .index(try element.unsigned(UInt32.self, "alternate access index"))
        case 2:
            var children = try element.children()
            let low = try children.read(.context(0), "indexRange lowIndex").unsigned(UInt32.self, "lowIndex")
            let count = try children.read(.context(1), "indexRange numberOfElements").unsigned(UInt32.self, "numberOfElements")
            return .indexRange(low: low, count: count)
        default: return .allElements
        }
    }
}

/// One entry of `listOfVariable`: a variable name and an optional alternate access.
public struct MMSVariableSpecification: Sendable, Hashable {
    /// The variable's name (ISO 9506-2 VariableSpecification `name [0]`).
    public var name: MMSObjectName
    /// Which part of the variable.
    public var alternateAccess: MMSAlternateAccess?

    /// Creates an entry.
    public init(name: MMSObjectName, alternateAccess: MMSAlternateAccess? = nil) {
        self.name = name
        self.alternateAccess = alternateAccess
    }

    func encode(into writer: inout BERWriter) {
        writer.writeConstructed(.sequence) { w in
            w.writeConstructed(.contextConstructed(0)) { n in name.encode(into: &n) }
            if let alternateAccess {
                w.writeConstructed(.contextConstructed(5)) { a in alternateAccess.encodeContent(into: &a) }
            }
        }
    }

    init(ber element: BERElement) throws(MMSCodecError) {
        try element.expect(.sequence, "listOfVariable entry")
        var children = try element.children()
        let specification = try children.read()
        guard specification.tag == .contextConstructed(0) else {
            throw MMSCodecError(.unsupported, "VariableSpecification \(specification.tag) (only `name` is supported)")
        }
        var nameReader = try specification.children()
        name = try MMSObjectName(ber: nameReader.read())
        try nameReader.expectEnd("VariableSpecification name")
        if let access = try children.readIfPresent(.contextConstructed(5)) {
            alternateAccess = try MMSAlternateAccess(content: access.children())
        } else {
            alternateAccess = nil
        }
        try children.expectEnd("listOfVariable entry")
    }
}

/// ISO 9506-2 §14.6 VariableAccessSpecification.
public enum MMSVariableAccessSpecification: Sendable, Hashable {
    /// `listOfVariable [0]`: explicit variables.
    case listOfVariables([MMSVariableSpecification])
    /// `variableListName [1]`: a named variable list (IEC 61850: a dataset, or `RPT` in reports).
    case variableListName(MMSObjectName)

    func encode(into writer: inout BERWriter) {
        switch self {
        case .listOfVariables(let variables):
            writer.writeConstructed(.contextConstructed(0)) { w in for v in variables { v.encode(into: &w) } }
        case .variableListName(let name):
            writer.writeConstructed(.contextConstructed(1)) { w in name.encode(into: &w) }
        }
    }

    init(ber element: BERElement) throws(MMSCodecError) {
        switch element.tag {
        case .contextConstructed(0):
            var children = try element.children()
            var list: [MMSVariableSpecification] = []
            while !children.isAtEnd { list.append(try MMSVariableSpecification(ber: children.read())) }
            self = .listOfVariables(list)
        case .contextConstructed(1):
            var children = try element.children()
            self = .variableListName(try MMSObjectName(ber: children.read()))
            try children.expectEnd("variableListName")
        default:
            throw MMSCodecError(.unexpectedTag, "VariableAccessSpecification: \(element.tag) is not an alternative")
        }
    }
}

/// ISO 9506-2 §7.4 ServiceError: an error class, a code within it and optional detail.
public struct MMSServiceError: Sendable, Hashable, CustomStringConvertible {
    /// The error class (ISO 9506-2 `errorClass`).
    public enum ErrorClass: Int, Sendable, Hashable, CaseIterable {
        /// `vmd-state [0]`.
        case vmdState = 0
        /// `application-reference [1]`.
        case applicationReference
        /// `definition [2]`.
        case definition
        /// `resource [3]`.
        case resource
        /// `service [4]`.
        case service
        /// `service-preempt [5]`.
        case servicePreempt
        /// `time-resolution [6]`.
        case timeResolution
        /// `access [7]`.
        case access
        /// `initiate [8]`.
        case initiate
        /// `conclude [9]`.
        case conclude
        /// `cancel [10]`.
        case cancel
        /// `file [11]`.
        case file
        /// `others [12]`.
        case others

        /// The ISO 9506 name of the class.
        public var name: String {
            ["vmd-state", "application-reference", "definition", "resource", "service", "service-preempt",
             "time-resolution", "access", "initiate", "conclude", "cancel", "file", "others"][rawValue]
        }

        var codeNames: [String] {
            switch self {
            case .vmdState: ["other", "vmd-state-conflict", "vmd-operational-problem", "domain-transfer-problem", "state-machine-id-invalid"]
            case .applicationReference: ["other", "application-unreachable", "connection-lost", "application-reference-invalid", "context-unsupported"]
            case .definition: ["other", "object-undefined", "invalid-address", "type-unsupported", "type-inconsistent", "object-exists", "object-attribute-inconsistent"]
            case .resource: ["other", "memory-unavailable", "processor-resource-unavailable", "mass-storage-unavailable", "capability-unavailable", "capability-unknown"]
            case .service: ["other", "primitives-out-of-sequence", "object-state-conflict", "pdu-size", "continuation-invalid", "object-constraint-conflict"]
            case .servicePreempt: ["other", "timeout", "deadlock", "cancel"]
            case .timeResolution: ["other", "unsupportable-time-resolution"]
            case .access: ["other", "object-access-unsupported", "object-non-existent", "object-access-denied", "object-invalidated"]
            case .initiate: ["other", "version-incompatible", "max-segment-insufficient", "max-services-outstanding-calling-insufficient",
                             "max-services-outstanding-called-insufficient", "service-CBB-insufficient", "parameter-CBB-insufficient",
                             "nesting-level-insufficient"]
            case .conclude: ["other", "further-communication-required"]
            case .cancel: ["other", "invoke-id-unknown", "cancel-not-possible"]
            case .file: ["other", "filename-ambiguous", "file-busy", "filename-syntax-error", "content-type-invalid", "position-invalid",
                         "file-access-denied", "file-non-existent", "duplicate-filename", "insufficient-space-in-filestore"]
            case .others: []
            }
        }
    }

    /// The class.
    public var errorClass: ErrorClass
    /// The code within the class.
    public var code: Int64
    /// `additionalCode`, when the server sent one.
    public var additionalCode: Int64?
    /// `additionalDescription`, when the server sent one.
    public var additionalDescription: String?

    /// Creates a service error.
    public init(errorClass: ErrorClass, code: Int64, additionalCode: Int64? = nil, additionalDescription: String? = nil) {
        self.errorClass = errorClass
        self.code = code
        self.additionalCode = additionalCode
        self.additionalDescription = additionalDescription
    }

    /// The ISO 9506 name of the code, e.g. `object-non-existent`.
    public var codeName: String {
        let names = errorClass.codeNames
        return code >= 0 && code < Int64(names.count) ? names[Int(code)] : "code \(code)"
    }

    /// e.g. `access: object-non-existent`.
    public var description: String {
        var text = "\(errorClass.name): \(codeName)"
        if let additionalDescription { text += " (\(additionalDescription))" }
        return text
    }

    /// Decodes the content of a ServiceError SEQUENCE.
    init(content: BERReader) throws(MMSCodecError) {
        var reader = content
        let classElement = try reader.read(.contextConstructed(0), "ServiceError errorClass")
        var classReader = try classElement.children()
        let codeElement = try classReader.read()
        guard codeElement.tag.tagClass == .contextSpecific, !codeElement.tag.constructed,
              let errorClass = ErrorClass(rawValue: Int(codeElement.tag.number)) else {
            throw MMSCodecError(.unexpectedTag, "ServiceError errorClass: \(codeElement.tag) is not a class")
        }
        self.errorClass = errorClass
        self.code = try codeElement.int64()
        self.additionalCode = try reader.readIfPresent(.context(1))?.int64()
        self.additionalDescription = try reader.readIfPresent(.context(2))?.string()
    }

    /// Appends the content of a ServiceError SEQUENCE.
    func encodeContent(into writer: inout BERWriter) {
        writer.writeConstructed(.contextConstructed(0)) { w in w.write(.context(UInt32(errorClass.rawValue)), int: code) }
        if let additionalCode { writer.write(.context(1), int: additionalCode) }
        if let additionalDescription { writer.write(.context(2), string: additionalDescription) }
    }
}

/// ISO 9506-2 §7.3 RejectPDU: the peer could not process a PDU at all.
public struct MMSReject: Sendable, Hashable, CustomStringConvertible {
    /// The invokeID of the rejected PDU, if known.
    public var originalInvokeID: UInt32?
    /// Which kind of PDU was rejected (the `rejectReason` alternative, 1 = confirmed-requestPDU … 11 = conclude-errorPDU, 5 = pdu-error).
    public var pduType: UInt32
    /// The reason code within that kind.
    public var reason: Int64

    /// Creates a reject.
    public init(originalInvokeID: UInt32?, pduType: UInt32, reason: Int64) {
        self.originalInvokeID = originalInvokeID
        self.pduType = pduType
        self.reason = reason
    }

    /// `confirmed-requestPDU` reasons.
    public static func confirmedRequest(invokeID: UInt32?, reason: Int64) -> MMSReject { .init(originalInvokeID: invokeID, pduType: 1, reason: reason) }
    /// A `pdu-error` reject (0 unknown-pdu-type, 1 invalid-pdu, 2 illegal-acse-mapping).
    public static func pduError(_ reason: Int64) -> MMSReject { .init(originalInvokeID: nil, pduType: 5, reason: reason) }

    /// e.g. `confirmed-requestPDU: unrecognized-service`.
    public var description: String {
        let kinds = ["", "confirmed-requestPDU", "confirmed-responsePDU", "confirmed-errorPDU", "unconfirmedPDU", "pdu-error",
                     "cancel-requestPDU", "cancel-responsePDU", "cancel-errorPDU", "conclude-requestPDU", "conclude-responsePDU",
                     "conclude-errorPDU"]
        let kind = pduType < kinds.count ? kinds[Int(pduType)] : "reject \(pduType)"
        let reasons: [String]
        switch pduType {
        case 1: reasons = ["other", "unrecognized-service", "unrecognized-modifier", "invalid-invokeID", "invalid-argument",
                           "invalid-modifier", "max-serv-outstanding-exceeded", "reserved", "max-recursion-exceeded", "value-out-of-range"]
        case 2: reasons = ["other", "unrecognized-service", "invalid-invokeID", "invalid-result", "reserved", "max-recursion-exceeded", "value-out-of-range"]
        case 5: reasons = ["unknown-pdu-type", "invalid-pdu", "illegal-acse-mapping"]
        default: reasons = []
        }
        let name = reason >= 0 && reason < Int64(reasons.count) ? reasons[Int(reason)] : "reason \(reason)"
        return "\(kind): \(name)"
    }
}

/// The parameters of an Initiate request or response (ISO 9506-2 §8.2).
public struct MMSInitiateParameters: Sendable, Hashable {
    /// `localDetailCalling`/`localDetailCalled`: the maximum MMS PDU size in octets.
    public var maxPDUSize: Int32?
    /// Maximum outstanding requests the calling side may issue.
    public var maxOutstandingCalling: Int16
    /// Maximum outstanding requests the called side may issue.
    public var maxOutstandingCalled: Int16
    /// Maximum structure/array nesting in Data.
    public var dataStructureNestingLevel: Int8?
    /// MMS version (1 for ISO 9506:2003).
    public var version: Int16
    /// Parameter conformance building blocks.
    public var parameterCBB: MMSBitString
    /// Services supported by the sender (ServiceSupportOptions).
    public var servicesSupported: MMSBitString

    /// Creates Initiate parameters.
    public init(maxPDUSize: Int32?, maxOutstandingCalling: Int16, maxOutstandingCalled: Int16,
                dataStructureNestingLevel: Int8?, version: Int16 = 1,
                parameterCBB: MMSBitString = MMSInitiateParameters.defaultParameterCBB,
                servicesSupported: MMSBitString = MMSInitiateParameters.defaultServicesSupported) {
        self.maxPDUSize = maxPDUSize
        self.maxOutstandingCalling = maxOutstandingCalling
        self.maxOutstandingCalled = maxOutstandingCalled
        self.dataStructureNestingLevel = dataStructureNestingLevel
        self.version = version
        self.parameterCBB = parameterCBB
        self.servicesSupported = servicesSupported
    }

    /// str1, str2, vnam, valt, vlis (what IEC 61850-8-1 requires).
    public static let defaultParameterCBB: MMSBitString = {
        var bits = MMSBitString(bits: Array(repeating: false, count: 11))
        for bit in [0, 1, 2, 3, 7] { bits[bit] = true }
        return bits
    }()

    /// The ServiceSupportOptions bits of the services this stack implements.
    public static let defaultServicesSupported: MMSBitString = {
        var bits = MMSBitString(bits: Array(repeating: false, count: 85))
        // getNameList, identify, read, write, getVariableAccessAttributes, defineNamedVariableList,
        // getNamedVariableListAttributes, deleteNamedVariableList, informationReport, conclude.
        for bit in [1, 2, 4, 5, 6, 11, 12, 13, 79, 83] { bits[bit] = true }
        return bits
    }()

    func encodeContent(into writer: inout BERWriter) {
        if let maxPDUSize { writer.write(.context(0), int: Int64(maxPDUSize)) }
        writer.write(.context(1), int: Int64(maxOutstandingCalling))
        writer.write(.context(2), int: Int64(maxOutstandingCalled))
        if let dataStructureNestingLevel { writer.write(.context(3), int: Int64(dataStructureNestingLevel)) }
        writer.writeConstructed(.contextConstructed(4)) { w in
            w.write(.context(0), int: Int64(version))
            w.write(.context(1), bits: parameterCBB)
            w.write(.context(2), bits: servicesSupported)
        }
    }

    init(content: BERReader) throws(MMSCodecError) {
        var reader = content
        maxPDUSize = try reader.readIfPresent(.context(0))?.signed(Int32.self, "localDetail")
        maxOutstandingCalling = try reader.read(.context(1), "Initiate maxServOutstandingCalling").signed(Int16.self, "maxServOutstandingCalling")
        maxOutstandingCalled = try reader.read(.context(2), "Initiate maxServOutstandingCalled").signed(Int16.self, "maxServOutstandingCalled")
        dataStructureNestingLevel = try reader.readIfPresent(.context(3))?.signed(Int8.self, "dataStructureNestingLevel")
        if let detail = try reader.readIfPresent(.contextConstructed(4)) {
            var inner = try detail.children()
            version = try inner.read(.context(0), "Initiate version").signed(Int16.self, "version")
            parameterCBB = try inner.read(.context(1), "Initiate parameterCBB").bitString()
            servicesSupported = try inner.read(.context(2), "Initiate servicesSupported").bitString()
        } else {
            version = 1
            parameterCBB = MMSBitString(bits: [])
            servicesSupported = MMSBitString(bits: [])
        }
    }
}
