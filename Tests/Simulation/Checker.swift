import ConsumptionCore
import ConsumptionTable
import JSON

/// Holds the table, the index and the queues at quiescence against the oracle; every difference is a mismatch
/// named plainly enough to debug from.
struct Checker {
    /// A version's ledger entry, by the key (its bytes) and VersionId it names.
    struct LedgerName: Hashable, Comparable {
        var key: String
        var versionID: String

        static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.key.utf8.elementsEqual(rhs.key.utf8) && lhs.versionID == rhs.versionID
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(Array(key.utf8))
            hasher.combine(versionID)
        }

        static func < (lhs: Self, rhs: Self) -> Bool {
            lhs.key.utf8.elementsEqual(rhs.key.utf8)
                ? lhs.versionID < rhs.versionID : lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8)
        }
    }

    let oracle: Oracle
    let tableItems: [JSONValue]
    let indexItems: [JSONValue]
    /// The analytics layer's files (`World.analyticsFiles`).
    let analyticsFiles: [String: [UInt8]]

    func mismatches() -> [String] {
        var found: [String] = []
        var seen = Set<MeterDayName>()
        var sums: [String: (thousandths: Int, meters: Int)] = [:]
        var sources: [SourceItem] = []
        var ledger: [LedgerName: String] = [:]
        var versionsByTag: [String: (name: LedgerName, entry: LedgerItem)] = [:]
        var readings: [VersionIdentity] = []
        var pageTags: [String] = []
        for item in tableItems {
            let pk = AttributeValues.string(item, "pk") ?? ""
            if let meterDay = MeterDayItem(item: item) {
                let name = MeterDayName(tenant: meterDay.tenant, meter: meterDay.meter, date: meterDay.date.description)
                let expected = oracle.owners[name]
                let actual = meterDay.counting.map {
                    Oracle.Owner(
                        key: $0.version.key, versionID: $0.version.versionID ?? "",
                        thousandths: Self.thousandths($0.value))
                }
                if actual != expected {
                    found.append(
                        "meter-day \(name): table says \(actual.map(String.init(describing:)) ?? "nothing"), "
                            + "oracle \(expected.map(String.init(describing:)) ?? "nothing")")
                }
                if meterDay.isRecomputing { found.append("meter-day \(name): a recompute is still pending") }
                seen.insert(name)
            } else if pk.hasSuffix("#TOTALS"), let sum = DaySumItem(item: item) {
                let tenant = pk.dropFirst(2).split(separator: "#").first.map(String.init) ?? ""
                let day = "\(tenant)/\(sum.date)"
                sums[day, default: (0, 0)].thousandths += Self.thousandths(sum.total)
                sums[day, default: (0, 0)].meters += sum.meters
            } else if pk.hasSuffix("#SOURCE"), let source = SourceItem(item: item) {
                sources.append(source)
            } else if pk.hasSuffix("#LEDGER"), case let entry = LedgerItem(item: item), let key = entry.key,
                let version = entry.versionID
            {
                ledger[LedgerName(key: key, versionID: version)] = entry.status?.rawValue ?? "none"
                if let tag = entry.tag { versionsByTag[tag] = (LedgerName(key: key, versionID: version), entry) }
            } else if AttributeValues.string(item, "sk")?.hasPrefix("R#") == true, let reading = ReadingItem(item: item)
            {
                readings.append(reading.version)
            } else if pk.split(separator: "#").dropFirst(2).first == "V" {
                pageTags.append(String(pk.split(separator: "#").dropLast().last ?? ""))
            } else if pk.hasSuffix("#SETTLE") {
                found.append("a settle job is left: \(AttributeValues.string(item, "sk") ?? "")")
            }
        }
        for name in Set(oracle.owners.keys).subtracting(seen).sorted() {
            found.append(
                "meter-day \(name): no item, oracle \(oracle.owners[name].map(String.init(describing:)) ?? "")")
        }
        for (day, expected) in oracle.dayTotals where sums[day].map({ $0 != expected }) ?? true {
            let actual = sums[day] ?? (0, 0)
            found.append(
                "day \(day): sums say \(MeterFile.decimal(actual.thousandths)) over \(actual.meters) meters, "
                    + "oracle \(MeterFile.decimal(expected.thousandths)) over \(expected.meters)")
        }
        for (day, actual) in sums where oracle.dayTotals[day] == nil && (actual.thousandths != 0 || actual.meters != 0)
        {
            found.append(
                "day \(day): sums say \(MeterFile.decimal(actual.thousandths)) over \(actual.meters) meters, oracle nothing"
            )
        }
        for source in sources where source.hasPendingWork {
            found.append(
                "source \(source.key): work still pending (offered \(source.offered.map(String.init) ?? "-"), "
                    + "retiring \(source.retiring.count))")
        }
        var counted = Set<String>()
        for source in sources {
            let actual = source.counting?.identity.versionID
            counted.insert(source.key)
            if actual != oracle.counting[source.key] {
                found.append(
                    "source \(source.key): counts \(actual ?? "nothing"), oracle \(oracle.counting[source.key] ?? "nothing")"
                )
            }
        }
        for key in Set(oracle.counting.keys).subtracting(counted).sorted() {
            found.append("source \(key): no item, oracle counts \(oracle.counting[key] ?? "")")
        }
        for (version, actual) in ledger.sorted(by: { $0.key < $1.key }) {
            let expected = oracle.ledgerStatuses(key: version.key, versionID: version.versionID)
            if !expected.contains(actual) {
                found.append(
                    "ledger \(version.key)@\(version.versionID): \(actual), oracle \(expected.sorted().joined(separator: " or "))"
                )
            }
        }
        for (key, expected) in oracle.newestStatus {
            let actual = ledger[LedgerName(key: key, versionID: expected.versionID)] ?? "no entry"
            if actual != expected.status {
                found.append("ledger \(key)@\(expected.versionID): \(actual), oracle \(expected.status)")
            }
        }
        found += purgeMismatches(readings: readings, pageTags: pageTags, versionsByTag: versionsByTag)
        found += indexMismatches()
        found += analyticsMismatches()
        return found
    }

    /// Nothing is kept of a version S3 removed: none of its pages, and none of its readings once its counts were
    /// recorded (an attempt that died mid-write leaves readings on no page, which no purge can reach:
    /// docs/limits.md).
    private func purgeMismatches(
        readings: [VersionIdentity], pageTags: [String],
        versionsByTag: [String: (name: LedgerName, entry: LedgerItem)]
    ) -> [String] {
        var found: [String] = []
        func removed(_ name: LedgerName) -> Bool { oracle.held[name.key]?.contains(name.versionID) != true }
        for tag in Set(pageTags).sorted() {
            guard let version = versionsByTag[tag] else {
                found.append("a page of version tag \(tag), which the ledger does not hold")
                continue
            }
            if removed(version.name) {
                found.append("a page of \(version.name.key)@\(version.name.versionID), which S3 removed")
            }
        }
        var reported = Set<String>()
        for reading in readings {
            guard let version = versionsByTag[reading.tag], removed(version.name), version.entry.meterDays != nil,
                reported.insert(reading.tag).inserted
            else { continue }
            found.append("a reading of \(version.name.key)@\(version.name.versionID), which S3 removed")
        }
        return found
    }

    /// The DayMeters index holds exactly the counting meter-days, each under its day's sum shard.
    private func indexMismatches() -> [String] {
        var found: [String] = []
        var indexed = Set<MeterDayName>()
        for entry in indexItems {
            guard let meterDay = MeterDayItem(item: entry), let counting = meterDay.counting else {
                found.append("index entry without a reading: \(entry.serialized.prefix(200))")
                continue
            }
            let name = MeterDayName(tenant: meterDay.tenant, meter: meterDay.meter, date: meterDay.date.description)
            indexed.insert(name)
            if oracle.owners[name]?.thousandths != Self.thousandths(counting.value) {
                found.append(
                    "index \(name): \(MeterFile.decimal(Self.thousandths(counting.value))), oracle "
                        + "\(oracle.owners[name].map(String.init(describing:)) ?? "nothing")")
            }
        }
        for name in Set(oracle.owners.keys).subtracting(indexed).sorted() {
            found.append("index \(name): missing")
        }
        return found
    }

    /// The analytics layer holds, for each day on which meter-days count, the day's total and its meter-days as the
    /// oracle has them (the files of `AnalyticsLayout`), and no file for any other day.
    private func analyticsMismatches() -> [String] {
        var found: [String] = []
        var daily: [String: (thousandths: Int, meters: Int)] = [:]
        var owners: [MeterDayName: Oracle.Owner] = [:]
        var meterDayFiles = Set<String>()
        for (key, bytes) in analyticsFiles {
            // <prefix><tenant>/daily/date=<date>/daily.tsv.gz, <prefix><tenant>/meter_days/month=<month>/<date>.tsv.gz
            let parts = key.dropFirst(World.analyticsPrefix.count).split(separator: "/").map(String.init)
            guard parts.count == 4, let rows = Self.rows(bytes), rows.count >= 1 else {
                found.append("analytics \(key): not a gzipped table")
                continue
            }
            let tenant = parts[0]
            switch parts[1] {
            case "daily":
                let day = "\(tenant)/\(parts[2].dropFirst("date=".count))"
                guard rows.count == 2, rows[1].count >= 2, let total = ExactDecimal(rows[1][0]),
                    let meters = Int(rows[1][1])
                else {
                    found.append("analytics \(key): not one row of totals")
                    continue
                }
                daily[day] = (Self.thousandths(total), meters)
            case "meter_days":
                meterDayFiles.insert("\(tenant)/\(parts[3].prefix(10))")
                for row in rows.dropFirst() {
                    guard row.count >= 9, let value = ExactDecimal(row[2]) else {
                        found.append("analytics \(key): a row without its columns: \(row.joined(separator: " "))")
                        continue
                    }
                    owners[MeterDayName(tenant: tenant, meter: row[0], date: row[1])] = Oracle.Owner(
                        key: row[7], versionID: row[8], thousandths: Self.thousandths(value))
                }
            default:
                continue
            }
        }
        let expected = oracle.dayTotals
        for day in Set(expected.keys).union(daily.keys).sorted() {
            let (actual, wanted) = (daily[day], expected[day])
            guard actual?.thousandths != wanted?.thousandths || actual?.meters != wanted?.meters else { continue }
            found.append(
                "analytics day \(day): "
                    + (actual.map { "\(MeterFile.decimal($0.thousandths)) over \($0.meters) meters" } ?? "no file")
                    + ", oracle "
                    + (wanted.map { "\(MeterFile.decimal($0.thousandths)) over \($0.meters)" } ?? "nothing"))
        }
        for day in Set(expected.keys).symmetricDifference(meterDayFiles).sorted() {
            found.append("analytics meter-days of \(day): \(meterDayFiles.contains(day) ? "a file" : "no file")")
        }
        for name in Set(oracle.owners.keys).union(owners.keys).sorted() where owners[name] != oracle.owners[name] {
            found.append(
                "analytics meter-day \(name): \(owners[name].map(String.init(describing:)) ?? "no row"), oracle "
                    + "\(oracle.owners[name].map(String.init(describing:)) ?? "nothing")")
        }
        return found
    }

    /// A gzipped tab-separated file's rows, fields as written (the simulation's keys and meter ids hold nothing
    /// `AnalyticsLayout` escapes); nil when it does not inflate.
    static func rows(_ bytes: [UInt8]) -> [[String]]? {
        var text: [UInt8] = []
        let inflater = GzipInflater(maxOutputBytes: 1 << 30, maxRatio: 1_000_000)
        do throws(GzipInflater.Failure) {
            try bytes.withUnsafeBufferPointer { (input) throws(GzipInflater.Failure) in
                try inflater.inflate(input) { text += $0 }
            }
            try inflater.finish()
        } catch {
            return nil
        }
        return String(decoding: text, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// An exact amount in thousandths (the workload's values have three decimals at most).
    static func thousandths(_ value: ExactDecimal) -> Int {
        value.units % 1000 == 0 ? Int(value.units / 1000) : Int.min
    }
}
