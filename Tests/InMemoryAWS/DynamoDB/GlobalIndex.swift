/// An index entry's place within its index partition: the index sort key, then the table key (index keys need not
/// be unique, and the table key keeps the order total and deterministic).
struct IndexSortKey: Comparable {
    let sort: KeyValue?
    let table: PrimaryKey

    static func < (lhs: IndexSortKey, rhs: IndexSortKey) -> Bool {
        switch (lhs.sort, rhs.sort) {
        case (let left?, let right?) where left != right: return left < right
        case (nil, .some): return true
        case (.some, nil): return false
        default: return lhs.table < rhs.table
        }
    }
}

/// A global secondary index: sparse, and eventually consistent. Each table write enqueues the item's new state; the
/// change reaches the index (and queries) once the simulation's clock passes its `visibleAt`, in write order.
final class GlobalIndex {
    let definition: GlobalIndexDefinition
    let tableKey: KeySchema
    let entries = PartitionStore<IndexSortKey>()
    /// Where each table item sits in the index now, to take it out when it changes.
    private var locations: [PrimaryKey: (partition: KeyValue, sort: IndexSortKey)] = [:]
    private var pending: [(visibleAt: Int, key: PrimaryKey, item: Item?)] = []
    private var pendingStart = 0

    init(definition: GlobalIndexDefinition, tableKey: KeySchema) {
        self.definition = definition
        self.tableKey = tableKey
    }

    var name: String { definition.name }
    var keySchema: KeySchema { definition.key }
    var pendingCount: Int { pending.count - pendingStart }

    /// Queues the table item's new state (nil: deleted) to reach the index at `visibleAt`.
    func enqueue(_ item: Item?, at key: PrimaryKey, visibleAt: Int) {
        pending.append((visibleAt, key, item))
    }

    /// Applies, in order, every queued change visible at `now`.
    func apply(until now: Int) {
        while pendingStart < pending.count, pending[pendingStart].visibleAt <= now {
            let change = pending[pendingStart]
            pendingStart += 1
            place(change.item, at: change.key)
        }
        if pendingStart > 1024 && pendingStart * 2 > pending.count {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
    }

    private func place(_ item: Item?, at key: PrimaryKey) {
        if let old = locations.removeValue(forKey: key) {
            entries.set(nil, partition: old.partition, sort: old.sort)
        }
        guard let item, let partition = Self.keyValue(item, keySchema.partition) else { return }
        var sort: KeyValue?
        if let sortAttribute = keySchema.sort {
            guard let value = Self.keyValue(item, sortAttribute) else { return }
            sort = value
        }
        let place = IndexSortKey(sort: sort, table: key)
        entries.set(projected(item), partition: partition, sort: place)
        locations[key] = (partition, place)
    }

    /// The item's value for an index key attribute when present and of the declared type (else: not indexed).
    private static func keyValue(_ item: Item, _ attribute: KeyAttribute) -> KeyValue? {
        guard let value = item[attribute.name].flatMap(KeyValue.init), value.type == attribute.type else { return nil }
        return value
    }

    /// The attributes the index copies.
    func projected(_ item: Item) -> Item {
        guard let extra = projectedNonKeyAttributes else { return item }
        var output: Item = [:]
        for name in tableKey.names + keySchema.names + extra { output[name] = item[name] }
        return output
    }

    /// nil for ALL; else the non-key attributes projected.
    var projectedNonKeyAttributes: [String]? {
        switch definition.projection {
        case .all: return nil
        case .keysOnly: return []
        case .include(let names): return names
        }
    }
}
