// Stage one of SCL loading: XML tokens → typed document, driven by each element type's schema. Names are
// matched as bytes of the input; only values that the document keeps become Strings.

import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a large document's root content is split over threads.
struct SCLChunking: Sendable {
    /// Documents smaller than this are read on the calling thread.
    var minimumBytes: Int
    /// The most chunks (threads) used.
    var maximumChunks: Int

    /// Files of 1 MB and more over up to 8 cores.
    static let automatic = SCLChunking(minimumBytes: 1 << 20, maximumChunks: min(8, ProcessInfo.processInfo.activeProcessorCount))
    /// Always on the calling thread.
    static let off = SCLChunking(minimumBytes: .max, maximumChunks: 1)
}

/// Reads an SCL document from XML tokens. Recursion follows the XML nesting, which the tokenizer bounds.
///
/// A large document is read in chunks: split points before root children are guessed (`XMLRootSplits`), the
/// chunks are parsed on several threads, each by its own parser that starts inside the root, and merged in document
/// order. A chunk must end exactly at the next split, between two children of the root, which proves the split; any
/// surprise (a chunk that does not end so, an error in a chunk, a repeated single child) makes the caller read the
/// document again sequentially, so that errors and warnings are exactly those of a sequential read.
struct SCLParser {
    private var tokenizer: XMLTokenizer
    private(set) var warnings: [SCLWarning] = []
    private let chunking: SCLChunking
    /// How many chunks the root's content was read in (0: sequentially).
    private(set) var chunksRead = 0

    /// A parser over `buffer`, which must stay valid while the parser is used.
    init(buffer: UnsafeBufferPointer<UInt8>, chunking: SCLChunking = .off) {
        tokenizer = XMLTokenizer(buffer: buffer, maxDepth: XMLScanner.defaultMaxDepth, reportsWhitespace: false)
        self.chunking = chunking
    }

    /// A parser for one chunk of the root's content (see ``SCLChunking``).
    private init(chunkOf buffer: UnsafeBufferPointer<UInt8>, start: XMLRootSplits.Mark, root: XMLTokenizer.Frame) {
        tokenizer = XMLTokenizer(chunkOf: buffer, start: start.offset, line: start.line, lineStart: start.lineStart, root: root,
                                 maxDepth: XMLScanner.defaultMaxDepth)
        chunking = .off
    }

    /// Parses the whole document: the root must be `<SCL>`. `nil` when a chunked read must be redone sequentially.
    mutating func parseDocument() throws(SCLError) -> SCLDocument? {
        while true {
            switch try nextToken() {
            case .startTag:
                let name = try elementName()
                guard name == "SCL" || name.hasSuffix(":SCL") else {
                    throw SCLError(.notSCL, "the root element is <\(name)>, not <SCL>", location: currentLocation, path: name)
                }
                var document = SCLDocument()
                try readAttributes(into: &document)
                guard try readChunks(into: &document) else { return nil }
                try readContent(into: &document)
                while try nextToken() != .endOfDocument {}  // the tokenizer refuses a second root and text after the root
                return document
            case .text, .endTag:
                continue
            case .endOfDocument:
                throw SCLError(.malformedXML, "the document has no root element")
            }
        }
    }

    /// Reads the root's children in chunks on several threads when the document is large enough, leaving the
    /// tokenizer at the root's end tag. `true` when done or not attempted (the content is then read sequentially);
    /// `false` when the whole document must be read again sequentially.
    private mutating func readChunks(into document: inout SCLDocument) throws(SCLError) -> Bool {
        let buffer = tokenizer.buffer
        guard chunking.maximumChunks > 1, buffer.count >= chunking.minimumBytes, !tokenizer.endsImmediately, let root = tokenizer.frames.last else {
            return true
        }
        let contentStart = XMLRootSplits.Mark(offset: tokenizer.index, line: tokenizer.line, lineStart: tokenizer.currentLineStart)
        let splits = XMLRootSplits.find(in: buffer, start: contentStart, count: chunking.maximumChunks)
        guard !splits.isEmpty else { return true }
        let results = SCLChunkJob(buffer: buffer, starts: [contentStart] + splits, root: root).run()
        var rootEnd: XMLRootSplits.Mark?
        for (position, result) in results.enumerated() {
            // Every chunk but the last ends at the next split (which proves the split); the last one at the root's end tag.
            guard case .success(let chunk) = result, (chunk.rootEnd != nil) == (position == results.count - 1) else { return false }
            rootEnd = chunk.rootEnd
            let partial = chunk.document
            // SCL's single children may appear in one chunk only; the rest are lists, joined in order.
            for (mine, theirs) in [(document.header == nil, partial.header == nil), (document.communication == nil, partial.communication == nil),
                                   (document.dataTypeTemplates == nil, partial.dataTypeTemplates == nil)] where !mine && !theirs {
                return false
            }
            document.header = document.header ?? partial.header
            document.communication = document.communication ?? partial.communication
            document.dataTypeTemplates = document.dataTypeTemplates ?? partial.dataTypeTemplates
            document.substations += partial.substations
            document.ieds += partial.ieds
            document.otherContent += partial.otherContent
            warnings += chunk.warnings
        }
        guard let rootEnd else { return false }
        tokenizer.jump(to: rootEnd.offset, line: rootEnd.line, lineStart: rootEnd.lineStart)
        chunksRead = results.count
        return true
    }

