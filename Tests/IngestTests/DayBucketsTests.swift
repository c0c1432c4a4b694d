import ConsumptionCore
import Testing

@testable import Ingest

@Suite struct DayBucketsTests {
    func date(_ text: String) -> CalendarDate {
        CalendarDate(text) ?? CalendarDate(daysSinceEpoch: 0)
    }

    @Test func runsOfDaysWithTheSameBucketsAreStoredAsOneRange() {
        var buckets = DayBuckets()
        for day in ["2024-05-01", "2024-05-02", "2024-05-03"] { buckets.insert(date: date(day), bucket: 3) }
        buckets.insert(date: date("2024-05-05"), bucket: 0)
        buckets.insert(date: date("2024-05-05"), bucket: 15)
        #expect(buckets.encoded == "19844-19846:8,19848:8001")
        #expect(DayBuckets(encoded: buckets.encoded) == buckets)
        #expect(
            buckets.pairs.map { "\($0.date)/\($0.bucket)" }
                == ["2024-05-01/3", "2024-05-02/3", "2024-05-03/3", "2024-05-05/0", "2024-05-05/15"])
    }

    @Test func aUnionKeepsEveryBucketOfEveryDay() {
        var first = DayBuckets()
        first.insert(date: date("2024-05-01"), bucket: 1)
        var second = DayBuckets()
        second.insert(date: date("2024-05-01"), bucket: 2)
        second.insert(date: date("2024-06-01"), bucket: 2)
        first.formUnion(second)
        #expect(first.pairs.count == 3)
    }

    @Test(arguments: ["x", "1:0", "5-3:1", "1:zz", "1-2-3:1", ",", "1:1,"])
    func malformedTextIsRefused(_ text: String) {
        #expect(DayBuckets(encoded: text) == nil)
    }

    @Test func emptyTextIsNoBuckets() {
        #expect(DayBuckets(encoded: "")?.isEmpty == true)
    }
}
