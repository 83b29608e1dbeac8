// Runs the real IEC 61850 peers from ../shared/peers (PyPI packages, pinned) as subprocesses on
// loopback. If their virtual environment is missing it is created with the peers' own setup script;
// if that fails the tests fail loudly, they are never skipped.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum PeerHarnessError: Error, CustomStringConvertible {
    case sharedFolderMissing(String)
    case setupFailed(String)
    case serverDidNotStart(String)
    case clientFailed(String)

    var description: String {
        switch self {
        case .sharedFolderMissing(let path): "peers folder not found at \(path); set IEC61850_SHARED to the shared/ folder"
        case .setupFailed(let why): "could not set up the Python peers: \(why)"
        case .serverDidNotStart(let why): "peer server did not start: \(why)"
        case .clientFailed(let why): "peer client failed: \(why)"
        }
    }
}

/// Where the repository, the shared folder and the peers' Python live.
enum PeerEnvironment {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Interop/, IEC61850Tests/, Tests/, root
        return url
    }()

    static var sharedFolder: URL {
        if let path = ProcessInfo.processInfo.environment["IEC61850_SHARED"] { return URL(fileURLWithPath: path) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static var peersFolder: URL { sharedFolder.appendingPathComponent("peers") }

    static var venv: URL {
        if let path = ProcessInfo.processInfo.environment["IEC61850_PEERS_VENV"] { return URL(fileURLWithPath: path) }
        return repositoryRoot.appendingPathComponent(".venv-peers")
    }

    static var python: String { venv.appendingPathComponent("bin/python").path }

    /// Makes sure the venv with every peer exists; runs `setup.sh` once (under a file lock) if not.
    static func ensurePeersInstalled() throws {
        let setup = peersFolder.appendingPathComponent("setup.sh").path
        guard FileManager.default.fileExists(atPath: setup) else { throw PeerHarnessError.sharedFolderMissing(peersFolder.path) }
        let marker = venv.appendingPathComponent(".peers-ready").path
        if FileManager.default.fileExists(atPath: marker) { return }
        let lockPath = repositoryRoot.appendingPathComponent(".venv-peers.lock").path
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw PeerHarnessError.setupFailed("cannot open \(lockPath)") }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        if FileManager.default.fileExists(atPath: marker) { return }
        // A venv that cannot work (a dangling link, a half-made folder without its python) is made again.
        if !FileManager.default.isExecutableFile(atPath: python) {
            var status = stat()
            if lstat(venv.path, &status) == 0 { try? FileManager.default.removeItem(atPath: venv.path) }
        }
        let (status, output) = try run("/bin/bash", [setup, venv.path])
        guard status == 0 else { throw PeerHarnessError.setupFailed("setup.sh exited \(status): \(output)") }
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
    }

    /// Runs a command to completion and returns its exit status and combined output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("peer-run-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let child = try ChildProcess.spawn(executable, arguments, stdoutPath: outputPath, stderrToStdout: true)
        let status = child.wait()
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (status, output)
    }

    /// A TCP port that was free a moment ago (for peers that cannot bind port 0).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The peer implementations in ../shared/peers.
enum Peer: String, CaseIterable, CustomStringConvertible, Sendable {
    case libiec
    case seed
    case open61850
    case py61850

    var description: String { rawValue }
    var folder: URL { PeerEnvironment.peersFolder.appendingPathComponent(rawValue) }
    /// Whether the peer's server needs an explicit port.
    var needsExplicitPort: Bool { self == .libiec }
}

/// A child process started with `posix_spawn`, with a clean signal mask so that SIGTERM reaches it
/// (Foundation's `Process` lets the child inherit the spawning thread's blocked signals, and the
/// Python peers then never see SIGTERM), and with no file descriptor but 0, 1 and 2.
struct ChildProcess: Sendable {
    let pid: pid_t

    static func spawn(_ executable: String, _ arguments: [String],
                      stdinFD: Int32? = nil, stdoutFD: Int32? = nil, stdoutPath: String? = nil,
                      stderrPath: String? = nil, stderrToStdout: Bool = false) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdinFD { posix_spawn_file_actions_adddup2(&actions, stdinFD, 0) } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let stdoutFD { posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1) }
        if let stdoutPath { posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        if stderrToStdout { posix_spawn_file_actions_adddup2(&actions, 1, 2) }
        if let stderrPath { posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        // Nothing but stdin, stdout and stderr passes to the child. NIO's accepted sockets are not close-on-exec on
        // Linux: a child spawned while one of our test servers had a connection open kept a copy of that socket, so
        // the server's close sent no FIN until the child (a peer server living for the whole test) exited — the
        // cause of the raw-socket tests that waited 5 s for a close the server had made.
        closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw PeerHarnessError.setupFailed("cannot start \(executable): errno \(result)") }
        return ChildProcess(pid: pid)
    }

    /// Adds "close every descriptor from 3 up" to `actions`: glibc's `posix_spawn_file_actions_addclosefrom_np`
    /// (2.34 and later; Swift's Glibc module does not export it, so it is looked up), or else marks the parent's
    /// descriptors close-on-exec.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, 3) == 0 { return }
        }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for descriptor in descriptors where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Waits for the child to exit and returns its status (128 + signal when killed).
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }

    /// Sends SIGTERM, waits up to `grace` seconds, then SIGKILL.
    func terminate(grace: Double = 5) {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        var status: Int32 = 0
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }
}