    /// What one chunk gave.
    fileprivate struct Chunk {
        var document: SCLDocument
        var warnings: [SCLWarning]
        /// Where the root's end tag starts, when the chunk reached it (the last chunk must).
        var rootEnd: XMLRootSplits.Mark?
    }

    /// Reads one chunk of the root's content: children until the end of the chunk's buffer, or the root's end tag.
    fileprivate mutating func parseChunk() throws(SCLError) -> Chunk {
        var document = SCLDocument()
        while true {
            switch try nextToken() {
            case .startTag:
                try parseChild(into: &document)
            case .text:
                do {
                    try tokenizer.validate(tokenizer.text)
                } catch {
                    throw wrap(error)
                }
            case .endTag:
                return Chunk(document: document, warnings: warnings, rootEnd: tokenizer.lastEndTag)
            case .endOfDocument:
                return Chunk(document: document, warnings: warnings, rootEnd: nil)
            }
        }
    }

    fileprivate static func parseChunk(_ buffer: UnsafeBufferPointer<UInt8>, start: XMLRootSplits.Mark,
                                       root: XMLTokenizer.Frame) -> Result<Chunk, SCLError> {
        var parser = SCLParser(chunkOf: buffer, start: start, root: root)
        return Result { () throws(SCLError) in try parser.parseChunk() }
    }

    private mutating func nextToken() throws(SCLError) -> XMLTokenizer.Token {
        do {
            return try tokenizer.next()
        } catch {
            throw wrap(error)
        }
    }

    private func wrap(_ error: XMLError) -> SCLError {
        SCLError(.malformedXML, error.message, location: SCLSourceLocation(line: error.position.line, column: error.position.column),
                 path: currentPath)
    }

    /// Where the innermost open element starts.
    private var currentLocation: SCLSourceLocation {
        guard let frame = tokenizer.frames.last else { return SCLSourceLocation() }
        return SCLSourceLocation(line: frame.line, column: frame.column)
    }

    /// The innermost open element's name, validated.
    private func elementName() throws(SCLError) -> String {
        guard let frame = tokenizer.frames.last else { return "" }
        do {
            return try tokenizer.elementName(frame)
        } catch {
            throw wrap(error)
        }
    }

    /// The element path of the open elements, e.g. `SCL/IED[name="A"]/AccessPoint[name="P1"]`.
    var currentPath: String {
        let frames = tokenizer.frames
        return SCLPath.render(frames.indices.map { index in
            let frame = frames[index]
            let attributeEnd = index + 1 < frames.count ? frames[index + 1].firstAttribute : tokenizer.attributeCount
            let attributes = (frame.firstAttribute..<attributeEnd).map { tokenizer.attribute($0) }
            return (tokenizer.name(frame.nameStart..<frame.nameEnd), { name in
                attributes.first { tokenizer.name($0.nameStart..<$0.nameEnd) == name }.map { (try? tokenizer.value($0)) ?? "" }
            })
        })
    }

    /// Records a tolerated deviation at the innermost open element.
    mutating func warn(_ kind: SCLError.Kind, _ message: String, attribute: String? = nil) {
        warnings.append(SCLWarning(kind, message, location: currentLocation, path: currentPath, attribute: attribute))
    }

    /// Reads the element whose start tag was just read as a `N`.
    mutating func parse<N: SCLNode>(_ type: N.Type) throws(SCLError) -> N {
        var node = N()
        try readAttributes(into: &node)
        try readContent(into: &node)
        return node
    }

