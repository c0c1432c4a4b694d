/// Where a partition sits in scan order: by a stable hash of its key (as DynamoDB spreads partitions), then by the
/// key itself. Parallel-scan segments are contiguous ranges of this order.
struct ScanPosition: Comparable {
    let hash: UInt64
    let partition: KeyValue

    init(_ partition: KeyValue) {
        self.partition = partition
        hash = partition.stableHash
    }

    static func < (lhs: ScanPosition, rhs: ScanPosition) -> Bool {
        lhs.hash != rhs.hash ? lhs.hash < rhs.hash : lhs.partition < rhs.partition
    }

    /// The segment (of `total`) a parallel scan gives this partition to.
    func segment(of total: Int) -> Int {
        Int((hash >> 32) * UInt64(total) >> 32)
    }
}

/// Items by partition, each partition ordered by its sort key: the layout of a table (`SortKey` is the item's sort
/// key) and of a global index (`SortKey` is the index sort key and then the table key, since index keys repeat).
/// A query touches one partition; only a scan walks them all, in `ScanPosition` order.
final class PartitionStore<SortKey: Comparable> {
    private(set) var partitions: [KeyValue: SortedEntries<SortKey, Item>] = [:]
    private var order = SortedEntries<ScanPosition, Void>()
    private(set) var count = 0

    func item(partition: KeyValue, sort: SortKey) -> Item? {
        partitions[partition]?.value(for: sort)
    }

    /// Stores `item` (nil removes); returns the item it replaced.
    @discardableResult
    func set(_ item: Item?, partition: KeyValue, sort: SortKey) -> Item? {
        guard let item else {
            // Taken out of the dictionary so the arrays are uniquely referenced and change in place.
            guard var entries = partitions.removeValue(forKey: partition) else { return nil }
            guard let old = entries.remove(sort) else {
                partitions[partition] = entries
                return nil
            }
            count -= 1
            if entries.isEmpty {
                partitions[partition] = nil
                order.remove(ScanPosition(partition))
            } else {
                partitions[partition] = entries
            }
            return old
        }
        var entries = partitions.removeValue(forKey: partition) ?? SortedEntries()
        if entries.isEmpty { order.set((), for: ScanPosition(partition)) }
        let old = entries.set(item, for: sort)
        partitions[partition] = entries
        if old == nil { count += 1 }
        return old
    }

    /// Every entry in scan order.
    var all: [(partition: KeyValue, sort: SortKey, item: Item)] {
        var output: [(partition: KeyValue, sort: SortKey, item: Item)] = []
        output.reserveCapacity(count)
        scan(after: nil, segment: nil) { partition, sort, item in
            output.append((partition, sort, item))
            return true
        }
        return output
    }

    /// Visits entries in scan order, from just after `start` (nil: the beginning), within one parallel-scan segment
    /// when given, until `visit` returns false.
    func scan(
        after start: (partition: KeyValue, sort: SortKey)?, segment: (index: Int, total: Int)?,
        visit: (KeyValue, SortKey, Item) -> Bool
    ) {
        var positionIndex = 0
        var resumeAfter: SortKey?
        if let start {
            let position = ScanPosition(start.partition)
            positionIndex = order.partitionPoint { $0 >= position }
            if positionIndex < order.count && order.keys[positionIndex] == position { resumeAfter = start.sort }
        } else if let segment {
            positionIndex = order.partitionPoint { $0.segment(of: segment.total) >= segment.index }
        }
        while positionIndex < order.count {
            let position = order.keys[positionIndex]
            if let segment, position.segment(of: segment.total) != segment.index {
                if position.segment(of: segment.total) > segment.index { return }
                positionIndex += 1
                continue
            }
            guard let entries = partitions[position.partition] else { return }
            var entryIndex = resumeAfter.map { after in entries.partitionPoint { $0 > after } } ?? 0
            resumeAfter = nil
            while entryIndex < entries.count {
                guard visit(position.partition, entries.keys[entryIndex], entries.values[entryIndex]) else { return }
                entryIndex += 1
            }
            positionIndex += 1
        }
    }
}
