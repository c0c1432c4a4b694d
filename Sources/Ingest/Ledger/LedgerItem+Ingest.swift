import ConsumptionTable

/// A ledger item in ingest's own types: the version it is about, and the counts its file was found to have.
extension LedgerItem {
    /// What an attempt records of the version when it starts.
    init(version: ObjectVersion) {
        self.init()
        key = version.key
        tag = version.tag
        versionID = version.versionID
        eTag = version.eTag
        lastModified = version.lastModified
        size = version.size
    }

    /// The version the item is about (nil before its first attempt).
    var version: ObjectVersion? {
        guard let key, let eTag, let lastModified, let size else { return nil }
        return ObjectVersion(key: key, versionID: versionID, eTag: eTag, lastModified: lastModified, size: size)
    }

    /// The counts recorded once the file was read in full.
    var stats: FileStats? { FileStats(ledger: self) }
}