    /// Reads the attributes of the start tag just read into `node` (and its location).
    private mutating func readAttributes<N: SCLNode>(into node: inout N) throws(SCLError) {
        let schema = N.schema
        node.location = currentLocation
        var seen: UInt64 = 0
        for index in tokenizer.currentAttributes {
            let attribute = tokenizer.attribute(index)
            let value: String
            do {
                value = try tokenizer.value(attribute)
            } catch {
                throw wrap(error)
            }
            guard let slot = schema.attributeTable.lookup(attribute.nameStart..<attribute.nameEnd, in: tokenizer) else {
                do {
                    node.otherAttributes.append(SCLAttribute(name: try tokenizer.attributeName(attribute), value: value))
                } catch {
                    throw wrap(error)
                }
                continue
            }
            seen |= 1 << UInt64(slot)
            do {
                try schema.attributes[slot].read(&node, value)
            } catch {
                throw SCLError(.invalidValue, error.message, location: node.location, path: currentPath, attribute: schema.attributes[slot].name)
            }
        }
        if seen & schema.requiredMask != schema.requiredMask {
            for (index, attribute) in schema.attributes.enumerated() where attribute.required && seen & (1 << UInt64(index)) == 0 {
                throw SCLError(.missingAttribute, "<\(try elementName())> has no \(attribute.name)", location: node.location, path: currentPath,
                               attribute: attribute.name)
            }
        }
    }

    /// Reads the content of the element whose attributes were read, through its end tag.
    private mutating func readContent<N: SCLNode>(into node: inout N) throws(SCLError) {
        let schema = N.schema
        // Character data: usually one run, decoded once at the end; several runs (around comments) are joined.
        var firstText: XMLTokenizer.TextSpan?
        var joinedText: String?
        while true {
            switch try nextToken() {
            case .startTag:
                try parseChild(into: &node)
            case .text:
                do {
                    if schema.text == nil {
                        try tokenizer.validate(tokenizer.text)
                    } else if let first = firstText {
                        let head: String
                        if let joinedText { head = joinedText } else { head = try tokenizer.string(first) }
                        joinedText = head + (try tokenizer.string(tokenizer.text))
                    } else {
                        firstText = tokenizer.text
                    }
                } catch {
                    throw wrap(error)
                }
            case .endTag:
                if let reader = schema.text {
                    let text: String
                    do {
                        if let joinedText {
                            text = SCLLexical.trim(joinedText)
                        } else if let firstText {
                            text = try tokenizer.string(firstText, trimmed: true)
                        } else {
                            text = ""
                        }
                    } catch {
                        throw wrap(error)
                    }
                    do {
                        try reader.read(&node, text)
                    } catch {
                        throw SCLError(.invalidValue, error.message, location: node.location, path: currentPath)
                    }
                }
                return
            case .endOfDocument:
                throw SCLError(.malformedXML, "the document ends inside <\(try elementName())>", location: node.location, path: currentPath)
            }
        }
    }

    /// Reads the child element whose start tag was just read into `node`: a modelled one through the schema, any other as it is.
    @inline(__always)
    private mutating func parseChild<N: SCLNode>(into node: inout N) throws(SCLError) {
        guard let frame = tokenizer.frames.last else { return }
        if let entry = N.schema.childTable.lookup(frame.nameStart..<frame.nameEnd, in: tokenizer) {
            try N.schema.children[entry >> 8].parse(&node, entry & 0xFF, &self)
        } else {
            node.otherContent.append(try parseElement())
        }
    }

    /// Reads an element this library does not model, as it is.
    mutating func parseElement() throws(SCLError) -> SCLElement {
        var element = SCLElement(name: try elementName())
        do {
            for index in tokenizer.currentAttributes {
                let attribute = tokenizer.attribute(index)
                element.attributes.append(SCLAttribute(name: try tokenizer.attributeName(attribute), value: try tokenizer.value(attribute)))
            }
        } catch {
            throw wrap(error)
        }
        let location = currentLocation
        var text = ""
        while true {
            switch try nextToken() {
            case .startTag:
                element.children.append(try parseElement())
            case .text:
                do {
                    text += try tokenizer.string(tokenizer.text)
                } catch {
                    throw wrap(error)
                }
            case .endTag:
                element.text = SCLLexical.trim(text)
                return element
            case .endOfDocument:
                throw SCLError(.malformedXML, "the document ends inside <\(element.name)>", location: location, path: currentPath)
            }
        }
    }
}

