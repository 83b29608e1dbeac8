// The `iec61850` executable against a real server (libiec61850): output formats and exit codes.

import Foundation
import Testing

/// The built `iec61850` executable, beside the test bundle.
func cliPath() throws -> String {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = bundle.deletingLastPathComponent()
    if bundle.pathExtension != "xctest", let real = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        directory = URL(fileURLWithPath: real).deletingLastPathComponent()
    }
    let path = directory.appendingPathComponent("iec61850").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw PeerHarnessError.clientFailed("iec61850 executable not found at \(path); run `swift build` first")
    }
    return path
}

func runCLI(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).out").path
    let err = out + ".err"
    defer {
        try? FileManager.default.removeItem(atPath: out)
        try? FileManager.default.removeItem(atPath: err)
    }
    let child = try ChildProcess.spawn(try cliPath(), arguments, stdoutPath: out, stderrPath: err)
    let status = child.wait()
    return (status, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
}

/// Runs `iec61850 serve ARGUMENTS --port 0`, waits for its `listening on` line, runs `body` with the port, then
/// stops it with SIGTERM; returns its exit status and standard output.
func withServeCommand(_ arguments: [String], _ body: (Int) async throws -> Void) async throws -> (status: Int32, output: String) {
    let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).out").path
    defer { try? FileManager.default.removeItem(atPath: outPath) }
    let child = try ChildProcess.spawn(try cliPath(), ["serve"] + arguments + ["--port", "0"], stdoutPath: outPath, stderrPath: "/dev/null")
    var reaped = false
    defer { if !reaped { child.terminate(grace: 1) } }
    var port: Int?
    for _ in 0..<200 where port == nil {
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
            port = line.split(separator: ":").last.flatMap { Int($0) }
        } else {
            try await Task.sleep(for: .milliseconds(50))  // waiting for a subprocess to start, not timing anything
        }
    }
    try await body(try #require(port, "serve did not print `listening on`"))
    kill(child.pid, SIGTERM)
    let status = try await offload { child.wait() }
    reaped = true
    return (status, (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
}

func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}

@Suite("iec61850 CLI against libiec61850", .serialized)
struct CLIInteropTests {
    @Test("read --json prints ref, fc and a typed value")
    func readJSON() async throws {
        try await withPeerServer(.libiec) { server in
            let target = "127.0.0.1:\(server.port)"
            let result = try await offload { try runCLI(["read", target, "\(ld)/GGIO1.AnIn1.mag.f", "MX", "--json"]) }
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(jsonObject(result.stdout))
            #expect(json["ref"] as? String == "\(ld)/GGIO1.AnIn1.mag.f")
            #expect(json["fc"] as? String == "MX")
            let value = try #require(json["value"] as? [String: Any])
            #expect(value["type"] as? String == "float")
            #expect(value["value"] as? Double == 1.5)

            let structure = try await offload { try runCLI(["read", target, "\(ld)/GGIO1.AnIn1", "MX", "--json"]) }
            let members = try #require((jsonObject(structure.stdout)?["value"] as? [String: Any])?["value"] as? [[String: Any]])
            #expect(members.map { $0["type"] as? String } == ["structure", "bit_string", "utc_time"])
            #expect(members[1]["size"] as? Int == 13)
            #expect(members[2]["quality"] is Int)
        }
    }

    @Test("failures exit non-zero with one line on stderr")
    func failures() async throws {
        try await withPeerServer(.libiec) { server in
            let target = "127.0.0.1:\(server.port)"
            let missing = try await offload { try runCLI(["read", target, "\(ld)/GGIO1.Nope", "ST"]) }
            #expect(missing.status != 0)
            #expect(missing.stderr.split(separator: "\n").count == 1)
            #expect(missing.stderr.contains("object-non-existent"))
            let denied = try await offload { try runCLI(["write", target, "\(ld)/GGIO1.SPCSO1.ctlModel", "CF", "2"]) }
            #expect(denied.status != 0)
            #expect(denied.stderr.contains("object-access-denied"))
        }
        let refused = try await offload { try runCLI(["identify", "127.0.0.1:1"]) }
        #expect(refused.status != 0)
        #expect(refused.stderr.split(separator: "\n").count == 1)
    }

    @Test("write infers the type from the server; browse and identify print the model and identity")
    func writeBrowseIdentify() async throws {
        try await withPeerServer(.libiec) { server in
            let target = "127.0.0.1:\(server.port)"
            let write = try await offload { try runCLI(["write", target, "\(ld)/GGIO1.NamPlt.vendor", "DC", "ACME", "--json"]) }
            #expect(write.status == 0, "\(write.stderr)")
            #expect((jsonObject(write.stdout)?["value"] as? [String: Any])?["type"] as? String == "visible_string")
            let read = try await offload { try runCLI(["read", target, "\(ld)/GGIO1.NamPlt.vendor", "DC"]) }
            #expect(read.stdout.contains("\"ACME\""))
            let browse = try await offload { try runCLI(["browse", target]) }
            #expect(browse.status == 0)
            #expect(browse.stdout.contains("GGIO1") && browse.stdout.contains("f [MX] FLOAT32"))
            let browseJSON = try await offload { try runCLI(["browse", target, "--json"]) }
            let devices = try #require(jsonObject(browseJSON.stdout)?["logicalDevices"] as? [[String: Any]])
            #expect(devices.first?["name"] as? String == ld)
            let identify = try await offload { try runCLI(["identify", target, "--json"]) }
            #expect(jsonObject(identify.stdout)?["vendor"] as? String == "libiec61850.com")
        }
    }
}

@Suite("iec61850 serve", .serialized)
struct ServeCommandTests {
    @Test("serve prints `listening on HOST:PORT`, serves libiec61850's client and stops cleanly on SIGTERM")
    func serve() async throws {
        let (status, output) = try await withServeCommand([]) { port in
            let reply = try await offload { try runPeerClient(.libiec, port: port, ["read", "TESTIEDGenericIO/LLN0.NamPlt.vendor", "DC"]) }
            #expect(dig(reply.json, "value", "value") as? String == "swift-iec61850")
        }
        #expect(status == 0)
        #expect(output.contains("stopped"))
    }
}

@Suite("iec61850 scl and serve --scl", .serialized)
struct SCLCommandTests {
    static func corpus(_ file: String) -> String { PeerEnvironment.sharedFolder.appendingPathComponent("scl/" + file).path }

    @Test("scl validate [--references-only]: exit 0 and silence for a valid file; exit 1 with FILE:LINE:COL: KIND: message (path @attribute) otherwise")
    func validate() async throws {
        let valid = try await offload { try runCLI(["scl", "validate", Self.corpus("libiec61850/examples/server_example_basic_io/simpleIO_direct_control.cid")]) }
        #expect(valid.status == 0 && valid.stdout.isEmpty, "\(valid)")
        let file = Self.corpus("riseclipse-validator-scl2003-test/scl/input/oclContraintsTests/DOType/DOTypeReferingDirectlyToItself.scl")
        let cycle = try await offload { try runCLI(["scl", "validate", file]) }
        #expect(cycle.status == 1)
        #expect(cycle.stdout == "\(file):10:7: typeCycle: DOType 'doType' refers to itself (doType → doType) (SCL/DataTypeTemplates/DOType[id=\"doType\"]/SDO[name=\"sdo\"] @type)\n")
        let cycleReferences = try await offload { try runCLI(["scl", "validate", "--references-only", file]) }
        #expect(cycleReferences.status == 1 && cycleReferences.stdout == cycle.stdout)
        let validReferences = try await offload {
            try runCLI(["scl", "validate", "--references-only", Self.corpus("libiec61850/examples/server_example_basic_io/simpleIO_direct_control.cid")])
        }
        #expect(validReferences.status == 0 && validReferences.stdout.isEmpty, "\(validReferences)")
        let broken = Self.corpus("libiec61850/tools/model_generator/sampleModel_errors.icd")
        let missing = try await offload { try runCLI(["scl", "validate", broken]) }
        #expect(missing.status == 1 && missing.stdout.hasPrefix("\(broken):20:"), "\(missing)")
        #expect(missing.stdout.contains(": missingAttribute: ") && missing.stdout.hasSuffix("(SCL/IED[name=\"SampleIED\"]/AccessPoint @name)\n"))
    }

    @Test("scl summary, ieds and json describe the file")
    func describe() async throws {
        let file = Self.corpus("libiec61850/tools/model_generator/complexModel.icd")
        let summary = try await offload { try runCLI(["scl", "summary", file]) }
        #expect(summary.status == 0)
        #expect(summary.stdout.hasPrefix("IED ied1 (access point accessPoint1"))
        #expect(summary.stdout.contains("LD ied1Inverter (inst Inverter)") && summary.stdout.contains("LD ied1Battery (inst Battery)"))
        let ieds = try await offload { try runCLI(["scl", "ieds", file]) }
        #expect(ieds.stdout.hasPrefix("ied1\n  accessPoint1: server, LDs Inverter, Battery"), "\(ieds.stdout)")
        let json = try await offload { try runCLI(["scl", "json", file]) }
        let document = try #require(jsonObject(json.stdout))
        #expect((document["ieds"] as? [[String: Any]])?.first?["name"] as? String == "ied1")
        let noIED = try await offload { try runCLI(["scl", "summary", file, "--ied", "nope"]) }
        #expect(noIED.status == 1 && noIED.stderr.contains("there is no IED 'nope'; the file has ied1"))
    }

    @Test("serve --scl serves the file's IED to libiec61850's client")
    func serveSCL() async throws {
        let file = Self.corpus("libiec61850/examples/server_example_basic_io/simpleIO_direct_control.cid")
        let (status, output) = try await withServeCommand(["--scl", file]) { port in
            let reply = try await offload { try runPeerClient(.libiec, port: port, ["read", "simpleIOGenericIO/LLN0.NamPlt.vendor", "DC"]) }
            #expect(dig(reply.json, "value", "value") as? String == "MZ Automation")
        }
        #expect(status == 0)
        #expect(output.hasPrefix("serving IED simpleIO (access point accessPoint1): simpleIOGenericIO\n"))
    }
}

@Suite("iec61850 dataset against libiec61850", .serialized)
struct DataSetCommandTests {
    @Test("dataset list, read --json, create and delete")
    func dataSetCommands() async throws {
        try await withPeerServer(.libiec) { server in
            let target = "127.0.0.1:\(server.port)"
            let list = try await offload { try runCLI(["dataset", "list", target]) }
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout.contains("\(ld)/LLN0.Events\n  \(ld)/GGIO1.Ind1.stVal[ST]\n"), "\(list.stdout)")
            let read = try await offload { try runCLI(["dataset", "read", target, "\(ld)/LLN0.Measurements", "--json"]) }
            let members = try #require(jsonObject(read.stdout)?["members"] as? [[String: Any]], "\(read)")
            #expect(members.first?["ref"] as? String == "\(ld)/GGIO1.AnIn1.mag.f[MX]")
            #expect(dig(members.first ?? [:], "value", "value") as? Double == 1.5)
            let created = try await offload { try runCLI(["dataset", "create", target, "\(ld)/LLN0.Cli", "\(ld)/GGIO1.AnIn2.mag.f[MX]"]) }
            #expect(created.status == 0 && created.stdout == "created \(ld)/LLN0.Cli (1 members)\n", "\(created)")
            let readBack = try await offload { try runCLI(["dataset", "read", target, "\(ld)/LLN0.Cli"]) }
            #expect(readBack.stdout.hasPrefix("\(ld)/GGIO1.AnIn2.mag.f[MX] = "), "\(readBack)")
            let deleted = try await offload { try runCLI(["dataset", "delete", target, "\(ld)/LLN0.Cli"]) }
            #expect(deleted.status == 0 && deleted.stdout == "deleted \(ld)/LLN0.Cli\n")
            let refused = try await offload { try runCLI(["dataset", "delete", target, "\(ld)/LLN0.Events"]) }
            #expect(refused.status == 1 && refused.stderr.contains("refused"), "\(refused)")
            let bad = try await offload { try runCLI(["dataset", "create", target, "\(ld)/LLN0.X", "nofc"]) }
            #expect(bad.status != 0 && bad.stderr.contains("LD/LN.DO.DA[FC]"))
        }
    }
}

