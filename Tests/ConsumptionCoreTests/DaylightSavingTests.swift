import ConsumptionCore
import Testing

/// The test rules with a market time zone from the system's tzdata.
func rules(zone: String) throws -> ValidationRules {
    var rules = testRules
    rules.zone = try systemZone(zone)
    return rules
}

@Suite("Daylight saving: with a market time zone, a day is as long as its clocks make it")
struct DaylightSavingTests {
    @Test("a wide row on a clock-change day holds that day's half-hours: 46 in spring, 50 in autumn")
    func wideRowsFollowTheDay() throws {
        let text = [
            wideHeader(), wideRow("A", "2024-03-31", "1", count: 46), wideRow("A", "2024-10-27", "1", count: 50),
            wideRow("A", "2024-10-28", "1"),
        ].joined(separator: "\n")
        let parsed = parse(text, rules: try rules(zone: "Europe/London"))
        #expect(parsed.errors == [])
        #expect(parsed.totals == ["2024-03-31": "46", "2024-10-27": "50", "2024-10-28": "48"])
        #expect(parsed.meterDays.map { $0.intervals?.count } == [46, 50, 48])
        #expect(parsed.result.totals.byDate[CalendarDate("2024-10-27")!]?.intervals == 50)
    }

    @Test("a clock-change day written with the header's 48 half-hours is refused, and so is 50 with no zone")
    func wrongCountsAreRefused() throws {
        let london = parse(
            [wideHeader(), wideRow("A", "2024-03-31", "1"), wideRow("A", "2024-10-27", "1")].joined(separator: "\n"),
            rules: try rules(zone: "Europe/London"))
        #expect(london.codes == [.columnCount, .columnCount])
        #expect(london.errors.map(\.message) == ["expected 48 fields, found 50", "expected 52 fields, found 50"])
        let noZone = parse([wideHeader(), wideRow("A", "2024-10-27", "1", count: 50)].joined(separator: "\n"))
        #expect(noZone.codes == [.columnCount])
    }

    @Test("south of the equator and in 5-minute data the same: Sydney's October day has 276 five-minute intervals")
    func southernFiveMinuteDay() throws {
        let text = [wideHeader(288), wideRow("A", "2024-10-06", "0.5", count: 276)].joined(separator: "\n")
        let parsed = parse(text, rules: try rules(zone: "Australia/Sydney"))
        #expect(parsed.errors == [])
        #expect(parsed.totals == ["2024-10-06": "138"])
    }

    @Test("a gap in a long day is still a gap: 49 of the day's 50 half-hours make it incomplete")
    func gapsOnALongDay() throws {
        let cells = Array(repeating: "1", count: 49) + [""]
        let text = wideHeader() + "\nA,2024-10-27," + cells.joined(separator: ",")
        let parsed = parse(text, rules: try rules(zone: "Europe/London"))
        #expect(parsed.errors == [])
        #expect(parsed.meterDays.first?.missingIntervals == 1)
        #expect(parsed.totals == ["2024-10-27": "49"])
    }

    @Test("columns after the intervals stand further on in a long day's row")
    func columnsAfterTheIntervals() throws {
        let header = wideHeader() + ",Direction"
        let text = [header, wideRow("A", "2024-10-27", "1", count: 50) + ",export"].joined(separator: "\n")
        var zoned = try rules(zone: "Europe/London")
        zoned.allowNegative = true
        let parsed = parse(text, rules: zoned)
        #expect(parsed.errors == [])
        #expect(parsed.meterDays.map(\.flow) == [.export])
    }

    @Test("the repeated hour's local times stand twice in a timestamped file, not three times")
    func repeatedHour() throws {
        let rows = ["A,2024-10-27 01:30,1", "A,2024-10-27 01:30,2", "A,2024-10-27 00:30,4"]
        let zoned = try rules(zone: "Europe/London")
        let twice = parse((["Meter,Timestamp,Value"] + rows).joined(separator: "\n"), rules: zoned)
        #expect(twice.errors == [])
        #expect(twice.totals == ["2024-10-27": "7"])
        let thrice = parse(
            (["Meter,Timestamp,Value"] + rows + ["A,2024-10-27 01:30,8"]).joined(separator: "\n"), rules: zoned)
        #expect(thrice.codes == [.duplicateReading])
        #expect(thrice.errors.first?.line == 5)
        let noZone = parse((["Meter,Timestamp,Value"] + rows).joined(separator: "\n"))
        #expect(noZone.codes == [.duplicateReading])
    }

    @Test("a local time the clocks skip is refused with its own code")
    func skippedHour() throws {
        let text = "Meter,Timestamp,Value\nA,2024-03-31 00:30,1\nA,2024-03-31 01:30,1\n"
        let parsed = parse(text, rules: try rules(zone: "Europe/London"))
        #expect(parsed.codes == [.skippedLocalTime])
        #expect(parsed.errors.first?.line == 3)
        #expect(parse(text).errors == [])
    }
}
