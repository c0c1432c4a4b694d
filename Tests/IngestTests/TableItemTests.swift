import ConsumptionCore
import ConsumptionTable
import JSON
import Testing

@testable import Ingest

@Suite struct TableKeysTests {
    @Test func metersSpreadOverSumShardsByAStableHash() {
        // FNV-1a (32-bit) of "m1" is 0x942e6feb, as Python computes it: shards never depend on the process.
        #expect(TableKeys.shard(ofMeter: "m1") == 0x942E_6FEB % 16)
        let used = Set((0..<200).map { TableKeys.shard(ofMeter: "meter-\($0)") })
        #expect(used.count == TableKeys.shardCount)
    }

    @Test func everyPartitionKeyIsScopedByTenant() {
        let date = CalendarDate(daysSinceEpoch: 19_844)
        #expect(TableKeys.meterPartition(tenant: "acme", meter: "a#b") == "T#acme#M#a#b")
        #expect(TableKeys.meterDaySort(date: date) == "C#2024-05-01")
        #expect(TableKeys.readingSort(date: date, keyHash: "s", tag: "t") == "R#2024-05-01#s#t")
        #expect(TableKeys.totalsSort(date: date, shard: 12) == "2024-05-01#12")
        #expect(TableKeys.pageSort(42) == "00000042")
        #expect(TableKeys.parseMeterPartition("T#acme#M#a#b")! == ("acme", "a#b"))
        #expect(TableKeys.parseMeterPartition("T#acme#TOTALS") == nil)
    }
}

@Suite struct TableItemTests {
    let date = CalendarDate(daysSinceEpoch: 19_844)
    let version = VersionIdentity(
        key: "incoming/acme/a.csv", tag: "0123456789abcdef", versionID: "v1", eTag: "\"e\"", lastModified: 7)

