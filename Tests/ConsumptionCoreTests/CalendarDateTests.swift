import ConsumptionCore
import Testing

@Suite("CalendarDate: real days only, written YYYY-MM-DD")
struct CalendarDateTests {
    @Test("accepts real days", arguments: ["2019-01-01", "2020-02-29", "2000-02-29", "2019-12-31", "9999-12-31"])
    func acceptsRealDays(text: String) {
        #expect(CalendarDate(text)?.description == text)
    }

    @Test(
        "refuses days that do not exist or are not written YYYY-MM-DD",
        arguments: [
            "2019-02-30", "2019-13-01", "2019-00-10", "2019-01-00", "2019-02-29", "1900-02-29", "2019-1-01",
            "2019/01/01", "01-01-2019", "20190101", "2019-01-01 ", "0000-01-01", "2019-04-31",
        ])
    func refusesImpossibleDays(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test("counts days from 1970-01-01 and back")
    func daysSinceEpoch() {
        #expect(CalendarDate("1970-01-01")?.daysSinceEpoch == 0)
        #expect(CalendarDate("2000-01-01")?.daysSinceEpoch == 10_957)
        #expect(CalendarDate("1969-12-31")?.daysSinceEpoch == -1)
        for days in stride(from: -800_000, through: 2_900_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
    }

    @Test("adds years, turning 29 February into 28 February")
    func addsYears() {
        #expect(CalendarDate("2024-02-29")?.adding(years: 1).description == "2025-02-28")
        #expect(CalendarDate("2025-11-22")?.adding(years: 1).description == "2026-11-22")
    }
}
