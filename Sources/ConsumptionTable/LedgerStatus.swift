/// What became of one object version, as its ledger entry says.
public enum LedgerStatus: String, Sendable, CaseIterable {
    case processing, ingested, rejected, deleted

    /// A verdict no retry changes.
    public var isFinal: Bool { self == .ingested || self == .rejected }
}
