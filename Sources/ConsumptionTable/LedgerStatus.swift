/// What became of one object version, as its ledger entry says.
public enum LedgerStatus: String, Sendable, CaseIterable {
    case processing, ingested, rejected, deleted
    /// Under the incoming prefix but in no tenant's folder: kept under the reserved tenant `_unassigned`.
    case unassigned

    /// A verdict no retry changes.
    public var isFinal: Bool { self == .ingested || self == .rejected || self == .unassigned }
}
