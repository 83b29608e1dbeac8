// ISO 8073 / X.224 class 0 transport over RFC 1006: the TPDUs used by MMS.

/// The parameters of a COTP CR or CC TPDU (ISO 8073 §13.3/13.4).
@_spi(OSI) public struct COTPConnectParameters: Sendable, Hashable {
    /// DST-REF.
    public var destinationReference: UInt16
    /// SRC-REF.
    public var sourceReference: UInt16
    /// The TPDU size in octets (a power of two, 128…8192), if the parameter was present.
    public var tpduSize: Int?
    /// The calling transport selector.
    public var callingTSelector: [UInt8]?
    /// The called transport selector.
    public var calledTSelector: [UInt8]?

    /// Creates connect parameters.
    public init(destinationReference: UInt16 = 0, sourceReference: UInt16, tpduSize: Int? = 8192,
                callingTSelector: [UInt8]? = [0, 1], calledTSelector: [UInt8]? = [0, 1]) {
        self.destinationReference = destinationReference
        self.sourceReference = sourceReference
        self.tpduSize = tpduSize
        self.callingTSelector = callingTSelector
        self.calledTSelector = calledTSelector
    }
}

/// A COTP TPDU (ISO 8073 class 0).
@_spi(OSI) public enum COTPTPDU: Sendable, Hashable {
    /// CR: connection request.
    case connectionRequest(COTPConnectParameters)
    /// CC: connection confirm.
    case connectionConfirm(COTPConnectParameters)
    /// DT: data; `endOfTSDU` marks the last segment of a transport SDU. `payload` is a range of the decoded bytes.
    case data(endOfTSDU: Bool, payload: Range<Int>)
    /// DR: disconnect request with its reason.
    case disconnectRequest(reason: UInt8)
    /// ER: TPDU error with its reject cause.
    case error(cause: UInt8)

    /// The DT header for a segment.
    public static func dataHeader(endOfTSDU: Bool) -> [UInt8] { [0x02, 0xF0, endOfTSDU ? 0x80 : 0x00] }

    /// The TPDU's encoding (for DT, only the header: the payload follows it).
    public func encodeHeader() -> [UInt8] {
        switch self {
        case .connectionRequest(let p): return Self.encodeConnect(code: 0xE0, p)
        case .connectionConfirm(let p): return Self.encodeConnect(code: 0xD0, p)
        case .data(let eot, _): return Self.dataHeader(endOfTSDU: eot)
        case .disconnectRequest(let reason): return Self.encodeDisconnectRequest(destinationReference: 0, reason: reason)
        case .error(let cause): return [4, 0x70, 0, 0, cause]
        }
    }

    /// A DR TPDU (ISO 8073 §13.5) answering a connection whose CR carried SRC-REF `destinationReference`; reason 1 is
    /// "congestion at TSAP", 2 "session entity not attached to TSAP".
    public static func encodeDisconnectRequest(destinationReference: UInt16, reason: UInt8) -> [UInt8] {
        [6, 0x80, UInt8(destinationReference >> 8), UInt8(destinationReference & 0xFF), 0, 0, reason]
    }

    private static func encodeConnect(code: UInt8, _ p: COTPConnectParameters) -> [UInt8] {
        var body: [UInt8] = [code, UInt8(p.destinationReference >> 8), UInt8(p.destinationReference & 0xFF),
                             UInt8(p.sourceReference >> 8), UInt8(p.sourceReference & 0xFF), 0x00]
        if let size = p.tpduSize { body += [0xC0, 1, sizeCode(size)] }
        if let calling = p.callingTSelector { body += [0xC1, UInt8(calling.count)] + calling }
        if let called = p.calledTSelector { body += [0xC2, UInt8(called.count)] + called }
        return [UInt8(body.count)] + body
    }

    /// The ISO 8073 code for a TPDU size (7 = 128 … 13 = 8192).
    static func sizeCode(_ size: Int) -> UInt8 {
        var code: UInt8 = 7
        while code < 13, (1 << Int(code + 1)) <= size { code += 1 }
        return code
    }

