import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("test harness: child processes")
struct ChildProcessTests {
    @Test("a child inherits no descriptor but 0, 1 and 2 (a server socket it kept would hold back that server's FIN)")
    func noInheritedDescriptors() throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)  // not close-on-exec, like NIO's accepted sockets
        defer { _ = close(pair[0]); _ = close(pair[1]) }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("fds-\(getpid())-\(pair[0]).txt").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let script = "for fd in \(pair[0]) \(pair[1]); do [ -e /proc/$$/fd/$fd ] && echo inherited || echo closed; done"
        let child = try ChildProcess.spawn("/bin/sh", ["-c", script], stdoutPath: output)
        #expect(child.wait() == 0)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "closed\nclosed\n")
    }
}
