// IEC 61850-7-2 §6.2 object references and their IEC 61850-8-1 §10 mapping to MMS names.

/// A reference to a logical device, logical node, data object or data attribute:
/// `LD/LN[.DO[.SDO…][.DA…]]` (IEC 61850-7-2 §6.2), e.g. `TESTIEDGenericIO/GGIO1.AnIn1.mag.f`.
///
/// With a functional constraint it maps to an MMS domain-specific name (IEC 61850-8-1 §10):
/// the domain is the logical device name and the item is `LN$FC$DO$DA`, e.g. `GGIO1$MX$AnIn1$mag$f`.
public struct ObjectReference: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    /// The logical device name (the MMS domain), e.g. `TESTIEDGenericIO`.
    public var logicalDevice: String
    /// The logical node name, e.g. `GGIO1` or `LLN0`; empty for a reference to the logical device itself.
    public var logicalNode: String
    /// Data object, sub-object and attribute names below the logical node, in order.
    public var path: [String]

    /// Creates a reference from its parts.
    public init(logicalDevice: String, logicalNode: String = "", path: [String] = []) {
        self.logicalDevice = logicalDevice
        self.logicalNode = logicalNode
        self.path = path
    }

    /// Parses `LD`, `LD/LN` or `LD/LN.DO.DA…`; `nil` when a part is empty or the text has no `/` after a
    /// non-empty LD name while naming an LN.
    public init?(parsing text: some StringProtocol) {
        let string = String(text)
        guard let slash = string.firstIndex(of: "/") else {
            guard !string.isEmpty, !string.contains(".") else { return nil }
            self.init(logicalDevice: string)
            return
        }
        let ld = String(string[..<slash])
        let rest = string[string.index(after: slash)...]
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !ld.isEmpty, let ln = parts.first, !ln.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.init(logicalDevice: ld, logicalNode: ln, path: Array(parts.dropFirst()))
    }

    /// Parses a reference from a literal; an invalid literal yields a reference whose LD is the whole text,
    /// which the server then reports as non-existent.
    public init(stringLiteral value: String) {
        self = ObjectReference(parsing: value) ?? ObjectReference(logicalDevice: value)
    }

    /// `LD/LN.DO.DA`.
    public var description: String {
        guard !logicalNode.isEmpty else { return logicalDevice }
        var text = logicalDevice
        text.append("/")
        text.append(logicalNode)
        for name in path {
            text.append(".")
            text.append(name)
        }
        return text
    }

    /// The reference one level down.
    public func appending(_ name: String) -> ObjectReference {
        if logicalNode.isEmpty { return ObjectReference(logicalDevice: logicalDevice, logicalNode: name) }
        return ObjectReference(logicalDevice: logicalDevice, logicalNode: logicalNode, path: path + [name])
    }

    /// The MMS item name for this reference under a functional constraint: `LN$FC$DO$DA`
    /// (IEC 61850-8-1 §10.3). Without an FC only `LN` is meaningful, giving the whole LN variable.
    public func mmsItemName(fc: FunctionalConstraint?) -> String {
        var item = logicalNode
        item.reserveCapacity(path.reduce(logicalNode.utf8.count + 3) { $0 + $1.utf8.count + 1 })
        if let fc {
            item.append("$")
            item.append(fc.rawValue)
        }
        for name in path {
            item.append("$")
            item.append(name)
        }
        return item
    }

    /// Builds a reference from an MMS domain and item name (`LN$FC$DO$DA`), returning the FC when present.
    public static func fromMMS(domain: String, item: String) -> (reference: ObjectReference, fc: FunctionalConstraint?) {
        let parts = item.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard let ln = parts.first else { return (ObjectReference(logicalDevice: domain), nil) }
        if parts.count >= 2, let fc = FunctionalConstraint(rawValue: parts[1]), parts[1] == fc.rawValue {
            return (ObjectReference(logicalDevice: domain, logicalNode: ln, path: Array(parts.dropFirst(2))), fc)
        }
        return (ObjectReference(logicalDevice: domain, logicalNode: ln, path: Array(parts.dropFirst())), nil)
    }
}
