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
        let ours = try await offload { () -> [String: [String: IEDModel.Counts]] in
            var ours: [String: [String: IEDModel.Counts]] = [:]
            for file in files {
                let document = try SCLDocument(contentsOfFile: SCLCorpus.path(file))
                var counts: [String: IEDModel.Counts] = [:]
                for ied in document.ieds {
                    for accessPoint in ied.accessPoints where accessPoint.server != nil {
                        counts[ied.name + "/" + accessPoint.name] = try document.iedModel(ied: ied.name, accessPoint: accessPoint.name, strict: true).counts
                    }
                }
                ours[SCLCorpus.path(file)] = counts
            }
            return ours
        }
        for file in files { #expect(ours[SCLCorpus.path(file)] == independent[SCLCorpus.path(file)], "\(file)") }
        #expect(ours.values.reduce(0) { $0 + $1.count } >= 50)
    }
}
