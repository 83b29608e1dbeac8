// Report decoding and delivery, without sockets.

import IEC61850
@testable import IEC61850Client
import Testing

@Suite("Report decoding")
struct ReportDecodingTests {
    static func bits(_ text: String) -> MMSValue { .bitString(MMSBitString(text)!) }

    /// RptID, OptFlds (seqNum, timeStamp, reasonCode, dataSet, dataRef, entryID, confRev), SqNum, TimeOfEntry, DatSet,
    /// EntryID, ConfRev, Inclusion 0101, two references, two values, two reason codes.
    static let full: [AccessResult] = [
        .success(.visibleString("rpt")), .success(bits("0111110110")), .success(.unsigned(7)),
        .success(.binaryTime(MMSBinaryTime(milliseconds: 1000, days: 2))), .success(.visibleString("LD/LLN0$DS")),
        .success(.octetString([1, 2, 3, 4, 5, 6, 7, 8])), .success(.unsigned(3)), .success(bits("0101")),
        .success(.visibleString("LD/GGIO1$ST$Ind2$stVal")), .success(.visibleString("LD/GGIO1$ST$Ind4$stVal")),
        .success(.boolean(true)), .success(.boolean(false)), .success(bits("0100000")), .success(bits("0000010")),
    ]

    @Test("every optional field, inclusion, references, values and reason codes")
    func fullReport() throws {
        let report = try Report(results: Self.full)
        #expect(report.reportID == "rpt" && report.sequenceNumber == 7 && report.dataSet == "LD/LLN0$DS")
        #expect(report.entryID == [1, 2, 3, 4, 5, 6, 7, 8] && report.configurationRevision == 3 && report.timeOfEntry != nil)
        #expect(report.bufferOverflow == nil && report.subSequenceNumber == nil)
        #expect(report.entries.map(\.index) == [1, 3])
        #expect(report.entries.map(\.reference) == ["LD/GGIO1$ST$Ind2$stVal", "LD/GGIO1$ST$Ind4$stVal"])
        #expect(report.entries.map(\.value) == [.boolean(true), .boolean(false)])
        #expect(report.entries.map(\.reason) == [.dataChange, .generalInterrogation])
    }

    @Test("a minimal report: RptID, OptFlds with nothing, inclusion and values")
    func minimalReport() throws {
        let report = try Report(results: [.success(.visibleString("r")), .success(Self.bits("0000000000")), .success(Self.bits("11")),
                                          .success(.float(1)), .success(.float(2))])
        #expect(report.entries.map(\.value) == [.float(1), .float(2)] && report.entries.allSatisfy { $0.reason == nil && $0.reference == nil })
    }

    @Test("segmented report fields")
    func segmentation() throws {
        let report = try Report(results: [.success(.visibleString("r")), .success(Self.bits("0000000001")), .success(.unsigned(2)),
                                          .success(.boolean(true)), .success(Self.bits("1")), .success(.integer(5))])
        #expect(report.subSequenceNumber == 2 && report.moreSegmentsFollow == true && report.entries.count == 1)
    }

    @Test("truncated, mistyped, failed or overlong reports are typed errors naming the field", arguments: [
        (Array(full.prefix(1)), "OptFlds"),
        (Array(full.prefix(11)), "value 2"),
        ([full[0], full[1], .success(.visibleString("x"))] + Array(full.dropFirst(3)), "SqNum"),
        ([full[0], full[1], .failure(.objectNonExistent)] + Array(full.dropFirst(3)), "SqNum"),
        (full + [.success(.boolean(true))], "unexpected results"),
        ([AccessResult.success(.boolean(true))], "RptID"),
    ] as [([AccessResult], String)])
    func malformed(results: [AccessResult], field: String) {
        #expect { try Report(results: results) } throws: { error in
            guard let error = error as? IEC61850Error, error.code == .unexpectedResponse, let message = error.detail else { return false }
            return message.contains(field)
        }
    }

    @Test("a huge inclusion bit string with no values is an error, not a crash")
    func hugeInclusion() {
        let bits = MMSBitString(bits: Array(repeating: true, count: 100_000))
        #expect(throws: IEC61850Error.self) { try Report(results: [.success(.visibleString("r")), .success(Self.bits("0")), .success(.bitString(bits))]) }
    }
}

@Suite("Report delivery")
struct ReportDeliveryTests {
    static func report(_ number: UInt32) -> Report {
        var report = try! Report(results: [.success(.visibleString("r")), .success(ReportDecodingTests.bits("0100000000")),
                                           .success(.unsigned(UInt64(number))), .success(ReportDecodingTests.bits("1")), .success(.boolean(true))])
        report.sequenceNumber = number
        return report
    }

