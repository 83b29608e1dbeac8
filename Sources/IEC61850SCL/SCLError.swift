// Errors and warnings of SCL loading (IEC 61850-6): what is wrong, where (line, column, element path,
// attribute), and of which kind, so that tools can point at the offending spot.

/// Where an element starts in the source file. Two locations always compare equal, so a document that is
/// written and parsed again equals the original even though its elements moved.
public struct SCLSourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 1-based line (0 when the element was not read from a file).
    public var line: Int
    /// The 1-based column in UTF-8 bytes (0 when the element was not read from a file).
    public var column: Int

    /// Creates a location.
    public init(line: Int = 0, column: Int = 0) {
        self.line = line
        self.column = column
    }

    /// Always `true`: a location is not part of a document's value.
    public static func == (lhs: SCLSourceLocation, rhs: SCLSourceLocation) -> Bool { true }
    /// Hashes nothing (see ``==(_:_:)``).
    public func hash(into hasher: inout Hasher) {}

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// One problem found while loading or resolving an SCL file.
public struct SCLError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The class of problem.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The bytes are not well-formed XML (or use a DTD, or nest too deeply).
        case malformedXML
        /// The root element is not `<SCL>`.
        case notSCL
        /// The SCL `version`/`revision`/`release` is not one of IEC 61850-6's editions.
        case invalidVersion
        /// A required attribute is absent.
        case missingAttribute
        /// An attribute or value does not have the form its type requires.
        case invalidValue
        /// Two definitions share an identity that must be unique (template id, LN, dataset name…).
        case duplicate
        /// A reference names a type that does not exist (`lnType`, `type`).
        case unknownType
        /// A type refers to itself, directly or through other types.
        case typeCycle
        /// A reference names an object that does not exist (dataset member, control block dataset, IED).
        case unresolvedReference
        /// A structure nests deeper than the resolver allows.
        case tooDeep
        /// Types expand to more nodes than the resolver allows (e.g. huge arrays or exponential nesting).
        case tooLarge
        /// The file cannot be read.
        case io
    }

    /// The class of problem.
    public var kind: Kind
    /// What is wrong and, where it helps, what to do.
    public var message: String
    /// Where (line and column of the element concerned; 0:0 when unknown).
    public var location: SCLSourceLocation
    /// The element path, e.g. `SCL/IED[name="IED1"]/AccessPoint[name="AP1"]/Server/LDevice[inst="LD0"]`.
    public var path: String
    /// The attribute concerned, if one is.
    public var attribute: String?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, location: SCLSourceLocation = .init(), path: String = "", attribute: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.path = path
        self.attribute = attribute
    }

    /// Compares all fields, the location included.
    public static func == (lhs: SCLError, rhs: SCLError) -> Bool {
        lhs.kind == rhs.kind && lhs.message == rhs.message && lhs.path == rhs.path && lhs.attribute == rhs.attribute
            && lhs.location.line == rhs.location.line && lhs.location.column == rhs.location.column
    }

    /// Hashes the fields `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind); hasher.combine(message); hasher.combine(path); hasher.combine(attribute)
        hasher.combine(location.line); hasher.combine(location.column)
    }

    /// `LINE:COL: KIND: message (element path @attribute)` — the form `iec61850 scl validate` prints after the file name.
    public var description: String {
        var text = "\(location.line):\(location.column): \(kind.rawValue): \(message)"
        if !path.isEmpty || attribute != nil {
            text += " (" + path + (attribute.map { (path.isEmpty ? "@" : " @") + $0 } ?? "") + ")"
        }
        return text
    }
}

/// A tolerated deviation from IEC 61850-6, collected instead of failing the load.
public typealias SCLWarning = SCLError
