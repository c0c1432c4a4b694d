import ConsumptionCore
import ConsumptionTable
import JSON

/// Holds the table, the index and the queues at quiescence against the oracle; every difference is a mismatch
/// named plainly enough to debug from.
struct Checker {
    let oracle: Oracle
    let tableItems: [JSONValue]
    let indexItems: [JSONValue]

    func mismatches() -> [String] {
        var found: [String] = []
        var seen = Set<MeterDayName>()
        var sums: [String: (thousandths: Int, meters: Int)] = [:]
        var sources: [SourceItem] = []
        var ledger: [String: String] = [:]
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
                ledger["\(key)@\(version)"] = entry.status?.rawValue ?? "none"
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
        for (key, expected) in oracle.newestStatus {
            let actual = ledger["\(key)@\(expected.versionID)"] ?? "no entry"
            if actual != expected.status {
                found.append("ledger \(key)@\(expected.versionID): \(actual), oracle \(expected.status)")
            }
        }
        found += indexMismatches()
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

    /// An exact amount in thousandths (the workload's values have three decimals at most).
    static func thousandths(_ value: ExactDecimal) -> Int {
        value.units % 1000 == 0 ? Int(value.units / 1000) : Int.min
    }
}