    @Test("a slow consumer's buffer drops the oldest and the next report says how many were missed")
    func overflowIsSignalled() async throws {
        let hub = ReportHub()
        let (_, stream) = hub.subscribe(limit: 3) { _ in true }
        for number in 0..<10 { hub.deliverDecoded(Self.report(UInt32(number))) }
        var iterator = stream.makeAsyncIterator()
        let first = try #require(try await iterator.next())
        #expect(first.sequenceNumber == 7 && first.missedBefore == 7)
        #expect(try await iterator.next()?.missedBefore == 0)
        #expect(stream.droppedCount == 7)
    }

    @Test("subscriptions see only their reports; the end of the association ends every stream with an error")
    func filterAndClose() async throws {
        let hub = ReportHub()
        let (_, mine) = hub.subscribe(limit: 10) { $0.sequenceNumber == 1 }
        hub.deliverDecoded(Self.report(2))
        hub.deliverDecoded(Self.report(1))
        var iterator = mine.makeAsyncIterator()
        #expect(try await iterator.next()?.sequenceNumber == 1)
        hub.close(IEC61850Error(.connectionClosed("test"), operation: "report"))
        await #expect(throws: IEC61850Error.self) { _ = try await iterator.next() }
        #expect(hub.unclaimed.load(ordering: .relaxed) == 1)
    }

    @Test("a cancelled consumer's stream ends normally")
    func cancellation() async throws {
        let hub = ReportHub()
        let (_, stream) = hub.subscribe(limit: 10) { _ in true }
        let consumer = Task { () -> Int in
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        hub.deliverDecoded(Self.report(1))
        try await Task.sleep(for: .milliseconds(50))
        consumer.cancel()
        #expect(try await consumer.value <= 1)
    }
}

@Suite("Segmented reports")
struct SegmentedReportTests {
    /// A segment of report SqNum 9: `members` of a 6-member dataset, with values equal to the member index.
    static func segment(_ sub: UInt32, more: Bool, members: [Int], sequence: UInt64 = 9) -> Report {
        let inclusion = MMSBitString(bits: (0..<6).map { members.contains($0) })
        let results: [AccessResult] = [.success(.visibleString("seg")), .success(ReportDecodingTests.bits("0100000001")), .success(.unsigned(sequence)),
                                       .success(.unsigned(UInt64(sub))), .success(.boolean(more)), .success(.bitString(inclusion))]
            + members.map { .success(.integer(Int64($0))) }
        return try! Report(results: results)
    }

    @Test("segments with the same SqNum are delivered as one report with every member")
    func reassembled() async throws {
        let hub = ReportHub()
        let (_, stream) = hub.subscribe(limit: 10) { _ in true }
        hub.deliverDecoded(Self.segment(0, more: true, members: [0, 1]))
        hub.deliverDecoded(Self.segment(1, more: true, members: [2, 3]))
        hub.deliverDecoded(Self.segment(2, more: false, members: [5]))
        var iterator = stream.makeAsyncIterator()
        let report = try #require(try await iterator.next())
        #expect(report.entries.map(\.index) == [0, 1, 2, 3, 5])
        #expect(report.entries.map(\.value) == [0, 1, 2, 3, 5].map { .integer(Int64($0)) })
        #expect(report.inclusion.bits == [true, true, true, true, false, true])
        #expect(!report.isIncomplete && report.moreSegmentsFollow == false)
    }

    @Test("a missing segment is not hidden: the partial report is delivered marked incomplete")
    func gap() async throws {
        let hub = ReportHub()
        let (_, stream) = hub.subscribe(limit: 10) { _ in true }
        hub.deliverDecoded(Self.segment(0, more: true, members: [0, 1]))
        hub.deliverDecoded(Self.segment(2, more: false, members: [5]))  // segment 1 lost
        var iterator = stream.makeAsyncIterator()
        let first = try #require(try await iterator.next())
        #expect(first.isIncomplete && first.entries.map(\.index) == [0, 1])
        let second = try #require(try await iterator.next())
        #expect(second.isIncomplete && second.entries.map(\.index) == [5])
    }
}

extension SegmentedReportTests {
    @Test("a server that never ends a segmented report cannot grow memory without bound")
    func endlessSegments() async throws {
        let hub = ReportHub()
        let (_, stream) = hub.subscribe(limit: 10) { _ in true }
        var segment = Self.segment(0, more: true, members: Array(0..<6))
        for sub in 0...(ReportHub.maxSegmentedEntries / 6 + 1) {
            segment.subSequenceNumber = UInt32(sub)
            hub.deliverDecoded(segment)
        }
        var iterator = stream.makeAsyncIterator()
        let report = try #require(try await iterator.next())
        #expect(report.isIncomplete && report.entries.count <= ReportHub.maxSegmentedEntries + 6)
    }
}