/// A running peer server; stopped with SIGTERM (then SIGKILL) on `stop()`.
final class PeerServer: Sendable {
    let peer: Peer
    let port: Int
    private let child: ChildProcess
    private let stderrPath: String
    private let stdinWriteFD: Int32
    private let stdoutReadFD: Int32

    private init(peer: Peer, port: Int, child: ChildProcess, stderrPath: String, stdinWriteFD: Int32, stdoutReadFD: Int32) {
        self.peer = peer
        self.port = port
        self.child = child
        self.stderrPath = stderrPath
        self.stdinWriteFD = stdinWriteFD
        self.stdoutReadFD = stdoutReadFD
    }

    /// Starts `peer`'s server.py and waits for `READY <port>`.
    static func start(_ peer: Peer, arguments: [String] = []) throws -> PeerServer {
        try PeerEnvironment.ensurePeersInstalled()
        var lastError = ""
        for _ in 0..<3 {
            let port = peer.needsExplicitPort ? PeerEnvironment.freePort() : 0
            var stdinPipe: [Int32] = [0, 0]
            var stdoutPipe: [Int32] = [0, 0]
            guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0 else { throw PeerHarnessError.serverDidNotStart("pipe failed") }
            // Our ends must not leak into other children.
            _ = fcntl(stdinPipe[1], F_SETFD, FD_CLOEXEC)
            _ = fcntl(stdoutPipe[0], F_SETFD, FD_CLOEXEC)
            let stderrPath = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(peer)-\(UUID().uuidString).err").path
            let child = try ChildProcess.spawn(PeerEnvironment.python,
                                               [peer.folder.appendingPathComponent("server.py").path, "--port", "\(port)"] + arguments,
                                               stdinFD: stdinPipe[0], stdoutFD: stdoutPipe[1],
                                               stderrPath: stderrPath)
            close(stdinPipe[0])
            close(stdoutPipe[1])
            if let ready = readReadyLine(stdoutPipe[0], timeout: 60), let readyPort = Int(ready) {
                return PeerServer(peer: peer, port: readyPort, child: child, stderrPath: stderrPath,
                                  stdinWriteFD: stdinPipe[1], stdoutReadFD: stdoutPipe[0])
            }
            child.terminate()
            close(stdinPipe[1])
            close(stdoutPipe[0])
            lastError = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "no stderr"
            try? FileManager.default.removeItem(atPath: stderrPath)
        }
        throw PeerHarnessError.serverDidNotStart("\(peer): \(lastError)")
    }

    private static func readReadyLine(_ fd: Int32, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer: [UInt8] = []
        while Date() < deadline {
            var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pollFD, 1, 200) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 256)
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { return nil }
            buffer += chunk[0..<count]
            let text = String(decoding: buffer, as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("READY ") {
                return String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The server's stderr so far (for failure messages).
    var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func stop() {
        child.terminate()
        close(stdinWriteFD)
        close(stdoutReadFD)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }
}

/// A peer client's exit status and the JSON object it printed.
struct PeerReply: @unchecked Sendable {
    // @unchecked: `json` is produced once by JSONSerialization and never mutated afterwards; it only
    // holds immutable Foundation values (dictionaries, arrays, strings, numbers).
    let status: Int32
    let json: [String: Any]
}

/// Runs a peer's client.py once and parses its JSON output.
func runPeerClient(_ peer: Peer, port: Int, _ arguments: [String]) throws -> PeerReply {
    try PeerEnvironment.ensurePeersInstalled()
    let (status, output) = try PeerEnvironment.run(PeerEnvironment.python,
                                                   [peer.folder.appendingPathComponent("client.py").path, "127.0.0.1:\(port)"] + arguments)
    // Clients print one JSON object, on one line or indented over several.
    let text = output.firstIndex(of: "{").map { String(output[$0...]) } ?? "{}"
    let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    if json.isEmpty { throw PeerHarnessError.clientFailed("\(peer) client.py \(arguments): \(output)") }
    return PeerReply(status: status, json: json)
}

/// Runs blocking process work on a thread of its own, so the Swift concurrency pool (two threads on
/// CI) is never blocked by a subprocess.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

/// Starts a peer server for the duration of `body`.
func withPeerServer<T: Sendable>(_ peer: Peer, arguments: [String] = [], _ body: (PeerServer) async throws -> T) async throws -> T {
    let server = try await offload { try PeerServer.start(peer, arguments: arguments) }
    do {
        let result = try await body(server)
        try await offload { server.stop() }
        return result
    } catch {
        try await offload { server.stop() }
        throw error
    }
}
