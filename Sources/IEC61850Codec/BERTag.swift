// ITU-T X.690 §8.1.2 identifier octets.

/// An ASN.1 BER tag: class, primitive/constructed and number (ITU-T X.690 §8.1.2).
public struct BERTag: Sendable, Hashable, CustomStringConvertible {
    /// The tag class.
    public enum TagClass: UInt8, Sendable, Hashable {
        /// UNIVERSAL.
        case universal = 0
        /// APPLICATION.
        case application = 1
        /// Context-specific (`[n]`).
        case contextSpecific = 2
        /// PRIVATE.
        case `private` = 3
    }

    /// The class.
    public var tagClass: TagClass
    /// Whether the encoding is constructed.
    public var constructed: Bool
    /// The tag number.
    public var number: UInt32

    /// Creates a tag.
    @inlinable
    public init(_ tagClass: TagClass, constructed: Bool, number: UInt32) {
        self.tagClass = tagClass
        self.constructed = constructed
        self.number = number
    }

    /// `[n]` primitive.
    @inlinable public static func context(_ number: UInt32) -> BERTag { BERTag(.contextSpecific, constructed: false, number: number) }
    /// `[n]` constructed.
    @inlinable public static func contextConstructed(_ number: UInt32) -> BERTag { BERTag(.contextSpecific, constructed: true, number: number) }
    /// `[APPLICATION n]` constructed.
    @inlinable public static func application(_ number: UInt32, constructed: Bool = true) -> BERTag { BERTag(.application, constructed: constructed, number: number) }

    /// UNIVERSAL 1 BOOLEAN.
    public static let boolean = BERTag(.universal, constructed: false, number: 1)
    /// UNIVERSAL 2 INTEGER.
    public static let integer = BERTag(.universal, constructed: false, number: 2)
    /// UNIVERSAL 3 BIT STRING.
    public static let bitString = BERTag(.universal, constructed: false, number: 3)
    /// UNIVERSAL 4 OCTET STRING.
    public static let octetString = BERTag(.universal, constructed: false, number: 4)
    /// UNIVERSAL 5 NULL.
    public static let null = BERTag(.universal, constructed: false, number: 5)
    /// UNIVERSAL 6 OBJECT IDENTIFIER.
    public static let objectIdentifier = BERTag(.universal, constructed: false, number: 6)
    /// UNIVERSAL 8 EXTERNAL (constructed).
    public static let external = BERTag(.universal, constructed: true, number: 8)
    /// UNIVERSAL 16 SEQUENCE (constructed).
    public static let sequence = BERTag(.universal, constructed: true, number: 16)
    /// UNIVERSAL 17 SET (constructed).
    public static let set = BERTag(.universal, constructed: true, number: 17)
    /// UNIVERSAL 26 VisibleString.
    public static let visibleString = BERTag(.universal, constructed: false, number: 26)
    /// UNIVERSAL 25 GraphicString.
    public static let graphicString = BERTag(.universal, constructed: false, number: 25)

    /// e.g. `[1]c` or `UNIVERSAL 16c`.
    public var description: String {
        let c = constructed ? "c" : ""
        switch tagClass {
        case .universal: return "UNIVERSAL \(number)\(c)"
        case .application: return "[APPLICATION \(number)]\(c)"
        case .contextSpecific: return "[\(number)]\(c)"
        case .private: return "[PRIVATE \(number)]\(c)"
        }
    }
}
