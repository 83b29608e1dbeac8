// ISO 9506-2 §14.1 TypeSpecification / TypeDescription.

/// The type of an MMS variable (ISO 9506-2 TypeDescription), a recursive tree whose structure
/// components carry the IEC 61850 names (functional constraints, data objects, attributes).
public enum MMSTypeSpecification: Sendable, Hashable {
    /// A fixed-size array of one element type.
    indirect case array(count: UInt32, packed: Bool, element: MMSTypeSpecification)
    /// A structure of named components.
    case structure(components: [MMSComponent], packed: Bool)
    /// BOOLEAN.
    case boolean
    /// BIT STRING of the given size (negative means "up to |size|", variable length).
    case bitString(size: Int32)
    /// INTEGER of the given width in bits.
    case integer(bits: UInt8)
    /// Unsigned INTEGER of the given width in bits.
    case unsigned(bits: UInt8)
    /// Floating point of the given format width and exponent width (32/8 single, 64/11 double).
    case floatingPoint(formatWidth: UInt8, exponentWidth: UInt8)
    /// OCTET STRING (negative size means variable, up to |size|).
    case octetString(size: Int32)
    /// VisibleString (negative size means variable, up to |size|).
    case visibleString(size: Int32)
    /// GeneralizedTime.
    case generalizedTime
    /// TimeOfDay; `includesDate` for the 6-octet form.
    case binaryTime(includesDate: Bool)
    /// BCD of the given number of digits.
    case bcd(digits: UInt8)
    /// OBJECT IDENTIFIER.
    case objectIdentifier
    /// MMSString (UTF-8), negative size means variable, up to |size|.
    case mmsString(size: Int32)
    /// UtcTime.
    case utcTime
    /// A reference to a named type rather than a description (rare in IEC 61850 servers).
    case typeName(domain: String?, item: String)

    /// The components of a structure, or an empty list.
    public var components: [MMSComponent] {
        if case .structure(let components, _) = self { return components }
        return []
    }

    /// The component called `name` of a structure.
    public func component(named name: String) -> MMSComponent? {
        components.first { $0.name == name }
    }
}

/// A named component of an MMS structure type.
public struct MMSComponent: Sendable, Hashable {
    /// The component name (an FC, data object or attribute name in IEC 61850 models).
    public var name: String
    /// The component's type.
    public var type: MMSTypeSpecification

    /// Creates a component.
    public init(name: String, type: MMSTypeSpecification) {
        self.name = name
        self.type = type
    }
}
