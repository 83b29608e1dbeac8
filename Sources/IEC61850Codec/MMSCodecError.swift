// Errors raised while decoding bytes from the wire. Every decoder in this module throws only this type.

/// A decoding failure: the bytes from the peer are not a valid PDU of the expected layer.
///
/// Every malformed-input path of the codecs ends here (never in a trap); `code` says which rule was
/// broken, `message` says where.
public struct MMSCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of malformation.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// Fewer bytes than a header or length announces.
        public static let truncated = Code("truncated")
        /// A length that does not fit what contains it, or exceeds a configured limit.
        public static let invalidLength = Code("invalid length")
        /// An indefinite length where the rules require a definite one.
        public static let indefiniteLengthNotAllowed = Code("indefinite length not allowed")
        /// Nesting deeper than the configured limit.
        public static let nestingTooDeep = Code("nesting too deep")
        /// A tag that is not valid at this place.
        public static let unexpectedTag = Code("unexpected tag")
        /// An integer longer than the target type.
        public static let integerOverflow = Code("integer overflow")
        /// A value whose content violates its type (e.g. a float with a bad exponent width).
        public static let invalidValue = Code("invalid value")
        /// A required element is missing.
        public static let missingElement = Code("missing element")
        /// A PDU of a kind that this layer does not support.
        public static let unsupported = Code("unsupported")
        /// The protocol rules of a lower layer (TPKT, COTP, Session, Presentation, ACSE) were broken.
        public static let protocolViolation = Code("protocol violation")
        /// A readable name for the code.
        public var description: String { name }
    }

    /// What was wrong.
    public var code: Code
    /// Where, in words.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// Compares codes only.
    public static func == (lhs: MMSCodecError, rhs: MMSCodecError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
