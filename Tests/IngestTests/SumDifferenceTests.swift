import ConsumptionTable
import JSON
import Testing

@testable import ConsumptionCore
@testable import Ingest

/// A sum shard against what its index partition's meter-days add up to, field by field.
@Suite struct SumDifferenceTests {
    let date = CalendarDate("2024-05-03")!
    let version = VersionIdentity(key: "k", tag: "t", versionID: nil, eTag: "e", lastModified: 1)

    /// The meter-days of one partition as the fold sums them: two consumption meters (one estimated and missing
    /// intervals) and one export channel.
    var indexed: StreamFolder.Delta {
        [
            MeterDayItem.Counting(version: version, value: ExactDecimal("1.5")!, line: 2),
            MeterDayItem.Counting(
                version: version, value: ExactDecimal("2")!, line: 3,
                marks: ReadingMarks(notActual: ExactDecimal("0.5")!, missingIntervals: 1)),
            MeterDayItem.Counting(
                version: version, value: ExactDecimal("0.25")!, line: 4, marks: ReadingMarks(flow: .export)),
        ].map { StreamFolder.Delta(from: nil, to: $0) }.reduce(StreamFolder.Delta(), +)
    }

    func shard(_ attributes: [String: JSONValue]) -> DaySumItem? {
        var item = DaySumItem.key(tenant: "acme", date: date, shard: 3).objectValue!
        item.merge(attributes) { _, new in new }
        return DaySumItem(item: .object(item))
    }

    @Test func aShardHoldingWhatItsItemsAddUpToHasNoDifference() {
        let right = shard([
            "total": ["N": "3.5"], "meters": ["N": "2"], "notActual": ["N": "0.5"], "incompleteMeters": ["N": "1"],
            "exported": ["N": "0.25"], "exportMeters": ["N": "1"],
        ])
        #expect(SumDifference.between(right, indexed) == [])
    }

    @Test func eachWrongFieldIsNamedWithBothValues() {
        let wrong = shard(["total": ["N": "4.5"], "meters": ["N": "2"], "notActual": ["N": "0.5"]])
        #expect(
            SumDifference.between(wrong, indexed) == [
                SumDifference(field: "total", stored: "4.5", fromItems: "3.5"),
                SumDifference(field: "incompleteMeters", stored: "0", fromItems: "1"),
                SumDifference(field: "exported", stored: "0", fromItems: "0.25"),
                SumDifference(field: "exportMeters", stored: "0", fromItems: "1"),
            ])
    }

    @Test func aMissingShardReadsAsZerosAsTheAPIReadsIt() {
        #expect(SumDifference.between(nil, StreamFolder.Delta()) == [])
        #expect(
            SumDifference.between(nil, indexed).map(\.field) == [
                "total", "meters", "notActual", "incompleteMeters", "exported", "exportMeters",
            ])
        #expect(SumDifference.between(nil, indexed).allSatisfy { $0.stored == "0" })
        // A shard whose meters all went is right at zero, and wrong with anything left in it.
        #expect(SumDifference.between(shard(["total": ["N": "0"], "meters": ["N": "0"]]), StreamFolder.Delta()) == [])
        #expect(SumDifference.between(shard(["meters": ["N": "1"]]), StreamFolder.Delta()).map(\.field) == ["meters"])
    }
}
