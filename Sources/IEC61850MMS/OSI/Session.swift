// ISO 8327-1 session protocol: the SPDUs of the kernel and duplex functional units used by MMS.

/// A session SPDU (ISO 8327-1 §8.3).
@_spi(OSI) public struct SessionSPDU: Sendable, Hashable {
    /// The SPDU type (its SI code).
    public enum Kind: UInt8, Sendable, Hashable {
        /// CN, connect.
        case connect = 13
        /// AC, accept.
        case accept = 14
        /// RF, refuse.
        case refuse = 12
        /// FN, finish.
        case finish = 9
        /// DN, disconnect.
        case disconnect = 10
        /// AB, abort.
        case abort = 25
        /// AA, abort accept.
        case abortAccept = 26
        /// GT + DT: data transfer (GIVE-TOKENS is code 1, DATA TRANSFER is code 1 too).
        case data = 1
        /// NF, not finished.
        case notFinished = 8
    }

    /// The SPDU type.
    public var kind: Kind
    /// The range of the user data (presentation PPDU) in the decoded bytes.
    public var userData: Range<Int>
    /// The calling session selector, for CN.
    public var callingSelector: [UInt8]?
    /// The called session selector, for CN.
    public var calledSelector: [UInt8]?

    /// The prefix of every data transfer: GIVE-TOKENS (no parameters) then DATA TRANSFER (no parameters).
    public static let dataPrefix: [UInt8] = [0x01, 0x00, 0x01, 0x00]

    /// Encodes a length indicator (ISO 8327-1 §8.2.5): one octet below 255, else 0xFF and two octets.
    static func lengthOctets(_ length: Int) -> [UInt8] {
        length < 255 ? [UInt8(length)] : [0xFF, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
    }

    static func parameter(_ code: UInt8, _ value: [UInt8]) -> [UInt8] { [code] + lengthOctets(value.count) + value }

    /// A CN SPDU carrying `userData` (a presentation CP PPDU).
    public static func encodeConnect(userData: [UInt8], callingSelector: [UInt8] = [0, 1], calledSelector: [UInt8] = [0, 1]) -> [UInt8] {
        var body: [UInt8] = []
        // Connect/Accept Item: protocol options 0, version 2 (ISO 8327-1 §8.3.1.5).
        body += parameter(0x05, parameter(0x13, [0x00]) + parameter(0x16, [0x02]))
        body += parameter(0x14, [0x00, 0x02])  // session user requirements: duplex
        body += parameter(0x33, callingSelector)
        body += parameter(0x34, calledSelector)
        body += parameter(0xC1, userData)
        return [Kind.connect.rawValue] + lengthOctets(body.count) + body
    }

    /// An AC SPDU carrying `userData` (a presentation CPA PPDU).
    public static func encodeAccept(userData: [UInt8], respondingSelector: [UInt8]? = nil) -> [UInt8] {
        var body: [UInt8] = []
        body += parameter(0x05, parameter(0x13, [0x00]) + parameter(0x16, [0x02]))
        body += parameter(0x14, [0x00, 0x02])
        if let respondingSelector { body += parameter(0x34, respondingSelector) }
        body += parameter(0xC1, userData)
        return [Kind.accept.rawValue] + lengthOctets(body.count) + body
    }

    /// An SPDU with only user data (FN, DN, AB, RF) or none.
    public static func encode(_ kind: Kind, userData: [UInt8]?) -> [UInt8] {
        var body: [UInt8] = []
        if kind == .finish || kind == .abort { body += parameter(0x11, [0x03]) }  // transport disconnect: release
        if kind == .refuse { body += parameter(0x32, [0x00]) }  // reason: rejection by the called SS-user
        if let userData { body += parameter(0xC1, userData) }
        return [kind.rawValue] + lengthOctets(body.count) + body
    }

    /// Decodes the SPDU(s) at `range` of `bytes` (a transport SDU).
    public static func decode(_ bytes: [UInt8], range: Range<Int>) throws(MMSCodecError) -> SessionSPDU {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count, range.count >= 2 else {
            throw MMSCodecError(.truncated, "session SPDU shorter than 2 octets")
        }
        var index = range.lowerBound
        let si = bytes[index]
        // GIVE-TOKENS followed by DATA TRANSFER (or DATA TRANSFER alone).
        if si == 0x01 {
            var (length, next) = try readLength(bytes, at: index + 1, end: range.upperBound)
            guard length == 0 else { throw MMSCodecError(.unsupported, "session GT/DT with parameters") }
            index = next
            if index < range.upperBound, bytes[index] == 0x01 {
                (length, next) = try readLength(bytes, at: index + 1, end: range.upperBound)
                index = next + length
                guard index <= range.upperBound else { throw MMSCodecError(.truncated, "session DT parameters end early") }
            }
            return SessionSPDU(kind: .data, userData: index..<range.upperBound)
        }
        guard let kind = Kind(rawValue: si) else {
            throw MMSCodecError(.unsupported, "session SPDU type \(si)")
        }
        let (length, start) = try readLength(bytes, at: index + 1, end: range.upperBound)
        let end = start + length
        guard end <= range.upperBound else { throw MMSCodecError(.truncated, "session SPDU announces \(length) octets") }
        var spdu = SessionSPDU(kind: kind, userData: end..<end)
        try parseParameters(bytes, start..<end, into: &spdu, depth: 0)
        return spdu
    }

    private static func parseParameters(_ bytes: [UInt8], _ range: Range<Int>, into spdu: inout SessionSPDU, depth: Int) throws(MMSCodecError) {
        var index = range.lowerBound
        while index < range.upperBound {
            let code = bytes[index]
            let (length, valueStart) = try readLength(bytes, at: index + 1, end: range.upperBound)
            let valueEnd = valueStart + length
            guard valueEnd <= range.upperBound else { throw MMSCodecError(.truncated, "session parameter \(code) ends early") }
            switch code {
            case 0xC1, 0xC2: spdu.userData = valueStart..<valueEnd  // user data / extended user data
            case 0x33: spdu.callingSelector = Array(bytes[valueStart..<valueEnd])
            case 0x34: spdu.calledSelector = Array(bytes[valueStart..<valueEnd])
            case 0x01, 0x05, 0x21:  // parameter groups: one level of nesting only
                if depth == 0 { try parseParameters(bytes, valueStart..<valueEnd, into: &spdu, depth: 1) }
            default: break
            }
            index = valueEnd
        }
    }

    private static func readLength(_ bytes: [UInt8], at index: Int, end: Int) throws(MMSCodecError) -> (Int, Int) {
        guard index < end else { throw MMSCodecError(.truncated, "session length indicator missing") }
        if bytes[index] != 0xFF { return (Int(bytes[index]), index + 1) }
        guard index + 3 <= end else { throw MMSCodecError(.truncated, "session extended length ends early") }
        return (Int(bytes[index + 1]) << 8 | Int(bytes[index + 2]), index + 3)
    }
}
