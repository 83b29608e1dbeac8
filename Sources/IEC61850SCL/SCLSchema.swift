// One declarative description per SCL element type drives both directions: the parser (XML events →
// typed value) and the writer (typed value → XML). Attributes and child elements the description does
// not name are kept as they were read, so nothing in a file is dropped.

/// An XML attribute kept as read (namespace declarations, vendor attributes, attributes this library does not model).
public struct SCLAttribute: Sendable, Hashable, Codable {
    /// The qualified name, e.g. `xmlns:esel` or `eTest2:New`.
    public var name: String
    /// The value, entities resolved.
    public var value: String

    /// Creates an attribute.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An XML element kept as read: `Private` content, elements of other namespaces, and SCL elements this
/// library does not model (e.g. `Services`, `PowerTransformer`). Written back unchanged.
public struct SCLElement: Sendable, Hashable, Codable {
    /// The qualified element name.
    public var name: String
    /// The attributes, in document order.
    public var attributes: [SCLAttribute]
    /// The child elements, in document order.
    public var children: [SCLElement]
    /// The character data, trimmed of surrounding whitespace (empty when there is none).
    public var text: String

    /// Creates an element.
    public init(name: String, attributes: [SCLAttribute] = [], children: [SCLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The value of the attribute `name`.
    public subscript(attribute name: String) -> String? { attributes.first { $0.name == name }?.value }
}

/// An element type with a schema: how it is read and written.
protocol SCLNode: Sendable, Hashable, Codable {
    init()
    static var schema: SCLSchema<Self> { get }
    var location: SCLSourceLocation { get set }
    var otherAttributes: [SCLAttribute] { get set }
    var otherContent: [SCLElement] { get set }
}

/// A list whose items are one of several element types in document order (e.g. `SDO` and `DA` in a `DOType`).
protocol SCLChoice: Sendable, Hashable, Codable {
    static var elementNames: [String] { get }
    /// Reads the element the parser is at, whose name is `elementNames[nameIndex]`.
    static func parse(_ nameIndex: Int, with parser: inout SCLParser) throws(SCLError) -> Self
    func write(to writer: inout SCLXMLWriter)
}

/// Why an attribute value was refused (the parser adds where).
struct SCLValueError: Error {
    var message: String
}

/// How one element type is read and written. A class: the parser consults it for every element, and a
/// reference costs one retain where a struct of arrays would cost one per array.
final class SCLSchema<Root: SCLNode>: Sendable {
    struct Attribute: Sendable {
        var name: String
        var required: Bool
        var read: @Sendable (inout Root, String) throws(SCLValueError) -> Void
        var write: @Sendable (Root) -> String?
    }

    struct Child: Sendable {
        var names: [String]
        /// Reads the element the parser is at, named `names[nameIndex]`.
        var parse: @Sendable (inout Root, _ nameIndex: Int, inout SCLParser) throws(SCLError) -> Void
        var write: @Sendable (Root, inout SCLXMLWriter) -> Void
    }

    struct Text: Sendable {
        var read: @Sendable (inout Root, String) throws(SCLValueError) -> Void
        var write: @Sendable (Root) -> String
    }

    let element: String
    let attributes: [Attribute]
    let children: [Child]
    let text: Text?
    /// Attribute name → index in `attributes`.
    let attributeTable: SCLNameTable
    /// Child element name → `childIndex << 8 | nameIndex`.
    let childTable: SCLNameTable
    /// Bit `i` set when `attributes[i]` is required.
    let requiredMask: UInt64

    init(_ element: String, attributes: [Attribute] = [], children: [Child] = [], text: Text? = nil) {
        self.element = element
        self.attributes = attributes
        self.children = children
        self.text = text
        // The parser keeps the attributes it saw in a 64-bit mask; the largest schema (ExtRef) has 19.
        let kept = attributes.prefix(64)
        attributeTable = SCLNameTable(kept.enumerated().map { ($0.element.name, $0.offset) })
        requiredMask = kept.enumerated().reduce(0) { mask, entry in entry.element.required ? mask | 1 << UInt64(entry.offset) : mask }
        var childEntries: [(String, Int)] = []
        for (index, child) in children.enumerated() {
            for (nameIndex, name) in child.names.enumerated().prefix(256) { childEntries.append((name, index << 8 | nameIndex)) }
        }
        childTable = SCLNameTable(childEntries)
    }
}

/// A small map from names to integers, looked up with byte ranges of the input (no String per lookup).
struct SCLNameTable: Sendable {
    private let names: [[UInt8]]
    private let lengths: [Int]
    /// The first eight bytes of each name, zero-padded.
    private let heads: [UInt64]
    private let values: [Int]

    init(_ entries: [(String, Int)]) {
        names = entries.map { Array($0.0.utf8) }
        lengths = names.map(\.count)
        heads = names.map { Self.head(of: $0) }
        values = entries.map(\.1)
    }

    private static func head(of bytes: some Collection<UInt8>) -> UInt64 {
        var head: UInt64 = 0
        for (offset, byte) in bytes.prefix(8).enumerated() { head |= UInt64(byte) << UInt64(offset * 8) }
        return head
    }

    /// The value of the name in `range` of the tokenizer's input.
    @inline(__always)
    func lookup(_ range: Range<Int>, in tokenizer: XMLTokenizer) -> Int? {
        let length = range.count
        var head: UInt64 = 0
        var shift: UInt64 = 0
        for index in range.prefix(8) {
            head |= UInt64(tokenizer.buffer[index]) << shift
            shift += 8
        }
        for index in lengths.indices where lengths[index] == length && heads[index] == head {
            if length <= 8 { return values[index] }
            let matches = names[index].withUnsafeBufferPointer { tokenizer.equal(range, $0) }
            if matches { return values[index] }
        }
        return nil
    }
}

/// A stored property of an element type, written at its offset in the value (what `MemoryLayout.offset(of:)`
/// is for) rather than through the key path, whose generic application costs more than the parsing around it.
/// A key path without a stored offset (a computed property) is applied as a key path.
struct SCLField<Root, Value>: Sendable {
    let keyPath: SCLKeyPath<Root, Value>
    let offset: Int?

    init(_ keyPath: SCLKeyPath<Root, Value>) {
        self.keyPath = keyPath
        offset = MemoryLayout<Root>.offset(of: keyPath)
    }

    /// Sets the property of `*root` (an inout argument: `field.set(&node, value)`); the value is moved in.
    @inline(__always)
    func set(_ root: UnsafeMutablePointer<Root>, _ value: consuming Value) {
        guard let offset else { return root.pointee[keyPath: keyPath] = value }
        (UnsafeMutableRawPointer(root) + offset).assumingMemoryBound(to: Value.self).pointee = value
    }

    /// Appends to the array property of `*root`; the element is moved in.
    @inline(__always)
    func append<Element>(_ root: UnsafeMutablePointer<Root>, _ element: consuming Element) where Value == [Element] {
        guard let offset else { return root.pointee[keyPath: keyPath].append(element) }
        (UnsafeMutableRawPointer(root) + offset).assumingMemoryBound(to: [Element].self).pointee.append(element)
    }
}

// MARK: - Attribute kinds

extension SCLSchema.Attribute {
    /// A required string attribute.
    static func string(_ name: String, _ keyPath: SCLKeyPath<Root, String>) -> Self {
        Self(name: name, required: true, read: { [field = SCLField(keyPath)] root, value throws(SCLValueError) in field.set(&root, value) },
             write: { $0[keyPath: keyPath] })
    }

    /// An optional string attribute.
    static func string(_ name: String, _ keyPath: SCLKeyPath<Root, String?>) -> Self {
        Self(name: name, required: false, read: { [field = SCLField(keyPath)] root, value throws(SCLValueError) in field.set(&root, value) },
             write: { $0[keyPath: keyPath] })
    }

    /// A required integer attribute.
    static func int(_ name: String, _ keyPath: SCLKeyPath<Root, Int>) -> Self {
        Self(name: name, required: true, read: { [field = SCLField(keyPath)] root, value throws(SCLValueError) in field.set(&root, try SCLLexical.int(value)) },
             write: { String($0[keyPath: keyPath]) })
    }

    /// An optional string attribute read as empty when absent (and always written).
    static func defaulted(_ name: String, _ keyPath: SCLKeyPath<Root, String>) -> Self {
        Self(name: name, required: false, read: { [field = SCLField(keyPath)] root, value throws(SCLValueError) in field.set(&root, value) },
             write: { $0[keyPath: keyPath] })
    }

    /// An optional integer attribute.
    static func int(_ name: String, _ keyPath: SCLKeyPath<Root, Int?>) -> Self {
        Self(name: name, required: false, read: { [field = SCLField(keyPath)] root, value throws(SCLValueError) in field.set(&root, try SCLLexical.int(value)) },
             write: { $0[keyPath: keyPath].map { String($0) } })
    }

    /// An optional `xs:boolean` attribute (`true`, `false`, `1`, `0`).
    static func bool(_ name: String, _ keyPath: SCLKeyPath<Root, Bool?>) -> Self {
        Self(name: name, required: false, read: { [field = SCLField(keyPath)] root, value throws(SCLValueError) in field.set(&root, try SCLLexical.bool(value)) },
             write: { $0[keyPath: keyPath].map { $0 ? "true" : "false" } })
    }

    /// A required attribute whose values form a closed set.
    static func value<V: RawRepresentable<String> & Sendable>(_ name: String, _ keyPath: SCLKeyPath<Root, V>) -> Self {
        Self(name: name, required: true, read: { [field = SCLField(keyPath)] root, value throws(SCLValueError) in field.set(&root, try SCLLexical.raw(value)) },
             write: { $0[keyPath: keyPath].rawValue })
    }

    /// An optional attribute whose values form a closed set.
    static func value<V: RawRepresentable<String> & Sendable>(_ name: String, _ keyPath: SCLKeyPath<Root, V?>) -> Self {
        Self(name: name, required: false, read: { [field = SCLField(keyPath)] root, value throws(SCLValueError) in field.set(&root, try SCLLexical.raw(value)) },
             write: { $0[keyPath: keyPath]?.rawValue })
    }
}

// MARK: - Child kinds

extension SCLSchema.Child {
    /// Any number of `element` children (the child type's own element name by default).
    static func many<C: SCLNode>(_ keyPath: SCLKeyPath<Root, [C]>, element: String? = nil) -> Self {
        let name = element ?? C.schema.element
        return Self(names: [name], parse: { [field = SCLField(keyPath)] root, _, parser throws(SCLError) in
            field.append(&root, try parser.parse(C.self))
        }, write: { root, writer in
            for child in root[keyPath: keyPath] { writer.write(child, element: name) }
        })
    }

    /// At most one `element` child; a repeated one is a warning and the first is kept.
    static func one<C: SCLNode>(_ keyPath: SCLKeyPath<Root, C?>, element: String? = nil) -> Self {
        let name = element ?? C.schema.element
        return Self(names: [name], parse: { root, _, parser throws(SCLError) in
            if root[keyPath: keyPath] == nil {
                root[keyPath: keyPath] = try parser.parse(C.self)
            } else {
                parser.warn(.duplicate, "a second <\(name)> where one is allowed; the first is used")
                _ = try parser.parse(C.self)
            }
        }, write: { root, writer in
            if let child = root[keyPath: keyPath] { writer.write(child, element: name) }
        })
    }

    /// Items of several element types kept in document order.
    static func choice<C: SCLChoice>(_ keyPath: SCLKeyPath<Root, [C]>) -> Self {
        Self(names: C.elementNames, parse: { [field = SCLField(keyPath)] root, nameIndex, parser throws(SCLError) in
            field.append(&root, try C.parse(nameIndex, with: &parser))
        }, write: { root, writer in
            for child in root[keyPath: keyPath] { child.write(to: &writer) }
        })
    }
}

extension SCLSchema.Text {
    /// The element's character data, trimmed.
    static func string(_ keyPath: SCLKeyPath<Root, String>) -> Self {
        Self(read: { [field = SCLField(keyPath)] root, value throws(SCLValueError) in field.set(&root, value) }, write: { $0[keyPath: keyPath] })
    }
}

// MARK: - Lexical forms (XML Schema)

enum SCLLexical {
    static func int(_ text: String) throws(SCLValueError) -> Int {
        let trimmed = trim(text)
        guard let value = Int(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed) else {
            throw SCLValueError(message: "'\(text)' is not an integer")
        }
        return value
    }

    static func bool(_ text: String) throws(SCLValueError) -> Bool {
        switch trim(text) {
        case "true", "1": return true
        case "false", "0": return false
        default: throw SCLValueError(message: "'\(text)' is not a boolean (true, false, 1 or 0)")
        }
    }

    static func raw<V: RawRepresentable<String>>(_ text: String) throws(SCLValueError) -> V {
        guard let value = V(rawValue: trim(text)) else { throw SCLValueError(message: "'\(text)' is not a valid value") }
        return value
    }

    /// Removes XML whitespace (space, tab, CR, LF) at both ends.
    static func trim(_ text: String) -> String {
        let utf8 = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return text }
        return String(text[first...last])
    }
}

/// A key path literal without captures, which Swift 6 infers `Sendable` (SE-0418).
typealias SCLKeyPath<Root, Value> = any WritableKeyPath<Root, Value> & Sendable
