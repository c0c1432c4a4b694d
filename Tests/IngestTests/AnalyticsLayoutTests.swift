import ConsumptionTable
import JSON
import LambdaRuntime
import Testing

@testable import ConsumptionCore
@testable import Ingest

@Suite struct AnalyticsLayoutTests {
    let date = CalendarDate("2024-05-03")!
    let layout = AnalyticsLayout(prefix: "analytics/")

    @Test func aDaysFilesLieInTheHivePartitionsTheGlueTablesProject() {
        #expect(layout.dailyKey(tenant: "acme", date: date) == "analytics/acme/daily/date=2024-05-03/daily.tsv.gz")
        #expect(
            layout.meterDaysKey(tenant: "acme", date: date)
                == "analytics/acme/meter_days/month=2024-05/2024-05-03.tsv.gz")
        #expect(
            layout.intervalsKey(tenant: "acme", date: date)
                == "analytics/acme/intervals/month=2024-05/2024-05-03.tsv.gz")
    }

    @Test func aFieldCannotBreakItsRowOrColumn() {
        let line = AnalyticsLayout.line(["in/a\tb.csv", "two\r\nlines", #"back\slash"#, "März"])
        #expect(
            String(decoding: line, as: UTF8.self) == #"in/a\tb.csv"# + "\t" + #"two\r\nlines"# + "\t"
                + #"back\\slash"# + "\tMärz\n")
    }

    @Test func aMeterDayRowSaysWhatTheAPISaysAndWhereItComesFrom() {
        let version = VersionIdentity(key: "incoming/acme/a.csv", tag: "t", versionID: "v1", eTag: "e", lastModified: 1)
        let counting = MeterDayItem.Counting(
            version: version, value: ExactDecimal("1.5")!, line: 7,
            marks: ReadingMarks(flow: .export, notActual: ExactDecimal("0.25")!, missingIntervals: 2))
        #expect(
            AnalyticsLayout.meterDayRow(meter: "NMI1/B1", date: date, counting) == [
                "NMI1/B1", "2024-05-03", "1.5", "kWh", "export", "0.25", "2", "incoming/acme/a.csv", "v1", "7",
            ])
        #expect(
            AnalyticsLayout.meterDayRow(meter: "m", date: date, counting).count == AnalyticsLayout.meterDayColumns.count
        )
    }

    func reading(_ date: String, _ values: [String]?, qualities: [QualityFlag]? = nil) -> ReadingItem {
        let version = VersionIdentity(key: "incoming/acme/a.csv", tag: "t", versionID: "v1", eTag: "e", lastModified: 1)
        return ReadingItem(
            tenant: "acme", meter: "NMI1/E1", date: CalendarDate(date)!, version: version, value: ExactDecimal("1")!,
            intervals: values?.map { ExactDecimal($0)! }, line: 3, marks: ReadingMarks(flow: .consumption),
            qualities: qualities)
    }

    func zone(_ name: String) throws -> ZoneRules {
        try #require(MarketZones.load(from: ["/usr/share/zoneinfo"], read: TaskFile.contents(of:))[name])
    }

    @Test func anIntervalRowIsPlacedInTheTenantsZoneWithItsQualityAndNumberedFromOne() throws {
        // The day London's clocks go back: 50 half-hours, the repeated hour told apart by its offset.
        var qualities = Array(repeating: QualityFlag.actual, count: 50)
        qualities[4] = .substituted
        let values = (0..<50).map { "0.\($0 + 100)" }
        let rows = AnalyticsLayout.intervalRows(
            reading("2024-10-27", values, qualities: qualities), zone: try zone("Europe/London"))
        #expect(rows.count == 50)
        #expect(
            rows[0] == [
                "NMI1/E1", "2024-10-27", "1", "2024-10-27T00:00:00+01:00", "2024-10-26T23:00:00Z", "30", "0.1", "kWh",
                "A", "consumption", "incoming/acme/a.csv", "v1",
            ])
        #expect(rows[2][2...4] == ["3", "2024-10-27T01:00:00+01:00", "2024-10-27T00:00:00Z"])
        #expect(
            rows[4][2...8] == ["5", "2024-10-27T01:00:00+00:00", "2024-10-27T01:00:00Z", "30", "0.104", "kWh", "S"])
        #expect(rows[49][2...4] == ["50", "2024-10-27T23:30:00+00:00", "2024-10-27T23:30:00Z"])
        #expect(rows.allSatisfy { $0.count == AnalyticsLayout.intervalColumns.count })
    }

    @Test func aCountThatFitsOnlyA24HourDayIsReadWithoutAZone() throws {
        // 48 values on a 25-hour day: read before the tenant set its zone; no offset, no UTC.
        let rows = AnalyticsLayout.intervalRows(
            reading("2024-10-27", Array(repeating: "1", count: 48)), zone: try zone("Europe/London"))
        #expect(rows.count == 48 && rows[3][3...5] == ["2024-10-27T01:30:00", "", "30"])
        let unzoned = AnalyticsLayout.intervalRows(reading("2024-05-03", Array(repeating: "2", count: 96)), zone: nil)
        #expect(unzoned.count == 96 && unzoned[95][2...6] == ["96", "2024-05-03T23:45:00", "", "15", "2"])
    }

    @Test func aReadingThatKeepsNoIntervalsOrNoneThatDivideItsDayHasNoRows() {
        #expect(AnalyticsLayout.intervalRows(reading("2024-05-03", nil), zone: nil).isEmpty)
        #expect(
            AnalyticsLayout.intervalRows(reading("2024-05-03", Array(repeating: "1", count: 47)), zone: nil).isEmpty)
    }

    @Test func gzipOfTheSameRowsIsTheSameBytesAndInflatesBackToThem() throws {
        func compressed() -> [UInt8] {
            let deflater = GzipDeflater()
            for index in 0..<20_000 { deflater.append(AnalyticsLayout.line(["meter-\(index)", "\(index).25"])) }
            return deflater.finish()
        }
        let bytes = compressed()
        #expect(bytes == compressed())
        #expect(bytes.starts(with: [0x1F, 0x8B]))
        var text: [UInt8] = []
        let inflater = GzipInflater(maxOutputBytes: 1 << 30, maxRatio: 1_000)
        try bytes.withUnsafeBufferPointer { input in try inflater.inflate(input) { text += $0 } }
        try inflater.finish()
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 20_000 && lines.last == "meter-19999\t19999.25")
    }

    @Test func aDayIsWrittenOnlyWhenItsIndexedRowsAddUpToItsSums() {
        let version = VersionIdentity(key: "k", tag: "t", versionID: nil, eTag: "e", lastModified: 1)
        let rows = [ExactDecimal("1.5")!, ExactDecimal("2")!].map {
            StreamFolder.Delta(from: nil, to: MeterDayItem.Counting(version: version, value: $0, line: 2))
        }.reduce(StreamFolder.Delta(), +)
        var item = DaySumItem.key(tenant: "acme", date: date, shard: 3).objectValue!
        item["total"] = AttributeValues.number(ExactDecimal("3.5")!)
        item["meters"] = AttributeValues.number(2)
        #expect(AnalyticsWriter.disagreement(rows, DaySumItem(item: .object(item))) == nil)
        item["meters"] = AttributeValues.number(3)
        #expect(AnalyticsWriter.disagreement(rows, DaySumItem(item: .object(item))) != nil)
        #expect(AnalyticsWriter.disagreement(StreamFolder.Delta(), nil) == nil)
        #expect(AnalyticsWriter.disagreement(rows, nil) != nil)
    }
}
