// Framing shared by both sides of an association: an MMS PDU as session data transfer, and an SDU as
// COTP DT segments in TPKT packets (RFC 1006, ISO 8073 §6.3).

/// Encodes data-transfer SDUs and splits them into TPKT/COTP frames.
@_spi(OSI) public enum OSIFraming {
    /// Session GIVE-TOKENS + DATA TRANSFER carrying fully-encoded presentation user data with `pdu`
    /// in presentation context `contextID`.
    public static func dataSDU(contextID: Int64, pdu: [UInt8]) -> [UInt8] {
        var writer = BERWriter(capacity: pdu.count + 24)
        writer.appendRaw(SessionSPDU.dataPrefix)
        PresentationPPDU.encodeUserData(contextID: contextID, pdu: pdu, into: &writer)
        return writer.bytes
    }

    /// Splits an SDU into COTP DT segments of at most `tpduSize` octets, each in a TPKT.
    public static func frames(sdu: [UInt8], tpduSize: Int) -> [UInt8] {
        let maxPayload = max(1, min(tpduSize, TPKT.maxPacketLength - TPKT.headerLength) - 3)
        var out: [UInt8] = []
        out.reserveCapacity(sdu.count + (sdu.count / maxPayload + 1) * 7)
        var offset = 0
        repeat {
            let chunk = min(maxPayload, sdu.count - offset)
            let last = offset + chunk >= sdu.count
            out += TPKT.header(payloadLength: chunk + 3)
            out += COTPTPDU.dataHeader(endOfTSDU: last)
            out += sdu[offset..<(offset + chunk)]
            offset += chunk
        } while offset < sdu.count
        return out
    }
}
