// `iec61850`: the command-line client.

import ArgumentParser
import IEC61850
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct IEC61850Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iec61850",
        abstract: "IEC 61850: an MMS client and server, and SCL tools.",
        subcommands: [Demo.self, Serve.self, Browse.self, Read.self, Write.self, Identify.self, DataSet.self, Watch.self, Bench.self, SCL.self]
    )
}

/// Options every network command shares.
struct ConnectionOptions: ParsableArguments {
    @Argument(help: "The server as HOST[:PORT] (port 102 when omitted; [v6]:port for IPv6).")
    var server: String

    @Option(help: "Connect and request timeout in seconds.")
    var timeout: Double = 10

    @Flag(help: "Print JSON instead of text.")
    var json = false

    var hostAndPort: (host: String, port: Int) {
        if server.hasPrefix("["), let close = server.firstIndex(of: "]") {
            let host = String(server[server.index(after: server.startIndex)..<close])
            let rest = server[server.index(after: close)...]
            if rest.hasPrefix(":"), let port = Int(rest.dropFirst()) { return (host, port) }
            return (host, 102)
        }
        let parts = server.split(separator: ":")
        if parts.count == 2, let port = Int(parts[1]) { return (String(parts[0]), port) }
        return (server, 102)
    }

    var clientConfiguration: IEC61850ClientConfiguration {
        var configuration = IEC61850ClientConfiguration()
        let duration = Duration.milliseconds(Int64(max(0.001, timeout) * 1000))
        configuration.mms.connectTimeout = duration
        configuration.mms.requestTimeout = duration
        return configuration
    }

