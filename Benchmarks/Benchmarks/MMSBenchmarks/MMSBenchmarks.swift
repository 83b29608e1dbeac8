// Codec and round-trip benchmarks. Network benchmarks run when IEC61850_BENCH_PORT names a
// libiec61850 server on 127.0.0.1 (run.sh starts one).

import Benchmark
import Foundation
import IEC61850
import IEC61850Demo
@_spi(OSI) import IEC61850MMS
import IEC61850SCL
import NIOPosix
import SwiftASN1

// MARK: - Fixtures

func readResponse(values count: Int) -> [UInt8] {
    let results = (0..<count).map { AccessResult.success(.structure([.float(Float($0) + 0.5), .bitString(MMSBitString("0000000000000")!),
                                                                      .utcTime(MMSUTCTime(seconds: 1_795_628_465, fraction: 123))])) }
    return MMSPDU.confirmedResponse(invokeID: 42, .read(results)).encoded()
}

let response1 = readResponse(values: 1)
let response100 = readResponse(values: 100)
let decoded100 = try! MMSPDU(decoding: response100)

let codecMetrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .throughput]
let networkMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

// MARK: - Raw TCP ping-pong (the floor)

/// A blocking echo partner: reads `request` octets, answers `response` octets, on its own thread.
final class PingPongServer: @unchecked Sendable {
    // @unchecked: the fields are written once in init before the thread starts.
    let port: Int

    init(request: Int, response: Int) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        listen(listener, 1)
        port = Int(UInt16(bigEndian: address.sin_port))
        let fd = listener
        Thread {
            let connection = accept(fd, nil, nil)
            var one: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var input = [UInt8](repeating: 0, count: request)
            let output = [UInt8](repeating: 1, count: response)
            while readFully(connection, &input) { _ = write(connection, output, output.count) }
            close(connection)
        }.start()
    }
}

func readFully(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
    var done = 0
    let total = buffer.count
    while done < total {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, total - done) }
        if n <= 0 { return false }
        done += n
    }
    return true
}

func connectBlocking(port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    return fd
}

// MARK: - Shared network state

final class NetworkState: @unchecked Sendable {
    // @unchecked: set once in the benchmark's setup hook, read afterwards by that benchmark only.
    var client: IEC61850Client?
}

let network = NetworkState()

// MARK: - Reports from our server to our client (in process, loopback)

final class ReportBenchState: @unchecked Sendable {
    // @unchecked: set once in the setup hook, then used by one benchmark at a time (the harness runs them in turn).
    var server: IEDServer?
    var client: IEC61850Client?
    var iterator: ReportStream.AsyncIterator?
    var counter: Int64 = 0
}

let reportBench = ReportBenchState()
let reportLD = DemoIED.logicalDevice
/// 18 members: stVal, q and t of six data objects.
let reportMembers: [(ObjectReference, FunctionalConstraint)] = ["Ind1", "Ind2", "Pos", "Cnt1"].flatMap { name in
    ["stVal", "q", "t"].map { (ObjectReference(stringLiteral: "\(reportLD)/GGIO1.\(name).\($0)"), FunctionalConstraint.ST) }
} + ["AnIn1", "AnIn2"].flatMap { name in
    ["mag.f", "q", "t"].map { (ObjectReference(stringLiteral: "\(reportLD)/GGIO1.\(name).\($0)"), FunctionalConstraint.MX) }
}

