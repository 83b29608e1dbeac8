// The code of an error family that can grow: a name, compared with `==`, instead of an enum case.

/// What kind of failure an error of `Family` is (``MMSError``, ``IEC61850Error``…). Each family declares its codes as
/// static members; new codes can be added without breaking code that compares them (match the ones you handle and keep
/// a default).
public struct ErrorCode<Family>: Sendable, Hashable, CustomStringConvertible {
    /// The code's name, e.g. `request-timeout`.
    public let name: String

    /// A code called `name` (families declare theirs as static members).
    package init(_ name: String) { self.name = name }

    /// The name.
    public var description: String { name }
}
