// Connection behaviour that real peers cannot be made to show on demand: a server that never answers,
// one that drops the connection with requests in flight, one that rejects the association.
// A scripted loopback server replays the association bytes libiec61850 sent in a real capture.

#if canImport(Glibc)
import Glibc
#endif
@_spi(OSI) import IEC61850MMS
import IEC61850Model
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The largest number of requests a scripted server saw outstanding at once.
final class MaxOutstanding: Sendable {
    private let value = Mutex(0)
    func record(_ count: Int) { value.withLock { $0 = max($0, count) } }
    var maximum: Int { value.withLock { $0 } }
}

/// What the scripted server does once associated.
enum ScriptedBehaviour: Sendable {
    /// Never answers requests.
    case silent
    /// Closes the TCP connection after receiving `after` requests.
    case dropAfter(Int)
    /// Holds requests until `batch` are outstanding, then answers them all; records the most seen at once.
    /// A client that does not pipeline never gets an answer; one that exceeds the window is caught.
    case batchEcho(Int, MaxOutstanding)
    /// Answers the association with an ACSE rejection (AARE result 1).
    case rejectAssociation
}

final class ScriptedServerHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: instances are confined to their channel's event loop, as NIO handlers are.
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let behaviour: ScriptedBehaviour
    private var requests = 0
    private var held: [UInt32] = []

    init(behaviour: ScriptedBehaviour) { self.behaviour = behaviour }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let tpdu = Array(unwrapInboundIn(data).readableBytesView)
        guard tpdu.count >= 2 else { return }
        switch tpdu[1] & 0xF0 {
        case 0xE0:  // CR → CC
            let cc = COTPTPDU.connectionConfirm(COTPConnectParameters(destinationReference: 1, sourceReference: 2, tpduSize: 8192)).encodeHeader()
            send(TPKT.header(payloadLength: cc.count) + cc, context: context)
        case 0xF0:
            handleData(Array(tpdu[3...]), context: context)
        default:
            break
        }
    }

    private func handleData(_ sdu: [UInt8], context: ChannelHandlerContext) {
        guard let spdu = try? SessionSPDU.decode(sdu, range: sdu.indices) else { return }
        switch spdu.kind {
        case .connect:
            if case .rejectAssociation = behaviour {
                let aare = ACSEAPDU.associationResponse(ACSEAssociationResponse(result: 1, diagnostic: 1)).encoded()
                let cpa = PresentationPPDU.encodeAccept(aare: aare, respondingSelector: [0, 0, 0, 1], acceptedContexts: 2, acseContextID: 1)
                send(OSIFraming.frames(sdu: SessionSPDU.encodeAccept(userData: cpa), tpduSize: 8192), context: context)
            } else {
                send(PeerCaptures.bytes(PeerCaptures.libiecAccept), context: context)
            }
        case .data:
            guard let ppdu = try? PresentationPPDU.decode(sdu, range: spdu.userData, sessionKind: .data),
                  let element = ppdu.userData.first?.pdu, let pdu = try? MMSPDU(ber: element),
                  case .confirmedRequest(let invokeID, _) = pdu else { return }
            requests += 1
            switch behaviour {
            case .silent, .rejectAssociation:
                break
            case .dropAfter(let count):
                if requests >= count { context.close(promise: nil) }
            case .batchEcho(let batch, let maximum):
                held.append(invokeID)
                maximum.record(held.count)
                guard held.count >= batch else { return }
                for id in held {
                    let response = MMSPDU.confirmedResponse(invokeID: id, .read([.success(.float(Float(id)))])).encoded()
                    let sdu = SessionSPDU.dataPrefix + PresentationPPDU.encodeUserData(contextID: 3, pdu: response)
                    send(OSIFraming.frames(sdu: sdu, tpduSize: 8192), context: context)
                }
                held = []
            }
        default:
            break
        }
    }

    private func send(_ bytes: [UInt8], context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
    }
}

func withScriptedServer<T: Sendable>(_ behaviour: ScriptedBehaviour, _ body: (Int) async throws -> T) async throws -> T {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TPKTFrameDecoder()))
                try channel.pipeline.syncOperations.addHandler(ScriptedServerHandler(behaviour: behaviour))
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    do {
        let result = try await body(port)
        try await channel.close()
        return result
    } catch {
        try? await channel.close()
        throw error
    }
}

