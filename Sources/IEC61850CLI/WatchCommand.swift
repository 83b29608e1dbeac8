// `iec61850 watch HOST[:PORT] RCBREF`: enable a report control block and print its reports.

import ArgumentParser
import IEC61850

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enable a report control block (LD/LN.RP.Name or LD/LN.BR.Name) and print its reports until done.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The report control block, e.g. IED1LD0/LLN0.RP.EventsRCB01") var rcb: String
    @Flag(help: "Ask for a general interrogation after enabling.") var gi = false
    @Option(help: "Stop after this many reports.") var count: Int?
    @Option(help: "Stop after this many seconds.") var duration: Double?
    @Option(help: "Integrity period in ms (adds the integrity trigger).") var integrity: UInt32?

    func run() async throws {
        guard let reference = ReportControlBlockReference(parsing: rcb) else {
            throw ValidationError("'\(rcb)' is not a report control block reference of the form LD/LN.RP.Name or LD/LN.BR.Name")
        }
        try await connection.run { client in
            let fields: ReportOptionalFields = [.sequenceNumber, .timeStamp, .reasonCode, .dataSetName, .dataReference, .configurationRevision]
            var settings = ReportSettings(optionalFields: reference.isBuffered ? fields.union([.entryID, .bufferOverflow]) : fields)
            var triggers: ReportTriggers = [.dataChange, .qualityChange, .dataUpdate, .generalInterrogation]
            if let integrity {
                triggers.insert(.integrity)
                settings.integrityPeriod = integrity
            }
            settings.triggerOptions = triggers
            let stream = try await client.enableReporting(reference, settings: settings, generalInterrogation: gi)
            let json = connection.json
            let limit = count
            let consumer = Task {
                var received = 0
                for try await report in stream {
                    printLine(json ? report.json.text : report.readable)
                    received += 1
                    if let limit, received >= limit { return }
                }
            }
            let stopper = Task {
                if let duration {
                    try? await Task.sleep(for: .milliseconds(Int64(max(0, duration) * 1000)))
                } else {
                    await waitForTerminationSignal()
                }
                consumer.cancel()
            }
            let outcome = await consumer.result
            stopper.cancel()
            try? await client.disableReporting(reference)
            try outcome.get()
        }
    }
}

extension Report {
    /// One JSON object per report (`iec61850 watch --json`).
    var json: JSON {
        var fields: [(String, JSON)] = [("rptID", .string(reportID))]
        if let sequenceNumber { fields.append(("sqNum", .uint(UInt64(sequenceNumber)))) }
        if let timeOfEntry, let ms = timeOfEntry.unixMilliseconds {
            fields.append(("timeOfEntry", .string(MMSUTCTime(unixSeconds: Double(ms) / 1000).iso8601)))
        }
        if let dataSet { fields.append(("dataSet", .string(dataSet))) }
        if let bufferOverflow { fields.append(("bufOvfl", .bool(bufferOverflow))) }
        if let entryID { fields.append(("entryID", .string(entryID.hexString))) }
        if let configurationRevision { fields.append(("confRev", .uint(UInt64(configurationRevision)))) }
        if let subSequenceNumber { fields.append(("subSqNum", .uint(UInt64(subSequenceNumber)))) }
        if let moreSegmentsFollow { fields.append(("moreSegmentsFollow", .bool(moreSegmentsFollow))) }
        if missedBefore > 0 { fields.append(("missedBefore", .int(Int64(missedBefore)))) }
        fields.append(("entries", .array(entries.map { entry in
            var item: [(String, JSON)] = [("index", .int(Int64(entry.index)))]
            if let reference = entry.reference { item.append(("ref", .string(reference))) }
            item.append(("value", entry.value.json))
            if let reason = entry.reason { item.append(("reason", .array(reason.names.map { .string($0) }))) }
            return .object(item)
        })))
        return .object(fields)
    }

    /// A readable multi-line form.
    var readable: String {
        var lines = ["report \(reportID)" + (sequenceNumber.map { " #\($0)" } ?? "") + (dataSet.map { " \($0)" } ?? "")
                     + (missedBefore > 0 ? " (\(missedBefore) missed before)" : "") + (bufferOverflow == true ? " (buffer overflow)" : "")]
        for entry in entries {
            lines.append("  [\(entry.index)] \(entry.reference ?? "member \(entry.index)") = \(entry.value.readable)"
                         + (entry.reason.map { " (\($0.names.joined(separator: ",")))" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
