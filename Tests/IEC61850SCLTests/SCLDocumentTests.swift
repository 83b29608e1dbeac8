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
