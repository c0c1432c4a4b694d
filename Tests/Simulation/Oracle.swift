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

    init(histories: [String: [Entry]], tenantOf: (String) -> String?) {
        var ranks: [MeterDayName: (seconds: Int, key: [UInt8], eTag: [UInt8])] = [:]
        for (key, history) in histories {
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
