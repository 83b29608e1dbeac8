// Configuration of an MMS client connection.

/// How an MMS client connection behaves. Every field has a documented default.
public struct MMSConnectionConfiguration: Sendable, Hashable {
    /// Time allowed for TCP connect plus association. Default 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// Time allowed for each confirmed request. Default 10 s.
    public var requestTimeout: Duration = .seconds(10)
    /// Requests we propose to have outstanding at once (the server may lower it). Default 16.
    public var maxOutstanding: Int16 = 16
    /// The largest MMS PDU we accept (proposed in Initiate as `localDetailCalling`). Default 65000.
    public var maxPDUSize: Int32 = 65_000
    /// Structure/array nesting we accept in Data. Default 10.
    public var dataStructureNestingLevel: Int8 = 10
    /// Selectors and AE titles.
    public var association = MMSAssociationParameters()

    /// The defaults.
    public init() {}
}
