import Foundation
import Testing
@testable import IEC61850SCL

@Suite("SCL document")
struct SCLDocumentTests {
    @Test("every corpus file parses, and parse → write → parse gives an equal document")
    func corpusRoundTrip() throws {
        let files = SCLCorpus.files
        #expect(files.count >= 50)
        for file in files {
            let document: SCLDocument
            do {
                document = try SCLDocument(contentsOfFile: SCLCorpus.path(file))
            } catch {
                if SCLCorpus.expectedFailures[file] == nil || error.kind == .typeCycle { Issue.record("\(file): \(error)") }
                continue
            }
            let again = try SCLDocument(string: document.xml())
            #expect(again == document, "\(file): the written document reads back different")
        }
    }
}

@Suite("SCL resolution")
struct SCLResolutionTests {
    @Test("every corpus file validates, or fails with the error INDEX.md expects")
    func corpusValidates() throws {
        for file in SCLCorpus.files {
            let expected = SCLCorpus.expectedFailures[file]
            let document: SCLDocument
            do {
                document = try SCLDocument(contentsOfFile: SCLCorpus.path(file))
            } catch {
                #expect(error.kind == expected, "\(file): \(error)")
                continue
            }
            let report = document.validate()
            if let expected {
                #expect(report.errors.contains { $0.kind == expected }, "\(file): expected \(expected), got \(report.errors)")
            } else if let defects = SCLCorpus.knownDefects[file] {
                #expect(!report.errors.isEmpty && Set(report.errors.map(\.kind)) == defects, "\(file): \(report.errors)")
                // Lenient loading builds every IED; strict loading refuses at least one of them.
                var refused = 0
                for ied in document.ieds {
                    for accessPoint in ied.accessPoints where accessPoint.server != nil {
                        _ = try document.iedModel(ied: ied.name, accessPoint: accessPoint.name)
                        do { _ = try document.iedModel(ied: ied.name, accessPoint: accessPoint.name, strict: true) } catch { refused += 1 }
                    }
                }
                #expect(refused > 0, "\(file)")
            } else {
                #expect(report.errors.isEmpty, "\(file): \(report.errors.map(\.description).joined(separator: "\n"))")
            }
            for ied in document.ieds where expected == nil {
                for accessPoint in ied.accessPoints where accessPoint.server != nil {
                    _ = try document.iedModel(ied: ied.name, accessPoint: accessPoint.name)
                }
            }
        }
    }
}
