/// One bucket's objects: each key's history newest first (index 0 is current), as S3 keeps it with versioning
/// on; without versioning a key has at most one entry, whose version id is `null`.
final class S3Bucket {
    let name: String
    let isVersioned: Bool
    var notificationRules: [S3NotificationRule] = []
    private(set) var histories: [String: [S3ObjectVersion]] = [:]

    init(name: String, isVersioned: Bool) {
        self.name = name
        self.isVersioned = isVersioned
    }

    /// Keys in S3's listing order: by their UTF-8 bytes, not by Swift's `String` comparison.
    var sortedKeys: [String] {
        histories.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func history(of key: String) -> [S3ObjectVersion] {
        histories[key] ?? []
    }

    /// The current entry, which may be a delete marker.
    func current(_ key: String) -> S3ObjectVersion? {
        histories[key]?.first
    }

    /// The current entry when it is an object, not a delete marker: what a GET without a version id reads.
    func liveObject(_ key: String) -> S3ObjectVersion? {
        current(key).flatMap { $0.isDeleteMarker ? nil : $0 }
    }

    func version(_ key: String, _ versionID: String) -> S3ObjectVersion? {
        histories[key]?.first { $0.versionID == versionID }
    }

    /// Puts `entry` on top; the previous current entry becomes noncurrent now (or, without versioning, is gone).
    func push(_ entry: S3ObjectVersion, at nowMilliseconds: Int) {
        guard isVersioned else {
            histories[entry.key] = [entry]
            return
        }
        var history = histories[entry.key] ?? []
        if !history.isEmpty { history[0].noncurrentSinceMilliseconds = nowMilliseconds }
        history.insert(entry, at: 0)
        histories[entry.key] = history
    }

    /// Removes one entry for good; if it was current, the next newest becomes current again. Nil if there was none.
    func remove(_ key: String, versionID: String) -> S3ObjectVersion? {
        guard var history = histories[key], let index = history.firstIndex(where: { $0.versionID == versionID })
        else { return nil }
        let removed = history.remove(at: index)
        if index == 0, !history.isEmpty { history[0].noncurrentSinceMilliseconds = nil }
        histories[key] = history.isEmpty ? nil : history
        return removed
    }

    /// Lifecycle's NoncurrentVersionExpiration: versions noncurrent for at least `age` are removed. Delete markers
    /// are left, as that action names versions; the current entry is never touched. Returns how many went.
    /// Removes the versions noncurrent for at least `age`, and returns them.
    func expireNoncurrentVersions(olderThanMilliseconds age: Int, at nowMilliseconds: Int) -> [S3ObjectVersion] {
        var removed: [S3ObjectVersion] = []
        for key in sortedKeys {
            guard let history = histories[key] else { continue }
            var kept: [S3ObjectVersion] = []
            for entry in history {
                if !entry.isDeleteMarker, let since = entry.noncurrentSinceMilliseconds, nowMilliseconds - since >= age
                {
                    removed.append(entry)
                } else {
                    kept.append(entry)
                }
            }
            histories[key] = kept
        }
        return removed
    }
}