@Suite("iec61850 watch against libiec61850", .serialized)
struct WatchCommandTests {
    @Test("watch --gi --count 3 --json prints one JSON report per line; --duration stops on time")
    func watch() async throws {
        try await withPeerServer(.libiec, arguments: ["--tick-ms", "100"]) { server in
            let target = "127.0.0.1:\(server.port)"
            let result = try await offload { try runCLI(["watch", target, "\(ld)/LLN0.RP.EventsRCB01", "--gi", "--count", "3", "--json"]) }
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(result.stdout)")
            let reports = lines.compactMap(jsonObject)
            #expect(reports.count == 3)
            #expect(reports.allSatisfy { $0["rptID"] as? String == "EventsRCB" })
            // The server changes values every 100 ms: a data-change report may come before the GI report.
            let gi = reports.first { (($0["entries"] as? [[String: Any]])?.first?["reason"] as? [String]) == ["gi"] }
            let entries = gi?["entries"] as? [[String: Any]] ?? []
            #expect(entries.count == 8, "\(result.stdout)")
            #expect(entries.first?["ref"] as? String == "\(ld)/GGIO1$ST$Ind1$stVal")
            let timed = try await offload { try runCLI(["watch", target, "\(ld)/LLN0.BR.brcb01", "--duration", "0.5"]) }
            #expect(timed.status == 0, "\(timed.stderr)")
            #expect(timed.stdout.hasPrefix("report brcb01 #"), "\(timed.stdout)")
        }
    }
}

@Suite("iec61850 demo (the README's main job)")
struct DemoCommandTests {
    @Test("demo runs the whole tour and exits 0")
    func demo() async throws {
        let result = try await offload { try runCLI(["demo"]) }
        #expect(result.status == 0, "\(result.stderr)")
        for step in ["▶ Associated.", "▶ Typed reads:", "▶ Writes", "refused: object-access-denied", "▶ Reports:", "(gi)", "(dchg)", "▶ Concluded"] {
            #expect(result.stdout.contains(step), "missing \(step) in:\n\(result.stdout)")
        }
    }
}
