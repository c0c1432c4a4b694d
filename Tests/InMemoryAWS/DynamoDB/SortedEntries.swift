/// Values kept in key order in two parallel arrays: a lookup is a binary search, an insert or removal a binary search
/// and one move of the tail (a `memmove` of small elements, far from a scan or sort of the partition).
struct SortedEntries<Key: Comparable, Value> {
    private(set) var keys: [Key] = []
    private(set) var values: [Value] = []

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    /// The first position whose key satisfies `predicate`, which must be false for a prefix of the keys and true
    /// after it (`count` when none does).
    func partitionPoint(_ predicate: (Key) -> Bool) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if predicate(keys[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private func position(of key: Key) -> (index: Int, found: Bool) {
        let index = partitionPoint { $0 >= key }
        return (index, index < keys.count && keys[index] == key)
    }

    func value(for key: Key) -> Value? {
        let (index, found) = position(of: key)
        return found ? values[index] : nil
    }

    /// Stores `value` under `key`; returns the value it replaced.
    @discardableResult
    mutating func set(_ value: Value, for key: Key) -> Value? {
        let (index, found) = position(of: key)
        if found {
            let old = values[index]
            values[index] = value
            return old
        }
        keys.insert(key, at: index)
        values.insert(value, at: index)
        return nil
    }

    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        let (index, found) = position(of: key)
        guard found else { return nil }
        keys.remove(at: index)
        return values.remove(at: index)
    }
}