    /// Decodes the TPDU at the start of `range` in `bytes` (the whole TPKT payload).
    public static func decode(_ bytes: [UInt8], range: Range<Int>) throws(MMSCodecError) -> COTPTPDU {
        guard range.count >= 2, range.lowerBound >= 0, range.upperBound <= bytes.count else {
            throw MMSCodecError(.truncated, "COTP TPDU shorter than 2 octets")
        }
        let start = range.lowerBound
        let li = Int(bytes[start])
        guard li >= 1, li + 1 <= range.count else {
            throw MMSCodecError(.invalidLength, "COTP length indicator \(li) does not fit a \(range.count)-octet TPDU")
        }
        let code = bytes[start + 1] & 0xF0
        let headerEnd = start + 1 + li
        switch code {
        case 0xF0:
            guard li >= 2 else { throw MMSCodecError(.invalidLength, "COTP DT length indicator \(li) < 2") }
            return .data(endOfTSDU: bytes[start + 2] & 0x80 != 0, payload: headerEnd..<range.upperBound)
        case 0xE0, 0xD0:
            guard li >= 6 else { throw MMSCodecError(.invalidLength, "COTP CR/CC length indicator \(li) < 6") }
            var p = COTPConnectParameters(destinationReference: UInt16(bytes[start + 2]) << 8 | UInt16(bytes[start + 3]),
                                          sourceReference: UInt16(bytes[start + 4]) << 8 | UInt16(bytes[start + 5]),
                                          tpduSize: nil, callingTSelector: nil, calledTSelector: nil)
            let protocolClass = bytes[start + 6] >> 4
            guard protocolClass == 0 else {
                throw MMSCodecError(.unsupported, "COTP class \(protocolClass) requested; only class 0 is supported")
            }
            var index = start + 7
            while index < headerEnd {
                guard index + 2 <= headerEnd else { throw MMSCodecError(.truncated, "COTP parameter header ends early") }
                let code = bytes[index]
                let length = Int(bytes[index + 1])
                guard index + 2 + length <= headerEnd else { throw MMSCodecError(.truncated, "COTP parameter 0x\(String(code, radix: 16)) ends early") }
                let value = Array(bytes[(index + 2)..<(index + 2 + length)])
                switch code {
                case 0xC0:
                    guard length == 1, (7...13).contains(value[0]) else {
                        throw MMSCodecError(.invalidValue, "COTP TPDU size code \(value.first ?? 0)")
                    }
                    p.tpduSize = 1 << Int(value[0])
                case 0xC1: p.callingTSelector = value
                case 0xC2: p.calledTSelector = value
                default: break  // additional options, checksum, preferred size: ignored in class 0
                }
                index += 2 + length
            }
            return code == 0xE0 ? .connectionRequest(p) : .connectionConfirm(p)
        case 0x80:
            return .disconnectRequest(reason: li >= 6 && start + 6 < range.upperBound ? bytes[start + 6] : 0)
        case 0x70:
            return .error(cause: li >= 4 && start + 4 < range.upperBound ? bytes[start + 4] : 0)
        default:
            throw MMSCodecError(.unsupported, "COTP TPDU code 0x\(String(code, radix: 16))")
        }
    }
}

/// Reassembles COTP DT segments into transport SDUs (ISO 8073 §6.3), bounded by a limit.
@_spi(OSI) public struct COTPReassembler: Sendable {
    /// The largest SDU accepted.
    public let maxSDUSize: Int
    private var buffer: [UInt8] = []

    /// Creates a reassembler.
    public init(maxSDUSize: Int) { self.maxSDUSize = maxSDUSize }

    /// Adds one segment; returns the whole SDU when `endOfTSDU` is set.
    public mutating func append(_ bytes: [UInt8], range: Range<Int>, endOfTSDU: Bool) throws(MMSCodecError) -> [UInt8]? {
        guard buffer.count + range.count <= maxSDUSize else {
            let total = buffer.count + range.count
            buffer = []
            throw MMSCodecError(.invalidLength, "COTP reassembly reached \(total) octets, over the limit of \(maxSDUSize)")
        }
        if buffer.isEmpty, endOfTSDU {
            return range == bytes.indices ? bytes : Array(bytes[range])
        }
        buffer.append(contentsOf: bytes[range])
        guard endOfTSDU else { return nil }
        defer { buffer = [] }
        return buffer
    }
}
