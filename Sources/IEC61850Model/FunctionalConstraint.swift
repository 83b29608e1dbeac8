// IEC 61850-7-2 §6.1.2 functional constraints, as used in the IEC 61850-8-1 MMS mapping.

/// A functional constraint (IEC 61850-7-2 Table 18): which view of a data object a service acts on.
/// In the MMS mapping (IEC 61850-8-1) it is the first component of a logical node's named variable.
public struct FunctionalConstraint: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible, CaseIterable {
    /// The two-letter code, e.g. `ST`.
    public let rawValue: String

    /// Creates a functional constraint from its code (upper-cased); `nil` unless it is two letters.
    public init?(rawValue: String) {
        // Two ASCII letters, upper-cased: checked on the octets (this runs for every variable a server looks up).
        var octets = rawValue.utf8.makeIterator()
        guard let first = octets.next(), let second = octets.next(), octets.next() == nil else { return nil }
        func upper(_ octet: UInt8) -> UInt8? {
            switch octet {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): octet
            case UInt8(ascii: "a")...UInt8(ascii: "z"): octet - 0x20
            default: nil
            }
        }
        guard let upperFirst = upper(first), let upperSecond = upper(second) else { return nil }
        self.rawValue = upperFirst == first && upperSecond == second ? rawValue : String(decoding: [upperFirst, upperSecond], as: UTF8.self)
    }

    private init(code: String) { rawValue = code }

    /// Status information.
    public static let ST = FunctionalConstraint(code: "ST")
    /// Measurands (analogue values).
    public static let MX = FunctionalConstraint(code: "MX")
    /// Control.
    public static let CO = FunctionalConstraint(code: "CO")
    /// Configuration.
    public static let CF = FunctionalConstraint(code: "CF")
    /// Description.
    public static let DC = FunctionalConstraint(code: "DC")
    /// Setting (outside setting groups).
    public static let SP = FunctionalConstraint(code: "SP")
    /// Setting group values.
    public static let SG = FunctionalConstraint(code: "SG")
    /// Setting group values being edited.
    public static let SE = FunctionalConstraint(code: "SE")
    /// Substitution.
    public static let SV = FunctionalConstraint(code: "SV")
    /// Extended definition.
    public static let EX = FunctionalConstraint(code: "EX")
    /// Blocking.
    public static let BL = FunctionalConstraint(code: "BL")
    /// Operate received (Ed. 2).
    public static let OR = FunctionalConstraint(code: "OR")
    /// Unbuffered report control blocks.
    public static let RP = FunctionalConstraint(code: "RP")
    /// Buffered report control blocks.
    public static let BR = FunctionalConstraint(code: "BR")
    /// Log control blocks.
    public static let LG = FunctionalConstraint(code: "LG")
    /// GOOSE control blocks.
    public static let GO = FunctionalConstraint(code: "GO")
    /// Multicast sampled value control blocks.
    public static let MS = FunctionalConstraint(code: "MS")
    /// Unicast sampled value control blocks.
    public static let US = FunctionalConstraint(code: "US")
    /// Setting group control block (SGCB lives under SP in 8-1; kept for completeness).
    public static let SR = FunctionalConstraint(code: "SR")

    /// The functional constraints the IEC 61850-8-1 mapping uses as LN components.
    public static let allCases: [FunctionalConstraint] = [
        .ST, .MX, .CO, .CF, .DC, .SP, .SG, .SE, .SV, .EX, .BL, .OR, .RP, .BR, .LG, .GO, .MS, .US, .SR,
    ]

    /// The code.
    public var description: String { rawValue }
}
