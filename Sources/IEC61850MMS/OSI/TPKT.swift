// RFC 1006 §6: TPKT, the 4-octet header that carries ISO transport over TCP.

/// RFC 1006 TPKT framing: version 3, a reserved octet and a 16-bit length that includes the header.
@_spi(OSI) public enum TPKT {
    /// The header length.
    public static let headerLength = 4
    /// The largest TPKT (RFC 1006 allows 65 535; we keep 4 octets of margin as ISO 8073 class 0 peers do).
    public static let maxPacketLength = 65_531

    /// The header for a payload of `payloadLength` octets.
    public static func header(payloadLength: Int) -> [UInt8] {
        let total = payloadLength + headerLength
        return [3, 0, UInt8(truncatingIfNeeded: total >> 8), UInt8(truncatingIfNeeded: total)]
    }

    /// The packet length a header declares (header included), unchecked.
    public static func declaredLength(lengthHigh: UInt8, lengthLow: UInt8) -> Int { Int(lengthHigh) << 8 | Int(lengthLow) }

    /// Validates a header and returns the packet's total length.
    public static func packetLength(version: UInt8, lengthHigh: UInt8, lengthLow: UInt8) throws(MMSCodecError) -> Int {
        guard version == 3 else { throw MMSCodecError(.protocolViolation, "TPKT version \(version), expected 3") }
        let length = declaredLength(lengthHigh: lengthHigh, lengthLow: lengthLow)
        guard length >= headerLength + 3 else {
            throw MMSCodecError(.invalidLength, "TPKT length \(length) is shorter than a header and a COTP TPDU")
        }
        guard length <= maxPacketLength else {
            throw MMSCodecError(.invalidLength, "TPKT length \(length) exceeds \(maxPacketLength)")
        }
        return length
    }
}
