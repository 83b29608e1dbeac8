// `iec61850 scl summary|json|ieds|validate`: SCL files (IEC 61850-6) from the command line.

import ArgumentParser
import FoundationEssentials
import IEC61850

struct SCL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scl",
        abstract: "Read, check and summarise SCL files (ICD, CID, IID, SCD, SSD, SED).",
        subcommands: [Summary.self, JSONDocument.self, IEDs.self, Validate.self]
    )

    /// Loads a document; a failure becomes `FILE:LINE:COL: KIND: message (path @attribute)` on stderr and exit code 1.
    static func load(_ file: String, warnings: inout [SCLWarning]) throws -> SCLDocument {
        do {
            return try SCLDocument(contentsOfFile: file, warnings: &warnings)
        } catch {
            printError(line(file, error))
            throw ExitCode(1)
        }
    }

    static func line(_ file: String, _ error: SCLError) -> String {
        "\(file):\(error.description)"
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an IED's resolved model as canonical text.")

        @Argument(help: "The SCL file.") var file: String
        @Option(help: "The IED (default: the first).") var ied: String?
        @Option(help: "The access point (default: the IED's first with a server).") var accessPoint: String?

        func run() throws {
            var warnings: [SCLWarning] = []
            let document = try SCL.load(file, warnings: &warnings)
            do {
                print(try document.iedModel(ied: ied, accessPoint: accessPoint, warnings: &warnings).summary, terminator: "")
            } catch {
                printError(SCL.line(file, error))
                throw ExitCode(1)
            }
        }
    }

    struct JSONDocument: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "json", abstract: "Print the whole document as JSON.")

        @Argument(help: "The SCL file.") var file: String

        func run() throws {
            var warnings: [SCLWarning] = []
            let document = try SCL.load(file, warnings: &warnings)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(document)
            print(String(decoding: data, as: UTF8.self))
        }
    }

    struct IEDs: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ieds", abstract: "List the IEDs with their access points and logical devices.")

        @Argument(help: "The SCL file.") var file: String

        func run() throws {
            var warnings: [SCLWarning] = []
            let document = try SCL.load(file, warnings: &warnings)
            for ied in document.ieds {
                var line = ied.name
                let details = [ied.manufacturer.map { "manufacturer \($0)" }, ied.type.map { "type \($0)" },
                               ied.configVersion.map { "configVersion \($0)" }].compactMap { $0 }
                if !details.isEmpty { line += " (" + details.joined(separator: ", ") + ")" }
                print(line)
                for accessPoint in ied.accessPoints {
                    if let server = accessPoint.server {
                        print("  \(accessPoint.name): server, LDs " + server.lDevices.map(\.inst).joined(separator: ", "))
                    } else {
                        print("  \(accessPoint.name): no server")
                    }
                }
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a file: exit 0 when valid, else 1 with one line per error: FILE:LINE:COL: KIND: message (element path @attribute).")

        @Argument(help: "The SCL file.") var file: String
        @Flag(help: "Also print warnings (tolerated deviations), as FILE:LINE:COL: warning: KIND: ….") var warnings = false
        @Flag(help: "Check cross references only (types, LN types, control block datasets), without instantiating every IED: fast on a large SCD.")
        var referencesOnly = false

        func run() throws {
            var collected: [SCLWarning] = []
            let document: SCLDocument
            do {
                document = try SCLDocument(contentsOfFile: file, warnings: &collected)
            } catch {
                print(SCL.line(file, error))  // the same one-line form as the other errors, on stdout
                throw ExitCode(1)
            }
            let report = document.validate(referencesOnly ? .references : .full)
            if warnings {
                for warning in collected + report.warnings { print("\(file):\(warning.location.line):\(warning.location.column): warning: " + String(warning.description.drop { $0 != " " }.dropFirst())) }
            }
            for error in report.errors { print(SCL.line(file, error)) }
            if !report.isValid { throw ExitCode(1) }
        }
    }
}
