import ConsumptionCore
import ConsumptionTable
import JSON
import Testing

@Suite(
    "The ledger item: the attribute names the table, the API and the Python tests share, read and written in one place")
struct LedgerItemTests {
    static var everything: LedgerItem {
        var item = LedgerItem()
        item.key = "incoming/acme/a.csv"
        item.tag = "0123456789abcdef"
        item.versionID = "v1"
        item.eTag = "\"e\""
        item.lastModified = 1_717_200_000
        item.size = 2_048
        item.status = .ingested
        item.attempts = 2
        item.startedAt = "2024-06-01T00:00:00.000Z"
        item.finishedAt = "2024-06-01T00:00:01.000Z"
        item.deletedAt = "2024-06-02T00:00:00.000Z"
        item.durationMilliseconds = 950
        item.lastError = "deadline: stopped before the invocation deadline; the message will be retried"
        item.lastErrorAt = "2024-06-01T00:00:00.500Z"
        item.alertedAt = "2024-06-01T00:00:02.000Z"
        item.purgedAt = "2024-06-03T00:00:00.000Z"
        item.decidedBySwitch = 3
        item.validated = true
        item.writtenMeterDays = 12
        item.job = RangeJob(
            starts: [RangeStart(offset: 0, line: 1, meterDay: 0), RangeStart(offset: 900, line: 40, meterDay: 39)],
            done: [1])
        item.rows = 80
        item.meterDays = 80
        item.days = 3
        item.bytes = 2_048
        item.format = "wide"
        item.errorCount = 0
        item.exportMeterDays = 4
        item.skippedChannelDays = 1
        item.errorSummary = "1 error: invalid-number 1; first: line 4: not a number"
        item.reportKey = "reports/acme/a.csv.0123456789abcdef.json"
        item.settings = TenantSettings(unit: .Wh, zone: "Europe/London")
        return item
    }

    @Test("every field written is read back the same")
    func roundTrip() {
        let written = Self.everything
        #expect(LedgerItem(item: .object(written.attributes)) == written)
    }

    @Test("the names on the wire: an item as the Python tests write it reads as the fields it holds")
    func wireNames() {
        let item: JSONValue = [
            "pk": ["S": "T#acme#LEDGER"], "sk": ["S": "incoming/acme/f.csv#00000000000000aa"],
            "objectKey": ["S": "incoming/acme/f.csv"], "versionTag": ["S": "00000000000000aa"],
            "status": ["S": "rejected"], "rows": ["N": "48"], "meterDays": ["N": "1"], "durationMs": ["N": "7"],
            "objectSize": ["N": "300"], "unit": ["S": "kWh"], "startedAt": ["S": "2024-06-01T00:00:00.000Z"],
        ]
        let entry = LedgerItem(item: item)
        #expect(entry.key == "incoming/acme/f.csv")
        #expect(entry.tag == "00000000000000aa")
        #expect(entry.status == .rejected)
        #expect(entry.rows == 48 && entry.meterDays == 1 && entry.days == nil)
        #expect(entry.durationMilliseconds == 7 && entry.size == 300)
        #expect(entry.settings == TenantSettings(unit: .kWh))
        #expect(entry.validated == nil && entry.job == nil && entry.eTag == nil)
    }

    @Test("a step records only the fields it sets")
    func aStepRecordsItsOwnFields() {
        var alerted = LedgerItem()
        alerted.alertedAt = "2024-06-01T00:00:02.000Z"
        #expect(alerted.attributes == ["alertedAt": ["S": "2024-06-01T00:00:02.000Z"]])
        var validated = LedgerItem()
        validated.validated = true
        validated.settings = TenantSettings(unit: .kWh)
        #expect(validated.attributes == ["validated": ["BOOL": true], "unit": ["S": "kWh"]])
    }

    @Test("a job none of whose ranges is written has no rangesDone: DynamoDB refuses an empty set")
    func noEmptyRangesDone() {
        var started = LedgerItem()
        started.job = RangeJob(starts: [RangeStart(offset: 0, line: 1, meterDay: 0)])
        #expect(started.attributes[LedgerItem.Attribute.ranges] != nil)
        #expect(started.attributes[LedgerItem.Attribute.rangesDone] == nil)
        #expect(LedgerItem(item: .object(started.attributes)).job == started.job)
    }
}
