import ConsumptionTable
import JSON
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
    }

    @Test func aFieldCannotBreakItsRowOrColumn() {
        let line = AnalyticsLayout.line(["in/a\tb.csv", "two\r\nlines", #"back\slash"#, "März"])
        #expect(
            String(decoding: line, as: UTF8.self) == #"in/a\tb.csv"# + "\t" + #"two\r\nlines"# + "\t"
                + #"back\\slash"# + "\tMärz\n")
    }

    @Test func aMeterDayRowSaysWhatTheAPISaysAndWhereItComesFrom() {
        let source = VersionIdentity(key: "incoming/acme/a.csv", tag: "t", versionID: "v1", eTag: "e", lastModified: 1)
        let counting = MeterDayItem.Counting(
            source: source, value: ExactDecimal("1.5")!, line: 7,
            marks: ReadingMarks(flow: .export, notActual: ExactDecimal("0.25")!, missingIntervals: 2))
        #expect(
            AnalyticsLayout.meterDayRow(meter: "NMI1/B1", date: date, counting) == [
                "NMI1/B1", "2024-05-03", "1.5", "kWh", "export", "0.25", "2", "incoming/acme/a.csv", "v1", "7",
            ])
        #expect(
            AnalyticsLayout.meterDayRow(meter: "m", date: date, counting).count == AnalyticsLayout.meterDayColumns.count
        )
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
        let source = VersionIdentity(key: "k", tag: "t", versionID: nil, eTag: "e", lastModified: 1)
        let rows = [ExactDecimal("1.5")!, ExactDecimal("2")!].map {
            StreamFolder.Delta(from: nil, to: MeterDayItem.Counting(source: source, value: $0, line: 2))
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
