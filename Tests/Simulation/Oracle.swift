/// What the table must say once nothing is pending, worked out from the bucket's final state and what each
/// uploaded version meant, by the rules alone (the product's code is not consulted):
/// - a key counts its newest version if that one is valid; if it is invalid, its newest valid version since its
///   last delete marker; nothing when its newest entry is a delete marker;
/// - a meter-day is owned by the best-ranked counting version holding it: later LastModified (seconds), then the
///   greater key in UTF-8 byte order, then the greater ETag (rule d).
struct Oracle {
    /// One entry of a key's history, newest first, as S3 keeps it at the end of the run.
    struct Entry {
        var versionID: String
        var isDeleteMarker: Bool
        var lastModifiedSeconds: Int
        var eTag: String
        /// What the version meant (nil for a marker, or a version the workload did not upload).
        var file: MeterFile?
    }

    struct Owner: Equatable, CustomStringConvertible {
        var key: String
        var versionID: String
        var thousandths: Int

        var description: String { "\(MeterFile.decimal(thousandths)) from \(key)@\(versionID)" }
    }

    /// The expected owner of every meter-day that any counting version holds.
    private(set) var owners: [MeterDayName: Owner] = [:]
    /// The version each key counts, if any.
    private(set) var counting: [String: String] = [:]
    /// The status each key's newest version must have on the ledger.
    private(set) var newestStatus: [String: (versionID: String, status: String)] = [:]
    /// What each uploaded version meant, by VersionId (S3's are unique across keys), S3 holding it still or not.
    let uploaded: [String: MeterFile]
    /// The versions S3 holds of each key at the end.
    private(set) var held: [String: Set<String>] = [:]

    init(histories: [String: [Entry]], uploaded: [String: MeterFile], tenantOf: (String) -> String?) {
        self.uploaded = uploaded
        var ranks: [MeterDayName: (seconds: Int, key: [UInt8], eTag: [UInt8])] = [:]
        for (key, history) in histories {
            held[key] = Set(history.filter { !$0.isDeleteMarker }.map(\.versionID))
            guard let tenant = tenantOf(key), let newest = history.first, !newest.isDeleteMarker else { continue }
            newestStatus[key] = (newest.versionID, newest.file?.invalid == false ? "ingested" : "rejected")
            let valid = history.prefix { !$0.isDeleteMarker }.first { $0.file?.invalid == false }
            guard let version = valid, let totals = version.file?.totals(tenant: tenant) else { continue }
            counting[key] = version.versionID
            let rank = (version.lastModifiedSeconds, Array(key.utf8), Array(version.eTag.utf8))
            for (name, thousandths) in totals {
                if let held = ranks[name], !Self.precedes(held, rank) { continue }
                ranks[name] = rank
                owners[name] = Owner(key: key, versionID: version.versionID, thousandths: thousandths)
            }
        }
    }

    /// The statuses a ledger entry of a key's version may end with, once the ledger has one: `ingested` for the
    /// version the key counts; for any other, `rejected` if it is invalid and was judged so, `deleted` if it stopped
    /// counting or S3 removed it, and `processing` while S3 holds it and no attempt finished it (superseded
    /// first; a restore would take it up again).
    func ledgerStatuses(key: String, versionID: String) -> Set<String> {
        if counting[key] == versionID { return ["ingested"] }
        var statuses: Set<String> = ["deleted"]
        if uploaded[versionID]?.invalid == true { statuses.insert("rejected") }
        if held[key]?.contains(versionID) == true { statuses.insert("processing") }
        return statuses
    }

    /// The expected day totals: per tenant and date, the sum of the owned meter-days and how many there are.
    var dayTotals: [String: (thousandths: Int, meters: Int)] {
        var totals: [String: (thousandths: Int, meters: Int)] = [:]
        for (name, owner) in owners {
            let day = "\(name.tenant)/\(name.date)"
            totals[day, default: (0, 0)].thousandths += owner.thousandths
            totals[day, default: (0, 0)].meters += 1
        }
        return totals
    }

    private static func precedes(
        _ lhs: (seconds: Int, key: [UInt8], eTag: [UInt8]), _ rhs: (seconds: Int, key: [UInt8], eTag: [UInt8])
    ) -> Bool {
        if lhs.seconds != rhs.seconds { return lhs.seconds < rhs.seconds }
        if lhs.key != rhs.key { return lhs.key.lexicographicallyPrecedes(rhs.key) }
        return lhs.eTag.lexicographicallyPrecedes(rhs.eTag)
    }
}
