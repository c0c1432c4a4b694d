import JSON

/// The settling of a version too large for one invocation, done in parts by whichever invocations take them: its
/// meter-days offered after it starts counting (one job per switch to it), or retired after it stops (one per switch
/// that retires it). A part is `partMeterDays` consecutive meter-days of the version's pages (whole pages: parts share
/// none). The item lives while the work does: the invocation that finds every part done records the step on the
/// source item, then deletes it; one that died between the two, or a step a later switch replaced after its last part,
/// leaves it to the sweep (`MeterDaySettler.sweepJobs`).
public struct SettleJob: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Offering the counting version's meter-days, for the switch `switchCount` of the source item.
        case offer
        /// Retiring a version that stopped counting.
        case retire
    }

    public var kind: Kind
    public var key: String
    public var tag: String
    /// The switch the offers are for, or the switch that retired the version: a step of a switch, once over, is
    /// never pending again (switch counts only grow), so a job left behind is never mistaken for a later one's.
    public var switchCount: Int
    public var meterDays: Int
    public var partMeterDays: Int
    public var done: Set<Int>
    /// Per part not yet done, the position (in the version's pages) its settling has reached: a part cut short by a
    /// deadline or a crash resumes there, so any part finishes in any number of invocations.
    public var progress: [Int: Int] = [:]

    public init(
        kind: Kind, key: String, tag: String, switchCount: Int, meterDays: Int, partMeterDays: Int,
        done: Set<Int> = []
    ) {
        self.kind = kind
        self.key = key
        self.tag = tag
        self.switchCount = switchCount
        self.meterDays = meterDays
        self.partMeterDays = partMeterDays
        self.done = done
    }

    public var parts: Int { (meterDays + partMeterDays - 1) / partMeterDays }
    public var isComplete: Bool { done.count == parts }

    /// The meter-days of part `index`, as positions in the version's pages.
    public func meterDays(of index: Int) -> Range<Int> {
        index * partMeterDays..<min(meterDays, (index + 1) * partMeterDays)
    }

    public static func key(tenant: String, kind: Kind, key: String, tag: String, switchCount: Int) -> JSONValue {
        let sort = "\(prefix(ofKey: key))\(kind.rawValue)#\(tag)#\(switchCount)"
        return TableKeys.key(TableKeys.settlePartition(tenant: tenant), sort)
    }

    public func key(tenant: String) -> JSONValue {
        Self.key(tenant: tenant, kind: kind, key: key, tag: tag, switchCount: switchCount)
    }

    /// What the sort keys of one object key's jobs start with.
    public static func prefix(ofKey key: String) -> String { "\(TableKeys.keyHash(key))#" }

    /// Whether `state` (the job's source item) still has the job's step to do. Once it has not, it never has
    /// again, and the job's item is garbage.
    public func isPending(in state: SourceItem) -> Bool {
        switch kind {
        case .offer:
            state.switchCount == switchCount && state.offered != nil && state.counting?.identity.tag == tag
        case .retire:
            retire(in: state) != nil
        }
    }

    /// The retire a retire job is for, while `state` still has it pending.
    public func retire(in state: SourceItem) -> SourceItem.Retiring? {
        guard kind == .retire else { return nil }
        return state.retiring.first { $0.tag == tag && $0.switchCount == switchCount }
    }

    enum Attribute {
        static let kind = "kind"
        static let objectKey = "objectKey"
        static let tag = "versionTag"
        static let switchCount = "switchCount"
        static let meterDays = "meterDays"
        static let partMeterDays = "partMeterDays"
        static let done = "partsDone"
        static let progressPrefix = "progress"
    }

    /// The attribute that holds part `index`'s progress.
    public static func progressAttribute(part index: Int) -> String { "\(Attribute.progressPrefix)\(index)" }

    /// Where part `index` resumes: its progress, or its first meter-day.
    public func resumePosition(of index: Int) -> Int {
        let range = meterDays(of: index)
        return min(range.upperBound, max(range.lowerBound, progress[index] ?? range.lowerBound))
    }

    /// The attribute that collects the indexes of the parts done (a number set: `ADD` it one index at a time).
    public static let doneAttribute = Attribute.done

    /// Nil when the item does not parse.
    public init?(item: JSONValue) {
        guard let kind = AttributeValues.string(item, Attribute.kind).flatMap(Kind.init(rawValue:)),
            let key = AttributeValues.string(item, Attribute.objectKey),
            let tag = AttributeValues.string(item, Attribute.tag),
            let switchCount = AttributeValues.integer(item, Attribute.switchCount),
            let meterDays = AttributeValues.integer(item, Attribute.meterDays),
            let partMeterDays = AttributeValues.integer(item, Attribute.partMeterDays), partMeterDays > 0
        else { return nil }
        let done = (item[Attribute.done]?["NS"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { Int($0) } }
        self.init(
            kind: kind, key: key, tag: tag, switchCount: switchCount, meterDays: meterDays,
            partMeterDays: partMeterDays, done: Set(done))
        for (name, value) in item.objectValue ?? [:] where name.hasPrefix(Attribute.progressPrefix) {
            guard let part = Int(name.dropFirst(Attribute.progressPrefix.count)),
                let position = value["N"]?.stringValue.flatMap({ Int($0) })
            else { return nil }
            progress[part] = position
        }
    }

    /// The item as first stored, no part done.
    public func item(tenant: String) -> JSONValue {
        var item = key(tenant: tenant).objectValue ?? [:]
        item[Attribute.kind] = AttributeValues.string(kind.rawValue)
        item[Attribute.objectKey] = AttributeValues.string(key)
        item[Attribute.tag] = AttributeValues.string(tag)
        item[Attribute.switchCount] = AttributeValues.number(switchCount)
        item[Attribute.meterDays] = AttributeValues.number(meterDays)
        item[Attribute.partMeterDays] = AttributeValues.number(partMeterDays)
        return .object(item)
    }
}
