import Foundation
import Testing

@testable import ConsumptionCore

/// A meter-day's intervals placed in time: the day's length in the tenant's zone sets each interval's length.
@Suite struct IntervalDayTests {
    func zone(_ name: String) throws -> ZoneRules {
        let bytes = try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/\(name)"))
        return try TZifReader.rules(name: name, bytes: Array(bytes))
    }

    func values(_ count: Int, _ value: String = "0.5") -> [ExactDecimal] {
        Array(repeating: ExactDecimal(value)!, count: count)
    }

    @Test("the day the clocks go back has 50 half-hours, and its repeated hour is told apart by its offset")
    func clocksGoBack() throws {
        let day = try #require(
            IntervalDay(
                date: CalendarDate("2024-10-27")!, values: values(50), qualities: nil, zone: try zone("Europe/London")))
        #expect(day.minutes == 30)
        #expect(day.intervals.count == 50)
        #expect(day.intervals[0].start == "2024-10-27T00:00:00+01:00")
        #expect(day.intervals[0].startUTC == "2024-10-26T23:00:00Z")
        #expect(day.intervals[2].start == "2024-10-27T01:00:00+01:00")
        #expect(day.intervals[4].start == "2024-10-27T01:00:00+00:00")
        #expect(day.intervals[4].startUTC == "2024-10-27T01:00:00Z")
        #expect(day.intervals[49].start == "2024-10-27T23:30:00+00:00")
    }

    @Test("the day the clocks go forward has 46 half-hours, and skips the hour")
    func clocksGoForward() throws {
        let day = try #require(
            IntervalDay(
                date: CalendarDate("2024-03-31")!, values: values(46), qualities: nil, zone: try zone("Europe/London")))
        #expect(day.intervals[1].start == "2024-03-31T00:30:00+00:00")
        #expect(day.intervals[2].start == "2024-03-31T02:00:00+01:00")
        #expect(day.intervals[2].startUTC == "2024-03-31T01:00:00Z")
    }

    @Test("west of UTC the offset is negative, and a 24-hour day of 96 values is quarter-hours")
    func westOfUTC() throws {
        let day = try #require(
            IntervalDay(
                date: CalendarDate("2024-01-15")!, values: values(96), qualities: nil,
                zone: try zone("America/New_York")))
        #expect(day.minutes == 15)
        #expect(day.intervals[1].start == "2024-01-15T00:15:00-05:00")
        #expect(day.intervals[1].startUTC == "2024-01-15T05:15:00Z")
    }

    @Test("a count that fits only a 24-hour day is read without a zone: no offset, no UTC")
    func readBeforeTheZoneWasSet() throws {
        let day = try #require(
            IntervalDay(
                date: CalendarDate("2024-10-27")!, values: values(48), qualities: nil, zone: try zone("Europe/London")))
        #expect(day.zone == nil && day.minutes == 30)
        #expect(day.intervals[3].start == "2024-10-27T01:30:00" && day.intervals[3].startUTC == nil)
    }

    @Test("values that do not divide the day into 5, 15, 30 or 60 minutes are no intervals")
    func notADivision() {
        #expect(IntervalDay(date: CalendarDate("2024-05-01")!, values: values(47), qualities: nil, zone: nil) == nil)
        #expect(IntervalDay(date: CalendarDate("2024-05-01")!, values: values(12), qualities: nil, zone: nil) == nil)
        #expect(
            IntervalDay(
                date: CalendarDate("2024-05-01")!, values: values(48), qualities: [.actual], zone: nil) == nil)
    }

    @Test("the peak is the largest interval, the first of equals, as kW: kWh over the interval's hours")
    func peak() throws {
        var readings = values(48, "0.25")
        readings[10] = ExactDecimal("1.125")!
        readings[30] = ExactDecimal("1.125")!
        let qualities = Array(repeating: QualityFlag.actual, count: 47) + [.estimated]
        let day = try #require(
            IntervalDay(date: CalendarDate("2024-05-01")!, values: readings, qualities: qualities, zone: nil))
        let peak = try #require(day.peak)
        #expect(peak.kilowatts == ExactDecimal("2.25")! && peak.interval.start == "2024-05-01T05:00:00")
        #expect(day.intervals[47].quality == .estimated && day.intervals[0].quality == .actual)
        let hourly = try #require(
            IntervalDay(date: CalendarDate("2024-05-01")!, values: values(24, "3"), qualities: nil, zone: nil))
        #expect(hourly.peak?.kilowatts == ExactDecimal("3")!)
    }
}
