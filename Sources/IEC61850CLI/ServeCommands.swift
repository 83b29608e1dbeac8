// `iec61850 serve` and `iec61850 demo`.

import ArgumentParser
import Dispatch
import IEC61850
import IEC61850Demo
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve an IED from an SCL file, or the built-in demo IED (TESTIED, LD GenericIO) whose values change every second.")

    @Option(help: "An SCL file (ICD, CID, IID, SCD…) whose IED to serve.") var scl: String?
    @Option(help: "The IED of the SCL file (default: the first).") var ied: String?
    @Option(help: "The access point of the IED (default: its first with a server).") var accessPoint: String?
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "TCP port (0 = any free port).") var port = 102
    @Option(help: "The most associations served at once.") var maxAssociations = 100

    func run() async throws {
        var configuration = IEDServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.maxAssociations = maxAssociations
        var model = DemoIED.model()
        if let scl {
            do {
                var warnings: [SCLWarning] = []
                let document = try SCLDocument(contentsOfFile: scl, warnings: &warnings)
                let iedModel = try document.iedModel(ied: ied, accessPoint: accessPoint, warnings: &warnings)
                for warning in warnings { printError("\(scl):\(warning.location.line):\(warning.location.column): warning: \(warning.kind.rawValue): \(warning.message)") }
                model = ServedModel(iedModel)
                configuration.identity = DeviceIdentity(iedModel)
                printLine("serving IED \(iedModel.name) (access point \(iedModel.accessPoint)): " + iedModel.logicalDevices.map(\.name).joined(separator: ", "))
            } catch {
                printError("\(scl):\(error.description)")
                throw ExitCode(1)
            }
        }
        let server = IEDServer(model: model, configuration: configuration)
        do {
            try await server.start()
        } catch {
            printError("cannot listen on \(host):\(port): \(error)")
            throw ExitCode(1)
        }
        printLine("listening on \(host):\(server.port ?? port)")
        let simulation = Task { if scl == nil { await DemoIED.simulate(server) } }
        await waitForTerminationSignal()
        simulation.cancel()
        await server.shutdown()
        printLine("stopped")
    }
}

/// Writes a line to standard output at once (no buffering), for scripts waiting on it.
func printLine(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { buffer in _ = write(1, buffer.baseAddress, buffer.count) }
}

