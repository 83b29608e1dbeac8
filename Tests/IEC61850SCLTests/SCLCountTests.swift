import Foundation
import Testing
@testable import IEC61850SCL

@Suite("SCL counts against an independent count")
struct SCLCountTests {
    @Test("LDs, LNs, DOs, DAs, datasets and control blocks match Python ElementTree's count of the XML")
    func countsMatch() async throws {
        let files = SCLCorpus.files.filter { SCLCorpus.expectedFailures[$0] == nil && SCLCorpus.knownDefects[$0] == nil }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/scl_count.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + files.map(SCLCorpus.path)
        let pipe = Pipe()
        process.standardOutput = pipe
        let (output, status) = try await offload { () -> (Data, Int32) in
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (output, process.terminationStatus)
        }
        #expect(status == 0)
        let independent = try JSONDecoder().decode([String: [String: IEDModel.Counts]].self, from: output)
        var compared = 0
        for file in files {
            let document = try SCLDocument(contentsOfFile: SCLCorpus.path(file))
            let expected = try #require(independent[SCLCorpus.path(file)], "\(file)")
            var ours: [String: IEDModel.Counts] = [:]
            for ied in document.ieds {
                for accessPoint in ied.accessPoints where accessPoint.server != nil {
                    ours[ied.name + "/" + accessPoint.name] = try document.iedModel(ied: ied.name, accessPoint: accessPoint.name, strict: true).counts
                    compared += 1
                }
            }
            #expect(ours == expected, "\(file)")
        }
        #expect(compared >= 50)
    }
}
