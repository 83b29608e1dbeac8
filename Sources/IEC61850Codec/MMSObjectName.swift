// ISO 9506-2 ObjectName: how MMS names variables, lists, journals and types.

/// ISO 9506-2 §11.1 ObjectName.
///
/// ```
/// ObjectName ::= CHOICE { vmd-specific [0] IMPLICIT Identifier,
///   domain-specific [1] IMPLICIT SEQUENCE { domainId Identifier, itemId Identifier },
///   aa-specific [2] IMPLICIT Identifier }
/// ```
public enum MMSObjectName: Sendable, Hashable, CustomStringConvertible {
    /// A name valid in the whole VMD.
    case vmdSpecific(String)
    /// A name inside a domain (IEC 61850: a logical device).
    case domainSpecific(domain: String, item: String)
    /// A name valid only on this association (e.g. `@ds` datasets).
    case aaSpecific(String)

    /// `domain/item`, `item` or `@item`.
    public var description: String {
        switch self {
        case .vmdSpecific(let name): name
        case .domainSpecific(let domain, let item): "\(domain)/\(item)"
        case .aaSpecific(let name): "@\(name)"
        }
    }

    /// Decodes an ObjectName element.
    public init(ber element: BERElement) throws(MMSCodecError) {
        switch element.tag {
        case .context(0): self = .vmdSpecific(try element.string())
        case .contextConstructed(1):
            var children = try element.children()
            let domain = try children.read(.visibleString, "ObjectName domainId").string()
            let item = try children.read(.visibleString, "ObjectName itemId").string()
            self = .domainSpecific(domain: domain, item: item)
        case .context(2): self = .aaSpecific(try element.string())
        default: throw MMSCodecError(.unexpectedTag, "ObjectName: \(element.tag) is not an alternative")
        }
    }

    /// Appends the ObjectName.
    public func encode(into writer: inout BERWriter) {
        switch self {
        case .vmdSpecific(let name): writer.write(.context(0), string: name)
        case .domainSpecific(let domain, let item):
            writer.writeConstructed(.contextConstructed(1)) { w in
                w.write(.visibleString, string: domain)
                w.write(.visibleString, string: item)
            }
        case .aaSpecific(let name): writer.write(.context(2), string: name)
        }
    }
}
