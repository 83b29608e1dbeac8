// Loading, writing and navigating an SCL document.

import IEC61850Model
import FoundationEssentials

/// A child of a `<DOType>`: a sub-data-object or a data attribute, in declaration order (the order matters:
/// it is the order of the components of the MMS structure, IEC 61850-8-1).
public enum SCLDOTypeChild: Sendable, Hashable, Codable {
    /// An `<SDO>`.
    case subDataObject(SCLDataObjectDefinition)
    /// A `<DA>`.
    case dataAttribute(SCLDataAttributeDefinition)

    /// The child's name.
    public var name: String {
        switch self {
        case .subDataObject(let sdo): sdo.name
        case .dataAttribute(let da): da.name
        }
    }
}

extension SCLDOTypeChild: SCLChoice {
    static let elementNames = ["SDO", "DA"]

    static func parse(_ nameIndex: Int, with parser: inout SCLParser) throws(SCLError) -> SCLDOTypeChild {
        nameIndex == 0 ? .subDataObject(try parser.parse(SCLDataObjectDefinition.self))
            : .dataAttribute(try parser.parse(SCLDataAttributeDefinition.self))
    }

    func write(to writer: inout SCLXMLWriter) {
        switch self {
        case .subDataObject(let sdo): writer.write(sdo, element: "SDO")
        case .dataAttribute(let da): writer.write(da, element: "DA")
        }
    }
}

extension SCLDocument {
    /// Parses SCL from UTF-8 bytes (with or without a byte order mark), appending tolerated deviations to `warnings`.
    ///
    /// This is stage one: XML → document. Types are not resolved here; see ``validate()`` and
    /// ``iedModel(ied:accessPoint:)``.
    /// - Throws: ``SCLError`` with kind `.malformedXML` (line and column of the fault), `.notSCL`,
    ///   `.invalidVersion`, `.missingAttribute` or `.invalidValue`.
    public init(bytes: [UInt8], warnings: inout [SCLWarning]) throws(SCLError) {
        self = try bytes.withUnsafeBufferPointer { (buffer) throws(SCLError) in try SCLDocument(buffer: buffer, warnings: &warnings) }
    }

    /// Parses the bytes of `buffer`, which stays valid for the call.
    init(buffer: UnsafeBufferPointer<UInt8>, warnings: inout [SCLWarning], chunking: SCLChunking = .automatic) throws(SCLError) {
        var parser = SCLParser(buffer: buffer, chunking: chunking)
        if let document = try parser.parseDocument() {
            self = document
        } else {
            // A chunked read met something it leaves to the sequential reader (an error, most likely): read again.
            parser = SCLParser(buffer: buffer, chunking: .off)
            guard let document = try parser.parseDocument() else { throw SCLError(.malformedXML, "the document could not be read") }
            self = document
        }
        warnings += parser.warnings
        try checkVersion(warnings: &warnings)
    }

    /// Parses SCL from UTF-8 bytes, discarding warnings.
    public init(bytes: [UInt8]) throws(SCLError) {
        var warnings: [SCLWarning] = []
        try self.init(bytes: bytes, warnings: &warnings)
    }

    /// Parses an SCL string.
    public init(string: String) throws(SCLError) {
        try self.init(bytes: Array(string.utf8))
    }

    /// Reads and parses the SCL file at `path`, appending tolerated deviations to `warnings`.
    public init(contentsOfFile path: String, warnings: inout [SCLWarning]) throws(SCLError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SCLError(.io, "cannot read \(path): \(error)")
        }
        // Parsed where it was read, without a copy.
        var found: [SCLWarning] = []
        let parsed = data.withUnsafeBytes { raw in
            Result { () throws(SCLError) in try SCLDocument(buffer: raw.assumingMemoryBound(to: UInt8.self), warnings: &found) }
        }
        warnings += found
        self = try parsed.get()
    }

    /// Reads and parses the SCL file at `path`, discarding warnings.
    public init(contentsOfFile path: String) throws(SCLError) {
        var warnings: [SCLWarning] = []
        try self.init(contentsOfFile: path, warnings: &warnings)
    }

    /// The IEC 61850-6 edition the file declares.
    public var edition: String {
        guard let version, !version.isEmpty else { return "1" }
        if version == "2007", revision == "B", let release, release >= 1 { return "2.1" }
        return "2"
    }

    private func checkVersion(warnings: inout [SCLWarning]) throws(SCLError) {
        // IEC 61850-6: Edition 1 has no version; Editions 2 and 2.1 are version 2007, revision A or B.
        guard let version else { return }
        if version.isEmpty {
            warnings.append(SCLWarning(.invalidVersion, "empty SCL version, read as Edition 1", location: location, path: "SCL", attribute: "version"))
            return
        }
        guard version == "2007" else {
            throw SCLError(.invalidVersion, "SCL version '\(version)' is not an IEC 61850-6 version (2007 for Editions 2 and 2.1, absent for Edition 1)",
                           location: location, path: "SCL", attribute: "version")
        }
        if let revision, revision != "A" && revision != "B" {
            throw SCLError(.invalidVersion, "SCL revision '\(revision)' is not A or B", location: location, path: "SCL", attribute: "revision")
        }
        if let release, !(1...9).contains(release) {
            throw SCLError(.invalidVersion, "SCL release \(release) is not between 1 and 9", location: location, path: "SCL", attribute: "release")
        }
    }

    /// The document as SCL XML text (UTF-8, tab-indented). Parsing it again gives an equal document.
    public func xml() -> String {
        var writer = SCLXMLWriter()
        writer.write(self, element: "SCL")
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + writer.output
    }

    /// The IED called `name`.
    public func ied(named name: String) -> SCLIED? { ieds.first { $0.name == name } }
}

extension SCLLogicalNode {
    /// The LN name: prefix + class + instance, e.g. `MMXU1`, `LLN0`.
    public var name: String { (prefix ?? "") + lnClass + inst }
}

extension SCLReportControl {
    /// Whether this is a buffered report control block (`buffered`, default `false`).
    public var isBuffered: Bool { buffered ?? false }
    /// The number of instances (`RptEnabled max`, default 1).
    public var instanceCount: Int { rptEnabled?.max ?? 1 }
    /// Whether instance names carry an index (`indexed`, default `true`).
    public var isIndexed: Bool { indexed ?? true }
}

extension SCLFCDA {
    /// The member as a text reference, e.g. `LD0/GGIO1.Ind1.stVal [ST]` (without the IED name).
    public var reference: String {
        var text = (ldInst ?? "") + "/" + (prefix ?? "") + (lnClass ?? "") + (lnInst ?? "")
        if let doName, !doName.isEmpty { text += "." + doName }
        if let daName, !daName.isEmpty { text += "." + daName }
        return text + " [\(fc.rawValue)]"
    }
}
