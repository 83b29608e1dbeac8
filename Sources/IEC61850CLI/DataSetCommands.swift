// `iec61850 dataset list|read|create|delete`: datasets (IEC 61850-7-2 §13) from the command line.

import ArgumentParser
import IEC61850

struct DataSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "List, read, create and delete datasets (LD/LN.Name, or @Name for this association only).",
        subcommands: [List.self, ReadValues.self, Create.self, Delete.self]
    )

    static func parse(_ text: String) throws -> DataSetReference {
        guard let reference = DataSetReference(parsing: text) else {
            throw ValidationError("'\(text)' is not a dataset reference of the form LD/LN.Name or @Name")
        }
        return reference
    }

    /// `LD/LN.DO.DA[FC]` → a member.
    static func member(_ text: String) throws -> DataSetMember {
        guard text.hasSuffix("]"), let open = text.lastIndex(of: "[") else {
            throw ValidationError("'\(text)' is not a member of the form LD/LN.DO.DA[FC]")
        }
        let reference = try parseReference(String(text[..<open]))
        let fc = try parseFC(String(text[text.index(after: open)..<text.index(before: text.endIndex)]))
        return DataSetMember(reference, fc: fc)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the datasets of every LN (or of one LD), with their members.")

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Only this logical device.") var logicalDevice: String?

        func run() async throws {
            try await connection.run { client in
                var entries: [(DataSetReference, DataSetDirectory)] = []
                let devices: [String]
                if let logicalDevice { devices = [logicalDevice] } else { devices = try await client.serverDirectory() }
                for device in devices {
                    for node in try await client.logicalDeviceDirectory(device) {
                        for dataSet in try await client.dataSets(of: ObjectReference(logicalDevice: device, logicalNode: node)) {
                            entries.append((dataSet, try await client.dataSetDirectory(dataSet)))
                        }
                    }
                }
                if connection.json {
                    print(JSON.array(entries.map { dataSet, directory in
                        JSON.object([("ref", .string("\(dataSet)")), ("deletable", .bool(directory.isDeletable)),
                                     ("members", .array(directory.members.map { .string("\($0)") }))])
                    }).text)
                } else {
                    for (dataSet, directory) in entries {
                        print("\(dataSet)\(directory.isDeletable ? " (deletable)" : "")")
                        for member in directory.members { print("  \(member)") }
                    }
                }
            }
        }
    }

    struct ReadValues: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "read", abstract: "Read a dataset's members and values.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The dataset, e.g. IED1LD0/LLN0.Events") var dataSet: String

        func run() async throws {
            let reference = try DataSet.parse(dataSet)
            try await connection.run { client in
                let directory = try await client.dataSetDirectory(reference)
                let values = try await client.readDataSet(reference)
                if connection.json {
                    print(JSON.object([("ref", .string("\(reference)")), ("members", .array(zip(directory.members, values).map { member, value in
                        JSON.object([("ref", .string("\(member)")), ("value", value.json)])
                    }))]).text)
                } else {
                    for (member, value) in zip(directory.members, values) {
                        switch value {
                        case .success(let value): print("\(member) = \(value.readable)")
                        case .failure(let error): print("\(member) ! \(error.name)")
                        }
                    }
                }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a dataset from members LD/LN.DO.DA[FC].")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The dataset, e.g. IED1LD0/LLN0.Mine") var dataSet: String
        @Argument(help: "Members, e.g. IED1LD0/GGIO1.AnIn1.mag.f[MX]") var members: [String]

        func run() async throws {
            let reference = try DataSet.parse(dataSet)
            let members = try members.map(DataSet.member)
            guard !members.isEmpty else { throw ValidationError("give at least one member") }
            try await connection.run { client in
                try await client.createDataSet(reference, members: members)
                print(connection.json ? JSON.object([("created", .string("\(reference)"))]).text : "created \(reference) (\(members.count) members)")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a dataset.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The dataset, e.g. IED1LD0/LLN0.Mine") var dataSet: String

        func run() async throws {
            let reference = try DataSet.parse(dataSet)
            try await connection.run { client in
                try await client.deleteDataSet(reference)
                print(connection.json ? JSON.object([("deleted", .string("\(reference)"))]).text : "deleted \(reference)")
            }
        }
    }
}