    /// Connects, runs `body`, closes; any error becomes one line on stderr and exit code 1.
    func run(_ body: (IEC61850Client) async throws -> Void) async throws {
        let (host, port) = hostAndPort
        do {
            try await IEC61850Client.withConnection(to: host, port: port, configuration: clientConfiguration) { client in
                try await body(client)
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

func printError(_ message: String) {
    var line = "iec61850: \(message)\n"
    line.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
}

func parseReference(_ text: String) throws -> ObjectReference {
    guard let reference = ObjectReference(parsing: text), !reference.logicalNode.isEmpty else {
        throw ValidationError("'\(text)' is not an object reference of the form LD/LN.DO.DA")
    }
    return reference
}

func parseFC(_ text: String) throws -> FunctionalConstraint {
    guard let fc = FunctionalConstraint(rawValue: text) else {
        throw ValidationError("'\(text)' is not a functional constraint (ST, MX, CO, CF, DC, SP, SG, SE, SV, EX, BL, …)")
    }
    return fc
}

struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read a data object or attribute.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Object reference, e.g. IED1LD0/GGIO1.AnIn1.mag.f") var reference: String
    @Argument(help: "Functional constraint, e.g. MX") var fc: String

    func run() async throws {
        let ref = try parseReference(reference)
        let fc = try parseFC(fc)
        try await connection.run { client in
            let value = try await client.read(ref, fc: fc)
            if connection.json {
                print(JSON.object([("ref", .string("\(ref)")), ("fc", .string(fc.rawValue)), ("value", value.json)]).text)
            } else {
                print("\(ref) [\(fc)] = \(value.readable)")
            }
        }
    }
}

struct Write: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a data attribute.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Object reference, e.g. IED1LD0/GGIO1.NamPlt.vendor") var reference: String
    @Argument(help: "Functional constraint, e.g. DC") var fc: String
    @Argument(help: "The value (hex for octet_string, 0/1 text for bit_string, ISO 8601 for utc_time).") var value: String
    @Option(help: "The value's type: \(ValueKind.allCases.map(\.rawValue).joined(separator: ", ")). Default: the type the server declares.")
    var type: String?

    func run() async throws {
        let ref = try parseReference(reference)
        let fc = try parseFC(fc)
        var kind: ValueKind?
        if let type {
            guard let parsed = ValueKind(rawValue: type) else {
                throw ValidationError("--type must be one of \(ValueKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = parsed
        }
        try await connection.run { client in
            let resolved: ValueKind
            if let kind {
                resolved = kind
            } else {
                let spec = try await client.variableSpecification(ref, fc: fc)
                guard let inferred = ValueKind(type: spec) else {
                    throw IEC61850Error(.invalidReference, operation: "write", object: "\(ref) [\(fc)]",
                                        detail: "\(spec.displayName) cannot be written from text; give --type")
                }
                resolved = inferred
            }
            guard let mmsValue = resolved.parse(value) else {
                throw IEC61850Error(.invalidReference, operation: "write", object: "\(ref) [\(fc)]", detail: "'\(value)' is not a valid \(resolved.rawValue)")
            }
            try await client.write(ref, fc: fc, value: mmsValue)
            if connection.json {
                print(JSON.object([("ref", .string("\(ref)")), ("fc", .string(fc.rawValue)), ("ok", .bool(true)), ("value", mmsValue.json)]).text)
            } else {
                print("wrote \(ref) [\(fc)] = \(mmsValue.readable)")
            }
        }
    }
}

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure read round trips: sequential, pipelined from several tasks, or over many associations.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Object reference to read, e.g. IED1LD0/GGIO1.AnIn1.mag.f") var reference: String
    @Argument(help: "Functional constraint, e.g. MX") var fc: String
    @Option(help: "Number of reads in all.") var count = 5000
    @Option(help: "Concurrent tasks per association (1 = sequential).") var tasks = 1
    @Option(help: "Associations opened to the server; reads are spread over them.") var associations = 1

    func run() async throws {
        let ref = try parseReference(reference)
        let fc = try parseFC(fc)
        guard count > 0, tasks > 0, associations > 0 else { throw ValidationError("--count, --tasks and --associations must be positive") }
        let (host, port) = connection.hostAndPort
        var clients: [IEC61850Client] = []
        do {
            for _ in 0..<associations {
                clients.append(try await IEC61850Client.connect(host: host, port: port, configuration: connection.clientConfiguration))
            }
            for client in clients { for _ in 0..<max(1, min(200, count / associations)) { _ = try await client.read(ref, fc: fc) } }  // warm-up
            let (count, tasks) = (self.count, self.tasks)
            let lanes = clients.flatMap { client in (0..<tasks).map { _ in client } }
            let elapsed = try await ContinuousClock().measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (lane, client) in lanes.enumerated() {
                        group.addTask(executorPreference: client.connection.taskExecutor) {
                            for _ in stride(from: lane, to: count, by: lanes.count) { _ = try await client.read(ref, fc: fc) }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let window = await clients[0].negotiatedParameters.maxOutstandingCalling
            for client in clients { await client.close() }
            if connection.json {
                print(JSON.object([("reads", .int(Int64(count))), ("associations", .int(Int64(associations))), ("tasks", .int(Int64(tasks))),
                                   ("window", .int(Int64(window))), ("reads_per_s", .double((Double(count) / seconds).rounded())),
                                   ("us_per_read", .double((seconds / Double(count) * 1e7).rounded() / 10))]).text)
            } else {
                print("\(count) reads, \(associations) association(s) × \(tasks) task(s), window \(window): "
                      + "\(Int(Double(count) / seconds)) reads/s, \(String(format: seconds / Double(count) * 1e6)) µs per read")
            }
        } catch {
            for client in clients { await client.abort() }
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

private func String(format value: Double) -> String {
    let tenths = (value * 10).rounded() / 10
    return "\(tenths)"
}

struct Identify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the server's vendor, model and revision.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.run { client in
            let identity = try await client.identify()
            if connection.json {
                print(JSON.object([("vendor", .string(identity.vendor)), ("model", .string(identity.model)),
                                   ("revision", .string(identity.revision))]).text)
            } else {
                print("vendor:   \(identity.vendor)\nmodel:    \(identity.model)\nrevision: \(identity.revision)")
            }
        }
    }
}

struct Browse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the server's data model: LDs, LNs, DOs and DAs with FC and type.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.run { client in
            let model = try await client.deviceModel()
            if connection.json {
                print(model.json.text)
            } else {
                print(model.tree, terminator: "")
            }
        }
    }
}

extension DeviceModel {
    /// LD → LN → DO → DA, each attribute with its FC and type.
    var tree: String {
        var out = ""
        for ld in logicalDevices {
            out += "\(ld.name)\n"
            for ln in ld.logicalNodes {
                out += "  \(ln.name)\n"
                for object in ln.dataObjects {
                    out += "    \(object)\n"
                    for fcComponent in ln.type.components {
                        guard let fc = FunctionalConstraint(rawValue: fcComponent.name),
                              let type = fcComponent.type.component(named: object)?.type else { continue }
                        Self.attributes(type, fc: fc, indent: 6, into: &out)
                    }
                }
                for acsiClass in [ACSIClass.brcb, .urcb, .lcb, .gocb, .msvcb, .usvcb, .sgcb] {
                    for block in ln.controlBlocks(acsiClass) { out += "    \(block) (\(acsiClass.rawValue))\n" }
                }
            }
            for dataSet in ld.dataSets { out += "  dataset \(dataSet.replacingOccurrences(of: "$", with: "."))\n" }
            for log in ld.logs { out += "  log \(log.replacingOccurrences(of: "$", with: "."))\n" }
        }
        return out
    }

    private static func attributes(_ type: MMSTypeSpecification, fc: FunctionalConstraint, indent: Int, into out: inout String) {
        for component in type.components {
            let pad = String(repeating: " ", count: indent)
            if case .structure = component.type {
                out += "\(pad)\(component.name) [\(fc)]\n"
                attributes(component.type, fc: fc, indent: indent + 2, into: &out)
            } else {
                out += "\(pad)\(component.name) [\(fc)] \(component.type.displayName)\n"
            }
        }
    }

    var json: JSON {
        .object([("logicalDevices", .array(logicalDevices.map { ld in
            .object([
                ("name", .string(ld.name)),
                ("logicalNodes", .array(ld.logicalNodes.map { ln in
                    .object([("name", .string(ln.name)),
                             ("dataObjects", .array(ln.dataObjects.map { .string($0) })),
                             ("spec", ln.type.json)])
                })),
                ("dataSets", .array(ld.dataSets.map { .string($0) })),
                ("logs", .array(ld.logs.map { .string($0) })),
            ])
        }))])
    }
}

extension String {
    func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

extension MMSValue {
    /// A one-line human form.
    var readable: String {
        switch self {
        case .boolean(let b): "\(b)"
        case .integer(let i): "\(i)"
        case .unsigned(let u): "\(u)"
        case .float(let f): "\(f)"
        case .double(let d): "\(d)"
        case .bitString(let bits), .booleanArray(let bits): "bits \(bits)"
        case .octetString(let bytes): "0x\(bytes.hexString)"
        case .visibleString(let s), .mmsString(let s): "\"\(s)\""
        case .generalizedTime(let s): s
        case .utcTime(let t): "\(t.iso8601) (quality 0x\(String(t.quality.rawValue, radix: 16)))"
        case .binaryTime(let t): t.unixMilliseconds.map { MMSUTCTime(unixSeconds: Double($0) / 1000).iso8601 } ?? "\(t.milliseconds) ms"
        case .bcd(let u): "bcd \(u)"
        case .objectIdentifier(let arcs): arcs.map(String.init).joined(separator: ".")
        case .structure(let items): "{" + items.map(\.readable).joined(separator: ", ") + "}"
        case .array(let items): "[" + items.map(\.readable).joined(separator: ", ") + "]"
        }
    }
}
