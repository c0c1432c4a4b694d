import Foundation
import Testing

@testable import ConsumptionCore

/// A zone as the system's tzdata holds it.
func systemZone(_ name: String) throws -> ZoneRules {
    let bytes = try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/\(name)"))
    return try TZifReader.rules(name: name, bytes: Array(bytes))
}

/// One line of `zdump -v`: an instant (UTC seconds) and the offset in effect then.
struct ZdumpLine {
    let instant: Int
    let offset: Int

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Europe/London  Sun Mar 25 01:00:00 1990 UT = Sun Mar 25 02:00:00 1990 BST isdst=1 gmtoff=3600`.
    init?(_ line: Substring) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 8, words[6] == "UT", let month = Self.months.firstIndex(of: String(words[2])),
            let day = Int(words[3]), let year = Int(words[5]), let last = words.last, last.hasPrefix("gmtoff="),
            let offset = Int(last.dropFirst(7)), let date = CalendarDate(year: year, month: month + 1, day: day)
        else { return nil }
        let clock = words[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        instant = date.daysSinceEpoch * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]
        self.offset = offset
    }
}

func zdump(_ zone: String, from: Int, to: Int) throws -> [ZdumpLine] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/zdump")
    process.arguments = ["-v", "-c", "\(from),\(to)", zone]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap(ZdumpLine.init)
}

@Suite("Market time zones: TZif files and their footer rules read as the system's zdump reads them")
struct ZoneRulesTests {
    @Test(
        "every transition 1990-2040 of every shipped zone has zdump's offsets either side, and none between",
        arguments: MarketZones.supported)
    func agreesWithZdump(zone: String) throws {
        let rules = try systemZone(zone)
        let lines = try zdump(zone, from: 1990, to: 2041)
        for line in lines {
            #expect(rules.offset(at: line.instant) == line.offset, "\(zone) at \(line.instant)")
        }
        // zdump prints each change as the second before it and the second at it: between those pairs the offset
        // holds, which a daily walk checks (no zone changes twice within a day).
        let start = CalendarDate(year: 1990, month: 1, day: 1)!.daysSinceEpoch * 86_400
        let end = CalendarDate(year: 2041, month: 1, day: 1)!.daysSinceEpoch * 86_400
        var next = 0
        var instant = start
        var expected = rules.offset(at: start - 1)
        if let first = lines.first, first.instant == start - 1 || first.instant >= start { expected = first.offset }
        while instant < end {
            while next < lines.count, lines[next].instant <= instant {
                expected = lines[next].offset
                next += 1
            }
            if lines.isEmpty || lines.first!.instant <= instant {
                #expect(rules.offset(at: instant) == expected, "\(zone) at \(instant)")
            }
            instant += 86_400
        }
        if zone != "UTC" && zone != "Australia/Brisbane" && zone != "Australia/Perth" {
            #expect(lines.count >= 100, "\(zone): zdump printed \(lines.count) lines")
        }
    }

    @Test("a day the clocks change has 23 or 25 hours: 46 or 50 half-hours, and the 15- and 5-minute equivalents")
    func dayLengths() throws {
        let cases: [(String, String, Int)] = [
            ("Europe/London", "2024-03-31", 46), ("Europe/London", "2024-10-27", 50),
            ("Europe/London", "2024-10-28", 48), ("Europe/Dublin", "2024-03-31", 46),
            ("Europe/Dublin", "2024-10-27", 50), ("Australia/Sydney", "2024-10-06", 46),
            ("Australia/Sydney", "2024-04-07", 50), ("America/New_York", "2024-03-10", 46),
            ("America/New_York", "2024-11-03", 50), ("Australia/Brisbane", "2024-10-06", 48),
            ("Europe/London", "2040-03-25", 46), ("UTC", "2024-03-31", 48),
        ]
        for (zone, day, halfHours) in cases {
            let rules = try systemZone(zone)
            let date = CalendarDate(day)!
            #expect(rules.intervals(of: date, standardCount: 48) == halfHours, "\(zone) \(day)")
            #expect(rules.intervals(of: date, standardCount: 96) == halfHours * 2, "\(zone) \(day)")
            #expect(rules.intervals(of: date, standardCount: 288) == halfHours * 6, "\(zone) \(day)")
        }
    }

    @Test("a local time in the repeated hour is two instants, one in the skipped hour none")
    func repeatedAndSkippedTimes() throws {
        let london = try systemZone("Europe/London")
        let autumn = CalendarDate("2024-10-27")!.daysSinceEpoch * 86_400
        #expect(london.instants(ofLocal: autumn + 5400) == [autumn + 5400 - 3600, autumn + 5400])
        let spring = CalendarDate("2024-03-31")!.daysSinceEpoch * 86_400
        #expect(london.instants(ofLocal: spring + 5400) == [])
        #expect(london.instants(ofLocal: spring + 9000) == [spring + 9000 - 3600])
    }

    @Test("footer rules: POSIX TZ strings with quoted names, minutes, J and zero-based days; broken ones refused")
    func footerRules() throws {
        for text in [
            "GMT0BST,M3.5.0/1,M10.5.0", "IST-1GMT0,M10.5.0,M3.5.0/1", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
            "EST5EDT,M3.2.0,M11.1.0", "<-03>3", "XXX3YYY,J60/-1,300/167", "AEST-10",
        ] {
            #expect(PosixZoneRule(text) != nil, "\(text)")
        }
        let lordHowe = try #require(PosixZoneRule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"))
        #expect(lordHowe.standardOffset == 37_800 && lordHowe.daylight?.offset == 39_600)
        for text in ["", "GM0", "GMT", "GMT0BST,M13.1.0,M10.5.0", "GMT0BST,M3.5.0", "EST5EDT,M3.2.0,M11.1.0,", "<AB>1"]
        {
            #expect(PosixZoneRule(text) == nil, "\(text)")
        }
    }

    @Test("a file that is not TZif, or ends early, is refused with a reason")
    func brokenFiles() throws {
        let good = Array(try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/Europe/London")))
        #expect(throws: TZifReader.Failure.self) { try TZifReader.rules(name: "x", bytes: Array("TZxf".utf8) + good) }
        for cut in [10, 44, good.count / 2, good.count - 2] {
            #expect(throws: TZifReader.Failure.self) { try TZifReader.rules(name: "x", bytes: Array(good[0..<cut])) }
        }
    }
}
