// ISO 9506-2 §14.1 TypeSpecification / TypeDescription, encoded with BER.
//
// TypeSpecification ::= CHOICE { typeName [0] ObjectName, typeDescription TypeDescription }
// TypeDescription ::= CHOICE {
//   array [1] IMPLICIT SEQUENCE { packed [0] IMPLICIT BOOLEAN DEFAULT FALSE,
//                                 numberOfElements [1] IMPLICIT Unsigned32, elementType [2] TypeSpecification },
//   structure [2] IMPLICIT SEQUENCE { packed [0] IMPLICIT BOOLEAN DEFAULT FALSE,
//     components [1] IMPLICIT SEQUENCE OF SEQUENCE { componentName [0] IMPLICIT Identifier OPTIONAL,
//                                                     componentType [1] TypeSpecification } },
//   boolean [3] IMPLICIT NULL, bit-string [4] IMPLICIT Integer32, integer [5] IMPLICIT Unsigned8,
//   unsigned [6] IMPLICIT Unsigned8, floating-point [7] IMPLICIT SEQUENCE { format-width Unsigned8,
//   exponent-width Unsigned8 }, octet-string [9] IMPLICIT Integer32, visible-string [10] IMPLICIT Integer32,
//   generalized-time [11] IMPLICIT NULL, binary-time [12] IMPLICIT BOOLEAN, bcd [13] IMPLICIT Unsigned8,
//   objId [15] IMPLICIT NULL, mMSString [16] IMPLICIT Integer32, utc-time [17] IMPLICIT NULL }

public import IEC61850Model

extension MMSTypeSpecification {
    /// The deepest type nesting accepted from the wire.
    public static let defaultMaxNesting = 20

    /// Decodes a TypeSpecification element.
    public init(ber element: BERElement, maxNesting: Int = MMSTypeSpecification.defaultMaxNesting) throws(MMSCodecError) {
        self = try Self.decode(element, nesting: 0, maxNesting: maxNesting)
    }

    static func decode(_ element: BERElement, nesting: Int, maxNesting: Int) throws(MMSCodecError) -> MMSTypeSpecification {
        let tag = element.tag
        guard tag.tagClass == .contextSpecific else {
            throw MMSCodecError(.unexpectedTag, "TypeSpecification: \(tag) is not an alternative")
        }
        switch (tag.number, tag.constructed) {
        case (0, true):
            var children = try element.children()
            switch try MMSObjectName(ber: children.read()) {
            case .domainSpecific(let domain, let item): return .typeName(domain: domain, item: item)
            case .vmdSpecific(let item), .aaSpecific(let item): return .typeName(domain: nil, item: item)
            }
        case (1, true):
            guard nesting < maxNesting else { throw MMSCodecError(.nestingTooDeep, "TypeSpecification nests deeper than \(maxNesting)") }
            var children = try element.children()
            let packed = try children.readIfPresent(.context(0))?.boolean() ?? false
            let count = try children.read(.context(1), "array numberOfElements").unsigned(UInt32.self, "numberOfElements")
            let elementType = try children.read(.contextConstructed(2), "array elementType")
            var inner = try elementType.children()
            let type = try decode(inner.read(), nesting: nesting + 1, maxNesting: maxNesting)
            return .array(count: count, packed: packed, element: type)
        case (2, true):
            guard nesting < maxNesting else { throw MMSCodecError(.nestingTooDeep, "TypeSpecification nests deeper than \(maxNesting)") }
            var children = try element.children()
            let packed = try children.readIfPresent(.context(0))?.boolean() ?? false
            let list = try children.read(.contextConstructed(1), "structure components")
            var listReader = try list.children()
            var components: [MMSComponent] = []
            while !listReader.isAtEnd {
                var entry = try listReader.read(.sequence, "structure component").children()
                let name = try entry.readIfPresent(.context(0))?.string() ?? ""
                let typeElement = try entry.read(.contextConstructed(1), "componentType")
                var typeReader = try typeElement.children()
                components.append(MMSComponent(name: name, type: try decode(typeReader.read(), nesting: nesting + 1, maxNesting: maxNesting)))
            }
            return .structure(components: components, packed: packed)
        case (3, false): return .boolean
        case (4, false): return .bitString(size: try element.signed(Int32.self, "bit-string size"))
        case (5, false): return .integer(bits: try element.unsigned(UInt8.self, "integer width"))
        case (6, false): return .unsigned(bits: try element.unsigned(UInt8.self, "unsigned width"))
        case (7, true):
            var children = try element.children()
            let format = try children.read(.integer, "floating-point format-width").unsigned(UInt8.self, "format-width")
            let exponent = try children.read(.integer, "floating-point exponent-width").unsigned(UInt8.self, "exponent-width")
            return .floatingPoint(formatWidth: format, exponentWidth: exponent)
        case (9, false): return .octetString(size: try element.signed(Int32.self, "octet-string size"))
        case (10, false): return .visibleString(size: try element.signed(Int32.self, "visible-string size"))
        case (11, false): return .generalizedTime
        case (12, false): return .binaryTime(includesDate: try element.boolean())
        case (13, false): return .bcd(digits: try element.unsigned(UInt8.self, "bcd digits"))
        case (15, false): return .objectIdentifier
        case (16, false): return .mmsString(size: try element.signed(Int32.self, "MMSString size"))
        case (17, false): return .utcTime
        default: throw MMSCodecError(.unexpectedTag, "TypeSpecification: \(tag) is not an alternative")
        }
    }

