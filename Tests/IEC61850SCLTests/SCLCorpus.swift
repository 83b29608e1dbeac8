import Foundation
@testable import IEC61850SCL

/// The shared SCL corpus (../shared/scl, read in place; CI lays shared/ beside the clone).
enum SCLCorpus {
    static var root: URL {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.deletingLastPathComponent().appendingPathComponent("shared/scl")
    }

    /// Every SCL file of the corpus, as paths relative to its root, sorted.
    static var files: [String] {
        let extensions: Set<String> = ["icd", "cid", "scd", "iid", "ssd", "sed", "scl"]
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var files: [String] = []
        for case let url as URL in enumerator where extensions.contains(url.pathExtension.lowercased()) {
            files.append(String(url.path.dropFirst(root.path.count + 1)))
        }
        return files.sorted()
    }

    static func path(_ file: String) -> String { root.appendingPathComponent(file).path }

    /// The files that must fail, with the kind of error they must fail with (INDEX.md: riseclipse's invalid files,
    /// libiec61850's deliberately broken sample).
    static let expectedFailures: [String: SCLError.Kind] = [
        "riseclipse-validator-scl2003-test/scl/input/oclContraintsTests/DOType/DOTypeReferingDirectlyToItself.scl": .typeCycle,
        "riseclipse-validator-scl2003-test/scl/input/oclContraintsTests/DOType/DOTypeReferingIndirectlyToItself.scl": .typeCycle,
        "riseclipse-validator-scl2003-test/scl/input/oclContraintsTests/SCL/InvalidVersionValueInSCL.scl": .invalidVersion,
        "libiec61850/tools/model_generator/sampleModel_errors.icd": .missingAttribute,
    ]

    /// Files that load (leniently) but that `validate()` rightly reports errors for: defects of the fixtures themselves,
    /// checked by hand against the XML.
    static let knownDefects: [String: Set<SCLError.Kind>] = [
        // DOType OpenSCD_ENC_Mod's Cancel names a missing DAType; LN THARDE1 names a missing LNodeType.
        "open-scd/packages/plugins/test/testfiles/editors/MessageBindingGOOSE2007B4.scd": [.unknownType],
        "open-scd/packages/plugins/test/testfiles/editors/MessageBindingSMV2007B4.scd": [.unknownType],
        // LN THARDE1 of IED2 names a missing LNodeType.
        "open-scd/packages/plugins/test/testfiles/valid2007B4.scd": [.unknownType],
        // No DataTypeTemplates at all: every LN names a missing LNodeType.
        "open-scd/packages/plugins/test/testfiles/updatedesc/updatedescSEL.scd": [.unknownType],
    ]
}
