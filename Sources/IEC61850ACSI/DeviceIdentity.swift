// What MMS Identify tells about a server.

/// Vendor, model and revision of a server (MMS Identify, ISO 9506-2 §10.3).
public struct DeviceIdentity: Sendable, Hashable {
    /// The vendor name.
    public var vendor: String
    /// The model name.
    public var model: String
    /// The revision.
    public var revision: String

    /// Creates an identity.
    public init(vendor: String, model: String, revision: String) {
        self.vendor = vendor
        self.model = model
        self.revision = revision
    }
}
