// Datasets (IEC 61850-7-2 §13, mapped per IEC 61850-8-1 §13 to MMS named variable lists): references and members,
// shared by the client and the server.

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