/// The chunks of one document, parsed concurrently.
///
/// `@unchecked Sendable`: it holds the input buffer, which is only read and stays valid for the whole of `run()`
/// (the caller's `withUnsafeBufferPointer` scope encloses it), and the result slots, each written by exactly one
/// thread and read only after every thread has been joined, which orders the writes before the reads.
private struct SCLChunkJob: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
    let starts: [XMLRootSplits.Mark]
    let root: XMLTokenizer.Frame

    func run() -> [Result<SCLParser.Chunk, SCLError>] {
        let slots = UnsafeMutableBufferPointer<Result<SCLParser.Chunk, SCLError>?>.allocate(capacity: starts.count)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let job = Slots(job: self, slots: slots)
        // Threads of our own rather than `DispatchQueue.concurrentPerform`: on Linux, Swift concurrency's global
        // executor is built on libdispatch too, and while chunks ran on dispatch workers the caller's other tasks were
        // seen to starve in tests; our own threads leave that pool alone.
        var threads: [SCLChunkThread] = []
        for index in starts.indices.dropFirst() {
            if let thread = SCLChunkThread(job, index) { threads.append(thread) } else { job.fill(index) }
        }
        job.fill(0)
        for thread in threads { thread.join() }
        return slots.map { $0 ?? .failure(SCLError(.malformedXML, "a chunk was not read")) }
    }

    /// See ``SCLChunkJob``: one slot per chunk, each filled by one thread and read after every thread was joined.
    fileprivate struct Slots: @unchecked Sendable {
        let job: SCLChunkJob
        let slots: UnsafeMutableBufferPointer<Result<SCLParser.Chunk, SCLError>?>

        func fill(_ index: Int) {
            // Each chunk reads up to the next split (the last one to the end of the input, for the root's end tag).
            let chunkEnd = index + 1 < job.starts.count ? job.starts[index + 1].offset : job.buffer.count
            let chunk = UnsafeBufferPointer(rebasing: job.buffer[..<chunkEnd])
            slots[index] = SCLParser.parseChunk(chunk, start: job.starts[index], root: job.root)
        }
    }
}

/// A POSIX thread that reads one chunk; `join()` waits for it (and orders its writes before what follows).
private final class SCLChunkThread {
    private let job: SCLChunkJob.Slots
    private let index: Int
    #if canImport(Darwin)
    private var thread: pthread_t?
    #else
    private var thread = pthread_t()
    #endif

    /// Starts the thread; `nil` when the system refuses one (the caller then reads the chunk itself).
    init?(_ job: SCLChunkJob.Slots, _ index: Int) {
        self.job = job
        self.index = index
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        // The parser recurses once per nesting level (at most 256): 8 MB leaves ample room on every platform.
        _ = pthread_attr_setstacksize(&attributes, 8 << 20)
        let context = Unmanaged.passRetained(self).toOpaque()
        guard pthread_create(&thread, &attributes, { sclChunkThreadMain($0) }, context) == 0 else {
            Unmanaged<SCLChunkThread>.fromOpaque(context).release()
            return nil
        }
    }

    fileprivate func run() { job.fill(index) }

    func join() {
        #if canImport(Darwin)
        if let thread { pthread_join(thread, nil) }
        #else
        pthread_join(thread, nil)
        #endif
    }
}

/// The entry point of an ``SCLChunkThread``: its context is the retained thread object.
private func sclChunkThreadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    Unmanaged<SCLChunkThread>.fromOpaque(context).takeRetainedValue().run()
    return nil
}

/// Element paths in errors: `SCL/IED[name="IED1"]/…/LN[lnClass="GGIO",inst="1"]`.
enum SCLPath {
    /// The attributes that identify an element among its siblings, per element name.
    static func identifyingAttributes(of element: String) -> [String] {
        switch element {
        case "LDevice": return ["inst"]
        case "LN", "LN0": return ["prefix", "lnClass", "inst"]
        case "LNodeType", "DOType", "DAType", "EnumType": return ["id"]
        case "ConnectedAP": return ["iedName", "apName"]
        case "GSE", "SMV": return ["ldInst", "cbName"]
        case "FCDA": return ["ldInst", "prefix", "lnClass", "lnInst", "doName", "daName", "fc"]
        case "ExtRef": return ["iedName", "ldInst", "prefix", "lnClass", "lnInst", "doName", "daName", "intAddr"]
        case "EnumVal": return ["ord"]
        case "LNode", "ClientLN": return ["iedName", "ldInst", "prefix", "lnClass", "lnInst"]
        case "P": return ["type"]
        default: return ["name"]
        }
    }

    static func render(_ elements: [(name: String, attribute: (String) -> String?)]) -> String {
        elements.map { element in
            let parts = identifyingAttributes(of: element.name).compactMap { name -> String? in
                guard let value = element.attribute(name), !value.isEmpty else { return nil }
                return "\(name)=\"\(value)\""
            }
            return parts.isEmpty ? element.name : "\(element.name)[\(parts.joined(separator: ","))]"
        }.joined(separator: "/")
    }

    /// One path segment.
    static func segment(_ element: String, _ attributes: KeyValuePairs<String, String?>) -> String {
        let parts = attributes.compactMap { pair -> String? in
            guard let value = pair.value, !value.isEmpty else { return nil }
            return "\(pair.key)=\"\(value)\""
        }
        return parts.isEmpty ? element : "\(element)[\(parts.joined(separator: ","))]"
    }
}