    /// Appends this type as a TypeSpecification element.
    public func encode(into writer: inout BERWriter) {
        switch self {
        case .typeName(let domain, let item):
            writer.writeConstructed(.contextConstructed(0)) { w in
                let name: MMSObjectName = domain.map { .domainSpecific(domain: $0, item: item) } ?? .vmdSpecific(item)
                name.encode(into: &w)
            }
        case .array(let count, let packed, let element):
            writer.writeConstructed(.contextConstructed(1)) { w in
                if packed { w.write(.context(0), bool: true) }
                w.write(.context(1), uint: UInt64(count))
                w.writeConstructed(.contextConstructed(2)) { e in element.encode(into: &e) }
            }
        case .structure(let components, let packed):
            writer.writeConstructed(.contextConstructed(2)) { w in
                if packed { w.write(.context(0), bool: true) }
                w.writeConstructed(.contextConstructed(1)) { list in
                    for component in components {
                        list.writeConstructed(.sequence) { entry in
                            entry.write(.context(0), string: component.name)
                            entry.writeConstructed(.contextConstructed(1)) { t in component.type.encode(into: &t) }
                        }
                    }
                }
            }
        case .boolean: writer.writeNull(.context(3))
        case .bitString(let size): writer.write(.context(4), int: Int64(size))
        case .integer(let bits): writer.write(.context(5), uint: UInt64(bits))
        case .unsigned(let bits): writer.write(.context(6), uint: UInt64(bits))
        case .floatingPoint(let format, let exponent):
            writer.writeConstructed(.contextConstructed(7)) { w in
                w.write(.integer, uint: UInt64(format))
                w.write(.integer, uint: UInt64(exponent))
            }
        case .octetString(let size): writer.write(.context(9), int: Int64(size))
        case .visibleString(let size): writer.write(.context(10), int: Int64(size))
        case .generalizedTime: writer.writeNull(.context(11))
        case .binaryTime(let includesDate): writer.write(.context(12), bool: includesDate)
        case .bcd(let digits): writer.write(.context(13), uint: UInt64(digits))
        case .objectIdentifier: writer.writeNull(.context(15))
        case .mmsString(let size): writer.write(.context(16), int: Int64(size))
        case .utcTime: writer.writeNull(.context(17))
        }
    }
}