/// Suspends until SIGINT or SIGTERM.
func waitForTerminationSignal() async {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0) }
        let once = OnceFlag()
        for source in sources {
            source.setEventHandler {
                if once.fire() {
                    for s in sources { s.cancel() }
                    continuation.resume()
                }
            }
            source.resume()
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A short tour: start the demo IED in-process, connect, browse, read, write and receive reports.")

    func run() async throws {
        var configuration = IEDServerConfiguration()
        configuration.port = 0
        // The demo IED plus a dataset and an unbuffered report control block, for the reports step.
        var demoModel = DemoIED.model()
        try demoModel.addDataSet("\(DemoIED.logicalDevice)/LLN0.Events", members: [
            DataSetMember("\(DemoIED.logicalDevice)/GGIO1.Ind1.stVal", fc: .ST), DataSetMember("\(DemoIED.logicalDevice)/GGIO1.Cnt1.stVal", fc: .ST),
        ])
        try demoModel.addReportControl(ServedReportControl(domain: DemoIED.logicalDevice, logicalNode: "LLN0", name: "EventsRCB01", reportID: "Events",
                                                           dataSet: "\(DemoIED.logicalDevice)/LLN0$Events",
                                                           optionalFields: [.sequenceNumber, .dataReference, .reasonCode],
                                                           triggerOptions: [.dataChange, .generalInterrogation]))
        let server = IEDServer(model: demoModel, configuration: configuration)
        try await server.start()
        let port = server.port ?? 0
        let simulation = Task { await DemoIED.simulate(server, period: .milliseconds(200)) }
        defer { simulation.cancel() }
        let ld = DemoIED.logicalDevice
        print("▶ Started the demo IED on 127.0.0.1:\(port) (IED TESTIED, logical device \(ld)).\n")
        do {
            try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { ied in
                let identity = try await ied.identify()
                let negotiated = await ied.negotiatedParameters
                print("▶ Associated. Identify: \(identity.vendor) \(identity.model) \(identity.revision); "
                      + "max PDU \(negotiated.maxPDUSize ?? 0) octets, \(negotiated.maxOutstandingCalling) requests in flight.\n")

                let model = try await ied.deviceModel()
                print("▶ The model, discovered with GetNameList and GetVariableAccessAttributes:")
                for device in model.logicalDevices {
                    for node in device.logicalNodes {
                        print("   \(device.name)/\(node.name): \(node.dataObjects.joined(separator: ", "))")
                    }
                }
                print("   (\(model.leafAttributes.count) data attributes in all; `iec61850 browse` prints them with types)\n")

                print("▶ Typed reads:")
                let power = try await ied.read(Float.self, "\(ld)/GGIO1.AnIn1.mag.f", fc: .MX)
                let quality = try await ied.read(Quality.self, "\(ld)/GGIO1.AnIn1.q", fc: .MX)
                let position = try await ied.read(DoublePoint.self, "\(ld)/GGIO1.Pos.stVal", fc: .ST)
                let vendor = try await ied.read(String.self, "\(ld)/LLN0.NamPlt.vendor", fc: .DC)
                print("   GGIO1.AnIn1.mag.f [MX] = \(power)   q = \(quality)")
                print("   GGIO1.Pos.stVal   [ST] = \(position)")
                print("   LLN0.NamPlt.vendor [DC] = \"\(vendor)\"\n")

                try await Task.sleep(for: .milliseconds(450))
                let results = try await ied.read([("\(ld)/GGIO1.AnIn1.mag.f", .MX), ("\(ld)/GGIO1.Cnt1.stVal", .ST), ("\(ld)/GGIO1.Nope", .ST)])
                print("▶ One bulk read a moment later (values change every 200 ms; a missing item fails alone):")
                for (name, result) in zip(["GGIO1.AnIn1.mag.f", "GGIO1.Cnt1.stVal", "GGIO1.Nope"], results) {
                    switch result {
                    case .success(let value): print("   \(name) = \(value.readable)")
                    case .failure(let error): print("   \(name) → \(error.name)")
                    }
                }
                print("")

                print("▶ Writes (SP, SV and SE are writable by default):")
                try await ied.write("\(ld)/GGIO1.StrVal.setMag.f", fc: .SP, Float(2.75))
                print("   GGIO1.StrVal.setMag.f [SP] := 2.75 → reads back \(try await ied.read(Float.self, "\(ld)/GGIO1.StrVal.setMag.f", fc: .SP))")
                do {
                    try await ied.write("\(ld)/GGIO1.Ind1.stVal", fc: .ST, true)
                } catch let error as IEC61850Error {
                    print("   GGIO1.Ind1.stVal [ST] := true → refused: \(error.dataAccessError?.name ?? "\(error)")")
                }

                print("\n▶ Reports: dataset LLN0.Events (Ind1.stVal, Cnt1.stVal), URCB LLN0.RP.EventsRCB01, GI then data changes:")
                let reports = try await ied.enableReporting("\(ld)/LLN0.RP.EventsRCB01", generalInterrogation: true)
                for try await report in reports.prefix(3) {
                    let entries = report.entries.map { entry in
                        "\(entry.reference.map { String($0.split(separator: "/").last ?? "") } ?? "#\(entry.index)") = \(entry.value.readable)"
                            + " (\(entry.reason?.names.joined(separator: ",") ?? ""))"
                    }
                    print("   #\(report.sequenceNumber ?? 0): " + entries.joined(separator: "; "))
                }
                try await ied.disableReporting("\(ld)/LLN0.RP.EventsRCB01")
            }
        } catch {
            await server.shutdown()
            printError("\(error)")
            throw ExitCode(1)
        }
        await server.shutdown()
        print("\n▶ Concluded, released and stopped. Next: `swift run iec61850 serve --port 10102` and "
              + "`swift run iec61850 browse 127.0.0.1:10102` in another terminal; `swift run iec61850 scl summary FILE` for SCL.")
    }
}

/// A flag that reports `true` exactly once across threads.
final class OnceFlag: Sendable {
    private let fired = Mutex(false)
    func fire() -> Bool { fired.withLock { was in defer { was = true }; return !was } }
}
