// Application hooks: decide about client writes and reads, synchronously or asynchronously.

/// A client's write of one attribute or structure, as seen by an ``IEDServer/onWrite(_:_:)`` handler.
public struct WriteRequest: Sendable, Hashable {
    /// The object written.
    public var reference: ObjectReference
    /// Its functional constraint.
    public var fc: FunctionalConstraint
    /// The value the client sent (already checked against the attribute's type).
    public var value: MMSValue
}

/// What the server does with a write.
public enum WriteDecision: Sendable, Hashable {
    /// Accept and store the value: later reads return it.
    case accept
    /// Accept without storing (the application applies it elsewhere and updates the model when it wants).
    case acceptWithoutStoring
    /// Refuse with this DataAccessError (e.g. `.objectValueInvalid`, `.temporarilyUnavailable`).
    case reject(DataAccessError)
}

/// A client's read of one object, as seen by an ``IEDServer/onRead(_:_:)`` handler.
public struct ReadRequest: Sendable, Hashable {
    /// The object read.
    public var reference: ObjectReference
    /// Its functional constraint.
    public var fc: FunctionalConstraint
    /// The value the model holds now.
    public var current: MMSValue
}

/// What the server answers to a read.
public enum ReadDecision: Sendable, Hashable {
    /// Answer with the model's value.
    case current
    /// Answer with this value (it must have the object's type) and store it.
    case value(MMSValue)
    /// Refuse with this DataAccessError.
    case reject(DataAccessError)
}

/// A write handler with the references it applies to.
struct WriteHook: Sendable {
    let prefix: ObjectReference?
    let handler: @Sendable (WriteRequest) async -> WriteDecision
}

/// A read handler with the references it applies to.
struct ReadHook: Sendable {
    let prefix: ObjectReference?
    let handler: @Sendable (ReadRequest) async -> ReadDecision
}

extension ObjectReference {
    /// Whether `self` names `other` or something inside it (same LD and LN, path prefix).
    func contains(_ other: ObjectReference) -> Bool {
        logicalDevice == other.logicalDevice
            && (logicalNode.isEmpty || logicalNode == other.logicalNode)
            && other.path.starts(with: path)
    }
}