let readRequest = MMSConfirmedRequest.read(specificationWithResult: false, .listOfVariables([
    MMSVariableSpecification(name: .domainSpecific(domain: "LD", item: "LN$MX$x"))]))

@Suite("Connection behaviour")
struct ConnectionBehaviourTests {
    @Test("a request the server never answers fails with requestTimeout, and the association stays usable")
    func requestTimeout() async throws {
        try await withScriptedServer(.silent) { port in
            var configuration = MMSConnectionConfiguration()
            configuration.requestTimeout = .milliseconds(200)
            let connection = try await MMSClientConnection.connect(host: "127.0.0.1", port: port, configuration: configuration)
            await #expect(throws: MMSError.self) { _ = try await connection.request(readRequest) }
            do {
                _ = try await connection.request(readRequest)
            } catch let error as MMSError {
                guard error.code == .requestTimeout else { Issue.record("expected requestTimeout, got \(error)"); return }
            }
            #expect(await connection.isOpen)
            await connection.abort()
        }
    }

    @Test("a lost connection fails every pending request at once with connectionClosed")
    func connectionLost() async throws {
        try await withScriptedServer(.dropAfter(5)) { port in
            var configuration = MMSConnectionConfiguration()
            configuration.requestTimeout = .seconds(30)  // failures must come from the loss, not a timeout
            let connection = try await MMSClientConnection.connect(host: "127.0.0.1", port: port, configuration: configuration)
            let start = ContinuousClock.now
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        do {
                            _ = try await connection.request(readRequest)
                            return "answered"
                        } catch let error as MMSError {
                            if error.code == .connectionClosed { return "closed" }
                            return "\(error)"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes == Array(repeating: "closed", count: 5))
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(await connection.isOpen == false)
            do {
                _ = try await connection.request(readRequest)
                Issue.record("request on a closed connection succeeded")
            } catch let error as MMSError {
                guard error.code == .connectionClosed else { Issue.record("expected connectionClosed, got \(error)"); return }
            }
        }
    }

    @Test("concurrent requests are pipelined up to the negotiated window and never beyond")
    func window() async throws {
        let maximum = MaxOutstanding()
        try await withScriptedServer(.batchEcho(5, maximum)) { port in
            let connection = try await MMSClientConnection.connect(host: "127.0.0.1", port: port)
            #expect(await connection.negotiated.maxOutstandingCalling == 5)  // from the libiec61850 capture
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<60 {
                    group.addTask {
                        guard case .read(let values) = try await connection.request(readRequest), case .success(.float)? = values.first else { return false }
                        return true
                    }
                }
                var all: [Bool] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.count == 60 && results.allSatisfy { $0 })
            #expect(maximum.maximum == 5)
            await connection.abort()
        }
    }

    @Test("an ACSE rejection is reported as associationRejected with its reason")
    func associationRejected() async throws {
        try await withScriptedServer(.rejectAssociation) { port in
            do {
                _ = try await MMSClientConnection.connect(host: "127.0.0.1", port: port)
                Issue.record("association succeeded")
            } catch let error as MMSError {
                guard error.code == .associationRejected, let reason = error.detail else { Issue.record("got \(error)"); return }
                #expect(reason.contains("no-reason-given"))
            }
        }
    }

    @Test("a refused TCP connection fails fast with connectionFailed")
    func connectionRefused() async throws {
        // A socket that is bound but not listening: connects to it are refused, and nobody else can take the port.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        do {
            _ = try await MMSClientConnection.connect(host: "127.0.0.1", port: port)
            Issue.record("connected to a closed port")
        } catch {
            guard error.code == .connectionFailed else { Issue.record("got \(error)"); return }
        }
    }

    @Test("a cancelled request fails with cancelled and frees its window slot")
    func cancellation() async throws {
        try await withScriptedServer(.silent) { port in
            let connection = try await MMSClientConnection.connect(host: "127.0.0.1", port: port)
            let task = Task { try await connection.request(readRequest) }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            do {
                _ = try await task.value
                Issue.record("cancelled request succeeded")
            } catch let error as MMSError {
                guard error.code == .cancelled else { Issue.record("got \(error)"); return }
            }
            await connection.abort()
        }
    }
}
