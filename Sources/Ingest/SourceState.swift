import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON

/// What the table says about one key: which version of it counts now, where that version's readings are, and
/// what is left to tidy after versions that stopped counting. Readings only count when their version is the one
/// named here, so switching this item is what makes a new version count and an old one stop, all at once.
struct SourceState: Equatable {
    /// The tag of the version that counts; nil when none does (deleted, or never ingested).
    var version: String?
    var versionID: String?
    var eTag: String?
    var lastModified: Int?
    /// Where the counting version has readings.
    var buckets = DayBuckets()
    /// Where versions that stopped counting had readings, until their sums are recomputed.
    var staleBuckets = DayBuckets()
    /// Tags of versions that stopped counting whose readings are still to be deleted.
    var staleVersions: [String] = []
    /// Bumped by every switch: the optimistic lock that keeps concurrent switches from losing each other's
    /// stale work.
    var switchCount = 0
    /// How many of this switch's bucket recomputes (`pairsToRecompute`, in order) are done: a recompute cut short by
    /// the deadline resumes after them instead of starting over, so it always gets further.
    var recomputedPairs = 0

    var hasStaleWork: Bool { !staleBuckets.isEmpty || !staleVersions.isEmpty }

    /// Every bucket whose sum this switch may have changed, in a fixed order.
    var pairsToRecompute: [(date: CalendarDate, bucket: Int)] {
        var all = buckets
        all.formUnion(staleBuckets)
        return all.pairs
    }

    init() {}

    init?(item: JSONValue) {
        switchCount = AttributeValues.integer(item, "switchCount") ?? 0
        recomputedPairs = AttributeValues.integer(item, "recomputedPairs") ?? 0
        version = AttributeValues.string(item, "version")
        versionID = AttributeValues.string(item, "versionId")
        eTag = AttributeValues.string(item, "eTag")
        lastModified = AttributeValues.integer(item, "lastModified")
        guard let buckets = DayBuckets(encoded: AttributeValues.string(item, "buckets") ?? ""),
            let stale = DayBuckets(encoded: AttributeValues.string(item, "staleBuckets") ?? "")
        else { return nil }
        self.buckets = buckets
        staleBuckets = stale
        staleVersions = (AttributeValues.string(item, "staleVersions") ?? "").split(separator: ",").map(String.init)
    }

    /// The state after `next` (nil: no version) starts counting with readings in `nextBuckets`.
    func switched(to next: ObjectVersion?, tag: String?, buckets nextBuckets: DayBuckets) -> SourceState {
        var state = SourceState()
        state.version = tag
        state.versionID = next?.versionID
        state.eTag = next?.eTag
        state.lastModified = next?.lastModified
        state.buckets = nextBuckets
        state.staleBuckets = staleBuckets
        state.staleVersions = staleVersions.filter { $0 != tag }
        if let old = version, old != tag {
            state.staleBuckets.formUnion(buckets)
            if !state.staleVersions.contains(old) { state.staleVersions.append(old) }
        }
        state.switchCount = switchCount + 1
        return state
    }

    func item(tenant: String, key: String, updatedAt: String) -> JSONValue {
        var item: [String: JSONValue] = [
            "pk": AttributeValues.string(TableKeys.sourcePartition(tenant: tenant)),
            "sk": AttributeValues.string(key),
            "switchCount": AttributeValues.number(switchCount),
            "recomputedPairs": AttributeValues.number(recomputedPairs),
            "updatedAt": AttributeValues.string(updatedAt),
        ]
        if let version { item["version"] = AttributeValues.string(version) }
        if let versionID { item["versionId"] = AttributeValues.string(versionID) }
        if let eTag { item["eTag"] = AttributeValues.string(eTag) }
        if let lastModified { item["lastModified"] = AttributeValues.number(lastModified) }
        // DynamoDB refuses empty strings in key attributes only, but leaving them out keeps items small.
        if !buckets.isEmpty { item["buckets"] = AttributeValues.string(buckets.encoded) }
        if !staleBuckets.isEmpty { item["staleBuckets"] = AttributeValues.string(staleBuckets.encoded) }
        if !staleVersions.isEmpty {
            item["staleVersions"] = AttributeValues.string(staleVersions.joined(separator: ","))
        }
        return .object(item)
    }
}
