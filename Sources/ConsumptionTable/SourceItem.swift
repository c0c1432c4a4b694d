import JSON

/// What the table says about one object key: which version of it counts now, and the work a switch left to do.
/// Readings count only when their version is the one named here, so switching this item is what makes a new
/// version count and an old one stop, all at once (rule b).
///
/// After a switch, the meter-day items must follow: the new version's meter-days are *offered* (in the order of its
/// pages, `offered` of `counting.meterDays` done), and each version that stopped counting is *retired* (its
/// meter-days recomputed where it was the reading that counted, then its readings deleted). The progress is kept
/// here so a crash or a deadline resumes it; every step of it is idempotent.
public struct SourceItem: Sendable, Equatable {
    public struct CountingVersion: Sendable, Equatable {
        public var identity: VersionIdentity
        /// How many meter-days its pages list (`VersionPage`).
        public var meterDays: Int

        public init(identity: VersionIdentity, meterDays: Int) {
            self.identity = identity
            self.meterDays = meterDays
        }
    }

    /// A version that stopped counting, and how many of its meter-days are retired. `notBefore` (epoch
    /// milliseconds): while the version was still being offered when it stopped counting, its offers may land
    /// until its offering lease ends; retiring it before then could miss them.
    public struct Retiring: Sendable, Equatable {
        public var tag: String
        public var meterDays: Int
        public var done: Int
        public var notBefore: Int
        /// The switch that retired the version: a version restored and then retired again is a new retire, whose
        /// parts (`SettleJob`) owe nothing to the earlier one's.
        public var switchCount: Int

        public init(tag: String, meterDays: Int, done: Int, notBefore: Int = 0, switchCount: Int) {
            self.tag = tag
            self.meterDays = meterDays
            self.done = done
            self.notBefore = notBefore
            self.switchCount = switchCount
        }
    }

    /// How long an offering process may send offers after it last wrote its progress (epoch milliseconds are
    /// compared across processes: Lambda's clocks are NTP-synchronised, far closer than the margins used).
    public static let offeringLeaseMilliseconds = 60_000

    public var key: String
    /// Nil: no version counts (deleted, or never valid).
    public var counting: CountingVersion?
    /// Meter-days of the counting version offered so far; nil once all are.
    public var offered: Int?
    /// Until when (epoch milliseconds) an offer of the counting version may still land: while offers are under way,
    /// the offering lease; once they are done, nil, or a lease from that moment when an offer may still be on its
    /// way (`Attribute.offerers`).
    public var offeringUntil: Int?
    public var retiring: [Retiring] = []
    /// Bumped by every switch: the optimistic lock that keeps concurrent switches from losing each other's work.
    public var switchCount = 0

    public init(key: String) {
        self.key = key
    }

    public var hasPendingWork: Bool { offered != nil || !retiring.isEmpty }

    public enum Attribute {
        public static let meterDays = "meterDays"
        public static let offered = "offered"
        public static let offeringUntil = "offeringUntil"
        /// A string set, written only by the offering's own updates (never by a whole item): the invocations
        /// (Lambda's request ids) that offer the counting version, not in parts, and have not left with every
        /// answer in hand. Each joins before its first offer; the one that finishes the offers ends the lease only
        /// if it is the last one in it, and keeps a lease from then otherwise (another may still be sending).
        public static let offerers = "offerers"
        public static let retiring = "retiring"
        public static let switchCount = "switchCount"
        public static let updatedAt = "updatedAt"
    }

    public static func key(tenant: String, key: String) -> JSONValue {
        TableKeys.key(TableKeys.sourcePartition(tenant: tenant), key)
    }

    /// Nil when the item does not parse.
    public init?(item: JSONValue) {
        guard let key = AttributeValues.string(item, "sk") else { return nil }
        self.key = key
        switchCount = AttributeValues.integer(item, Attribute.switchCount) ?? 0
        offered = AttributeValues.integer(item, Attribute.offered)
        offeringUntil = AttributeValues.integer(item, Attribute.offeringUntil)
        if let identity = VersionIdentity(item: item) {
            counting = CountingVersion(
                identity: identity, meterDays: AttributeValues.integer(item, Attribute.meterDays) ?? 0)
        }
        for entry in (AttributeValues.string(item, Attribute.retiring) ?? "").split(separator: ",") {
            let parts = entry.split(separator: ":")
            guard parts.count == 5, let meterDays = Int(parts[1]), let done = Int(parts[2]),
                let notBefore = Int(parts[3]), let switchCount = Int(parts[4])
            else { return nil }
            retiring.append(
                Retiring(
                    tag: String(parts[0]), meterDays: meterDays, done: done, notBefore: notBefore,
                    switchCount: switchCount))
        }
    }

    public func item(tenant: String, updatedAt: String) -> JSONValue {
        var item = counting?.identity.attributes ?? [:]
        item.merge(Self.key(tenant: tenant, key: key).objectValue ?? [:]) { _, new in new }
        item[Attribute.switchCount] = AttributeValues.number(switchCount)
        item[Attribute.updatedAt] = AttributeValues.string(updatedAt)
        if let counting { item[Attribute.meterDays] = AttributeValues.number(counting.meterDays) }
        if let offered { item[Attribute.offered] = AttributeValues.number(offered) }
        if let offeringUntil { item[Attribute.offeringUntil] = AttributeValues.number(offeringUntil) }
        if !retiring.isEmpty {
            item[Attribute.retiring] = AttributeValues.string(
                retiring.map { "\($0.tag):\($0.meterDays):\($0.done):\($0.notBefore):\($0.switchCount)" }.joined(
                    separator: ","))
        }
        return .object(item)
    }

    /// The item after `next` (nil: no version) starts counting at `now` (epoch milliseconds): the one that
    /// counted until now is retired (once its own offering lease, if any, has ended), and `next` is offered from its
    /// first meter-day.
    public func switched(to next: CountingVersion?, now: Int) -> SourceItem {
        var state = SourceItem(key: key)
        state.counting = next
        state.offered = next == nil ? nil : 0
        state.offeringUntil = next == nil ? nil : now + Self.offeringLeaseMilliseconds
        state.retiring = retiring.filter { $0.tag != next?.identity.tag }
        if let old = counting, old.identity.tag != next?.identity.tag,
            !state.retiring.contains(where: { $0.tag == old.identity.tag })
        {
            // Offerers renew their leases with writes conditioned on the switch count, so every lease given before
            // this switch ends by `now` plus a lease's length (the stored `offeringUntil` may not be the latest:
            // parts of a fanned-out offer renew it concurrently); no lease is given after it. Once the offers are
            // recorded done, none is renewed, and `offeringUntil` bounds what may still land (nil: nothing).
            let notBefore = max(offeringUntil ?? 0, offered == nil ? 0 : now + Self.offeringLeaseMilliseconds)
            state.retiring.append(
                Retiring(
                    tag: old.identity.tag, meterDays: old.meterDays, done: 0, notBefore: notBefore,
                    switchCount: switchCount + 1))
        }
        state.switchCount = switchCount + 1
        return state
    }
}