    @Test func aSwitchRetiresThePreviousVersionAndOffersTheNextFromItsFirstPage() {
        var old = SourceItem(key: "k")
        old.counting = .init(identity: version, meterDays: 3)
        old.switchCount = 4
        var nextIdentity = version
        nextIdentity.tag = "fedcba9876543210"
        let switched = old.switched(to: .init(identity: nextIdentity, meterDays: 1), now: 1_000)
        #expect(switched.counting?.identity.tag == "fedcba9876543210")
        #expect(switched.offered == 0)
        #expect(switched.retiring == [.init(tag: "0123456789abcdef", meterDays: 3, done: 0, switchCount: 5)])
        #expect(switched.switchCount == 5)
        #expect(switched.offeringUntil == 1_000 + SourceItem.offeringLeaseMilliseconds)
        // Switching back to a retiring version takes it off the list: its readings must stay. The version left
        // behind was still being offered: its retire waits until any lease given before this switch has ended —
        // one given just now, or a later one stored.
        let back = switched.switched(to: old.counting, now: 2_000)
        #expect(
            back.retiring == [
                .init(tag: "fedcba9876543210", meterDays: 1, done: 0, notBefore: 62_000, switchCount: 6)
            ])
        var renewed = switched
        renewed.offeringUntil = 90_000
        #expect(renewed.switched(to: old.counting, now: 2_000).retiring.first?.notBefore == 90_000)
        // A delete retires and offers nothing.
        #expect(switched.switched(to: nil, now: 3_000).offered == nil)
        // Offers recorded done a moment ago: a part delivered twice may still land one until the stored lease ends.
        var offersDone = old
        offersDone.offeringUntil = 50_000
        #expect(offersDone.switched(to: nil, now: 2_000).retiring.first?.notBefore == 50_000)
    }

    @Test func aSettleJobCutsItsVersionIntoPartsOfWholePages() throws {
        let job = SettleJob(
            kind: .offer, key: "incoming/acme/a.csv", tag: "t", switchCount: 7, meterDays: 2_500, partMeterDays: 1_000,
            done: [1])
        #expect(job.parts == 3 && !job.isComplete)
        #expect((0..<3).map(job.meterDays(of:)) == [0..<1_000, 1_000..<2_000, 2_000..<2_500])
        #expect(
            SettleJob(item: job.item(tenant: "acme"))
                == SettleJob(
                    kind: .offer, key: job.key, tag: "t", switchCount: 7, meterDays: 2_500, partMeterDays: 1_000))
        // One job per switch: the offers of a switch, or the retire by the switch that retired the version (one
        // restored and retired again is retired anew, owing nothing to the first retire's parts).
        #expect(
            job.key(tenant: "acme")
                != SettleJob.key(tenant: "acme", kind: .offer, key: job.key, tag: "t", switchCount: 8))
        let retire = SettleJob(
            kind: .retire, key: job.key, tag: "t", switchCount: 7, meterDays: 1, partMeterDays: 1_000)
        #expect(
            retire.key(tenant: "acme")
                != SettleJob.key(tenant: "acme", kind: .retire, key: job.key, tag: "t", switchCount: 9))
    }

    @Test func aJobIsPendingOnlyWhileItsSwitchsStepIs() {
        func job(_ kind: SettleJob.Kind, switchCount: Int) -> SettleJob {
            SettleJob(
                kind: kind, key: "incoming/acme/a.csv", tag: version.tag, switchCount: switchCount, meterDays: 2_000,
                partMeterDays: 1_000)
        }
        var state = SourceItem(key: "incoming/acme/a.csv")
        state.counting = .init(identity: version, meterDays: 2_000)
        state.switchCount = 7
        state.offered = 0
        #expect(job(.offer, switchCount: 7).isPending(in: state))
        #expect(!job(.offer, switchCount: 6).isPending(in: state))
        state.offered = nil
        #expect(!job(.offer, switchCount: 7).isPending(in: state))

        let retired = state.switched(to: nil, now: 1_000)
        #expect(job(.retire, switchCount: 8).isPending(in: retired))
        #expect(job(.retire, switchCount: 8).retire(in: retired)?.meterDays == 2_000)
        // The version restored, then retired again: the first retire's job is over for good.
        let again = retired.switched(to: state.counting, now: 2_000).switched(to: nil, now: 3_000)
        #expect(!job(.retire, switchCount: 8).isPending(in: again))
        #expect(job(.retire, switchCount: 10).isPending(in: again))
        #expect(!job(.offer, switchCount: 10).isPending(in: again))
    }

    @Test func everyItemReadsBackAsItWasWritten() throws {
        var state = SourceItem(key: "incoming/acme/a.csv")
        state.counting = .init(identity: version, meterDays: 2)
        state.offered = 1
        // Epoch milliseconds, 13 digits: a lease as the settler writes it (read back as none when numbers went
        // through the meter files' 12-digit decimal, seed 149341).
        state.offeringUntil = 1_796_630_400_123
        state.retiring = [.init(tag: "x", meterDays: 4, done: 2, notBefore: 99, switchCount: 2)]
        state.switchCount = 2
        #expect(SourceItem(item: state.item(tenant: "acme", updatedAt: "now")) == state)

        let reading = ReadingItem(
            tenant: "acme", meter: "m#1", date: date, version: version, value: ExactDecimal("1.5")!,
            intervals: [ExactDecimal("0.5")!, ExactDecimal("1")!], line: 9)
        #expect(ReadingItem(item: reading.item) == reading)
        var estimated = reading
        estimated.qualities = [.actual, .substituted]
        #expect(estimated.item["qualities"] == ["S": "AS"])
        #expect(ReadingItem(item: estimated.item) == estimated)

        var item = MeterDayItem.key(tenant: "acme", meter: "m#1", date: date).objectValue!
        let counting = MeterDayItem.countingAttributes(
            .init(version: version, value: ExactDecimal("2")!, line: 3), tenant: "acme", meter: "m#1", date: date)
        item.merge(counting) { $1 }
        let day = try #require(MeterDayItem(item: .object(item)))
        #expect(day.meter == "m#1" && day.tenant == "acme" && day.counting?.value == ExactDecimal("2"))
        // While a reading counts, the item is in the DayMeters index under its day and sum shard; a recompute that
        // finds none removes it from there too.
        let shard = TableKeys.shard(ofMeter: "m#1")
        let label = shard < 10 ? "0\(shard)" : "\(shard)"
        #expect(counting["dayShard"] == AttributeValues.string("T#acme#D#2024-05-01#\(label)"))
        #expect(counting["meter"] == AttributeValues.string("m#1"))
        #expect(Set(counting.keys).isSubset(of: MeterDayItem.countingAttributeNames + [MeterDayItem.Attribute.date]))
        #expect(MeterDayItem(item: reading.item) == nil)  // a reading is no meter-day
    }

    @Test func anAnalyticsMarkReadsBackAndEveryPutHasAToken() throws {
        let token = try #require(AnalyticsMark.newToken())
        let mark = AnalyticsMark(tenant: "acme", date: date, token: token, markedAt: "2026-11-30T05:00:00.000Z")
        #expect(AnalyticsMark(item: mark.item) == mark)
        #expect(mark.key == TableKeys.key("ANALYTICS", "acme#2024-05-01"))
        // A batch folded again puts a new token: a run that read the old one cannot delete the new mark.
        #expect(token.count == 32 && AnalyticsMark.newToken() != token)
    }

    @Test func aPageKeepsMeterIdsByteForByteEvenWhenTheyStartWithACombiningMark() throws {
        let page = VersionPage(entries: [
            .init(meter: "\u{301}odd", date: date, value: ExactDecimal("-0.25")!, line: 2),
            .init(meter: "Ma\u{308}rz,1", date: date, value: ExactDecimal("3")!, line: 3),
        ])
        let back = try #require(VersionPage(item: page.item(key: TableKeys.key("p", "s"))))
        #expect(back.entries.map { Array($0.meter.utf8) } == page.entries.map { Array($0.meter.utf8) })
        #expect(back.entries.map(\.value) == page.entries.map(\.value))
    }

    @Test func aReadingsMarksTravelOnEveryItemThatCarriesAMeterDay() throws {
        let marks = ReadingMarks(flow: .export, notActual: ExactDecimal("0.5")!, missingIntervals: 2)
        let page = VersionPage(entries: [
            .init(meter: "6123456789/E1", date: date, value: ExactDecimal("1")!, line: 3),
            .init(meter: "6123456789/B1", date: date, value: ExactDecimal("2")!, line: 5, marks: marks),
        ])
        #expect(
            page.encoded
                == "2024-05-01\t1\t3\t6123456789/E1\n"
                + "2024-05-01\t2\t5\texport,notActual=0.5,missing=2\t6123456789/B1\n")
        #expect(VersionPage(encoded: page.encoded) == page)
        // A page written before marks existed reads as plain; an unknown mark does not read.
        #expect(VersionPage(encoded: "2024-05-01\t1\t3\tm\n")?.entries.first?.marks == ReadingMarks())
        #expect(VersionPage(encoded: "2024-05-01\t1\t3\tsideways\tm\n") == nil)

        let reading = ReadingItem(
            tenant: "acme", meter: "6123456789/B1", date: date, version: version, value: ExactDecimal("2")!,
            intervals: nil, line: 5, marks: marks)
        #expect(ReadingItem(item: reading.item)?.marks == marks)
        let counting = MeterDayItem.Counting(version: version, value: ExactDecimal("2")!, line: 5, marks: marks)
        var item = MeterDayItem.key(tenant: "acme", meter: "6123456789/B1", date: date).objectValue!
        item.merge(MeterDayItem.countingAttributes(counting, tenant: "acme", meter: "6123456789/B1", date: date)) {
            $1
        }
        #expect(MeterDayItem(item: .object(item))?.counting?.marks == marks)
        // A plain reading taking over removes every mark another left.
        let plain = MeterDayItem.Counting(version: version, value: ExactDecimal("1")!, line: 3)
        #expect(MeterDayItem.absentAttributes(of: plain) == ReadingMarks.attributeNames)
        #expect(MeterDayItem.absentAttributes(of: counting).isEmpty)
        // A plain file's items carry no mark at all.
        #expect(ReadingMarks().attributes.isEmpty && ReadingMarks().token.isEmpty)
    }

    @Test func aVersionsPagesAreSpreadOverPartitionKeysAHundredPagesEach() {
        func partition(_ page: Int) -> String? {
            VersionPage.key(tenant: "acme", objectKey: "incoming/acme/big.csv", tag: "t1", page: page)["pk"]?["S"]?
                .stringValue
        }
        #expect(partition(0) == partition(99))
        #expect(partition(99) != partition(100))
        #expect(Set((0..<32_000).compactMap(partition)).count == 320)
    }

    @Test func streamSequencesCompareAsNumbers() throws {
        let short = try #require(StreamSequence("900000000000000000001"))
        let long = try #require(StreamSequence("1000000000000000000000"))
        #expect(short < long)
        #expect(long.text == "1000000000000000000000")
        #expect(StreamSequence("12a") == nil)
    }

    @Test func aRefusedOfferStandsOnlyBehindABetterReadingOfAnotherKeyOrItself() {
        func day(_ counting: VersionIdentity?, generation: Int = 0, computed: Int = 0) -> MeterDayItem {
            var item = MeterDayItem(
                tenant: "t", meter: "m", date: date,
                counting: counting.map { .init(version: $0, value: ExactDecimal("1")!, line: 1) })
            item.generation = generation
            item.computed = computed
            return item
        }
        var later = version
        later.key = "incoming/acme/b.csv"
        later.lastModified = 8
        var olderSameKey = version
        olderSameKey.tag = "1111111111111111"
        olderSameKey.lastModified = 9
        #expect(MeterDaySettler.offerIsSettled(day(version), by: version))
        #expect(MeterDaySettler.offerIsSettled(day(later), by: version))
        #expect(!MeterDaySettler.offerIsSettled(day(later, generation: 2, computed: 1), by: version))
        #expect(!MeterDaySettler.offerIsSettled(day(olderSameKey), by: version))
        #expect(!MeterDaySettler.offerIsSettled(day(nil), by: version))
        #expect(!MeterDaySettler.offerIsSettled(day(version), by: later))  // `later` outranks what is there
    }

    @Test("a roster's summary round-trips, alert times read as HH:MM, and a day's shortfalls name what is missing")
    func rosters() {
        let summary = RosterSummary(
            tenant: "acme", meters: 3, alertAt: 9 * 60 + 30, checkedThrough: CalendarDate("2024-06-01"))
        #expect(RosterSummary(item: summary.item) == summary)
        #expect(RosterSummary.minutes("09:30") == 570 && RosterSummary.minutes("00:00") == 0)
        #expect(["9:30", "24:00", "12:60", "12-30", ""].allSatisfy { RosterSummary.minutes($0) == nil })
        let date = CalendarDate("2024-06-01")!
        let version = VersionIdentity(key: "k", tag: "t", versionID: nil, eTag: "e", lastModified: 1)
        func item(_ meter: String, missing: Int) -> JSONValue {
            var item = MeterDayItem.key(tenant: "acme", meter: meter, date: date).objectValue!
            let counting = MeterDayItem.Counting(
                version: version, value: ExactDecimal("1")!, line: 2,
                marks: ReadingMarks(notActual: .zero, missingIntervals: missing))
            item.merge(MeterDayItem.countingAttributes(counting, tenant: "acme", meter: meter, date: date)) { $1 }
            return .object(item)
        }
        // "Zähler" precomposed has a reading; the same name decomposed is another meter, with none.
        let shortfalls = MeterDayShortfall.of(
            ["A", "B", "Z\u{E4}hler", "Za\u{308}hler", "C"], tenant: "acme",
            items: [item("A", missing: 0), item("B", missing: 3), item("Z\u{E4}hler", missing: 0)])
        #expect(
            shortfalls == [
                MeterDayShortfall(meter: "B", status: .incomplete, missingIntervals: 3),
                MeterDayShortfall(meter: "Za\u{308}hler", status: .missing, missingIntervals: 0),
                MeterDayShortfall(meter: "C", status: .missing, missingIntervals: 0),
            ])
    }

    @Test("an API key's item names its tenant and reads back; another partition's item is no key")
    func apiKeys() {
        let key = APIKeyItem(keyID: "a1b2c3", tenant: "acme", createdAt: "2026-12-07T08:00:00.000Z")
        #expect(APIKeyItem(item: key.item) == key)
        #expect(
            key.item["pk"] == AttributeValues.string("APIKEYS") && key.item["tenant"] == AttributeValues.string("acme"))
        #expect(APIKeyItem(item: RosterSummary(tenant: "acme", meters: 1, alertAt: nil).item) == nil)
    }
}