@Sendable func reportSetup() async throws {
    guard reportBench.server == nil else { return }
    var model = DemoIED.model()
    try model.addDataSet("\(reportLD)/LLN0.Bench", members: reportMembers.map { DataSetMember($0.0, fc: $0.1) })
    try model.addReportControl(ServedReportControl(domain: reportLD, logicalNode: "LLN0", name: "bench01", reportID: "bench",
                                                   dataSet: "\(reportLD)/LLN0$Bench", optionalFields: [.sequenceNumber, .reasonCode],
                                                   triggerOptions: [.dataChange, .dataUpdate]))
    var configuration = IEDServerConfiguration()
    configuration.port = 0
    let server = IEDServer(model: model, configuration: configuration)
    try await server.start()
    let client = try await IEC61850Client.connect(host: "127.0.0.1", port: server.port ?? 0)
    reportBench.iterator = try await client.enableReporting("\(reportLD)/LLN0.RP.bench01", bufferLimit: 100_000).makeAsyncIterator()
    reportBench.server = server
    reportBench.client = client
}
let benchPort = ProcessInfo.processInfo.environment["IEC61850_BENCH_PORT"].flatMap(Int.init)
let floatReference: ObjectReference = "TESTIEDGenericIO/GGIO1.AnIn1.mag.f"

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: codecMetrics, maxDuration: .seconds(3))

    Benchmark("decode Read response, 1 value (ours)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? MMSPDU(decoding: response1)) }
    }
    Benchmark("decode Read response, 100 values (ours)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? MMSPDU(decoding: response100)) }
    }
    Benchmark("parse Read response, 1 value (SwiftASN1 BER.parse, untyped)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? BER.parse(response1)) }
    }
    Benchmark("parse Read response, 100 values (SwiftASN1 BER.parse, untyped)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? BER.parse(response100)) }
    }
    Benchmark("encode Read response, 100 values (ours)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(decoded100.encoded()) }
    }
    Benchmark("decode Read response, 100 values, through COTP/session/presentation (ours)") { benchmark in
        let sdu = SessionSPDU.dataPrefix + PresentationPPDU.encodeUserData(contextID: 3, pdu: response100)
        let frames = OSIFraming.frames(sdu: sdu, tpduSize: 8192)
        var payloads: [[UInt8]] = []
        var offset = 0
        while offset < frames.count {
            let length = Int(frames[offset + 2]) << 8 | Int(frames[offset + 3])
            payloads.append(Array(frames[(offset + 4)..<(offset + length)]))
            offset += length
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var reassembler = COTPReassembler(maxSDUSize: 70_000)
            for payload in payloads {
                guard case .data(let eot, let range)? = try? COTPTPDU.decode(payload, range: payload.indices),
                      let whole = try? reassembler.append(payload, range: range, endOfTSDU: eot),
                      let spdu = try? SessionSPDU.decode(whole, range: whole.indices),
                      let ppdu = try? PresentationPPDU.decode(whole, range: spdu.userData, sessionKind: .data),
                      let element = ppdu.userData.first?.pdu else { continue }
                blackHole(try? MMSPDU(ber: element))
            }
        }
    }

    let pingPong = PingPongServer(request: 60, response: 40)
    let pingFD = connectBlocking(port: pingPong.port)
    Benchmark("raw TCP ping-pong 60/40 octets (floor)", configuration: .init(metrics: networkMetrics, maxDuration: .seconds(3))) { benchmark in
        let request = [UInt8](repeating: 0, count: 60)
        var response = [UInt8](repeating: 0, count: 40)
        for _ in benchmark.scaledIterations {
            _ = write(pingFD, request, request.count)
            _ = readFully(pingFD, &response)
        }
    }

    // SCL (issue #3): parse, parse + validate (every IED instantiated), parse + one IED's model, on the generated
    // SCDs (IEC61850_BENCH_SCD, IEC61850_BENCH_SCD10) and the corpus' largest file (IEC61850_BENCH_SCL_CORPUS).
    let sclFiles = ["IEC61850_BENCH_SCD", "IEC61850_BENCH_SCD10", "IEC61850_BENCH_SCL_CORPUS"].compactMap { ProcessInfo.processInfo.environment[$0] }
    for path in sclFiles {
        guard let data = FileManager.default.contents(atPath: path) else { continue }
        let bytes = [UInt8](data)
        let label = "\(URL(fileURLWithPath: path).lastPathComponent) (\(bytes.count / 1024) KiB)"
        let configuration = Benchmark.Configuration(metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(5))
        Benchmark("SCL parse of \(label)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try SCLDocument(bytes: bytes)) }
        }
        // The seed's load_scl(path) reads the file, parses it and resolves its type references: the same job.
        Benchmark("SCL load from file + validate(.references) of \(label)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try SCLDocument(contentsOfFile: path).validate(.references)) }
        }
        Benchmark("SCL parse + validate (every IED resolved) of \(label)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try SCLDocument(bytes: bytes).validate()) }
        }
        Benchmark("SCL parse + first IED's model of \(label)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try SCLDocument(bytes: bytes).iedModel()) }
        }
    }

    if let path = ProcessInfo.processInfo.environment["IEC61850_BENCH_SCD"], let data = FileManager.default.contents(atPath: path) {
        let bytes = [UInt8](data)
        Benchmark("XML scan of \(URL(fileURLWithPath: path).lastPathComponent) (\(bytes.count / 1024) KiB)",
                  configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(5))) { benchmark in
            for _ in benchmark.scaledIterations {
                var scanner = XMLScanner(bytes: bytes)
                var events = 0
                while let event = try? scanner.next() { blackHole(event); events += 1 }
                blackHole(events)
            }
        }
    }

    Benchmark("reports: application update → report at the client, one member (latency)",
              configuration: .init(metrics: networkMetrics, maxDuration: .seconds(5), setup: reportSetup)) { benchmark in
        guard let server = reportBench.server else { return }
        for _ in benchmark.scaledIterations {
            reportBench.counter += 1
            try? server.update("\(reportLD)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(reportBench.counter))
            blackHole(try? await reportBench.iterator?.next())
        }
    }
    Benchmark("reports: 18-member reports (batch update → report), x100",
              configuration: .init(metrics: networkMetrics, maxDuration: .seconds(5), setup: reportSetup)) { benchmark in
        guard let server = reportBench.server else { return }
        for _ in benchmark.scaledIterations {
            for _ in 0..<100 {
                // The same values again: each member is a data update (dupd), so every report carries all 18.
                let values = reportMembers.map { member -> (reference: ObjectReference, fc: FunctionalConstraint, value: MMSValue) in
                    (member.0, member.1, server.value(member.0, fc: member.1) ?? .boolean(false))
                }
                try? server.update(values)
                blackHole(try? await reportBench.iterator?.next())
            }
        }
    }

    guard let port = benchPort else { return }
    let connect: Benchmark.BenchmarkSetupHook = {
        if network.client == nil {
            network.client = try await IEC61850Client.connect(host: "127.0.0.1", port: port)
        }
    }
    Benchmark("read one float from libiec61850, sequential, default executor", configuration: .init(metrics: networkMetrics, maxDuration: .seconds(5), setup: connect)) { benchmark in
        guard let client = network.client else { return }
        for _ in benchmark.scaledIterations { blackHole(try? await client.read(Float.self, floatReference, fc: .MX)) }
    }
    Benchmark("read one float from libiec61850, sequential, on the connection's event loop", configuration: .init(metrics: networkMetrics, maxDuration: .seconds(5), setup: connect)) { benchmark in
        guard let client = network.client else { return }
        await withTaskExecutorPreference(client.connection.taskExecutor) {
            for _ in benchmark.scaledIterations { blackHole(try? await client.read(Float.self, floatReference, fc: .MX)) }
        }
    }
    for tasks in [8, 32] {
        Benchmark("read one float from libiec61850, \(tasks) tasks pipelined (x100 reads)", configuration: .init(metrics: networkMetrics, maxDuration: .seconds(5), setup: connect)) { benchmark in
            guard let client = network.client else { return }
            let executor = client.connection.taskExecutor
            for _ in benchmark.scaledIterations {
                await withTaskGroup(of: Void.self) { group in
                    for task in 0..<tasks {
                        group.addTask(executorPreference: executor) {
                            for _ in stride(from: task, to: 100, by: tasks) { blackHole(try? await client.read(Float.self, floatReference, fc: .MX)) }
                        }
                    }
                }
            }
        }
    }
}
